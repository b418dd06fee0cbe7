"""The decision sentences of a stored memo: the numbered list under its "Beslut" heading, read
back as plain text from the very bytes that were produced (Markdown, html or Word), so a
protokollsutdrag quotes what was signed, never the case as it reads today."""

from __future__ import annotations

import io
from html.parser import HTMLParser

from docx import Document
from markdown_it import MarkdownIt

BESLUT = "beslut"
_PARSER = MarkdownIt("commonmark", {"html": False})


def decision_sentences(data: bytes, fmt: str) -> list[str]:
    """The memo's Beslut items in order (empty: it has no such section), whitespace collapsed."""
    if fmt == "docx":
        found = _from_docx(data)
    elif fmt == "html":
        found = _from_html(data.decode("utf-8", errors="replace"))
    else:
        found = _from_markdown(data.decode("utf-8", errors="replace"))
    return [" ".join(s.split()) for s in found if s.strip()]


def _is_beslut(text: str) -> bool:
    return " ".join(text.split()).casefold() == BESLUT


def _from_markdown(markdown: str) -> list[str]:
    found: list[str] = []
    inside = listing = False
    heading = False
    for token in _PARSER.parse(markdown):
        if token.type == "heading_open":
            if found or listing:
                break
            heading = True
        elif token.type == "inline" and heading:
            inside, heading = _is_beslut(token.content.replace("\\", "")), False
        elif inside and token.type == "ordered_list_open":
            listing = True
        elif listing and token.type == "ordered_list_close":
            break
        elif listing and token.type == "inline":
            found.append(_plain(token))
    return found


def _plain(token: object) -> str:
    parts: list[str] = []
    for child in getattr(token, "children", None) or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


class _BeslutHtml(HTMLParser):
    HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.heading: list[str] | None = None
        self.inside = self.listing = self.done = False
        self.items: list[str] = []
        self.item: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag in self.HEADINGS:
            if self.items or self.listing:
                self.done = True
                return
            self.heading = []
        elif self.inside and tag == "ol":
            self.listing = True
        elif self.listing and tag == "li":
            self.item = []

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if tag in self.HEADINGS and self.heading is not None:
            self.inside, self.heading = _is_beslut("".join(self.heading)), None
        elif self.listing and tag == "li" and self.item is not None:
            self.items.append("".join(self.item))
            self.item = None
        elif self.listing and tag == "ol":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)
        elif self.item is not None:
            self.item.append(data)


def _from_html(text: str) -> list[str]:
    parser = _BeslutHtml()
    parser.feed(text)
    parser.close()
    return parser.items


def _from_docx(data: bytes) -> list[str]:
    found: list[str] = []
    inside = False
    for paragraph in Document(io.BytesIO(data)).paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style.startswith("Heading"):
            if found:
                break
            inside = _is_beslut(paragraph.text)
        elif inside and style == "List Number":
            found.append(paragraph.text)
        elif found and paragraph.text.strip():
            break  # the signature after the list
    return found
