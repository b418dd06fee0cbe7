"""The portfolio report as a Word document (.docx): A4 landscape, one table per priority group.

Headings use Word's own styles (Title, Heading 1, Heading 2) so the navigation pane and a table
of contents work. Table rows are written as XML in one go: python-docx's `add_row` copies the
previous row each time and is far too slow for thousands of projects.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, Twips

from caseflow.portfolio.render.cells import (
    HEADERS,
    NO_CHANGES,
    NO_PROJECTS,
    WIDTHS,
    diff_heading,
    diff_sections,
    project_cells,
    sections,
)
from caseflow.portfolio.report import PortfolioReport, ReportProject

PAGE_WIDTH_MM = 297
PAGE_HEIGHT_MM = 210
MARGIN_MM = 12
CELL_STYLE = "Tabelltext"
HEADER_FILL = "DDE4EE"
LANGUAGE = "sv-SE"
_TWIPS_PER_MM = 1440 / 25.4
#: Characters XML 1.0 cannot hold (CaseDoc refuses them, but a report may be built directly).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def render_docx(report: PortfolioReport) -> bytes:
    """The whole report as the bytes of a .docx file."""
    doc = Document()
    _set_up(doc, _clean(report.title))
    doc.add_heading(_clean(report.title), level=0)
    doc.add_paragraph(_clean(report.legend))
    doc.add_paragraph().add_run(f"Per {report.as_of.isoformat()}").bold = True
    if report.diff is not None:
        doc.add_heading(_clean(diff_heading(report.diff)), level=1)
        changes = diff_sections(report.diff)
        # Style ids looked up once: python-docx scans every style on each lookup by name.
        bullet = doc.styles["List Bullet"].style_id
        sub_bullet = doc.styles["List Bullet 2"].style_id
        for change in changes:
            doc.add_heading(_clean(change.title), level=2)
            for item in change.items:
                _add_paragraph(doc, item.text, bullet)
                for detail in item.details:
                    _add_paragraph(doc, detail, sub_bullet)
        if not changes:
            doc.add_paragraph(NO_CHANGES)
    if not report.areas:
        doc.add_paragraph(NO_PROJECTS)
    widths = _column_widths()
    for section in sections(report):
        if section.heading is not None:
            doc.add_heading(_clean(section.heading), level=1)
        for table in section.tables:
            if table.heading is not None:
                doc.add_heading(_clean(table.heading), level=2)
            _add_table(doc, table.projects, widths)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _set_up(doc: DocumentObject, title: str) -> None:
    """A4 landscape, Swedish proofing language, a small paragraph style for table cells."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    doc.core_properties.title = title
    doc.core_properties.language = LANGUAGE
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if run_defaults is not None:
            for old in run_defaults.findall(qn("w:lang")):
                run_defaults.remove(old)
            run_defaults.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{LANGUAGE}"/>'))
    style = doc.styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(9)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)


def _add_paragraph(doc: DocumentObject, text: str, style_id: str) -> None:
    doc.add_paragraph(_clean(text))._p.style = style_id


def _column_widths() -> list[int]:
    """Each column's width in twips, sharing the width between the margins by WIDTHS."""
    usable = (PAGE_WIDTH_MM - 2 * MARGIN_MM) * _TWIPS_PER_MM
    return [int(usable * share / sum(WIDTHS)) for share in WIDTHS]


def _add_table(doc: DocumentObject, projects: Iterable[ReportProject], widths: list[int]) -> None:
    table = doc.add_table(rows=0, cols=len(HEADERS))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    tbl = table._tbl
    for column, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Twips(width)  # a Length: a bare int would be read as EMU
    style_id = doc.styles[CELL_STYLE].style_id
    rows = [_row(HEADERS, widths, style_id, header=True)]
    rows += [_row(project_cells(p), widths, style_id, header=False) for p in projects]
    fragment = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>")
    tbl.extend(list(fragment))


def _row(cells: Iterable[str], widths: list[int], style_id: str, *, header: bool) -> str:
    """One `w:tr`: a header row repeats on every page and has bold text on a tinted fill."""
    paragraph_props = f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>'
    run_props = "<w:rPr><w:b/></w:rPr>" if header else ""
    fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>' if header else ""
    run = f'<w:r>{run_props}<w:t xml:space="preserve">'
    parts = ["<w:tr><w:trPr><w:tblHeader/></w:trPr>" if header else "<w:tr>"]
    for text, width in zip(cells, widths, strict=True):
        parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{fill}</w:tcPr>')
        for line in _clean(text).split("\n"):
            parts.append(f"<w:p>{paragraph_props}")
            if line:
                parts.append(f"{run}{escape(line)}</w:t></w:r>")
            parts.append("</w:p>")
        parts.append("</w:tc>")
    parts.append("</w:tr>")
    return "".join(parts)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
