"""Concurrent moves on PostgreSQL: throughput with 8 workers, and no lost update under contention.

Part 1: 8 workers, each with its own `Database`, move their own distinct cases through the
lifecycle with `engine.fire` (processes by default, also threads: one GIL). Afterwards, for every
case: row_version == 1 + its transition/edit events, stage == the last event's to_stage, and the
transition events add up to the moves the workers reported.

Part 2: 8 workers all on the SAME few cases at once, optimistic: each reads the case, then fires
the next lifecycle trigger with `expected_version` = the version it read. Counted: moves,
ConflictErrors, other errors; verified: each case's events chain (from_stage == the previous
to_stage, row_version +1 per event) and their number equals the moves reported.

The database (env CASEFLOW_BENCH_PG_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/caseflow_bench) is created if missing, its schema
`public` dropped and recreated, then migrated. It refuses to run on a database called `test`.

Run: .venv/bin/python benchmarks/bench_pg_concurrency.py [--workers 8] [--cases 250]
Targets: lost updates == 0 in both parts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from _common import (
    DONE_STAGE,
    LIFECYCLE,
    OFFICER,
    STAGE_BEFORE,
    case_docs,
    dnr,
    git_line,
    load_line,
    machine_line,
    record,
    registry,
    seed,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from caseflow.cases.engine import fire
from caseflow.cli.db import upgrade_database
from caseflow.clock import SystemClock
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import ConflictError
from caseflow.store.db import Database, normalise_url
from caseflow.store.repo import get_case

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/caseflow_bench"
FORBIDDEN = {"test", "postgres", "template0", "template1"}
JOIN_TIMEOUT = 300.0


# --- database ---------------------------------------------------------------------------------


def prepare(url: str) -> Database:
    """Create the benchmark database if missing, reset its schema and migrate it."""
    parsed = make_url(normalise_url(url))
    name = parsed.database or ""
    if name in FORBIDDEN or not name:
        raise SystemExit(f"refusing to reset the database {name!r}; use a dedicated one")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if found.scalar() is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            print(f"  created database {name}")
    admin.dispose()
    db = Database(url)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade_database(db)
    return db


def server_line(db: Database) -> str:
    with db.engine.connect() as conn:
        settings = {
            key: conn.exec_driver_sql(f"SHOW {key}").scalar()
            for key in ("server_version", "synchronous_commit", "fsync", "max_connections")
        }
    return "PostgreSQL " + ", ".join(f"{k}={v}" for k, v in settings.items())


# --- workers (module level: picklable for spawned processes) -----------------------------------


@dataclass
class WorkerResult:
    worker: int
    moves: int = 0
    conflicts: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)


def distinct_worker(
    url: str, worker: int, prefix: str, cases: int, start: Any, results: Any
) -> None:
    """Move cases PREFIX/1 … PREFIX/cases (this worker's own) through the lifecycle."""
    result = WorkerResult(worker)
    db = Database(url)
    try:
        workflows, clock = registry(), SystemClock()
        # Warm-up on a spare case: connection, statement caches.
        fire(
            db=db, workflows=workflows, dnr=dnr(prefix, cases + 1), trigger=LIFECYCLE[0],
            actor=OFFICER, clock=clock,
        )  # fmt: skip
        start.wait()
        result.started = time.monotonic()
        errors: Counter[str] = Counter()
        for serial in range(1, cases + 1):
            number = dnr(prefix, serial)
            for trigger in LIFECYCLE:
                began = time.perf_counter()
                try:
                    fire(
                        db=db, workflows=workflows, dnr=number, trigger=trigger, actor=OFFICER,
                        clock=clock,
                    )  # fmt: skip
                    result.moves += 1
                except ConflictError:
                    result.conflicts += 1
                except Exception as err:  # counted and reported, not hidden
                    errors[type(err).__name__] += 1
                result.latencies_ms.append((time.perf_counter() - began) * 1000)
        result.finished = time.monotonic()
        result.errors = dict(errors)
    finally:
        db.dispose()
        results.put(asdict(result))


_RAW_READ = ("SELECT id, stage, row_version FROM cases WHERE dnr_prefix = %s AND dnr_serial = %s "
             "AND dnr_year = %s FOR UPDATE")  # fmt: skip
_RAW_ROLES = "SELECT roles FROM people WHERE email = %s"
_RAW_UPDATE = ("UPDATE cases SET stage = %s, row_version = %s, updated_at = %s "
               "WHERE id = %s AND row_version = %s")  # fmt: skip
_RAW_INSERT = ("INSERT INTO case_events (case_id, at, actor, kind, trigger, from_stage, to_stage, "
               "row_version) VALUES (%s, %s, %s, 'transition', %s, %s, %s, %s)")  # fmt: skip
_STAGES = ("idea", "bp_planering", "application_sent", "bp_genomforande", "follow_up")


def raw_worker(url: str, worker: int, prefix: str, cases: int, start: Any, results: Any) -> None:
    """The ceiling: the same reads and writes per move on a bare psycopg connection (lock and
    read the case, read the actor's roles, conditional UPDATE, INSERT the event, COMMIT)."""
    from datetime import UTC, datetime

    import psycopg

    result = WorkerResult(worker)
    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        start.wait()
        result.started = time.monotonic()
        for serial in range(1, cases + 1):
            for trigger in LIFECYCLE:
                began = time.perf_counter()
                with conn.transaction():
                    row = conn.execute(_RAW_READ, (prefix, serial, 2025)).fetchone()
                    assert row is not None
                    case_id, stage, version = row
                    conn.execute(_RAW_ROLES, (OFFICER,)).fetchone()
                    to_stage = _STAGES[_STAGES.index(stage) + 1]
                    now = datetime.now(UTC)
                    changed = conn.execute(
                        _RAW_UPDATE, (to_stage, version + 1, now, case_id, version)
                    ).rowcount
                    assert changed == 1
                    conn.execute(_RAW_INSERT, (case_id, now, OFFICER, trigger, stage, to_stage,
                                               version + 1))  # fmt: skip
                result.moves += 1
                result.latencies_ms.append((time.perf_counter() - began) * 1000)
        result.finished = time.monotonic()
    finally:
        conn.close()
        results.put(asdict(result))


def contended_worker(
    url: str, worker: int, serials: list[list[int]], start: Any, results: Any
) -> None:
    """For each round's few hot cases: read a case, fire its next trigger with the version read;
    until every hot case of the round has reached the end of the lifecycle."""
    result = WorkerResult(worker)
    rng = random.Random(worker)
    db = Database(url)
    try:
        workflows, clock = registry(), SystemClock()
        with db.read() as session:  # warm-up: connection
            get_case(session=session, dnr=parse_dnr(dnr("H", serials[0][0])))
        errors: Counter[str] = Counter()
        for number_of_round, round_serials in enumerate(serials):
            start.wait()  # every worker starts each round together
            if number_of_round == 0:
                result.started = time.monotonic()
            pending = list(round_serials)
            while pending:
                serial = rng.choice(pending)
                number = dnr("H", serial)
                with db.read() as session:
                    case = get_case(session=session, dnr=parse_dnr(number))
                    assert case is not None
                    stage, version = case.stage, case.row_version
                if stage == DONE_STAGE:
                    pending.remove(serial)
                    continue
                try:
                    fire(
                        db=db, workflows=workflows, dnr=number, trigger=STAGE_BEFORE[stage],
                        actor=OFFICER, clock=clock, expected_version=version,
                    )  # fmt: skip
                    result.moves += 1
                except ConflictError:
                    result.conflicts += 1
                except Exception as err:  # counted and reported, not hidden
                    errors[type(err).__name__] += 1
        result.finished = time.monotonic()
        result.errors = dict(errors)
    finally:
        db.dispose()
        results.put(asdict(result))


def run_workers(
    kind: str, target: Callable[..., None], per_worker: list[tuple[Any, ...]]
) -> list[WorkerResult]:
    """Run `target(*args, start, results)` per worker as processes or threads; collect results.

    `start` is a barrier of the workers alone (waited on once, plus once per round).
    """
    parties = len(per_worker)
    if kind == "processes":
        context = multiprocessing.get_context("spawn")
        start: Any = context.Barrier(parties)
        results: Any = context.Queue()
        runners: list[Any] = [
            context.Process(target=target, args=(*args, start, results)) for args in per_worker
        ]
    else:
        start = threading.Barrier(parties)
        results = queue.Queue()
        runners = [
            threading.Thread(target=target, args=(*args, start, results)) for args in per_worker
        ]
    for runner in runners:
        runner.start()
    collected: list[WorkerResult] = []
    deadline = time.monotonic() + JOIN_TIMEOUT
    while len(collected) < parties:
        try:
            got = results.get(timeout=max(1.0, deadline - time.monotonic()))
            collected.append(WorkerResult(**got))
        except queue.Empty:
            start.abort()
            raise SystemExit(f"{kind}: workers did not finish in {JOIN_TIMEOUT:.0f} s") from None
    for runner in runners:
        runner.join(timeout=30)
    return sorted(collected, key=lambda r: r.worker)


# --- verification -----------------------------------------------------------------------------


@dataclass
class Check:
    cases: int = 0
    transitions: int = 0
    problems: list[str] = field(default_factory=list)


def verify(db: Database, prefix: str, *, chain: bool) -> Check:
    """Check every case with this prefix against its history (see the module docstring)."""
    check = Check()
    with db.engine.connect() as conn:
        cases = conn.execute(
            text("SELECT id, dnr_serial, stage, row_version FROM cases WHERE dnr_prefix = :p"),
            {"p": prefix},
        ).all()
        events = conn.execute(
            text(
                "SELECT e.case_id, e.kind, e.from_stage, e.to_stage, e.row_version "
                "FROM case_events e JOIN cases c ON c.id = e.case_id "
                "WHERE c.dnr_prefix = :p ORDER BY e.case_id, e.id"
            ),
            {"p": prefix},
        ).all()
    by_case: dict[int, list[Any]] = {}
    for row in events:
        by_case.setdefault(row.case_id, []).append(row)
    for case in cases:
        check.cases += 1
        history = by_case.get(case.id, [])
        where = dnr(prefix, case.dnr_serial)
        changes = [e for e in history if e.kind in ("transition", "edit")]
        check.transitions += sum(1 for e in history if e.kind == "transition")
        if not history or history[0].kind not in ("import", "create"):
            check.problems.append(f"{where}: history does not start with its import")
            continue
        if case.row_version != 1 + len(changes):
            check.problems.append(
                f"{where}: row_version {case.row_version} but {len(changes)} changes recorded"
            )
        if case.stage != history[-1].to_stage:
            check.problems.append(
                f"{where}: stage {case.stage} but last event went to {history[-1].to_stage}"
            )
        if chain:
            for before, after in zip(history, history[1:], strict=False):
                if after.from_stage != before.to_stage:
                    check.problems.append(
                        f"{where}: event from {after.from_stage} follows one to {before.to_stage}"
                    )
                if after.row_version != before.row_version + 1:
                    check.problems.append(
                        f"{where}: row_version {after.row_version} follows {before.row_version}"
                    )
    return check


# --- driver -----------------------------------------------------------------------------------


RATES: dict[str, float] = {}  # moves/s by run ("processes 8", "raw processes 8", …)


def _span(results: list[WorkerResult]) -> float:
    return max(r.finished for r in results) - min(r.started for r in results)


def _errors(results: list[WorkerResult]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for r in results:
        total.update(r.errors)
    return dict(total)


def part_one(db: Database, url: str, kind: str, prefix: str, workers: int, cases: int,
             *, raw: bool = False) -> bool:  # fmt: skip
    """Distinct cases per worker; print the figures, return True if no update was lost."""
    per_worker = [(url, w, f"{prefix}{w}", cases) for w in range(workers)]
    results = run_workers(kind, raw_worker if raw else distinct_worker, per_worker)
    seconds = _span(results)
    moves = sum(r.moves for r in results)
    latencies = sorted(ms for r in results for ms in r.latencies_ms)
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    lost = 0
    problems: list[str] = []
    transitions = 0
    for w in range(workers):
        check = verify(db, f"{prefix}{w}", chain=True)
        transitions += check.transitions
        problems += check.problems
    expected = moves + (0 if raw else workers)  # + one warm-up move per caseflow worker
    if transitions != expected:
        problems.append(f"{transitions} transition events, but {expected} moves reported")
    lost = len(problems)
    RATES[("raw " if raw else "") + f"{kind} {workers}"] = moves / seconds
    print(
        f"  {'raw ' if raw else ''}{kind:<9} {workers} worker{'s' if workers > 1 else ' '} "
        f"x {cases} cases: "
        f"{moves:,} moves in {seconds:.2f} s = "
        f"{moves / seconds:,.0f} moves/s (per worker {moves / seconds / workers:,.0f}/s; "
        f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms)"
    )
    print(
        f"  {'':<9} errors {_errors(results) or 'none'}, conflicts "
        f"{sum(r.conflicts for r in results)}; verified {transitions:,} transition events: "
        f"lost updates {lost}"
    )
    for line in problems[:10]:
        print(f"    ! {line}")
    return lost == 0


def part_two(db: Database, url: str, workers: int, hot: int, rounds: int) -> bool:
    """All workers on the same few cases; print the figures, return True if none was lost."""
    serials = [list(range(r * hot + 1, (r + 1) * hot + 1)) for r in range(rounds)]
    per_worker = [(url, w, serials) for w in range(workers)]
    results = run_workers("processes", contended_worker, per_worker)
    seconds = _span(results)
    moves = sum(r.moves for r in results)
    conflicts = sum(r.conflicts for r in results)
    check = verify(db, "H", chain=True)
    problems = list(check.problems)
    if check.transitions != moves:
        problems.append(f"{check.transitions} transition events, but {moves} moves reported")
    expected = hot * rounds * len(LIFECYCLE)
    if moves != expected:
        problems.append(f"{moves} moves succeeded, but the lifecycle has {expected}")
    print(
        f"  processes {workers} workers on {hot} shared cases at a time, {rounds} rounds "
        f"({hot * rounds} cases): {moves + conflicts:,} attempts in {seconds:.2f} s"
    )
    print(
        f"  {'':<9} successful moves {moves:,}, ConflictErrors {conflicts:,}, other errors "
        f"{_errors(results) or 'none'}; verified {check.transitions:,} chained transition "
        f"events: lost updates {len(problems)}"
    )
    for line in problems[:10]:
        print(f"    ! {line}")
    return not problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--cases", type=int, default=250, help="cases per worker in part 1")
    parser.add_argument(
        "--kind", choices=["processes", "threads", "both"], default="both", help="part 1 workers"
    )
    parser.add_argument("--hot", type=int, default=4, help="shared cases at a time in part 2")
    parser.add_argument("--rounds", type=int, default=25, help="rounds of hot cases in part 2")
    args = parser.parse_args()
    url = os.environ.get("CASEFLOW_BENCH_PG_URL", DEFAULT_URL)
    workers, cases = args.workers, args.cases
    kinds = ["processes", "threads"] if args.kind == "both" else [args.kind]

    print("bench_pg_concurrency: concurrent engine.fire on PostgreSQL")
    print(f"  {machine_line()}")
    print(f"  {git_line()}; {load_line()}")
    shown = make_url(normalise_url(url)).render_as_string(hide_password=True)
    started = time.perf_counter()
    db = prepare(url)
    print(f"  {server_line(db)}; database {shown}")
    workflows, clock = registry(), SystemClock()
    docs = []
    docs += case_docs("B0", cases + 1)  # the one-worker baseline (+ 1 warm-up case)
    for kind in kinds:
        for w in range(workers):
            docs += case_docs(f"{kind[0].upper()}{w}", cases + 1)
    for w in range(workers):
        docs += case_docs(f"X{w}", cases + 1)  # raw psycopg's cases
    docs += case_docs("H", args.hot * args.rounds)
    seed(db, workflows, clock, docs)
    setup = time.perf_counter() - started
    print(f"  setup (reset, migrate, import {len(docs):,} cases) {setup:.1f} s")

    print("\n  Part 1: distinct cases per worker")
    ok = part_one(db, url, "threads", "B", 1, cases)  # baseline: one worker
    ok = all([ok] + [part_one(db, url, k, k[0].upper(), workers, cases) for k in kinds])
    ok = part_one(db, url, "processes", "X", workers, cases, raw=True) and ok
    ours, ceiling = RATES.get(f"processes {workers}"), RATES[f"raw processes {workers}"]
    if ours:
        ratio = ours / ceiling
        print(f"  caseflow / raw psycopg, {workers} processes: {ratio:.2f}x   target >= 0.6x: "
              f"{'MET' if ratio >= 0.6 else 'MISSED'}")  # fmt: skip
        record(f"moves, PostgreSQL, {workers} processes", ours, "moves/s", ceiling=ceiling,
               ceiling_label="raw psycopg, same reads and writes", ratio=ratio,
               target=">= 0.6x", met=ratio >= 0.6)  # fmt: skip
    print("\n  Part 2: the same few cases, optimistic (expected_version read just before)")
    ok = part_two(db, url, workers, args.hot, args.rounds) and ok
    print(f"\n  lost updates == 0 in every part: {'MET' if ok else 'MISSED'}")
    record("lost updates, PostgreSQL (replay check)", 0 if ok else 1, "runs with losses",
           target="0", met=ok)  # fmt: skip
    print(f"  after the run: {load_line()}")
    db.dispose()


if __name__ == "__main__":
    main()
