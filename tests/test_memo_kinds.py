"""Memo kinds as data (memos/board.yaml): a partner decision written from only what a real
point-8.1 decision states, a memo to the board, a municipality-owned case with a rejected
application, the distribution list, funder wording for the whole catalogue, and a strict
configuration whose errors name file and line."""

from __future__ import annotations

import io
import json
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from caseflow.cases.engine import add_person, create_case
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.funders import FUNDERS
from caseflow.errors import InputError
from caseflow.memo.compose import MEMOS_DIR, choose_kind, load_board
from caseflow.memo.service import render_memo
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.office import soffice, text_of

BOARD = load_board(MEMOS_DIR / "board.yaml")
CLOCK = FakeClock(datetime(2025, 2, 3, 9, 0, tzinfo=UTC))
SIGNER = "karin.ek@regionjh.se"

#: Everything a point-8.1 decision states, nothing more: no budget, no purpose, no handläggare.
PARTNER = {
    "diarienummer": "RUN/57/2025",
    "title": "Gröna kompetenser i besöksnäringen",
    "owner": "Mittuniversitetet",
    "owner_is_region": False,
    "start_date": "2025-03-01",
    "end_date": "2027-08-31",
    "funders": [
        {"code": "esf", "status": "applied"},
        {"code": "interreg_sverige_norge", "status": "granted"},
    ],  # fmt: skip
    "decision_basis": [
        "Förfrågan om deltagande som samverkanspart från Mittuniversitetet",
        "Projektbeskrivning, ansökan till Svenska ESF-rådet",
    ],  # fmt: skip
    "copies": ["Länsstyrelsen Jämtlands län"],
    "stage": "bp_planering",
}


def setup(db: Database, workflows: WorkflowRegistry, case: dict[str, Any]) -> None:
    add_person(db=db, email=SIGNER, name="Karin Ek", roles=["beslutsfattare"], clock=CLOCK,
               title="Områdeschef Hållbar tillväxt")  # fmt: skip
    add_person(db=db, email="per.lind@regionjh.se", name="Per Lind", roles=["handlaggare"],
               clock=CLOCK, phone="063-14 70 00")  # fmt: skip
    create_case(db=db, workflows=workflows, doc=CaseDoc.model_validate(case), actor="t",
                clock=CLOCK)  # fmt: skip


def render(db: Database, dnr: str, fmt: str, **options: Any) -> bytes:
    return render_memo(db=db, memos_dir=MEMOS_DIR, clock=CLOCK, dnr=dnr, fmt=fmt,
                       memo_date=date(2025, 2, 3), actor="t", signatory_email=SIGNER,
                       **options).data  # fmt: skip


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def libreoffice_text(data: bytes, folder: Path) -> str:
    """The docx as LibreOffice reads it."""
    soffice()
    source = folder / "memo.docx"
    source.write_bytes(data)
    return text_of(source)


def test_a_partner_decision_from_only_what_a_point_8_1_decision_states(
    database: Database, workflows: WorkflowRegistry, tmp_path: Path
) -> None:
    setup(database, workflows, PARTNER)
    markdown = render(database, "RUN/57/2025", "md").decode("utf-8")
    text = " ".join(markdown.split())
    assert "### Deltagande i projekt: Gröna kompetenser i besöksnäringen" in markdown
    assert "Projekt: Gröna" not in markdown.replace("Deltagande i projekt: Gröna", "")
    assert "punkt 8.1." in text
    assert ("1. Region Jämtland Härjedalen deltar som samverkanspart i projektet Gröna "
            "kompetenser i besöksnäringen, som ägs av Mittuniversitetet, under perioden "
            "2025-03-01–2027-08-31.") in text  # fmt: skip
    assert ("2. Region Jämtland Härjedalens deltagande finansieras helt via externa medel från "
            "Europeiska socialfonden (ESF+) och Interreg Sverige-Norge. Eventuella kostnader som "
            "inte bärs av projektet finansieras inom budgetram för verksamhetsområde Hållbar "
            "tillväxt.") in text  # fmt: skip
    assert "### Utdrag till Mittuniversitetet, Länsstyrelsen Jämtlands län" in text
    assert "Karin Ek Områdeschef Hållbar tillväxt" in text
    assert "Tfn" not in text and "budget om" not in text  # neither is stated, neither is asked
    # The drafted Ärendebeskrivning tells owner, role, period and financing by status.
    assert ("Projektet ”Gröna kompetenser i besöksnäringen” ägs av Mittuniversitetet, och Region "
            "Jämtland Härjedalen deltar som samverkanspart.") in text  # fmt: skip
    assert "Medfinansiering har beviljats från Interreg Sverige-Norge." in text
    assert "Ansökan om medfinansiering har lämnats till Svenska ESF-rådet." in text

    data = render(database, "RUN/57/2025", "docx")
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style is not None
                and p.style.name.startswith("Heading")]  # fmt: skip
    assert headings == ["RUN/57/2025", "Deltagande i projekt: Gröna kompetenser i besöksnäringen",
                        "Ärendebeskrivning", "Beslutsunderlag",
                        "Delegationsbestämmelse och delegation", "Beslut", "Anmälan",
                        "Utdrag till"]  # fmt: skip
    numbered = [p.text for p in doc.paragraphs if p.style is not None
                and p.style.name == "List Number"]  # fmt: skip
    assert len(numbered) == 2 and numbered[1].startswith("Region Jämtland Härjedalens deltagande")
    assert "Mittuniversitetet, Länsstyrelsen Jämtlands län" in docx_text(data)
    converted = libreoffice_text(data, tmp_path)
    if converted is not None:
        assert re.search(r"^\s*1\.\s+Region Jämtland Härjedalen deltar som samverkanspart",
                         converted, re.M), converted  # fmt: skip
        assert re.search(r"^\s*2\.\s+Region Jämtland Härjedalens deltagande", converted, re.M)
        assert "Deltagande i projekt: Gröna kompetenser" in converted


def test_the_owner_is_not_repeated_when_listed_and_a_partner_without_owner_is_refused(
    database: Database, workflows: WorkflowRegistry
) -> None:
    setup(database, workflows, {**PARTNER, "copies": ["Mittuniversitetet", "Krokoms kommun"]})
    text = " ".join(render(database, "RUN/57/2025", "md").decode("utf-8").split())
    assert "### Utdrag till Mittuniversitetet, Krokoms kommun" in text
    thin = {**PARTNER, "diarienummer": "RUN/58/2025", "owner": "Ej satt ännu",
            "start_date": None, "decision_basis": []}  # fmt: skip
    create_case(db=database, workflows=workflows, actor="t", clock=CLOCK,
                doc=CaseDoc.model_validate(thin))  # fmt: skip
    with pytest.raises(InputError) as err:
        render(database, "RUN/58/2025", "md")
    message = str(err.value)
    assert "saknas: beslutsunderlag; projektägare; start- och slutdatum" in message
    assert "Ej satt" not in message


def test_a_memo_to_the_board_names_whom_one_applies_to(
    database: Database, workflows: WorkflowRegistry, tmp_path: Path
) -> None:
    case = {
        "diarienummer": "RUN/12/2025", "title": "Vätgas i inlandet", "owner_is_region": True,
        "owner": "Region Jämtland Härjedalen", "purpose": "att bygga upp kunskap om vätgas.",
        "strategy": "Regional utvecklingsstrategi för Jämtlands län 2020–2030",
        "start_date": "2025-09-01", "end_date": "2028-08-31", "total_budget_sek": 8000000,
        "funders": [{"code": "eruf_regionalt", "amount_sek": 4000000, "status": "planned"},
                    {"code": "anslag_1_1", "amount_sek": 2000000, "status": "planned"},
                    {"code": "energimyndigheten", "amount_sek": 2000000, "status": "granted",
                     "decision_date": "2025-01-20"}],
        "handlaggare": "per.lind@regionjh.se", "decision_basis": ["Utkast: ansökan ERUF"],
        "copies": ["Energikontoret"], "stage": "bp_planering",
    }  # fmt: skip
    setup(database, workflows, case)
    assert choose_kind({**case, "funders": case["funders"]}, BOARD) == "tjansteskrivelse"
    markdown = render(database, "RUN/12/2025", "md").decode("utf-8")
    text = " ".join(markdown.split())
    assert "### Projekt: Vätgas i inlandet" in markdown and "### Förslag till beslut" in markdown
    assert "Tfn: 063-14 70 00" in markdown
    assert ("finansieras via externa medel från Europeiska regionala utvecklingsfonden (regionalt "
            "program), Region Jämtland Härjedalens anslag 1:1 samt från "
            "Energimyndigheten.") in text  # fmt: skip
    # One applies to Tillväxtverket, not to the fund; a granted funder is not applied to again.
    assert (
        "2. Ansökan om medfinansiering skickas till Tillväxtverket och till Region Jämtland "
        "Härjedalen" in text
    )
    assert "skickas till Europeiska" not in text and "till Energimyndigheten" not in text
    assert "### Utdrag till Energikontoret" in text
    assert "Projektet bidrar till genomförandet av Regional utvecklingsstrategi" in text
    assert "Syftet med projektet är att bygga upp kunskap om vätgas." in text
    data = render(database, "RUN/12/2025", "docx")
    assert "Förslag till beslut" in docx_text(data)
    converted = libreoffice_text(data, tmp_path)
    if converted is not None:
        assert re.search(r"^\s*2\.\s+Ansökan om medfinansiering skickas till Tillväxtverket",
                         converted, re.M), converted  # fmt: skip


def test_a_municipality_owned_case_with_a_rejected_application(
    database: Database, workflows: WorkflowRegistry
) -> None:
    case = {**PARTNER, "diarienummer": "RUN/77/2025", "owner": "Krokoms kommun",
            "title": "Unga i Krokom", "copies": [],
            "funders": [
                {"code": "allmanna_arvsfonden", "amount_sek": 900000, "status": "rejected"},
                {"code": "statens_kulturrad", "amount_sek": 300000, "status": "granted"},
            ]}  # fmt: skip
    setup(database, workflows, case)
    text = " ".join(render(database, "RUN/77/2025", "md").decode("utf-8").split())
    assert "som ägs av Krokoms kommun" in text and "### Utdrag till Krokoms kommun" in text
    assert "finansieras helt via externa medel från Statens kulturråd." in text
    assert "Arvsfonden" in text  # told in the Ärendebeskrivning …
    assert "Ansökan till Arvsfonden har fått avslag." in text
    assert "medel från Allmänna arvsfonden" not in text  # … never as a source in the decision
    assert "Medfinansiering har beviljats från Statens kulturråd med 300 000 kronor." in text
    refused = {**case, "diarienummer": "RUN/78/2025", "funders": case["funders"][:1]}
    create_case(db=database, workflows=workflows, actor="t", clock=CLOCK,
                doc=CaseDoc.model_validate(refused))  # fmt: skip
    with pytest.raises(InputError, match="minst en finansiär som inte har gett avslag"):
        render(database, "RUN/78/2025", "md")


def test_copies_travel_through_the_case_json_the_cli_and_the_memo(cli: Run, tmp_path: Path) -> None:
    assert cli("case", "new", "RUN/90/2025", "--title", "Delning")[0] == 0
    code, _, err = cli("case", "edit", "RUN/90/2025", "--set",
                       "copies=Östersunds kommun\nMittuniversitetet")  # fmt: skip
    assert code == 0, err
    assert cli("case", "edit", "RUN/90/2025", "--set", "strategy=Länets kulturplan")[0] == 0
    shown = cli("case", "show", "RUN/90/2025", "--json")[1]
    assert json.loads(shown)["copies"] == ["Östersunds kommun", "Mittuniversitetet"]
    assert json.loads(shown)["strategy"] == "Länets kulturplan"


def test_every_catalogue_funder_has_wording() -> None:
    for code in FUNDERS:
        wording = BOARD.funders.get(code)
        assert wording is not None, f"{code}: no wording in memos/board.yaml"
        for attribute in ("source", "recipient", "draft"):
            assert getattr(wording, attribute), f"{code}: no {attribute}"
        assert wording.draft is not None and "{amount" in wording.draft, code
    # The catalogue's listing names never reach prose ("från ESF Europeiska Socialfonden (ESF+)").
    assert BOARD.funders["esf"].source == "Europeiska socialfonden (ESF+)"


def test_no_kind_is_named_in_python() -> None:
    sources = "\n".join(p.read_text("utf-8") for p in (PROJECT_ROOT / "caseflow").rglob("*.py"))
    for kind in BOARD.kinds:
        assert f'"{kind}"' not in sources and f"'{kind}'" not in sources, kind


def write_board(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "memos"
    shutil.copytree(MEMOS_DIR, folder)
    path = folder / "board.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if needle in line)  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("    partner: true\n", "    partner: true\n    colour: blue\n", "colour: blue",
         "okänt fält"),
        ("requires: [funders, decision_basis, owner, period]",
         "requires: [funders, budget, owner, period]", "requires: [funders, budget",
         "ogiltigt värde"),
        ('heading: "Deltagande i projekt: {{ case.title }}"',
         'heading: "Deltagande i projekt: {{ case.title }"', "Deltagande i projekt", "syntaxfel"),
        ("  - kind: delegationsbeslut_samverkanspart\n", "  - kind: samverkan\n",
         "kind: samverkan", "okänd memotyp 'samverkan'"),
        ("  ovrigt:\n", "  ovrigt_x:\n", "ovrigt_x:", "okänd finansiärskod 'ovrigt_x'"),
    ],
)  # fmt: skip
def test_configuration_errors_name_file_and_line(
    tmp_path: Path, old: str, new: str, needle: str, message: str
) -> None:
    path = write_board(tmp_path, old, new)
    with pytest.raises(InputError) as err:
        load_board(path)
    assert str(err.value).startswith(f"{path}:{line_of(path, needle)}: "), str(err.value)
    assert message in str(err.value)


def test_a_decision_sentence_naming_an_unknown_fact_names_its_line(
    tmp_path: Path, database: Database, workflows: WorkflowRegistry
) -> None:
    path = write_board(tmp_path, "        {{ case.owner }}, under perioden {{ period }}.",
                       "        {{ case.budget }}, under perioden {{ period }}.")  # fmt: skip
    setup(database, workflows, PARTNER)
    with pytest.raises(InputError) as err:
        render_memo(db=database, memos_dir=path.parent, clock=CLOCK, dnr="RUN/57/2025", fmt="md",
                    memo_date=date(2025, 2, 3), actor="t")  # fmt: skip
    line = line_of(path, "{{ organisation }} deltar som samverkanspart")
    assert (
        f"{path}:{line - 1}: kinds.delegationsbeslut_samverkanspart.decisions.0: okänt namn"
        in str(err.value)
    ), str(err.value)
