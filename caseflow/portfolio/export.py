"""A list of cases as a spreadsheet (csv or xlsx) with the portfolio's column names.

The columns are `sheet.COLUMNS` plus one per catalogue funder in use, as the xlsx report writes
them, so a download opens in Excel under the board's own headings and re-imports with
`caseflow portfolio import`. The rows keep the list's order (its sort), closed cases included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from caseflow.domain.funders import FUNDERS
from caseflow.errors import InputError
from caseflow.portfolio.report import (
    REPORT_TITLE,
    AreaGroup,
    PortfolioReport,
    PriorityGroup,
    ReportProject,
    project_from_case,
)
from caseflow.portfolio.sheet import HEADERS, funder_cell, project_row
from caseflow.workflow.registry import WorkflowRegistry

EXPORT_FORMATS = ("csv", "xlsx")


def export_projects(
    cases: Sequence[Mapping[str, Any]], workflows: WorkflowRegistry
) -> list[ReportProject]:
    """Each case (`casemap.case_to_dict`) as a portfolio row, read by its own workflow."""
    return [project_from_case(c, workflows.get(c["workflow"])) for c in cases]


def funder_codes(projects: Sequence[ReportProject]) -> list[str]:
    """The funders in use, in catalogue order (unknown codes last, sorted)."""
    used = {f.code for p in projects for f in p.funders}
    return [c for c in FUNDERS if c in used] + sorted(used - FUNDERS.keys())


def render_csv(projects: Sequence[ReportProject]) -> bytes:
    """UTF-8 with a byte order mark and `;` between cells (what Swedish Excel opens directly);
    dates as ÅÅÅÅ-MM-DD, amounts in whole kronor."""
    codes = funder_codes(projects)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*HEADERS, *(FUNDERS.get(c, c) for c in codes)])
    for project in projects:
        by_code = {f.code: f for f in project.funders}
        cells = [_cell(v) for v in project_row(project)]
        for code in codes:
            funder = by_code.get(code)
            cells.append(funder_cell(funder.amount_sek, funder.status) if funder else "")
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def render_export(projects: Sequence[ReportProject], fmt: str, *, as_of: date) -> bytes:
    """The rows as `fmt` (csv or xlsx).

    Raises:
        InputError: an unknown format.
    """
    if fmt == "csv":
        return render_csv(projects)
    if fmt == "xlsx":
        from caseflow.portfolio.render.xlsx import render_xlsx

        one_group = (AreaGroup(None, (PriorityGroup(None, tuple(projects)),)),)
        return render_xlsx(PortfolioReport(title=REPORT_TITLE, as_of=as_of, areas=one_group))
    raise InputError(f"okänt format {fmt!r}; välj {' eller '.join(EXPORT_FORMATS)}")
