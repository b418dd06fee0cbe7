"""Pages: the portfolio report on screen and as downloads."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from caseflow.domain.workdays import local_date
from caseflow.errors import InputError, NotFoundError
from caseflow.portfolio.service import current_cases, known_areas, portfolio_report, report_filename
from caseflow.web.downloads import download
from caseflow.web.security import PageUser, page_user, web
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
Param = Annotated[str | None, Query()]


def _as_of(raw: str | None, today: date) -> date:
    if not raw:
        return today
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise InputError(f"datum (as_of): ogiltigt datum {shown!r}, skriv ÅÅÅÅ-MM-DD") from None


def _report_args(
    request: Request, user: PageUser, as_of: str | None, area: str | None
) -> dict[str, Any]:
    context = web(request)
    cases = current_cases(context.db, secrecy=context.records.secrecy, roles=user.roles)
    report = portfolio_report(
        cases=cases, workflows=context.workflows, where="område",
        as_of=_as_of(as_of, local_date(context.clock.now())), area=area or None,
    )  # fmt: skip
    return {"report": report, "areas": known_areas(cases)}


@router.get("/portfolio")
def portfolio(request: Request, user: User, as_of: Param = None, area: Param = None) -> Response:
    from caseflow.portfolio.render.cells import (
        HEADERS,
        NO_AREA,
        NO_PROJECTS,
        project_cells,
        sections,
    )
    from caseflow.portfolio.render.html import lines_to_html

    values = {"as_of": as_of or "", "area": area or ""}
    try:
        found = _report_args(request, user, as_of, area)
    except InputError as err:
        areas = known_areas(current_cases(web(request).db))
        return render(request, "portfolio.html",
                      {"user": user, "report": None, "areas": areas, "values": values,
                       "error": str(err)}, status_code=400)  # fmt: skip
    report = found["report"]
    shown = [
        (section.heading or NO_AREA,
         [(table.heading, [[lines_to_html(c) for c in project_cells(p)] for p in table.projects])
          for table in section.tables])
        for section in sections(report)
    ]  # fmt: skip
    query = urlencode({k: v for k, v in values.items() if v})
    return render(
        request, "portfolio.html",
        {"user": user, "report": report, "areas": found["areas"], "values": values,
         "sections": shown, "headers": HEADERS, "no_projects": NO_PROJECTS,
         "formats": {"html": "Webbsida (html)", "docx": "Word (docx)", "xlsx": "Excel (xlsx)",
                     "md": "Markdown (md)"},
         "query": query},
    )  # fmt: skip


@router.get("/portfolio/report.{fmt}")
def portfolio_download(
    request: Request, user: User, fmt: str, as_of: Param = None, area: Param = None
) -> Response:
    from caseflow.portfolio.render import FORMATS, render_report

    if fmt not in FORMATS:
        raise NotFoundError(f"okänt rapportformat {fmt[:20]!r}; välj {', '.join(FORMATS)}")
    report = _report_args(request, user, as_of, area)["report"]
    return download(render_report(report, fmt), fmt=fmt, filename=report_filename(report, fmt))
