"""Counting characters as the form does: code points after CRLF→LF and NFC (see count.py)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.results.count import count_chars, count_form, count_section, normalise
from caseflow.results.form import load_form

PIECES = list("abcdefghijklmnopqrstuvwxyzåäöÅÄÖ .,–\n\t") + [
    "a\u030a", "o\u0308", "e\u0301", "\u0301", "👍", "🇸🇪", "👨\u200d👩\u200d👧", "\r\n", "\r",
]  # fmt: skip
SWEDISH = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def test_spaces_and_line_breaks_count_one_each() -> None:
    assert count_chars("Region Jämtland") == 15
    assert count_chars("ett\ntvå") == 7
    assert count_chars("ett\r\ntvå") == 7
    assert count_chars("ett\rtvå") == 7


def test_composed_and_decomposed_swedish_count_the_same() -> None:
    assert count_chars("frågorna") == count_chars("fra\u030agorna") == 8
    assert normalise("O\u0308stersund") == "Östersund"


def test_emoji_count_as_code_points() -> None:
    assert count_chars("👍") == 1  # JavaScript's .length says 2
    assert count_chars("🇸🇪") == 2  # two regional indicators, one flag on screen
    assert count_chars("👨\u200d👩\u200d👧") == 5  # three people joined by two ZWJ


@given(SWEDISH)
def test_nfc_and_nfd_give_the_same_count(text: str) -> None:
    nfd = unicodedata.normalize("NFD", text)
    assert count_chars(nfd) == count_chars(unicodedata.normalize("NFC", text)) == count_chars(text)


@given(SWEDISH)
def test_crlf_counts_as_lf(text: str) -> None:
    plain = text.replace("\r", "")
    assert count_chars(plain.replace("\n", "\r\n")) == count_chars(plain)


@given(SWEDISH, SWEDISH)
def test_joining_with_a_space_adds_exactly_one(a: str, b: str) -> None:
    assert count_chars(a + " " + b) == count_chars(a) + 1 + count_chars(b)


@given(SWEDISH, SWEDISH)
def test_concatenation_never_counts_more_than_the_parts(a: str, b: str) -> None:
    # Less only where b starts with what joins a's end: a combining mark, or LF after CR.
    assert count_chars(a + b) <= count_chars(a) + count_chars(b)


@given(SWEDISH)
def test_counting_is_stable_under_normalisation(text: str) -> None:
    assert count_chars(normalise(text)) == count_chars(text)


def test_a_section_shares_one_limit_and_marks_going_over() -> None:
    form = load_form("2024")
    section = form.sections[5]
    within = count_section(section, {"6.1": "a" * 2000, "6.2": "b" * 3000})
    assert (within.used, within.remaining, within.over) == (5000, 0, False)
    over = count_section(section, {"6.1": "a" * 2000, "6.2": "b" * 3000, "6.3": "\r\n"})
    assert (over.used, over.remaining, over.over) == (5001, -1, True)
    counts = count_form(form, {"5.1a": "ja", "5.1d": "å"})
    assert counts[4].used == 3 and sum(c.limit for c in counts) == 65000


def test_a_blank_line_between_paragraphs_counts_its_two_line_breaks() -> None:
    # The decision (count.py, "Blank lines"): every line break is a character, so a blank line
    # between two paragraphs is two; nothing is collapsed or left out.
    assert count_chars("Första stycket.\n\nAndra stycket.") == 31
    assert count_chars("Första stycket.\r\n\r\nAndra stycket.") == 31
    assert count_chars("Första stycket.\n\n\nAndra stycket.") == 32


def test_the_seed_sections_are_over_their_limit_whatever_line_breaks_count() -> None:
    # Why the strict rule costs the region nothing it could keep: its own 2024 sections 2, 3 and
    # 5 are over their limits even if no line break counted at all, so the overrun is in the
    # prose, not in how paragraphs are separated (and the issue says 2 and 3 sit "at or just
    # over 15 000"). Counting breaks only moves them further over, by the number of breaks.
    from caseflow.results.ocr_import import import_answers
    from caseflow.settings import PROJECT_ROOT

    form = load_form("2024")
    seed = PROJECT_ROOT.parent / "shared" / "seeds" / "001_efab774fb9d566b0.txt"
    if not seed.exists():
        pytest.skip(f"seed 001 is not beside this checkout ({seed})")
    texts = import_answers(seed.read_text(encoding="utf-8"), form).texts
    strict = count_form(form, texts)
    no_breaks = count_form(form, {k: re.sub(r"\s*\n\s*", "", v) for k, v in texts.items()})
    assert [c.number for c in strict if c.over] == [2, 3, 5]
    assert [c.number for c in no_breaks if c.over] == [2, 3, 5]
    breaks = {
        s.number: sum(texts.get(slot, "").count("\n") for q in s.questions for slot in q.slots)
        for s in form.sections
    }
    for with_breaks, without in zip(strict, no_breaks, strict=True):
        assert with_breaks.used - without.used == breaks[with_breaks.number]
