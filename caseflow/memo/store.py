"""Rendered memos and signed decisions in the database (keyword-only, one transaction each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert
from sqlalchemy import exists as sa_exists
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from caseflow.cases.engine import check_roles
from caseflow.clock import Clock
from caseflow.domain.decisions import DECISION, check_decision_date, check_signer
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.workdays import local_date
from caseflow.errors import DuplicateError, InputError, NotFoundError, UnknownCaseError
from caseflow.records.auto import decision_signed, memo_rendered
from caseflow.records.context import Records
from caseflow.store.db import Database
from caseflow.store.models import Case, CaseEvent, Decision, MemoFile, MemoRender
from caseflow.store.prepared import CursorTransaction, Prepared
from caseflow.store.repo import require_case, require_person


def record_render(
    *, db: Database, dnr: str, kind: str, fmt: str, template_version: str, content_hash: str,
    memo_date: date, warnings: list[str], actor: str, clock: Clock,
    signatory_email: str | None = None, signatory_name: str | None = None,
    data: bytes | None = None, records: Records | None = None, filename: str = "",
    title: str = "",
) -> MemoRender:  # fmt: skip
    """Store that a memo was rendered (what, from which template, its hash, by whom, when, and
    who it names as signatory: only they may sign its decision), and its bytes `data` under
    `content_hash` (the SHA-256 of `data`; identical renders share the stored bytes).

    With `records`, the render is registered as an upprättad handling (`filename`, `title`) in
    the same transaction (records/auto.py)."""
    with db.write() as session:
        known = select(MemoFile.content_hash).where(MemoFile.content_hash == content_hash)
        if data is not None and session.exec(known).first() is None:
            session.add(MemoFile(content_hash=content_hash, data=data))
        case = require_case(session=session, dnr=parse_dnr(dnr), for_update=records is not None)
        assert case.id is not None
        case_id = case.id
        row = MemoRender(
            case_id=case_id, kind=kind, format=fmt, template_version=template_version,
            content_hash=content_hash, memo_date=memo_date, warnings=warnings,
            created_by=actor, created_at=clock.now(), signatory_email=signatory_email,
            signatory_name=signatory_name,
        )  # fmt: skip
        session.add(row)
        if records is not None and data is not None:
            session.flush()
            memo_rendered(session=session, records=records, case=case, render=row, data=data,
                          filename=filename, title=title)  # fmt: skip
        return row


_RENDERS = SQLModel.metadata.tables["memo_renders"]
_FILES = SQLModel.metadata.tables["memo_files"]
_CASES = SQLModel.metadata.tables["cases"]
_CASE_ID = Prepared(
    sa_select(_CASES.c.id).where(
        _CASES.c.dnr_prefix == bindparam("prefix"),
        _CASES.c.dnr_serial == bindparam("serial"),
        _CASES.c.dnr_year == bindparam("year"),
    )
)
_FILE_KNOWN = Prepared(
    sa_select(_FILES.c.content_hash).where(_FILES.c.content_hash == bindparam("h"))
)
_INSERT_FILE = Prepared(insert(_FILES).values(content_hash=bindparam("h"), data=bindparam("data")))
_RENDER_COLUMNS = (
    "case_id", "kind", "format", "template_version", "content_hash", "memo_date", "warnings",
    "created_by", "created_at", "signatory_email", "signatory_name",
)  # fmt: skip
_INSERT_RENDER = Prepared(insert(_RENDERS).values({c: bindparam(c) for c in _RENDER_COLUMNS}))


def insert_render(
    *, db: Database, dnr: str, kind: str, fmt: str, template_version: str, content_hash: str,
    memo_date: date, warnings: list[str], actor: str, clock: Clock,
    signatory_email: str | None = None, signatory_name: str | None = None,
    data: bytes | None = None, records: Records | None = None, filename: str = "",
    title: str = "",
) -> None:  # fmt: skip
    """As `record_render` without `records` (same rows, same values), on prebuilt statements in
    one cursor transaction: no ORM objects are built (the render service's write).

    Raises:
        UnknownCaseError: no such case.
    """
    assert records is None, "a render registered in records goes through record_render"
    number = parse_dnr(dnr)
    with db.cursor_transaction() as tx:
        if data is not None and tx.first(_FILE_KNOWN, {"h": content_hash}) is None:
            tx.execute(_INSERT_FILE, {"h": content_hash, "data": data})
        found = tx.first(_CASE_ID, {"prefix": number.prefix, "serial": number.serial,
                                    "year": number.year})  # fmt: skip
        if found is None:
            raise UnknownCaseError(f"ärendet {number} finns inte")
        tx.execute(_INSERT_RENDER, {
            "case_id": found[0], "kind": kind, "format": fmt, "template_version": template_version,
            "content_hash": content_hash, "memo_date": memo_date, "warnings": list(warnings),
            "created_by": actor, "created_at": clock.now(), "signatory_email": signatory_email,
            "signatory_name": signatory_name,
        })  # fmt: skip


def list_renders(*, db: Database, dnr: str) -> list[MemoRender]:
    """A case's rendered memos, oldest first."""
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        return renders_of(session=session, case_id=case.id)


def render_file(*, db: Database, dnr: str, memo_id: int) -> tuple[MemoRender, bytes | None]:
    """One of the case's renders and its bytes (None: rendered before they were kept).

    Raises:
        UnknownCaseError; NotFoundError: the case has no render with that number.
    """
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        row = session.get(MemoRender, memo_id)
        if row is None or row.case_id != case.id:
            raise NotFoundError(f"{case.diarienummer} har inget memo nr {memo_id}")
        stored = session.get(MemoFile, row.content_hash)
        return row, stored.data if stored else None


@dataclass(frozen=True, slots=True)
class RenderLine:
    """A rendered memo as the case page lists it; `stored`: its bytes are kept (renders made
    before revision 0016 have none)."""

    id: int
    created_at: datetime
    kind: str
    format: str
    memo_date: date
    created_by: str
    warnings: list[str]
    content_hash: str
    stored: bool


_R, _F = _RENDERS, _FILES
_SELECT_RENDER_LINES = Prepared(
    sa_select(_R.c.id, _R.c.created_at, _R.c.kind, _R.c.format, _R.c.memo_date,
              _R.c.created_by, _R.c.warnings, _R.c.content_hash,
              sa_exists().where(_F.c.content_hash == _R.c.content_hash))
    .where(_R.c.case_id == bindparam("case_id")).order_by(_R.c.id)
)  # fmt: skip


def read_render_lines(*, tx: CursorTransaction, case_id: int) -> list[RenderLine]:
    """A case's rendered memos, oldest first, with whether each one's bytes are kept: one
    prebuilt statement in the caller's transaction (the case page's)."""
    return [
        RenderLine(r_id, at, kind, fmt, memo_date, by, warnings, content_hash, bool(kept))
        for r_id, at, kind, fmt, memo_date, by, warnings, content_hash, kept in tx.all(
            _SELECT_RENDER_LINES, {"case_id": case_id}
        )
    ]


def renders_of(*, session: Session, case_id: int) -> list[MemoRender]:
    """As `list_renders`, in the caller's session."""
    stmt = select(MemoRender).where(MemoRender.case_id == case_id).order_by(col(MemoRender.id))
    return list(session.exec(stmt).all())


def finalize(
    *, db: Database, dnr: str, signed_by: str, decided_on: date, delegation_points: dict[str, str],
    clock: Clock, records: Records | None = None,
) -> Decision:  # fmt: skip
    """Record the decision of the case's latest rendered memo, with a `decision` history event.

    The signer must be a `beslutsfattare` and the memo's signatory; the date not before the
    memo's date nor after today (Europe/Stockholm). A render has at most one live decision (a
    partial unique index backs the check, so a concurrent second one fails the same way).
    `delegation_points` maps memo kind → delegation point; a kind with one is a delegation
    decision, to be reported at the board's next meeting. With `records`, the decided memo's
    handling becomes final (fastställd) in the same transaction (records/auto.py).

    Raises:
        UnknownCaseError, UnknownPersonError, PermissionDeniedError, InputError (no memo yet,
        wrong signer, date), DuplicateError (the memo already has a decision).
    """
    number = parse_dnr(dnr)
    taken = f"{number}: memot har redan ett beslut; upphäv det först om det ska ersättas"
    now = clock.now()
    with db.write(duplicate=taken) as session:
        case = require_case(session=session, dnr=number, for_update=True)
        person = require_person(session=session, email=signed_by)
        check_roles(person.email, person.roles, ["beslutsfattare"], "signera beslut")
        stmt = (
            select(MemoRender)
            .where(MemoRender.case_id == case.id)
            .order_by(col(MemoRender.id).desc())
        )
        memo = session.exec(stmt).first()
        if memo is None:
            raise InputError(
                f"{case.diarienummer}: inget memo är skrivet än (`caseflow memo render`)"
            )
        assert case.id is not None and memo.id is not None
        check_signer(email=person.email, name=person.name, signatory_email=memo.signatory_email,
                     signatory_name=memo.signatory_name, dnr=case.diarienummer)  # fmt: skip
        check_decision_date(decided_on, memo_date=memo.memo_date, today=local_date(now),
                            dnr=case.diarienummer)  # fmt: skip
        existing = live_decision(session=session, memo_id=memo.id)
        if existing is not None:
            raise DuplicateError(
                f"{case.diarienummer}: memot från {memo.memo_date} har redan ett beslut "
                f"(nr {existing.id}, fattat {existing.decided_on} av {existing.signed_by}); "
                "upphäv det först om det ska ersättas"
            )
        decision = Decision(
            case_id=case.id, memo_id=memo.id, kind=memo.kind,
            delegation_point=delegation_points.get(memo.kind), decided_on=decided_on,
            signed_by=person.email, created_at=now,
        )  # fmt: skip
        session.add(decision)
        session.flush()
        session.add(decision_event(case, decision, kind=DECISION, actor=person.email, at=now))
        if records is not None:
            decision_signed(session=session, records=records, case=case, decision=decision,
                            title=f"Beslut: {case.title}")  # fmt: skip
        return decision


def live_decision(*, session: Session, memo_id: int) -> Decision | None:
    """The render's decision that is not annulled, if any."""
    stmt = select(Decision).where(
        Decision.memo_id == memo_id, col(Decision.annulled_at).is_(None)
    )  # fmt: skip
    return session.exec(stmt).first()


def decision_event(
    case: Case, decision: Decision, *, kind: str, actor: str, at: Any,
    reason: str | None = None, extra: dict[str, Any] | None = None,
) -> CaseEvent:  # fmt: skip
    """A history entry about `decision`; the case's fields and row version are unchanged."""
    assert case.id is not None
    changes = {
        "decision_id": decision.id, "kind": decision.kind,
        "delegation_point": decision.delegation_point,
        "decided_on": decision.decided_on.isoformat(), "signed_by": decision.signed_by,
        **(extra or {}),
    }  # fmt: skip
    return CaseEvent(case_id=case.id, at=at, actor=actor, kind=kind, from_stage=case.stage,
                     to_stage=case.stage, reason=reason, changes=changes,
                     row_version=case.row_version)  # fmt: skip


@dataclass(frozen=True)
class UnreportedDecision:
    id: int
    diarienummer: str
    title: str
    kind: str
    delegation_point: str
    decided_on: date
    signed_by: str

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "decided_on": self.decided_on.isoformat()}


def unreported(*, db: Database, up_to: date | None = None) -> list[UnreportedDecision]:
    """Delegation decisions neither reported to the board nor annulled, oldest first; with
    `up_to`, only those taken on or before that day (a meeting's)."""
    with db.read() as session:
        stmt = (
            select(Decision, Case)
            .join(Case, col(Case.id) == col(Decision.case_id))
            .where(
                col(Decision.delegation_point).is_not(None),
                col(Decision.reported_on).is_(None),
                col(Decision.annulled_at).is_(None),
            )  # fmt: skip
            .order_by(col(Decision.decided_on), col(Decision.id))
        )
        if up_to is not None:
            stmt = stmt.where(col(Decision.decided_on) <= up_to)
        return [
            UnreportedDecision(
                id=d.id or 0,
                diarienummer=c.diarienummer,
                title=c.title,
                kind=d.kind,
                delegation_point=d.delegation_point or "",
                decided_on=d.decided_on,
                signed_by=d.signed_by,
            )  # fmt: skip
            for d, c in session.exec(stmt).all()
        ]
