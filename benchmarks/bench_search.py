"""Search at scale: `find_cases` with a query (the list page's, the API's and the CLI's search)
over `--cases` realistic cases, in-process, on SQLite (FTS5) and, with `--pg URL`, PostgreSQL
(tsvector + GIN).

The SQLite file is bench_web's generator (cases inserted by plain SQL after `db upgrade`, so the
search index is filled by its triggers, as any write fills it), built once into the temp folder
and reused while its schema revision and row count match. For PostgreSQL the same rows are copied
into the given (scratch!) database, which is reset first.

Queries (random picks per run; each measured run is one page of 50 plus the capped count):
   dnr_fragment   a serial (e.g. "4711"), or PREFIX/serial, or serial/year
   common_word    a word in thousands of cases' titles or purposes ("besöksnäring", "utveckla")
   rare_word      a word in 100–500 cases (a part of an owner's name: "myra", "grane")
   two_words      two words that must both match ("fjällturism utveckling")
   every_case     a word in every case's generated purpose ("kommun"): reported, no target
Target: p95 ≤ 30 ms per search at 100,000 cases.

Run: .venv/bin/python benchmarks/bench_search.py [--cases 100000] [--runs 200]
     [--pg postgresql+psycopg://…/scratch] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from _common import git_line, load_line, machine_line
from bench_web import GENERATOR_VERSION, build_database, database_ready

from caseflow.cases.caselist import CaseFilter, find_cases
from caseflow.cli.db import upgrade_database
from caseflow.store.db import Database

TARGET_P95_MS = 30.0
#: Topic words (each in 3–10 % of the cases), owners' rare name parts (0.1–0.5 %), and words the
#: generator puts in every case's purpose (reported, outside the target: no real word is in all).
COMMON = ("besöksnäring", "utveckla", "kompetens", "företagens", "förstudie", "vätgas")
RARE = ("myra", "grane", "ljus", "norr", "snöe", "broa")
EVERY = ("kommun", "samverkan")
PAIRS = ("fjällturism utveckling", "besöksnäring året", "digital kompetens", "vätgas transporter",
         "bredband landsbygden", "cirkulär ekonomi")  # fmt: skip


def dnr_fragments(conn: sqlite3.Connection, rng: random.Random, n: int) -> list[str]:
    rows = conn.execute(
        "SELECT dnr_prefix, dnr_serial, dnr_year FROM cases ORDER BY random() LIMIT ?", (n,)
    ).fetchall()
    forms: list[Callable[[str, int, int], str]] = [
        lambda p, s, y: str(s),
        lambda p, s, y: f"{p}/{s}",
        lambda p, s, y: f"{s}/{y}",
        lambda p, s, y: f"{p.lower()}/{s}/{y}",
    ]
    return [rng.choice(forms)(p, s, y) for p, s, y in rows]


def measure(db: Database, queries: list[str]) -> tuple[list[float], float]:
    """Milliseconds per query (after one warm-up pass over a few), and the mean rows found."""
    with db.reading() as conn:
        for q in queries[:5]:
            find_cases(conn, CaseFilter(q=q))
        times: list[float] = []
        found = 0
        for q in queries:
            started = time.perf_counter()
            page = find_cases(conn, CaseFilter(q=q))
            times.append((time.perf_counter() - started) * 1000)
            found += page.total
    return times, found / max(1, len(queries))


def report(name: str, times: list[float], found: float) -> bool:
    times.sort()
    p50 = statistics.median(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    ok = p95 <= TARGET_P95_MS
    print(f"  {name:<14} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {times[-1]:6.1f} ms  "
          f"(~{found:,.0f} found){'' if ok else '  OVER TARGET'}")  # fmt: skip
    return ok


def copy_to_postgres(sqlite_path: Path, url: str) -> Database:
    """Reset the scratch database at `url`, migrate it and copy the cases over."""
    db = Database(url)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade_database(db)
    src = sqlite3.connect(sqlite_path)
    columns = [r[1] for r in src.execute("PRAGMA table_info(cases)")]
    rows = src.execute(f"SELECT {', '.join(columns)} FROM cases").fetchall()
    src.close()
    bools = {"owner_is_region", "reminders_stale"}
    with db.engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(f"COPY cases ({', '.join(columns)}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row([bool(v) if c in bools and v is not None else v
                              for c, v in zip(columns, row, strict=True)])  # fmt: skip
        conn.exec_driver_sql("ANALYZE cases")
    return db


def run(db: Database, label: str, sqlite_path: Path, runs: int, seed: int) -> bool:
    rng = random.Random(seed)
    src = sqlite3.connect(sqlite_path)
    fragments = dnr_fragments(src, rng, runs)
    src.close()
    scenarios = {
        "dnr_fragment": fragments,
        "common_word": [rng.choice(COMMON) for _ in range(runs)],
        "rare_word": [rng.choice(RARE) for _ in range(runs)],
        "two_words": [rng.choice(PAIRS) for _ in range(runs)],
        "every_case": [rng.choice(EVERY) for _ in range(runs)],
    }
    print(f"{label}:")
    ok = True
    for name, queries in scenarios.items():
        times, found = measure(db, queries)
        met = report(name, times, found)
        ok = ok and (met or name == "every_case")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--pg", help="a scratch PostgreSQL database (it is reset!)")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "caseflow-bench-web")  # fmt: skip
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    path = args.data_dir / f"cases-{args.cases}-v{GENERATOR_VERSION}.db"
    if not database_ready(path, args.cases):
        build_database(path, args.cases)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine_line()}; {load_line()}; {git_line()}")
    print(f"{args.cases:,} cases, {args.runs} searches per query kind, target p95 ≤ "
          f"{TARGET_P95_MS:.0f} ms")  # fmt: skip
    sqlite_db = Database(f"sqlite:///{path}")
    ok = run(sqlite_db, "SQLite (FTS5)", path, args.runs, 1)
    sqlite_db.dispose()
    if args.pg:
        pg = copy_to_postgres(path, args.pg)
        ok = run(pg, "PostgreSQL (tsvector, GIN)", path, args.runs, 1) and ok
        pg.dispose()
    print(f"  load afterwards: {load_line()}")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
