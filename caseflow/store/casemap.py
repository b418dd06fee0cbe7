"""Map between the case JSON (`CaseDoc`) and the Case/CaseFunder rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from caseflow.domain.casedoc import CaseDoc, FunderDoc
from caseflow.domain.casefields import CASE_FIELDS
from caseflow.domain.dnr import parse_dnr
from caseflow.store.models import Case, CaseFunder

#: Columns shared one-to-one by CaseDoc and Case that a change or an import may set; the
#: diarienummer (three columns), the funders (their own table), stage and outcome (moves) and
#: the workflow (fixed at creation) are handled on their own.
PLAIN_FIELDS: tuple[str, ...] = tuple(
    f.name for f in CASE_FIELDS
    if f.column and f.kind not in ("stage", "outcome", "workflow", "version")
)  # fmt: skip


def plain_values(doc: CaseDoc, names: Iterable[str]) -> dict[str, Any]:
    """The PLAIN_FIELDS among `names` as column values from `doc` (lists copied, not shared)."""
    return {
        name: list(value) if isinstance(value := getattr(doc, name), list) else value
        for name in names
        if name in PLAIN_FIELDS
    }


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
    out: dict[str, Any] = {}
    for spec in CASE_FIELDS:
        if spec.kind == "funders":
            out[spec.name] = [funder_to_dict(f) for f in getattr(case, spec.name)]
        elif spec.is_list:
            out[spec.name] = list(getattr(case, spec.name))
        else:
            out[spec.name] = _json_value(getattr(case, spec.name))
    return out


def new_case(doc: CaseDoc, *, stage: str, workflow_version: int, now: Any) -> Case:
    """A Case row (not yet added) from a validated document."""
    dnr = parse_dnr(doc.diarienummer)
    case = Case(
        dnr_prefix=dnr.prefix,
        dnr_serial=dnr.serial,
        dnr_year=dnr.year,
        stage=stage,
        outcome=doc.outcome,
        workflow=doc.workflow,
        workflow_version=workflow_version,
        created_at=now,
        updated_at=now,
        **plain_values(doc, PLAIN_FIELDS),
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
