"""Persisted moves per second on a SQLite file in WAL mode, against raw `sqlite3` doing the writes.

One move is `caseflow.cases.engine.fire(...)`: one `BEGIN IMMEDIATE` transaction that reads the case
(and its funders) and the actor, checks role and guards on the shared machine, updates the stage
under the row version and appends the event. The database is migrated with the real Alembic
migrations; every case goes idea → bp_planering → application_sent → bp_genomforande → follow_up.

Beside it, stdlib `sqlite3` on a second file with the same schema, data and pragmas
(WAL, synchronous=NORMAL, foreign_keys=ON) does per move:

    BEGIN IMMEDIATE;
    UPDATE cases SET stage=?, outcome=?, updated_at=?, row_version=row_version+1
        WHERE id=? AND row_version=?;
    INSERT INTO case_events (...) VALUES (...);
    COMMIT

and, as a second reference, the same plus the three reads caseflow does first.

Run: .venv/bin/python benchmarks/bench_moves.py [--cases 2000] [--rounds 3] [--profile]
Targets: ≥ 2,000 moves/s, and caseflow/raw ≥ 0.5 (issue 15; 0.3 in issue 2).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import (
    LIFECYCLE,
    OFFICER,
    case_docs,
    dnr,
    git_line,
    load_line,
    machine_line,
    record,
    registry,
    seed,
)
from sqlalchemy import event

from caseflow.cases.engine import fire
from caseflow.cli.db import upgrade_database
from caseflow.clock import SystemClock
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry

TARGET_RATE = 2000.0
TARGET_RATIO = 0.5  # issue 15 (was 0.3 in issue 2)
WARMUP_CASES = 25
CPU_PER_MOVE: dict[str, float] = {}  # label -> median process CPU seconds per move (`measure`)
NEXT_STAGE = {
    "start_planning": "bp_planering",
    "send_application": "application_sent",
    "grant": "bp_genomforande",
    "start_follow_up": "follow_up",
}


def make_database(path: Path, workflows: WorkflowRegistry, prefixes: dict[str, int]) -> Database:
    """A migrated SQLite file with the officer and `count` idea-stage cases per prefix."""
    db = Database(f"sqlite:///{path}")
    upgrade_database(db)
    clock = SystemClock()
    for prefix, count in prefixes.items():
        seed(db, workflows, clock, case_docs(prefix, count))
    return db


# --- caseflow ---------------------------------------------------------------------------------


def caseflow_moves(db: Database, workflows: WorkflowRegistry, prefix: str, cases: int) -> float:
    """Fire the whole lifecycle on cases PREFIX/1 … PREFIX/cases; return the seconds taken."""
    clock = SystemClock()
    start = time.perf_counter()
    for serial in range(1, cases + 1):
        number = dnr(prefix, serial)
        for trigger in LIFECYCLE:
            fire(
                db=db, workflows=workflows, dnr=number, trigger=trigger, actor=OFFICER,
                clock=clock,
            )  # fmt: skip
    return time.perf_counter() - start


def statements_per_move(db: Database, workflows: WorkflowRegistry, prefix: str) -> list[str]:
    """The SQL one `fire` sends (first 70 characters of each statement, as SQLite traces it)."""
    seen: list[str] = []
    traced: list[Any] = []

    def on_checkout(dbapi_connection: Any, *_args: Any) -> None:
        dbapi_connection.set_trace_callback(lambda sql: seen.append(" ".join(sql.split())[:70]))
        traced.append(dbapi_connection)

    event.listen(db.engine, "checkout", on_checkout)
    try:
        fire(
            db=db, workflows=workflows, dnr=dnr(prefix, 1), trigger=LIFECYCLE[0], actor=OFFICER,
            clock=SystemClock(),
        )  # fmt: skip
    finally:
        event.remove(db.engine, "checkout", on_checkout)
        for connection in traced:
            connection.set_trace_callback(None)
    return seen


# --- raw sqlite3 ------------------------------------------------------------------------------

UPDATE = (
    "UPDATE cases SET stage = ?, outcome = ?, updated_at = ?, row_version = row_version + 1 "
    "WHERE id = ? AND row_version = ?"
)
INSERT = (
    "INSERT INTO case_events (case_id, at, actor, kind, trigger, from_stage, to_stage, reason, "
    "changes, row_version) VALUES (?, ?, ?, 'transition', ?, ?, ?, NULL, NULL, ?)"
)
READ_CASE = "SELECT * FROM cases WHERE dnr_prefix = ? AND dnr_serial = ? AND dnr_year = ?"
READ_FUNDERS = "SELECT * FROM case_funders WHERE case_id = ? ORDER BY position"
READ_PERSON = "SELECT * FROM people WHERE email = ?"


def raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def raw_moves(conn: sqlite3.Connection, prefix: str, cases: int, *, with_reads: bool) -> float:
    """The lifecycle on PREFIX/1 … PREFIX/cases with two writes per transaction (and optionally
    the reads caseflow does first); return the seconds taken."""
    rows = conn.execute(
        "SELECT dnr_serial, id, stage, row_version FROM cases WHERE dnr_prefix = ?", (prefix,)
    ).fetchall()
    state = {serial: (case_id, stage, version) for serial, case_id, stage, version in rows}
    start = time.perf_counter()
    for serial in range(1, cases + 1):
        case_id, stage, version = state[serial]
        for trigger in LIFECYCLE:
            now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            to_stage = NEXT_STAGE[trigger]
            conn.execute("BEGIN IMMEDIATE")
            if with_reads:
                row = conn.execute(READ_CASE, (prefix, serial, 2025)).fetchone()
                conn.execute(READ_FUNDERS, (row[0],)).fetchall()
                conn.execute(READ_PERSON, (OFFICER,)).fetchone()
            cursor = conn.execute(UPDATE, (to_stage, None, now, case_id, version))
            if cursor.rowcount != 1:
                conn.execute("ROLLBACK")
                raise RuntimeError(f"raw: lost the row version of case {case_id}")
            version += 1
            conn.execute(INSERT, (case_id, now, OFFICER, trigger, stage, to_stage, version))
            conn.execute("COMMIT")
            stage = to_stage
    return time.perf_counter() - start


# --- driver -----------------------------------------------------------------------------------


def measure(
    rounds: int, runs: dict[str, Callable[[int], float]], moves_per_round: int
) -> dict[str, float]:
    """Run every contender once per round, interleaved (so background load hits all alike);
    print each one's rates and return the median moves/s by label."""
    rates: dict[str, list[float]] = {label: [] for label in runs}
    cpu: dict[str, list[float]] = {label: [] for label in runs}
    for round_no in range(rounds):
        for label, run in runs.items():
            started = time.process_time()
            rates[label].append(moves_per_round / run(round_no))
            cpu[label].append((time.process_time() - started) / moves_per_round)
    medians = {}
    for label, values in rates.items():
        medians[label] = statistics.median(values)
        CPU_PER_MOVE[label] = statistics.median(cpu[label])
        shown = ", ".join(f"{r:,.0f}" for r in values)
        print(f"  {label:<38} {medians[label]:>9,.0f} moves/s   "
              f"{CPU_PER_MOVE[label] * 1e6:5.0f} us CPU/move   (rounds: {shown})")  # fmt: skip
    return medians


def _package(filename: str, function: str) -> str:
    """Which library a profiled function belongs to."""
    if filename == "~":
        return "sqlite3 (C)" if "sqlite3" in function else "builtins"
    for name in ("sqlalchemy", "sqlmodel", "transitions", "pydantic", "caseflow"):
        if f"/{name}/" in filename:
            return name
    return "other"


def profile_moves(db: Database, workflows: WorkflowRegistry, prefix: str, cases: int) -> None:
    """cProfile the lifecycle on PREFIX cases; print hot spots to stderr."""
    profiler = cProfile.Profile()
    profiler.enable()
    caseflow_moves(db, workflows, prefix, cases)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    moves = cases * len(LIFECYCLE)
    raw_stats: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw_stats.values())
    by_package: dict[str, float] = {}
    ours: list[tuple[float, str]] = []
    for (filename, line, function), entry in raw_stats.items():
        package = _package(filename, function)
        by_package[package] = by_package.get(package, 0.0) + entry[2]
        if package == "caseflow":
            ours.append((entry[3], f"{Path(filename).name}:{line}({function})"))
    err = sys.stderr
    print(f"\n--- cProfile of {moves:,} moves ({total:.2f} s profiled) ---", file=err)
    print("own time by package:", file=err)
    for package, seconds in sorted(by_package.items(), key=lambda kv: -kv[1]):
        print(f"  {package:<14} {100 * seconds / total:5.1f} %", file=err)
    print("caseflow functions by cumulative time (share of the whole run):", file=err)
    for seconds, where in sorted(ours, reverse=True)[:12]:
        print(f"  {100 * seconds / total:5.1f} %  {where}", file=err)
    print("top 15 cumulative:", file=err)
    stats.sort_stats("cumulative").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases per round (4 moves each)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile 500 cases; hot spots to stderr"
    )
    args = parser.parse_args()
    cases, rounds = args.cases, args.rounds
    prefixes = [f"R{i}" for i in range(rounds)]
    read_prefixes = [f"Q{i}" for i in range(rounds)]
    profile_cases = min(cases, 500)
    ours_layout = {"WARM": WARMUP_CASES, "SQL": 1, **dict.fromkeys(prefixes, cases)}
    if args.profile:
        ours_layout["PROF"] = profile_cases
    raw_layout = {"WARM": WARMUP_CASES, **dict.fromkeys(prefixes + read_prefixes, cases)}

    print("bench_moves: persisted moves/s, SQLite file, WAL, synchronous=NORMAL")
    print(f"  {machine_line()}; sqlite {sqlite3.sqlite_version}")
    print(f"  {git_line()}; {load_line()}")
    print(
        f"  {cases:,} cases x {len(LIFECYCLE)} moves = {cases * len(LIFECYCLE):,} moves per round, "
        f"{rounds} rounds, each on fresh cases; median reported"
    )
    workflows = registry()
    with tempfile.TemporaryDirectory(prefix="caseflow-bench-") as tmp:
        started = time.perf_counter()
        db = make_database(Path(tmp) / "caseflow.db", workflows, ours_layout)
        raw_path = Path(tmp) / "raw.db"
        make_database(raw_path, workflows, raw_layout).dispose()
        print(f"  setup (migrate + import, both files) {time.perf_counter() - started:.1f} s")

        conn = raw_connection(raw_path)
        caseflow_moves(db, workflows, "WARM", WARMUP_CASES)
        raw_moves(conn, "WARM", WARMUP_CASES, with_reads=True)
        medians = measure(
            rounds,
            {
                "caseflow engine.fire": lambda r: caseflow_moves(db, workflows, prefixes[r], cases),
                "raw sqlite3, 2 writes/txn": lambda r: raw_moves(
                    conn, prefixes[r], cases, with_reads=False
                ),
                "raw sqlite3, 3 reads + 2 writes/txn": lambda r: raw_moves(
                    conn, read_prefixes[r], cases, with_reads=True
                ),
            },
            cases * len(LIFECYCLE),
        )
        conn.close()
        ours, raw, raw_reads = medians.values()

        ratio = ours / raw
        print()
        print(f"  caseflow            {ours:>9,.0f} moves/s  target >= {TARGET_RATE:,.0f}   "
              f"{'MET' if ours >= TARGET_RATE else 'MISSED'}")  # fmt: skip
        print(f"  caseflow / raw      {ratio:>9.3f}          target >= {TARGET_RATIO}   "
              f"{'MET' if ratio >= TARGET_RATIO else 'MISSED'}")  # fmt: skip
        print(f"  caseflow / raw with the same 3 reads: {ours / raw_reads:.3f}")
        cpu_ours, cpu_raw = (
            CPU_PER_MOVE["caseflow engine.fire"],
            CPU_PER_MOVE["raw sqlite3, 2 writes/txn"],
        )
        print(f"  CPU per move: caseflow {cpu_ours * 1e6:,.0f} us, raw {cpu_raw * 1e6:,.0f} us: "
              f"raw / caseflow {cpu_raw / cpu_ours:.3f}")  # fmt: skip
        record("persisted move, SQLite WAL", ours, "moves/s", ceiling=raw,
               ceiling_label="raw sqlite3, same 2 writes per transaction", ratio=ratio,
               target=f">= {TARGET_RATIO}x", met=ratio >= TARGET_RATIO,
               raw_with_reads=raw_reads, cpu_us_per_move=cpu_ours * 1e6,
               raw_cpu_us_per_move=cpu_raw * 1e6)  # fmt: skip
        print(
            f"  per move: caseflow {1e6 / ours:,.0f} us, raw {1e6 / raw:,.0f} us, "
            f"raw with reads {1e6 / raw_reads:,.0f} us"
        )
        print("  SQL sent by one fire():")
        for line in statements_per_move(db, workflows, "SQL"):
            print(f"    {line}")

        print(f"  after the run: {load_line()}")
        if args.profile:
            profile_moves(db, workflows, "PROF", profile_cases)
        db.dispose()


if __name__ == "__main__":
    main()
