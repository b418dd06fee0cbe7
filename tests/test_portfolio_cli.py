"""The portfolio commands end to end: import → report in every format → re-import, snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from caseflow.cli.db import upgrade_database
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from tests.conftest import Run, cli_runner

SMALL = PROJECT_ROOT / "tests" / "fixtures" / "portfolio_small.txt"


def fresh(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> Run:
    db = Database(f"sqlite:///{tmp_path / name}")
    upgrade_database(db)
    db.dispose()
    return cli_runner(f"sqlite:///{tmp_path / name}", capsys)


def export(cli: Run) -> list[dict[str, object]]:
    code, out, err = cli("cases", "export", "--format", "json")
    assert code == 0, err
    cases: list[dict[str, object]] = json.loads(out)["cases"]
    return cases


def test_import_prints_a_summary_per_area(cli: Run) -> None:
    code, out, _ = cli("portfolio", "import", str(SMALL))
    assert code == 0
    assert "importerade 5 projekt: nya 5, uppdaterade 0, oförändrade 0" in out
    assert "Folkhögskolor - Folkhögskolor med hög kvalitet: nya 1" in out
    code, out, _ = cli("portfolio", "import", str(SMALL))
    assert "nya 0, uppdaterade 0, oförändrade 5" in out


@pytest.mark.parametrize("fmt", ["md", "xlsx"])
def test_report_reimports_to_the_same_cases(
    cli: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    cli("portfolio", "import", str(SMALL))
    report = tmp_path / f"portfolj.{fmt}"
    code, out, err = cli("portfolio", "report", "-o", str(report), "--as-of", "2025-02-12")
    assert code == 0 and "5 projekt" in out, err
    other = fresh(tmp_path, "other.db", capsys)
    code, out, err = other("portfolio", "import", str(report))
    assert code == 0, err
    assert export(other) == export(cli)


def test_every_format_is_written(cli: Run, tmp_path: Path) -> None:
    cli("portfolio", "import", str(SMALL))
    for fmt in ("html", "docx", "xlsx", "md"):
        path = tmp_path / f"r.{fmt}"
        code, _, err = cli("portfolio", "report", "-o", str(path), "--as-of", "2025-02-12")
        assert code == 0 and path.stat().st_size > 0, err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Folkhögskolor - Folkhögskolor med hög kvalitet" in html and "RUN/309/2023" in html
    assert "5\u00a0381\u00a0tkr" in html
    doc = Document(str(tmp_path / "r.docx"))
    assert any("Ramprojekt för internationell konkurrenskraft" in c.text
               for t in doc.tables for r in t.rows for c in r.cells)  # fmt: skip
    sheet = load_workbook(tmp_path / "r.xlsx")["Portfölj"]
    assert sheet.max_row == 6 and sheet.freeze_panes == "A2"


def test_area_filter_and_bad_options(cli: Run, tmp_path: Path) -> None:
    cli("portfolio", "import", str(SMALL))
    path = tmp_path / "r.md"
    area = "Folkhögskolor - Folkhögskolor med hög kvalitet"
    code, out, _ = cli("portfolio", "report", "-o", str(path), "--area", area)
    assert code == 0 and "1 projekt" in out and "RUN/342/2023" not in path.read_text("utf-8")
    code, _, err = cli("portfolio", "report", "-o", str(path), "--area", "Okänt")
    assert code == 1 and "inget projekt i området 'Okänt'" in err
    code, _, err = cli("portfolio", "report", "-o", str(tmp_path / "r.pdf"))
    assert code == 1 and "okänt format 'pdf'" in err
    code, _, err = cli("portfolio", "report", "-o", str(path), "--as-of", "2025-13-01")
    assert code == 1 and "--as-of: ogiltigt datum" in err


def test_snapshot_diff_and_since(cli: Run, tmp_path: Path) -> None:
    cli("portfolio", "import", str(SMALL))
    assert cli("portfolio", "snapshot", "--label", "RUN 2025-02-12")[0] == 0
    code, _, err = cli("portfolio", "snapshot", "--label", "RUN 2025-02-12")
    assert code == 1 and "RUN 2025-02-12" in err
    assert cli("case", "edit", "RUN/280/2023", "--set", "end_date=2026-12-31")[0] == 0
    assert cli("portfolio", "snapshot", "--label", "RUN 2025-04-02")[0] == 0
    code, out, _ = cli("portfolio", "snapshots")
    assert out.index("RUN 2025-02-12") < out.index("RUN 2025-04-02")
    code, out, _ = cli("portfolio", "diff", "RUN 2025-02-12", "RUN 2025-04-02")
    assert code == 0 and "slutdatum: 2026-06-30 → 2026-12-31" in out
    assert "Uppföljningskommentar inte uppdaterad sedan RUN 2025-02-12" in out
    path = tmp_path / "r.md"
    code, _, err = cli("portfolio", "report", "-o", str(path), "--since", "RUN 2025-02-12")
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "Förändringar sedan RUN 2025-02-12" in text and "2026-12-31" in text
    code, _, err = cli("portfolio", "diff", "RUN 2025-02-12", "RUN 1999")
    assert code == 1 and "RUN 1999" in err
