"""The board's portfolio report from the stored cases, as the CLI and the web produce it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from caseflow.errors import InputError
from caseflow.portfolio.report import PortfolioDiff, PortfolioReport, build_report
from caseflow.records.config import SecrecyConfig
from caseflow.records.fieldmask import case_docs
from caseflow.store.db import Database
from caseflow.store.repo import list_cases
from caseflow.workflow.registry import WorkflowRegistry


def current_cases(
    db: Database, *, secrecy: SecrecyConfig | None = None, roles: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Every stored case as case JSON, in registration order; with `secrecy`, the fields under
    a secrecy mark masked unless `roles` may see them (`roles=()`: as the public sees them)."""
    with db.read() as session:
        found = list_cases(session=session, registration_order=True)
        return case_docs(session=session, cases=found, secrecy=secrecy, roles=roles)


def known_areas(cases: list[dict[str, Any]]) -> list[str]:
    """The areas the cases name, sorted."""
    return sorted({c["area"] for c in cases if c["area"]})


def portfolio_report(
    *, cases: list[dict[str, Any]], workflows: WorkflowRegistry, as_of: date,
    area: str | None = None, diff: PortfolioDiff | None = None, where: str = "område",
) -> PortfolioReport:  # fmt: skip
    """The report of `cases` (from `current_cases`) per `as_of`, only `area` if given.

    Raises:
        InputError: `where: …` when no case is in `area` (naming the areas there are).
    """
    if area is not None and not any(c["area"] == area for c in cases):
        known = known_areas(cases)
        raise InputError(f"{where}: inget projekt i området {area!r}; områden: {'; '.join(known)}")
    return build_report(cases, workflows, as_of=as_of, area=area, diff=diff)


def report_filename(report: PortfolioReport, fmt: str) -> str:
    """`portfoljrapport-2025-02-12.docx` (ASCII, safe in a Content-Disposition header)."""
    return f"portfoljrapport-{report.as_of.isoformat()}.{fmt}"
