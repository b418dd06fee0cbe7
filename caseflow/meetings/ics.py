"""Deadlines and meetings as an iCalendar file (RFC 5545) that officers subscribe to or import.

Pure: events in, bytes out. Every event's UID is `<key>@caseflow` for the stable key the caller
gives (e.g. `RUN/479/2024/final_report`), so importing the file again updates the events instead
of duplicating them. The output depends on the input only: DTSTAMP is the event's last change,
events are sorted by start and then UID, and the VTIMEZONE covers just the years the events use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from caseflow.domain.workdays import STOCKHOLM

__all__ = ["PRODID", "UID_DOMAIN", "CalendarEvent", "build_calendar", "event_uid"]

PRODID = "-//caseflow//caseflow//SV"
UID_DOMAIN = "caseflow"
TZID = "Europe/Stockholm"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One calendar entry.

    `uid` is the caller's stable key for the thing (not a random id): the same key must give the
    same entry in every export. `start` a date makes an all-day event, and then `end` (a date or
    None) is the last day it covers, inclusive. `start` a datetime makes a timed event, and then
    `end` is a datetime or None (an event at one moment); both must be timezone-aware and are
    written in Europe/Stockholm. `last_modified` (aware) is when the thing last changed."""

    uid: str
    summary: str
    start: date | datetime
    end: date | datetime | None
    description: str | None
    url: str | None
    last_modified: datetime


def event_uid(key: str) -> str:
    """The UID of the event with stable key `key`: `<key>@caseflow`."""
    return f"{key}@{UID_DOMAIN}"


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {moment!r}")
    return moment


def _sort_key(event: CalendarEvent) -> tuple[datetime, str]:
    start = event.start
    if isinstance(start, datetime):
        return _aware(start, "start").astimezone(UTC), event.uid
    return datetime.combine(start, time(), STOCKHOLM).astimezone(UTC), event.uid


def _check(event: CalendarEvent) -> None:
    key, start, end = event.uid, event.start, event.end
    if not key or key != key.strip() or any(c in key for c in "\r\n"):
        raise ValueError(f"an event key must be non-empty, without surrounding blanks: {key!r}")
    _aware(event.last_modified, f"{key}: last_modified")
    if isinstance(start, datetime):
        _aware(start, f"{key}: start")
    if end is None:
        return
    if isinstance(start, datetime) and isinstance(end, datetime):
        if _aware(end, f"{key}: end") < start:
            raise ValueError(f"{key}: end {end} is before start {start}")
    elif isinstance(start, datetime) or isinstance(end, datetime):
        raise ValueError(f"{key}: start and end must both be dates or both datetimes")
    elif end < start:
        raise ValueError(f"{key}: end {end} is before start {start}")


def _vevent(event: CalendarEvent) -> Event:
    vevent = Event()
    vevent.add("uid", event_uid(event.uid))
    # DTSTAMP and LAST-MODIFIED are written in UTC (RFC 5545 3.8.7.2, 3.8.7.3).
    stamp = event.last_modified.astimezone(UTC)
    vevent.add("dtstamp", stamp)
    vevent.add("last-modified", stamp)
    vevent.add("summary", event.summary)
    start, end = event.start, event.end
    if isinstance(start, datetime):
        vevent.add("dtstart", start.astimezone(STOCKHOLM))
        if isinstance(end, datetime):
            vevent.add("dtend", end.astimezone(STOCKHOLM))
    else:
        # All-day: VALUE=DATE, and DTEND is exclusive, the day after the last day.
        vevent.add("dtstart", start)
        vevent.add("dtend", (end or start) + timedelta(days=1))
        vevent.add("transp", "TRANSPARENT")  # a deadline does not make the officer busy
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    return vevent


@lru_cache(maxsize=32)
def _timezone(first_year: int, last_year: int) -> Timezone:
    """Europe/Stockholm as a VTIMEZONE with its transitions from `first_year` to `last_year`."""
    return Timezone.from_tzinfo(
        STOCKHOLM, tzid=TZID, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


def _timed_years(events: Sequence[CalendarEvent]) -> list[int]:
    years = []
    for event in events:
        for moment in (event.start, event.end):
            if isinstance(moment, datetime):
                years.append(moment.astimezone(STOCKHOLM).year)
    return years


def build_calendar(events: Sequence[CalendarEvent], *, name: str) -> bytes:
    """An RFC 5545 VCALENDAR named `name` (X-WR-CALNAME) holding one VEVENT per event.

    Raises ValueError for two events with the same key, a naive datetime, a mix of date and
    datetime in one event, or an end before its start."""
    seen: set[str] = set()
    for event in events:
        _check(event)
        if event.uid in seen:
            raise ValueError(f"two events with the key {event.uid!r}")
        seen.add(event.uid)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    years = _timed_years(events)
    if years:  # one VTIMEZONE, before the events that use it
        calendar.add_component(_timezone(min(years), max(years)))
    for event in sorted(events, key=_sort_key):
        calendar.add_component(_vevent(event))
    ical: bytes = calendar.to_ical()
    return ical
