"""Import of the board's portfolio report (seed 000) inside one process.

Measured, median of --rounds runs, each into a fresh migrated SQLite file (migration not timed):
- read: parse the report text and validate the 26 case documents (`portfolio_io.read_portfolio`);
- import: the same plus `engine.import_cases` (one transaction: 26 cases, funders, events);
- re-import: the same file again into the filled database (everything unchanged).

Run: .venv/bin/python benchmarks/bench_portfolio_import.py [--rounds 9]
Target: import < 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _common import WORKFLOW, git_line, load_line, machine_line, registry

from caseflow.cases.engine import import_cases
from caseflow.cli.db import upgrade_database
from caseflow.clock import FakeClock
from caseflow.portfolio.files import read_portfolio
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database

SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "000_308d4dfeb992105d.txt"
TARGET_MS = 200.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--file", type=Path, default=SEED)
    args = parser.parse_args()
    if not args.file.exists():
        raise SystemExit(f"{args.file} not found (the shared seeds folder is needed)")
    workflows = registry()
    workflow = workflows.get(WORKFLOW)
    clock = FakeClock(datetime(2025, 2, 12, 9, 0, tzinfo=UTC))
    print("bench_portfolio_import: seed 000 into SQLite, in-process")
    print(f"  {machine_line()}\n  {git_line()}; {load_line()}")
    read_ms, import_ms, again_ms = [], [], []
    read_portfolio(args.file, workflow)  # warm imports and caches
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/bench.db")
            upgrade_database(db)
            start = time.perf_counter()
            docs = read_portfolio(args.file, workflow)
            read_ms.append((time.perf_counter() - start) * 1000)
            import_cases(db=db, workflows=workflows, docs=docs, actor="bench", clock=clock)
            import_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            docs = read_portfolio(args.file, workflow)
            summary = import_cases(db=db, workflows=workflows, docs=docs, actor="b", clock=clock)
            again_ms.append((time.perf_counter() - start) * 1000)
            assert len(summary.unchanged) == len(docs) == 26
            db.dispose()
    med = statistics.median
    print(
        f"  {len(docs)} projects, {args.file.stat().st_size:,} bytes, {args.rounds} rounds, median"
    )
    print(f"  read + validate         {med(read_ms):7.1f} ms")
    print(f"  read + import (new)     {med(import_ms):7.1f} ms")
    print(f"  read + re-import (same) {med(again_ms):7.1f} ms")
    verdict = "MET" if med(import_ms) < TARGET_MS else "MISSED"
    print(f"\n  import {med(import_ms):.1f} ms  target < {TARGET_MS:.0f} ms  {verdict}")


if __name__ == "__main__":
    main()
