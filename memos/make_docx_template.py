"""Run to regenerate memos/templates/memo.docx, the default Word template for decision memos.

    .venv/bin/python memos/make_docx_template.py

The template is python-docx's default document made into a plain memo page: A4 portrait,
25 mm margins, "Region Jämtland Härjedalen" right-aligned in the page header, "Sida N av M"
in the footer, Arial 11 pt body text, Arial headings (Heading 1–4), the `List Number` and
`List Bullet` styles and Swedish proofing language. `caseflow.memo.render.markdown_to_docx`
empties the body and keeps everything else, so a region can replace this file with its own
letterhead (saved from Word as .docx).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from caseflow.memo.docx import set_run_language

TARGET = Path(__file__).resolve().parent / "templates" / "memo.docx"
ORGANISATION = "Region Jämtland Härjedalen"
FONT = "Arial"
LANGUAGE = "sv-SE"
MARGIN_MM = 25
HEADING_SIZES = {1: 16, 2: 14, 3: 12, 4: 11}
REQUIRED_STYLES = ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4",
                   "List Number", "List Bullet", "List Continue")  # fmt: skip


def build() -> DocumentObject:
    doc = Document()
    for child in list(doc.element.body):
        if child.tag != qn("w:sectPr"):
            doc.element.body.remove(child)
    _page(doc)
    _fonts(doc)
    _header_and_footer(doc)
    doc.core_properties.title = "Beslutsunderlag"
    doc.core_properties.author = ORGANISATION
    doc.core_properties.last_modified_by = ORGANISATION
    doc.core_properties.comments = ""
    doc.core_properties.language = LANGUAGE
    doc.core_properties.keywords = ""
    doc.core_properties.created = doc.core_properties.modified = datetime.now(UTC).replace(
        microsecond=0
    )
    doc.core_properties.revision = 1
    for name in REQUIRED_STYLES:
        doc.styles[name]  # raises KeyError if python-docx's template lacks it
    return doc


def _page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    section.header_distance = section.footer_distance = Mm(12)


def _fonts(doc: DocumentObject) -> None:
    """Arial everywhere (theme fonts removed, as Word prefers them to a named font), black
    headings, Swedish language on the document defaults and the Normal style."""
    styles: Any = doc.styles
    defaults = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if defaults is not None:
        _set_run_fonts(defaults)
        _set_language(defaults)
    normal = styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    _set_run_fonts(normal.element.get_or_add_rPr())
    _set_language(normal.element.get_or_add_rPr())
    for level, size in HEADING_SIZES.items():
        heading = styles[f"Heading {level}"]
        _set_run_fonts(heading.element.get_or_add_rPr())
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.italic = False
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(4)
    settings = doc.settings.element.find(qn("w:themeFontLang"))
    if settings is not None:
        settings.set(qn("w:val"), LANGUAGE)


def _set_run_fonts(run_props: Any) -> None:
    for old in run_props.findall(qn("w:rFonts")):
        run_props.remove(old)
    fonts = parse_xml(
        f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" '
        f'w:cs="{FONT}"/>'
    )
    style_ref = run_props.find(qn("w:rStyle"))
    if style_ref is not None:
        style_ref.addnext(fonts)
    else:
        run_props.insert(0, fonts)


def _set_language(run_props: Any) -> None:
    set_run_language(run_props, LANGUAGE, east_asia=True)


def _header_and_footer(doc: DocumentObject) -> None:
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = ORGANISATION
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Sida ")
    _add_field(footer, "PAGE")
    footer.add_run(" av ")
    _add_field(footer, "NUMPAGES")


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    """A simple field (`PAGE`, `NUMPAGES`): begin, instruction, separate, shown value, end."""
    parts = (
        '<w:fldChar w:fldCharType="begin"/>',
        f'<w:instrText xml:space="preserve"> {instruction} </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>1</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
    )
    for part in parts:
        paragraph._p.append(parse_xml(f"<w:r {nsdecls('w')}>{part}</w:r>"))


def main() -> None:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    build().save(str(TARGET))
    sys.stdout.write(f"wrote {TARGET}\n")


if __name__ == "__main__":
    main()
