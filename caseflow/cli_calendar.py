"""CLI: `calendar` — meetings and deadlines as iCalendar (RFC 5545) with stable UIDs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from caseflow.calendar_ics import CalendarEvent, build_calendar
from caseflow.casedoc import check_email
from caseflow.cli import app, obj, out, write_output
from caseflow.errors import InputError
from caseflow.meetings import MeetingInfo, list_meetings, meetings_of
from caseflow.reminders import list_reminders
from caseflow.textformat import STOCKHOLM


def meeting_event(m: MeetingInfo, description: str) -> CalendarEvent:
    start: date | datetime = m.day
    end: date | datetime | None = None
    if m.time:
        hour, minute = (int(p) for p in m.time.split(":"))
        start = datetime.combine(m.day, time(hour, minute), tzinfo=STOCKHOLM)
        end = start + timedelta(hours=3)
    return CalendarEvent(
        uid=f"meeting-{m.body}-{m.day.isoformat()}", summary=f"Sammanträde {m.body}", start=start,
        end=end, description=description, url=None, last_modified=m.created_at,
    )  # fmt: skip


@app.command("calendar")
def calendar(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="Filen som skrivs (.ics).")],
    person: Annotated[
        str | None, typer.Option("--person", help="En handläggares frister och sammanträden.")
    ] = None,
    body: Annotated[
        str | None, typer.Option("--body", help="En nämnds kalender (t.ex. RUN).")
    ] = None,
) -> None:
    """Sammanträden och frister som kalenderfil (iCalendar) med stabila UID."""
    if (person is None) == (body is None):
        raise InputError("ange antingen --person EMAIL eller --body NÄMND")
    context = obj(ctx)
    base = context.settings.base_url.rstrip("/")
    events: list[CalendarEvent] = []
    if person is not None:
        email = check_email(person)
        for m, numbers in meetings_of(db=context.db, handlaggare=email):
            events.append(meeting_event(m, "Dina ärenden: " + ", ".join(numbers)))
        title = f"Frister för {email}"
    else:
        name = (body or "").strip().upper()
        events += [meeting_event(m, f"{m.cases} ärenden på dagordningen")
                   for m in list_meetings(db=context.db, body=name)]  # fmt: skip
        title = f"{name} sammanträden och frister"
    with context.db.transaction() as conn:
        reminders = list_reminders(conn, include_done=True)
    for r in reminders:
        if r.status == "cancelled" or (person is not None and r.handlaggare != email):
            continue
        events.append(CalendarEvent(
            uid=f"deadline-{r.diarienummer.replace('/', '-')}-{r.rule}-{r.due_on.isoformat()}",
            summary=f"{r.label} – {r.diarienummer}", start=r.due_on, end=None,
            description=r.title, url=f"{base}/cases/{r.diarienummer}",
            last_modified=r.updated_at,
        ))  # fmt: skip
    write_output(output, build_calendar(events, name=title))
    out(f"skrev {output} ({len(events)} händelser)")
