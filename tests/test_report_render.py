"""The portfolio report in html, md, docx and xlsx: content, escaping, layout, round trips."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from caseflow.domain.casedoc import parse_case_doc
from caseflow.domain.funders import FUNDERS
from caseflow.errors import InputError
from caseflow.portfolio.render import FORMATS, render_report
from caseflow.portfolio.render.cells import (
    HEADERS,
    NO_AREA,
    NO_PRIORITY,
    decision_cell,
    financing_cell,
    follow_up_cell,
    owner_cell,
    period_cell,
    project_cells,
)
from caseflow.portfolio.render.md import escape, parse_markdown, render_markdown, unescape
from caseflow.portfolio.report import (
    REPORT_TITLE,
    PortfolioDiff,
    PortfolioReport,
    ProjectChange,
    ReportProject,
    build_report,
    group_projects,
    project_from_case,
)
from caseflow.portfolio.sheet import HEADERS as SHEET_HEADERS
from caseflow.portfolio.sheet import header_map, row_to_case
from caseflow.settings import PROJECT_ROOT
from caseflow.workflow.machine import CompiledWorkflow
from caseflow.workflow.registry import load_registry
from tests.office import convert, soffice, text_of

WORKFLOWS = load_registry(PROJECT_ROOT / "workflows")

AS_OF = date(2025, 9, 30)
AREA = "Regionalt utvecklingsansvar - Utvecklingskraft i hela Jämtland Härjedalen"
PRIORITY = "Kompetensförsörjning och kompetensutveckling i hela länet"
OTHER_PRIORITY = "Likvärdiga möjligheter till platsutveckling i hela länet"
ENERGY = "Energikontoret"
#: Fields the report shows, and so must survive md → parse_markdown unchanged.
SHOWN = (
    "diarienummer", "other_diarienummer", "title", "purpose", "start_date", "end_date", "owner",
    "owner_is_region", "total_budget_sek", "own_financing", "follow_up_status",
    "follow_up_comment", "area", "priority",
)  # fmt: skip


@pytest.fixture(scope="module")
def workflow() -> CompiledWorkflow:
    return WORKFLOWS.get("regional_project")


def funder(code: str, amount: int | None, status: str) -> dict[str, Any]:
    return {"code": code, "amount_sek": amount, "status": status, "decision_date": None,
            "case_id": None}  # fmt: skip


def case(dnr: str, **fields: Any) -> dict[str, Any]:
    """A case dict shaped like `casemap.case_to_dict` output."""
    data: dict[str, Any] = {
        "diarienummer": dnr, "other_diarienummer": [], "title": "Ett projekt", "purpose": None,
        "area": AREA, "priority": PRIORITY, "start_date": None, "end_date": None, "owner": None,
        "owner_is_region": True, "total_budget_sek": None, "funders": [], "own_financing": None,
        "follow_up_status": None, "follow_up_comment": None, "final_report_date": None,
        "stage": "idea", "outcome": None, "handlaggare": None, "workflow": "regional_project",
        "workflow_version": 1,
    }  # fmt: skip
    data.update(fields)
    return data


def portfolio() -> list[dict[str, Any]]:
    """Cases like seed 000, with text that is hard to carry through every format."""
    return [
        case(
            "RUN/408/2025",
            title="Spin (Strategisk planering i Norr)",
            stage="application_sent",
            purpose="Stärka det gemensamma arbetet med god samhällsplanering.",
            start_date="2025-11-01",
            end_date="2027-09-30",
            owner_is_region=False,
            owner="Ej satt ännu. Någon av de planerade projektparterna agerar projektägare.",
            total_budget_sek=6_000_000,
            priority=OTHER_PRIORITY,
            funders=[
                funder("anslag_1_1", None, "applied"),
                funder("eruf_nationellt", 2_500_000, "planned"),
            ],
            follow_up_status="Planerad",
        ),
        case(
            "RUN/531/2023",
            title="Kompetensfokus Jämtland Härjedalen",
            stage="bp_genomforande",
            purpose=(
                "Attrahera | integrera <script>alert('x')</script> kompetens.\n\n"
                "Andra stycket med en \\ bakåtsnedstreck och en <br> i texten."
            ),
            start_date="2024-10-01",
            end_date="2027-06-30",
            owner="Region Jämtland Härjedalen",
            total_budget_sek=16_602_000,
            own_financing="60 % i form av egen tid\n(se budget)",
            funders=[funder("anslag_1_1", 3_583_530, "granted"), funder("esf", None, "granted")],
            follow_up_status="Pågående enligt plan",
            follow_up_comment="=SUMMA(A1) ser ut som en formel.\nI september 2025 är det oklart.",
        ),
        case(
            "RUN/403/2024",
            other_diarienummer=["RUN/404/2024"],
            stage="follow_up",
            title="Nav för kompetensförsörjning",
            owner_is_region=False,
            owner="Kommunförbundet Jämtland Härjedalen",
            total_budget_sek=4_938_000,
            funders=[
                funder("interreg_ovriga", 1_000_000, "granted"),
                funder("tillvaxtverket_nationella", None, "rejected"),
            ],
            follow_up_comment="Projektet startade under våren.",
        ),
        case("RUN/12/2025", title="Idé utan prioritering", priority=None, stage="bp_planering"),
        case("RUN/13/2025", title="Avslutat projekt", stage="closed", outcome="completed"),
        case(
            "RUN/14/2025",
            title="Energiprojekt",
            area=ENERGY,
            priority=None,
            funders=[funder("energimyndigheten", 750_000, "applied")],
        ),
        case("RUN/15/2025", title="Utan område", area=None, priority=None, stage="bp_planering"),
    ]


def make_report(workflow: CompiledWorkflow, diff: PortfolioDiff | None = None) -> PortfolioReport:
    return build_report(portfolio(), WORKFLOWS, as_of=AS_OF, diff=diff)


DIFF = PortfolioDiff(
    label_from="RUN 2025-02-12",
    label_to="nu",
    new=(ProjectChange("RUN/408/2025", "Spin (Strategisk planering i Norr)", ()),),
    removed=(ProjectChange("RUN/13/2025", "Avslutat projekt", ("avslutat: genomfört",)),),
    changed=(
        ProjectChange(
            "RUN/531/2023",
            "Kompetensfokus Jämtland Härjedalen",
            ("steg: BP – Planering → BP – Genomförande", "total budget: 16 000 tkr → 16 602 tkr"),
        ),
    ),
    stale_comments=(ProjectChange("RUN/403/2024", "Nav för kompetensförsörjning", ()),),
)
DIFF_TITLES = (
    "Förändringar sedan RUN 2025-02-12",
    "Nya projekt",
    "Borttagna projekt",
    "Ändrade projekt",
    "Uppföljningskommentar inte uppdaterad sedan RUN 2025-02-12",
)


def by_dnr(report: PortfolioReport, dnr: str) -> ReportProject:
    return next(p for p in report.projects if p.diarienummer == dnr)


# --- dispatch and cells ---------------------------------------------------------------------


def test_every_format_renders_and_an_unknown_one_is_refused(workflow: CompiledWorkflow) -> None:
    report = make_report(workflow)
    assert FORMATS == ("html", "md", "docx", "xlsx")
    for fmt in FORMATS:
        assert render_report(report, fmt)
    with pytest.raises(InputError, match="okänt rapportformat 'pdf'.*html, md, docx, xlsx"):
        render_report(report, "pdf")


def test_an_empty_portfolio_says_so_in_every_format() -> None:
    report = PortfolioReport(REPORT_TITLE, AS_OF, ())
    assert "<p>Inga projekt.</p>" in render_report(report, "html").decode()
    assert "\nInga projekt.\n" in render_report(report, "md").decode()
    doc = Document(io.BytesIO(render_report(report, "docx")))
    assert "Inga projekt." in [p.text for p in doc.paragraphs] and not doc.tables
    sheet = load_workbook(io.BytesIO(render_report(report, "xlsx")))["Portfölj"]
    assert sheet.max_row == 1 and sheet.auto_filter.ref == f"A1:{get_column_letter(16)}1"


def test_closed_cases_are_left_out(workflow: CompiledWorkflow) -> None:
    report = make_report(workflow)
    assert "RUN/13/2025" not in [p.diarienummer for p in report.projects]
    assert "Avslutat projekt" not in render_report(report, "md").decode()


def test_cells_follow_the_seed_layout(workflow: CompiledWorkflow) -> None:
    report = make_report(workflow)
    spin, focus, nav = (by_dnr(report, d) for d in ("RUN/408/2025", "RUN/531/2023", "RUN/403/2024"))
    assert project_cells(spin)[0] == "Spin (Strategisk planering i Norr)\n\nRUN/408/2025"
    assert project_cells(nav)[0] == "Nav för kompetensförsörjning\n\nRUN/403/2024\nRUN/404/2024"
    assert period_cell(spin) == "Startdatum 2025-11-01\nSlutdatum 2027-09-30"
    assert owner_cell(spin).startswith("Annan projektägare\nEj satt ännu.")
    assert owner_cell(focus) == "Region Jämtland Härjedalen"
    assert owner_cell(by_dnr(report, "RUN/12/2025")) == "Region"
    assert financing_cell(focus) == (
        "Projektets totala budget\n16\u00a0602\u00a0tkr\n\n"
        "Externa finansiärer\n"
        "Anslag 1:1 Regionala utvecklingsåtgärder (3\u00a0583\u00a0530\u00a0kr)\n"
        "ESF Europeiska Socialfonden (ESF+)\n\n"
        "Egen finansiering\n60 % i form av egen tid\n(se budget)"
    )
    assert "ESF Europeiska Socialfonden (ESF+) (beviljad)" in financing_cell(
        focus, with_status=True
    )
    assert follow_up_cell(spin) == "Planerad"
    assert follow_up_cell(nav) == "–\n\nProjektet startade under våren."
    assert follow_up_cell(focus).startswith("Pågående enligt plan\n\n=SUMMA(A1)")


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("idea", "Idé"),
        ("bp_planering", "BP – Planering"),
        ("application_sent", "BP – Planering\nAnsökan inskickad"),
        ("bp_genomforande", "BP – Genomförande"),
        ("follow_up", "BP – Genomförande\nUppföljning"),
    ],
)
def test_decision_point_names_the_stage_when_it_adds_something(
    workflow: CompiledWorkflow, stage: str, expected: str
) -> None:
    assert decision_cell(project_from_case(case("RUN/1/2025", stage=stage), workflow)) == expected


# --- html -----------------------------------------------------------------------------------


def test_html_is_a_swedish_a4_landscape_page_with_escaped_text(workflow: CompiledWorkflow) -> None:
    html = render_report(make_report(workflow), "html").decode()
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="sv">' in html
    assert "@page { size: A4 landscape; margin: 12mm }" in html
    assert "thead { display: table-header-group }" in html
    assert "tr { break-inside: avoid }" in html
    assert f"<h1>{REPORT_TITLE}</h1>" in html
    assert "Per 2025-09-30" in html and "BP – Genomförande = Extern finansiering" in html
    for header in HEADERS:
        assert f'<th scope="col">{header}</th>' in html
    assert f"<h2>{AREA}</h2>" in html and f"<h2>{ENERGY}</h2>" in html
    assert f"<h3>{PRIORITY}</h3>" in html
    assert f"<h2>{NO_AREA}</h2>" in html  # after other areas: must not look like part of one
    assert "Kompetensfokus Jämtland Härjedalen<br><br>RUN/531/2023" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "en &lt;br&gt; i texten" in html
    assert html.count("<table>") == html.count("<thead>") == 5


def test_html_puts_the_changes_first(workflow: CompiledWorkflow) -> None:
    html = render_report(make_report(workflow, DIFF), "html").decode()
    for title in DIFF_TITLES:
        assert title in html
    assert html.index("Förändringar sedan") < html.index(f"<h2>{AREA}</h2>")
    assert "<li>steg: BP – Planering → BP – Genomförande</li>" in html
    empty = PortfolioDiff(label_from="A", label_to="B")
    assert "Inga förändringar." in render_report(make_report(workflow, empty), "html").decode()


# --- markdown -------------------------------------------------------------------------------


def test_markdown_layout(workflow: CompiledWorkflow) -> None:
    text = render_markdown(make_report(workflow))
    lines = text.splitlines()
    assert lines[0] == f"# {REPORT_TITLE}"
    assert "Per 2025-09-30" in lines
    assert f"## {AREA}" in lines and f"### {PRIORITY}" in lines
    assert f"### {NO_PRIORITY}" in lines  # RUN/12/2025 follows prioritised groups in its area
    assert f"## {NO_AREA}" in lines
    assert "| " + " | ".join(HEADERS) + " |" in lines
    assert r"Attrahera \| integrera \<script>" in text
    assert "Anslag 1:1 Regionala utvecklingsåtgärder (sökt)" in text
    assert f"{FUNDERS['eruf_nationellt']} (2\u00a0500\u00a0tkr, planerad)" in text


def test_markdown_omits_the_heading_of_a_leading_group_without_area() -> None:
    project = ReportProject(
        "RUN/1/2025", (), "Ensam", None, None, None, None, True, None, (), None, None, None,
        "idea", "Idé", "Idé", None, None,
    )  # fmt: skip
    report = PortfolioReport(REPORT_TITLE, AS_OF, group_projects([project]))
    text = render_markdown(report)
    assert "## " not in text and "### " not in text
    [parsed] = parse_markdown(text, where="r.md")
    assert parsed["area"] is None and parsed["priority"] is None


def test_markdown_round_trips_every_shown_case(workflow: CompiledWorkflow) -> None:
    report = make_report(workflow, DIFF)
    parsed = parse_markdown(render_markdown(report), where="rapport.md")
    shown = [c for c in portfolio() if c["stage"] != "closed"]
    assert [p["diarienummer"] for p in parsed] == [p.diarienummer for p in report.projects]
    originals = {c["diarienummer"]: c for c in shown}
    for got in parsed:
        original = originals[got["diarienummer"]]
        for key in SHOWN:
            assert got[key] == original[key], (got["diarienummer"], key)
        assert got["funders"] == [
            {"code": f["code"], "amount_sek": f["amount_sek"], "status": f["status"]}
            for f in original["funders"]
        ]
        project = by_dnr(report, got["diarienummer"])
        assert got["decision_point_text"] == decision_cell(project)
        doc = parse_case_doc(
            {k: v for k, v in got.items() if k != "decision_point_text"}, where="rapport.md"
        )
        assert doc.diarienummer == original["diarienummer"]


@pytest.mark.parametrize(
    "text",
    ["a | b", "a \\| b", "back\\slash\\", "<br>", "\\<br>", "rad 1\nrad 2\n\nrad 4", "<b>x</b>"],
)
def test_markdown_escaping_is_reversible(text: str) -> None:
    line = escape(text)
    assert "\n" not in line
    assert not re.search(r"(?<!\\)<(?!br>)", line)  # every "<" escaped: no HTML gets through
    assert unescape(line) == text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("| Projekt | Projektets syfte", "| Projekt | Syfte", "tabellens rubrikrad ska vara"),
        ("Startdatum 2025-11-01", "Startdatum 2025-13-01", "ogiltigt datum '2025-13-01'"),
        ("Interreg övriga", "Interreg okänd", "Finansiering: okänd finansiär"),
        ("RUN/408/2025 |", "RUN/408 |", "Projekt: ogiltigt diarienummer"),
        ("| BP – Planering<br>Ansökan inskickad |", "|", "raden har 6 kolumner, ska ha 7"),
        ("6\u00a0000\u00a0tkr", "sex miljoner", "Finansiering: kan inte läsa beloppet"),
        ("(2\u00a0500\u00a0tkr, planerad)", "(2\u00a0500\u00a0tkr, kanske)", "okänd finansiär"),
    ],
)
def test_markdown_reading_names_file_line_and_column(
    workflow: CompiledWorkflow, old: str, new: str, message: str
) -> None:
    text = render_markdown(make_report(workflow))
    assert old in text
    with pytest.raises(InputError, match=rf"^rapport\.md:\d+: .*{re.escape(message)}"):
        parse_markdown(text.replace(old, new), where="rapport.md")


def test_markdown_without_a_project_table_is_refused() -> None:
    with pytest.raises(InputError, match="rapport.md: hittar ingen projekttabell"):
        parse_markdown("# Bara en rubrik\n", where="rapport.md")


def test_markdown_error_gives_the_line_number(workflow: CompiledWorkflow) -> None:
    text = render_markdown(make_report(workflow)).replace("Slutdatum 2027-09-30", "Slut 2027")
    number = next(i for i, line in enumerate(text.splitlines(), 1) if "Slut 2027" in line)
    with pytest.raises(InputError, match=f"^rapport.md:{number}: Start- och slutdatum: "):
        parse_markdown(text, where="rapport.md")


# --- docx -----------------------------------------------------------------------------------


def test_docx_is_landscape_with_word_headings_and_repeating_table_headers(
    workflow: CompiledWorkflow,
) -> None:
    report = make_report(workflow, DIFF)
    doc = Document(io.BytesIO(render_report(report, "docx")))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width is not None and section.page_height is not None
    assert section.page_width > section.page_height
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    styled = [(p.style.name if p.style else None, p.text) for p in doc.paragraphs]
    assert styled[0] == ("Title", REPORT_TITLE)
    assert ("Heading 1", AREA) in styled and ("Heading 1", ENERGY) in styled
    assert ("Heading 2", PRIORITY) in styled and ("Heading 1", NO_AREA) in styled
    texts = [text for _, text in styled]
    for title in DIFF_TITLES:
        assert title in texts
    assert texts.index(DIFF_TITLES[0]) < texts.index(AREA)
    assert ("List Bullet 2", "steg: BP – Planering → BP – Genomförande") in styled
    groups = sum(len(a.priorities) for a in report.areas)
    assert len(doc.tables) == groups
    for table in doc.tables:
        assert table.style is not None and table.style.name == "Table Grid"
        header = table.rows[0]
        assert header._tr.trPr is not None
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert [c.text for c in header.cells] == list(HEADERS)
        # The grid fills the landscape page between the margins (a bare int would be EMU).
        grid = [col.w for col in table._tbl.tblGrid.gridCol_lst]
        assert all(w is not None for w in grid)
        assert 240 < sum(w.mm for w in grid if w is not None) < 275
        assert all(r.bold for c in header.cells for p in c.paragraphs for r in p.runs)
    rows = {row.cells[0].text: [c.text for c in row.cells] for t in doc.tables for row in t.rows}
    for project in report.projects:
        cells = list(project_cells(project))
        assert rows[cells[0]] == cells


def test_docx_survives_characters_xml_cannot_hold() -> None:
    project = ReportProject(
        "RUN/1/2025", (), "Titel\x0bmed\x00styrtecken", "<&>", None, None, None, True, None, (),
        None, None, None, "idea", "Idé", "Idé", "Område\x01", None,
    )  # fmt: skip
    report = PortfolioReport(REPORT_TITLE, AS_OF, group_projects([project]))
    doc = Document(io.BytesIO(render_report(report, "docx")))
    assert doc.tables[0].rows[1].cells[0].text == "Titelmedstyrtecken\n\nRUN/1/2025"
    assert doc.tables[0].rows[1].cells[1].text == "<&>"
    xlsx = load_workbook(io.BytesIO(render_report(report, "xlsx")))
    assert xlsx["Portfölj"]["B2"].value == "Titelmedstyrtecken"


def test_docx_converts_to_pdf_with_libreoffice(workflow: CompiledWorkflow, tmp_path: Path) -> None:
    soffice()
    source = tmp_path / "portfolj.docx"
    source.write_bytes(render_report(make_report(workflow, DIFF), "docx"))
    assert convert(source, "pdf").read_bytes().startswith(b"%PDF")
    # The table text must reach the PDF: with wrong grid widths LibreOffice draws empty tables.
    text = text_of(source)
    assert "Projektets syfte" in text
    for project in make_report(workflow, DIFF).projects:
        assert project.diarienummer in text


# --- xlsx -----------------------------------------------------------------------------------


def test_xlsx_has_a_frozen_filtered_header_and_one_row_per_project(
    workflow: CompiledWorkflow,
) -> None:
    report = make_report(workflow)
    book = load_workbook(io.BytesIO(render_report(report, "xlsx")))
    assert book.sheetnames == ["Portfölj"]
    sheet = book["Portfölj"]
    rows = list(sheet.iter_rows(values_only=True))
    used = ["anslag_1_1", "eruf_nationellt", "esf", "interreg_ovriga",
            "tillvaxtverket_nationella", "energimyndigheten"]  # fmt: skip
    assert list(rows[0]) == [*SHEET_HEADERS, *(FUNDERS[c] for c in used)]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"
    assert len(rows) == 1 + len(report.projects)
    assert [r[0] for r in rows[1:]] == [
        ", ".join([p.diarienummer, *p.other_diarienummer]) for p in report.projects
    ]
    focus = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "RUN/531/2023")
    column = dict(zip(rows[0], focus, strict=True))
    assert column["Startdatum"].value == datetime(2024, 10, 1)
    assert column["Startdatum"].number_format == "yyyy-mm-dd"
    assert column["Total budget"].value == 16_602_000
    assert column["Total budget"].number_format == "#,##0"
    assert column[FUNDERS["anslag_1_1"]].value == "3\u00a0583\u00a0530\u00a0kr; beviljad"
    assert column[FUNDERS["esf"]].value == "beviljad"
    assert column[FUNDERS["energimyndigheten"]].value is None
    comment = column["Uppföljningskommentar"]
    assert comment.data_type == "s" and str(comment.value).startswith("=SUMMA(A1)")
    assert comment.alignment.wrap_text


def test_xlsx_reimports_to_the_same_cases(workflow: CompiledWorkflow) -> None:
    report = make_report(workflow)
    book = load_workbook(io.BytesIO(render_report(report, "xlsx")), read_only=True)
    rows = list(book["Portfölj"].iter_rows(values_only=True))
    columns = header_map(list(rows[0]), where="p.xlsx")
    originals = {c["diarienummer"]: c for c in portfolio()}
    for number, row in enumerate(rows[1:], start=2):
        cells = {key: row[i] if i < len(row) else None for i, key in columns.items()}
        got = row_to_case(cells, workflow, where=f"p.xlsx:{number}")
        original = originals[got["diarienummer"]]
        for key in SHOWN:
            assert got.get(key) == original[key], (got["diarienummer"], key)
        assert got["stage"] == original["stage"]
        assert got["funders"] == [
            {"code": f["code"], "amount_sek": f["amount_sek"], "status": f["status"]}
            for f in original["funders"]
        ]
    book.close()


def test_xlsx_lists_the_changes_on_a_second_sheet(workflow: CompiledWorkflow) -> None:
    book = load_workbook(io.BytesIO(render_report(make_report(workflow, DIFF), "xlsx")))
    assert book.sheetnames == ["Portfölj", "Förändringar"]
    sheet = book["Förändringar"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Förändring sedan RUN 2025-02-12", "Diarienummer", "Projekt", "Detalj")
    assert {r[0] for r in rows[1:]} == set(DIFF_TITLES[1:])
    assert ("Ändrade projekt", "RUN/531/2023", "Kompetensfokus Jämtland Härjedalen",
            "total budget: 16 000 tkr → 16 602 tkr") in rows  # fmt: skip
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:D{len(rows)}"


def test_markdown_lists_the_changes_before_the_tables(workflow: CompiledWorkflow) -> None:
    text = render_markdown(make_report(workflow, DIFF))
    for title in DIFF_TITLES:
        assert title in text
    assert text.index("## Förändringar sedan RUN 2025-02-12") < text.index(f"## {AREA}")
    assert "- RUN/531/2023 Kompetensfokus Jämtland Härjedalen\n  - steg: BP – Planering" in text
