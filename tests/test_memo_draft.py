"""The drafted Ärendebeskrivning: an officer's Swedish, one sentence per financing status, no
placeholder text, and the facts it lacks listed (memo draft) or refused (memo render)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from caseflow.domain.casedoc import CaseDoc
from caseflow.memo.compose import MEMOS_DIR, draft_text, load_board
from tests.conftest import Run

BOARD = load_board(MEMOS_DIR / "board.yaml")


def case(**facts: Any) -> dict[str, Any]:
    data = {"diarienummer": "RUN/5/2025", "title": "Digital vård i glesbygd", **facts}
    return CaseDoc.model_validate(data).model_dump(mode="json")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]


def test_one_sentence_per_funding_status() -> None:
    draft = draft_text(case(
        owner_is_region=True, purpose="Projektet syftar till att pröva vård på distans.",
        start_date="2025-01-01", end_date="2026-12-31", total_budget_sek=5_000_000,
        funders=[
            {"code": "eruf_regionalt", "amount_sek": 2_000_000, "status": "granted",
             "decision_date": "2024-12-10"},
            {"code": "energimyndigheten", "amount_sek": 500_000, "status": "granted"},
            {"code": "esf", "amount_sek": 1_000_000, "status": "applied"},
            {"code": "erasmus", "amount_sek": 250_000, "status": "applied"},
            {"code": "anslag_1_1", "amount_sek": 1_000_000, "status": "planned"},
            {"code": "statens_kulturrad", "amount_sek": 250_000, "status": "planned"},
            {"code": "allmanna_arvsfonden", "amount_sek": 400_000, "status": "rejected"},
        ],
    ), BOARD)  # fmt: skip
    found = sentences(draft.text)
    granted = [s for s in found if "beviljats" in s]
    applied = [s for s in found if "har lämnats till" in s]
    planned = [s for s in found if "avses sökas" in s]
    assert granted == ["Medfinansiering har beviljats från Europeiska regionala "
                       "utvecklingsfonden (regionalt program) med 2 000 000 kronor (beslut "
                       "2024-12-10) och från Energimyndigheten med 500 000 kronor."]  # fmt: skip
    assert applied == [
        "Ansökningar om medfinansiering har lämnats till Svenska ESF-rådet (1 000 000 kronor) "
        "och Universitets- och högskolerådet (250 000 kronor)."
    ]
    assert planned == ["1 000 000 avses sökas av medel från de regionala 1:1 anslagen, 250 000 "
                       "kronor avses sökas från Statens kulturråd."]  # fmt: skip
    assert "Ansökan till Arvsfonden har fått avslag." in found
    assert "Region Jämtland Härjedalens egen andel är 1 000 000 kronor, 20 % av budgeten." in found
    assert "Projektet syftar till att pröva vård på distans." in found
    assert "Syftet med projektet är: " not in draft.text
    assert "Finansiering söks" not in draft.text and "ERUF" not in draft.text
    assert draft.missing == []


@pytest.mark.parametrize(
    ("purpose", "expected"),
    [
        ("att pröva vård på distans", "Syftet med projektet är att pröva vård på distans."),
        ("Syftet är att pröva vård på distans.", "Syftet är att pröva vård på distans."),
        ("Projektet syftar till ökad tillgång", "Projektet syftar till ökad tillgång."),
        ("Vård på distans prövas i tre kommuner.", "Vård på distans prövas i tre kommuner."),
    ],
)
def test_the_purpose_reads_as_one_sentence(purpose: str, expected: str) -> None:
    text = draft_text(case(purpose=purpose, owner_is_region=True), BOARD).text
    assert expected in sentences(text)
    assert "Syftet med projektet är: " not in text and "är Syftet" not in text


def test_context_owner_and_role_for_a_municipality_owned_project() -> None:
    draft = draft_text(case(
        owner="Bergs kommun", owner_is_region=False, strategy="Länets kulturplan 2024–2027",
        priority="Kultur i hela länet", anchoring_body="ledningsgruppen för Kultur",
        start_date="2025-05-01", end_date="2025-12-31",
        funders=[{"code": "statens_kulturrad", "status": "applied"}],
    ), BOARD)  # fmt: skip
    paragraphs = draft.text.split("\n\n")
    assert paragraphs[0] == (
        "Projektet bidrar till genomförandet av Länets kulturplan 2024–2027 och till den "
        "långsiktiga prioriteringen ”Kultur i hela länet”."
    )
    assert paragraphs[1] == ("Projektet ”Digital vård i glesbygd” ägs av Bergs kommun, och Region "
                             "Jämtland Härjedalen deltar som samverkanspart.")  # fmt: skip
    assert "Ansökan om medfinansiering har lämnats till Statens kulturråd." in draft.text
    assert paragraphs[-1] == "Projektidén har förankrats i ledningsgruppen för Kultur."
    assert draft.missing == ["syfte"]


def test_placeholders_never_reach_the_draft_and_are_listed_instead() -> None:
    draft = draft_text(case(owner="Ej satt ännu", owner_is_region=False, purpose="Ej satt ännu.",
                            anchoring_body="Ej satt ännu"), BOARD)  # fmt: skip
    assert "Ej satt" not in draft.text and "ägs av" not in draft.text
    assert draft.missing == ["projektägare", "syfte", "projektperiod (start- och slutdatum)",
                             "finansiärer"]  # fmt: skip


def test_memo_draft_lists_what_it_left_out(cli: Run) -> None:
    assert cli("case", "new", "RUN/7/2025", "--title", "Laddinfrastruktur")[0] == 0
    for change in ("purpose=att bygga laddplatser längs E14", "owner=Ej satt ännu",
                   "owner_is_region=false"):  # fmt: skip
        assert cli("case", "edit", "RUN/7/2025", "--set", change)[0] == 0
    code, out, err = cli("memo", "draft", "RUN/7/2025")
    assert code == 0, err
    assert "Syftet med projektet är att bygga laddplatser längs E14." in out
    assert "Ej satt" not in out
    assert (
        "saknas i utkastet: projektägare, projektperiod (start- och slutdatum), finansiärer" in err
    )
    code, out, err = cli("memo", "draft", "run/7/2025", "--save")
    assert code == 0, err
    assert out.strip() == ("sparade utkastet som ärendebeskrivning i RUN/7/2025; redigera den "
                           "med `caseflow memo background`")  # fmt: skip


def test_memo_render_refuses_placeholder_text_in_an_edited_description(
    cli: Run, tmp_path: Any
) -> None:
    from tests.test_memo import EXAMPLE

    assert cli("cases", "import", str(EXAMPLE))[0] == 0
    edited = tmp_path / "text.txt"
    edited.write_text("Projektet ägs av Ej satt ännu och pågår hela året.\n", encoding="utf-8")
    assert cli("memo", "background", "RUN/479/2024", str(edited))[0] == 0
    path = tmp_path / "m.md"
    code, _, err = cli("memo", "render", "RUN/479/2024", "-o", str(path))
    assert code == 1 and "platshållaren ”Ej satt ännu”" in err, err
    assert not path.exists()
