"""Case operations, each one transaction: create, import, edit, set a funder, fire a trigger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from caseflow.cases.bulk import bulk_import, case_items
from caseflow.cases.people import add_person as add_person  # re-exported: engine is the API
from caseflow.cases.people import check_handlaggare
from caseflow.cases.writes import bump, initial_stage
from caseflow.clock import Clock
from caseflow.domain.casedoc import CaseDoc, FunderDoc, check_editable, describe_validation
from caseflow.domain.checks import check_text
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.facts import CaseFacts
from caseflow.domain.financing import check_funder
from caseflow.domain.funders import FUNDERS
from caseflow.domain.roles import denied
from caseflow.domain.workdays import local_date
from caseflow.errors import (
    ConflictError,
    DuplicateError,
    InputError,
    PermissionDeniedError,
    TransitionError,
    UnknownCaseError,
    UnknownPersonError,
    WorkflowSpecError,
)
from caseflow.reminders.plan import cancel_planned_on, move_changes_plan, replan
from caseflow.store import movestore
from caseflow.store.casemap import case_to_dict, funder_row, new_case, plain_values
from caseflow.store.db import Database
from caseflow.store.models import Case, CaseEvent
from caseflow.store.repo import get_case, require_case, require_person
from caseflow.workflow.machine import CompiledWorkflow, Move
from caseflow.workflow.registry import WorkflowRegistry


@dataclass(frozen=True, slots=True)
class TransitionResult:
    diarienummer: str
    trigger: str
    from_stage: str
    to_stage: str
    outcome: str | None
    row_version: int
    at: datetime


@dataclass(frozen=True, slots=True)
class EditResult:
    diarienummer: str
    changes: dict[str, list[Any]]
    row_version: int


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    area_of: dict[str, str | None] = field(default_factory=dict)


def check_open(case: Case) -> None:
    """Raises InputError if the case is closed (a final stage has an outcome): it is read-only."""
    if case.outcome is not None:
        raise InputError(
            f"ärendet {case.diarienummer} är avslutat och kan inte ändras; en beslutsfattare "
            "eller administratör kan öppna det igen med en motivering"
        )


def _check_version(case: Case | CaseFacts, expected: int | None) -> None:
    if expected is not None and case.row_version != expected:
        raise ConflictError(
            f"ärendet {case.diarienummer} har ändrats av någon annan (version {case.row_version}, "
            f"du utgick från {expected}); läs om ärendet och försök igen"
        )


def _workflow_for(workflows: WorkflowRegistry, case: Case | CaseFacts) -> CompiledWorkflow:
    wf = workflows.get(case.workflow)
    if not wf.has_state(case.stage):
        raise WorkflowSpecError(
            f"ärendet {case.diarienummer} står i steget {case.stage!r} som {wf.name} version "
            f"{wf.version} inte har; se `caseflow workflow check`"
        )
    return wf


def import_cases(
    *,
    db: Database,
    workflows: WorkflowRegistry,
    docs: Sequence[CaseDoc],
    actor: str,
    clock: Clock,
    update: bool = False,
) -> ImportSummary:
    """Import many cases in one transaction: all or nothing (`cases.bulk.bulk_import`).

    A case that already exists with identical content is left alone. One that differs is an
    error, unless `update`: then the differences are applied and recorded as an `import` event.

    Raises:
        InputError: a case differs (without `update`), or appears twice in the input.
    """
    result = bulk_import(db=db, workflows=workflows, source=lambda: case_items(docs), actor=actor,
                         clock=clock, update=update, numbers=True)  # fmt: skip
    assert result.numbers is not None and result.area_of is not None
    return ImportSummary(result.numbers["created"], result.numbers["updated"],
                         result.numbers["unchanged"], result.area_of)  # fmt: skip


def _insert_case(
    session: Session,
    workflows: WorkflowRegistry,
    doc: CaseDoc,
    actor: str,
    now: datetime,
    kind: str,
) -> Case:
    wf = workflows.get(doc.workflow)
    stage = initial_stage(doc, wf)
    check_handlaggare(session=session, email=doc.handlaggare, dnr=doc.diarienummer)
    case = new_case(doc, stage=stage, workflow_version=doc.workflow_version or wf.version, now=now)
    session.add(case)
    session.flush()
    assert case.id is not None
    session.add(
        CaseEvent(
            case_id=case.id, at=now, actor=actor, kind=kind, to_stage=stage,
            changes=case_to_dict(case), row_version=case.row_version,
        )
    )  # fmt: skip
    session.flush()
    replan(session.connection(), case_id=case.id, rules=wf.spec.deadlines,
           today=local_date(now), now=now)  # fmt: skip
    return case


def create_case(
    *, db: Database, workflows: WorkflowRegistry, doc: CaseDoc, actor: str, clock: Clock
) -> Case:
    """Register a new case with a `create` event.

    Raises:
        DuplicateError: the diarienummer is taken.
        InputError: unknown stage, or an outcome that does not fit the stage.
    """
    taken = f"ärendet {doc.diarienummer} finns redan"
    with db.write(duplicate=taken) as session:
        if get_case(session=session, dnr=parse_dnr(doc.diarienummer)) is not None:
            raise DuplicateError(taken)
        return _insert_case(session, workflows, doc, actor, clock.now(), "create")


def edit_case(
    *,
    db: Database,
    dnr: str,
    changes: dict[str, Any],
    actor: str,
    clock: Clock,
    reason: str | None = None,
    expected_version: int | None = None,
    workflows: WorkflowRegistry | None = None,
) -> EditResult:
    """Change plain fields (already parsed JSON values), validated as the whole case JSON.

    With `workflows`, the case's reminders are re-planned in the same transaction (an end date
    moved moves its deadlines); every caller that has the registry passes it.

    Raises:
        UnknownCaseError, ConflictError, InputError (first invalid field, in Swedish).
    """
    for name in changes:
        check_editable(name)
    if reason is not None:
        reason = check_text(reason, field="motivering") or None
    now = clock.now()
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr), for_update=True)
        _check_version(case, expected_version)
        check_open(case)
        current = case_to_dict(case)
        try:
            doc = CaseDoc.model_validate({**current, **changes})
        except ValidationError as err:
            raise InputError(f"{case.diarienummer}: {describe_validation(err)}") from None
        wanted = doc.model_dump(mode="json")
        diff = {k: [current[k], wanted[k]] for k in changes if wanted[k] != current[k]}
        if not diff:
            return EditResult(case.diarienummer, {}, case.row_version)
        if "handlaggare" in diff:
            check_handlaggare(session=session, email=doc.handlaggare, dnr=case.diarienummer)
        values = plain_values(doc, diff)
        version = bump(session, case, values, now)
        assert case.id is not None
        session.add(
            CaseEvent(
                case_id=case.id, at=now, actor=actor, kind="edit", from_stage=case.stage,
                to_stage=case.stage, reason=reason, changes=diff, row_version=version,
            )
        )  # fmt: skip
        if workflows is not None:
            session.flush()
            rules = workflows.get(case.workflow).spec.deadlines
            replan(session.connection(), case_id=case.id, rules=rules, today=local_date(now),
                   now=now)  # fmt: skip
        return EditResult(case.diarienummer, diff, version)


def set_funder(
    *,
    db: Database,
    dnr: str,
    funder: dict[str, Any],
    actor: str,
    clock: Clock,
    expected_version: int | None = None,
) -> EditResult:
    """Add a funder to the case, or change the given keys of an existing one.

    `funder` holds `code` and any of `amount_sek`, `status`, `decision_date`, `case_id`.

    Raises:
        UnknownCaseError, ConflictError, InputError.
    """
    now = clock.now()
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr), for_update=True)
        _check_version(case, expected_version)
        check_open(case)
        rows = {f.code: f for f in case.funders}
        code = funder["code"]
        before = funder_doc(rows[code]) if code in rows else {"code": code}
        merged = {**before, **{k: v for k, v in funder.items() if v is not None}}
        try:
            doc = FunderDoc.model_validate(merged)
        except ValidationError as err:
            name = FUNDERS.get(code, code)
            raise InputError(f"{case.diarienummer}: {name}: {describe_validation(err)}") from None
        check_funder(code=code, amount=doc.amount_sek, status=doc.status,
                     decision_date=doc.decision_date, total_budget=case.total_budget_sek,
                     today=local_date(now))  # fmt: skip
        after = doc.model_dump(mode="json")
        old = {k: before.get(k) for k in after}
        diff = {f"funders.{code}.{k}": [old[k], after[k]] for k in after if old[k] != after[k]}
        if not diff:
            return EditResult(case.diarienummer, {}, case.row_version)
        if code in rows:
            row = rows[code]
            row.amount_sek, row.status = doc.amount_sek, doc.status
            row.decision_date, row.funder_case_id = doc.decision_date, doc.case_id
        else:
            case.funders.append(funder_row(doc, position=len(case.funders)))
        session.flush()
        version = bump(session, case, {}, now)
        assert case.id is not None
        session.add(
            CaseEvent(
                case_id=case.id, at=now, actor=actor, kind="edit", from_stage=case.stage,
                to_stage=case.stage, changes=diff, row_version=version,
            )
        )  # fmt: skip
        return EditResult(case.diarienummer, diff, version)


def funder_doc(row: Any) -> dict[str, Any]:
    value = row.decision_date
    return {
        "code": row.code,
        "amount_sek": row.amount_sek,
        "status": row.status,
        "decision_date": value.isoformat() if isinstance(value, date) else value,
        "case_id": row.funder_case_id,
    }


def check_roles(email: str, held: Sequence[str], allowed: Sequence[str], what: str) -> None:
    """Raises PermissionDeniedError unless `held` includes one of `allowed`."""
    if not set(held) & set(allowed):
        raise PermissionDeniedError(denied(email, what, list(allowed), list(held)))


def fire(
    *,
    db: Database,
    workflows: WorkflowRegistry,
    dnr: str,
    trigger: str,
    actor: str,
    clock: Clock,
    reason: str | None = None,
    expected_version: int | None = None,
) -> TransitionResult:
    """Move a case: lock it, compare its row version, check role and guards, set the stage,
    append the event. One transaction; on any error nothing changes.

    Raises:
        UnknownCaseError, UnknownPersonError, UnknownTriggerError, TriggerNotAllowedError,
        PermissionDeniedError, GuardFailedError, ConflictError, InputError (missing reason).
    """
    number = parse_dnr(dnr)
    if reason is not None:
        reason = check_text(reason, field="motivering") or None
    now = clock.now()
    email = actor.strip().lower()
    with db.cursor_transaction() as tx:
        found = movestore.read_facts(tx=tx, dnr=number, actor=email, lock=True)
        if found is None:
            raise UnknownCaseError(f"ärendet {number} finns inte")
        facts, roles = found
        _check_version(facts, expected_version)
        wf = _workflow_for(workflows, facts)
        transition = wf.transition(trigger, facts.stage)
        if roles is None:
            raise UnknownPersonError(f"okänd person {actor!r}")
        check_roles(email, roles, transition.roles, f"göra {transition.label!r}")
        if transition.reason_required and not (reason or "").strip():
            raise InputError(f"”{transition.label}” kräver en motivering")
        if transition.conditions:
            facts = replace(facts, funders=movestore.read_funders(tx=tx, case_id=facts.id))
        to_stage = wf.run(facts, facts.stage, trigger)
        closes = transition.outcome is not None
        stale = not closes and move_changes_plan(
            wf.spec.deadlines, from_stage=facts.stage, to_stage=to_stage
        )
        if not movestore.bump_stage(
            tx=tx, case_id=facts.id, read_version=facts.row_version, stage=to_stage,
            outcome=transition.outcome, workflow_version=wf.version, now=now,
            reminders_stale=stale,
        ):  # fmt: skip
            raise ConflictError(f"ärendet {number} har ändrats av någon annan; försök igen")
        version = facts.row_version + 1
        movestore.append_event(
            tx=tx,
            values={
                "case_id": facts.id, "at": now, "actor": email, "kind": "transition",
                "trigger": trigger, "from_stage": facts.stage, "to_stage": to_stage,
                "reason": reason, "changes": None, "row_version": version,
            },
        )  # fmt: skip
        if closes:  # its planned reminders no longer apply
            cancel_planned_on(tx, case_id=facts.id, now=now)
        return TransitionResult(
            str(number), trigger, facts.stage, to_stage, transition.outcome, version, now
        )


def possible_moves(
    *, db: Database, workflows: WorkflowRegistry, dnr: str, actor: str | None = None
) -> tuple[Case, list[Move]]:
    """The moves leaving the case's stage, each with the reasons it is blocked (if any).

    With `actor`, a move the actor lacks the role for is blocked with that reason too.
    """
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        return case, moves_of(session=session, workflows=workflows, case=case, actor=actor)


def moves_of(
    *, session: Session | None, workflows: WorkflowRegistry, case: Case | CaseFacts,
    actor: str | None = None, roles: Sequence[str] | None = None) -> list[Move]:  # fmt: skip
    """As `possible_moves`, for a case read in the caller's session (`roles`: the actor's; read
    in `session` when not given)."""
    moves = _workflow_for(workflows, case).moves(case, case.stage)
    if actor is not None:
        if roles is None:
            if session is None:
                raise ValueError("moves_of: the actor's roles, or a session to read them in")
            person = require_person(session=session, email=actor)
            actor, roles = person.email, person.roles
        moves = [_with_role_check(m, actor, roles) for m in moves]
    return moves


def _with_role_check(move: Move, email: str, roles: Sequence[str]) -> Move:
    try:
        check_roles(email, roles, move.roles, f"göra {move.label!r}")
    except TransitionError as err:
        return Move(
            move.trigger, move.label, move.dest, move.roles, move.outcome, move.reason_required,
            (*move.problems, str(err)), move.confirm,
        )  # fmt: skip
    return move
