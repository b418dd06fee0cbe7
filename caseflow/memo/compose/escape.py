"""Case data reaches a memo as text, never as Markdown structure.

Every `{{ value }}` of a memo template or a kind's sentence passes `escape_markdown` (the Jinja
environments' `finalize`): runs of whitespace, line breaks included, become one space, and each
character Markdown gives a meaning is backslash-escaped, so a value can never start a list item,
heading, quote, code block, link, emphasis or HTML comment. `MarkdownSafe` marks text that was
built that way already (a sentence rendered with its values escaped, the Ärendebeskrivning
escaped paragraph by paragraph), so it is not escaped twice.
"""

from __future__ import annotations

import re
from typing import Any

#: Inline syntax (emphasis, code, links, raw HTML and comments, entities, headings, tables).
_INLINE = re.compile(r"([\\`*_\[\]<>#&~|])")
#: What starts a block at the beginning of a line: `1.`/`1)` ordered items, `-`/`+` bullets,
#: `=`/`-` setext underlines and thematic breaks (`*`, `#`, `>` are escaped everywhere).
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


class MarkdownSafe(str):
    """Markdown whose case values are escaped already."""

    __slots__ = ()


def escape_line(text: str) -> str:
    """`text` on one line, with every Markdown-significant character escaped."""
    flat = _INLINE.sub(r"\\\1", " ".join(text.split()))
    flat = _ORDERED.sub(r"\1\\\2", flat)
    return "\\" + flat if flat[:1] in ("-", "+", "=") else flat


def escape_markdown(value: Any) -> Any:
    """Jinja `finalize`: text (and anything shown by its text, e.g. a list) escaped; numbers,
    None and MarkdownSafe unchanged."""
    if value is None or isinstance(value, (bool, int, float, MarkdownSafe)):
        return value
    return escape_line(str(value))


def escape_paragraphs(text: str) -> MarkdownSafe:
    """Text whose blank lines separate paragraphs: each paragraph escaped onto one line."""
    parts = (escape_line(p) for p in re.split(r"\n[ \t]*\n", text))
    return MarkdownSafe("\n\n".join(p for p in parts if p))


def safe_line(text: str) -> MarkdownSafe:
    """An authored sentence (its values escaped by `finalize`) on one line."""
    return MarkdownSafe(" ".join(text.split()))
