"""Drafting the results report from case data: pure sentences and sums, the configuration's
checks, and on every database backend the year's suggestions and taking one into an answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from caseflow.clock import FakeClock
from caseflow.errors import InputError
from caseflow.results.draft import FunderLine, ProjectRow, build_draft, long_date, sentence
from caseflow.results.drafting import DRAFTING_FILE, DraftingError, load_drafting
from caseflow.results.form import load_form
from caseflow.results.prefill import accept_suggestion, prefill
from caseflow.results.service import create_report, get_report, save_answer
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import OFFICER, make_case

FORM = load_form("2024")
SPEC = load_drafting(DRAFTING_FILE, form=FORM)
REGION = "Region Jämtland Härjedalen"
KOMPETENS = "Kompetensförsörjning och kompetensutveckling i hela länet"


def row(dnr: str = "RUN/1/2025", **kw: Any) -> ProjectRow:
    values: dict[str, Any] = {
        "diarienummer": dnr, "title": "Kompetenslyftet", "owner": None, "owner_is_region": True,
        "priority": KOMPETENS, "area": None, "start_date": date(2024, 3, 1),
        "end_date": date(2026, 2, 28), "ran": True, "funders": (),
    }  # fmt: skip
    values.update(kw)
    return ProjectRow(**values)


def anslag(amount: int | None, decided: date | None = date(2025, 4, 2)) -> FunderLine:
    return FunderLine("anslag_1_1", "granted", amount, decided)


def test_long_swedish_dates() -> None:
    assert long_date(date(2025, 1, 1)) == "1 januari 2025"
    assert long_date(date(2024, 12, 31)) == "31 december 2024"


def test_one_sentence_per_project_with_owner_funders_period_and_the_years_decisions() -> None:
    funders = (
        FunderLine("esf", "granted", 900_000, date(2025, 2, 10)),
        FunderLine("anslag_1_1", "granted", 300_000, date(2024, 11, 5)),
        FunderLine("allmanna_arvsfonden", "rejected", None, None),
    )
    text = sentence(row(funders=funders, owner="Mittuniversitetet", owner_is_region=False),
                    2025, REGION)  # fmt: skip
    assert text == (
        "Projektet ”Kompetenslyftet” (RUN/1/2025) med Mittuniversitetet som projektägare och "
        "finansiering från ESF Europeiska Socialfonden (ESF+) och Anslag 1:1 Regionala "
        "utvecklingsåtgärder, under perioden 1 mars 2024–28 februari 2026. Beslut om stöd "
        "under 2025: ESF Europeiska Socialfonden (ESF+) 10 februari 2025."
    )


def test_projects_go_to_their_priority_s_section_and_the_rest_are_listed_to_place() -> None:
    rows = [
        row("RUN/1/2025"),
        row("RUN/2/2025", title="Fiber", priority=(
            "Tillgänglighet i hela länet genom digital kommunikation, fysisk infrastruktur och "
            "hållbar mobilitet")),
        row("RUN/3/2025", title="Kulturarv", priority=None, area="Kultur"),
        row("RUN/4/2025", title="Planerat", ran=False),
        row("RUN/5/2025", title="Slut 2024", end_date=date(2024, 12, 31)),
        row("RUN/6/2025", title="Stavat annorlunda", priority="kompetensförsörjning OCH "
            "kompetensutveckling i hela  länet"),
    ]  # fmt: skip
    draft = build_draft(rows, year=2025, spec=SPEC, region=REGION)
    assert draft.suggestions["2.6"].sources == ("RUN/1/2025", "RUN/6/2025")
    assert draft.suggestions["4.4"].text.startswith("Projektet ”Fiber” (RUN/2/2025)")
    assert [u.sources for u in draft.unplaced] == [("RUN/3/2025",)]
    assert draft.unplaced[0].text.endswith("(Kultur)")
    assert "1.4" not in draft.suggestions and "3.4" not in draft.suggestions


def test_section_5_sums_anslag_1_1_decided_in_the_year_by_programme() -> None:
    rows = [
        row("RUN/1/2025", funders=(anslag(500_000), FunderLine("eruf_regionalt", "granted",
                                                                 1_000_000, None))),
        row("RUN/2/2025", title="Gränslöst", owner="Kommunförbundet", owner_is_region=False,
            funders=(anslag(200_000), FunderLine("interreg_sverige_norge", "applied", None, None))),
        row("RUN/3/2025", title="Lokalt", funders=(anslag(150_000),)),
        row("RUN/4/2025", title="Förra året", funders=(anslag(999_000, date(2024, 6, 1)),)),
        row("RUN/5/2025", title="Utan belopp", funders=(anslag(None),)),
        row("RUN/6/2025", title="Utan datum", funders=(anslag(70_000, None),)),
        row("RUN/7/2025", title="Inte startat", ran=False, start_date=date(2026, 1, 1),
            funders=(anslag(80_000),)),
    ]  # fmt: skip
    draft = build_draft(rows, year=2025, spec=SPEC, region=REGION)
    assert [(p.programme, p.projects, p.amount_sek, p.other_owner_projects)
            for p in draft.programmes] == [
        ("Regionalfonden (ERUF)", 1, 500_000, 0),
        ("Interreg", 1, 200_000, 1),
        ("projekt utan EU-program", 3, 230_000, 0),
    ]  # fmt: skip
    assert draft.suggestions["5.1a"].text == (
        "Under 2025 beviljade regionen medfinansiering från anslag 1:1 till 5 projekt, "
        "sammanlagt 930\u00a0000\u00a0kr: Regionalfonden (ERUF) ett projekt, 500\u00a0000\u00a0kr; "
        "Interreg ett projekt, 200\u00a0000\u00a0kr; projekt utan EU-program 3 projekt, "
        "230\u00a0000\u00a0kr. Av dem hade ett projekt en annan projektägare än regionen "
        "(200\u00a0000\u00a0kr)."
    )
    assert draft.suggestions["5.1c"].text == (
        "Under 2025 medfinansierade anslag 1:1 ett projekt inom Interreg med sammanlagt "
        "200\u00a0000\u00a0kr: ”Gränslöst” (RUN/2/2025)."
    )
    assert draft.warnings == [
        "RUN/6/2025: beviljat anslag 1:1 saknar beslutsdatum",
        "RUN/5/2025: beviljat anslag 1:1 saknar belopp",
    ]


def test_a_region_without_anslag_1_1_decisions_says_so() -> None:
    draft = build_draft([row()], year=2025, spec=SPEC, region=REGION)
    assert draft.programmes == []
    assert draft.suggestions["5.1a"].text == (
        "Under 2025 beslutade regionen inte om någon medfinansiering från anslag 1:1."
    )
    assert "5.1b" not in draft.suggestions


def test_a_bad_configuration_names_file_and_line(tmp_path: Path) -> None:
    text = DRAFTING_FILE.read_text("utf-8")
    bad = tmp_path / "drafting.yaml"
    text = text.replace('question: "2.6"', 'question: "3.4"')
    text = text.replace("funders: [esf]", "funders: [esf, okand]")
    bad.write_text(text.replace("sections:", "sections:\n  - colour: x", 1), "utf-8")
    with pytest.raises(DraftingError) as err:
        load_drafting(bad, form=FORM)
    assert f"{bad}:9: sections.0.colour: okänd nyckel" in str(err.value).splitlines()
    good = bad.read_text("utf-8").replace("  - colour: x\n", "")
    bad.write_text(good, "utf-8")
    with pytest.raises(DraftingError) as err:
        load_drafting(bad, form=FORM)
    lines = str(err.value).splitlines()
    assert lines[0].endswith("fråga 3.4 finns inte i avsnitt 2")
    assert lines[1].endswith("okänd finansiärskod 'okand'")
    assert all(line.startswith(f"{bad}:") for line in lines)


def _case(db: Database, wfs: WorkflowRegistry, clock: FakeClock, dnr: str, **kw: Any) -> None:
    fields: dict[str, Any] = {"start_date": "2025-01-01", "end_date": "2025-12-31",
                              "stage": "bp_genomforande", "priority": KOMPETENS}  # fmt: skip
    fields.update(kw)
    make_case(db, wfs, clock, dnr, **fields)


def test_prefill_reads_the_cases_and_accepting_appends_without_overwriting(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    funders = [{"code": "anslag_1_1", "amount_sek": 250000, "status": "granted",
                "decision_date": "2025-03-01", "case_id": None}]  # fmt: skip
    _case(database, workflows, clock, "RUN/10/2025", title="Yrkesvux", funders=funders)
    _case(database, workflows, clock, "RUN/11/2025", title="Idé", stage="idea")
    _case(database, workflows, clock, "RUN/12/2025", title="Kulturnatt", priority=None,
          area="Kultur")  # fmt: skip
    _case(database, workflows, clock, "RUN/13/2023", title="Avslutat", stage="closed",
          outcome="completed", start_date="2023-01-01", end_date="2025-02-01")  # fmt: skip
    running = workflows.running_stages()
    draft = prefill(db=database, year=2025, running_stages=running)
    assert draft.suggestions["2.6"].sources == ("RUN/13/2023", "RUN/10/2025")
    assert [u.sources for u in draft.unplaced] == [("RUN/12/2025",)]
    assert draft.programmes[0].amount_sek == 250_000
    create_report(db=database, year=2025, actor=OFFICER, clock=clock)
    wf = workflows.for_subject("results_report")
    save_answer(db=database, workflow=wf, year=2025, slot="2.6", text="Eget stycke.",
                actor=OFFICER, clock=clock)  # fmt: skip
    answer = accept_suggestion(db=database, workflow=wf, year=2025, slot="2.6",
                               running_stages=running, actor=OFFICER, clock=clock)  # fmt: skip
    assert answer.text == "Eget stycke.\n\n" + draft.suggestions["2.6"].text
    assert answer.version == 2
    with pytest.raises(InputError, match="förslaget finns redan i svaret på 2.6"):
        accept_suggestion(db=database, workflow=wf, year=2025, slot="2.6",
                          running_stages=running, actor=OFFICER, clock=clock)  # fmt: skip
    with pytest.raises(InputError, match="inget förslag till 3.4 för 2025"):
        accept_suggestion(db=database, workflow=wf, year=2025, slot="3.4",
                          running_stages=running, actor=OFFICER, clock=clock)  # fmt: skip
    assert get_report(db=database, year=2025).answers["2.6"].version == 2
