"""What waits for whom: the worklist of each role on the start page, the API and the CLI.

- handläggare: my open cases, the one with an overdue deadline first, then by next deadline;
- beslutsfattare: memos awaiting a decision (a case's latest memo with no registered decision),
  the ones naming me as signatory first;
- nämndsekreterare: the next meetings and their agendas' readiness (each case's memo written or
  missing), the delegation decisions still to report (anmäla), the reminders sent to me.

Read-only; one session; keyword-only like every service.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from caseflow.domain.decisions import same_name
from caseflow.memo.store import UnreportedDecision, unreported
from caseflow.reminders.deadlines import OPEN_STATES, list_deadlines
from caseflow.store.db import Database
from caseflow.store.models import AgendaItem, Case, Decision, Meeting, MemoRender, OutboxMessage
from caseflow.store.repo import require_person

#: The meetings the secretary's list shows ahead, and the reminders sent to them it shows.
MEETINGS_AHEAD = 3
REMINDERS_SHOWN = 10


@dataclass(frozen=True)
class MyCase:
    """One of the officer's open cases and its next open deadline."""

    diarienummer: str
    title: str
    stage: str
    next_label: str | None
    next_due: date | None
    next_state: str | None  # upcoming | due | overdue
    overdue: int  # how many of its deadlines are overdue


@dataclass(frozen=True)
class AwaitingDecision:
    """A case's latest memo, with no decision registered on it."""

    diarienummer: str
    title: str
    memo_id: int
    kind: str
    memo_date: date
    fmt: str
    written_by: str  # a name when registered
    signatory: str | None  # the name the memo gives, None: not recorded
    mine: bool  # the memo names the reader as its signatory


@dataclass(frozen=True)
class AgendaEntry:
    diarienummer: str
    title: str
    handlaggare: str | None  # a name when registered
    memo_kind: str | None  # the latest memo's kind; None: no memo written
    memo_date: date | None
    decided: bool  # a live decision is registered on the case


@dataclass(frozen=True)
class MeetingAgenda:
    body: str
    day: date
    time: str | None
    items: list[AgendaEntry]

    @property
    def missing(self) -> int:
        """Cases on the agenda without a memo."""
        return sum(1 for i in self.items if i.memo_kind is None)


@dataclass(frozen=True)
class SentReminder:
    subject: str
    status: str  # pending | sent | failed
    created_at: datetime
    sent_at: datetime | None


@dataclass
class Worklist:
    email: str
    roles: tuple[str, ...]
    cases: list[MyCase] | None = None  # None: not a handläggare
    awaiting: list[AwaitingDecision] | None = None  # None: not a beslutsfattare
    meetings: list[MeetingAgenda] | None = None  # None (and below): not a nämndsekreterare
    to_report: list[UnreportedDecision] | None = None
    report_at: Meeting | None = None  # the last meeting held, where the list can be marked
    reminders: list[SentReminder] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"email": self.email, "roles": list(self.roles)}
        for name in ("cases", "awaiting", "meetings", "to_report"):
            rows = getattr(self, name)
            data[name] = None if rows is None else [_jsonable(asdict(r)) for r in rows]
        meeting = self.report_at
        data["report_at"] = (
            None if meeting is None else {"body": meeting.body, "day": meeting.day.isoformat()}
        )
        data["reminders"] = (
            [_jsonable(asdict(r)) for r in self.reminders] if self.meetings is not None else None
        )
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def worklist(*, db: Database, email: str, today: date) -> Worklist:
    """The worklist of the registered person `email`, for each role they hold (an admin sees
    every list).

    Raises:
        UnknownPersonError: `email` is not registered.
    """
    with db.read() as session:
        person = require_person(session=session, email=email)
        roles = tuple(person.roles)
        every = "admin" in roles
        found = Worklist(person.email, roles)
        if every or "handlaggare" in roles:
            found.cases = my_cases(session=session, email=person.email, today=today)
        if every or "beslutsfattare" in roles:
            found.awaiting = awaiting_decision(session=session, email=person.email,
                                               name=person.name)  # fmt: skip
        secretary = every or "namndsekreterare" in roles
        if secretary:
            found.meetings = next_meetings(session=session, today=today)
            found.reminders = reminders_to(session=session, email=person.email)
            found.report_at = _last_held(session, today)
    if secretary:
        found.to_report = unreported(db=db)
    return found


def my_cases(*, session: Session, email: str, today: date) -> list[MyCase]:
    """The officer's open cases: those with an overdue deadline first (oldest first), then by
    next deadline, then those with none (by diarienummer)."""
    stmt = (
        select(Case)
        .where(Case.handlaggare == email, col(Case.outcome).is_(None))
        .order_by(col(Case.dnr_year), col(Case.dnr_serial))
    )
    cases = list(session.exec(stmt).all())
    deadlines = [d for d in list_deadlines(session.connection(), today=today, handlaggare=email)
                 if d.state in OPEN_STATES]  # fmt: skip
    by_case: dict[str, list[Any]] = {}
    for deadline in deadlines:  # by due date
        by_case.setdefault(deadline.diarienummer, []).append(deadline)
    rows = []
    for case in cases:
        own = by_case.get(case.diarienummer, [])
        first = own[0] if own else None
        rows.append(MyCase(
            case.diarienummer, case.title, case.stage, first.label if first else None,
            first.due_on if first else None, first.state if first else None,
            sum(1 for d in own if d.state == "overdue"),
        ))  # fmt: skip
    far = date.max
    return sorted(rows, key=lambda r: (r.overdue == 0, r.next_due or far, r.next_due is None))


def awaiting_decision(*, session: Session, email: str, name: str) -> list[AwaitingDecision]:
    """Open cases whose latest memo has no live decision, and no decided memo of the same kind
    and date (the same memo written again in another format); the reader's own first."""
    # In SQL: each open case's latest memo, unless a memo of the same case, kind and date has
    # a live decision; only those rows are read.
    latest = (
        select(func.max(MemoRender.id))
        .join(Case, col(Case.id) == col(MemoRender.case_id))
        .where(col(Case.outcome).is_(None))
        .group_by(col(MemoRender.case_id))
    )
    same = aliased(MemoRender)
    decided = (
        select(Decision.id)
        .join(same, col(same.id) == col(Decision.memo_id))
        .where(same.case_id == MemoRender.case_id, same.kind == MemoRender.kind,
               same.memo_date == MemoRender.memo_date, col(Decision.annulled_at).is_(None))
    )  # fmt: skip
    stmt = (
        select(MemoRender, Case)
        .join(Case, col(Case.id) == col(MemoRender.case_id))
        .where(col(MemoRender.id).in_(latest), ~decided.exists())
    )
    found = list(session.exec(stmt).all())
    names = _names(session, {memo.created_by for memo, _ in found})
    rows = []
    for memo, case in found:
        assert memo.id is not None
        if memo.signatory_email is not None:
            mine = memo.signatory_email.lower() == email.lower()
        else:
            mine = memo.signatory_name is not None and same_name(memo.signatory_name, name)
        rows.append(AwaitingDecision(
            case.diarienummer, case.title, memo.id, memo.kind, memo.memo_date, memo.format,
            names.get(memo.created_by, memo.created_by),
            memo.signatory_name or memo.signatory_email, mine,
        ))  # fmt: skip
    return sorted(rows, key=lambda r: (not r.mine, r.memo_date, r.diarienummer))


def next_meetings(
    *, session: Session, today: date, limit: int = MEETINGS_AHEAD
) -> list[MeetingAgenda]:
    """The next meetings (today's included, cancelled ones left out) with their agendas in
    order, each case's memo written or missing, and whether its decision is registered."""
    meetings = session.exec(
        select(Meeting)
        .where(col(Meeting.day) >= today, col(Meeting.cancelled_at).is_(None))
        .order_by(col(Meeting.day), col(Meeting.body))
        .limit(limit)
    ).all()  # fmt: skip
    if not meetings:
        return []
    ids = [m.id for m in meetings]
    items = session.exec(
        select(AgendaItem, Case)
        .join(Case, col(Case.id) == col(AgendaItem.case_id))
        .where(col(AgendaItem.meeting_id).in_(ids))
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    ).all()  # fmt: skip
    case_ids = list({case.id for _, case in items})
    memos: dict[int, MemoRender] = {}
    for memo in session.exec(select(MemoRender).where(col(MemoRender.case_id).in_(case_ids))
                             .order_by(col(MemoRender.id))).all():  # fmt: skip
        memos[memo.case_id] = memo
    decided = set(session.exec(
        select(Decision.case_id).where(col(Decision.case_id).in_(case_ids),
                                       col(Decision.annulled_at).is_(None))
    ).all())  # fmt: skip
    names = _names(session, {c.handlaggare for _, c in items if c.handlaggare})
    agendas = []
    for meeting in meetings:
        entries = []
        for item, case in items:
            if item.meeting_id != meeting.id:
                continue
            assert case.id is not None
            latest = memos.get(case.id)
            officer = names.get(case.handlaggare or "", case.handlaggare)
            entries.append(AgendaEntry(
                case.diarienummer, case.title, officer, latest.kind if latest else None,
                latest.memo_date if latest else None, case.id in decided,
            ))  # fmt: skip
        agendas.append(MeetingAgenda(meeting.body, meeting.day, meeting.time, entries))
    return agendas


def _names(session: Session, emails: set[str]) -> dict[str, str]:
    from caseflow.store.models import Person

    if not emails:
        return {}
    stmt = select(Person.email, Person.name).where(col(Person.email).in_(sorted(emails)))
    return dict(session.exec(stmt).all())


def _last_held(session: Session, today: date) -> Meeting | None:
    """The latest meeting held (not cancelled) up to today: where decisions are reported."""
    return session.exec(
        select(Meeting)
        .where(col(Meeting.day) <= today, col(Meeting.cancelled_at).is_(None))
        .order_by(col(Meeting.day).desc())
    ).first()  # fmt: skip


def reminders_to(
    *, session: Session, email: str, limit: int = REMINDERS_SHOWN
) -> list[SentReminder]:
    """The latest reminder e-mails (single or digest) addressed to `email`, newest first (the
    outbox holds reminders only: `reminders.mail` is its one writer)."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.recipient == email)
        .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
        .limit(limit)
    )
    return [SentReminder(m.subject, m.status, m.created_at, m.sent_at)
            for m in session.exec(stmt).all()]  # fmt: skip
