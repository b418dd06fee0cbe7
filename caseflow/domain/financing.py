"""The financing plan in numbers: sums per funder status, the difference to the total budget,
and the checks a funder's amount and decision date must pass. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from caseflow.domain.funders import FUNDER_STATUS_LABELS, FUNDER_STATUSES, FUNDERS
from caseflow.domain.textformat import format_sek
from caseflow.errors import InputError


@dataclass(frozen=True, slots=True)
class FinancingPlan:
    """`sums`: status → the sum of its amounts, every status listed (planned first).
    `external`: what the funders that have not said no stand for (planerad, sökt, beviljad).
    `difference`: the total budget less `external` (None without a total budget); positive is
    what own financing or nobody covers, negative what the funders exceed the budget by."""

    sums: dict[str, int]
    external: int
    total_budget: int | None
    difference: int | None

    @property
    def warning(self) -> str | None:
        """In Swedish, when the funders and the total budget do not agree; None when they do."""
        if self.difference is None or self.difference == 0:
            return None
        if self.difference < 0:
            return (
                f"Finansiärernas belopp ({format_sek(self.external)}) överstiger den totala "
                f"budgeten med {format_sek(-self.difference)}."
            )
        return (
            f"{format_sek(self.difference)} av den totala budgeten täcks inte av externa "
            "finansiärer (egen medfinansiering eller ännu inte finansierat)."
        )

    def rows(self) -> list[tuple[str, int]]:
        """(Swedish status label, sum) in the catalogue's order."""
        return [(FUNDER_STATUS_LABELS[s], self.sums[s]) for s in FUNDER_STATUSES]


def financing_plan(
    funders: Iterable[tuple[str, int | None]], total_budget: int | None
) -> FinancingPlan:
    """Sum the plan's (status, amount) pairs by status and compare the funders that have not
    said no with the total budget."""
    sums = dict.fromkeys(FUNDER_STATUSES, 0)
    for status, amount in funders:
        sums[status] = sums.get(status, 0) + (amount or 0)
    external = sum(v for s, v in sums.items() if s != "rejected")
    difference = None if total_budget is None else total_budget - external
    return FinancingPlan(sums, external, total_budget, difference)


def check_funder(
    *,
    code: str,
    amount: int | None,
    status: str,
    decision_date: date | None,
    total_budget: int | None,
    today: date,
) -> None:
    """Refuse an amount above the case's total budget (when it is set) and a granted funder's
    decision date in the future.

    Raises:
        InputError: in Swedish, naming the funder.
    """
    name = FUNDERS.get(code, code)
    if amount is not None and total_budget is not None and amount > total_budget:
        raise InputError(
            f"{name}: beloppet {format_sek(amount)} är större än ärendets totala budget "
            f"{format_sek(total_budget)}; rätta beloppet eller den totala budgeten"
        )
    if status == "granted" and decision_date is not None and decision_date > today:
        raise InputError(
            f"{name}: beslutsdatum {decision_date.isoformat()} ligger i framtiden; en beviljad "
            "finansiering har ett beslut som redan är fattat"
        )
