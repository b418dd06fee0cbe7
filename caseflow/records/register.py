"""The diarium: registered documents per board (diarienummer prefix) and period, one row per
handling with its case, as the registrator reads it or, public, with secret content masked.
CSV and JSON renderings. Read with Core queries (a year of a busy board is thousands of rows).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, String, and_, cast, select

from caseflow.domain.checks import check_day
from caseflow.errors import InputError
from caseflow.records.config import DocumentTypes
from caseflow.records.models import Handling, SecrecyMark
from caseflow.records.vocabulary import DIRECTION_LABELS, MASK
from caseflow.store.db import Database
from caseflow.store.models import Case

#: The longest period one register listing covers.
MAX_DAYS = 366 * 5
_H, _C, _M = Handling.__table__, Case.__table__, SecrecyMark.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class RegisterRow:
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
    masked: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number, "registered_on": self.registered_on,
            "document_date": self.document_date, "direction": self.direction,
            "doc_type": self.doc_type, "subject": self.subject, "counterpart": self.counterpart,
            "secret": self.osl is not None, "osl": self.osl, "masked": self.masked,
        }  # fmt: skip


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
    active = and_(_M.c.handling_id == _H.c.id, _M.c.lifted_at.is_(None))
    stmt = (
        select(
            _C.c.dnr_prefix,
            _C.c.dnr_serial,
            _C.c.dnr_year,
            _C.c.title,
            _C.c.id,
            _H.c.number,
            _iso(_H.c.registered_on),
            _iso(_H.c.document_date),
            _H.c.direction,
            _H.c.doc_type,
            _H.c.subject,
            _H.c.counterpart,
            _M.c.osl,
        )  # fmt: skip
        .select_from(_H.join(_C, _C.c.id == _H.c.case_id).outerjoin(_M, active))
        .where(_H.c.registered_on >= start, _H.c.registered_on <= end)
        .order_by(_H.c.registered_on, _C.c.dnr_year, _C.c.dnr_serial, _H.c.number)
    )
    if board:
        stmt = stmt.where(_C.c.dnr_prefix == board.strip().upper())
    with db.reading() as conn:
        found = _fetch(conn, stmt)
        secret_titles = _secret_titles(conn, {r[4] for r in found}) if public else set()
    labels = {t.code: t.label for t in types.types}
    rows = []
    for prefix, serial, year, title, case_id, seq, registered, dated, *rest in found:
        direction, doc_type, subject, counterpart, osl = rest
        dnr = f"{prefix}/{serial}/{year}"
        row = RegisterRow(dnr, title, f"{dnr}-{seq}", registered, dated, direction, doc_type,
                          labels.get(doc_type, doc_type), subject, counterpart, osl)  # fmt: skip
        if public and (osl is not None or case_id in secret_titles):
            row = _masked(row, title_secret=case_id in secret_titles)
        rows.append(row)
    return rows


def _fetch(conn: Connection, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """The statement's rows as the driver returns them: plain tuples, no per-row processing by
    SQLAlchemy (a year's register is thousands of rows; this halves the time). Only text,
    numbers and dates (as ISO text on SQLite, where they are stored as text) are bound."""
    compiled = stmt.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    if conn.dialect.name == "sqlite":
        params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    args: Any = [params[k] for k in compiled.positiontup or ()] if compiled.positional else params
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), args)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def _iso(column: Any) -> Any:
    """A date column read as its ISO text (no per-row conversion to `date` and back)."""
    return cast(column, String(10)).label(column.name)


def _secret_titles(conn: Any, case_ids: set[int]) -> set[int]:
    if not case_ids:
        return set()
    stmt = select(_M.c.case_id).where(
        _M.c.handling_id.is_(None), _M.c.field == "title", _M.c.lifted_at.is_(None),
        _M.c.case_id.in_(sorted(case_ids)),
    )  # fmt: skip
    return {r[0] for r in conn.execute(stmt).all()}


def _masked(row: RegisterRow, *, title_secret: bool) -> RegisterRow:
    if title_secret:
        row = replace(row, case_title=MASK, masked=True)
    if row.osl is not None:
        row = replace(row, subject=MASK, counterpart=MASK if row.counterpart else None,
                      masked=True)  # fmt: skip
    return row


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
            public: bool) -> str:  # fmt: skip
    """The register grouped by case: diarienummer, title and its documents in the period."""
    cases: dict[str, dict[str, Any]] = {}
    for r in rows:
        new = {"diarienummer": r.diarienummer, "title": r.case_title, "documents": []}
        entry = cases.setdefault(r.diarienummer, new)
        entry["documents"].append(r.as_json())
    document = {"from": start.isoformat(), "to": end.isoformat(), "board": board,
                "public": public, "cases": list(cases.values())}  # fmt: skip
    return json.dumps(document, ensure_ascii=False, indent=2)
