"""Last year's filled form as a start: OCR repair and placing each answer under its question."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.results.form import load_form
from caseflow.results.ocr_import import import_answers
from caseflow.results.ocr_repair import repair_line, repair_text
from caseflow.settings import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
SEED_001 = PROJECT_ROOT.parent / "shared" / "seeds" / "001_efab774fb9d566b0.txt"
FORM = load_form("2024")


def test_inserted_spaces_after_a_diacritic_are_removed_and_word_ends_kept() -> None:
    assert repair_line("fö r frå görna 1.1–1.5 ä r").text == "för frågorna 1.1–1.5 är"
    assert repair_line("på  lökal nivå , Klö vsjö , Å re").text == "på lokal nivå, Klövsjö, Åre"


def test_printed_ö_becomes_o_and_real_ö_survives() -> None:
    line = "Regiönen har stö tt pröjekt öch möjligheter söm mö jliggö r"
    assert repair_line(line).text == "Regionen har stött projekt och mojligheter som möjliggör"
    assert repair_line("& Ö stersund öch Strö msund").text == "& Östersund och Strömsund"


def test_clean_runs_keep_their_ö() -> None:
    line = "priöriteringen ” Innovation och förnyelse samt entreprenörskap och företagande i hela"
    assert repair_line(line).text == (
        "prioriteringen ” Innovation och förnyelse samt entreprenörskap och företagande i hela"
    )
    assert repair_line("Miljömässig hållbarhet bedö ms likt tidigare").text.startswith(
        "Miljömässig"
    )


def test_a_printed_ö_ending_a_word_keeps_its_real_space() -> None:
    assert repair_line("nä rvarö av söciala mö tesplatser, en stör örö finns").text == (
        "närvaro av sociala mötesplatser, en stor oro finns"
    )


def test_a_capital_or_a_suffix_after_the_space_is_judged_right() -> None:
    assert repair_line("pröjekt söm Långå FVOF vis ansö kan öch stö den").text == (
        "projekt som Långå FVOF vis ansökan och stöden"
    )


def test_a_clean_text_is_left_alone() -> None:
    text = "Vi gör det på lokal nivå för att öka samverkan och möjligheter.\r\nRad två."
    repaired, damage = repair_text(text)
    assert not damage.spaces and not damage.o_for_ö
    assert repaired == text.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("name", "renumbered"),
    [
        (
            "results_exempelbotten_2024.txt",  # seed 001's damage: spaces, ö for o, numbering
            [
                (None, "3.2"),
                ("3.2", "3.3"),
                ("3.3", "3.4"),
                (None, "3.5"),
                (None, "4.4"),
                ("4.4", "4.5"),
            ],
        ),
        ("results_nordanby_2024.txt", [(None, "2.3")]),  # CRLF, l for 1, no blank lines, ☑/□
    ],
)
def test_a_damaged_form_imports_with_every_question_placed(
    name: str, renumbered: list[tuple[str | None, str]]
) -> None:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    result = import_answers(text, FORM)
    assert result.missing == [] and result.stray == [] and result.warnings == []
    assert result.placed == FORM.slots
    assert result.renumbered == renumbered
    assert result.choices == {"5.1a": "Ja", "5.1b": "Ja", "5.1c": "Nej", "5.1d": "Ej aktuellt"}
    assert result.texts["1.3"].endswith("byarna runt sjön Storsjö.")
    assert (
        result.texts["1.4"] == "Tolv projekt har fått stöd under året; två mötesplatser har öppnat."
    )
    assert (
        result.texts["5.1b"] == "Tio projekt inom Regionalfonden har fått regional medfinansiering."
    )
    assert (
        result.texts["3.3"] == "Styrkeområdet ”Upplevelser” bygger på hela länets förutsättningar."
    )
    assert "5.1d" not in result.texts
    assert all("Anvisningar" not in t and "Ibid" not in t for t in result.texts.values())


def test_what_cannot_be_placed_is_reported() -> None:
    heading = "1.1 Beskriv hur det strategiskt viktigaste arbetet inom detta område har genomförts."
    text = f"Ett brev utan frågor.\n\n{heading}\n\nSvar."
    result = import_answers(text, FORM)
    assert result.stray == ["Ett brev utan frågor."]
    assert result.texts == {"1.1": "Svar."}
    assert "1.2" in result.missing and "5.1a" in result.missing
    assert not result.complete


@pytest.mark.skipif(not SEED_001.exists(), reason=f"seed 001 not present at {SEED_001}")
def test_seed_001_imports_with_all_28_questions_placed() -> None:
    result = import_answers(SEED_001.read_text(encoding="utf-8"), FORM)
    assert result.damage.spaces and result.damage.o_for_ö
    assert result.placed == FORM.slots and result.missing == [] and result.stray == []
    assert result.choices == {"5.1a": "Ja", "5.1b": "Ja", "5.1c": "Ja", "5.1d": "Ej aktuellt"}
    assert ("3.2", "3.3") in result.renumbered and ("4.4", "4.5") in result.renumbered
    assert result.texts["1.1"].startswith("Region Jämtland Härjedalens regionala serviceprogram")
    assert result.texts["6.3"].endswith("saknar den kapaciteten själva i.")
    assert "Landsbygdspotten" in result.texts["1.1"] and "Östersund" in result.texts["5.3"]
    joined = "\n".join(result.texts.values())
    for damaged in (" öch ", " söm ", "Regiön", "frå g", " ä r "):
        assert damaged not in joined, damaged
