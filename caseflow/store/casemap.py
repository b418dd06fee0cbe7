"""Map between the case JSON (`CaseDoc`) and the Case/CaseFunder rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from caseflow.domain.casedoc import CaseDoc, FunderDoc
from caseflow.domain.dnr import parse_dnr
from caseflow.store.models import Case, CaseFunder

#: Plain columns shared one-to-one by CaseDoc and Case.
PLAIN_FIELDS: tuple[str, ...] = (
    "title", "purpose", "area", "priority", "start_date", "end_date", "owner", "owner_is_region",
    "total_budget_sek", "own_financing", "follow_up_status", "follow_up_comment",
    "final_report_date", "handlaggare", "background", "anchoring_body", "anchoring_date",
)  # fmt: skip


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def funder_to_dict(funder: CaseFunder) -> dict[str, Any]:
    return {
        "code": funder.code,
        "amount_sek": funder.amount_sek,
        "status": funder.status,
        "decision_date": _json_value(funder.decision_date),
        "case_id": funder.funder_case_id,
    }


def case_to_dict(case: Case) -> dict[str, Any]:
    """The case as the documented JSON object (keys in the documented order)."""
    out: dict[str, Any] = {
        "diarienummer": case.diarienummer,
        "other_diarienummer": list(case.other_diarienummer),
    }
    for name in PLAIN_FIELDS:
        out[name] = _json_value(getattr(case, name))
    out["funders"] = [funder_to_dict(f) for f in case.funders]
    out["decision_basis"] = list(case.decision_basis)
    out["stage"] = case.stage
    out["outcome"] = case.outcome
    out["workflow"] = case.workflow
    out["workflow_version"] = case.workflow_version
    order = [
        "diarienummer", "other_diarienummer", "title", "purpose", "area", "priority",
        "start_date", "end_date", "owner", "owner_is_region", "total_budget_sek", "funders",
        "own_financing", "follow_up_status", "follow_up_comment", "final_report_date", "stage",
        "outcome", "handlaggare", "background", "decision_basis", "anchoring_body",
        "anchoring_date", "workflow", "workflow_version",
    ]  # fmt: skip
    return {key: out[key] for key in order}


def new_case(doc: CaseDoc, *, stage: str, workflow_version: int, now: Any) -> Case:
    """A Case row (not yet added) from a validated document."""
    dnr = parse_dnr(doc.diarienummer)
    case = Case(
        dnr_prefix=dnr.prefix,
        dnr_serial=dnr.serial,
        dnr_year=dnr.year,
        other_diarienummer=list(doc.other_diarienummer),
        decision_basis=list(doc.decision_basis),
        stage=stage,
        outcome=doc.outcome,
        workflow=doc.workflow,
        workflow_version=workflow_version,
        created_at=now,
        updated_at=now,
        **{name: getattr(doc, name) for name in PLAIN_FIELDS},
    )
    case.funders = [funder_row(f, position=i) for i, f in enumerate(doc.funders)]
    return case


def funder_row(doc: FunderDoc, *, position: int) -> CaseFunder:
    return CaseFunder(  # type: ignore[call-arg]  # case_id is set when added to a case
        position=position,
        code=doc.code,
        amount_sek=doc.amount_sek,
        status=doc.status,
        decision_date=doc.decision_date,
        funder_case_id=doc.case_id,
    )
