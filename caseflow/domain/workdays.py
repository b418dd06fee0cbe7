"""Swedish working days: weekends, public holidays (lag 1989:253) and the three eves.

A working day is a Monday–Friday that is neither a public holiday nor midsommarafton, julafton or
nyårsafton (the days the Annual Leave Act, SFS 1977:480 7 §, treats as Sundays). A deadline that
falls on another day moves: to the previous working day for a reminder, to the next for a legal
due date.

Pure: the public holidays come from the `holidays` package (computed, no I/O), one table per year,
cached. Counting and adding working days is arithmetic on Monday–Friday day numbers, corrected by
bisecting the sorted closed weekdays, so a call costs about the same for 1 and 1,000 days.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from caseflow.domain.textformat import STOCKHOLM

__all__ = [
    "STOCKHOLM",
    "add_working_days",
    "holiday_name",
    "is_working_day",
    "local_date",
    "next_working_day",
    "previous_working_day",
    "working_days_between",
]


ONE_DAY = timedelta(days=1)
#: The name `holidays` gives every Sunday when its Swedish calendar lists them (some versions do
#: by default, newer ones only with `include_sundays=True`); a Sunday is not a holiday by name.
SUNDAY = "Söndag"
MIDSOMMARAFTON = "Midsommarafton"
JULAFTON = "Julafton"
NYARSAFTON = "Nyårsafton"


@dataclass(frozen=True, slots=True)
class _Year:
    names: Mapping[date, str]  # every named closed day of the year, weekends included
    closed_weekdays: frozenset[date]  # Monday–Friday days that are not working days
    closed_ordinals: tuple[int, ...]  # the same, as sorted `date.toordinal()` numbers


def _eves(year: int) -> list[tuple[date, str]]:
    """Midsommarafton (the Friday 19–25 June), julafton and nyårsafton of `year`."""
    june_19 = date(year, 6, 19)
    midsummer_eve = june_19 + timedelta(days=(4 - june_19.weekday()) % 7)
    return [
        (midsummer_eve, MIDSOMMARAFTON),
        (date(year, 12, 24), JULAFTON),
        (date(year, 12, 31), NYARSAFTON),
    ]


@lru_cache(maxsize=512)  # years; a table is ~20 dates
def _year(year: int) -> _Year:
    """The closed days of `year`: public holidays in Swedish plus the three eves."""
    table = holidays.country_holidays("SE", years=year, language="sv")
    names: dict[date, list[str]] = {}
    for day in sorted(table):
        for name in table.get_list(day):
            if name != SUNDAY and day.year == year:
                names.setdefault(day, []).append(name)
    for day, name in _eves(year):
        found = names.setdefault(day, [])
        if name not in found:  # newer `holidays` list the eves (category DE_FACTO) themselves
            found.append(name)
    closed = frozenset(day for day in names if day.weekday() < 5)
    return _Year(
        names={day: ", ".join(listed) for day, listed in sorted(names.items())},
        closed_weekdays=closed,
        closed_ordinals=tuple(sorted(day.toordinal() for day in closed)),
    )


def _require_date(day: date) -> None:
    # A datetime is a date too, but never equal to one: it would miss every holiday.
    if isinstance(day, datetime):
        raise TypeError(f"expected a date, got the datetime {day!r}; use local_date() first")


def _open(day: date) -> bool:
    return day.weekday() < 5 and day not in _year(day.year).closed_weekdays


def is_working_day(day: date) -> bool:
    """Whether `day` is a Swedish working day (not a weekend, public holiday or eve)."""
    _require_date(day)
    return _open(day)


def holiday_name(day: date) -> str | None:
    """The Swedish name of the holiday or eve on `day` (`Långfredagen`, `Julafton`), else None.

    A plain Saturday or Sunday has no name. Two holidays on one day are joined with ", "."""
    _require_date(day)
    return _year(day.year).names.get(day)


def previous_working_day(day: date) -> date:
    """`day` if it is a working day, else the last working day before it (for a reminder)."""
    _require_date(day)
    while not _open(day):
        day -= ONE_DAY
    return day


def next_working_day(day: date) -> date:
    """`day` if it is a working day, else the first working day after it (for a due date)."""
    _require_date(day)
    while not _open(day):
        day += ONE_DAY
    return day


# --- counting -----------------------------------------------------------------------------------
# Ordinal 1 (0001-01-01) is a Monday, so ordinal o is a weekday when o % 7 is 1…5.


def _weekdays_through(ordinal: int) -> int:
    """How many Monday–Friday days ordinals 1 … `ordinal` hold."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _nth_weekday(count: int) -> int:
    """The ordinal of the `count`-th Monday–Friday day (the inverse of `_weekdays_through`)."""
    weeks, rest = divmod(count - 1, 5)
    return weeks * 7 + rest + 1


def _closed_between(first: int, last: int) -> int:
    """How many closed weekdays ordinals `first` … `last` (inclusive) hold."""
    if last < first:
        return 0
    total = 0
    for year in range(date.fromordinal(first).year, date.fromordinal(last).year + 1):
        ordinals = _year(year).closed_ordinals
        total += bisect_right(ordinals, last) - bisect_left(ordinals, first)
    return total


def add_working_days(day: date, n: int) -> date:
    """The `n`-th working day after `day` (`n` > 0) or before it (`n` < 0); `day` when n == 0.

    `day` itself need not be a working day: 1 working day after a Saturday is the Monday, 1
    before it the Friday. For a working day d, `add_working_days(add_working_days(d, n), -n) == d`
    and `working_days_between(d, add_working_days(d, n)) == n`."""
    _require_date(day)
    ordinal = day.toordinal()
    remaining = abs(n)
    if n > 0:
        while remaining:
            # Jump `remaining` weekdays ahead; the closed weekdays passed are still to go.
            target = _nth_weekday(_weekdays_through(ordinal) + remaining)
            remaining = _closed_between(ordinal + 1, target)
            ordinal = target
    else:
        while remaining:
            target = _nth_weekday(_weekdays_through(ordinal - 1) - remaining + 1)
            remaining = _closed_between(target, ordinal - 1)
            ordinal = target
    return date.fromordinal(ordinal)


def working_days_between(a: date, b: date) -> int:
    """The working days after `a` up to and including `b`; negative when `b` is before `a`.

    That is how many working days to add to `a` to reach `b` when `b` is a working day; it is
    antisymmetric: `working_days_between(b, a) == -working_days_between(a, b)`."""
    _require_date(a)
    _require_date(b)
    if b < a:
        return -working_days_between(b, a)
    first, last = a.toordinal(), b.toordinal()
    weekdays = _weekdays_through(last) - _weekdays_through(first)
    return weekdays - _closed_between(first + 1, last)


def local_date(moment: datetime) -> date:
    """The calendar date in Europe/Stockholm of a timezone-aware moment."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"local_date needs a timezone-aware datetime, got {moment!r}")
    return moment.astimezone(STOCKHOLM).date()
