"""Rendered memos and signed decisions in the database (keyword-only, one transaction each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from caseflow.cases.engine import check_roles
from caseflow.clock import Clock
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import InputError
from caseflow.store.db import Database
from caseflow.store.models import Case, Decision, MemoRender
from caseflow.store.repo import require_case, require_person


def record_render(
    *, db: Database, dnr: str, kind: str, fmt: str, template_version: str, content_hash: str,
    memo_date: date, warnings: list[str], actor: str, clock: Clock,
) -> MemoRender:  # fmt: skip
    """Store that a memo was rendered (what, from which template, its hash, by whom, when)."""
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        row = MemoRender(
            case_id=case.id, kind=kind, format=fmt, template_version=template_version,
            content_hash=content_hash, memo_date=memo_date, warnings=warnings,
            created_by=actor, created_at=clock.now(),
        )  # fmt: skip
        session.add(row)
        return row


def list_renders(*, db: Database, dnr: str) -> list[MemoRender]:
    """A case's rendered memos, oldest first."""
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        return renders_of(session=session, case_id=case.id)


def renders_of(*, session: Session, case_id: int) -> list[MemoRender]:
    """As `list_renders`, in the caller's session."""
    stmt = select(MemoRender).where(MemoRender.case_id == case_id).order_by(col(MemoRender.id))
    return list(session.exec(stmt).all())


def finalize(
    *, db: Database, dnr: str, signed_by: str, decided_on: date, delegation_points: dict[str, str],
    clock: Clock,
) -> Decision:  # fmt: skip
    """Record the decision of the case's latest rendered memo, signed by a `beslutsfattare`.

    `delegation_points` maps memo kind → delegation point; a kind with one is a delegation
    decision, to be reported at the board's next meeting.

    Raises:
        UnknownCaseError, UnknownPersonError, PermissionDeniedError, InputError (no memo yet).
    """
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
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
        assert case.id is not None
        decision = Decision(
            case_id=case.id, memo_id=memo.id, kind=memo.kind,
            delegation_point=delegation_points.get(memo.kind), decided_on=decided_on,
            signed_by=person.email, created_at=clock.now(),
        )  # fmt: skip
        session.add(decision)
        return decision


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


def unreported(*, db: Database) -> list[UnreportedDecision]:
    """Delegation decisions not yet reported to the board, oldest first."""
    with db.read() as session:
        stmt = (
            select(Decision, Case)
            .join(Case, col(Case.id) == col(Decision.case_id))
            .where(col(Decision.delegation_point).is_not(None), col(Decision.reported_on).is_(None))
            .order_by(col(Decision.decided_on), col(Decision.id))
        )
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
