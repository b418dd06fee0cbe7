"""Use cases of the national compilation: import a year (all or nothing; a new import of the same
year replaces that year's entries in one transaction), list and search the entries (region,
section, words: Swedish full text), the own region's entries beside the others', and the
entries as a spreadsheet.

Words: each word of the query must begin a word of the entry's region or text (prefix match).
SQLite searches the FTS5 table `national_results_search` (`unicode61`: Å/Ä/Ö case-folded, kept
apart from A/O); PostgreSQL the GIN index on `to_tsvector('swedish', …)` (Swedish stemming, so
"insatserna" also finds "insats"; Swedish stop words such as "och" are not indexed there, so a
search of stop words alone finds nothing on PostgreSQL and every entry holding them on SQLite).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from sqlalchemy import ColumnElement, delete, func, insert, select, text
from sqlalchemy.engine import Connection, CursorResult

from caseflow.clock import Clock
from caseflow.errors import InputError
from caseflow.results.defaults import DEFAULT_REGION
from caseflow.results.national import QUESTION_TEXT, REGIONS, parse_compilation, region_key
from caseflow.results.national_export import ExportRow, render_export
from caseflow.results.national_models import KINDS, NONE, PG_VECTOR, PROSE, ROW, NationalResult
from caseflow.store.db import Database

TABLE = NationalResult.__table__  # type: ignore[attr-defined]
_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 10


@dataclass(frozen=True)
class ImportSummary:
    year: int
    rows: dict[int, dict[str, int]]  # section → region → table rows (regions in order)
    no_tabular: dict[int, list[str]]  # section → regions with "inga insatser i tabellform"
    prose: int
    regions: list[str]
    replaced: int  # entries of the same year that the import replaced
    notes: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(sum(by_region.values()) for by_region in self.rows.values())


@dataclass(frozen=True)
class NationalEntry:
    year: int
    kind: str  # row | none | prose
    section: int
    region: str
    position: int
    line: int
    question: str
    insats: str
    prestationer: str
    effekter: str
    mal: str
    text: str
    own: bool = False  # the settings' own region (results.defaults.DEFAULT_REGION)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["question_text"] = QUESTION_TEXT.get(self.question, "")
        return data

    def export_row(self) -> ExportRow:
        return ExportRow(self.year, self.section, self.kind, self.region, self.question,
                         self.insats, self.prestationer, self.effekter, self.mal, self.text,
                         self.line)  # fmt: skip


@dataclass(frozen=True)
class NationalListing:
    year: int | None  # None: nothing imported
    years: list[int]
    entries: list[NationalEntry]
    own_region: str

    def beside(self) -> tuple[list[NationalEntry], list[NationalEntry]]:
        """The own region's entries and the others', each in the compilation's order."""
        return [e for e in self.entries if e.own], [e for e in self.entries if not e.own]


def own_region() -> str:
    """The compilation's name of the settings' own region ("Jämtland Härjedalen")."""
    return region_key(DEFAULT_REGION) or DEFAULT_REGION


def import_compilation(
    *, db: Database, text_: str, source: str, actor: str, clock: Clock, year: int | None = None
) -> ImportSummary:
    """Parse and store the compilation; the year's earlier entries are replaced. Raises
    InputError (file and line) before anything is written when the text cannot be read."""
    parsed = parse_compilation(text_, source=source)
    year = year if year is not None else parsed.year
    if year is None:
        raise InputError(
            f"{source or 'texten'}: året som redovisas framgår inte; ange det (--year)"
        )
    if not 2000 <= year <= 2100:
        raise InputError(f"ogiltigt år {year}; skriv t.ex. 2023")
    now = clock.now()
    values: list[dict[str, Any]] = []
    common = {"year": year, "source": source[-300:], "imported_by": actor, "imported_at": now}
    for row in parsed.rows:
        values.append({**common, "kind": NONE if row.no_table else ROW, "section": row.section,
                       "region": row.region, "line": row.line, "question": "",
                       "insats": row.insats, "prestationer": row.prestationer,
                       "effekter": row.effekter, "mal": row.mal, "text": row.text})  # fmt: skip
    for prose in parsed.prose:
        empty = {"insats": "", "prestationer": "", "effekter": "", "mal": ""}
        where = {"section": 8, "region": prose.region, "line": prose.line}
        values.append({**common, **empty, **where, "kind": PROSE, "question": prose.question,
                       "text": prose.text})  # fmt: skip
    values.sort(key=lambda v: int(v["line"]))
    for position, value in enumerate(values, start=1):
        value["position"] = position
    with db.write() as session:
        gone = cast(CursorResult[Any], session.execute(delete(TABLE).where(TABLE.c.year == year)))
        replaced = gone.rowcount
        if values:
            session.execute(insert(TABLE), values)
        if session.get_bind().dialect.name == "postgresql":
            # the whole table changed: fresh statistics, so the planner takes the GIN index
            session.execute(text("ANALYZE national_results"))
    counts = parsed.counts()
    return ImportSummary(
        year=year,
        rows={n: {r: c[r] for r in REGIONS if c[r]} for n, c in sorted(counts.items()) if n != 8},
        no_tabular=parsed.no_tabular, prose=len(parsed.prose), regions=parsed.regions,
        replaced=int(replaced or 0), notes=parsed.notes,
    )  # fmt: skip


def _words(search: str | None) -> list[str]:
    words = [w.lower() for w in _WORD.findall(search or "")]
    if len(words) > MAX_WORDS:
        raise InputError(f"för många sökord ({len(words)}); högst {MAX_WORDS}")
    return words


def _match(conn: Connection, words: list[str]) -> ColumnElement[bool]:
    if conn.dialect.name == "postgresql":
        query = " & ".join(f"'{w}':*" for w in words)
        clause = text(f"{PG_VECTOR} @@ to_tsquery('swedish'::regconfig, :national_q)")
        return clause.bindparams(national_q=query)  # type: ignore[return-value]
    fts = " AND ".join(f'"{w}"*' for w in words)
    matching = text(
        "SELECT rowid FROM national_results_search WHERE national_results_search MATCH :national_q"
    ).bindparams(national_q=fts)
    return TABLE.c.id.in_(matching)  # type: ignore[no-any-return]


def check_filters(region: str | None, section: int | None) -> str | None:
    """The compilation's name of `region` (None: all). Raises InputError for an unknown region
    or a section outside 1–8."""
    if section is not None and not 1 <= section <= 8:
        raise InputError(f"ogiltigt avsnitt {section}; välj 1–8")
    if region is None or not region.strip():
        return None
    key = region_key(region)
    if key is None:
        raise InputError(f"okänd region {region[:60]!r}; skriv t.ex. {own_region()}")
    return key


def imported_years(*, db: Database) -> list[int]:
    with db.reading() as conn:
        found = conn.execute(select(TABLE.c.year).distinct().order_by(TABLE.c.year.desc()))
        return [int(y) for y in found.scalars()]


def list_national(
    *, db: Database, year: int | None = None, region: str | None = None,
    section: int | None = None, search: str | None = None, kinds: tuple[str, ...] = KINDS,
    own_first: bool = False,
) -> NationalListing:  # fmt: skip
    """The entries of `year` (default: the latest imported) matching every filter, in the
    compilation's order; with `own_first`, the own region's entries first in each section."""
    key = check_filters(region, section)
    words = _words(search)
    own = own_region()
    years = imported_years(db=db)
    if year is None:
        year = years[0] if years else None
    if year is None:
        return NationalListing(None, years, [], own)
    query = select(TABLE).where(TABLE.c.year == year, TABLE.c.kind.in_(kinds))
    if key is not None:
        query = query.where(TABLE.c.region == key)
    if section is not None:
        query = query.where(TABLE.c.section == section)
    with db.reading() as conn:
        if words:
            query = query.where(_match(conn, words))
        order = [TABLE.c.section]
        if own_first:
            order.append((TABLE.c.region != own).asc())
        query = query.order_by(*order, TABLE.c.position)
        entries = [
            NationalEntry(
                year=r.year,
                kind=r.kind,
                section=r.section,
                region=r.region,
                position=r.position,
                line=r.line,
                question=r.question,
                insats=r.insats,
                prestationer=r.prestationer,
                effekter=r.effekter,
                mal=r.mal,
                text=r.text,
                own=r.region == own,
            )  # fmt: skip
            for r in conn.execute(query)
        ]
    return NationalListing(year, years, entries, own)


def section_counts(*, db: Database, year: int) -> dict[int, Counter[str]]:
    """Per section, the table rows per region stored for `year`."""
    query = (
        select(TABLE.c.section, TABLE.c.region, func.count())
        .where(TABLE.c.year == year, TABLE.c.kind == ROW)
        .group_by(TABLE.c.section, TABLE.c.region)
    )
    found: dict[int, Counter[str]] = {}
    with db.reading() as conn:
        for number, region, count in conn.execute(query):
            found.setdefault(int(number), Counter())[str(region)] = int(count)
    return found


def export_national(listing: NationalListing, fmt: str) -> bytes:
    """The listing's entries as csv or xlsx."""
    return render_export([e.export_row() for e in listing.entries], fmt)
