"""Warnings (never refusals) about a meeting's day: a weekend, a Swedish holiday or eve, the past.

A board may meet on any day; these only catch slips in a typed or imported plan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from caseflow.domain.workdays import holiday_name

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def day_warnings(day: date, *, today: date, where: str = "sammanträdet") -> list[str]:
    """Swedish warning texts for a meeting on `day` (empty: nothing odd), `today` in Stockholm.

    `where` names the meeting in the text ("sammanträdet", "RUN 2027-01-16").
    """
    found: list[str] = []
    holiday = holiday_name(day)
    if holiday:
        found.append(f"{where} {day.isoformat()} infaller på en helgdag eller helgdagsafton "
                     f"({holiday.lower()})")  # fmt: skip
    elif day.weekday() >= 5:
        found.append(f"{where} {day.isoformat()} infaller på en {WEEKDAYS[day.weekday()]}")
    if day < today:
        found.append(f"{where} {day.isoformat()} har redan passerat (i dag är det "
                     f"{today.isoformat()})")  # fmt: skip
    return found


MEETING_MOVED = "meeting_moved"
MEETING_CANCELLED = "meeting_cancel"  # the history's kind column holds 16 characters
MEETING_REOPENED = "meeting_reopen"
MEETING_EVENTS = (MEETING_MOVED, MEETING_CANCELLED, MEETING_REOPENED)


def meeting_event_text(kind: str, changes: dict[str, Any] | None) -> str | None:
    """How a change of a meeting the case is on reads in its history; None for other kinds."""
    c = changes or {}
    if kind == MEETING_MOVED:
        time = f" kl. {c['time']}" if c.get("time") else ""
        return (f"sammanträdet {c.get('meeting')} som ärendet står på flyttades till "
                f"{c.get('to')}{time}")  # fmt: skip
    if kind == MEETING_CANCELLED:
        reason = f": {c['reason']}" if c.get("reason") else ""
        return f"sammanträdet {c.get('meeting')} som ärendet står på ställdes in{reason}"
    if kind == MEETING_REOPENED:
        return f"sammanträdet {c.get('meeting')} som ärendet står på blir av igen"
    return None
