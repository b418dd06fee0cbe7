"""The diarium: registered documents per board (diarienummer prefix) and period, one row per
handling with its case, as the registrator reads it or, public, with secret content masked.
CSV and JSON renderings.

A year of a busy board is ten thousand rows, so the listing is one Core statement that does the
work in the database: the range scan on `ix_handlings_registered_on`, the case by its key, the
handling's active mark by `ix_secrecy_marks_handling_id`, a title mark by an EXISTS on the case,
the diarienummer, the document number, the type's label and — public — the masking as SQL
expressions; the driver's tuples become `RegisterRow`s without a Python step per column.
`register_page` reads one page of it and the period's count.
"""

from __future__ import annotations

import csv
import gc
import io
import json
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
)

from caseflow.domain.checks import check_day
from caseflow.errors import InputError
from caseflow.records.config import DocumentTypes
from caseflow.records.models import Handling, SecrecyMark
from caseflow.records.vocabulary import DIRECTION_LABELS, MASK
from caseflow.store.db import Database
from caseflow.store.models import Case

#: The longest period one register listing covers.
MAX_DAYS = 366 * 5
#: The most rows one page may ask for.
MAX_PAGE_ROWS = 1000
_H, _C, _M = Handling.__table__, Case.__table__, SecrecyMark.__table__  # type: ignore[attr-defined]
_T = _M.alias("title_marks")


class RegisterRow(NamedTuple):
    """One document of the diarium, in the statement's column order (a tuple: built by the C
    tuple constructor from the driver's row)."""

    diarienummer: str
    case_title: str
    number: str
    registered_on: str  # ISO date (kept as text: a year's register is thousands of rows)
    document_date: str
    direction: str
    doc_type: str
    doc_type_label: str
    subject: str
    counterpart: str | None
    osl: str | None  # the provision of the handling's secrecy mark in force, if any
    masked: bool = False  # SQLite hands the flag over as 0/1: read it as a truth value

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number, "registered_on": self.registered_on,
            "document_date": self.document_date, "direction": self.direction,
            "doc_type": self.doc_type, "subject": self.subject, "counterpart": self.counterpart,
            "secret": self.osl is not None, "osl": self.osl, "masked": bool(self.masked),
        }  # fmt: skip


class RegisterPage(NamedTuple):
    """One page of the diarium: its rows, the period's total and where the page starts."""

    rows: list[RegisterRow]
    total: int
    offset: int
    limit: int


def check_period(start: date, end: date) -> tuple[date, date]:
    """Raises InputError unless start ≤ end, both in range, at most MAX_DAYS apart."""
    check_day(start, field="--from")
    check_day(end, field="--to")
    if end < start:
        raise InputError(f"perioden: --to {end} är före --from {start}")
    if (end - start).days > MAX_DAYS:
        raise InputError(f"perioden: högst {MAX_DAYS} dagar åt gången")
    return start, end


def register_rows(
    *, db: Database, types: DocumentTypes, start: date, end: date, board: str | None = None,
    public: bool = False,
) -> list[RegisterRow]:  # fmt: skip
    """Documents registered from `start` to `end` (inclusive) in diarium order, on cases of
    `board` (the diarienummer prefix, e.g. RUN) or all. `public`: a handling under a secrecy
    mark keeps number, dates, direction, type and the provision, its subject and counterpart
    masked; a case title under a mark is masked.

    Raises:
        InputError: the period.
    """
    check_period(start, end)
    stmt = _where(_statement(types, public, _H), start, end, board).order_by(*_ORDER)
    with db.reading() as conn:
        return _fetch(conn, stmt)


def register_page(
    *, db: Database, types: DocumentTypes, start: date, end: date, board: str | None = None,
    public: bool = False, offset: int = 0, limit: int = 100,
) -> RegisterPage:  # fmt: skip
    """`limit` rows of `register_rows` from `offset` (diarium order) and the period's count, in
    one transaction. The page's handlings are picked by their sort keys alone; only those rows
    are then joined, labelled and masked.

    Raises:
        InputError: the period, or an offset or limit out of range.
    """
    check_period(start, end)
    if not 1 <= limit <= MAX_PAGE_ROWS:
        raise InputError(f"sidan: mellan 1 och {MAX_PAGE_ROWS} rader")
    if not 0 <= offset <= 10**9:
        raise InputError("sidan: början måste vara 0 eller mer")
    cases = _H.join(_C, _C.c.id == _H.c.case_id)
    counted = _where(select(func.count()).select_from(cases if board else _H), start, end, board)
    keys = (
        _where(select(_H.c.id.label("hid")).select_from(cases), start, end, board)
        .order_by(*_ORDER).limit(limit).offset(offset).subquery("page")
    )  # fmt: skip
    stmt = _statement(types, public, keys.join(_H, _H.c.id == keys.c.hid)).order_by(*_ORDER)
    with db.reading() as conn:
        total = int(conn.execute(counted).scalar_one())
        rows = _fetch(conn, stmt) if offset < total else []
    return RegisterPage(rows=rows, total=total, offset=offset, limit=limit)


_ORDER = (_H.c.registered_on, _C.c.dnr_year, _C.c.dnr_serial, _H.c.number)


def _where(stmt: Select[Any], start: date, end: date, board: str | None) -> Select[Any]:
    stmt = stmt.where(_H.c.registered_on >= start, _H.c.registered_on <= end)
    if board:
        stmt = stmt.where(_C.c.dnr_prefix == board.strip().upper())
    return stmt


def _text(column: Any) -> Any:
    return cast(column, String)


def _statement(types: DocumentTypes, public: bool, handlings: Any) -> Select[Any]:
    """The register's columns (`RegisterRow`'s fields, in order) over `handlings` (the table,
    or the table joined to a page of its ids): the case by its key, the handling's active mark;
    the diarienummer, the number, the type's label and — `public` — the masking computed by the
    database in the same pass."""
    mark = and_(_M.c.handling_id == _H.c.id, _M.c.lifted_at.is_(None))
    source = handlings.join(_C, _C.c.id == _H.c.case_id).outerjoin(_M, mark)
    dnr = _C.c.dnr_prefix + "/" + _text(_C.c.dnr_serial) + "/" + _text(_C.c.dnr_year)
    labels = {t.code: t.label for t in types.types}
    label = case(labels, value=_H.c.doc_type, else_=_H.c.doc_type) if labels else _H.c.doc_type
    title, subject, counterpart = _C.c.title, _H.c.subject, _H.c.counterpart
    masked: Any = false()
    if public:
        # Cases with a title under an active mark, each once (a derived table: one row per case
        # however many marks, so the join never repeats a handling).
        marked = (
            select(_T.c.case_id).distinct()
            .where(_T.c.handling_id.is_(None), _T.c.field == "title", _T.c.lifted_at.is_(None))
            .subquery("title_secret")
        )  # fmt: skip
        source = source.outerjoin(marked, marked.c.case_id == _C.c.id)
        title_secret = marked.c.case_id.is_not(None)
        secret = _M.c.osl.is_not(None)
        title = case((title_secret, literal(MASK)), else_=_C.c.title)
        subject = case((secret, literal(MASK)), else_=_H.c.subject)
        counterpart = case((and_(secret, _H.c.counterpart.is_not(None)), literal(MASK)),
                           else_=_H.c.counterpart)  # fmt: skip
        masked = or_(secret, title_secret)
    return select(
        dnr.label("diarienummer"), title.label("case_title"),
        (dnr + "-" + _text(_H.c.number)).label("number"),
        _iso(_H.c.registered_on), _iso(_H.c.document_date), _H.c.direction, _H.c.doc_type,
        label.label("doc_type_label"), subject.label("subject"),
        counterpart.label("counterpart"), _M.c.osl, masked.label("masked"),
    ).select_from(source)  # fmt: skip


def _fetch(conn: Connection, stmt: Select[Any]) -> list[RegisterRow]:
    """The statement's rows as `RegisterRow`s straight from the driver's tuples: no per-row
    processing by SQLAlchemy (a year's register is thousands of rows). Only text, numbers and
    dates (as ISO text on SQLite, where they are stored as text) are bound."""
    compiled = stmt.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    if conn.dialect.name == "sqlite":
        params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    args: Any = [params[k] for k in compiled.positiontup or ()] if compiled.positional else params
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new tuples and strings, no cycles: no collection passes
    try:
        cursor.execute(str(compiled), args)
        return list(map(RegisterRow._make, cursor.fetchall()))
    finally:
        cursor.close()
        if collecting:
            gc.enable()


def _iso(column: Any) -> Any:
    """A date column read as its ISO text (no per-row conversion to `date` and back)."""
    return cast(column, String(10)).label(column.name)


CSV_COLUMNS = (
    "diarienummer", "ärende", "handling", "registrerad", "datum", "riktning", "dokumenttyp",
    "ärendemening", "avsändare/mottagare", "sekretess",
)  # fmt: skip


def to_csv(rows: list[RegisterRow]) -> str:
    """One line per handling, Swedish headings, `;`-separated (Excel in Sweden opens it)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([
            r.diarienummer, r.case_title, r.number, r.registered_on,
            r.document_date, DIRECTION_LABELS.get(r.direction, r.direction),
            r.doc_type_label, r.subject, r.counterpart or "", r.osl or "",
        ])  # fmt: skip
    return out.getvalue()


def to_json(rows: list[RegisterRow], *, start: date, end: date, board: str | None,
            public: bool, page: tuple[int, int, int] | None = None) -> str:  # fmt: skip
    """The register grouped by case: diarienummer, title and its documents in the period;
    `page` (total, offset, limit): the rows are that page of the period's `total`."""
    cases: dict[str, dict[str, Any]] = {}
    for r in rows:
        new = {"diarienummer": r.diarienummer, "title": r.case_title, "documents": []}
        entry = cases.setdefault(r.diarienummer, new)
        entry["documents"].append(r.as_json())
    document: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(),
                                "board": board, "public": public}  # fmt: skip
    if page is not None:
        document |= dict(zip(("total", "offset", "limit"), page, strict=True))
    document["cases"] = list(cases.values())
    return json.dumps(document, ensure_ascii=False, indent=2)
