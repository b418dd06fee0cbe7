"""The case list behind the web list, the board and the API: filter, search, sort, page.

SQLAlchemy Core on one connection (no ORM objects): a page of 50 among 100,000 cases is one
indexed query plus one count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.engine import Connection

from caseflow.cases.search import WORD_COLUMNS, parse_query, search_condition, words_match
from caseflow.domain.checks import check_text
from caseflow.errors import InputError
from caseflow.records.models import SecrecyMark
from caseflow.store.models import Case, CaseFunder
from caseflow.store.prepared import CursorTransaction, Prepared

CASES = Case.__table__  # type: ignore[attr-defined]
FUNDERS = CaseFunder.__table__  # type: ignore[attr-defined]
MARKS = SecrecyMark.__table__  # type: ignore[attr-defined]
#: The filters on a column a secrecy mark may cover: for a searcher who may not see marked
#: fields (`masked=True`), a case whose filtered column is marked is not among the matches.
MARKABLE_FILTERS = ("area", "owner", "handlaggare")

SORTS: dict[str, tuple[Any, ...]] = {
    "diarienummer": (CASES.c.dnr_year, CASES.c.dnr_prefix, CASES.c.dnr_serial),
    "title": (CASES.c.title, CASES.c.id),
    "stage": (CASES.c.stage, CASES.c.id),
    "handlaggare": (CASES.c.handlaggare, CASES.c.id),
    "end_date": (CASES.c.end_date, CASES.c.id),
    "updated": (CASES.c.updated_at, CASES.c.id),
}
#: The sorts on a column a secrecy mark may cover: for a searcher who may not see marked fields
#: (`masked=True`) a case whose sort column is marked sorts as if its value were the mask — all
#: such cases last, in diarienummer order — and not where its hidden value would place it.
MARKABLE_SORTS = ("title", "handlaggare", "end_date")
PER_PAGE = 50
#: Counting stops this many rows past the current page: an exact count of a broad filter over
#: 100,000 cases costs more than the page itself; beyond it the total is a lower bound.
COUNT_AHEAD = 1000
MAX_PER_PAGE = 200
MAX_QUERY = 200
#: The filters as the list's form names them (errors name the field, not its parameter).
FILTER_LABELS: dict[str, str] = {
    "q": "Sök", "stage": "Steg", "area": "Område", "funder": "Finansiär", "owner": "Projektägare",
    "handlaggare": "Handläggare",
}  # fmt: skip
SORT_LABELS: dict[str, str] = {
    "diarienummer": "diarienummer", "title": "projekt", "stage": "steg",
    "handlaggare": "handläggare", "end_date": "slutdatum", "updated": "senast ändrat",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CaseFilter:
    q: str | None = None
    stage: str | None = None
    area: str | None = None
    funder: str | None = None
    owner: str | None = None
    handlaggare: str | None = None
    sort: str = "diarienummer"
    descending: bool = False
    page: int = 1
    per_page: int = PER_PAGE

    def checked(self) -> CaseFilter:
        """Raises InputError on an unknown sort key, a bad page or an over-long search."""
        if self.sort not in SORTS:
            raise InputError(f"okänd sortering; sortera efter {', '.join(SORT_LABELS.values())}")
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InputError(f"sidan måste vara 1 eller mer, med 1–{MAX_PER_PAGE} rader per sida")
        for name, label in FILTER_LABELS.items():
            value = getattr(self, name)
            if value is not None:
                check_text(value, field=label, max_length=MAX_QUERY)
        return self


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs 6× (50 a page)
class CaseRow:
    id: int
    diarienummer: str
    title: str
    stage: str
    outcome: str | None
    area: str | None
    owner: str | None
    handlaggare: str | None
    end_date: date | None
    total_budget_sek: int | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    filter: CaseFilter
    total_exact: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.filter.per_page))


_COLUMNS = (
    CASES.c.id, CASES.c.dnr_prefix, CASES.c.dnr_serial, CASES.c.dnr_year, CASES.c.title,
    CASES.c.stage, CASES.c.outcome, CASES.c.area, CASES.c.owner, CASES.c.handlaggare,
    CASES.c.end_date, CASES.c.total_budget_sek, CASES.c.updated_at,
)  # fmt: skip


def _marked(names: Sequence[str]) -> ColumnElement[bool]:
    """The case has a field mark in force on one of the columns `names`."""
    return exists().where(
        MARKS.c.case_id == CASES.c.id, MARKS.c.handling_id.is_(None),
        MARKS.c.lifted_at.is_(None), MARKS.c.field.in_(list(names)),
    )  # fmt: skip


def _order(f: CaseFilter, *, masked: bool) -> list[Any]:
    """The ORDER BY of `f`'s sort (see `MARKABLE_SORTS` for `masked`)."""
    columns = SORTS[f.sort]
    if not (masked and f.sort in MARKABLE_SORTS):
        return [c.desc() if f.descending else c.asc() for c in columns]
    hidden = CASES.c.id.in_(  # not correlated: the few marked ids are looked up once
        select(MARKS.c.case_id).where(
            MARKS.c.handling_id.is_(None), MARKS.c.lifted_at.is_(None), MARKS.c.field == f.sort
        )
    )
    value, tiebreak = columns
    shown_value = case((hidden, None), else_=value)
    shown = shown_value.desc() if f.descending else shown_value.asc()
    dnr = [case((hidden, c), else_=None).asc() for c in SORTS["diarienummer"]]
    last = case((hidden, literal(1)), else_=literal(0)).asc()
    return [last, shown, *dnr, tiebreak.desc() if f.descending else tiebreak.asc()]


def _unseen_matches(conn: Connection, q: str, match: ColumnElement[bool]) -> list[int]:
    """The cases `match` (the search `q`) finds only by words in their marked fields: each
    marked case among the matches is checked again against the text left when its marked
    fields are taken out (diarienummer fragments search no markable field)."""
    terms = parse_query(q)
    if not terms.words:
        return []
    marked = select(MARKS.c.case_id).where(
        MARKS.c.handling_id.is_(None), MARKS.c.lifted_at.is_(None),
        MARKS.c.field.in_(WORD_COLUMNS),
    )  # fmt: skip
    ids = sorted({int(i) for i in conn.execute(marked).scalars()})
    if not ids:  # driven by the few marked cases, not by the (maybe broad) matches
        return []
    columns = [CASES.c[name] for name in WORD_COLUMNS]
    stmt = select(CASES.c.id, CASES.c.notes_text, *columns).where(CASES.c.id.in_(ids), match)
    rows = conn.execute(stmt).all()
    if not rows:
        return []
    hidden: dict[int, set[str]] = {}
    marks = select(MARKS.c.case_id, MARKS.c.field).where(
        MARKS.c.case_id.in_([r[0] for r in rows]), MARKS.c.handling_id.is_(None),
        MARKS.c.lifted_at.is_(None),
    )  # fmt: skip
    for case_id, field in conn.execute(marks):
        hidden.setdefault(int(case_id), set()).add(str(field))
    unseen: list[int] = []
    for row in rows:
        shut = hidden.get(int(row[0]), set())
        texts = [v for name, v in zip(WORD_COLUMNS, row[2:], strict=True) if name not in shut]
        if not words_match(terms, [row[1], *texts]):
            unseen.append(int(row[0]))
    return unseen


def _conditions(
    f: CaseFilter, conn: Connection, *, masked: bool = False
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    for name in ("stage", "area", "owner", "handlaggare"):
        value = getattr(f, name)
        if value:
            where.append(CASES.c[name] == value)
            if masked and name in MARKABLE_FILTERS:
                where.append(~_marked([name]))
    if f.funder:
        where.append(
            exists().where(and_(FUNDERS.c.case_id == CASES.c.id, FUNDERS.c.code == f.funder))
        )
    q = (f.q or "").strip()
    if q:
        match = search_condition(q, conn, CASES.c.id)
        where.append(match)
        if masked:
            unseen = _unseen_matches(conn, q, match)
            if unseen:
                where.append(CASES.c.id.not_in(unseen))
    return where


def search_ids(conn: Connection, q: str, *, masked: bool = False) -> set[int]:
    """The ids of every case matching the search `q` (see `caseflow.cases.search`); with
    `masked`, for a searcher who may not see marked fields: not a case found only by words in
    its marked fields.

    Raises:
        InputError: `q` is empty, too long or holds control characters.
    """
    q = check_text(q, field="sökningen", max_length=MAX_QUERY)
    if not q:
        raise InputError("sökningen är tom; skriv ett diarienummer eller ett ord")
    stmt = select(CASES.c.id).where(*_conditions(CaseFilter(q=q), conn, masked=masked))
    return {int(i) for i in conn.execute(stmt).scalars()}


def find_cases(conn: Connection, f: CaseFilter, *, masked: bool = False) -> CasePage:
    """One page of the cases matching `f`, and how many match in all; with `masked`, for a
    searcher who may not see marked fields (not a case found only by their values).

    Without a search the two statements are prebuilt per filter shape (which filters, sort,
    order) and run on the connection's DBAPI cursor in its transaction (`store.prepared`);
    a search (or a masked filter on a markable column) builds them per request.

    Raises:
        InputError: see `CaseFilter.checked`.
    """
    f = f.checked()
    guarded = masked and any(getattr(f, name) for name in MARKABLE_FILTERS)
    if not (f.q or "").strip() and not guarded:
        return _find_prepared(conn, f, masked=masked and f.sort in MARKABLE_SORTS)
    where = _conditions(f, conn, masked=masked)
    order = _order(f, masked=masked)
    stmt: Select[Any] = (
        select(*_COLUMNS)
        .where(*where)
        .order_by(*order)
        .limit(f.per_page)
        .offset((f.page - 1) * f.per_page)
    )
    rows = [_row(r) for r in conn.execute(stmt)]
    if f.page == 1 and len(rows) < f.per_page:
        return CasePage(rows, len(rows), f)
    cap = (f.page - 1) * f.per_page + COUNT_AHEAD + 1
    capped = select(CASES.c.id).where(*where).limit(cap).subquery()
    total = int(conn.execute(select(func.count()).select_from(capped)).scalar_one())
    return _page(rows, total, cap, f)


def _page(rows: list[CaseRow], total: int, cap: int, f: CaseFilter) -> CasePage:
    if total == cap:
        return CasePage(rows, total - 1, f, total_exact=False)
    return CasePage(rows, total, f)


_PLAIN_FILTERS = ("stage", "area", "owner", "handlaggare")
#: (filters given, funder given, sort, descending, masked sort) → (page statement, capped count)
_Key = tuple[tuple[str, ...], bool, str, bool, bool]
_PREPARED: dict[_Key, tuple[Prepared, Prepared]] = {}


def _statements(key: _Key) -> tuple[Prepared, Prepared]:
    found = _PREPARED.get(key)
    if found is None:
        names, funder, sort, descending, masked = key
        where: list[ColumnElement[bool]] = [CASES.c[n] == bindparam(n) for n in names]
        if funder:
            where.append(exists().where(and_(FUNDERS.c.case_id == CASES.c.id,
                                             FUNDERS.c.code == bindparam("funder"))))  # fmt: skip
        order = _order(CaseFilter(sort=sort, descending=descending), masked=masked)
        page = (
            select(*_COLUMNS).where(*where).order_by(*order)
            .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))
        )  # fmt: skip
        capped = select(CASES.c.id).where(*where).limit(bindparam("cap", type_=Integer))
        count = select(func.count()).select_from(capped.subquery())
        found = _PREPARED[key] = (Prepared(page), Prepared(count))
    return found


def _rows(tx: CursorTransaction, stmt: Prepared, params: dict[str, Any]) -> list[CaseRow]:
    """The page's rows, each converted once: only the end date (SQLite) and the last change
    have result processors, applied here in place of `Prepared.row`'s copy of every row."""
    compiled = stmt.compiled(tx.dialect)
    end, changed = compiled.results[10], compiled.results[12]
    if {i for i, _ in compiled.converted} - {10, 12}:
        found = tx.all(stmt, params)  # another column converted: the general way
        end = changed = None
    else:
        tx.cursor.execute(compiled.sql, compiled.arguments(params))
        found = tx.cursor.fetchall()
    return [
        CaseRow(r[0], f"{r[1]}/{r[2]}/{r[3]}", r[4], r[5], r[6], r[7], r[8], r[9],
                end(r[10]) if end else r[10], r[11], changed(r[12]) if changed else r[12])
        for r in found
    ]  # fmt: skip


def _find_prepared(conn: Connection, f: CaseFilter, *, masked: bool) -> CasePage:
    names = tuple(n for n in _PLAIN_FILTERS if getattr(f, n))
    page_stmt, count_stmt = _statements((names, bool(f.funder), f.sort, f.descending, masked))
    params: dict[str, Any] = {n: getattr(f, n) for n in names}
    if f.funder:
        params["funder"] = f.funder
    cursor = conn.connection.cursor()  # the DBAPI connection, in `conn`'s transaction
    try:
        tx = CursorTransaction(cursor, conn.dialect)
        rows = _rows(tx, page_stmt, {**params, "limit": f.per_page,
                                     "offset": (f.page - 1) * f.per_page})  # fmt: skip
        if f.page == 1 and len(rows) < f.per_page:
            return CasePage(rows, len(rows), f)
        cap = (f.page - 1) * f.per_page + COUNT_AHEAD + 1
        counted = tx.first(count_stmt, {**params, "cap": cap})
    finally:
        cursor.close()
    assert counted is not None
    return _page(rows, int(counted[0]), cap, f)


#: The most cases one download of the list holds.
MAX_EXPORT = 100_000


def matching_ids(
    conn: Connection, f: CaseFilter, *, limit: int = MAX_EXPORT, masked: bool = False
) -> list[int]:
    """Every case matching `f` (its page ignored), in the list's order: what a download holds
    (`masked`: as in `find_cases`).

    Raises:
        InputError: see `CaseFilter.checked`.
    """
    f = f.checked()
    order = _order(f, masked=masked)
    where = _conditions(f, conn, masked=masked)
    stmt = select(CASES.c.id).where(*where).order_by(*order).limit(limit)
    return [int(i) for i in conn.execute(stmt).scalars()]


def _row(r: Any) -> CaseRow:
    return CaseRow(
        r.id, f"{r.dnr_prefix}/{r.dnr_serial}/{r.dnr_year}", r.title, r.stage, r.outcome, r.area,
        r.owner, r.handlaggare, r.end_date, r.total_budget_sek, r.updated_at,
    )  # fmt: skip


def board_columns(
    conn: Connection, stages: Sequence[str], *, handlaggare: str | None = None, limit: int = 25
) -> dict[str, tuple[int, list[CaseRow]]]:
    """For each stage: how many cases sit there and the `limit` most recently changed."""
    f = CaseFilter(handlaggare=handlaggare, sort="updated", descending=True, per_page=limit)
    counts_stmt = select(CASES.c.stage, func.count()).group_by(CASES.c.stage)
    if handlaggare:
        counts_stmt = counts_stmt.where(CASES.c.handlaggare == handlaggare)
    counts = {stage: int(n) for stage, n in conn.execute(counts_stmt)}
    result: dict[str, tuple[int, list[CaseRow]]] = {}
    for stage in stages:
        n = counts.get(stage, 0)
        rows = find_cases(conn, replace(f, stage=stage)).rows if n else []
        result[stage] = (n, rows)
    return result


def distinct_values(conn: Connection, column: str, *, limit: int = 500) -> list[str]:
    """The values a filter can take (areas, owners, handläggare), sorted."""
    col = CASES.c[column]
    stmt = select(col).where(col.is_not(None)).distinct().order_by(col).limit(limit)
    return [str(v) for (v,) in conn.execute(stmt)]
