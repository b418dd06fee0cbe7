"""The iCalendar export: parsed back with icalendar, stable UIDs, dates, time zones, escaping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar, Component

from caseflow.domain.workdays import STOCKHOLM
from caseflow.meetings import ics as calendar_ics
from caseflow.meetings.ics import PRODID, CalendarEvent, build_calendar, event_uid
from tests.test_architecture import IO_LIBRARIES, layer, reachable

CHANGED = datetime(2025, 1, 2, 9, 30, tzinfo=UTC)


def deadline(key: str = "RUN/479/2024/final_report", **changes: object) -> CalendarEvent:
    event = CalendarEvent(
        uid=key,
        summary="Slutrapport RUN/479/2024",
        start=date(2025, 6, 30),
        end=None,
        description="Slutrapporten lämnas med sista utbetalningsansökan.",
        url="https://caseflow.example.se/cases/RUN/479/2024",
        last_modified=CHANGED,
    )
    return replace(event, **changes)  # type: ignore[arg-type]


def meeting(key: str = "meeting/2025-03-04") -> CalendarEvent:
    return CalendarEvent(
        uid=key,
        summary="Regionala utvecklingsnämnden",
        start=datetime(2025, 3, 4, 13, 15, tzinfo=STOCKHOLM),
        end=datetime(2025, 3, 4, 16, 0, tzinfo=STOCKHOLM),
        description=None,
        url=None,
        last_modified=CHANGED,
    )


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def vevents(data: bytes) -> list[Component]:
    return list(parse(data).walk("VEVENT"))


def by_uid(data: bytes) -> dict[str, Component]:
    return {str(event["UID"]): event for event in vevents(data)}


def test_calendar_has_the_required_properties() -> None:
    data = build_calendar([deadline(), meeting()], name="Ärenden – Anna Handläggare")
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    calendar = parse(data)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == PRODID == "-//caseflow//caseflow//SV"
    assert str(calendar["X-WR-CALNAME"]) == "Ärenden – Anna Handläggare"
    events = vevents(data)
    assert len(events) == 2
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert required in event, required
        assert event.decoded("DTSTAMP") == CHANGED  # UTC, from last_modified
    assert data.count(b"\r\nDTSTAMP:20250102T093000Z\r\n") == 2
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded by the library


def test_uids_are_stable_and_follow_the_key() -> None:
    events = [deadline(), meeting(), deadline("RUN/12/2025/commitment")]
    first, second = build_calendar(events, name="x"), build_calendar(events, name="x")
    assert first == second
    assert set(by_uid(first)) == {
        "RUN/479/2024/final_report@caseflow",
        "meeting/2025-03-04@caseflow",
        "RUN/12/2025/commitment@caseflow",
    }
    assert event_uid("RUN/479/2024/final_report") == "RUN/479/2024/final_report@caseflow"


def test_a_changed_summary_keeps_the_uid() -> None:
    before = by_uid(build_calendar([deadline()], name="x"))
    later = CHANGED + timedelta(days=3)
    after = by_uid(
        build_calendar([deadline(summary="Slutrapport (flyttad)", last_modified=later)], name="x")
    )
    assert before.keys() == after.keys()
    (uid,) = after
    assert str(after[uid]["SUMMARY"]) == "Slutrapport (flyttad)"
    assert after[uid].decoded("DTSTAMP") == later
    assert after[uid].decoded("LAST-MODIFIED") == later


def test_output_is_sorted_by_start_then_uid_whatever_the_input_order() -> None:
    events = [
        deadline("b"),
        deadline("a"),
        meeting("m"),
        deadline("early", start=date(2025, 3, 4)),  # all-day: from midnight, before 13.15
    ]
    data = build_calendar(events, name="x")
    assert data == build_calendar(list(reversed(events)), name="x")
    assert [str(e["UID"]) for e in vevents(data)] == [
        "early@caseflow",
        "m@caseflow",
        "a@caseflow",
        "b@caseflow",
    ]


def test_all_day_events_are_dates_with_the_next_day_as_end() -> None:
    data = build_calendar(
        [deadline(), deadline("span", start=date(2025, 6, 2), end=date(2025, 6, 4))], name="x"
    )
    events = by_uid(data)
    single = events["RUN/479/2024/final_report@caseflow"]
    assert single.decoded("DTSTART") == date(2025, 6, 30)
    assert not isinstance(single.decoded("DTSTART"), datetime)
    assert single.decoded("DTEND") == date(2025, 7, 1)
    assert b"DTSTART;VALUE=DATE:20250630\r\n" in data
    assert b"DTEND;VALUE=DATE:20250701\r\n" in data
    assert events["span@caseflow"].decoded("DTEND") == date(2025, 6, 5)  # end was inclusive
    assert b"BEGIN:VTIMEZONE" not in data  # nothing refers to a time zone


def test_timed_events_are_in_stockholm_with_a_vtimezone() -> None:
    utc_start = datetime(2025, 3, 4, 12, 15, tzinfo=UTC)  # 13.15 in Stockholm (CET)
    event = replace(meeting(), start=utc_start, end=utc_start + timedelta(hours=2))
    data = build_calendar([event, deadline()], name="x")
    assert b"DTSTART;TZID=Europe/Stockholm:20250304T131500\r\n" in data
    assert b"DTEND;TZID=Europe/Stockholm:20250304T151500\r\n" in data
    calendar = parse(data)
    timezones = list(calendar.walk("VTIMEZONE"))
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Stockholm"]
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")
    assert calendar.get_missing_tzids() == set()
    parsed = by_uid(data)["meeting/2025-03-04@caseflow"].decoded("DTSTART")
    assert parsed == utc_start
    assert parsed.utcoffset() == timedelta(hours=1)
    summer = replace(meeting(), start=datetime(2025, 6, 10, 11, 0, tzinfo=UTC), end=None)
    parsed = vevents(build_calendar([summer], name="x"))[0].decoded("DTSTART")
    assert parsed.utcoffset() == timedelta(hours=2) and parsed.hour == 13  # CEST


def test_text_is_escaped_and_comes_back_unchanged() -> None:
    summary = "Möte, RUN/479/2024; punkt 3\nrad två \\ slut"
    description = "Underlag: a, b; c\nd"
    data = build_calendar([deadline(summary=summary, description=description)], name="x")
    assert b"SUMMARY:M\xc3\xb6te\\, RUN/479/2024\\; punkt 3\\nrad tv\xc3\xa5 \\\\ slut" in data
    (event,) = vevents(data)
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == description
    assert str(event["URL"]) == "https://caseflow.example.se/cases/RUN/479/2024"


def test_optional_fields_are_left_out() -> None:
    (event,) = vevents(build_calendar([deadline(description=None, url=None)], name="x"))
    assert "DESCRIPTION" not in event and "URL" not in event


def test_an_empty_calendar_is_still_valid() -> None:
    calendar = parse(build_calendar([], name="Tom"))
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"]) == PRODID
    assert list(calendar.walk("VEVENT")) == []


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([deadline(), deadline()], "two events"),
        ([deadline(uid="")], "non-empty"),
        ([deadline(last_modified=datetime(2025, 1, 1))], "timezone-aware"),
        ([deadline(start=datetime(2025, 1, 1, 10), end=None)], "timezone-aware"),
        ([deadline(end=datetime(2025, 7, 1, 10, tzinfo=UTC))], "both be dates"),
        ([deadline(end=date(2025, 6, 29))], "before start"),
    ],
)
def test_bad_events_are_refused(events: list[CalendarEvent], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_calendar(events, name="x")


def test_the_module_is_pure() -> None:
    path = Path(calendar_ics.__file__)
    assert layer(calendar_ics.__name__) == "pure"
    assert not reachable(calendar_ics.__name__) & IO_LIBRARIES
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500
