"""The results-report form as data: the 2024 edition, and the schema's errors with lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.results.form import FORMS_DIR, FormError, editions, load_form, parse_form

TEXT_2024 = (FORMS_DIR / "2024.yaml").read_text(encoding="utf-8")
SOURCE = Path("2024.yaml")


def test_the_2024_form_has_six_sections_28_questions_and_65000_characters() -> None:
    form = load_form("2024")
    assert [s.limit for s in form.sections] == [11000, 15000, 15000, 11000, 8000, 5000]
    assert [len(s.questions) for s in form.sections] == [5, 7, 5, 5, 3, 3]
    assert len(form.questions) == 28
    assert form.section_of("5.1c").number == 5


def test_question_5_1_has_four_check_box_parts_the_last_with_ej_aktuellt() -> None:
    question = load_form("2024").question("5.1")
    assert question is not None
    assert question.slots == ["5.1a", "5.1b", "5.1c", "5.1d"]
    assert [p.options for p in question.parts] == [["Ja", "Nej"]] * 3 + [
        ["Ja", "Nej", "Ej aktuellt"]
    ]


def test_instructions_and_footnotes_apply_to_their_ranges() -> None:
    form = load_form("2024")
    assert any(t.startswith("Ange i frågorna 2.1–2.5") for t in form.notes_for("2.4"))
    assert not any(t.startswith("Ange i frågorna") for t in form.notes_for("2.6"))
    assert any(
        t.startswith("Beskriv genomgående i frågorna 5.1–5.3") for t in form.notes_for("5.2")
    )
    footnoted = [
        q.number
        for q in form.questions
        if any("Anvisningar" in t for t in form.notes_for(q.number))
    ]
    assert footnoted == ["1.4", "1.5", "2.6", "2.7", "3.4", "3.5", "4.4", "4.5"]
    assert form.sections[4].limit_note.endswith("frågorna 5.1–5.3 är sammantaget 8 000.")


def test_the_form_text_is_clean_swedish() -> None:
    form = load_form("2024")
    texts = [q.text for q in form.questions] + [n.text for n in form.instructions]
    for word in ("öch", "söm", "regiön", "inöm", "frå g", "ä r"):
        assert not any(word in t.casefold() for t in texts), word


def test_editions_lists_the_packaged_forms() -> None:
    assert "2024" in editions()
    with pytest.raises(FormError, match="okänd blankettutgåva '1999'"):
        load_form("1999")
    with pytest.raises(FormError, match="okänd blankettutgåva"):
        load_form("../2024")


def _error(text: str) -> str:
    with pytest.raises(FormError) as err:
        parse_form(text, source=SOURCE)
    return str(err.value)


def test_an_unknown_key_is_named_with_its_line() -> None:
    text = TEXT_2024.replace("    limit: 11000\n", "    limit: 11000\n    colour: red\n", 1)
    line = text.splitlines().index("    colour: red") + 1
    assert f"2024.yaml:{line}: sections.0.colour: okänd nyckel" in _error(text)


def test_numbering_must_follow_the_sections() -> None:
    text = TEXT_2024.replace('number: "1.3"', 'number: "1.9"', 1)
    line = text.splitlines().index('      - number: "1.9"') + 1
    assert f"2024.yaml:{line}: fråga 1.9 ska numreras 1.3" in _error(text)


def test_a_range_must_name_existing_questions_of_one_section() -> None:
    error = _error(TEXT_2024.replace('["1.4–1.5", "2.6–2.7"', '["1.4–1.8", "2.6–3.1"', 1))
    assert "'1.4–1.8': okänd fråga 1.8" in error
    assert "'2.6–3.1': intervallet går över två avsnitt" in error


def test_the_totals_are_checked() -> None:
    error = _error(TEXT_2024.replace("limit: 5000", "limit: 5001"))
    assert "avsnittens gränser är 65001 tecken, inte 65000" in error
    error = _error(TEXT_2024.replace("total_questions: 28", "total_questions: 27"))
    assert "blanketten har 28 frågor, inte 27" in error


def test_the_edition_must_match_the_file_name() -> None:
    with pytest.raises(FormError, match=r"2025.yaml:\d+: edition '2024' måste vara '2025'"):
        parse_form(TEXT_2024, source=Path("2025.yaml"))


def test_yaml_syntax_errors_name_the_line() -> None:
    assert _error("edition: [\n").startswith("2024.yaml:")
