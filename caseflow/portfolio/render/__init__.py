"""Render the portfolio report (`report.PortfolioReport`) as html, md, docx or xlsx.

Each format lives in its own module and is imported only when asked for; `cells` holds the
column texts they share.
"""

from __future__ import annotations

from caseflow.errors import InputError
from caseflow.portfolio.report import PortfolioReport

FORMATS: tuple[str, ...] = ("html", "md", "docx", "xlsx")


def render_report(report: PortfolioReport, fmt: str) -> bytes:
    """The report as a file in format `fmt` (html and md as UTF-8 text).

    Raises:
        InputError: `fmt` is not one of FORMATS.
    """
    if fmt == "html":
        from caseflow.portfolio.render.html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "md":
        from caseflow.portfolio.render.md import render_markdown

        return render_markdown(report).encode("utf-8")
    if fmt == "docx":
        from caseflow.portfolio.render.docx import render_docx

        return render_docx(report)
    if fmt == "xlsx":
        from caseflow.portfolio.render.xlsx import render_xlsx

        return render_xlsx(report)
    raise InputError(f"okänt rapportformat {fmt!r}; giltiga format: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "render_report"]
