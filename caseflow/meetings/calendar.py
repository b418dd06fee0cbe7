"""Calendars of meetings and deadlines, for the CLI's files and the web's feed URLs.

With `secrecy` (the web feed), a deadline's case title under a secrecy mark reads `[sekretess]`
unless the feed's owner has a role with access (a board's calendar: as the public sees it); a
calendar program may keep the feed where the authority cannot see it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from caseflow.domain.textformat import STOCKHOLM, count_of
from caseflow.domain.workdays import local_date
from caseflow.meetings.ics import CalendarEvent, build_calendar
from caseflow.meetings.service import MeetingInfo, check_body, list_meetings, meetings_of
from caseflow.records.config import SecrecyConfig
from caseflow.records.fieldmask import title_masker
from caseflow.reminders.deadlines import list_deadlines
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
        uid=f"meeting-{m.body}-{m.day.isoformat()}",
        summary=("Inställt: " if m.cancelled else "") + f"Sammanträde {m.body}", start=start,
        end=end, description=description, url=None,
        last_modified=m.cancelled_at or m.created_at,
    )  # fmt: skip


def calendar_for(
    *, db: Database, base_url: str, person: str | None = None, body: str | None = None,
    today: date | None = None, secrecy: SecrecyConfig | None = None,
) -> tuple[bytes, int]:  # fmt: skip
    """One person's (`person`, an e-mail) or one board's calendar: (iCalendar bytes, events);
    `today` (Stockholm) decides which deadlines are overdue (default: the system clock);
    `secrecy`: marked titles masked unless the person may see them (None: as stored)."""
    today = today or local_date(datetime.now(UTC))
    base = base_url.rstrip("/")
    events: list[CalendarEvent] = []
    roles: tuple[str, ...] = ()
    if person is not None:
        with db.read() as session:
            # unknown: an error, not an empty file
            roles = tuple(require_person(session=session, email=person).roles)
        for m, numbers in meetings_of(db=db, handlaggare=person):
            events.append(meeting_event(m, "Dina ärenden: " + ", ".join(numbers)))
        title = f"Frister för {person}"
    else:
        name = check_body((body or "").strip().upper(), where="nämnd")
        events += [meeting_event(m, f"{count_of(m.cases, 'ärende', 'ärenden')} på dagordningen")
                   for m in list_meetings(db=db, body=name)]  # fmt: skip
        title = f"{name} sammanträden och frister"
    mask = title_masker(db=db, secrecy=secrecy, roles=roles) if secrecy is not None else None
    events += deadline_events(db=db, base=base, person=person, today=today, mask=mask)
    return build_calendar(events, name=title), len(events)


def deadline_events(
    *, db: Database, base: str, person: str | None, today: date,
    mask: Callable[[str, str], str] | None = None,
) -> list[CalendarEvent]:  # fmt: skip
    """The deadlines of open cases (a person's: only theirs). An overdue one covers every day
    from its date to `today`, so it stays in view until someone marks it done; a done one keeps
    its day, marked klar; one marked not applicable is left out."""
    with db.reading() as conn:
        rows = list_deadlines(conn, today=today, include_done=True, handlaggare=person)
    events = []
    for r in rows:
        if r.state == "not_applicable":
            continue
        prefix = {"overdue": "FÖRSENAD: ", "done": "Klar: "}.get(r.state, "")
        occurrence = r.occurrence or "1"
        events.append(CalendarEvent(
            uid=f"deadline-{r.diarienummer.replace('/', '-')}-{r.rule}-{occurrence}",
            summary=f"{prefix}{r.label} – {r.diarienummer}", start=r.due_on,
            end=today if r.state == "overdue" else None,
            description=f"{mask(r.diarienummer, r.title) if mask else r.title}\n"
                        f"Frist {r.due_on}, {r.state_label}",
            url=f"{base}/cases/{r.diarienummer}",
            last_modified=max(r.updated_at, datetime.combine(today, time(), STOCKHOLM))
            if r.state == "overdue" else r.updated_at,
        ))  # fmt: skip
    return events
