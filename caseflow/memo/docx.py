"""Word parts a memo needs: its paragraph styles and the numbering part (real numbered lists).

Split from `memo_render` (which builds the document); both work on python-docx's XML.
"""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart
from docx.shared import Pt

HEADING_SIZES = {1: 16, 2: 14, 3: 12, 4: 11}
#: The `w:pPr` children that come before `w:numPr`.
_BEFORE_NUM_PR = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl")


class Styles:
    """Paragraph style ids by name; built-in styles the template lacks are added plainly (a
    letterhead saved from Word often holds only the styles it used)."""

    def __init__(self, doc: DocumentObject) -> None:
        self._styles: Any = doc.styles
        self._ids: dict[str, str | None] = {}

    def find(self, name: str) -> Any:
        try:
            return self._styles[name]
        except KeyError:
            return None

    def optional(self, name: str) -> str | None:
        """The style id of `name`, or None if the template has no such style."""
        if name not in self._ids:
            style = self.find(name)
            self._ids[name] = None if style is None else str(style.style_id)
        return self._ids[name]

    def heading(self, level: int) -> str:
        name = f"Heading {level}"
        if self.optional(name) is None:
            style = self._add(name)
            style.font.bold = True
            style.font.size = Pt(HEADING_SIZES[level])
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.space_before = Pt(12)
            style.element.get_or_add_pPr().append(
                parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="{level - 1}"/>')
            )
        return self._ids[name] or ""

    def list_style(self, name: str) -> tuple[str, Any]:
        """The id and style object of `List Number` or `List Bullet`, added if missing."""
        if self.optional(name) is None:
            self._add(name)
        return self._ids[name] or "", self.find(name)

    def _add(self, name: str) -> Any:
        style = self._styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        normal = self.find("Normal")
        if normal is not None:
            style.base_style = normal
        self._ids[name] = str(style.style_id)
        return style


class Numbering:
    """The numbering part: a new `w:num` per numbered list, definitions added when missing."""

    def __init__(self, doc: DocumentObject) -> None:
        try:
            part = doc.part.part_related_by(RELATIONSHIP_TYPE.NUMBERING)
            self._root: Any = part.element  # type: ignore[attr-defined]  # an XmlPart
        except KeyError:
            self._root = parse_xml(f"<w:numbering {nsdecls('w')}/>")
            uri = PackURI("/word/numbering.xml")
            package = doc.part.package
            assert package is not None
            part = NumberingPart(uri, CONTENT_TYPE.WML_NUMBERING, self._root, package)
            doc.part.relate_to(part, RELATIONSHIP_TYPE.NUMBERING)

    def style_num_id(self, style: Any, fmt: str) -> int:
        """The numId the style numbers with; if it has none, a new `fmt` list is attached."""
        current = style
        while current is not None:
            found = current.element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
            if found and self._root.xpath(f'./w:num[@w:numId="{found[0]}"]'):
                return int(found[0])
            current = current.base_style
        num_id = self.new_num(self._new_abstract(fmt))
        set_num_pr(style.element.get_or_add_pPr(), num_id, None)
        return num_id

    def abstract_of(self, num_id: int) -> int:
        return int(self._root.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')[0])

    def new_num(self, abstract_id: int, *, level: int = 0, start: int | None = None) -> int:
        """A new `w:num` on `abstract_id`, restarting `level` at `start` if given."""
        num_id = max((int(v) for v in self._root.xpath("./w:num/@w:numId")), default=0) + 1
        override = (
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            if start is not None
            else ""
        )
        num = parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
        )
        cleanup = self._root.find(qn("w:numIdMacAtCleanup"))
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            self._root.append(num)
        return num_id

    def _new_abstract(self, fmt: str) -> int:
        """A nine-level decimal or bullet definition, for templates without one."""
        ids = self._root.xpath("./w:abstractNum/@w:abstractNumId")
        abstract_id = max((int(v) for v in ids), default=-1) + 1
        levels = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{"•" if fmt == "bullet" else f"%{i + 1}."}"/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="360"/>'
            "</w:pPr></w:lvl>"
            for i in range(9)
        )
        definition = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>'
        )
        later = [c for c in self._root if c.tag in (qn("w:num"), qn("w:numIdMacAtCleanup"))]
        if later:
            later[0].addprevious(definition)
        else:
            self._root.append(definition)
        return abstract_id


def set_num_pr(properties: Any, num_id: int, level: int | None) -> None:
    """Put `w:numPr` in paragraph (or style) properties, where the schema orders it."""
    for old in properties.findall(qn("w:numPr")):
        properties.remove(old)
    ilvl = "" if level is None else f'<w:ilvl w:val="{level}"/>'
    num_pr = parse_xml(f'<w:numPr {nsdecls("w")}>{ilvl}<w:numId w:val="{num_id}"/></w:numPr>')
    before = [qn(f"w:{tag}") for tag in _BEFORE_NUM_PR]
    later = [child for child in properties if child.tag not in before]
    if later:
        later[0].addprevious(num_pr)
    else:
        properties.append(num_pr)


def set_run_language(run_props: Any, language: str, *, east_asia: bool = False) -> None:
    """Replace `w:lang` in run properties, placed before the few elements the schema orders
    after it."""
    for old in run_props.findall(qn("w:lang")):
        run_props.remove(old)
    extra = f' w:eastAsia="{language}"' if east_asia else ""
    lang = parse_xml(f'<w:lang {nsdecls("w")} w:val="{language}"{extra}/>')
    later = [qn(f"w:{tag}") for tag in ("eastAsianLayout", "specVanish", "oMath")]
    following = [child for child in run_props if child.tag in later]
    if following:
        following[0].addprevious(lang)
    else:
        run_props.append(lang)
