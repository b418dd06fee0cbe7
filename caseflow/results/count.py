"""Counting characters as the form counts them: spaces and line breaks included, per section.

The definition (the web's counter must implement exactly this one):

1. Line breaks are normalised first: CRLF and a lone CR become LF, so one line break is one
   character whether the text came from Windows, a browser form post (which sends CRLF) or a file.
2. The text is put in Unicode NFC, so "å" typed as one code point and "a" + combining ring
   (what macOS and some PDFs produce) count the same: 1.
3. The count is the number of Unicode code points of the result.

Why code points and not UTF-16 units or grapheme clusters: UTF-16 units (JavaScript's
`value.length`, textarea `maxlength`) count a plain emoji as 2, which no reader would; grapheme
clusters are what a reader sees, but their rules change with each Unicode version, so Python and
every browser would not always agree, and the number the officer saw could differ from the one we
check. Code points after NFC are exact, stable and identical in both places; in JavaScript:
`[...text.replace(/\\r\\n?/g, "\\n").normalize("NFC")].length`. For Swedish prose all three
definitions agree; they differ only for emoji sequences (👍 = 1, 🇸🇪 = 2, 👨‍👩‍👧 = 5).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from caseflow.results.form import FormSpec, SectionSpec

_LINE_BREAK = re.compile(r"\r\n?")


def normalise(text: str) -> str:
    """The text as stored and counted: LF line breaks, NFC."""
    return unicodedata.normalize("NFC", _LINE_BREAK.sub("\n", text))


def count_chars(text: str) -> int:
    """Characters of `text` by the form's definition (module docstring), spaces included."""
    return len(normalise(text))


@dataclass(frozen=True)
class SectionCount:
    number: int
    title: str
    limit: int
    used: int

    @property
    def remaining(self) -> int:
        """Characters left; negative when over the limit."""
        return self.limit - self.used

    @property
    def over(self) -> bool:
        return self.used > self.limit


def count_section(section: SectionSpec, answers: Mapping[str, str]) -> SectionCount:
    """The shared count of a section: the sum over its answer slots (missing slots count 0)."""
    used = sum(count_chars(answers.get(slot, "")) for q in section.questions for slot in q.slots)
    return SectionCount(section.number, section.title, section.limit, used)


def count_form(form: FormSpec, answers: Mapping[str, str]) -> list[SectionCount]:
    """One SectionCount per section, in form order."""
    return [count_section(section, answers) for section in form.sections]
