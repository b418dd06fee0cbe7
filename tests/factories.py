"""Plain functions that put people and cases into a database for tests."""

from __future__ import annotations

from typing import Any

from caseflow.cases.engine import add_person, create_case
from caseflow.clock import Clock
from caseflow.domain.casedoc import CaseDoc
from caseflow.store.db import Database
from caseflow.store.models import Case
from caseflow.workflow.registry import WorkflowRegistry

OFFICER = "anna@region.se"
DECIDER = "bo@region.se"
CLERK = "cia@region.se"


def add_people(db: Database, clock: Clock) -> None:
    add_person(db=db, email=OFFICER, name="Anna Handläggare", roles=["handlaggare"], clock=clock)
    add_person(
        db=db, email=DECIDER, name="Bo Beslutsfattare", roles=["beslutsfattare"], clock=clock
    )
    add_person(db=db, email=CLERK, name="Cia Sekreterare", roles=["namndsekreterare"], clock=clock)


def complete_fields(**overrides: Any) -> dict[str, Any]:
    """Case JSON that passes every guard up to `grant`."""
    data: dict[str, Any] = {
        "title": "Strategisk planering",
        "purpose": "Kartläggning och förankring",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "total_budget_sek": 600000,
        "funders": [
            {"code": "tillvaxtverket_nationella", "amount_sek": 300000, "status": "granted",
             "decision_date": "2025-02-01", "case_id": "N2025-1"},
            {"code": "anslag_1_1", "amount_sek": 300000, "status": "applied",
             "decision_date": None, "case_id": None},
        ],
    }  # fmt: skip
    data.update(overrides)
    return data


def make_case(
    db: Database,
    workflows: WorkflowRegistry,
    clock: Clock,
    dnr: str = "RUN/479/2024",
    **fields: Any,
) -> Case:
    doc = CaseDoc.model_validate({"diarienummer": dnr, "title": "Ett projekt", **fields})
    return create_case(db=db, workflows=workflows, doc=doc, actor=OFFICER, clock=clock)
