"""The national compilation's entries as a spreadsheet (pure): csv (UTF-8 with a byte order mark,
`;` between cells, what Swedish Excel opens directly) or xlsx, in the compilation's five columns
plus year, section, kind and the row's full text."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from caseflow.errors import InputError

EXPORT_FORMATS = ("csv", "xlsx")
HEADERS = (
    "År", "Avsnitt", "Slag", "Region", "Fråga", "Namn på insats och kort beskrivning",
    "Prestationer", "Effekter", "Mål", "Hela texten", "Rad i filen",
)  # fmt: skip
KIND_LABELS = {"row": "tabellrad", "none": "inga insatser i tabellform", "prose": "anslag 1:1"}
_FORMULA = ("=", "+", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportRow:
    year: int
    section: int
    kind: str
    region: str
    question: str
    insats: str
    prestationer: str
    effekter: str
    mal: str
    text: str
    line: int

    def cells(self) -> list[str | int]:
        return [
            self.year, self.section, KIND_LABELS.get(self.kind, self.kind), self.region,
            self.question, self.insats, self.prestationer, self.effekter, self.mal, self.text,
            self.line,
        ]  # fmt: skip


def _safe(value: str | int) -> str | int:
    """Text a spreadsheet would take for a formula is kept as text (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def render_csv(rows: Sequence[ExportRow]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([_safe(c) for c in row.cells()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_xlsx(rows: Sequence[ExportRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Nationell sammanställning"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = [ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c
                  for c in row.cells()]  # fmt: skip
        sheet.append(values)
        for cell, value in zip(sheet[sheet.max_row], values, strict=True):
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text begins with
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHIJK", (6, 8, 14, 18, 6, 40, 50, 40, 40, 60, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_export(rows: Sequence[ExportRow], fmt: str) -> bytes:
    """The rows as `fmt` (csv or xlsx). Raises InputError for another format."""
    if fmt == "csv":
        return render_csv(rows)
    if fmt == "xlsx":
        return render_xlsx(rows)
    raise InputError(f"okänt format {fmt!r}; välj {' eller '.join(EXPORT_FORMATS)}")
