"""CaseFacts: the plain, read-only view of a case that guards and moves need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class FunderFacts:
    code: str
    status: str
    decision_date: date | None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Satisfies `caseflow.workflow.guards.GuardSubject`."""

    id: int
    diarienummer: str
    stage: str
    row_version: int
    workflow: str
    title: str | None
    purpose: str | None
    start_date: date | None
    end_date: date | None
    total_budget_sek: int | None
    final_report_date: date | None
    funders: tuple[FunderFacts, ...]
