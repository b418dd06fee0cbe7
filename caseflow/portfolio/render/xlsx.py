"""The portfolio report as an Excel workbook: sheet "Portfölj" (and "Förändringar" with a diff).

The columns are `caseflow.portfolio.sheet.COLUMNS` plus one column per catalogue funder in use, so
the file re-imports with `caseflow portfolio import`. openpyxl (write-only mode) writes the
workbook: styles, widths, frozen header, filter, print setup and the header row. The project rows
are written as sheet XML directly and put into the saved file: openpyxl spends ~10 µs on every cell,
which for 10,000 projects alone takes longer than the whole target of 3 s.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from caseflow.domain.funders import FUNDERS
from caseflow.portfolio.render.cells import NO_CHANGES, diff_sections
from caseflow.portfolio.report import PortfolioDiff, PortfolioReport, ReportProject
from caseflow.portfolio.sheet import COLUMNS, HEADERS, funder_cell, project_row

SHEET = "Portfölj"
CHANGES_SHEET = "Förändringar"
DATE_FORMAT = "yyyy-mm-dd"
#: Thousands grouped; Excel shows the grouping with the reader's separator (a space in Swedish).
#: A literal "# ##0" would put one fixed space before the last three digits only.
AMOUNT_FORMAT = "#,##0"
#: Column widths in characters by COLUMNS key; funder columns get FUNDER_WIDTH.
WIDTHS: dict[str, float] = {
    "diarienummer": 15, "title": 32, "purpose": 60, "start_date": 11, "end_date": 11,
    "owner": 28, "owner_is_region": 10, "total_budget_sek": 13, "funders": 40,
    "own_financing": 22, "follow_up_status": 20, "follow_up_comment": 60, "decision_point": 18,
    "stage": 16, "area": 30, "priority": 40,
}  # fmt: skip
FUNDER_WIDTH = 22
#: Long free-text columns wrap; short ones stay on one line.
WRAPPED = frozenset(
    {"title", "purpose", "owner", "funders", "own_financing", "follow_up_status",
     "follow_up_comment", "area", "priority"}
)  # fmt: skip
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
#: A write-only worksheet. Its stubs lack attributes it has at runtime (column_dimensions,
#: auto_filter, page_setup), so it is typed loosely.
WriteOnlySheet = Any
#: Day 0 of Excel's 1900 date system, as it counts from 1900-03-01 on.
_EXCEL_EPOCH = date(1899, 12, 30)
_T = '<t xml:space="preserve">'
#: Characters XML 1.0 cannot hold (CaseDoc refuses them, but a report may be built directly).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def render_xlsx(report: PortfolioReport) -> bytes:
    """The report as the bytes of an .xlsx file."""
    book = Workbook(write_only=True)
    book.properties.title = report.title
    projects = report.projects
    used = {f.code for p in projects for f in p.funders}
    codes = [c for c in FUNDERS if c in used] + sorted(used - FUNDERS.keys())
    sheet, rows_xml = _portfolio_sheet(book, projects, codes)
    if report.diff is not None:
        _changes_sheet(book, report.diff)
    out = io.BytesIO()
    book.save(out)
    return _insert_rows(out.getvalue(), sheet.path.lstrip("/"), rows_xml)


def _portfolio_sheet(
    book: Workbook, projects: Sequence[ReportProject], codes: list[str]
) -> tuple[WriteOnlySheet, str]:
    """The sheet with its header row, and the XML of its project rows (inserted after saving)."""
    headers = [*HEADERS, *(FUNDERS.get(c, c) for c in codes)]
    keys = [key for key, _ in COLUMNS] + ["funder"] * len(codes)
    widths = [WIDTHS.get(key, FUNDER_WIDTH) for key in keys]
    sheet = _new_sheet(book, SHEET, headers, widths, rows=len(projects))
    # Registering one styled cell per column gives each column's style index for the XML.
    styles = [_cell(sheet, key).style_id for key in keys]
    letters = [get_column_letter(i) for i in range(1, len(keys) + 1)]
    rows = []
    for number, project in enumerate(projects, start=2):
        by_code = {f.code: f for f in project.funders}
        values = project_row(project)
        for code in codes:
            funder = by_code.get(code)
            values.append(funder_cell(funder.amount_sek, funder.status) if funder else None)
        cells = "".join(
            _cell_xml(f"{letter}{number}", style, value)
            for letter, style, value in zip(letters, styles, values, strict=True)
            if value is not None and value != ""
        )
        rows.append(f'<row r="{number}">{cells}</row>')
    return sheet, "".join(rows)


def _cell_xml(ref: str, style: int, value: Any) -> str:
    """One `<c>`: text inline (never a formula), whole numbers, dates as day serials (exact from
    1900-03-01 on)."""
    if isinstance(value, str):
        text = escape(_NOT_XML.sub("", value))
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is>{_T}{text}</t></is></c>'
    if isinstance(value, date):
        value = (value - _EXCEL_EPOCH).days
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"unexpected cell value {value!r}")  # project_row gives str/int/date
    return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'


def _insert_rows(xlsx: bytes, path: str, rows_xml: str) -> bytes:
    """`xlsx` with `rows_xml` added at the end of the sheet data of the worksheet at `path`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == path:
                text = data.decode("utf-8")
                if text.count("</sheetData>") != 1:
                    raise RuntimeError(f"{path}: unexpected worksheet XML from openpyxl")
                data = text.replace("</sheetData>", rows_xml + "</sheetData>").encode("utf-8")
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _changes_sheet(book: Workbook, diff: PortfolioDiff) -> None:
    rows: list[list[str]] = []
    for section in diff_sections(diff):
        for item in section.items:
            for detail in item.details or ("",):
                rows.append([section.title, item.diarienummer, item.title, detail])
    if not rows:
        rows.append([NO_CHANGES, "", "", ""])
    headers = [f"Förändring sedan {diff.label_from}", "Diarienummer", "Projekt", "Detalj"]
    sheet = _new_sheet(book, CHANGES_SHEET, headers, [45, 15, 40, 70], rows=len(rows))
    cells = [_cell(sheet, "title") for _ in headers]
    for row in rows:
        sheet.append([_text(cell, value) for cell, value in zip(cells, row, strict=True)])


def _new_sheet(
    book: Workbook, title: str, headers: list[str], widths: Sequence[float], *, rows: int
) -> WriteOnlySheet:
    """A sheet with its header row written, frozen and filtered, set to print A4 landscape."""
    sheet = book.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{rows + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        header.append(cell)
    sheet.append(header)
    return sheet


def _cell(sheet: WriteOnlySheet, key: str) -> Cell:
    cell = WriteOnlyCell(sheet)
    cell.alignment = _WRAP if key in WRAPPED else _TOP
    if key in ("start_date", "end_date"):
        cell.number_format = DATE_FORMAT
    elif key == "total_budget_sek":
        cell.number_format = AMOUNT_FORMAT
    return cell


def _text(cell: Cell, text: str) -> Cell | None:
    """`cell` holding `text` (never read as a formula), or None for an empty cell.

    write-only mode writes a row as soon as it is appended, so one cell per column is reused.
    """
    if not text:
        return None
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"  # "=..." stays text, not a formula
    return cell
