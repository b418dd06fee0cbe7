"""The filtered case list (stage + area, 50 rows a page) against the same SQL on raw sqlite3.

caseflow: `caselist.find_cases` in a `Database.reading()` transaction, as the /cases page and
GET /api/v1/cases run it (page 1: the page query and the capped count). Ceiling: the very
statements and parameters SQLAlchemy sent for each filter (captured once), run by stdlib
`sqlite3` on its own connection with the same pragmas, rows fetched. Interleaved in rounds
(caseflow, raw, caseflow, raw, …) on bench_web's 100,000-case file, so load hits both alike;
per call: wall time (p50, p99) and the process's CPU time.

The filters differ a lot in cost (a page of 50 among 300 matches or sorted out of 15,000: the
raw SQL alone spans ~30×), so the p99 / p50 of all calls measures the mix of filters as much as
caseflow; beside it each contender's "jitter": each call's time over the median of the calls
with the same filter, p99 of that (1.0: every call as fast as its filter's usual).
`--gc-policy` runs with the server's collector settings (`caseflow.web.gcpolicy`: start-up
objects frozen, young threshold 10,000), applied after the set-up, as `caseflow serve` does.

Run: .venv/bin/python benchmarks/bench_caselist.py [--calls 400] [--rounds 5] [--cases 100000]
     [--gc-policy]
Target (issue 15): caseflow ≥ 0.8× the raw calls per second, p99 ≤ 2× p50.
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import git_line, load_line, machine_line, record
from bench_web import GENERATOR_VERSION, build_database, database_ready
from sqlalchemy import event

from caseflow.cases.caselist import CaseFilter, find_cases
from caseflow.store.db import Database

TARGET_RATIO = 0.8


def pick_filters(path: Path, count: int) -> list[tuple[str, str]]:
    """(stage, area) pairs that match cases, weighted as the cases are."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT stage, area FROM cases WHERE area IS NOT NULL GROUP BY stage, area "
        "HAVING count(*) >= 50"
    ).fetchall()
    conn.close()
    rng = random.Random(15)
    return [rng.choice(rows) for _ in range(count)]


def captured_sql(db: Database, filters: list[tuple[str, str]]) -> list[list[tuple[str, Any]]]:
    """The statements and parameters find_cases sends for each filter: through SQLAlchemy's
    execute, or on the DBAPI cursor (`store.prepared.CursorTransaction`)."""
    from caseflow.store import prepared

    out: list[list[tuple[str, Any]]] = []
    sent: list[tuple[str, Any]] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if not statement.startswith(("BEGIN", "ROLLBACK")):
            sent.append((statement, params))

    class Recording:
        def __init__(self, cursor: Any) -> None:
            self.cursor = cursor

        def execute(self, sql: str, params: Any) -> Any:
            sent.append((sql, params))
            return self.cursor.execute(sql, params)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.cursor, name)

    original = prepared.CursorTransaction.__init__

    def recording_init(self: Any, cursor: Any, dialect: Any) -> None:
        original(self, Recording(cursor), dialect)

    event.listen(db.engine, "before_cursor_execute", on_execute)
    prepared.CursorTransaction.__init__ = recording_init  # type: ignore[method-assign]
    try:
        for stage, area in filters:
            sent = []
            with db.reading() as conn:
                find_cases(conn, CaseFilter(stage=stage, area=area))
            out.append(sent)
    finally:
        prepared.CursorTransaction.__init__ = original  # type: ignore[method-assign]
        event.remove(db.engine, "before_cursor_execute", on_execute)
    return out


def timed(calls: list[Callable[[], object]]) -> tuple[list[float], float]:
    """Per-call wall seconds and the CPU seconds of all calls."""
    times = []
    cpu = time.process_time()
    for call in calls:
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times, time.process_time() - cpu


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def jitter(times: list[float], filters: list[tuple[str, str]], q: float = 0.99) -> float:
    """The `q` quantile of each call's time over its filter's median time (calls in round
    order: `filters` repeated)."""
    by_filter: dict[tuple[str, str], list[float]] = {}
    for index, seconds in enumerate(times):
        by_filter.setdefault(filters[index % len(filters)], []).append(seconds)
    ratios = [t / statistics.median(ts) for ts in by_filter.values() for t in ts]
    return pct(ratios, q) / 1000


def collections() -> list[int]:
    return [generation["collections"] for generation in gc.get_stats()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=400, help="calls per contender per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gc-policy", action="store_true",
                        help="the server's collector settings (caseflow.web.gcpolicy)")  # fmt: skip
    parser.add_argument("--data-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "caseflow-bench-web")  # fmt: skip
    args = parser.parse_args()
    print("bench_caselist: filtered list (stage + area, page 1 of 50) vs the same SQL, raw sqlite3")
    print(f"  {machine_line()}; sqlite {sqlite3.sqlite_version}\n  {git_line()}; {load_line()}")
    args.data_dir.mkdir(parents=True, exist_ok=True)
    path = args.data_dir / f"cases-{args.cases}-v{GENERATOR_VERSION}.db"
    if not database_ready(path, args.cases):
        build_database(path, args.cases)
    db = Database(f"sqlite:///{path}")
    db.optimize()  # as `caseflow serve` does at start
    filters = pick_filters(path, args.calls)
    statements = captured_sql(db, filters)
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                   "mmap_size=268435456"):  # fmt: skip
        raw.execute(f"PRAGMA {pragma}")

    def ours(stage: str, area: str) -> Callable[[], object]:
        def call() -> object:
            with db.reading() as conn:
                return find_cases(conn, CaseFilter(stage=stage, area=area))

        return call

    def bare(sent: list[tuple[str, Any]]) -> Callable[[], object]:
        def call() -> object:
            raw.execute("BEGIN")
            try:
                return [raw.execute(sql, params).fetchall() for sql, params in sent]
            finally:
                raw.execute("ROLLBACK")

        return call

    ours_calls = [ours(s, a) for s, a in filters]
    raw_calls = [bare(sent) for sent in statements]
    timed(ours_calls[:50]), timed(raw_calls[:50])  # warm
    if args.gc_policy:
        from caseflow.web.gcpolicy import apply_server_policy

        apply_server_policy()
    policy = "server policy" if args.gc_policy else "default"
    print(f"  collector: {policy}, thresholds {gc.get_threshold()}; {len(gc.get_objects())} "
          f"tracked objects, {gc.get_freeze_count()} frozen")  # fmt: skip
    before = collections()
    walls: dict[str, list[float]] = {"caseflow": [], "raw": []}
    cpus: dict[str, float] = {"caseflow": 0.0, "raw": 0.0}
    for _ in range(args.rounds):
        for label, calls in (("caseflow", ours_calls), ("raw", raw_calls)):
            times, cpu = timed(calls)
            walls[label] += times
            cpus[label] += cpu
    passes = [b - a for a, b in zip(before, collections(), strict=True)]
    n = args.calls * args.rounds
    rate = {k: n / sum(v) for k, v in walls.items()}
    for label in ("caseflow", "raw"):
        w = walls[label]
        print(f"  {label:<9} {rate[label]:7.0f} calls/s  p50 {pct(w, 0.5):6.2f} ms  "
              f"p95 {pct(w, 0.95):6.2f} ms  p99 {pct(w, 0.99):6.2f} ms  "
              f"CPU {cpus[label] / n * 1000:6.2f} ms/call  "
              f"jitter p99 {jitter(w, filters):5.2f}")  # fmt: skip
    print(f"  collector passes during the rounds (generation 0, 1, 2): {passes}")
    ratio = rate["caseflow"] / rate["raw"]
    cpu_ratio = cpus["raw"] / cpus["caseflow"]
    spread = pct(walls["caseflow"], 0.99) / pct(walls["caseflow"], 0.5)
    print(f"  caseflow / raw {ratio:.3f} (wall), {cpu_ratio:.3f} (CPU)  target >= {TARGET_RATIO}  "
          f"{'MET' if ratio >= TARGET_RATIO else 'MISSED'}")  # fmt: skip
    raw_spread = pct(walls["raw"], 0.99) / pct(walls["raw"], 0.5)
    print(f"  caseflow p99 / p50 {spread:.2f}  target <= 2  {'MET' if spread <= 2 else 'MISSED'}"
          f"  (raw SQL's own: {raw_spread:.2f}; the filters' mix, see the docstring)")  # fmt: skip
    print(f"  statements per call: {statistics.mean(len(s) for s in statements):.1f}")
    record("filtered list (stage + area, 50 rows), in-process", rate["caseflow"], "calls/s",
           ceiling=rate["raw"], ceiling_label="the same SQL on raw sqlite3", ratio=ratio,
           target=f">= {TARGET_RATIO}x, p99 <= 2x p50", met=ratio >= TARGET_RATIO and spread <= 2,
           cpu_ratio=cpu_ratio, p99_over_p50=spread, raw_p99_over_p50=raw_spread,
           jitter_p99=jitter(walls["caseflow"], filters), gc_policy=args.gc_policy,
           collector_passes=passes)  # fmt: skip
    print(f"  after the run: {load_line()}")
    raw.close()
    db.dispose()


if __name__ == "__main__":
    main()
