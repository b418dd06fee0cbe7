"""Decision memos (delegationsbeslut, tjänsteskrivelse) from their Markdown to docx, html and text.

A memo template renders a small Markdown subset: a header block of hard-broken lines, headings
`#`–`####`, paragraphs, bullet and numbered lists (the decisions), a signature block and HTML
comments holding warnings for the officer. Every output parses the same token stream from
markdown-it-py's CommonMark preset with raw HTML off, so case data can never inject markup.

HTML comments are taken out of the Markdown first (located with an HTML-aware parse, then cut
out of the source) and shown at the very top as "Att kontrollera: …" notes, which the officer
deletes before signing.

The docx is built on a Word template (the region's letterhead, header, footer and styles): its
body is emptied, its section properties kept. Numbered lists are real Word lists: each list
gets its own `w:num` pointing at the `List Number` definition with a start override, so every
list restarts at 1 and Word or LibreOffice draw the numbers themselves.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

from caseflow.memo.docx import Numbering, Styles, set_num_pr, set_run_language
from caseflow.resources import data_dir

#: The default Word template; a region replaces the file with its own letterhead.
DEFAULT_TEMPLATE = data_dir("memos") / "templates" / "memo.docx"
NOTE_PREFIX = "Att kontrollera: "
LANGUAGE = "sv-SE"
CODE_FONT = "Courier New"

#: Raw HTML off: HTML in case data is text, escaped in html and literal in docx.
_PARSER = MarkdownIt("commonmark", {"html": False})
#: Raw HTML on: used only to locate the comments to take out.
_HTML_PARSER = MarkdownIt("commonmark")
#: Characters XML 1.0 cannot hold; python-docx refuses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_CSS = """\
@page { size: A4 portrait; margin: 25mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4;
       color: #000; max-width: 160mm; margin: 2em auto; }
h1, h2, h3, h4 { line-height: 1.2; margin: 1.2em 0 0.4em; break-after: avoid; }
h1 { font-size: 16pt; } h2 { font-size: 14pt; } h3 { font-size: 12pt; } h4 { font-size: 11pt; }
p, li { orphans: 3; widows: 3; }
li { margin-bottom: 0.3em; }
.kontrollera { font-style: italic; background: #fff3c4; border-left: 3px solid #c90;
               padding: 0.3em 0.6em; }
@media print { body { max-width: none; margin: 0; } }
"""

# --- comments -------------------------------------------------------------------------------


def split_comments(markdown: str) -> tuple[str, list[str]]:
    """The Markdown without its HTML comments, and each comment's text (whitespace collapsed).

    Comments inside code spans and code blocks are code, not comments, and stay.
    """
    starts = _line_starts(markdown)
    spans: list[tuple[int, int]] = []
    comments: list[str] = []
    for token in _HTML_PARSER.parse(markdown):
        sources = _comment_sources(token)
        if not sources or token.map is None:
            continue
        position, end = starts[token.map[0]], starts[token.map[1]]
        for source in sources:
            comments.append(" ".join(source[4:].removesuffix("-->").split()))
            found = markdown.find(source, position, end)
            if found >= 0:
                spans.append((found, found + len(source)))
                position = found + len(source)
    return _cut(markdown, spans), [text for text in comments if text]


def _comment_sources(token: Token) -> list[str]:
    """The exact source of each comment in an html block or among an inline token's children."""
    if token.type == "html_block" and token.content.lstrip().startswith("<!--"):
        return _comments_in(token.content)
    if token.type == "inline" and token.children:
        return [
            child.content
            for child in token.children
            if child.type == "html_inline" and child.content.startswith("<!--")
        ]
    return []


def _comments_in(text: str) -> list[str]:
    """Each `<!-- … -->` in `text`, in order (`<!-->` and `<!--->` are empty comments)."""
    found: list[str] = []
    start = text.find("<!--")
    while start >= 0:
        end = text.find("-->", start + 2)
        if end < 0:
            break
        found.append(text[start : end + 3])
        start = text.find("<!--", end + 3)
    return found


def _line_starts(text: str) -> list[int]:
    """The offset of each line's start, plus one past the end (token maps index these)."""
    starts = [0]
    for number, char in enumerate(text):
        if char == "\n":
            starts.append(number + 1)
    starts.append(len(text))
    return starts


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without the spans; a comment ending a line also takes the blanks before it, so
    `word <!-- x -->` leaves no trailing spaces that would read as a hard line break."""
    parts: list[str] = []
    previous = 0
    for start, end in spans:
        if end == len(text) or text[end] in " \t\r\n":
            while start > previous and text[start - 1] in " \t":
                start -= 1
        parts.append(text[previous:start])
        previous = end
    parts.append(text[previous:])
    return "".join(parts)


# --- plain text -----------------------------------------------------------------------------


def markdown_text(markdown: str) -> str:
    """The memo as plain text: one block per paragraph, list items prefixed `1. ` or `- `."""
    body, _comments = split_comments(markdown)
    blocks: list[str] = []
    prefix = ""
    for token in _PARSER.parse(body):
        if token.type == "list_item_open":
            prefix = f"{token.info}{token.markup} " if token.info else "- "
        elif token.type == "inline":
            blocks.append(("\n" if prefix else "\n\n") + prefix + _plain(token))
            prefix = ""
        elif token.type in ("fence", "code_block"):
            blocks.append("\n\n" + token.content.rstrip("\n"))
    return "".join(blocks).strip() + "\n"


def _plain(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "image"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


# --- html -----------------------------------------------------------------------------------


def markdown_to_html(markdown: str, *, title: str) -> str:
    """The memo as a complete HTML5 page (Swedish, A4 print CSS); raw HTML in it is escaped."""
    body, comments = split_comments(markdown)
    notes = "".join(
        f'<p class="kontrollera">{html.escape(NOTE_PREFIX + text)}</p>\n' for text in comments
    )
    return (
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{_CSS}</style>\n</head>\n<body>\n"
        f"<main>\n{notes}{_PARSER.render(body)}</main>\n</body>\n</html>\n"
    )


# --- docx -----------------------------------------------------------------------------------


def markdown_to_docx(
    markdown: str, *, template: Path, title: str, comments: Sequence[str] = ()
) -> bytes:
    """The memo as the bytes of a .docx built on `template`, notes for the officer on top."""
    body, found = split_comments(_clean(markdown))
    doc = Document(io.BytesIO(_template_bytes(template)))
    _empty_body(doc)
    _set_language(doc)
    doc.core_properties.title = _clean(title)
    doc.core_properties.language = LANGUAGE
    writer = _Writer(doc, Styles(doc), Numbering(doc))
    for text in [*comments, *found]:
        writer.note(_clean(text))
    for token in _PARSER.parse(body):
        writer.block(token)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _template_bytes(template: Path) -> bytes:
    """The template file's bytes, read again only when the file changes."""
    stat = template.stat()
    return _read_template(template.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_template(path: Path, _mtime_ns: int, _size: int) -> bytes:
    return path.read_bytes()


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _empty_body(doc: DocumentObject) -> None:
    """Remove the template's body content; keep the final section properties."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _set_language(doc: DocumentObject) -> None:
    """`w:lang w:val="sv-SE"` in the Normal style's run properties (Swedish proofing)."""
    style = Styles(doc).find("Normal")
    if style is None:
        return
    set_run_language(style.element.get_or_add_rPr(), LANGUAGE)


@dataclass
class _List:
    style_id: str
    num_id: int
    level: int
    first_in_item: bool = False


@dataclass
class _Writer:
    """Appends the Markdown block tokens to the document as Word paragraphs."""

    doc: DocumentObject
    styles: Styles
    numbering: Numbering
    lists: list[_List] = field(default_factory=list)
    quotes: int = 0
    paragraph: Paragraph | None = None

    def note(self, text: str) -> None:
        self.doc.add_paragraph().add_run(NOTE_PREFIX + text).italic = True

    def block(self, token: Token) -> None:
        kind = token.type
        if kind == "heading_open":
            level = min(max(int(token.tag[1:]), 1), 4)
            self.paragraph = self._paragraph(self.styles.heading(level))
        elif kind == "paragraph_open":
            self.paragraph = self._body_paragraph()
        elif kind == "inline" and self.paragraph is not None:
            _add_inline(self.paragraph, token.children or [])
        elif kind in ("heading_close", "paragraph_close"):
            self.paragraph = None
        elif kind in ("bullet_list_open", "ordered_list_open"):
            self.lists.append(self._open_list(token))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open" and self.lists:
            self.lists[-1].first_in_item = True
        elif kind in ("blockquote_open", "blockquote_close"):
            self.quotes += 1 if kind == "blockquote_open" else -1
        elif kind in ("fence", "code_block"):
            self._code(token.content)

    def _paragraph(self, style_id: str | None) -> Paragraph:
        paragraph = self.doc.add_paragraph()
        if style_id:
            paragraph._p.style = style_id
        return paragraph

    def _body_paragraph(self) -> Paragraph:
        """A paragraph styled by where it stands: list item, quote or plain text."""
        if not self.lists:
            return self._paragraph(self.styles.optional("Quote") if self.quotes else None)
        current = self.lists[-1]
        if not current.first_in_item:
            return self._paragraph(self.styles.optional("List Continue"))
        current.first_in_item = False
        paragraph = self._paragraph(current.style_id)
        set_num_pr(paragraph._p.get_or_add_pPr(), current.num_id, current.level)
        return paragraph

    def _open_list(self, token: Token) -> _List:
        """A bullet list numbers with its style's list; a numbered list gets its own `w:num`
        so that it restarts (at 1, or where the Markdown list starts)."""
        level = min(len(self.lists), 8)
        if token.type == "bullet_list_open":
            style_id, style = self.styles.list_style("List Bullet")
            return _List(style_id, self.numbering.style_num_id(style, "bullet"), level)
        style_id, style = self.styles.list_style("List Number")
        abstract = self.numbering.abstract_of(self.numbering.style_num_id(style, "decimal"))
        start = int(token.attrs.get("start", 1))
        return _List(style_id, self.numbering.new_num(abstract, level=level, start=start), level)

    def _code(self, content: str) -> None:
        paragraph = self._paragraph(None)
        for number, line in enumerate(content.rstrip("\n").split("\n")):
            run = paragraph.add_run()
            if number:
                run.add_break()
            run.text = line
            run.font.name = CODE_FONT


def _add_inline(paragraph: Paragraph, children: Sequence[Token]) -> None:
    """Runs for an inline token's children: text, bold, italic, code, breaks, link targets."""
    bold = italic = 0
    link: str | None = None
    link_text: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "image"):
            run = paragraph.add_run(child.content)
            run.bold, run.italic = bold > 0 or None, italic > 0 or None
            if kind == "code_inline":
                run.font.name = CODE_FONT
            link_text.append(child.content)
        elif kind == "softbreak":
            paragraph.add_run(" ")
        elif kind == "hardbreak":
            paragraph.add_run().add_break()
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind == "strong_open" else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind == "em_open" else -1
        elif kind == "link_open":
            link, link_text = str(child.attrs.get("href", "")), []
        elif kind == "link_close" and link:
            if link not in ("".join(link_text), f"mailto:{''.join(link_text)}"):
                paragraph.add_run(f" ({link})")
            link = None
