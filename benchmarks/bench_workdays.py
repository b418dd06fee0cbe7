"""Microseconds per call of the Swedish working-day functions over random dates 2024–2030.

Times 100,000 calls each (the same random dates for every function, seeded) of
`add_working_days(d, -15)` ("15 working days before the meeting"), `previous_working_day(d)`,
`next_working_day(d)`, `is_working_day(d)` and `working_days_between(d, d + 60 days)`, with the
year tables already cached; beside them a naive day-by-day `add_working_days(d, -15)` on the same
cache, and the one-off cost of building the tables for 2024–2030 (the `holidays` package).

Run: .venv/bin/python benchmarks/bench_workdays.py [--calls 100000] [--rounds 5] [--seed 2025]
Target: add_working_days(d, -15) and previous_working_day(d) under 10 us per call.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

from _common import git_line, load_line, machine_line

from caseflow.domain import workdays
from caseflow.domain.workdays import (
    add_working_days,
    is_working_day,
    next_working_day,
    previous_working_day,
    working_days_between,
)

FIRST, LAST = date(2024, 1, 1), date(2030, 12, 31)
TARGET_US = 10.0
ONE_DAY = timedelta(days=1)


def random_dates(count: int, seed: int) -> list[date]:
    rng = random.Random(seed)
    first, last = FIRST.toordinal(), LAST.toordinal()
    return [date.fromordinal(rng.randint(first, last)) for _ in range(count)]


def naive_add(day: date, n: int) -> date:
    """Day-by-day stepping on the same cached tables: what the arithmetic replaces."""
    step = ONE_DAY if n > 0 else -ONE_DAY
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def time_calls(call: Callable[[date], object], days: list[date]) -> float:
    """Seconds for one call per date."""
    start = time.perf_counter()
    for day in days:
        call(day)
    return time.perf_counter() - start


def cold_tables() -> float:
    """Seconds to build the year tables 2024–2030 from an empty cache."""
    workdays._year.cache_clear()
    start = time.perf_counter()
    for year in range(FIRST.year, LAST.year + 1):
        workdays._year(year)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000, help="calls per function per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the median is reported")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the random dates")
    args = parser.parse_args()
    calls, rounds = args.calls, args.rounds

    print("bench_workdays: Swedish working days, microseconds per call (year tables cached)")
    print(f"  {machine_line()}")
    print(f"  {git_line()}; {load_line()}")
    print(
        f"  {calls:,} calls per function per round over random dates {FIRST} .. {LAST} "
        f"(seed {args.seed}), {rounds} rounds; median reported"
    )
    cold = [cold_tables() for _ in range(3)]
    print(
        f"  building the tables for {LAST.year - FIRST.year + 1} years (cold cache): "
        f"{1e3 * statistics.median(cold):.1f} ms"
    )

    days = random_dates(calls, args.seed)
    contenders: dict[str, Callable[[date], object]] = {
        "add_working_days(d, -15)": lambda d: add_working_days(d, -15),
        "previous_working_day(d)": previous_working_day,
        "next_working_day(d)": next_working_day,
        "is_working_day(d)": is_working_day,
        "working_days_between(d, d + 60)": lambda d: working_days_between(d, d + 60 * ONE_DAY),
        "naive day-by-day add (d, -15)": lambda d: naive_add(d, -15),
    }
    for call in contenders.values():  # warm up: every year table, every code path
        time_calls(call, days[:2000])
    timings: dict[str, list[float]] = {label: [] for label in contenders}
    for _ in range(rounds):  # interleaved, so background load hits all alike
        for label, call in contenders.items():
            timings[label].append(1e6 * time_calls(call, days) / calls)

    medians: dict[str, float] = {}
    for label, values in timings.items():
        medians[label] = statistics.median(values)
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {label:<34} {medians[label]:>7.2f} us/call   (rounds: {shown})")

    print()
    for label in ("add_working_days(d, -15)", "previous_working_day(d)"):
        verdict = "MET" if medians[label] < TARGET_US else "MISSED"
        print(f"  {label:<34} {medians[label]:>7.2f} us  target < {TARGET_US:.0f} us   {verdict}")
    ratio = medians["naive day-by-day add (d, -15)"] / medians["add_working_days(d, -15)"]
    print(f"  add_working_days vs naive day-by-day stepping: {ratio:.1f}x faster")
    print(f"  after the run: {load_line()}")


if __name__ == "__main__":
    main()
