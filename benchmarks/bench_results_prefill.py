"""Seconds to draft the results report from 10,000 cases (`results prefill`): read the cases of
the year and their funders (two queries), place each by its priority, write one sentence per
project, and sum anslag 1:1 by programme.

The cases are generated (fixed random seed): every one running in the reporting year, a
priority from the four the configuration maps (one in ten unmapped: to be placed by hand),
one to three funders, half with a granted anslag 1:1 line decided in the year.

Run: .venv/bin/python benchmarks/bench_results_prefill.py [--cases 10000] [--rounds 5] [--db URL]
Target: < 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _common import OFFICER, git_line, load_line, machine_line, registry

from caseflow.cli.db import upgrade_database
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.results.prefill import prefill
from caseflow.store.casemap import new_case
from caseflow.store.db import Database

TARGET = 1.0
PRIORITIES = (
    "Likvärdiga möjligheter till platsutveckling i hela länet",
    "Kompetensförsörjning och kompetensutveckling i hela länet",
    "Innovation och förnyelse samt entreprenörskap och företagande i hela länet",
    "Tillgänglighet i hela länet genom digital kommunikation, fysisk infrastruktur och "
    "hållbar mobilitet",
    "Något som inte finns i konfigurationen",
)
OTHERS = ("eruf_regionalt", "interreg_sverige_norge", "esf", "tillvaxtverket_nationella")


def docs(count: int, rng: random.Random) -> list[CaseDoc]:
    out = []
    for i in range(1, count + 1):
        funders = [
            {"code": code, "amount_sek": rng.randrange(1, 50) * 100_000, "status": "granted",
             "decision_date": "2025-02-01", "case_id": None}
            for code in rng.sample(OTHERS, rng.randint(1, 2))
        ]  # fmt: skip
        if rng.random() < 0.5:
            decided = f"2025-{rng.randint(1, 12):02d}-15"
            amount = rng.randrange(1, 20) * 50_000
            funders.append({"code": "anslag_1_1", "amount_sek": amount, "status": "granted",
                            "decision_date": decided, "case_id": None})  # fmt: skip
        out.append(CaseDoc.model_validate({
            "diarienummer": f"RUN/{i}/2025", "title": f"Projekt nummer {i} i länet",
            "purpose": "Syfte.", "start_date": "2024-09-01", "end_date": "2026-06-30",
            "stage": "bp_genomforande", "owner_is_region": rng.random() < 0.8,
            "owner": None if rng.random() < 0.8 else "Mittuniversitetet",
            "priority": PRIORITIES[0 if rng.random() < 0.1 else rng.randrange(0, 4)]
            if rng.random() > 0.1 else PRIORITIES[4],
            "total_budget_sek": 1_000_000, "funders": funders, "handlaggare": OFFICER,
        }))  # fmt: skip
    return out


def seed(db: Database, docs: list[CaseDoc], now: datetime) -> None:
    """Insert the cases directly (no events or reminders: drafting reads neither)."""
    with db.write() as session:
        for doc in docs:
            session.add(new_case(doc, stage=doc.stage or "idea", workflow_version=1, now=now))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade_database(db)
        workflows = registry()
        clock = FakeClock(datetime(2025, 6, 2, 9, 0, tzinfo=UTC))
        started = time.perf_counter()
        seed(db, docs(args.cases, random.Random(13)), clock.now())
        print(f"seeded {args.cases} cases in {time.perf_counter() - started:.1f} s")
        running = workflows.running_stages()
        times, cpu = [], []
        for _ in range(args.rounds):
            started, started_cpu = time.perf_counter(), time.process_time()
            draft = prefill(db=db, year=2025, running_stages=running)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        median = statistics.median(times)
        if args.profile:
            import cProfile
            import pstats

            with cProfile.Profile() as profile:
                prefill(db=db, year=2025, running_stages=running)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        placed = sum(len(s.sources) for s in draft.suggestions.values() if s.slot[-1].isdigit())
        print(
            f"prefill {args.cases} cases: median {median:.3f} s wall, best {min(times):.3f} s, "
            f"median {statistics.median(cpu):.3f} s CPU "
            f"(target < {TARGET} s); {placed} sentences placed, {len(draft.unplaced)} to place, "
            f"{sum(p.projects for p in draft.programmes)} anslag 1:1 decisions in "
            f"{len(draft.programmes)} programmes"
        )
        print(f"{db.url.split(':')[0]}; {machine_line()}; {load_line()}; {git_line()}")
        db.dispose()
        sys.exit(0 if median < TARGET else 1)


if __name__ == "__main__":
    main()
