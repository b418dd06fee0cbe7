"""The yearly cycle on the demo's data, end to end on every backend: the commands `examples/demo.sh`
runs to load the cases and start the 2025 report (people, the demo cases, the board's portfolio,
the anslag 1:1 decisions of 2025, `results new`, the section owners), then prefill → accept
every suggestion → answer the rest and every check box → review → adopted by the board → the
filled form as Word, which LibreOffice reads and converts to PDF."""

from __future__ import annotations

import io
import json
import re
import shlex
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document

from caseflow.clock import FakeClock
from caseflow.results.form import load_form
from caseflow.results.owners import list_owners
from caseflow.results.service import get_report, save_answer
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.workflow.registry import load_registry
from tests.conftest import Run, cli_runner
from tests.office import soffice, text_of

DEMO = PROJECT_ROOT / "examples" / "demo.sh"
ANNA, BO = "anna.handlaggare@example.se", "bo.beslut@example.se"
CLOCK = FakeClock(datetime(2026, 1, 20, 9, 0, tzinfo=UTC))
WF = load_registry(PROJECT_ROOT / "workflows").for_subject("results_report")
#: The demo's commands that build the data the 2025 report is drafted from.
WANTED = re.compile(
    r"^caseflow (person add|cases import|portfolio import|results (new|owner) 2025"
    r"|case funder set \S+ anslag_1_1 .*--decision-date)"
)


def demo_commands() -> list[list[str]]:
    """The demo's data commands, continuation lines joined, in the script's order."""
    script = DEMO.read_text(encoding="utf-8").replace("\\\n", " ")
    return [
        shlex.split(line, comments=True)[1:]
        for line in script.splitlines()
        if WANTED.match(line.strip()) and "$" not in line
    ]


def load_demo(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT_ROOT)
    monkeypatch.setenv("CASEFLOW_ACTOR", ANNA)
    commands = demo_commands()
    assert sum(c[:2] == ["results", "owner"] for c in commands) == 6
    assert sum(c[:3] == ["case", "funder", "set"] for c in commands) >= 4
    for command in commands:
        code, _, err = cli(*command)
        assert code == 0, f"{command}: {err}"


def test_the_2025_report_runs_its_year_on_the_demo_data(
    database: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    cli = cli_runner(database.url, capsys)
    load_demo(cli, monkeypatch)
    assert {o.section for o in list_owners(db=database, year=2025)} == {1, 2, 3, 4, 5, 6}

    code, out, err = cli("results", "prefill", "2025", "--json")
    assert code == 0, err
    draft = json.loads(out)
    slots = {s["slot"] for s in draft["suggestions"]}
    assert {"1.4", "2.6", "3.4", "4.4", "5.1a", "5.1b", "5.1c"} <= slots  # four priorities, §5
    programmes = {p["programme"]: p for p in draft["programmes"]}
    assert programmes["Regionalfonden (ERUF)"]["amount_sek"] == 1_500_000
    assert sum(p["amount_sek"] for p in draft["programmes"]) == 2_750_000  # 2024's left out
    assert sum(p["other_owner_amount_sek"] for p in draft["programmes"]) == 500_000
    sums = next(s for s in draft["suggestions"] if s["slot"] == "5.1a")["text"]
    assert "sammanlagt 2 750 000 kr" in sums.replace("\u00a0", " ")

    for slot in sorted(slots):
        code, _, err = cli("results", "accept", "2025", slot, "--actor", ANNA)
        assert code == 0, f"{slot}: {err}"
    form = load_form("2024")
    answers = get_report(db=database, year=2025).answers
    assert "RUN/521/2024" in answers["5.1b"].text and "RUN/403/2024" in answers["2.6"].text
    for question in form.questions:
        for slot in question.slots:
            part = question.part(slot)
            has_text = slot in answers and answers[slot].text
            if has_text and part is None:
                continue  # the accepted suggestion is the answer
            save_answer(
                db=database, workflow=WF, year=2025, slot=slot, actor=ANNA,
                clock=CLOCK, text=None if has_text else f"Regionens svar på {slot}.",
                choice=part.options[0] if part else None,
            )  # fmt: skip
    code, out, _ = cli("results", "show", "2025", "--json")
    shown = json.loads(out)
    assert not any(s["over_limit"] for s in shown["sections"])

    assert cli("results", "fire", "2025", "send_to_review", "--actor", ANNA)[0] == 0
    code, out, err = cli("results", "fire", "2025", "adopt", "--actor", BO)
    assert code == 0, err
    assert "Granskning → Fastställd av nämnden" in out

    word = tmp_path / "resultatredovisning-2025.docx"
    assert cli("results", "export", "2025", "-o", str(word))[0] == 0
    paragraphs = [p.text for p in Document(io.BytesIO(word.read_bytes())).paragraphs]
    assert "Status: Fastställd av nämnden" in paragraphs
    assert any("Upphandling för cirkulär omställning" in p for p in paragraphs)
    assert any(p.startswith("☒ Ja") or "☒" in p for p in paragraphs)

    soffice()  # the rest needs LibreOffice (CI requires it)
    read = text_of(word)
    assert "Fastställd av nämnden" in read and "RUN/521/2024" in read
    pdf = tmp_path / "resultatredovisning-2025.pdf"
    code, _, err = cli("results", "export", "2025", "--format", "pdf", "-o", str(pdf))
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF-")
