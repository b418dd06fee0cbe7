"""Row-level pieces shared by the single-case engine and the bulk import: the row-version bump,
a new case's first stage, the stored form of an imported document, and applying an imported
document's differences to a stored case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from caseflow.cases.people import check_handlaggare
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.workdays import local_date
from caseflow.errors import ConflictError, InputError
from caseflow.reminders.plan import replan
from caseflow.store.casemap import case_to_dict, funder_row, plain_values
from caseflow.store.models import Case, CaseEvent
from caseflow.workflow.machine import CompiledWorkflow
from caseflow.workflow.registry import WorkflowRegistry


def bump(session: Session, case: Case, values: dict[str, Any], now: datetime) -> int:
    """Write `values` if the row version is still the one read; return the new version.

    Raises:
        ConflictError: another transaction changed the case in between.
    """
    assert case.id is not None
    new_version = case.row_version + 1
    result = session.execute(
        update(Case)
        .where(col(Case.id) == case.id, col(Case.row_version) == case.row_version)
        .values(**values, row_version=new_version, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(f"ärendet {case.diarienummer} har ändrats av någon annan; försök igen")
    return new_version


def initial_stage(doc: CaseDoc, wf: CompiledWorkflow) -> str:
    stage = doc.stage or wf.spec.initial
    if not wf.has_state(stage):
        raise InputError(f"{doc.diarienummer}: stage: okänt steg {stage!r} i {wf.name}")
    final = wf.is_final(stage)
    if final and doc.outcome is None:
        raise InputError(f"{doc.diarienummer}: outcome: ett avslutat ärende måste ha ett utfall")
    if not final and doc.outcome is not None:
        raise InputError(f"{doc.diarienummer}: outcome: bara avslutade ärenden har utfall")
    return stage


def import_update(
    session: Session,
    workflows: WorkflowRegistry,
    case: Case,
    doc: CaseDoc,
    differing: list[str],
    actor: str,
    now: datetime,
) -> None:
    """Apply an imported document's differences to `case` as one recorded `import` event."""
    before = case_to_dict(case)
    wf = workflows.get(doc.workflow)
    if "handlaggare" in differing:
        check_handlaggare(session=session, email=doc.handlaggare, dnr=doc.diarienummer)
    values = plain_values(doc, differing)
    if "funders" in differing:
        case.funders.clear()
        session.flush()
        case.funders.extend(funder_row(f, position=i) for i, f in enumerate(doc.funders))
        session.flush()
    from_stage = stage = case.stage
    if {"stage", "outcome"} & set(differing):
        stage = initial_stage(doc, wf)
        values |= {"stage": stage, "outcome": doc.outcome}
    if {"workflow", "workflow_version"} & set(differing):
        values |= {"workflow": doc.workflow, "workflow_version": doc.workflow_version or wf.version}
    version = bump(session, case, values, now)
    after = normalised(doc, workflows)
    assert case.id is not None
    session.add(
        CaseEvent(
            case_id=case.id, at=now, actor=actor, kind="import", from_stage=from_stage,
            to_stage=stage, changes={k: [before[k], after[k]] for k in differing},
            row_version=version,
        )
    )  # fmt: skip
    session.flush()
    replan(session.connection(), case_id=case.id, rules=wf.spec.deadlines,
           today=local_date(now), now=now)  # fmt: skip


def normalised(doc: CaseDoc, workflows: WorkflowRegistry) -> dict[str, Any]:
    data = doc.model_dump(mode="json")
    wf = workflows.get(doc.workflow)
    data["stage"] = doc.stage or wf.spec.initial
    data["workflow_version"] = doc.workflow_version or wf.version
    return data
