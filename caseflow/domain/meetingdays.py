"""Warnings (never refusals) about a meeting's day: a weekend, a Swedish holiday or eve, the past.

A board may meet on any day; these only catch slips in a typed or imported plan.
"""

from __future__ import annotations

from datetime import date

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
