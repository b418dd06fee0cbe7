"""Calendars of meetings and deadlines, for the CLI's files and the web's feed URLs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from caseflow.domain.textformat import STOCKHOLM
from caseflow.meetings.ics import CalendarEvent, build_calendar
from caseflow.meetings.service import MeetingInfo, list_meetings, meetings_of
from caseflow.reminders.plan import list_reminders
from caseflow.store.db import Database
from caseflow.store.repo import require_person


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


def calendar_for(
    *, db: Database, base_url: str, person: str | None = None, body: str | None = None
) -> tuple[bytes, int]:
    """One person's (`person`, an e-mail) or one board's calendar: (iCalendar bytes, events)."""
    base = base_url.rstrip("/")
    events: list[CalendarEvent] = []
    if person is not None:
        with db.read() as session:
            require_person(session=session, email=person)  # unknown: an error, not an empty file
        for m, numbers in meetings_of(db=db, handlaggare=person):
            events.append(meeting_event(m, "Dina ärenden: " + ", ".join(numbers)))
        title = f"Frister för {person}"
    else:
        name = (body or "").strip().upper()
        events += [meeting_event(m, f"{m.cases} ärenden på dagordningen")
                   for m in list_meetings(db=db, body=name)]  # fmt: skip
        title = f"{name} sammanträden och frister"
    with db.reading() as conn:
        reminders = list_reminders(conn, include_done=True, handlaggare=person)
    for r in reminders:
        if r.status == "cancelled":  # a person's calendar: list_reminders kept only theirs
            continue
        events.append(CalendarEvent(
            uid=f"deadline-{r.diarienummer.replace('/', '-')}-{r.rule}-{r.due_on.isoformat()}",
            summary=f"{r.label} – {r.diarienummer}", start=r.due_on, end=None,
            description=r.title, url=f"{base}/cases/{r.diarienummer}",
            last_modified=r.updated_at,
        ))  # fmt: skip
    return build_calendar(events, name=title), len(events)
