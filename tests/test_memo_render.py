"""Memo Markdown → Word and HTML: real numbered lists, Word headings, the template kept, and
LibreOffice converting the result."""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from caseflow.memo.compose import MEMOS_DIR
from caseflow.memo.render import markdown_text, markdown_to_docx, markdown_to_html
from caseflow.settings import PROJECT_ROOT
from tests.office import convert, soffice, text_of

TEMPLATE = MEMOS_DIR / "templates" / "memo.docx"
MEMO = (PROJECT_ROOT / "tests" / "fixtures" / "seed_003_delegationsbeslut.md").read_text("utf-8")
TWO_LISTS = MEMO + "\n### Förslag\n\n1. Första i nästa lista\n2. Andra i nästa lista\n"


def docx(markdown: str, comments: tuple[str, ...] = ()) -> object:
    return Document(io.BytesIO(markdown_to_docx(markdown, template=TEMPLATE, title="Memo",
                                                comments=comments)))  # fmt: skip


def num_id(paragraph: object) -> str | None:
    ppr = paragraph._p.pPr  # type: ignore[attr-defined]
    found = ppr.find(qn("w:numPr")) if ppr is not None else None
    return None if found is None else found.find(qn("w:numId")).get(qn("w:val"))


def test_headings_numbered_lists_and_template() -> None:
    doc = docx(TWO_LISTS)
    paragraphs = doc.paragraphs  # type: ignore[attr-defined]
    headings = [(p.style.name, p.text) for p in paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 2", "RUN/479/2024")
    assert ("Heading 4", "Ärendebeskrivning") in headings and ("Heading 3", "Beslut") in headings
    numbered = [p for p in paragraphs if p.style.name == "List Number"]
    assert [p.text[:20] for p in numbered] == [
        "Region Jämtland Härj", "Ansökan om medfinans", "Första i nästa lista",
        "Andra i nästa lista",
    ]  # fmt: skip
    ids = [num_id(p) for p in numbered]
    assert None not in ids and ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]
    header = doc.sections[0].header  # type: ignore[attr-defined]
    assert "Region Jämtland Härjedalen" in "".join(p.text for p in header.paragraphs)
    lines = paragraphs[0].text.splitlines()
    assert lines[:2] == ["Samhällsutveckling", "Sebastian Becker"]


def test_comments_become_notes_not_text() -> None:
    doc = docx("<!-- slutdatum före memots datum -->\n" + MEMO, comments=("extra kontroll",))
    texts = [p.text for p in doc.paragraphs]  # type: ignore[attr-defined]
    assert "Att kontrollera: extra kontroll" in texts
    assert "Att kontrollera: slutdatum före memots datum" in texts
    assert not any("<!--" in t for t in texts)


def test_html_and_plain_text() -> None:
    html = markdown_to_html(MEMO + "\n<script>alert(1)</script>\n", title="Memo <1>")
    assert "<ol>" in html and "<h2>RUN/479/2024</h2>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<title>Memo &lt;1&gt;</title>" in html
    plain = markdown_text(MEMO)
    assert "1. Region Jämtland Härjedalen avsätter" in plain and "2. Ansökan" in plain


def test_libreoffice_converts_the_memo(tmp_path: Path) -> None:
    soffice()
    source = tmp_path / "memo.docx"
    source.write_bytes(markdown_to_docx(MEMO, template=TEMPLATE, title="Memo"))
    assert convert(source, "pdf").read_bytes().startswith(b"%PDF")
    text = text_of(source)
    # LibreOffice writes the list numbers out: the numbering is real, not typed text.
    assert re.search(r"^\s*1\.\s+Region Jämtland Härjedalen avsätter", text, re.M), text
    assert re.search(r"^\s*2\.\s+Ansökan om medfinansiering", text, re.M), text
