"""The only checks a workflow may name in `conditions`. Each returns every problem, in Swedish.

A guard takes the case (anything shaped like `GuardSubject`) and returns a list of problems;
an empty list means the move may go ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol


class FunderLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def decision_date(self) -> date | None: ...


class GuardSubject(Protocol):
    @property
    def title(self) -> str | None: ...
    @property
    def purpose(self) -> str | None: ...
    @property
    def start_date(self) -> date | None: ...
    @property
    def end_date(self) -> date | None: ...
    @property
    def total_budget_sek(self) -> int | None: ...
    @property
    def final_report_date(self) -> date | None: ...
    @property
    def funders(self) -> Sequence[FunderLike]: ...


Guard = Callable[[GuardSubject], list[str]]


def application_complete(case: GuardSubject) -> list[str]:
    """Before an application is sent: title, purpose, a valid period, a budget and a funder."""
    problems = []
    if not (case.title or "").strip():
        problems.append("projekttitel saknas")
    if not (case.purpose or "").strip():
        problems.append("projektets syfte saknas")
    if case.start_date is None:
        problems.append("startdatum saknas")
    if case.end_date is None:
        problems.append("slutdatum saknas")
    if case.start_date and case.end_date and case.start_date >= case.end_date:
        problems.append(
            f"startdatum ({case.start_date.isoformat()}) måste vara före slutdatum "
            f"({case.end_date.isoformat()})"
        )
    if case.total_budget_sek is None:
        problems.append("total budget saknas")
    if not case.funders:
        problems.append("minst en extern finansiär saknas")
    return problems


def funding_granted(case: GuardSubject) -> list[str]:
    """Before the project starts: a funder has granted the money, with a decision date."""
    granted = [f for f in case.funders if f.status == "granted"]
    if not granted:
        return ["ingen finansiär har status beviljad"]
    if not any(f.decision_date for f in granted):
        return ["beslutsdatum saknas för beviljad finansiering"]
    return []


def final_report_submitted(case: GuardSubject) -> list[str]:
    """Before closing: the final report has gone in."""
    return [] if case.final_report_date else ["datum för slutrapport saknas"]


def funder_rejected(case: GuardSubject) -> list[str]:
    """Before a rejection: a funder has said no (status avslag); the rejection rests on it."""
    if any(f.status == "rejected" for f in case.funders):
        return []
    return ["ingen finansiär har status avslag; ange finansiärens avslag först"]


GUARDS: dict[str, Guard] = {
    "application_complete": application_complete,
    "funding_granted": funding_granted,
    "final_report_submitted": final_report_submitted,
    "funder_rejected": funder_rejected,
}
