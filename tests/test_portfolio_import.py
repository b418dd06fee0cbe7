"""Importing the board's portfolio: the real report text (seed 000), spreadsheets, bad input."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from caseflow.cases.engine import import_cases
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import parse_case_doc
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import InputError
from caseflow.portfolio.files import read_portfolio
from caseflow.portfolio.sheet import HEADERS
from caseflow.portfolio.text import parse_portfolio_text
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.store.repo import get_case, list_cases, list_events
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import BACKENDS

SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "000_308d4dfeb992105d.txt"
needs_seed = pytest.mark.skipif(
    not SEED.exists(), reason=f"seed 000 not found at {SEED} (the shared seeds folder is absent)"
)
SMALL = PROJECT_ROOT / "tests" / "fixtures" / "portfolio_small.txt"

SEED_NUMBERS = {
    "RUN/408/2025", "RUN/280/2023", "RUN/531/2023", "RUN/403/2024", "RUN/280/2022",
    "RUN/223/2025", "RUN/276/2025", "RUN/516/2025", "RUN/518/2025", "RUN/342/2023",
    "RUN/354/2024", "RUN/417/2020", "RUN/678/2020", "RUN/261/2022", "RUN/457/2025",
    "RUN/513/2022", "RUN/587/2022", "RUN/187/2024", "RUN/521/2024", "RUN/106/2025",
    "RUN/520/2025", "RUN/503/2025", "RUN/403/2025", "RUN/448/2022", "RUN/507/2022",
    "RUN/309/2023",
}  # fmt: skip


def parse(text: str, workflows: WorkflowRegistry) -> dict[str, dict[str, Any]]:
    rows = parse_portfolio_text(text, workflows.get("regional_project"), where="rapport.txt")
    return {case["diarienummer"]: case for _, case in rows}


def write(tmp_path: Path, text: str, name: str = "rapport.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, db: Database, workflows: WorkflowRegistry, **kw: Any) -> Any:
    docs = read_portfolio(path, workflows.get("regional_project"))
    clock = FakeClock(datetime(2025, 2, 12, 9, 0, tzinfo=UTC))
    return import_cases(db=db, workflows=workflows, docs=docs, actor="import", clock=clock, **kw)


def case_count(db: Database) -> int:
    with db.read() as session:
        return len(list_cases(session=session))


# --- seed 000, the real report ---------------------------------------------------------------


@needs_seed
def test_seed_000_every_project_comes_in(workflows: WorkflowRegistry) -> None:
    cases = parse(SEED.read_text(encoding="utf-8"), workflows)
    assert set(cases) == SEED_NUMBERS
    for case in cases.values():
        parse_case_doc(case, where="seed")  # every one is a valid case document
    assert cases["RUN/309/2023"]["other_diarienummer"] == ["RUN/310/2023"]
    assert cases["RUN/403/2024"]["title"] == "Nav för kompetensförsörjning och utveckling i JH"
    assert cases["RUN/403/2025"]["title"] == "Bylabba"
    areas = [c["area"] for c in cases.values()]
    assert (
        areas.count("Regionalt utvecklingsansvar - Utvecklingskraft i hela Jämtland Härjedalen")
        == 15
    )
    assert areas.count("Energikontoret Jämtland Härjedalen") == 5
    assert areas.count("Kultur - Tillgängligt kulturutbud i hela Jämtland Härjedalen.") == 5
    assert areas.count("Folkhögskolor - Folkhögskolor med hög kvalitet") == 1


@needs_seed
def test_seed_000_fields(workflows: WorkflowRegistry) -> None:
    cases = parse(SEED.read_text(encoding="utf-8"), workflows)
    spin = cases["RUN/408/2025"]
    assert spin["title"] == "Spin (Strategisk planering i Norr)"
    assert spin["purpose"].startswith("Projektet syftar till att de deltagande regionalt")
    assert (spin["start_date"], spin["end_date"]) == ("2025-11-01", "2027-09-30")
    assert spin["owner_is_region"] is False and spin["owner"].startswith("Ej satt ännu.")
    assert spin["total_budget_sek"] == 6_000_000  # "förväntas vara 6 000 tkr."
    assert [f["code"] for f in spin["funders"]] == ["anslag_1_1", "eruf_nationellt"]
    assert spin["follow_up_status"] == "Planerad" and spin["stage"] == "bp_planering"
    assert spin["priority"] == "Likvärdiga möjligheter till platsutveckling i hela länet"

    kompetens = cases["RUN/531/2023"]
    assert kompetens["total_budget_sek"] == 16_602_000
    assert kompetens["stage"] == "bp_genomforande"
    assert kompetens["owner"] == "Region Jämtland Härjedalen" and kompetens["owner_is_region"]
    assert kompetens["follow_up_comment"].startswith("Projektet har en utmaning")
    assert all(f["status"] == "granted" for f in kompetens["funders"])

    assert cases["RUN/518/2025"]["total_budget_sek"] == 12_000_000  # "12 mkr"
    assert cases["RUN/520/2025"]["total_budget_sek"] == 3_583_530  # "3 583 530"
    assert cases["RUN/280/2022"]["total_budget_sek"] == 2_791_000  # "2791 tkr"
    assert cases["RUN/223/2025"]["total_budget_sek"] is None  # no budget given
    assert [f["code"] for f in cases["RUN/342/2023"]["funders"]] == ["anslag_1_1", "eruf_regionalt"]
    assert [f["code"] for f in cases["RUN/513/2022"]["funders"]] == [
        "anslag_1_1", "eruf_regionalt", "ovrigt",
    ]  # fmt: skip
    assert cases["RUN/516/2025"]["own_financing"] == "60 % i form av egen tid"
    assert cases["RUN/417/2020"]["owner"] is None and not cases["RUN/417/2020"]["owner_is_region"]
    assert cases["RUN/513/2022"]["priority"] is None  # Energikontoret has no priority headings
    # Cells continued over a page break end up where they belong.
    assert cases["RUN/342/2023"]["follow_up_comment"].endswith(
        "skulle innebära en större andel EU-medel till företagen."
    )
    assert cases["RUN/678/2020"]["purpose"].endswith("som har viktiga roller i utbyggnaden.")
    assert cases["RUN/187/2024"]["purpose"].endswith("kompetensutveckling av energifrågan i länet.")
    assert cases["RUN/678/2020"]["follow_up_comment"] is None


@needs_seed
@pytest.mark.parametrize("database", BACKENDS, indirect=True)
def test_seed_000_import_is_idempotent_and_recorded(
    database: Database, workflows: WorkflowRegistry
) -> None:
    first = load(SEED, database, workflows)
    assert (len(first.created), len(first.updated), len(first.unchanged)) == (26, 0, 0)
    again = load(SEED, database, workflows)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 26)
    with database.read() as session:
        case = get_case(session=session, dnr=parse_dnr("RUN/309/2023"))
        assert case is not None and case.id is not None
        events = list_events(session=session, case_id=case.id)
        assert [e.kind for e in events] == ["import"]


# --- the project's own fixture (runs without the seeds) --------------------------------------


def test_small_fixture_reads_page_breaks_and_areas(workflows: WorkflowRegistry) -> None:
    cases = parse(SMALL.read_text(encoding="utf-8"), workflows)
    assert list(cases) == [
        "RUN/408/2025", "RUN/280/2023", "RUN/342/2023", "RUN/354/2024", "RUN/309/2023",
    ]  # fmt: skip
    assert cases["RUN/342/2023"]["follow_up_comment"].endswith("EU-medel till företagen.")
    assert cases["RUN/309/2023"]["area"] == "Folkhögskolor - Folkhögskolor med hög kvalitet"
    assert cases["RUN/309/2023"]["priority"] is None
    assert cases["RUN/309/2023"]["total_budget_sek"] == 5_381_000
    assert cases["RUN/309/2023"]["follow_up_status"] == "Pågående enligt plan"


def test_update_applies_differences_as_recorded_edits(
    database: Database, workflows: WorkflowRegistry, tmp_path: Path
) -> None:
    load(SMALL, database, workflows)
    changed = SMALL.read_text(encoding="utf-8").replace("2026-06-30", "2026-12-31", 1)
    path = write(tmp_path, changed)
    with pytest.raises(InputError, match=r"RUN/280/2023 finns redan.*end_date.*--update"):
        load(path, database, workflows)
    summary = load(path, database, workflows, update=True)
    assert summary.updated == ["RUN/280/2023"] and len(summary.unchanged) == 4
    with database.read() as session:
        case = get_case(session=session, dnr=parse_dnr("RUN/280/2023"))
        assert case is not None and case.id is not None
        assert str(case.end_date) == "2026-12-31" and case.row_version == 2
        events = list_events(session=session, case_id=case.id)
    assert [e.kind for e in events] == ["import", "import"]
    assert events[1].changes == {"end_date": ["2026-06-30", "2026-12-31"]}


# --- bad input: a clear message with the line, nothing imported -------------------------------

SMALL_TEXT = SMALL.read_text(encoding="utf-8")
LINES = SMALL_TEXT.splitlines()


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("RUN/280/2023 ", "", "diarienummer"),
        ("2026-06-30", "2025-13-01", "ogiltigt datum"),
        ("3 000 tkr", "12x tkr", "kan inte läsa beloppet '12x tkr'"),
        ("Tillväxtverkets nationella medel", "Tillväxtverkets nationela medel",
         "menade du 'Tillväxtverkets nationella medel'"),
    ],
)  # fmt: skip
def test_bad_block_names_the_line_and_imports_nothing(
    database: Database,
    workflows: WorkflowRegistry,
    tmp_path: Path,
    old: str,
    new: str,
    message: str,
) -> None:
    assert old in SMALL_TEXT
    text = SMALL_TEXT.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=message) as err:
        load(path, database, workflows)
    assert str(err.value).startswith(f"{path}:")
    assert case_count(database) == 0
    if new:
        assert f":{_line_of(text, new)}:" in str(err.value), str(err.value)


def test_not_a_portfolio_report(
    database: Database, workflows: WorkflowRegistry, tmp_path: Path
) -> None:
    path = write(tmp_path, "Regionala utvecklingsnämnden\nProtokoll 2025-02-12\n")
    with pytest.raises(InputError, match="inte en portföljrapport"):
        load(path, database, workflows)
    assert case_count(database) == 0


def test_cli_bad_file_exits_1_with_the_line(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from caseflow.cli.main import main

    path = write(tmp_path, SMALL_TEXT.replace("2026-06-30", "2025-13-01", 1))
    with pytest.raises(SystemExit) as exit_:
        main(["--db", sqlite_db.url, "portfolio", "import", str(path)])
    assert exit_.value.code == 1
    assert (
        f"fel: {path}:{_line_of(SMALL_TEXT, '2026-06-30')}: ogiltigt datum"
        in capsys.readouterr().err
    )
    assert case_count(sqlite_db) == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(LINES) - 1),
            st.sampled_from(["delete", "replace", "insert", "duplicate"]),
            st.one_of(
                st.text(max_size=40),
                st.sampled_from([
                    "RUN/1/2025", "Startdatum", "Slutdatum", "2025-02-30", "BP", "- Genomförande",
                    "Projektets totala budget", "Externa finansiärer", "Egen finansiering i tkr",
                    " Planerad", "Annan projektägare", "12x tkr", "RUN/7/2023",
                    "Projekt Projektets syfte Start- och",
                ]),
            ),
        ),
        min_size=1, max_size=6,
    )
)  # fmt: skip
def test_fuzzed_report_text_imports_or_fails_clearly(
    workflows: WorkflowRegistry, edits: list[tuple[int, str, str]]
) -> None:
    lines = list(LINES)
    for index, action, text in edits:
        index %= max(len(lines), 1)
        if action == "delete" and lines:
            del lines[index]
        elif action == "replace" and lines:
            lines[index] = text
        elif action == "insert":
            lines.insert(index, text)
        elif lines:
            lines.insert(index, lines[index])
    try:
        rows = parse_portfolio_text("\n".join(lines), workflows.get("regional_project"), where="f")
        for line, case in rows:
            parse_case_doc(case, where=f"f:{line}")
    except InputError as err:
        assert str(err).startswith("f"), str(err)


# --- spreadsheets ----------------------------------------------------------------------------

ROW = {
    "Diarienummer": "RUN/12/2025, RUN/13/2025",
    "Projekt": "Testprojekt",
    "Projektets syfte": "Att pröva importen.",
    "Startdatum": "2025-03-01",
    "Slutdatum": "2026-02-28",
    "Projektägare": "Mittuniversitetet",
    "Regionen äger projektet": "nej",
    "Total budget": "1 200 tkr",
    "Externa finansiärer": "Tillväxtverkets nationella medel, esf",
    "Egen finansiering": "10 %",
    "Uppföljningsstatus": "Planerad",
    "Uppföljningskommentar": "",
    "Beslutspunkt": "BP – Planering",
    "Område": "Kultur",
    "Prioritering": "",
}


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ";") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_csv_import(database: Database, workflows: WorkflowRegistry, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "portfolj.csv", [ROW, {**ROW, "Diarienummer": "RUN/14/2025"}])
    summary = load(path, database, workflows)
    assert summary.created == ["RUN/12/2025", "RUN/14/2025"]
    with database.read() as session:
        case = get_case(session=session, dnr=parse_dnr("RUN/12/2025"))
        assert case is not None
        assert case.other_diarienummer == ["RUN/13/2025"] and case.total_budget_sek == 1_200_000
        assert [f.code for f in case.funders] == ["tillvaxtverket_nationella", "esf"]
        assert case.owner_is_region is False and case.stage == "bp_planering"
    assert len(load(path, database, workflows).unchanged) == 2


def test_xlsx_import_with_a_column_per_funder(
    database: Database, workflows: WorkflowRegistry, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Diarienummer", "Projekt", "Steg", "Energimyndigheten", "Total budget"])
    sheet.append(["RUN/20/2025", "Energi", "bp_genomforande", "400 000 kr; beviljad", 900000])
    book.save(tmp_path / "p.xlsx")
    load(tmp_path / "p.xlsx", database, workflows)
    with database.read() as session:
        case = get_case(session=session, dnr=parse_dnr("RUN/20/2025"))
        assert case is not None and case.stage == "bp_genomforande"
        assert [(f.code, f.amount_sek, f.status) for f in case.funders] == [
            ("energimyndigheten", 400_000, "granted")
        ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Slutdatum": "2025-13-01"}, r"p\.csv:3 \(RUN/14/2025\): end_date: ogiltigt datum"),
        ({"Total budget": "12x tkr"}, r"p\.csv:3: Total budget: kan inte läsa beloppet"),
        ({"Externa finansiärer": "Energimyndigheterna"},
         r"p\.csv:3: .*menade du 'Energimyndigheten'"),
        ({"Diarienummer": ""}, r"p\.csv:3: Diarienummer: saknas"),
        ({"Beslutspunkt": "BP – Okänd"}, r"p\.csv:3: Beslutspunkt: okänd beslutspunkt"),
    ],
)  # fmt: skip
def test_bad_csv_row_names_the_row_and_imports_nothing(
    database: Database, workflows: WorkflowRegistry, tmp_path: Path, change: dict[str, str],
    message: str,
) -> None:  # fmt: skip
    path = write_csv(tmp_path / "p.csv", [ROW, {**ROW, "Diarienummer": "RUN/14/2025", **change}])
    with pytest.raises(InputError, match=message):
        load(path, database, workflows)
    assert case_count(database) == 0


def test_unknown_column_is_refused(workflows: WorkflowRegistry, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [{**ROW, "Färg": "blå"}])
    with pytest.raises(InputError, match=r"p\.csv:1: okänd kolumn 'Färg'"):
        read_portfolio(path, workflows.get("regional_project"))
    assert "Diarienummer" in HEADERS


def test_update_changes_only_what_the_file_states(
    database: Database, workflows: WorkflowRegistry, tmp_path: Path
) -> None:
    from caseflow.cases.engine import add_person, edit_case

    load(SMALL, database, workflows)
    clock = FakeClock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))
    add_person(db=database, email="anna@region.se", name="Anna", roles=["handlaggare"],
               clock=clock)  # a case's handläggare is a registered person  # fmt: skip
    edit_case(db=database, dnr="RUN/280/2023", changes={"handlaggare": "anna@region.se"},
              actor="anna@region.se", clock=clock)  # fmt: skip
    assert len(load(SMALL, database, workflows).unchanged) == 5  # the report has no handläggare
    path = write(tmp_path, SMALL_TEXT.replace("2026-06-30", "2026-12-31", 1))
    assert load(path, database, workflows, update=True).updated == ["RUN/280/2023"]
    with database.read() as session:
        case = get_case(session=session, dnr=parse_dnr("RUN/280/2023"))
        assert case is not None
        assert case.handlaggare == "anna@region.se" and str(case.end_date) == "2026-12-31"
        assert case.stage == "bp_genomforande"
