"""Decisions after they are taken: list them, annul one, report (anmäla) them at a meeting.

Each change is one transaction that also appends the event to the case's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from caseflow.clock import Clock
from caseflow.domain.checks import check_text
from caseflow.domain.decisions import (
    ANNULMENT,
    REPORT,
    appeal_ends_by,
    check_posting_day,
    normalise_paragraph,
)
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.permissions import require
from caseflow.domain.workdays import local_date
from caseflow.errors import InputError, NotFoundError
from caseflow.meetings.service import require_meeting
from caseflow.memo.store import decision_event
from caseflow.store.db import Database
from caseflow.store.models import Case, Decision
from caseflow.store.prepared import CursorTransaction, Prepared
from caseflow.store.repo import require_case, require_person


@dataclass(frozen=True)
class DecisionRow:
    """A decision as lists and pages show it."""

    id: int
    diarienummer: str
    title: str
    kind: str
    delegation_point: str | None
    decided_on: date
    signed_by: str
    memo_id: int | None
    reported_on: date | None
    meeting: str | None  # "RUN 2024-12-11"
    paragraph: str | None
    annulled_at: datetime | None
    annulled_by: str | None
    annul_reason: str | None
    minutes_posted_on: date | None = None  # the meeting's minutes posted (anslaget)

    @property
    def status(self) -> str:
        """In Swedish: upphävt, anmält vid …, ej anmält, or gäller (not a delegation decision)."""
        if self.annulled_at is not None:
            return "upphävt"
        if self.reported_on is not None:
            paragraph = f" {self.paragraph}" if self.paragraph else ""
            return f"anmält vid {self.meeting or self.reported_on}{paragraph}"
        return "ej anmält" if self.delegation_point else "gäller"

    @property
    def appeal_ends_by(self) -> date | None:
        """For a reported, live delegation decision: the last day it can be appealed at the
        latest (three weeks from when the meeting's minutes are posted; see
        domain.decisions.appeal_ends_by); None before anmälan."""
        if self.annulled_at is not None or self.reported_on is None:
            return None
        return appeal_ends_by(self.reported_on, self.minutes_posted_on)

    @property
    def appeal_text(self) -> str | None:
        """The appeal period in Swedish, once the decision is reported."""
        ends = self.appeal_ends_by
        if ends is None:
            return None
        meeting = self.meeting or self.reported_on
        if self.minutes_posted_on is not None:
            return (f"överklagandetiden är tre veckor från den {self.minutes_posted_on} då "
                    f"protokollet från {meeting} anslogs, till och med {ends}")  # fmt: skip
        return (f"överklagandetiden är tre veckor från den dag protokollet från {meeting} "
                f"anslås, senast till och med {ends}")  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        for name in ("decided_on", "reported_on", "annulled_at", "minutes_posted_on"):
            value = data[name]
            data[name] = value.isoformat() if value is not None else None
        ends = self.appeal_ends_by
        data["appeal_ends_by"] = ends.isoformat() if ends is not None else None
        return data


_D = SQLModel.metadata.tables["decisions"]
_C = SQLModel.metadata.tables["cases"]
_M = SQLModel.metadata.tables["meetings"]


def _select(*filters: Any) -> Select[Any]:
    return (
        sa_select(_D.c.id, _C.c.dnr_prefix, _C.c.dnr_serial, _C.c.dnr_year, _C.c.title,
                  _D.c.kind, _D.c.delegation_point, _D.c.decided_on, _D.c.signed_by,
                  _D.c.memo_id, _D.c.reported_on, _M.c.body, _M.c.day, _D.c.reported_paragraph,
                  _D.c.annulled_at, _D.c.annulled_by, _D.c.annul_reason, _M.c.minutes_posted_on)
        .join(_C, _C.c.id == _D.c.case_id)
        .outerjoin(_M, _M.c.id == _D.c.reported_meeting_id)
        .where(*filters)
        .order_by(_D.c.decided_on, _D.c.id)
    )  # fmt: skip


def _decision_rows(rows: Sequence[Sequence[Any]]) -> list[DecisionRow]:
    return [
        DecisionRow(
            id=d_id,
            diarienummer=f"{prefix}/{serial}/{year}",
            title=title,
            kind=kind,
            delegation_point=point,
            decided_on=decided_on,
            signed_by=signed_by,
            memo_id=memo_id,
            reported_on=reported_on,
            meeting=f"{body} {day.isoformat()}" if body is not None else None,
            paragraph=paragraph,
            annulled_at=annulled_at,
            annulled_by=annulled_by,
            annul_reason=annul_reason,
            minutes_posted_on=posted,
        )  # fmt: skip
        for (
            d_id,
            prefix,
            serial,
            year,
            title,
            kind,
            point,
            decided_on,
            signed_by,
            memo_id,
            reported_on,
            body,
            day,
            paragraph,
            annulled_at,
            annulled_by,
            annul_reason,
            posted,
        ) in rows  # fmt: skip
    ]


def _rows(session: Session, *filters: Any) -> list[DecisionRow]:
    return _decision_rows(session.connection().execute(_select(*filters)).all())


_CASE_DECISIONS = Prepared(_select(_D.c.case_id == bindparam("case_id")))


def read_decisions(*, tx: CursorTransaction, case_id: int) -> list[DecisionRow]:
    """A case's decisions, oldest first, on one prebuilt statement in the caller's transaction
    (the case page's)."""
    return _decision_rows(tx.all(_CASE_DECISIONS, {"case_id": case_id}))


def list_decisions(*, db: Database, unreported_only: bool = False) -> list[DecisionRow]:
    """Every decision, oldest first; `unreported_only`: live delegation decisions not reported."""
    filters: list[Any] = []
    if unreported_only:
        filters = [
            col(Decision.delegation_point).is_not(None),
            col(Decision.reported_on).is_(None),
            col(Decision.annulled_at).is_(None),
        ]
    with db.read() as session:
        return _rows(session, *filters)


def annul(
    *, db: Database, dnr: str, reason: str, actor: str, clock: Clock,
    decision_id: int | None = None,
) -> Decision:  # fmt: skip
    """Annul the case's latest live decision (or the one given), with a reason; a new decision
    may then be registered. A decision already reported to the board stays.

    Raises:
        UnknownCaseError, UnknownPersonError, PermissionDeniedError (needs beslutsfattare or
        admin), InputError (no reason, nothing to annul, already reported).
    """
    why = check_text(reason, field="motivering", max_length=2000)
    if not why:
        raise InputError("ett beslut upphävs bara med en motivering")
    now = clock.now()
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr), for_update=True)
        person = require_person(session=session, email=actor)
        require("annul_decision", person.email, person.roles)
        stmt = select(Decision).where(
            Decision.case_id == case.id, col(Decision.annulled_at).is_(None)
        )  # fmt: skip
        if decision_id is not None:
            stmt = stmt.where(Decision.id == decision_id)
        decision = session.exec(stmt.order_by(col(Decision.id).desc())).first()
        if decision is None:
            which = f"beslut {decision_id}" if decision_id is not None else "något gällande beslut"
            raise InputError(f"{case.diarienummer} har inte {which} att upphäva")
        if decision.reported_on is not None:
            raise InputError(
                f"{case.diarienummer}: beslut {decision.id} är redan anmält till nämnden "
                f"({decision.reported_on}) och kan inte upphävas här"
            )
        decision.annulled_at, decision.annulled_by, decision.annul_reason = now, person.email, why
        session.add(decision)
        session.add(decision_event(case, decision, kind=ANNULMENT, actor=person.email, at=now,
                                   reason=why))  # fmt: skip
        return decision


def report(
    *, db: Database, body: str, day: date, actor: str, clock: Clock,
    paragraph: str | None = None,
) -> list[DecisionRow]:  # fmt: skip
    """Mark every live delegation decision taken up to the meeting and not yet reported as
    reported (anmält) at it: the meeting's date, the meeting, the minutes' paragraph.

    Returns the decisions marked (none: nothing was waiting).

    Raises:
        NotFoundError (no such meeting), UnknownPersonError, PermissionDeniedError (needs
        namndsekreterare or admin), InputError (bad paragraph, a meeting not yet held or
        cancelled).
    """
    section = normalise_paragraph(paragraph)
    now = clock.now()
    with db.write() as session:
        person = require_person(session=session, email=actor)
        require("report_decisions", person.email, person.roles)
        meeting = require_meeting(session, body=body, day=day)
        if meeting.cancelled_at is not None:
            raise InputError(f"sammanträdet {body} {day} är inställt; beslut anmäls vid ett "
                             "sammanträde som hålls")  # fmt: skip
        if meeting.day > local_date(now):
            raise InputError(
                f"sammanträdet {body} {day} har inte hållits än; beslut anmäls vid eller efter "
                "sammanträdet"
            )
        stmt = (
            select(Decision, Case)
            .join(Case, col(Case.id) == col(Decision.case_id))
            .where(
                col(Decision.delegation_point).is_not(None),
                col(Decision.reported_on).is_(None),
                col(Decision.annulled_at).is_(None),
                col(Decision.decided_on) <= day,
            )  # fmt: skip
            .order_by(col(Decision.decided_on), col(Decision.id))
            .with_for_update(of=Decision)
        )
        found = list(session.exec(stmt).all())
        where = f"{meeting.body} {meeting.day.isoformat()}"
        for decision, case in found:
            decision.reported_on, decision.reported_meeting_id = meeting.day, meeting.id
            decision.reported_paragraph, decision.reported_by = section, person.email
            decision.reported_at = now
            session.add(decision)
            session.add(decision_event(case, decision, kind=REPORT, actor=person.email, at=now,
                                       extra={"meeting": where, "paragraph": section}))  # fmt: skip
        session.flush()
        ids = [d.id for d, _ in found]
        return _rows(session, col(Decision.id).in_(ids)) if ids else []


def post_minutes(
    *, db: Database, body: str, day: date, posted_on: date, actor: str, clock: Clock
) -> list[DecisionRow]:
    """Record the day the meeting's minutes were posted (anslaget) on the notice board: the
    appeal period of the delegation decisions reported at it runs three weeks from that day. A
    wrong day may be corrected by recording it again. Returns the decisions reported at the
    meeting, with their appeal period now exact.

    Raises:
        NotFoundError (no such meeting), UnknownPersonError, PermissionDeniedError (needs
        namndsekreterare or admin), InputError (a cancelled meeting, a day before the meeting
        or after today).
    """
    with db.write() as session:
        person = require_person(session=session, email=actor)
        require("report_decisions", person.email, person.roles)
        meeting = require_meeting(session, body=body, day=day)
        where = f"{meeting.body} {meeting.day.isoformat()}"
        if meeting.cancelled_at is not None:
            raise InputError(f"sammanträdet {where} är inställt; det har inget protokoll")
        check_posting_day(posted_on, meeting_day=meeting.day, today=local_date(clock.now()),
                          where=where)  # fmt: skip
        meeting.minutes_posted_on, meeting.minutes_posted_by = posted_on, person.email
        session.add(meeting)
        session.flush()
        return _rows(session, col(Decision.reported_meeting_id) == meeting.id)


def require_decision(*, db: Database, decision_id: int) -> DecisionRow:
    """One decision by number.

    Raises:
        NotFoundError: no such decision.
    """
    with db.read() as session:
        rows = _rows(session, col(Decision.id) == decision_id)
    if not rows:
        raise NotFoundError(f"beslut {decision_id} finns inte")
    return rows[0]
