"""Swedish working days against real calendars, a naive reference and hypothesis properties."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.domain import workdays
from caseflow.domain.workdays import (
    STOCKHOLM,
    add_working_days,
    holiday_name,
    is_working_day,
    local_date,
    next_working_day,
    previous_working_day,
    working_days_between,
)
from tests.test_architecture import IO_LIBRARIES, layer, reachable

DAYS = st.dates(min_value=date(1960, 1, 1), max_value=date(2100, 12, 31))
STEPS = st.integers(min_value=-400, max_value=400)
ONE_DAY = timedelta(days=1)

CLOSED_2025 = {
    date(2025, 1, 1): "Nyårsdagen",
    date(2025, 1, 6): "Trettondedag jul",
    date(2025, 4, 18): "Långfredagen",
    date(2025, 4, 21): "Annandag påsk",
    date(2025, 5, 1): "Första maj",
    date(2025, 5, 29): "Kristi himmelsfärdsdag",
    date(2025, 6, 6): "Nationaldagen",  # a Friday in 2025
    date(2025, 6, 20): "Midsommarafton",
    date(2025, 12, 24): "Julafton",
    date(2025, 12, 25): "Juldagen",
    date(2025, 12, 26): "Annandag jul",
    date(2025, 12, 31): "Nyårsafton",
}


def naive_add(day: date, n: int) -> date:
    """Step one day at a time: the definition add_working_days must match."""
    step = ONE_DAY if n > 0 else -ONE_DAY
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def naive_between(a: date, b: date) -> int:
    sign, (low, high) = (1, (a, b)) if a <= b else (-1, (b, a))
    count, day = 0, low + ONE_DAY
    while day <= high:
        count += is_working_day(day)
        day += ONE_DAY
    return sign * count


# --- real dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "name"), sorted(CLOSED_2025.items()))
def test_2025_holidays_and_eves_are_closed_and_named_in_swedish(day: date, name: str) -> None:
    assert day.weekday() < 5
    assert not is_working_day(day)
    assert holiday_name(day) == name


def test_2025_has_exactly_these_closed_weekdays() -> None:
    day, closed = date(2025, 1, 1), set()
    while day.year == 2025:
        if day.weekday() < 5 and not is_working_day(day):
            closed.add(day)
        day += ONE_DAY
    assert closed == set(CLOSED_2025)
    assert working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 261 - 12


def test_weekend_holidays_are_named_but_plain_weekends_are_not() -> None:
    assert holiday_name(date(2025, 4, 20)) == "Påskdagen"
    assert holiday_name(date(2025, 6, 21)) == "Midsommardagen"
    assert holiday_name(date(2025, 11, 1)) == "Alla helgons dag"
    assert holiday_name(date(2025, 6, 7)) is None  # Saturday
    assert holiday_name(date(2025, 6, 8)) == "Pingstdagen"  # a Sunday, named
    assert holiday_name(date(2025, 6, 15)) is None  # plain Sunday, never "Söndag"
    assert holiday_name(date(2025, 6, 11)) is None
    assert holiday_name(date(2049, 6, 6)) == "Nationaldagen, Pingstdagen"


def test_ordinary_days() -> None:
    assert is_working_day(date(2025, 6, 19))  # Thursday before midsommar
    assert is_working_day(date(2025, 6, 23))
    assert not is_working_day(date(2025, 6, 21))
    assert not is_working_day(date(2025, 6, 22))
    assert is_working_day(date(2025, 12, 23))
    assert is_working_day(date(2025, 12, 30))
    assert is_working_day(date(2025, 6, 5))  # the day before nationaldagen: a normal day


@pytest.mark.parametrize(
    "eve", [date(2024, 6, 21), date(2025, 6, 20), date(2026, 6, 19), date(2027, 6, 25)]
)
def test_midsommarafton_is_the_friday_between_19_and_25_june(eve: date) -> None:
    assert eve.weekday() == 4 and 19 <= eve.day <= 25
    assert holiday_name(eve) == "Midsommarafton"
    assert not is_working_day(eve)
    assert is_working_day(eve - ONE_DAY)


def test_results_report_21_february_2026_moves_to_monday() -> None:
    assert date(2026, 2, 21).weekday() == 5
    assert next_working_day(date(2026, 2, 21)) == date(2026, 2, 23)
    assert next_working_day(date(2025, 2, 21)) == date(2025, 2, 21)  # a Friday stays


def test_reminders_move_back_legal_due_dates_forward() -> None:
    assert previous_working_day(date(2025, 6, 20)) == date(2025, 6, 19)  # midsommar
    assert previous_working_day(date(2025, 6, 22)) == date(2025, 6, 19)
    assert next_working_day(date(2025, 6, 20)) == date(2025, 6, 23)
    assert previous_working_day(date(2025, 12, 26)) == date(2025, 12, 23)
    assert next_working_day(date(2025, 12, 24)) == date(2025, 12, 29)
    assert next_working_day(date(2025, 12, 31)) == date(2026, 1, 2)
    assert previous_working_day(date(2026, 1, 1)) == date(2025, 12, 30)
    assert next_working_day(date(2025, 4, 18)) == date(2025, 4, 22)  # påsk


def test_add_working_days_counts_back_from_a_meeting() -> None:
    assert add_working_days(date(2025, 2, 12), -15) == date(2025, 1, 22)
    # 15 working days before 11 June 2025: 6 June and 29 May are holidays
    assert add_working_days(date(2025, 6, 11), -15) == date(2025, 5, 19)
    assert add_working_days(date(2025, 6, 11), 0) == date(2025, 6, 11)
    assert add_working_days(date(2025, 6, 19), 1) == date(2025, 6, 23)
    assert add_working_days(date(2025, 6, 23), -1) == date(2025, 6, 19)
    assert add_working_days(date(2025, 12, 23), 1) == date(2025, 12, 29)
    assert add_working_days(date(2025, 12, 30), 1) == date(2026, 1, 2)  # over the new year
    assert add_working_days(date(2026, 1, 2), -2) == date(2025, 12, 29)
    assert add_working_days(date(2025, 6, 21), 1) == date(2025, 6, 23)  # from a Saturday
    assert add_working_days(date(2025, 6, 21), -1) == date(2025, 6, 19)
    assert add_working_days(date(2025, 1, 1), 249) == date(2025, 12, 30)
    assert add_working_days(date(2025, 1, 1), 250) == date(2026, 1, 2)


def test_working_days_between() -> None:
    assert working_days_between(date(2025, 1, 22), date(2025, 2, 12)) == 15
    assert working_days_between(date(2025, 2, 12), date(2025, 1, 22)) == -15
    assert working_days_between(date(2025, 6, 19), date(2025, 6, 23)) == 1
    assert working_days_between(date(2025, 6, 20), date(2025, 6, 22)) == 0
    assert working_days_between(date(2025, 6, 11), date(2025, 6, 11)) == 0


def test_datetimes_are_refused_where_a_date_is_meant() -> None:
    moment = datetime(2025, 12, 24, 9, tzinfo=STOCKHOLM)
    for call in (is_working_day, holiday_name, previous_working_day, next_working_day):
        with pytest.raises(TypeError):
            call(moment)
    with pytest.raises(TypeError):
        add_working_days(moment, 1)
    with pytest.raises(TypeError):
        working_days_between(date(2025, 1, 1), moment)


def test_local_date_is_the_stockholm_date() -> None:
    assert STOCKHOLM == ZoneInfo("Europe/Stockholm")
    assert local_date(datetime(2025, 6, 19, 22, 30, tzinfo=UTC)) == date(2025, 6, 20)  # CEST
    assert local_date(datetime(2025, 12, 31, 22, 59, tzinfo=UTC)) == date(2025, 12, 31)  # CET
    assert local_date(datetime(2025, 12, 31, 23, 0, tzinfo=UTC)) == date(2026, 1, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2025, 1, 1, 12))


# --- the holidays package, whatever it does with Sundays and eves -------------------------------


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    workdays._year.cache_clear()
    yield
    workdays._year.cache_clear()


@pytest.mark.parametrize(
    "extra",
    [{"include_sundays": True}, {"categories": ("public", "de_facto")}, {"include_sundays": False}],
)
def test_same_answers_whether_holidays_lists_sundays_and_eves(
    monkeypatch: pytest.MonkeyPatch, fresh_cache: None, extra: dict[str, Any]
) -> None:
    real = holidays.country_holidays

    def variant(*args: Any, **kwargs: Any) -> holidays.HolidayBase:
        return real(*args, **kwargs, **extra)

    monkeypatch.setattr(holidays, "country_holidays", variant)
    table = variant("SE", years=2025, language="sv")
    if extra.get("include_sundays"):
        assert table.get(date(2025, 6, 15)) == "Söndag"  # the case the module guards against
    for day, name in CLOSED_2025.items():
        assert holiday_name(day) == name
    assert holiday_name(date(2025, 6, 15)) is None
    assert holiday_name(date(2025, 4, 20)) == "Påskdagen"
    assert working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 261 - 12


def test_the_module_is_pure() -> None:
    path = Path(workdays.__file__)
    assert layer(workdays.__name__) == "pure"
    assert not reachable(workdays.__name__) & IO_LIBRARIES
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500


# --- properties ---------------------------------------------------------------------------------


@given(DAYS)
def test_previous_working_day_is_a_working_day_on_or_before(day: date) -> None:
    found = previous_working_day(day)
    assert found <= day and is_working_day(found)
    assert all(not is_working_day(found + ONE_DAY * i) for i in range(1, (day - found).days + 1))
    assert (found == day) == is_working_day(day)


@given(DAYS)
def test_next_working_day_is_a_working_day_on_or_after(day: date) -> None:
    found = next_working_day(day)
    assert found >= day and is_working_day(found)
    assert all(not is_working_day(day + ONE_DAY * i) for i in range((found - day).days))


@given(DAYS, STEPS)
def test_add_working_days_matches_stepping_day_by_day(day: date, n: int) -> None:
    found = add_working_days(day, n)
    assert found == naive_add(day, n)
    if n:
        assert is_working_day(found)
        assert (found > day) == (n > 0)


@given(DAYS, STEPS)
def test_add_working_days_goes_back_to_a_working_day(day: date, n: int) -> None:
    start = next_working_day(day)
    assert add_working_days(add_working_days(start, n), -n) == start


@given(DAYS, STEPS)
def test_working_days_between_is_consistent_with_add(day: date, n: int) -> None:
    start = next_working_day(day)
    assert working_days_between(start, add_working_days(start, n)) == n
    if n >= 0:  # forwards it holds from any day: (day, end] holds the n working days
        assert working_days_between(day, add_working_days(day, n)) == n


@given(DAYS, DAYS)
def test_working_days_between_counts_the_working_days(a: date, b: date) -> None:
    if abs((b - a).days) > 1500:
        b = a + timedelta(days=(b - a).days % 1500)
    assert working_days_between(a, b) == naive_between(a, b)
    assert working_days_between(b, a) == -working_days_between(a, b)
    if is_working_day(b) and (a <= b or is_working_day(a)):
        assert add_working_days(a, working_days_between(a, b)) == b
