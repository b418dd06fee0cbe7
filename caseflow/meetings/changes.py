"""Changing a planned meeting: move it or change its time, cancel it, reopen a cancelled one,
order its agenda.

Each change is one transaction; moving, cancelling and reopening re-plan the reminders of every
case on the agenda in it, so the meeting and the deadlines counted back from it never disagree,
and (given the settings) e-mail the cases' officers through the outbox in it (`notices`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from caseflow.clock import Clock
from caseflow.domain.checks import check_text
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.meetingdays import (
    MEETING_CANCELLED,
    MEETING_MOVED,
    MEETING_REOPENED,
    day_warnings,
)
from caseflow.domain.workdays import local_date
from caseflow.errors import DuplicateError, InputError
from caseflow.meetings.notices import CANCELLED, MOVED, REOPENED, MeetingNotice, notify_officers
from caseflow.meetings.service import require_meeting
from caseflow.reminders.plan import replan
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.store.models import AgendaItem, Case, CaseEvent, Decision, Meeting
from caseflow.workflow.deadlines import DeadlineRule

RulesFor = Mapping[str, Sequence[DeadlineRule]]


@dataclass(frozen=True)
class MeetingChange:
    """What a change did: the meeting as it now is, the cases on its agenda (diarienummer,
    title), how many reminders were re-planned, warnings about the new day, and how many
    officers were e-mailed."""

    body: str
    day: date
    time: str | None
    cases: tuple[tuple[str, str], ...]
    reminders_changed: int = 0
    warnings: tuple[str, ...] = ()
    notified: int = 0


def plan_warnings(meetings: Sequence[tuple[str, date, str | None]], *, clock: Clock) -> list[str]:
    """Warnings for meetings about to be added (weekend, holiday, past), one per odd fact."""
    today = local_date(clock.now())
    found: list[str] = []
    for body, day, _ in meetings:
        found += day_warnings(day, today=today, where=f"sammanträdet {body}")
    return found


def _items(session: Session, meeting: Meeting) -> list[tuple[AgendaItem, Case]]:
    stmt = (
        select(AgendaItem, Case)
        .join(Case, col(Case.id) == col(AgendaItem.case_id))
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    )
    return list(session.exec(stmt).all())


def _replan(
    session: Session, cases: list[Case], *, rules_for: RulesFor | None, clock: Clock
) -> int:
    now = clock.now()
    changed = 0
    for case in cases:
        assert case.id is not None
        result = replan(session.connection(), case_id=case.id,
                        rules=(rules_for or {}).get(case.workflow, ()), today=local_date(now),
                        now=now)  # fmt: skip
        changed += result.added + result.cancelled + result.moved
    return changed


def _tell(session: Session, cases: list[Case], *, kind: str, actor: str, clock: Clock,
          changes: dict[str, str | None]) -> None:  # fmt: skip
    """A history entry on every case on the agenda; their fields and row versions are unchanged."""
    now = clock.now()
    for case in cases:
        assert case.id is not None
        session.add(CaseEvent(case_id=case.id, at=now, actor=actor, kind=kind,
                              from_stage=case.stage, to_stage=case.stage, changes=changes,
                              row_version=case.row_version))  # fmt: skip


def _notify(
    session: Session, settings: Settings | None, meeting: Meeting, cases: list[Case],
    notice: MeetingNotice, *, actor: str, clock: Clock,
) -> int:  # fmt: skip
    if settings is None or not cases:
        return 0
    assert meeting.id is not None
    return notify_officers(session, settings=settings, cases=cases, notice=notice, actor=actor,
                           now=clock.now(), meeting_id=meeting.id)  # fmt: skip


def _open_meeting(session: Session, *, body: str, day: date, doing: str) -> Meeting:
    meeting = require_meeting(session, body=body, day=day)
    if meeting.cancelled_at is not None:
        raise InputError(f"sammanträdet {body} {day} är inställt och kan inte {doing}")
    reported = session.exec(
        select(Decision.id).where(Decision.reported_meeting_id == meeting.id)
    ).first()  # fmt: skip
    if reported is not None:
        raise InputError(f"vid sammanträdet {body} {day} har delegationsbeslut redan anmälts; "
                         f"det kan inte {doing}")  # fmt: skip
    return meeting


def edit_meeting(
    *, db: Database, body: str, day: date, actor: str, clock: Clock, to: date | None = None,
    time: str | None = None, clear_time: bool = False, rules_for: RulesFor | None = None,
    settings: Settings | None = None,
) -> MeetingChange:  # fmt: skip
    """Move a meeting to `to` and/or set its time (`clear_time`: no time). A move re-plans the
    reminders of the cases on its agenda and adds an event to each one's history, in the same
    transaction; a day that is a weekend, a holiday or past gives warnings, not a refusal. With
    `settings`, a new day or time is e-mailed to the cases' officers in the same transaction.

    Raises:
        NotFoundError (no such meeting), InputError (nothing to change, cancelled, decisions
        already reported at it), DuplicateError (the body already meets on `to`).
    """
    if to is None and time is None and not clear_time:
        raise InputError("ange ett nytt datum eller en ny tid för sammanträdet")
    taken = f"{body} har redan ett sammanträde {to}"
    with db.write(duplicate=taken) as session:
        meeting = _open_meeting(session, body=body, day=day, doing="ändras")
        moved = to is not None and to != meeting.day
        before = meeting.time
        if moved:
            other = session.exec(
                select(Meeting.id).where(Meeting.body == body, Meeting.day == to)
            ).first()  # fmt: skip
            if other is not None:
                raise DuplicateError(f"{taken}; sammanträdet flyttades inte")
            assert to is not None
            meeting.day = to
        if time is not None or clear_time:
            meeting.time = None if clear_time else time
        session.add(meeting)
        session.flush()
        items = _items(session, meeting)
        changed = _replan(session, [c for _, c in items], rules_for=rules_for, clock=clock)
        if moved:
            _tell(session, [c for _, c in items], kind=MEETING_MOVED, actor=actor, clock=clock,
                  changes={"meeting": f"{body} {day.isoformat()}",
                           "to": meeting.day.isoformat(), "time": meeting.time})  # fmt: skip
        warnings = plan_warnings([(body, meeting.day, None)], clock=clock) if moved else []
        notified = 0
        if moved or meeting.time != before:
            notice = MeetingNotice(MOVED, body, day, meeting.day, meeting.time)
            notified = _notify(session, settings, meeting, [c for _, c in items], notice,
                               actor=actor, clock=clock)  # fmt: skip
        return MeetingChange(body, meeting.day, meeting.time,
                             tuple((c.diarienummer, c.title) for _, c in items), changed,
                             tuple(warnings), notified)  # fmt: skip


def cancel_meeting(
    *, db: Database, body: str, day: date, actor: str, clock: Clock, reason: str | None = None,
    rules_for: RulesFor | None = None, settings: Settings | None = None,
) -> MeetingChange:  # fmt: skip
    """Cancel (ställa in) a meeting: it is kept, marked cancelled with who, when and why, and no
    longer offered for scheduling; the cases stay listed on it, and their reminders for it are
    cancelled and an event added to each one's history in the same transaction (with
    `settings`, their officers are e-mailed in it too).

    Raises:
        NotFoundError, InputError (already cancelled, decisions reported at it, reason too long).
    """
    why = check_text(reason or "", field="anledning", max_length=500) or None
    now = clock.now()
    with db.write() as session:
        meeting = _open_meeting(session, body=body, day=day, doing="ställas in")
        meeting.cancelled_at, meeting.cancelled_by, meeting.cancel_reason = now, actor, why
        session.add(meeting)
        session.flush()
        items = _items(session, meeting)
        changed = _replan(session, [c for _, c in items], rules_for=rules_for, clock=clock)
        _tell(session, [c for _, c in items], kind=MEETING_CANCELLED, actor=actor, clock=clock,
              changes={"meeting": f"{body} {day.isoformat()}", "reason": why})  # fmt: skip
        notice = MeetingNotice(CANCELLED, body, day, day, meeting.time, why)
        notified = _notify(session, settings, meeting, [c for _, c in items], notice,
                           actor=actor, clock=clock)  # fmt: skip
        cases = tuple((c.diarienummer, c.title) for _, c in items)
        return MeetingChange(body, meeting.day, meeting.time, cases, changed, (), notified)


def reopen_meeting(
    *, db: Database, body: str, day: date, actor: str, clock: Clock,
    rules_for: RulesFor | None = None, settings: Settings | None = None,
) -> MeetingChange:  # fmt: skip
    """Take back a cancellation: the meeting is planned again and offered for scheduling, the
    reminders of the cases still on its agenda are planned again and an event is added to each
    one's history, in one transaction (with `settings`, their officers are e-mailed in it too).
    A day now past gives a warning, not a refusal.

    Raises:
        NotFoundError (no such meeting), InputError (the meeting is not cancelled).
    """
    with db.write() as session:
        meeting = require_meeting(session, body=body, day=day)
        if meeting.cancelled_at is None:
            raise InputError(f"sammanträdet {body} {day} är inte inställt")
        meeting.cancelled_at = meeting.cancelled_by = meeting.cancel_reason = None
        session.add(meeting)
        session.flush()
        items = _items(session, meeting)
        changed = _replan(session, [c for _, c in items], rules_for=rules_for, clock=clock)
        _tell(session, [c for _, c in items], kind=MEETING_REOPENED, actor=actor, clock=clock,
              changes={"meeting": f"{body} {day.isoformat()}"})  # fmt: skip
        notice = MeetingNotice(REOPENED, body, day, day, meeting.time)
        notified = _notify(session, settings, meeting, [c for _, c in items], notice,
                           actor=actor, clock=clock)  # fmt: skip
        warnings = plan_warnings([(body, day, None)], clock=clock)
        cases = tuple((c.diarienummer, c.title) for _, c in items)
        return MeetingChange(body, meeting.day, meeting.time, cases, changed, tuple(warnings),
                             notified)  # fmt: skip


def order_agenda(*, db: Database, body: str, day: date, dnrs: Sequence[str]) -> list[str]:
    """Put the named cases first on the agenda, in the order given; the others follow in their
    present order. Returns the agenda's diarienummer in the new order.

    Raises:
        NotFoundError, InputError (a number twice, a case not on the agenda, a cancelled
        meeting, an empty list).
    """
    wanted = [str(parse_dnr(d)) for d in dnrs]
    if not wanted:
        raise InputError("ange diarienumren i den ordning de ska stå på dagordningen")
    twice = sorted({d for d in wanted if wanted.count(d) > 1})
    if twice:
        raise InputError(f"{twice[0]} står två gånger i den nya ordningen")
    with db.write() as session:
        meeting = require_meeting(session, body=body, day=day)
        if meeting.cancelled_at is not None:
            raise InputError(f"sammanträdet {body} {day} är inställt; dagordningen ändras inte")
        items = _items(session, meeting)
        by_dnr = {c.diarienummer: item for item, c in items}
        missing = [d for d in wanted if d not in by_dnr]
        if missing:
            raise InputError(f"{missing[0]} står inte på dagordningen {body} {day}; "
                             "ordningen ändrades inte")  # fmt: skip
        order = wanted + [c.diarienummer for _, c in items if c.diarienummer not in wanted]
        for position, dnr in enumerate(order, start=1):
            by_dnr[dnr].position = position
            session.add(by_dnr[dnr])
        return order


def move_item(*, db: Database, body: str, day: date, dnr: str, position: int) -> list[str]:
    """Put one case at `position` (1 = first; beyond the end = last) on the agenda.

    Raises:
        as `order_agenda`, and InputError for a position below 1.
    """
    if position < 1:
        raise InputError(f"platsen på dagordningen måste vara 1 eller mer, inte {position}")
    number = str(parse_dnr(dnr))
    with db.read() as session:
        meeting = require_meeting(session, body=body, day=day)
        current = [c.diarienummer for _, c in _items(session, meeting)]
    if number not in current:
        raise InputError(f"{number} står inte på dagordningen {body} {day}")
    current.remove(number)
    current.insert(min(position, len(current) + 1) - 1, number)
    return order_agenda(db=db, body=body, day=day, dnrs=current)
