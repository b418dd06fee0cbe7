"""The portfolio report as one HTML5 page (Swedish, A4 landscape when printed).

The page comes from the Jinja2 template `templates/report.html.j2` (autoescaped); the column
texts come from `cells`, with each line break shown as `<br>`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from caseflow.portfolio.render.cells import (
    HEADERS,
    NO_CHANGES,
    NO_PROJECTS,
    WIDTHS,
    diff_heading,
    diff_sections,
    project_cells,
    sections,
)
from caseflow.portfolio.report import PortfolioReport

TEMPLATES = Path(__file__).resolve().parent / "templates"


def lines_to_html(text: str) -> Markup:
    """`text` escaped, each line break as `<br>`."""
    return Markup(str(escape(text)).replace("\n", "<br>"))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "html.j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: PortfolioReport) -> str:
    """The whole report as an HTML document (a str; encode as UTF-8)."""
    areas = [
        (
            section.heading,
            [
                (
                    table.heading,
                    [[lines_to_html(c) for c in project_cells(p)] for p in table.projects],
                )
                for table in section.tables
            ],
        )
        for section in sections(report)
    ]
    diff = report.diff
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            headers=HEADERS,
            widths=WIDTHS,
            areas=areas,
            diff_heading=diff_heading(diff) if diff else None,
            diff_sections=diff_sections(diff) if diff else [],
            no_changes=NO_CHANGES,
            no_projects=NO_PROJECTS,
        )
    )
