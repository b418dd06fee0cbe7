"""The background worker: one APScheduler 3.x interval job, `tick`, that runs the worker's steps
(planning and queueing reminders, the results report's reminders, sending the outbox) until
SIGTERM/SIGINT. The only process that schedules anything.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from types import FrameType
from typing import TYPE_CHECKING

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import text

from caseflow.domain.workdays import local_date
from caseflow.errors import WorkflowSpecError
from caseflow.mail.delivery import SendSummary, send_due
from caseflow.reminders.mail import queue_due
from caseflow.reminders.plan import replan_all, replan_stale
from caseflow.results.reminders import queue_report_reminders
from caseflow.workflow.registry import WorkflowRegistry

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from caseflow.clock import Clock
    from caseflow.mail.mailer import Mailer
    from caseflow.settings import Settings
    from caseflow.store.db import Database

log = logging.getLogger(__name__)

Step = Callable[[], object]
"""One unit of the worker's work; it returns a summary (logged) or None."""

BATCH = 100

#: The PostgreSQL advisory lock several workers take around re-planning (any fixed 64-bit key;
#: these are the bytes of "caseflow"): their passes run one at a time. Each would be correct on
#: its own, but two daily passes at once write the same plan rows and one fails on the unique
#: key; after the lock the second finds every fingerprint stored and writes nothing.
REPLAN_LOCK = int.from_bytes(b"caseflow", "big") & 0x7FFF_FFFF_FFFF_FFFF


def _replan_lock(conn: Connection, *, is_sqlite: bool, wait: bool) -> bool:
    """Take the re-planning lock for the transaction (SQLite: its write lock already serialises
    the workers); `wait=False` answers False at once when another worker holds it."""
    if is_sqlite:
        return True
    if wait:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REPLAN_LOCK})
        return True
    found = conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": REPLAN_LOCK})
    return bool(found.scalar())


def tick(steps: Sequence[Step], *, stop: threading.Event | None = None) -> None:
    """Run every step once, in order. A failing step is logged and the next one still runs
    (the next tick tries again); a set `stop` skips the remaining steps."""
    for step in steps:
        if stop is not None and stop.is_set():
            return
        name = getattr(step, "__name__", repr(step))
        try:
            summary = step()
        except Exception:
            log.exception("steget %s misslyckades; nytt försök vid nästa körning", name)
            continue
        if summary is not None:
            log.info("%s: %s", name, summary)


class _NoOverlapNotice(logging.Filter):
    """Drop APScheduler's warning that a tick was skipped because the previous one still runs:
    with max_instances=1 that is the intended behaviour during a long send."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances" not in record.getMessage()


def default_steps(
    *,
    settings: Settings,
    db: Database,
    clock: Clock,
    mailer: Mailer,
    lease: timedelta = timedelta(minutes=5),
    stop: threading.Event | None = None,
    workflows: WorkflowRegistry | Callable[[], WorkflowRegistry] | None = None,
) -> list[Step]:
    """The worker's steps, in the order they run each tick: with `workflows`, re-plan every
    open case once per (Stockholm) day, re-plan the cases moves marked stale, queue due
    reminders and the results reports' due reminders; then send the outbox through `mailer`, so a
    reminder due now goes out in the same tick. `workflows` may be a provider, asked each tick
    (`caseflow worker` gives `cached_registry` over the folder: an edited workflow file is used
    without a restart).
    """
    planned_on: list[date] = []

    def current() -> WorkflowRegistry:
        """The workflows as of this tick (a provider reloads them when their files change)."""
        assert workflows is not None
        return workflows if isinstance(workflows, WorkflowRegistry) else workflows()

    def plan_reminders() -> object:
        now = clock.now()
        today = local_date(now)
        if planned_on and planned_on[-1] == today:
            return None
        rules = current().deadline_rules()
        with db.transaction() as conn:
            _replan_lock(conn, is_sqlite=db.is_sqlite, wait=True)
            result = replan_all(conn, rules_for=rules, today=today, now=now)
        planned_on.append(today)
        return result

    def replan_moved() -> object:
        now = clock.now()
        rules = current().deadline_rules()
        with db.transaction() as conn:
            if not _replan_lock(conn, is_sqlite=db.is_sqlite, wait=False):
                return None  # another worker is re-planning: the next tick takes what is left
            count = replan_stale(conn, rules_for=rules, today=local_date(now), now=now,
                                 is_sqlite=db.is_sqlite)  # fmt: skip
        return count or None

    def queue_reminders() -> object:
        summary = queue_due(db=db, settings=settings, workflows=current(), clock=clock)
        return summary if summary.reminders else None

    def queue_results_reminders() -> object:
        try:
            workflow = current().for_subject("results_report")
        except WorkflowSpecError:  # a deployment without the report's workflow
            return None
        summary = queue_report_reminders(db=db, settings=settings, clock=clock, workflow=workflow)
        return summary if summary.messages else None

    def send_outbox() -> SendSummary | None:
        """Send due mail in batches until the backlog is empty (or a stop is asked for)."""
        total = SendSummary()
        while stop is None or not stop.is_set():
            summary = send_due(db=db, mailer=mailer, mail_from=settings.mail_from, clock=clock,
                               limit=BATCH, lease=lease)  # fmt: skip
            total += summary
            if summary.claimed < BATCH:
                break
        return total if total.claimed else None

    reminders = (
        [plan_reminders, replan_moved, queue_reminders, queue_results_reminders]
        if workflows is not None else []
    )  # fmt: skip
    return [*reminders, send_outbox]


def run_worker(
    *,
    settings: Settings,
    db: Database,
    clock: Clock,
    mailer: Mailer,
    interval_seconds: float = 30,
    once: bool = False,
    lease: timedelta = timedelta(minutes=5),
    steps: Sequence[Step] | None = None,
    workflows: WorkflowRegistry | Callable[[], WorkflowRegistry] | None = None,
) -> None:
    """Run `tick` now and then every `interval_seconds` until SIGTERM or SIGINT (or once).

    One BlockingScheduler job (id "tick", max_instances=1, coalesce=True): a slow tick delays
    the next instead of overlapping it. On a signal the scheduler stops, the running tick
    finishes the message it is sending and its batch, and run_worker returns. Must be called
    from the main thread (signal handlers); `steps` defaults to `default_steps(...)`, which
    sends the outbox through `mailer`.
    """
    stop = threading.Event()
    if steps is None:
        steps = default_steps(settings=settings, db=db, clock=clock, mailer=mailer, lease=lease,
                              stop=stop, workflows=workflows)  # fmt: skip
    if once:
        tick(steps)
        return
    running = threading.Lock()

    def guarded_tick() -> None:
        with running:
            tick(steps, stop=stop)

    scheduler = BlockingScheduler(timezone=UTC)
    scheduler.add_job(
        guarded_tick, "interval", seconds=interval_seconds, id="tick", replace_existing=True,
        max_instances=1, coalesce=True, next_run_time=datetime.now(UTC),
    )  # fmt: skip

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("avslutar (%s) …", signal.Signals(signum).name)
        stop.set()
        # Not from the handler itself: it may have interrupted the scheduler holding its locks.
        threading.Thread(target=_shutdown, args=(scheduler,), daemon=True).start()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    notice = _NoOverlapNotice()
    logging.getLogger("apscheduler.scheduler").addFilter(notice)
    try:
        log.info("arbetaren startar (intervall %s s)", interval_seconds)
        scheduler.start()
    finally:
        logging.getLogger("apscheduler.scheduler").removeFilter(notice)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    with running:  # wait for a tick still running in the executor's thread
        log.info("arbetaren har stannat")


def _shutdown(scheduler: BlockingScheduler) -> None:
    """Stop the scheduler; a signal that came just before it started waits for the start."""
    for _ in range(200):
        if scheduler.running:
            scheduler.shutdown(wait=False)
            return
        time.sleep(0.05)
