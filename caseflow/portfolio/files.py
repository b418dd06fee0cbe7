"""Read a portfolio file (report text, spreadsheet or our own Markdown report) into case documents.

Everything is read and validated before anything is written: the caller imports the result in one
transaction, so a bad row means nothing is imported.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from caseflow.domain.casedoc import CaseDoc, parse_case_doc
from caseflow.domain.inputfile import read_input
from caseflow.errors import InputError
from caseflow.portfolio.sheet import header_map, row_to_case, stage_from_decision_point
from caseflow.portfolio.text import parse_portfolio_text
from caseflow.workflow.machine import CompiledWorkflow

SUFFIXES = (".txt", ".csv", ".xlsx", ".md")


def read_portfolio(path: Path, workflow: CompiledWorkflow) -> list[CaseDoc]:
    """The cases in `path`, chosen by its suffix (.txt report text, .csv, .xlsx, .md).

    Raises:
        InputError: naming the file and line (or row) and what is wrong.
    """
    return [row_doc(where, case, workflow) for where, case in portfolio_rows(path, workflow)]


def row_doc(where: str, case: dict[str, Any], workflow: CompiledWorkflow) -> CaseDoc:
    """One row of `portfolio_rows` validated as a case of `workflow`.

    Raises:
        InputError: `FILE:LINE: field: problem`.
    """
    # The rows name no workflow: they belong to the one they were read by.
    return parse_case_doc({"workflow": workflow.name, **case}, where=where)


def portfolio_rows(path: Path, workflow: CompiledWorkflow) -> list[tuple[str, dict[str, Any]]]:
    """The rows of `path` as case JSON, each with where it was read (`FILE:LINE`), not yet
    validated as cases (`row_doc` does that; the bulk import validates a batch at a time).

    Raises:
        InputError: naming the file and line (or row) and what is wrong.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: okänd filtyp {suffix or '(ingen)'}; läser {', '.join(SUFFIXES)}")
    data = read_input(path)
    where = str(path)
    if suffix == ".xlsx":
        rows = _sheet_cases(_xlsx_rows(data, where), workflow, where)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InputError(f"{where}: inte UTF-8-text (byte {err.start})") from None
        if suffix == ".txt":
            rows = parse_portfolio_text(text, workflow, where=where)
        elif suffix == ".csv":
            rows = _sheet_cases(_csv_rows(text, where), workflow, where)
        else:
            rows = _markdown_cases(text, workflow, where)
    return [(f"{where}:{line}", case) for line, case in rows]


def _csv_rows(text: str, where: str) -> list[tuple[int, list[str]]]:
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, row) for row in reader if any(c.strip() for c in row)]
    except csv.Error as err:
        raise InputError(f"{where}:{reader.line_num}: trasig CSV ({err})") from None


def _xlsx_rows(data: bytes, where: str) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # imported here: only spreadsheets need it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a file that is not xlsx
        raise InputError(f"{where}: inte en Excel-fil (.xlsx) ({type(err).__name__})") from None
    try:
        sheet = book["Portfölj"] if "Portfölj" in book.sheetnames else book.worksheets[0]
        rows = [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            if any(v not in (None, "") for v in values)
        ]
    finally:
        book.close()
    return rows


def _sheet_cases(
    rows: list[tuple[int, list[Any]]], workflow: CompiledWorkflow, where: str
) -> list[tuple[int, dict[str, Any]]]:
    if not rows:
        raise InputError(f"{where}: filen är tom")
    header_line, headers = rows[0]
    columns = header_map(headers, where=f"{where}:{header_line}")
    cases = []
    for line, cells in rows[1:]:
        extra = [c for i, c in enumerate(cells) if i not in columns and c not in (None, "")]
        if extra:
            raise InputError(f"{where}:{line}: värde utan kolumnrubrik: {extra[0]!r}")
        keyed = {key: cells[i] if i < len(cells) else None for i, key in columns.items()}
        cases.append((line, row_to_case(keyed, workflow, where=f"{where}:{line}")))
    return cases


def _markdown_cases(
    text: str, workflow: CompiledWorkflow, where: str
) -> list[tuple[int, dict[str, Any]]]:
    from caseflow.portfolio.render.md import parse_markdown  # the report's own Markdown format

    cases = []
    for number, case in enumerate(parse_markdown(text, where=where), start=1):
        point = case.pop("decision_point_text", None)
        if point and "stage" not in case:
            case["stage"] = _stage_from_point(point, workflow, f"{where}: projekt {number}")
        cases.append((number, case))
    return cases


def _stage_from_point(text: str, workflow: CompiledWorkflow, where: str) -> str:
    """`BP – Planering` or `BP – Planering` + newline + a stage label → the stage."""
    lines = [t.strip() for t in text.replace("<br>", "\n").splitlines() if t.strip()]
    by_label = {s.label.lower(): s.name for s in workflow.spec.states}
    if len(lines) > 1 and lines[-1].lower() in by_label:
        return by_label[lines[-1].lower()]
    if lines and lines[0].lower() in by_label:
        return by_label[lines[0].lower()]

    def fail(_column: str, message: str) -> InputError:
        return InputError(f"{where}: Beslutspunkt: {message}")

    return stage_from_decision_point(lines[0] if lines else "", workflow, fail)
