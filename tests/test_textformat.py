"""Counts in the Swedish a user reads: the noun agrees with the number."""

from __future__ import annotations

import pytest

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
