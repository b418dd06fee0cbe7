"""Concurrency: real threads and processes working on the same cases at the same moment.

Runs on every backend of the `database` fixture (SQLite, and PostgreSQL when
CASEFLOW_TEST_DATABASE_URL is set). Whatever the interleaving, every call must either succeed or
raise a `CaseflowError` (never a raw database exception, never a hang), and each case's history
must replay to its stage with one row version per change.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from caseflow.cases.engine import add_person, create_case, edit_case, fire, set_funder
from caseflow.clock import FakeClock, SystemClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import (
    CaseflowError,
    ConflictError,
    DuplicateError,
    TriggerNotAllowedError,
)
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.store.models import CaseEvent
from caseflow.store.repo import list_events, require_case
from caseflow.workflow.registry import WorkflowRegistry, load_registry
from tests.factories import DECIDER, OFFICER, add_people, complete_fields, make_case

JOIN_TIMEOUT = 60.0
REASON = "Finansiären drog tillbaka utlysningen"


@pytest.fixture
def ready(database: Database, clock: FakeClock) -> Database:
    add_people(database, clock)
    return database


# --- helpers


@dataclass
class Outcome:
    """What one concurrent call returned or raised."""

    value: Any = None
    error: BaseException | None = None
    trace: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def run_concurrently(calls: Sequence[Callable[[threading.Barrier], Any]]) -> list[Outcome]:
    """Run each call in its own thread; each gets a shared barrier to line up on.

    Fails the test if a thread hangs (deadlock) or raises anything but a CaseflowError.
    """
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def runner(i: int, call: Callable[[threading.Barrier], Any]) -> None:
        try:
            outcomes[i].value = call(barrier)
        except BaseException as err:
            outcomes[i].error = err
            outcomes[i].trace = traceback.format_exc()

    threads = [
        threading.Thread(target=runner, args=(i, call), name=f"caseflow-{i}", daemon=True)
        for i, call in enumerate(calls)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    hung = [t.name for t in threads if t.is_alive()]
    if hung:
        pytest.fail(f"threads still running after {JOIN_TIMEOUT}s (deadlock?): {hung}")
    assert_only_caseflow_errors(outcomes)
    return outcomes


def assert_only_caseflow_errors(outcomes: Sequence[Outcome]) -> None:
    leaked = [o for o in outcomes if o.error is not None and not isinstance(o.error, CaseflowError)]
    if leaked:
        pytest.fail(
            "a concurrent call raised something other than a CaseflowError:\n\n"
            + "\n".join(o.trace for o in leaked),
            pytrace=False,
        )


def current_version(db: Database, dnr: str) -> int:
    with db.read() as session:
        return require_case(session=session, dnr=parse_dnr(dnr)).row_version


def case_state(db: Database, dnr: str) -> tuple[str, str | None, int, list[CaseEvent]]:
    """(stage, outcome, row_version, events) of one case."""
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        events = list(list_events(session=session, case_id=case.id))
        return case.stage, case.outcome, case.row_version, events


def assert_consistent_history(db: Database, dnr: str, initial_stage: str = "idea") -> None:
    """The history replays to the case's stage and numbers every change 1, 2, 3, ..."""
    stage, _, row_version, events = case_state(db, dnr)
    assert events, f"{dnr} has no history"
    assert events[0].kind == "create" and events[0].to_stage == initial_stage
    assert [e.row_version for e in events] == list(range(1, len(events) + 1)), dnr
    assert events[-1].row_version == row_version
    replayed = events[0].to_stage
    for e in events[1:]:
        assert e.from_stage == replayed, f"{dnr}: event {e.row_version} starts from {e.from_stage}"
        replayed = e.to_stage
    assert replayed == stage


def transitions(events: Sequence[CaseEvent]) -> list[tuple[str | None, str | None, str | None]]:
    return [(e.trigger, e.from_stage, e.to_stage) for e in events if e.kind == "transition"]


# --- (a) the same expected_version from two threads

RACES = [
    (("start_planning", None), ("start_planning", None)),
    (("start_planning", None), ("withdraw", REASON)),
    (("withdraw", REASON), ("withdraw", "Projektet läggs ned")),
]


def test_same_expected_version_exactly_one_wins(
    ready: Database, workflows: WorkflowRegistry
) -> None:
    clock = FakeClock(SystemClock().now())
    rounds = 21
    dnrs = [f"RUN/{i}/2025" for i in range(1, rounds + 1)]
    for dnr in dnrs:
        make_case(ready, workflows, clock, dnr=dnr)

    for i, dnr in enumerate(dnrs):
        pair = RACES[i % len(RACES)]

        def mover(trigger: str, reason: str | None, dnr: str = dnr) -> Callable[..., Any]:
            def call(barrier: threading.Barrier) -> Any:
                version = current_version(ready, dnr)
                barrier.wait(JOIN_TIMEOUT)
                return fire(
                    db=ready, workflows=workflows, dnr=dnr, trigger=trigger, actor=OFFICER,
                    clock=clock, reason=reason, expected_version=version,
                )  # fmt: skip

            return call

        outcomes = run_concurrently([mover(t, r) for t, r in pair])
        winners = [o for o in outcomes if o.ok]
        losers = [o for o in outcomes if not o.ok]
        assert len(winners) == 1, f"round {i} ({dnr}): {outcomes}"
        error = losers[0].error
        assert isinstance(error, ConflictError), losers[0].trace
        message = str(error)
        assert dnr in message and "ändrats av någon annan" in message, message
        assert winners[0].value.row_version == 2

        stage, _, row_version, events = case_state(ready, dnr)
        assert row_version == 2
        assert len(transitions(events)) == 1
        assert transitions(events)[0][1:] == ("idea", stage)
        assert_consistent_history(ready, dnr)


# --- (b) different triggers on the same case, no expected_version


def test_mutually_exclusive_triggers_exactly_one_wins(
    ready: Database, workflows: WorkflowRegistry
) -> None:
    """`grant` and `reject` both leave application_sent: whichever commits first, the other is
    no longer possible from the new stage."""
    clock = FakeClock(SystemClock().now())
    for i in range(1, 11):
        dnr = f"RUN/{i}/2025"
        fields = complete_fields()  # one funder granted, and one that said no: both moves pass
        fields["funders"][1] = {"code": "anslag_1_1", "amount_sek": 300000, "status": "rejected"}
        make_case(ready, workflows, clock, dnr=dnr, stage="application_sent", **fields)

        def mover(trigger: str, actor: str, dnr: str = dnr) -> Callable[..., Any]:
            def call(barrier: threading.Barrier) -> Any:
                barrier.wait(JOIN_TIMEOUT)
                return fire(
                    db=ready, workflows=workflows, dnr=dnr, trigger=trigger, actor=actor,
                    clock=clock, reason="Beslut i dag" if trigger == "reject" else None,
                )  # fmt: skip

            return call

        grant, reject = run_concurrently([mover("grant", OFFICER), mover("reject", DECIDER)])
        assert grant.ok != reject.ok, f"{dnr}: grant={grant}, reject={reject}"
        loser = reject if grant.ok else grant
        assert isinstance(loser.error, TriggerNotAllowedError | ConflictError), loser.trace
        assert str(loser.error).strip(), "the refusal must say why"
        stage, outcome, row_version, events = case_state(ready, dnr)
        expected = ("bp_genomforande", None) if grant.ok else ("closed", "rejected")
        assert (stage, outcome) == expected
        assert row_version == 2
        assert len(transitions(events)) == 1
        assert_consistent_history(ready, dnr, initial_stage="application_sent")


def test_withdraw_races_start_planning(ready: Database, workflows: WorkflowRegistry) -> None:
    """`withdraw` is possible from every open stage, so the two triggers do not exclude each
    other: the only serial orders are withdraw alone (start_planning then refused) or
    start_planning then withdraw. Anything else is a lost or phantom move."""
    clock = FakeClock(SystemClock().now())
    for i in range(1, 11):
        dnr = f"RUN/{i}/2025"
        make_case(ready, workflows, clock, dnr=dnr)

        def mover(trigger: str, reason: str | None, dnr: str = dnr) -> Callable[..., Any]:
            def call(barrier: threading.Barrier) -> Any:
                barrier.wait(JOIN_TIMEOUT)
                return fire(
                    db=ready, workflows=workflows, dnr=dnr, trigger=trigger, actor=OFFICER,
                    clock=clock, reason=reason,
                )  # fmt: skip

            return call

        withdraw, plan = run_concurrently(
            [mover("withdraw", REASON), mover("start_planning", None)]
        )
        assert withdraw.ok, withdraw.trace
        stage, outcome, row_version, events = case_state(ready, dnr)
        assert (stage, outcome) == ("closed", "withdrawn")
        if plan.ok:
            assert transitions(events) == [
                ("start_planning", "idea", "bp_planering"),
                ("withdraw", "bp_planering", "closed"),
            ]
            assert (plan.value.row_version, withdraw.value.row_version, row_version) == (2, 3, 3)
        else:
            assert isinstance(plan.error, TriggerNotAllowedError | ConflictError), plan.trace
            assert "start_planning" in str(plan.error) or dnr in str(plan.error)
            assert transitions(events) == [("withdraw", "idea", "closed")]
            assert row_version == 2
        assert_consistent_history(ready, dnr)


# --- (c) many threads, no lost updates

LIFECYCLE = ("start_planning", "send_application", "grant", "start_follow_up", "close")


def test_threads_moving_their_own_cases_lose_nothing(
    ready: Database, workflows: WorkflowRegistry
) -> None:
    clock = FakeClock(SystemClock().now())
    n = 8
    dnrs = [f"RUN/{i}/2025" for i in range(1, n + 1)]
    for dnr in dnrs:
        make_case(ready, workflows, clock, dnr=dnr, **complete_fields())

    def worker(dnr: str) -> Callable[..., Any]:
        def call(barrier: threading.Barrier) -> list[int]:
            barrier.wait(JOIN_TIMEOUT)
            versions = []
            version = 1
            for trigger in LIFECYCLE:
                if trigger == "close":
                    version = edit_case(
                        db=ready, dnr=dnr, changes={"final_report_date": "2026-01-15"},
                        actor=OFFICER, clock=clock, expected_version=version,
                    ).row_version  # fmt: skip
                    versions.append(version)
                result = fire(
                    db=ready, workflows=workflows, dnr=dnr, trigger=trigger, actor=OFFICER,
                    clock=clock, expected_version=version,
                    reason="Slutrapporten är godkänd" if trigger == "close" else None,
                )  # fmt: skip
                version = result.row_version
                versions.append(version)
            return versions

        return call

    outcomes = run_concurrently([worker(dnr) for dnr in dnrs])
    for dnr, outcome in zip(dnrs, outcomes, strict=True):
        assert outcome.ok, outcome.trace
        assert outcome.value == [2, 3, 4, 5, 6, 7]
        stage, result, row_version, events = case_state(ready, dnr)
        assert (stage, result, row_version) == ("closed", "completed", 7)
        assert [t[0] for t in transitions(events)] == list(LIFECYCLE)
        assert_consistent_history(ready, dnr)


def test_threads_changing_one_case_lose_no_update(
    ready: Database, workflows: WorkflowRegistry
) -> None:
    """Edits of different fields, new funders and a move, all at once on one case without
    expected_version: they queue, and every one of them is kept."""
    clock = FakeClock(SystemClock().now())
    dnr = "RUN/1/2025"
    make_case(ready, workflows, clock, dnr=dnr)
    edits = {
        "purpose": "Kartläggning",
        "area": "Näringsliv",
        "priority": "Hög",
        "owner": "Region Norr",
        "own_financing": "10 procent",
        "follow_up_status": "Pågår",
        "total_budget_sek": 600000,
    }
    funders = ["esf", "anslag_1_1", "erasmus"]

    def editor(field: str, value: Any) -> Callable[..., Any]:
        def call(barrier: threading.Barrier) -> Any:
            barrier.wait(JOIN_TIMEOUT)
            return edit_case(db=ready, dnr=dnr, changes={field: value}, actor=OFFICER, clock=clock)

        return call

    def funder(code: str) -> Callable[..., Any]:
        def call(barrier: threading.Barrier) -> Any:
            barrier.wait(JOIN_TIMEOUT)
            return set_funder(
                db=ready, dnr=dnr, funder={"code": code, "amount_sek": 1000, "status": "applied"},
                actor=OFFICER, clock=clock,
            )  # fmt: skip

        return call

    def mover(barrier: threading.Barrier) -> Any:
        barrier.wait(JOIN_TIMEOUT)
        return fire(
            db=ready, workflows=workflows, dnr=dnr, trigger="start_planning", actor=OFFICER,
            clock=clock,
        )  # fmt: skip

    calls = [editor(f, v) for f, v in edits.items()] + [funder(c) for c in funders] + [mover]
    outcomes = run_concurrently(calls)
    for o in outcomes:
        assert o.ok, o.trace
    changes = len(calls)
    versions = sorted(o.value.row_version for o in outcomes)
    assert versions == list(range(2, changes + 2)), "each change must get its own row version"

    with ready.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        for field, value in edits.items():
            assert getattr(case, field) == value, f"lost update of {field}"
        assert sorted(f.code for f in case.funders) == sorted(funders)
        assert sorted(f.position for f in case.funders) == [0, 1, 2]
        assert (case.stage, case.row_version) == ("bp_planering", changes + 1)
    assert_consistent_history(ready, dnr)


# --- registering the same thing twice at once


def test_concurrent_create_of_one_diarienummer(
    database: Database, workflows: WorkflowRegistry
) -> None:
    """Two officers register the same diarienummer at once: one case, the others DuplicateError
    (not a raw unique-constraint violation)."""
    clock = FakeClock(SystemClock().now())
    for i in range(1, 6):
        dnr = f"RUN/{i}/2025"

        def creator(title: str, dnr: str = dnr) -> Callable[..., Any]:
            doc = CaseDoc.model_validate({"diarienummer": dnr, "title": title})

            def call(barrier: threading.Barrier) -> Any:
                barrier.wait(JOIN_TIMEOUT)
                return create_case(
                    db=database, workflows=workflows, doc=doc, actor=OFFICER, clock=clock
                )

            return call

        outcomes = run_concurrently([creator("Första"), creator("Andra"), creator("Tredje")])
        assert sum(o.ok for o in outcomes) == 1, outcomes
        for o in outcomes:
            if not o.ok:
                assert isinstance(o.error, DuplicateError), o.trace
                assert dnr in str(o.error)
        assert_consistent_history(database, dnr)


def test_concurrent_add_of_one_person(database: Database) -> None:
    clock = FakeClock(SystemClock().now())
    for i in range(5):
        email = f"person{i}@region.se"

        def adder(name: str, email: str = email) -> Callable[..., Any]:
            def call(barrier: threading.Barrier) -> Any:
                barrier.wait(JOIN_TIMEOUT)
                return add_person(
                    db=database, email=email, name=name, roles=["handlaggare"], clock=clock
                )

            return call

        outcomes = run_concurrently([adder("Ett"), adder("Två"), adder("Tre")])
        assert sum(o.ok for o in outcomes) == 1, outcomes
        for o in outcomes:
            if not o.ok:
                assert isinstance(o.error, DuplicateError), o.trace
                assert email in str(o.error)


# --- (d) real processes

PROCESS_TRIGGERS = [("start_planning", None), ("withdraw", REASON), ("start_planning", None)]


def _fire_in_process(
    url: str,
    dnr: str,
    trigger: str,
    reason: str | None,
    expected_version: int,
    barrier: Any,
    results: Any,
) -> None:
    """Runs in a spawned process: its own Database, its own registry, one fire."""
    try:
        db = Database(url)
        try:
            workflows = load_registry(PROJECT_ROOT / "workflows")
            with db.read() as session:  # connect before the race starts
                require_case(session=session, dnr=parse_dnr(dnr))
            barrier.wait(JOIN_TIMEOUT)
            result = fire(
                db=db, workflows=workflows, dnr=dnr, trigger=trigger, actor=OFFICER,
                clock=SystemClock(), reason=reason, expected_version=expected_version,
            )  # fmt: skip
            results.put(("ok", trigger, result.row_version, ""))
        finally:
            db.dispose()
    except CaseflowError as err:
        results.put(("caseflow", type(err).__name__, str(err), traceback.format_exc()))
    except BaseException as err:
        results.put(("raw", type(err).__name__, str(err), traceback.format_exc()))


def test_processes_with_same_expected_version_exactly_one_wins(
    ready: Database, workflows: WorkflowRegistry
) -> None:
    clock = FakeClock(SystemClock().now() - timedelta(minutes=1))
    dnr = "RUN/1/2025"
    make_case(ready, workflows, clock, dnr=dnr)
    version = current_version(ready, dnr)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(PROCESS_TRIGGERS))
    results = ctx.Queue()
    processes = [
        ctx.Process(
            target=_fire_in_process,
            args=(ready.url, dnr, trigger, reason, version, barrier, results),
            name=f"caseflow-{i}",
        )
        for i, (trigger, reason) in enumerate(PROCESS_TRIGGERS)
    ]
    for p in processes:
        p.start()
    outcomes = []
    try:
        for _ in processes:
            outcomes.append(results.get(timeout=JOIN_TIMEOUT * 2))
    except queue.Empty:
        pytest.fail(f"processes did not report within {JOIN_TIMEOUT * 2}s: {outcomes}")
    finally:
        for p in processes:
            p.join(JOIN_TIMEOUT)
            if p.is_alive():
                p.kill()
                p.join()
        results.close()
        results.join_thread()

    raw = [o for o in outcomes if o[0] == "raw"]
    assert not raw, "a process raised something other than a CaseflowError:\n" + "\n".join(
        o[3] for o in raw
    )
    winners = [o for o in outcomes if o[0] == "ok"]
    losers = [o for o in outcomes if o[0] == "caseflow"]
    assert len(winners) == 1, outcomes
    assert len(losers) == len(processes) - 1
    for _, name, message, trace in losers:
        assert name == "ConflictError", trace
        assert dnr in message and "ändrats av någon annan" in message, message
    assert all(p.exitcode == 0 for p in processes), [p.exitcode for p in processes]

    _, _, row_version, events = case_state(ready, dnr)
    assert row_version == version + 1 == winners[0][2]
    assert [t[0] for t in transitions(events)] == [winners[0][1]]
    assert_consistent_history(ready, dnr)
