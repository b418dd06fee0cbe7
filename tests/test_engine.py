"""Engine and repository on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from caseflow.cases.engine import (
    create_case,
    edit_case,
    fire,
    import_cases,
    possible_moves,
    set_funder,
)
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import (
    ConflictError,
    DuplicateError,
    GuardFailedError,
    InputError,
    PermissionDeniedError,
    TriggerNotAllowedError,
    UnknownCaseError,
    UnknownPersonError,
    UnknownTriggerError,
)
from caseflow.store.db import Database
from caseflow.store.repo import list_events, require_case
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import CLERK, DECIDER, OFFICER, add_people, complete_fields, make_case

DNR = "RUN/479/2024"


@pytest.fixture
def ready(database: Database, workflows: WorkflowRegistry, clock: FakeClock) -> Database:
    add_people(database, clock)
    return database


def snapshot(db: Database, dnr: str = DNR) -> tuple[object, ...]:
    """Everything a failed operation must leave untouched."""
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        events = list_events(session=session, case_id=case.id)
        funders = [(f.code, f.amount_sek, f.status, f.decision_date) for f in case.funders]
        return (case.stage, case.outcome, case.row_version, case.title, tuple(funders), len(events))


def move(
    db: Database, workflows: WorkflowRegistry, clock: FakeClock, trigger: str, **kw: object
) -> str:
    kw.setdefault("actor", OFFICER)
    return fire(db=db, workflows=workflows, dnr=DNR, trigger=trigger, clock=clock, **kw).to_stage  # type: ignore[arg-type]


def test_full_lifecycle_records_every_move(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(ready, workflows, clock, **complete_fields(final_report_date="2026-01-15"))
    stages = [
        move(
            ready,
            workflows,
            clock,
            t,
            **({"reason": "Slutrapporten är godkänd"} if t == "close" else {}),
        )
        for t in ("start_planning", "send_application", "grant", "start_follow_up", "close")
    ]
    assert stages == ["bp_planering", "application_sent", "bp_genomforande", "follow_up", "closed"]
    with ready.read() as session:
        case = require_case(session=session, dnr=parse_dnr(DNR))
        assert (case.stage, case.outcome, case.row_version) == ("closed", "completed", 6)
        assert case.id is not None
        events = list_events(session=session, case_id=case.id)
    assert [e.kind for e in events] == ["create"] + ["transition"] * 5
    assert [(e.from_stage, e.to_stage) for e in events[1:3]] == [
        ("idea", "bp_planering"),
        ("bp_planering", "application_sent"),
    ]
    assert all(e.actor == OFFICER for e in events[1:])
    assert events[-1].at == clock.now() and events[-1].at.tzinfo is not None


def test_blocked_move_names_every_missing_thing_and_changes_nothing(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(ready, workflows, clock, start_date="2025-06-01", end_date="2025-06-01")
    move(ready, workflows, clock, "start_planning")
    before = snapshot(ready)
    with pytest.raises(GuardFailedError) as err:
        move(ready, workflows, clock, "send_application")
    assert err.value.problems == [
        "projektets syfte saknas",
        "startdatum (2025-06-01) måste vara före slutdatum (2025-06-01)",
        "total budget saknas",
        "minst en extern finansiär saknas",
    ]
    assert snapshot(ready) == before


def test_grant_needs_a_granted_funder_with_decision_date(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    fields = complete_fields()
    fields["funders"] = [{"code": "esf", "status": "applied"}]
    make_case(ready, workflows, clock, stage="application_sent", **fields)
    with pytest.raises(GuardFailedError, match="ingen finansiär har status beviljad"):
        move(ready, workflows, clock, "grant")
    set_funder(
        db=ready, dnr=DNR, funder={"code": "esf", "status": "granted"}, actor=OFFICER, clock=clock
    )
    with pytest.raises(GuardFailedError, match="beslutsdatum saknas"):
        move(ready, workflows, clock, "grant")
    set_funder(
        db=ready,
        dnr=DNR,
        funder={"code": "esf", "decision_date": "2024-12-13"},
        actor=OFFICER,
        clock=clock,
    )
    assert move(ready, workflows, clock, "grant") == "bp_genomforande"


def test_close_needs_final_report_date(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(ready, workflows, clock, stage="follow_up", **complete_fields())
    with pytest.raises(GuardFailedError, match="datum för slutrapport saknas"):
        move(ready, workflows, clock, "close", reason="Projektet är klart")
    edit_case(
        db=ready, dnr=DNR, changes={"final_report_date": "2026-01-10"}, actor=OFFICER, clock=clock
    )
    assert move(ready, workflows, clock, "close", reason="Slutrapport inlämnad") == "closed"


def test_reject_and_withdraw_set_outcomes(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    fields = complete_fields()
    fields["funders"] = [{"code": "esf", "amount_sek": 300000, "status": "rejected"}]
    make_case(ready, workflows, clock, stage="application_sent", **fields)
    make_case(ready, workflows, clock, dnr="RUN/1/2025")
    assert move(ready, workflows, clock, "reject", actor=DECIDER, reason="ESF sa nej") == "closed"
    with pytest.raises(InputError, match="motivering"):
        fire(
            db=ready,
            workflows=workflows,
            dnr="RUN/1/2025",
            trigger="withdraw",
            actor=OFFICER,
            clock=clock,
        )
    fire(db=ready, workflows=workflows, dnr="RUN/1/2025", trigger="withdraw", actor=OFFICER,
         clock=clock, reason="Finansiären drog tillbaka utlysningen")  # fmt: skip
    with ready.read() as session:
        assert require_case(session=session, dnr=parse_dnr(DNR)).outcome == "rejected"
        withdrawn = require_case(session=session, dnr=parse_dnr("RUN/1/2025"))
        assert (withdrawn.stage, withdrawn.outcome) == ("closed", "withdrawn")


def test_closed_is_final(ready: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    make_case(ready, workflows, clock, stage="closed", outcome="completed")
    for trigger in ("withdraw", "start_planning", "close"):
        with pytest.raises(TriggerNotAllowedError):
            move(ready, workflows, clock, trigger, reason="x")
    _, moves = possible_moves(db=ready, workflows=workflows, dnr=DNR)
    assert [m.trigger for m in moves] == ["reopen"]  # the one way out, declared in the YAML


@pytest.mark.parametrize(
    ("trigger", "actor", "error"),
    [
        ("fly_away", OFFICER, UnknownTriggerError),
        ("grant", OFFICER, TriggerNotAllowedError),
        ("start_planning", CLERK, PermissionDeniedError),
        ("start_planning", "nobody@region.se", UnknownPersonError),
    ],
)
def test_refused_moves_change_nothing(
    ready: Database,
    workflows: WorkflowRegistry,
    clock: FakeClock,
    trigger: str,
    actor: str,
    error: type,
) -> None:
    make_case(ready, workflows, clock)
    before = snapshot(ready)
    with pytest.raises(error):
        move(ready, workflows, clock, trigger, actor=actor)
    assert snapshot(ready) == before


def test_unknown_case(ready: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    with pytest.raises(UnknownCaseError, match="RUN/9/2024 finns inte"):
        fire(
            db=ready,
            workflows=workflows,
            dnr="RUN/9/2024",
            trigger="grant",
            actor=OFFICER,
            clock=clock,
        )


def test_stale_row_version_is_a_conflict(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(ready, workflows, clock)
    move(ready, workflows, clock, "start_planning", expected_version=1)
    before = snapshot(ready)
    with pytest.raises(ConflictError, match="version 2, du utgick från 1"):
        move(ready, workflows, clock, "withdraw", reason="x", expected_version=1)
    with pytest.raises(ConflictError):
        edit_case(
            db=ready,
            dnr=DNR,
            changes={"title": "Ny"},
            actor=OFFICER,
            clock=clock,
            expected_version=1,
        )
    assert snapshot(ready) == before


def test_duplicate_diarienummer(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(ready, workflows, clock)
    with pytest.raises(DuplicateError, match="finns redan"):
        make_case(ready, workflows, clock, dnr="run/479/2024")
    make_case(ready, workflows, clock, dnr="RUN/479/2025")  # the serial restarts each year


def test_edit_records_field_changes(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(ready, workflows, clock)
    result = edit_case(
        db=ready, dnr=DNR, changes={"title": "Nytt namn", "total_budget_sek": 5, "area": None},
        actor=OFFICER, clock=clock, reason="rättelse",
    )  # fmt: skip
    assert result.changes == {"title": ["Ett projekt", "Nytt namn"], "total_budget_sek": [None, 5]}
    with ready.read() as session:
        case = require_case(session=session, dnr=parse_dnr(DNR))
        assert case.id is not None
        last = list_events(session=session, case_id=case.id)[-1]
    assert (last.kind, last.reason, last.changes) == ("edit", "rättelse", result.changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": "2024-01-01", "start_date": "2024-02-01"}, "ligger före startdatum"),
        ({"total_budget_sek": -1}, "får inte vara negativt"),
        ({"start_date": "2025-13-01"}, "ogiltigt datum"),
        ({"other_diarienummer": ["RUN/abc/2024"]}, "ogiltigt diarienummer"),
        ({"handlaggare": "not-an-address"}, "ogiltig e-postadress"),
    ],
)
def test_invalid_edits_change_nothing(
    ready: Database,
    workflows: WorkflowRegistry,
    clock: FakeClock,
    changes: dict[str, object],
    message: str,
) -> None:
    make_case(ready, workflows, clock)
    before = snapshot(ready)
    with pytest.raises(InputError, match=message):
        edit_case(db=ready, dnr=DNR, changes=changes, actor=OFFICER, clock=clock)
    assert snapshot(ready) == before


def test_unknown_funder_code_suggests_the_closest(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(ready, workflows, clock)
    before = snapshot(ready)
    with pytest.raises(InputError, match="menade du eruf_regionalt"):
        set_funder(db=ready, dnr=DNR, funder={"code": "eruf_regional"}, actor=OFFICER, clock=clock)
    assert snapshot(ready) == before


def test_history_is_append_only(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(ready, workflows, clock)
    statements = ["UPDATE case_events SET actor = 'x'", "DELETE FROM case_events"]
    if not ready.is_sqlite:  # SQLite has no TRUNCATE
        statements += ["TRUNCATE case_events", "TRUNCATE cases CASCADE"]
    for statement in statements:
        with pytest.raises(DatabaseError, match="append-only"), ready.write() as session:
            session.execute(text(statement))
    assert snapshot(ready)[-1] == 1


def test_import_is_all_or_nothing_and_idempotent(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    good = CaseDoc.model_validate({"diarienummer": "RUN/1/2025", **complete_fields()})
    other = CaseDoc.model_validate(
        {"diarienummer": "RUN/2/2025", "title": "Två", "stage": "follow_up"}
    )
    summary = import_cases(
        db=ready, workflows=workflows, docs=[good, other], actor=OFFICER, clock=clock
    )
    assert (summary.created, summary.unchanged) == (["RUN/1/2025", "RUN/2/2025"], [])
    again = import_cases(
        db=ready, workflows=workflows, docs=[good, other], actor=OFFICER, clock=clock
    )
    assert (again.created, again.unchanged) == ([], ["RUN/1/2025", "RUN/2/2025"])
    changed = CaseDoc.model_validate(
        {"diarienummer": "RUN/2/2025", "title": "Annan titel", "stage": "follow_up"}
    )
    new = CaseDoc.model_validate({"diarienummer": "RUN/3/2025", "title": "Tre"})
    with pytest.raises(InputError, match="RUN/2/2025 finns redan med andra uppgifter \\(title\\)"):
        import_cases(db=ready, workflows=workflows, docs=[new, changed], actor=OFFICER, clock=clock)
    with ready.read() as session, pytest.raises(UnknownCaseError):
        require_case(session=session, dnr=parse_dnr("RUN/3/2025"))


def test_import_rejects_outcome_that_does_not_fit_stage(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    for data, message in [
        ({"stage": "closed"}, "måste ha ett utfall"),
        ({"stage": "idea", "outcome": "completed"}, "bara avslutade"),
        ({"stage": "nowhere"}, "okänt steg"),
    ]:
        doc = CaseDoc.model_validate({"diarienummer": "RUN/1/2025", "title": "x", **data})
        with pytest.raises(InputError, match=message):
            create_case(db=ready, workflows=workflows, doc=doc, actor=OFFICER, clock=clock)


def test_possible_moves_show_reasons_and_roles(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(ready, workflows, clock, stage="bp_planering")
    _, moves = possible_moves(db=ready, workflows=workflows, dnr=DNR, actor=CLERK)
    by_trigger = {m.trigger: m for m in moves}
    assert set(by_trigger) == {"send_application", "withdraw"}
    assert "projektets syfte saknas" in by_trigger["send_application"].problems
    assert any("kräver rollen" in p for p in by_trigger["withdraw"].problems)
