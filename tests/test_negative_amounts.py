"""An amount written with a minus sign is refused, naming the file, the line and the column:
reading `-5 kr` as 5 kr (or `-400 000 kr; beviljad` as 400 000 granted) would turn a correction
into money the board never gave."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from caseflow.domain.amounts import parse_amount
from caseflow.errors import InputError
from caseflow.portfolio.files import read_portfolio
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run


@pytest.mark.parametrize(
    "text", ["-5 kr", "-400 000 kr", "ca -2 mkr", "ca - 2 mkr", "\u22123 583 530", "\u2013 12 tkr",
             "förväntas vara -6 000 tkr."],
)  # fmt: skip
def test_a_minus_sign_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="får inte vara negativt"):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "kronor"),
    [("5 kr", 5), ("ca 2 mkr", 2_000_000), ("400 000 kr", 400_000), ("0 kr", 0),
     ("budget: 3 tkr", 3_000)],
)  # fmt: skip
def test_amounts_without_a_sign_still_read(text: str, kronor: int) -> None:
    assert parse_amount(text) == kronor


ROW = {"Diarienummer": "RUN/31/2026", "Projekt": "Kommunal cykelled", "Steg": "bp_genomforande",
       "Projektägare": "Ljusdals kommun", "Total budget": "900 000 kr",
       "Energimyndigheten": "300 000 kr; beviljad"}  # fmt: skip


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(
    ("change", "where"),
    [({"Total budget": "-5 kr"}, r"p\.csv:3: Total budget: beloppet '-5 kr'"),
     ({"Energimyndigheten": "-400 000 kr; beviljad"},
      r"p\.csv:3: Energimyndigheten: beloppet '-400 000 kr'"),
     ({"Total budget": "ca -2 mkr"}, r"p\.csv:3: Total budget: beloppet 'ca -2 mkr'")],
)  # fmt: skip
def test_a_negative_cell_names_file_line_and_column(
    workflows: WorkflowRegistry, tmp_path: Path, change: dict[str, str], where: str
) -> None:
    path = _csv(tmp_path / "p.csv", [ROW, {**ROW, "Diarienummer": "RUN/32/2026", **change}])
    with pytest.raises(InputError, match=where + ".*får inte vara negativt"):
        read_portfolio(path, workflows.get("regional_project"))


def test_xlsx_negative_funder_amount_fails_the_import_and_stores_nothing(
    cli: Run, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(ROW))
    sheet.append(list(ROW.values()))
    sheet.append([*list(ROW.values())[:-1], "-400 000 kr; beviljad"])
    book.save(tmp_path / "p.xlsx")
    code, _, err = cli("portfolio", "import", str(tmp_path / "p.xlsx"))
    assert code == 1
    assert err.startswith("fel: ") and "p.xlsx:3" in err and "får inte vara negativt" in err
    code, out, _ = cli("cases", "export", "--format", "json")
    assert code == 0 and "RUN/31/2026" not in out
