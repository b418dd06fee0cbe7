"""The list's search for a role without access to marked fields (`find_cases(..., masked=True)`:
the marked cases among the matches checked again without their marked fields) against the same
search unmasked (the ceiling), interleaved ABAB on one SQLite file of `--cases` cases with
`--marked` cases' purpose and owner under a mark.

The file is bench_web's generator, copied (never changed in place) to the temp folder, the marks
inserted by plain SQL. Reports wall and process CPU time per search and the masked/unmasked ratio.

Run: .venv/bin/python benchmarks/bench_search_masked.py [--cases 100000] [--marked 1000]
     [--rounds 6] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _common import git_line, load_line, machine_line
from bench_search import COMMON, PAIRS, RARE
from bench_web import GENERATOR_VERSION, build_database, database_ready

from caseflow.cases.caselist import CaseFilter, find_cases
from caseflow.store.db import Database


def mark(path: Path, marked: int, seed: int) -> None:
    conn = sqlite3.connect(path)
    ids = [r[0] for r in conn.execute("SELECT id FROM cases")]
    chosen = random.Random(seed).sample(ids, min(marked, len(ids)))
    conn.execute("DELETE FROM secrecy_marks")
    conn.executemany(
        "INSERT INTO secrecy_marks (case_id, handling_id, field, osl, reason, marked_by, "
        "marked_at) VALUES (?, NULL, ?, 'OSL 31:16', 'bench', 'bench', '2026-11-30 00:00:00')",
        [(i, f) for i in chosen for f in ("purpose", "owner")],
    )
    conn.commit()
    conn.close()


def one_round(db: Database, queries: list[str], masked: bool) -> tuple[float, float]:
    """(wall ms, CPU ms) per search over `queries`."""
    with db.reading() as conn:
        wall, cpu = time.perf_counter(), time.process_time()
        for q in queries:
            find_cases(conn, CaseFilter(q=q), masked=masked)
        n = len(queries)
        return ((time.perf_counter() - wall) * 1000 / n, (time.process_time() - cpu) * 1000 / n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--marked", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--per-round", type=int, default=40)
    parser.add_argument("--data-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "caseflow-bench-web")  # fmt: skip
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    source = args.data_dir / f"cases-{args.cases}-v{GENERATOR_VERSION}.db"
    if not database_ready(source, args.cases):
        build_database(source, args.cases)
    work = Path(tempfile.mkdtemp()) / "masked.db"
    shutil.copyfile(source, work)
    mark(work, args.marked, 7)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine_line()}; {load_line()}; {git_line()}")
    print(f"{args.cases:,} cases, {args.marked:,} with purpose and owner marked; "
          f"{args.rounds} ABAB rounds of {args.per_round} searches")  # fmt: skip
    db = Database(f"sqlite:///{work}")
    rng = random.Random(1)
    kinds = {"common_word": COMMON, "rare_word": RARE, "two_words": PAIRS}
    for name, words in kinds.items():
        queries = [rng.choice(words) for _ in range(args.per_round)]
        one_round(db, queries[:5], True)  # warm-up
        plain: list[tuple[float, float]] = []
        masked: list[tuple[float, float]] = []
        for _ in range(args.rounds):
            plain.append(one_round(db, queries, False))
            masked.append(one_round(db, queries, True))
        pw, pc = (statistics.median(x[i] for x in plain) for i in (0, 1))
        mw, mc = (statistics.median(x[i] for x in masked) for i in (0, 1))
        print(f"  {name:<12} unmasked {pw:6.2f} ms wall {pc:6.2f} ms CPU | masked {mw:6.2f} ms "
              f"wall {mc:6.2f} ms CPU | ratio wall {mw / pw:4.2f} CPU {mc / pc:4.2f}")  # fmt: skip
    db.dispose()
    shutil.rmtree(work.parent, ignore_errors=True)
    print(f"  load afterwards: {load_line()}")


if __name__ == "__main__":
    main()
