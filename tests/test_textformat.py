"""Counts in the Swedish a user reads: the noun agrees with the number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.domain.textformat import count_of, format_sek


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 påminnelser"), (1, "1 påminnelse"), (2, "2 påminnelser"), (21, "21 påminnelser")],
)
def test_the_noun_is_singular_only_for_one(count: int, expected: str) -> None:
    assert count_of(count, "påminnelse", "påminnelser") == expected


def test_amounts_keep_their_non_breaking_spaces() -> None:
    assert format_sek(600000) == "600\u00a0000\u00a0kr"
    assert format_sek(None) == "–"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_numbers_are_grouped_as_babels_swedish_format(value: int) -> None:
    """`format_number` groups whole numbers itself (pages show many); the text is Babel's."""
    from babel import Locale
    from babel.numbers import format_decimal

    from caseflow.domain.amounts import format_number

    assert format_number(value) == format_decimal(value, locale=Locale.parse("sv_SE"))
