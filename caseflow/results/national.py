"""The national compilation of all 21 regions' results reports (text from a PDF), read as data.

The compilation (reporting year 2023, the older structure) holds one table per section 1–7
("Region | Namn på insats och kort beskrivning | Resultat i form av uppnådda prestationer |
effekter | Mål") and, in section 8, each region's prose on anslag 1:1 under six questions
(8.1–8.6). `parse_compilation(text, source=...)` returns the rows, the prose and which regions
reported "inga insatser i tabellform" in which section.

How the flattened text is read:

- A section starts at a line "N Title" followed by the table's header ("Region Namn på insats
  …"); section 8 by a line "8 Title" followed by a region's heading ("Region Blekinge").
- A row starts at a line beginning with a region's name followed by a capital letter, a digit
  or a mark ("Blekinge Insatser inom …"); a name followed by a small letter ("Skåne ska vara …")
  or after a line ending in a joining word ("… och") is cell text. The compilation lists the
  regions in Swedish alphabetical order, so of the candidates the longest run that never goes
  back in that order is taken (a goal line "Östergötland Bygger …" between Örebro's rows is
  text); each candidate left out is reported in `notes`. After a line ending in a comma, a
  line of the open row's region that goes on a list of names ("…, Energimyndigheten," then
  "Stockholm Exergi, Svenska kraftnät och") is text (`_continues_list`).
- Column splitting is **unreliable**: the PDF-to-text flattening writes each row's cells one
  after another, sometimes two cells on one line, with no mark between them. Every row keeps
  its full `text`; the split beside it is a best effort: `insats` is the first line(s) up to a
  sentence end (the name), `mal` starts at the first line that opens a goal ("Mål i RUS",
  "RUS effektmål", "Bidrar till …"), `effekter` at the first line that opens an effect
  ("Förväntade effekter", "… bedöms bidra till följande effekter", "Egen bedömning", …) before
  that, and `prestationer` is what lies between (with the insats' short description, which
  the text cannot tell from the first prestation). A column with no marker found is empty.
  The columns are reflowed (`reflow`: the PDF's line breaks inside a paragraph joined); `text`
  keeps the PDF's lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from caseflow.errors import InputError

#: The 21 regions as the compilation names them, in its (Swedish alphabetical) order.
REGIONS: tuple[str, ...] = (
    "Blekinge", "Dalarna", "Gotland", "Gävleborg", "Halland", "Jämtland Härjedalen", "Jönköping",
    "Kalmar", "Kronoberg", "Norrbotten", "Skåne", "Stockholm", "Sörmland", "Uppsala", "Värmland",
    "Västerbotten", "Västernorrland", "Västmanland", "Västra Götaland", "Örebro", "Östergötland",
)  # fmt: skip
_ORDER = {name: i for i, name in enumerate(REGIONS)}

#: Section 8's six questions: number, the question's text, and how its heading begins.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("8.1", "Beskrivning av varför regionen har fördelat anslaget mellan projektverksamhet, "
            "regionala företagsstöd och stöd till kommersiell service på det sätt de gjort."),
    ("8.2", "Beskrivning av hur regionen har integrerat ekonomisk, social och miljömässig "
            "hållbarhet i beslut om medel från anslaget till projektverksamhet, regionala "
            "företagsstöd och stöd till kommersiell service."),
    ("8.3", "Beskrivning av hur anslaget har bidragit till att nå målen i den regionala "
            "utvecklingsstrategin."),
    ("8.4", "Beskrivning av hur anslaget har bidragit till att nå målen i nationellt och "
            "regionala program för Regionalfonden."),
    ("8.5", "Beskrivning av hur anslaget har bidragit till att nå målen i Interreg-program."),
    ("8.6", "Beskrivning på vilket sätt olika territoriella perspektiv har beaktats och "
            "påverkat beslut om medel."),
)  # fmt: skip
QUESTION_TEXT = dict(QUESTIONS)

#: The sections of the 2023 compilation (a file's own headings are read with it).
SECTION_TITLES: dict[int, str] = {
    1: "Likvärdiga möjligheter till boende, arbete och välfärd i hela landet",
    2: "Kompetensförsörjning och kompetensutveckling i hela landet",
    3: "Innovation och förnyelse samt entreprenörskap och företagande i hela landet",
    4: "Tillgänglighet i hela landet genom digital kommunikation och transportsystemet",
    5: "Jämställdhet",
    6: "Integration",
    7: "Miljö och klimat",
    8: "Fördelning av anslag 1:1 Regionala utvecklingsåtgärder",
}

_NAMES = "|".join(
    re.escape(n).replace(r"\ ", r"\s+") for n in sorted(REGIONS, key=len, reverse=True)
)  # a name's space may be any white space (a no-break space from the PDF)
_ROW_START = re.compile(rf"^\s*({_NAMES})(?:\s+(\S.*))?$")
_SECTION = re.compile(r"^\s*([1-9])\s+([A-ZÅÄÖ][^\d].*)$")
_TABLE_HEADER = re.compile(r"^\s*Region\s+Namn\s+på\s+insats", re.IGNORECASE)
_HEADER_END = re.compile(r"insatsen\s+ska\s+bidra\s+till\s*$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_NO_TABLE = re.compile(r"inga\s+insatser\s+i\s+tabellform", re.IGNORECASE)
_JOINING = re.compile(
    r"(?:\b(?:och|samt|i|av|för|med|till|inom|mellan|från|på|om|Region|regionerna)|[–-])\s*$"
)
_LISTING = re.compile(r",\s*$")  # "…, Energimyndigheten," then "Stockholm Exergi, …": a list
_NAME_LISTED = re.compile(r"(?:^|[\s(”\"“])[A-ZÅÄÖ][\w&.-]*,\s*$")  # "…, Energimyndigheten,"
_LIST_GOES_ON = re.compile(r",|\b(?:och|samt|eller)\b")  # "Exergi, Svenska kraftnät och"
_CELL_MARK = set('(”"“•-–0123456789')
_Q_PREFIX = (
    ("8.1", re.compile(r"^beskrivning av varför regionen har fördelat", re.IGNORECASE)),
    ("8.2", re.compile(r"^beskrivning av hur regionen har integrerat", re.IGNORECASE)),
    ("8.x", re.compile(r"^beskrivning av hur anslaget har bidragit till att nå målen", re.I)),
    ("8.6", re.compile(r"^beskrivning på vilket sätt olika territoriella", re.IGNORECASE)),
)
_Q_TARGET = (
    ("8.3", re.compile(r"regionala\s+utvecklingsstrategin", re.IGNORECASE)),
    ("8.4", re.compile(r"regionalfonden", re.IGNORECASE)),
    ("8.5", re.compile(r"interreg", re.IGNORECASE)),
)
_MAL = re.compile(  # case-sensitive: "mål." or "utvecklingsstrategin." in a sentence is not one
    r"^(?:Mål(?:\s+(?:i|enligt|för|och|inom)\b|\s*:|\s*$)|Målet\b|RUS\b(?!:en)|"
    r"Regional utvecklingsstrategi|Bidrar till|Insatsen bidrar|Insatserna bidrar|"
    r"Långsiktig[a-z]* mål|Effektmål|Koppling till|Kopplat till|Strategiskt område|"
    r"Prioritering\b|Övergripande mål)"
)
_EFFEKTER = re.compile(
    r"^(?:Förväntade effekter|Effekter\b|Effekt:|Egen bedömning|Svårt att se effekter|"
    r"För tidigt att|På kort sikt|Kort sikt|Region \S+ prestationer bedöms)"
    r"|bedöms bidra till följande effekter",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NationalRow:
    """One row of a section's table (or a region's "inga insatser i tabellform", `no_table`)."""

    section: int
    region: str
    line: int  # where the row starts in the file, from 1
    text: str  # the row's full text after the region's name, line breaks kept
    insats: str
    prestationer: str
    effekter: str
    mal: str
    no_table: bool = False


@dataclass(frozen=True)
class NationalProse:
    """A region's answer to one of section 8's questions."""

    region: str
    question: str  # "8.1" … "8.6"
    line: int
    text: str


@dataclass
class NationalCompilation:
    year: int | None
    sections: dict[int, str] = field(default_factory=dict)  # number → title
    rows: list[NationalRow] = field(default_factory=list)
    prose: list[NationalProse] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was read as text, not as a row

    @property
    def table_rows(self) -> list[NationalRow]:
        return [r for r in self.rows if not r.no_table]

    @property
    def regions(self) -> list[str]:
        found = {r.region for r in self.rows} | {p.region for p in self.prose}
        return [name for name in REGIONS if name in found]

    @property
    def no_tabular(self) -> dict[int, list[str]]:
        """Per section, the regions that reported "inga insatser i tabellform"."""
        found: dict[int, list[str]] = {}
        for row in self.rows:
            if row.no_table:
                found.setdefault(row.section, []).append(row.region)
        return found

    def counts(self) -> dict[int, Counter[str]]:
        """Per section, the table rows per region."""
        found: dict[int, Counter[str]] = {n: Counter() for n in self.sections}
        for row in self.table_rows:
            found[row.section][row.region] += 1
        return found


def region_key(name: str) -> str | None:
    """The compilation's name of a region given as "Region Jämtland Härjedalen", "Jönköpings
    län", "Västra Götalandsregionen", "skåne" …; None for a name that is not a region."""
    text = " ".join(name.split()).strip()
    text = re.sub(r"^region\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"s?\s+län$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"sregionen$", "", text, flags=re.IGNORECASE)
    folded = text.casefold()
    for region in REGIONS:
        if region.casefold() == folded or region.casefold() + "s" == folded:
            return region
    return None


def _where(source: str, line: int | None = None) -> str:
    name = source or "texten"
    return f"{name}: rad {line}" if line else name


def parse_compilation(text: str, *, source: str = "") -> NationalCompilation:
    """Read the compilation. Raises InputError (naming `source` and the line) for a text that is
    empty or holds no section table of the compilation."""
    if not text.strip():
        raise InputError(
            f"{_where(source)}: filen är tom; väntade den nationella sammanställningen"
        )
    if "\x00" in text:
        raise InputError(f"{_where(source)}: filen är inte text")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = _section_starts(lines, source)
    if not any(number != 8 for number, *_ in starts):
        raise InputError(
            f'{_where(source, 1)}: ingen tabell med rubriken "Region Namn på insats …" hittades; '
            "är filen den nationella sammanställningen av regionernas resultatredovisningar?"
        )
    result = NationalCompilation(year=_year(text))
    numbers = {number for number, *_ in starts}
    for missing in sorted(set(range(1, max(numbers) + 1)) - numbers):
        result.notes.append(
            f"avsnitt {missing} hittades inte (ingen rubrik följd av tabellens huvud); dess rader "
            "kan ha lästs in under avsnittet före"
        )
    for i, (number, title, heading, body) in enumerate(starts):
        end = starts[i + 1][2] if i + 1 < len(starts) else len(lines)
        result.sections[number] = title
        if number == 8:
            _read_prose(lines, body, end, result, source)
        else:
            _read_rows(lines, number, heading, body, end, result, source)
    return result


def _year(text: str) -> int | None:
    years = Counter(
        int(m.group(1))
        for m in re.finditer(r"\b(?:under|inför|år)\s+(20\d\d)\b", text, re.IGNORECASE)
    )
    return years.most_common(1)[0][0] if years else None


def _next_text(lines: list[str], start: int, limit: int = 12) -> list[int]:
    """The indexes of the next non-blank lines from `start` (at most `limit` lines looked at)."""
    return [j for j in range(start, min(len(lines), start + limit)) if lines[j].strip()]


def _section_starts(lines: list[str], source: str) -> list[tuple[int, str, int, int]]:
    """(number, title, heading index, body index) per section, in the file's order."""
    found: list[tuple[int, str, int, int]] = []
    seen: dict[int, int] = {}
    for i, line in enumerate(lines):
        match = _SECTION.match(line)
        if not match:
            continue
        number = int(match.group(1))
        following = _next_text(lines, i + 1, 8)
        header = next((j for j in following if _TABLE_HEADER.match(lines[j])), None)
        title_parts = [match.group(2).strip()]
        if header is not None and number != 8:
            title_parts += [lines[j].strip() for j in following if j < header]
            body = next(
                (j + 1 for j in range(header, min(len(lines), header + 40))
                 if _HEADER_END.search(lines[j])),
                header + 1,
            )  # fmt: skip
        elif number == 8 and following and _region_heading(lines[following[0]]):
            body = following[0]
        else:
            continue
        if number in seen:
            raise InputError(
                f"{_where(source, i + 1)}: avsnitt {number} finns redan på rad {seen[number] + 1}"
            )
        seen[number] = i
        found.append((number, " ".join(title_parts), i, body))
    return found


def _region_heading(line: str) -> str | None:
    text = line.strip()
    if not text or len(text) > 40:
        return None
    return region_key(text)


def _clean(block: list[str]) -> list[str]:
    return [ln.strip() for ln in block if ln.strip() and not _PAGE_NUMBER.match(ln)]


def _read_rows(
    lines: list[str], number: int, heading: int, body: int, end: int,
    result: NationalCompilation, source: str,
) -> None:  # fmt: skip
    candidates: list[tuple[int, str, str]] = []  # (index, region, rest of the line)
    previous = ""
    for i in range(body, end):
        line = lines[i]
        if not line.strip():
            continue
        match = _ROW_START.match(line)
        if (
            match
            and match.group(2)
            and _starts_cell(match.group(2))
            and not _JOINING.search(previous)
            and not (
                candidates and candidates[-1][1] == match[1]
                and _continues_list(previous, match.group(2))
            )
        ):  # fmt: skip
            candidates.append((i, " ".join(match.group(1).split()), match.group(2)))
        previous = line.rstrip()
    if not candidates:
        raise InputError(
            f"{_where(source, heading + 1)}: avsnitt {number} har ingen rad som börjar med en "
            "regions namn"
        )
    kept = _in_order(candidates)
    for index, region, _rest in candidates:
        if index not in kept:
            result.notes.append(
                f'rad {index + 1}: "{region} …" i avsnitt {number} lästes som text i cellen '
                "ovanför (regionerna står i bokstavsordning)"
            )
    chosen = [c for c in candidates if c[0] in kept]
    for k, (index, region, rest) in enumerate(chosen):
        stop = chosen[k + 1][0] if k + 1 < len(chosen) else end
        cells = [rest.strip(), *_clean(lines[index + 1 : stop])]
        result.rows.append(_row(number, region, index + 1, cells))


def _continues_list(previous: str, rest: str) -> bool:
    """Whether a line "Region …" after `previous` (a row of the same region is open) goes on
    with a list that `previous` broke off after a comma ("…, Energimyndigheten," then "Stockholm
    Exergi, Svenska kraftnät och"). A list of names is read on when the item before the comma
    is a name or the line itself goes on listing (a comma, "och", "samt", "eller": a Swedish
    list closes with one of them, so a list broken off before its end has it still to come).
    A cell that merely ends in a stray comma ("… och tillgänglighet,") before a row titled
    without either ("Norrbotten OSN IT Norrbotten") lets that row start."""
    if not _LISTING.search(previous):
        return False
    return bool(_NAME_LISTED.search(previous) or _LIST_GOES_ON.search(rest))


def _starts_cell(rest: str) -> bool:
    first = rest[0]
    return first.isupper() or first in _CELL_MARK


def _in_order(candidates: list[tuple[int, str, str]]) -> set[int]:
    """The line indexes of the longest run of candidates whose regions never go back in the
    compilation's order; of runs as long, the one with the most regions (a stray "Blekinge
    Tekniska Högskola …" inside a later region's cell loses to that region's own row)."""
    n = len(candidates)
    ranks = [_ORDER[region] for _index, region, _rest in candidates]
    best: list[tuple[int, int]] = [(1, 1)] * n  # (length, regions) of the best run ending here
    parent = [-1] * n
    for k in range(n):
        for j in range(k):
            if ranks[j] <= ranks[k]:
                length, regions = best[j]
                score = (length + 1, regions + (ranks[j] != ranks[k]))
                if score > best[k]:
                    best[k], parent[k] = score, j
    kept: set[int] = set()
    pos = max(range(n), key=lambda k: (best[k], -k)) if n else -1
    while pos >= 0:
        kept.add(candidates[pos][0])
        pos = parent[pos]
    return kept


def _row(section: int, region: str, line: int, cells: list[str]) -> NationalRow:
    text = "\n".join(cells)
    if _NO_TABLE.search(" ".join(cells)):
        return NationalRow(section, region, line, text, "", "", "", "", no_table=True)
    name_end = 1
    while (
        name_end < min(len(cells), 4)
        and not cells[name_end - 1].endswith((".", ":", "?", "!"))
        and (cells[name_end][:1].islower() or cells[name_end][:1] == "("
             or _JOINING.search(cells[name_end - 1]))
    ):  # fmt: skip
        name_end += 1
    mal_at = next((j for j in range(name_end, len(cells)) if _MAL.match(cells[j])), len(cells))
    effect_at = next((j for j in range(name_end, mal_at) if _EFFEKTER.search(cells[j])), mal_at)
    return NationalRow(
        section=section, region=region, line=line, text=text,
        insats=reflow("\n".join(cells[:name_end])).replace("\n", " "),
        prestationer=reflow("\n".join(cells[name_end:effect_at])),
        effekter=reflow("\n".join(cells[effect_at:mal_at])),
        mal=reflow("\n".join(cells[mal_at:])),
    )  # fmt: skip


_LIST_ITEM = re.compile(r"^(?:[•▪◦·*–-]\s|\d{1,2}[.)]\s)")
_SOFT_HYPHEN_END = re.compile(r"[a-zåäöé]-$")


def reflow(text: str) -> str:
    """The PDF's line breaks inside a paragraph joined: a line runs on into the next unless it
    ends a sentence or a heading (". : ! ?"), the next is a list item ("• …", "- …", "2. …") or
    a short heading ("Mål i RUS:"); a word broken by a hyphen is joined ("utveck-" + "lingen",
    "Malmö-" + "Trelleborg")."""
    out: list[str] = []
    for line in (ln.strip() for ln in text.split("\n")):
        if not line:
            continue
        heading = line.endswith(":") and len(line) <= 40 and line[:1].isupper()  # "Mål i RUS:"
        if (
            out
            and not out[-1].endswith((".", ":", "!", "?"))
            and not _LIST_ITEM.match(line)
            and not heading
        ):
            if _SOFT_HYPHEN_END.search(out[-1]):
                # "utveck-" + "lingen": a broken word; "Malmö-" + "Trelleborg": a compound
                out[-1] = (out[-1][:-1] if line[:1].islower() else out[-1]) + line
            else:
                out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _question_at(lines: list[str], i: int, end: int) -> tuple[str, int] | None:
    """The question whose heading starts at line `i`, and the index after its heading."""
    text = " ".join(lines[i].split())
    for number, prefix in _Q_PREFIX:
        if not prefix.match(text):
            continue
        heading = [text]
        j = i + 1
        while not heading[-1].rstrip().endswith((".", "?")) and j < end and len(heading) < 6:
            if lines[j].strip():
                heading.append(" ".join(lines[j].split()))
            j += 1
        if number == "8.x":
            joined = " ".join(heading)
            number = next((n for n, pattern in _Q_TARGET if pattern.search(joined)), "")
            if not number:
                return None
        return number, j
    return None


def _read_prose(
    lines: list[str], body: int, end: int, result: NationalCompilation, source: str
) -> None:
    region: str | None = None
    question: str | None = None
    block: list[str] = []
    start = body

    def flush() -> None:
        if region is not None and question is not None:
            result.prose.append(
                NationalProse(region, question, start + 1, "\n".join(_clean(block)))
            )
        elif region is not None and _clean(block):
            result.notes.append(f"rad {start + 1}: text under {region} före första frågan")

    i = body
    while i < end:
        line = lines[i]
        heading = _region_heading(line)
        following = _next_text(lines, i + 1, 8) if heading else []
        asks = _question_at(lines, following[0], end) if following else None
        # A region's answers start the questions anew ("Region Kronoberg" in a list of partners
        # just before the next question of the same region is text).
        if heading and asks and (question is None or asks[0] <= question):
            flush()
            region, question, block, start = heading, None, [], i
            i += 1
            continue
        asked = _question_at(lines, i, end) if region is not None else None
        if asked:
            flush()
            question, block, start = asked[0], [], i
            i = asked[1]
            continue
        if region is None and line.strip():
            raise InputError(
                f"{_where(source, i + 1)}: avsnitt 8 börjar inte med en regions rubrik "
                '(t.ex. "Region Blekinge")'
            )
        block.append(line)
        i += 1
    flush()
