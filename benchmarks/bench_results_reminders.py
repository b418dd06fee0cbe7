"""The results reports' reminders as the worker runs them every tick.

On a migrated SQLite file: REGIONS regions × YEARS years of open (draft) reports, each with six
section owners and the board's adopting meeting, so every report has three due deadlines.

1. The first tick: every due reminder queued (reports × 3 deadlines × recipients → outbox), in
   one transaction. Reported.
2. The usual tick, when everything due has been queued: `queue_report_reminders` finds nothing
   new. Held against the ceiling of the step beside it in the same tick, the cases'
   `queue_due` with nothing due, measured interleaved (ABAB rounds) in the same run; wall and
   process CPU time, medians. Target: ≤ 100 ms per tick (wall) for 105 reports.

Run: .venv/bin/python benchmarks/bench_results_reminders.py [--regions 21] [--years 5]
     [--rounds 5] [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from _common import git_line, load_line, machine_line, record

from caseflow.cases.people import add_person
from caseflow.cli.db import upgrade_database
from caseflow.clock import FakeClock
from caseflow.meetings.service import add_meetings
from caseflow.reminders.mail import queue_due
from caseflow.results.owners import add_owner
from caseflow.results.reminders import queue_report_reminders
from caseflow.results.service import create_report
from caseflow.settings import PROJECT_ROOT, Settings
from caseflow.store.db import Database
from caseflow.workflow.registry import load_registry

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # after every deadline of the reports below
TARGET_MS = 100.0


def build(db: Database, *, regions: int, years: int) -> int:
    clock = FakeClock(NOW)
    owners = [f"owner{n}@region.se" for n in range(6)]
    for email in owners:
        add_person(db=db, email=email, name=email.split("@")[0], roles=["handlaggare"],
                   clock=clock)  # fmt: skip
    add_person(db=db, email="sek@region.se", name="Sekreterare", roles=["namndsekreterare"],
               clock=clock)  # fmt: skip
    first = 2025 - years + 1
    add_meetings(db=db, meetings=[("RUN", date(y + 1, 2, 10), "09:00")
                                  for y in range(first, 2026)], clock=clock)  # fmt: skip
    for r in range(regions):
        region = f"Region {r:02d}"
        for year in range(first, 2026):
            create_report(db=db, year=year, actor=owners[0], clock=clock, region=region)
            for section, email in enumerate(owners, start=1):
                add_owner(db=db, year=year, section=section, email=email, actor=owners[0],
                          clock=clock, region=region)  # fmt: skip
    return regions * years


def timed(step: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    step()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=21)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(machine_line())
    print(git_line())
    workflows = load_registry(PROJECT_ROOT / "workflows")
    workflow = workflows.for_subject("results_report")
    settings = Settings(mail_from="caseflow@region.se")
    clock = FakeClock(NOW)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade_database(db)
        reports = build(db, regions=args.regions, years=args.years)

        def results_tick() -> object:
            return queue_report_reminders(db=db, settings=settings, workflow=workflow,
                                          clock=clock)  # fmt: skip

        def cases_tick() -> object:
            return queue_due(db=db, settings=settings, workflows=workflows, clock=clock)

        first_wall, first_cpu = timed(results_tick)
        with db.read() as session:
            from sqlmodel import func, select

            from caseflow.store.models import OutboxMessage

            queued = session.exec(select(func.count()).select_from(OutboxMessage)).one()
        print(f"first tick: {reports} reports, {queued} e-mails queued in "
              f"{first_wall * 1000:.0f} ms wall, {first_cpu * 1000:.0f} ms CPU")  # fmt: skip
        record("results reminders: first tick", first_wall * 1000, "ms",
               cpu_ms=first_cpu * 1000, reports=reports, messages=int(queued))  # fmt: skip
        a_wall: list[float] = []
        a_cpu: list[float] = []
        b_wall: list[float] = []
        b_cpu: list[float] = []
        for _ in range(args.rounds):  # ABAB: the ratio survives the machine's load
            for _ in range(args.runs):
                wall, cpu = timed(results_tick)
                a_wall.append(wall)
                a_cpu.append(cpu)
            for _ in range(args.runs):
                wall, cpu = timed(cases_tick)
                b_wall.append(wall)
                b_cpu.append(cpu)
        a, b = statistics.median(a_wall) * 1000, statistics.median(b_wall) * 1000
        ac, bc = statistics.median(a_cpu) * 1000, statistics.median(b_cpu) * 1000
        ok = a <= TARGET_MS
        print(f"usual tick (nothing new), {reports} reports: {a:.1f} ms wall, {ac:.1f} ms CPU; "
              f"the cases' queue_due with nothing due: {b:.1f} ms wall, {bc:.1f} ms CPU; "
              f"ratio {a / b:.1f}× wall, {ac / bc:.1f}× CPU; target ≤ {TARGET_MS:.0f} ms: "
              f"{'MET' if ok else 'MISSED'}")  # fmt: skip
        record("results reminders: usual tick", a, "ms", ceiling=b,
               ceiling_label="cases' queue_due, nothing due", ratio=a / b,
               target=f"≤ {TARGET_MS:.0f} ms", met=ok, cpu_ms=ac, ceiling_cpu_ms=bc,
               reports=reports)  # fmt: skip
        print(load_line())
        db.dispose()


if __name__ == "__main__":
    main()
