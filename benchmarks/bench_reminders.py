"""Reminders at scale: planning them, picking the next due batch, queueing mail, and rows against
APScheduler jobs.

1. `replan_all` over 100,000 open cases in one transaction (cases, one `import` event each and a
   few thousand agenda items bulk-inserted with Core executemany into a migrated SQLite file),
   with the rules of `workflows/regional_project.yaml` and a FakeClock. Then the same pass again,
   when nothing has changed (the periodic pass's usual case). No target: reported.
2. The query `queue_due` issues to pick the next batch (status planned, remind_on <= today,
   ordered by remind_on, id, LIMIT 1000, joined to the case) among 1,000,000 reminder rows
   spread over three years: p50/p95 over 50 runs, as plain rows on a Core connection and with
   the ORM loading `queue_due` does. Target: ≤ 10 ms.
3. `queue_due(limit=10000)`: 10,000 planned due reminders → 10,000 outbox messages (template
   rendering, enqueue, marking queued) in one transaction. Target: ≤ 2 s.
4. Registering 100,000 deadlines as reminder rows (one Core executemany in one transaction)
   against one APScheduler 3.x `date` job each in a `SQLAlchemyJobStore` on a SQLite file,
   added to a scheduler started paused so that every `add_job` writes through to the store.
   APScheduler is timed on fewer jobs (`--aps-jobs`) and extrapolated linearly to 100,000.
   Target: rows ≥ 50× faster.

Run: .venv/bin/python benchmarks/bench_reminders.py [--cases 100000] [--rows 1000000]
     [--due 10000] [--deadlines 100000] [--aps-jobs 10000] [--runs 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _common import OFFICER, WORKFLOW, git_line, load_line, machine_line, record, registry
from sqlalchemy import Engine, create_engine, delete, event, func, insert, select

from caseflow.cases.people import add_person
from caseflow.cli.db import upgrade_database
from caseflow.clock import FakeClock
from caseflow.domain.workdays import local_date
from caseflow.reminders.mail import due_batch, queue_due
from caseflow.reminders.plan import replan_all
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.store.models import AgendaItem, Case, CaseEvent, Meeting, OutboxMessage, Reminder
from caseflow.workflow.deadlines import DeadlineRule
from caseflow.workflow.registry import WorkflowRegistry

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm, a Tuesday
TODAY = local_date(NOW)
CHUNK = 50_000
BATCH = 1000  # queue_due's default limit: the batch the query in 2. picks
TARGET_QUERY_MS = 10.0
TARGET_QUEUE_S = 2.0
TARGET_RATIO = 50.0

_cases = Case.__table__  # type: ignore[attr-defined]
_events = CaseEvent.__table__  # type: ignore[attr-defined]
_meetings = Meeting.__table__  # type: ignore[attr-defined]
_agenda = AgendaItem.__table__  # type: ignore[attr-defined]
_reminders = Reminder.__table__  # type: ignore[attr-defined]
_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]

#: A portfolio's stages, by share of the cases (every case open).
STAGE_MIX: tuple[tuple[str, int], ...] = (
    ("idea", 10), ("bp_planering", 15), ("application_sent", 10), ("bp_genomforande", 55),
    ("follow_up", 10),
)  # fmt: skip
BEFORE_GRANT = ("idea", "bp_planering", "application_sent")


RESULTS: dict[str, Any] = {}  # figures by part, for the harness's JSON file


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def chunks(count: int, size: int = CHUNK) -> Iterator[range]:
    for first in range(0, count, size):
        yield range(first, min(first + size, count))


def new_database(path: Path) -> Database:
    db = Database(f"sqlite:///{path}")
    upgrade_database(db)
    return db


def checkpoint(db: Database) -> None:
    """Fold the WAL into the file, as after an idle moment."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def count(db: Database, table: Any, *where: Any) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


# --- building data fast -----------------------------------------------------------------------


def stage_of(n: int) -> str:
    """The stage of case number n, following STAGE_MIX (interleaved, not in blocks)."""
    slot, total = n % 100, 0
    for stage, share in STAGE_MIX:
        total += share
        if slot < total:
            return stage
    raise AssertionError("STAGE_MIX must add up to 100")


def insert_cases(db: Database, cases: int, version: int) -> None:
    """`cases` open cases RUN/1/2025 … with end dates spread over 2026–2028, and one `import`
    event each entering the case's stage on a day within the last two years."""
    span = (date(2028, 12, 31) - date(2026, 1, 1)).days
    with db.transaction() as conn:
        for block in chunks(cases):
            rows = []
            events = []
            for n in block:
                stage = stage_of(n)
                end = date(2026, 1, 1) + timedelta(days=(n * 7919) % (span + 1))
                rows.append({
                    "id": n + 1, "dnr_prefix": "RUN", "dnr_serial": n + 1, "dnr_year": 2025,
                    "other_diarienummer": [], "title": f"Regionalt utvecklingsprojekt {n + 1}",
                    "purpose": "Kartläggning och förankring", "start_date": end.replace(
                        year=end.year - 2, day=1), "end_date": end, "owner_is_region": True,
                    "total_budget_sek": 600_000, "handlaggare": OFFICER, "decision_basis": [],
                    "stage": stage, "outcome": None, "workflow": WORKFLOW,
                    "workflow_version": version, "row_version": 1, "created_at": NOW,
                    "updated_at": NOW,
                })  # fmt: skip
                entered = NOW - timedelta(days=1 + (n * 104729) % 730, hours=n % 9)
                events.append({
                    "case_id": n + 1, "at": entered, "actor": OFFICER, "kind": "import",
                    "trigger": None, "from_stage": None, "to_stage": stage, "reason": None,
                    "changes": None, "row_version": 1,
                })  # fmt: skip
            conn.execute(insert(_cases), rows)
            conn.execute(insert(_events), events)


def insert_meetings(db: Database, cases: int, items: int) -> int:
    """The board's meetings in 2026–2027 (every fifth Tuesday) and `items` agenda items: cases
    before the grant, each on one meeting. Returns the number of items added."""
    days = [date(2026, 1, 13) + timedelta(weeks=5 * i) for i in range(21)]
    with db.transaction() as conn:
        conn.execute(insert(_meetings), [
            {"id": i + 1, "body": "RUN", "day": day, "time": "09:00", "created_at": NOW}
            for i, day in enumerate(days)
        ])  # fmt: skip
        chosen = [n for n in range(cases) if stage_of(n) in BEFORE_GRANT][:items]
        conn.execute(insert(_agenda), [
            {"meeting_id": 1 + (i * 7) % len(days), "case_id": n + 1, "added_by": OFFICER,
             "added_at": NOW}
            for i, n in enumerate(chosen)
        ])  # fmt: skip
    return len(chosen)


def insert_plain_cases(db: Database, cases: int, version: int) -> None:
    """`cases` open bp_genomforande cases (for the reminder tables' foreign key), no events."""
    with db.transaction() as conn:
        for block in chunks(cases):
            conn.execute(insert(_cases), [
                {"id": n + 1, "dnr_prefix": "RUN", "dnr_serial": n + 1, "dnr_year": 2025,
                 "other_diarienummer": [], "title": f"Regionalt utvecklingsprojekt {n + 1}",
                 "start_date": date(2025, 1, 1), "end_date": date(2027, 12, 31),
                 "owner_is_region": True, "handlaggare": OFFICER, "decision_basis": [],
                 "stage": "bp_genomforande", "outcome": None, "workflow": WORKFLOW,
                 "workflow_version": version, "row_version": 1, "created_at": NOW,
                 "updated_at": NOW}
                for n in block
            ])  # fmt: skip


def add_officer(db: Database) -> None:
    add_person(db=db, email=OFFICER, name="Anna Handläggare", roles=["handlaggare"],
               clock=FakeClock(NOW))  # fmt: skip


# --- 1. replan_all ----------------------------------------------------------------------------


def bench_replan(tmp: Path, workflows: WorkflowRegistry, cases: int) -> None:
    wf = workflows.get(WORKFLOW)
    rules: Sequence[DeadlineRule] = wf.spec.deadlines
    db = new_database(tmp / "plan.db")
    started = time.perf_counter()
    insert_cases(db, cases, wf.version)
    items = insert_meetings(db, cases, max(1, min(4000, cases // 25)))
    checkpoint(db)
    built = time.perf_counter() - started
    print(f"\n1. replan_all over {cases:,} open cases, one transaction, today {TODAY} "
          f"({len(rules)} rules, horizon 400 days)")  # fmt: skip
    print(f"   built {cases:,} cases + {cases:,} import events + {items:,} agenda items on "
          f"21 meetings in {built:.1f} s (Core executemany)")  # fmt: skip

    def run() -> tuple[float, float, Any]:
        begun, cpu = time.perf_counter(), time.process_time()
        with db.transaction() as conn:
            result = replan_all(conn, rules_for={WORKFLOW: rules}, today=TODAY, now=NOW)
        return time.perf_counter() - begun, time.process_time() - cpu, result

    took, cpu1, first = run()
    rows = count(db, _reminders)
    assert rows == first.added, (rows, first)
    print(f"   first pass   {took:7.2f} s ({cpu1:6.2f} s CPU)   {first.added:>9,} rows created   "
          f"{cases / took:8,.0f} cases/s   target <= 10 s: {verdict(took <= 10)}")  # fmt: skip
    with db.engine.connect() as conn:
        by_rule = conn.execute(
            select(_reminders.c.rule, func.count()).group_by(_reminders.c.rule)
            .order_by(func.count().desc())
        ).all()  # fmt: skip
    print("   rows by rule: " + ", ".join(f"{rule} {n:,}" for rule, n in by_rule))
    took2, cpu2, again = run()
    changed = again.added + again.cancelled + again.moved
    print(f"   second pass  {took2:7.2f} s ({cpu2:6.2f} s CPU)   {changed:>9,} rows changed   "
          f"{cases / took2:8,.0f} cases/s   (nothing changed since the first)")  # fmt: skip
    print(f"   first / no-op pass: {took / took2:.1f}x wall, {cpu1 / cpu2:.1f}x CPU   "
          f"target >= 20x: {verdict(took / took2 >= 20)}")  # fmt: skip
    db.dispose()
    record(f"re-planning reminders, first pass, {cases:,} open cases", took, "s",
           target="<= 10 s", met=took <= 10, cpu_s=cpu1)  # fmt: skip
    record("re-planning reminders, nothing changed", took2, "s", ceiling=took,
           ceiling_label="the first pass", ratio=took / took2, target=">= 20x faster",
           met=took / took2 >= 20, cpu_s=cpu2)  # fmt: skip
    RESULTS["replan"] = {"cases": cases, "first_s": took, "first_cpu_s": cpu1,
                         "noop_s": took2, "noop_cpu_s": cpu2, "rows": first.added,
                         "ratio": took / took2}  # fmt: skip


# --- 2. the next due batch --------------------------------------------------------------------


def due_batch_statement(limit: int) -> Any:
    """The statement queue_due runs on SQLite (caseflow/reminders/mail.py), limit as given."""
    return due_batch(today=TODAY, limit=limit)


def insert_reminder_rows(db: Database, rows: int, cases: int, rules: Sequence[DeadlineRule],
                         backlog_days: int) -> None:  # fmt: skip
    """`rows` reminders over `cases` cases, remind_on spread evenly over 2026–2028. 3 %
    cancelled; the rest queued if reminded more than `backlog_days` before today, else planned
    (a backlog of due rows, then the future)."""
    base = date(2026, 1, 1)
    backlog_from = TODAY - timedelta(days=backlog_days)
    with db.transaction() as conn:
        for block in chunks(rows):
            batch = []
            for n in block:
                case, k = n % cases, n // cases
                rule = rules[k % len(rules)]
                due = base + timedelta(days=(k * 11 + case % 11) % 1096)
                remind = due - timedelta(days=n % 10)
                status = (
                    "cancelled" if n % 33 == 0
                    else "queued" if remind < backlog_from else "planned"
                )  # fmt: skip
                batch.append({
                    "case_id": case + 1, "rule": rule.name, "label": rule.label, "due_on": due,
                    "remind_on": remind, "status": status, "updated_at": NOW,
                    "occurrence": due.isoformat(),
                })  # fmt: skip
            conn.execute(insert(_reminders), batch)


def captured_sql(db: Database, stmt: Any) -> tuple[str, Any]:
    """The SQL text and parameters `stmt` sends to the driver."""
    seen: list[tuple[str, Any]] = []

    def on_execute(*args: Any) -> None:
        seen.append((args[2], args[3]))

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        with db.engine.connect() as conn:
            conn.execute(stmt).all()
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
    return seen[-1]


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_runs(runs: int, once: Callable[[], int], expected: int) -> list[float]:
    """Milliseconds per call of `once`, which returns the number of rows it got."""
    times = []
    for _ in range(runs):
        begun = time.perf_counter()
        got = once()
        times.append((time.perf_counter() - begun) * 1000)
        assert got == expected, (got, expected)
    return times


def bench_due_query(tmp: Path, workflows: WorkflowRegistry, rows: int, runs: int) -> None:
    wf = workflows.get(WORKFLOW)
    db = new_database(tmp / "due.db")
    cases = max(1, min(10_000, rows // 100))
    started = time.perf_counter()
    insert_plain_cases(db, cases, wf.version)
    insert_reminder_rows(db, rows, cases, wf.spec.deadlines, backlog_days=14)
    checkpoint(db)
    built = time.perf_counter() - started
    planned_due = count(db, _reminders, _reminders.c.status == "planned",
                        _reminders.c.remind_on <= TODAY)  # fmt: skip
    planned = count(db, _reminders, _reminders.c.status == "planned")
    queued = count(db, _reminders, _reminders.c.status == "queued")
    size = (tmp / "due.db").stat().st_size / 1e6
    print(f"\n2. the next due batch (LIMIT {BATCH}) among {rows:,} reminder rows, today {TODAY}")
    print(f"   built in {built:.1f} s, {size:,.0f} MB: {planned:,} planned ({planned_due:,} of "
          f"them due: a 14-day backlog), {queued:,} queued, {rows - planned - queued:,} "
          f"cancelled; over {cases:,} cases")  # fmt: skip

    stmt = due_batch_statement(BATCH)
    expected = min(BATCH, planned_due)
    sql, params = captured_sql(db, stmt)

    ids = (
        select(_reminders.c.id)
        .where(_reminders.c.status == "planned", _reminders.c.remind_on <= TODAY)
        .order_by(_reminders.c.remind_on, _reminders.c.id)
        .limit(BATCH)
    )  # fmt: skip
    with db.engine.connect() as conn:

        def sql_once() -> int:  # the driver's rows, nothing built from them
            return len(conn.exec_driver_sql(sql, params).all())

        def ids_once() -> int:
            return len(conn.execute(ids).all())

        sql_first = time_runs(1, sql_once, expected)[0]
        sql_times = time_runs(runs, sql_once, expected)
        ids_first = time_runs(1, ids_once, expected)[0]
        ids_times = time_runs(runs, ids_once, expected)

    def orm_once() -> int:  # as queue_due: SQLAlchemy Core rows on a session's connection
        with db.read() as session:
            return len(session.connection().execute(stmt).all())

    orm_first = time_runs(1, orm_once, expected)[0]
    orm = time_runs(runs, orm_once, expected)
    with db.engine.connect() as conn:
        columns = len(conn.exec_driver_sql(sql, params).keys())
    print(f"   queue_due's SELECT ({columns} columns of reminders JOIN cases), {runs} runs:")
    for label, times, cold in (
        ("the SQL, driver rows only", sql_times, sql_first),
        ("as queue_due: Core rows", orm, orm_first),
    ):
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        print(f"   {label:<27} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  (first, cold: "
              f"{cold:5.1f} ms)   target <= {TARGET_QUERY_MS:.0f} ms   "
              f"{verdict(p50 <= TARGET_QUERY_MS and p95 <= TARGET_QUERY_MS)}")  # fmt: skip
    p50, p95 = statistics.median(ids_times), percentile(ids_times, 0.95)
    print(f"   {'same WHERE/ORDER/LIMIT, ids':<27} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  (first, "
          f"cold: {ids_first:5.1f} ms)   (the index search alone, for comparison)")  # fmt: skip
    with db.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
    print("   plan: " + "; ".join(str(row[-1]) for row in plan))
    db.dispose()


# --- 3. queue_due -----------------------------------------------------------------------------


def bench_queue(tmp: Path, workflows: WorkflowRegistry, due: int, rounds: int) -> None:
    wf = workflows.get(WORKFLOW)
    rules = {r.name: r for r in wf.spec.deadlines}
    db = new_database(tmp / "queue.db")
    add_officer(db)
    insert_plain_cases(db, due, wf.version)
    warm = 20
    # round r's rows are reminded on one day, older rounds first; the warm-up's oldest of all
    with db.transaction() as conn:
        conn.execute(insert(_reminders), [
            {"case_id": n + 1, "rule": "ending_soon", "label": rules["ending_soon"].label,
             "due_on": TODAY + timedelta(days=30), "remind_on": TODAY - timedelta(days=60),
             "status": "planned", "updated_at": NOW, "occurrence": ""}
            for n in range(warm)
        ])  # fmt: skip
        for r in range(rounds):
            rule = rules["final_report" if r % 2 else "ending_soon"]
            conn.execute(insert(_reminders), [
                {"case_id": n + 1, "rule": rule.name, "label": rule.label,
                 "due_on": TODAY + timedelta(days=10 + r), "remind_on": TODAY - timedelta(
                     days=rounds - r), "status": "planned", "updated_at": NOW,
                 "occurrence": str(r)}
                for n in range(due)
            ])  # fmt: skip
    checkpoint(db)
    settings = Settings(mail_from="caseflow@region.se", base_url="https://caseflow.region.se")
    clock = FakeClock(NOW)
    warmed = queue_due(db=db, settings=settings, workflows=workflows, clock=clock, limit=warm)
    assert warmed.reminders == warm, warmed
    print(f"\n3. queue_due(limit={due:,}): {due:,} planned due reminders -> outbox messages, "
          f"one transaction; {rounds} round(s), each on the next {due:,}")  # fmt: skip
    times = []
    for _ in range(rounds):
        begun = time.perf_counter()
        summary = queue_due(db=db, settings=settings, workflows=workflows, clock=clock, limit=due)
        times.append(time.perf_counter() - begun)
        assert (summary.reminders, summary.messages, summary.without_recipient) == (due, due, 0), (
            summary
        )
    messages = count(db, _outbox)
    assert messages == warm + rounds * due, messages
    median = statistics.median(times)
    shown = ", ".join(f"{t:.2f}" for t in times)
    print(f"   {median:6.2f} s  ({due / median:,.0f} reminders/s; rounds: {shown} s)   "
          f"target <= {TARGET_QUEUE_S:.0f} s   {verdict(median <= TARGET_QUEUE_S)}")  # fmt: skip
    print(f"   {messages:,} outbox rows in the end, one message per reminder (handläggare)")
    db.dispose()


# --- 4. rows against APScheduler jobs ---------------------------------------------------------


@dataclass(frozen=True)
class Due:
    case_id: int
    rule: str
    label: str
    due_on: date
    remind_on: date


def deadlines(count: int, cases: int, rules: Sequence[DeadlineRule]) -> list[Due]:
    """`count` distinct future deadlines over `cases` cases."""
    found = []
    for n in range(count):
        case, k = n % cases, n // cases
        rule = rules[k % len(rules)]
        due = TODAY + timedelta(days=1 + (k * 13 + case % 13) % 400)
        found.append(Due(case + 1, rule.name, rule.label, due, due - timedelta(days=n % 7)))
    return found


def send_reminder(case_id: int, rule: str, due_on: str) -> None:
    """The APScheduler job's function (never runs: the scheduler stays paused)."""


def register_rows(db: Database, items: Sequence[Due]) -> float:
    begun = time.perf_counter()
    with db.transaction() as conn:
        conn.execute(insert(_reminders), [
            {"case_id": d.case_id, "rule": d.rule, "label": d.label, "due_on": d.due_on,
             "remind_on": d.remind_on, "status": "planned", "updated_at": NOW,
             "occurrence": d.due_on.isoformat()}
            for d in items
        ])  # fmt: skip
    took = time.perf_counter() - begun
    assert count(db, _reminders) == len(items)
    with db.transaction() as conn:
        conn.execute(delete(_reminders))
    return took


def wal_engine(path: Path) -> Engine:
    """A SQLite engine with caseflow's pragmas (WAL, synchronous=NORMAL)."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def register_jobs(path: Path, items: Sequence[Due], *, wal: bool) -> float:
    """Seconds to add one `date` job per deadline to a SQLAlchemyJobStore on `path`."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    store = (
        SQLAlchemyJobStore(engine=wal_engine(path)) if wal
        else SQLAlchemyJobStore(url=f"sqlite:///{path}")
    )  # fmt: skip
    scheduler = BackgroundScheduler(jobstores={"reminders": store}, timezone=STOCKHOLM)
    scheduler.start(paused=True)  # running, so add_job writes through; paused, so nothing runs
    try:
        begun = time.perf_counter()
        for d in items:
            scheduler.add_job(
                send_reminder, "date",
                run_date=datetime.combine(d.remind_on, clock_time(8), tzinfo=STOCKHOLM),
                args=[d.case_id, d.rule, d.due_on.isoformat()],
                id=f"reminder:{d.case_id}:{d.rule}:{d.due_on.isoformat()}",
                jobstore="reminders", misfire_grace_time=None,
            )  # fmt: skip
        took = time.perf_counter() - begun
    finally:
        scheduler.shutdown(wait=False)
        store.engine.dispose()
    with sqlite3.connect(path) as conn:
        stored = conn.execute("SELECT count(*) FROM apscheduler_jobs").fetchone()[0]
    conn.close()
    assert stored == len(items), (stored, len(items))
    return took


def bench_register(tmp: Path, workflows: WorkflowRegistry, total: int, aps_jobs: int,
                   rounds: int) -> None:  # fmt: skip
    import apscheduler

    wf = workflows.get(WORKFLOW)
    cases = max(1, min(10_000, total // 10))
    items = deadlines(total, cases, wf.spec.deadlines)
    db = new_database(tmp / "register.db")
    insert_plain_cases(db, cases, wf.version)
    checkpoint(db)
    aps_jobs = min(aps_jobs, total)
    print(f"\n4. registering {total:,} deadlines: reminder rows vs APScheduler "
          f"{apscheduler.__version__} SQLAlchemyJobStore (SQLite file, scheduler started "
          f"paused)")  # fmt: skip
    times = [register_rows(db, items) for _ in range(rounds)]
    rows_s = statistics.median(times)
    rows_rate = total / rows_s
    shown = ", ".join(f"{t:.2f}" for t in times)
    print(f"   reminder rows, 1 executemany, 1 txn   {rows_s:7.2f} s  {rows_rate:>9,.0f} /s  "
          f"(rounds: {shown} s)")  # fmt: skip
    db.dispose()
    scaled = "" if aps_jobs == total else f", timed on {aps_jobs:,} and extrapolated linearly"
    for label, wal in (("APScheduler, url=sqlite:///… (defaults)", False),
                       ("APScheduler, engine with WAL + NORMAL", True)):  # fmt: skip
        took = register_jobs(tmp / f"jobs-{'wal' if wal else 'default'}.db",
                             items[:aps_jobs], wal=wal)  # fmt: skip
        rate = aps_jobs / took
        ratio = rows_rate / rate
        print(f"   {label:<37} {total / rate:7.1f} s  {rate:>9,.0f} /s  ({took:.1f} s for "
              f"{aps_jobs:,} jobs{scaled})")  # fmt: skip
        print(f"      rows / APScheduler {ratio:8,.0f}x   target >= {TARGET_RATIO:.0f}x   "
              f"{verdict(ratio >= TARGET_RATIO)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="open cases to re-plan (1.)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="reminder rows (2.)")
    parser.add_argument("--runs", type=int, default=50, help="timed queries (2.)")
    parser.add_argument("--due", type=int, default=10_000, help="reminders per queue_due (3.)")
    parser.add_argument("--deadlines", type=int, default=100_000, help="deadlines (4.)")
    parser.add_argument(
        "--aps-jobs", type=int, default=10_000, help="APScheduler jobs timed (4.), extrapolated"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of 3. and 4. (median)")
    parser.add_argument("--only-replan", action="store_true", help="only 1.")
    args = parser.parse_args()

    print("bench_reminders: replan_all, the next due batch, queue_due, rows vs APScheduler jobs")
    print(f"  {machine_line()}; sqlite {sqlite3.sqlite_version}")
    print(f"  {git_line()}; {load_line()}")
    workflows = registry()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="caseflow-bench-") as name:
        tmp = Path(name)
        bench_replan(tmp, workflows, args.cases)
        if args.only_replan:
            return
        bench_due_query(tmp, workflows, args.rows, args.runs)
        bench_queue(tmp, workflows, args.due, args.rounds)
        bench_register(tmp, workflows, args.deadlines, args.aps_jobs, args.rounds)
    print(f"\n  whole run {time.perf_counter() - started:.0f} s; after the run: {load_line()}")


if __name__ == "__main__":
    main()
