"""Deadlines as things to do: every reminder row of an open case with its state (upcoming, due,
overdue, done, not applicable), overdue counts for the board, and marking one done or not
applicable — recorded in the case's history in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, select, update

from caseflow.clock import Clock
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.workdays import local_date
from caseflow.errors import InputError, PermissionDeniedError
from caseflow.reminders.plan import ENTERED_KIND, replan
from caseflow.store.db import Database
from caseflow.store.models import Case, CaseEvent, Reminder
from caseflow.store.prepared import CursorTransaction, Prepared
from caseflow.store.repo import require_case
from caseflow.workflow.deadlines import STATE_LABELS, DeadlineRule, deadline_state

_cases = Case.__table__  # type: ignore[attr-defined]
_reminders = Reminder.__table__  # type: ignore[attr-defined]
OPEN_STATES = ("upcoming", "due", "overdue")


@dataclass(frozen=True)
class DeadlineRow:
    diarienummer: str
    title: str
    handlaggare: str | None
    rule: str
    occurrence: str
    label: str
    due_on: date
    remind_on: date
    state: str  # one of workflow.deadlines.STATES
    status: str  # planned | queued: whether its reminder e-mail has gone out
    late: bool  # the reminder went out after its reminder day
    done_on: date | None
    marked_by: str | None
    marked_at: datetime | None
    reason: str | None
    updated_at: datetime

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def as_json(self) -> dict[str, object]:
        return {
            "diarienummer": self.diarienummer, "title": self.title,
            "handlaggare": self.handlaggare, "rule": self.rule, "occurrence": self.occurrence,
            "label": self.label, "due_on": self.due_on.isoformat(),
            "remind_on": self.remind_on.isoformat(), "state": self.state,
            "state_label": self.state_label, "status": self.status, "late": self.late,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "marked_by": self.marked_by,
            "marked_at": self.marked_at.isoformat() if self.marked_at else None,
            "reason": self.reason, "updated_at": self.updated_at.isoformat(),
        }  # fmt: skip


def _deadlines_select() -> Select[Any]:
    r, c = _reminders.c, _cases.c
    return (
        select(c.dnr_prefix, c.dnr_serial, c.dnr_year, c.title, c.handlaggare, c.outcome, r.rule,
               r.occurrence, r.label, r.due_on, r.remind_on, r.status, r.late, r.mark, r.done_on,
               r.marked_by, r.marked_at, r.mark_reason, r.updated_at)
        .join(_cases, c.id == r.case_id)
        .where(r.status != "cancelled")
        .order_by(r.due_on, r.id)
    )  # fmt: skip


def _deadline_rows(rows: Sequence[Sequence[Any]], today: date) -> list[DeadlineRow]:
    """`_deadlines_select`'s rows as DeadlineRows (a closed case's unmarked ones left out)."""
    out = []
    for (prefix, serial, year, title, handlaggare, outcome, rule, occurrence, label, due_on,
         remind_on, status, late, mark, done_on, marked_by, marked_at, reason,
         updated_at) in rows:  # fmt: skip
        if mark is None and outcome is not None:
            continue  # a closed case has no open deadlines
        out.append(DeadlineRow(
            f"{prefix}/{serial}/{year}", title, handlaggare, rule, occurrence, label, due_on,
            remind_on, deadline_state(due_on=due_on, remind_on=remind_on, mark=mark, today=today),
            status, bool(late), done_on, marked_by, marked_at, reason, updated_at,
        ))  # fmt: skip
    return out


def list_deadlines(
    conn: Connection, *, today: date, case_id: int | None = None, handlaggare: str | None = None,
    include_done: bool = False, due_before: date | None = None,
) -> list[DeadlineRow]:  # fmt: skip
    """The deadlines of open cases, by date: upcoming, due and overdue ones; with
    `include_done` also those marked done or not applicable (a closed case has none open, but
    its marked ones show with `include_done`). `due_before` keeps those whose reminder day is on
    or before it."""
    r, c = _reminders.c, _cases.c
    stmt = _deadlines_select()
    if not include_done:
        stmt = stmt.where(r.mark.is_(None), c.outcome.is_(None))
    if case_id is not None:
        stmt = stmt.where(r.case_id == case_id)
    if handlaggare is not None:
        stmt = stmt.where(c.handlaggare == handlaggare)
    if due_before is not None:
        stmt = stmt.where(r.remind_on <= due_before)
    return _deadline_rows(conn.execute(stmt).all(), today)


_CASE_DEADLINES = Prepared(_deadlines_select().where(_reminders.c.case_id == bindparam("case_id")))


def read_case_deadlines(*, tx: CursorTransaction, case_id: int, today: date) -> list[DeadlineRow]:
    """As `list_deadlines(case_id=…, include_done=True)`, on one prebuilt statement in the
    caller's transaction (the case page's)."""
    return _deadline_rows(tx.all(_CASE_DEADLINES, {"case_id": case_id}), today)


def overdue_counts(conn: Connection, *, today: date) -> dict[int, int]:
    """Case id → how many of its deadlines are overdue (open cases only)."""
    r, c = _reminders.c, _cases.c
    stmt = (
        select(r.case_id, func.count())
        .join(_cases, c.id == r.case_id)
        .where(r.status != "cancelled", r.mark.is_(None), r.due_on < today, c.outcome.is_(None))
        .group_by(r.case_id)
    )  # fmt: skip
    return {int(case_id): int(n) for case_id, n in conn.execute(stmt).all()}


@dataclass(frozen=True)
class Marked:
    diarienummer: str
    rule: str
    label: str
    due_on: date
    state: str


def may_mark(*, email: str, roles: Sequence[str], handlaggare: str | None) -> bool:
    """The case's handläggare and an admin may mark its deadlines."""
    return "admin" in roles or (bool(handlaggare) and email == handlaggare)


def mark_deadline(
    *, db: Database, dnr: str, rule: str, mark: str, actor: str, clock: Clock,
    roles: Sequence[str] | None = None, on: date | None = None, reason: str | None = None,
    occurrence: str | None = None,
) -> Marked:  # fmt: skip
    """Mark the case's earliest open deadline of `rule` (its name or Swedish label) `done` (on
    `on`, default today) or `not_applicable` (with a `reason`) — with `occurrence`, that one
    (a button on a page names its row) — and record it in the case's
    history, in one transaction. `roles` None is the trusted command line; otherwise the actor
    must be the case's handläggare or an admin.

    Raises:
        UnknownCaseError, PermissionDeniedError, InputError (no such open deadline, a done day
        in the future, a missing reason).
    """
    assert mark in ("done", "not_applicable")
    now = clock.now()
    today = local_date(now)
    reason = (reason or "").strip() or None
    if mark == "not_applicable" and reason is None:
        raise InputError("ange varför fristen inte är aktuell (ett skäl)")
    if reason is not None and len(reason) > 2000:
        raise InputError("skälet får vara högst 2 000 tecken")
    if on is not None and on > today:
        raise InputError(f"en frist kan inte vara klar i framtiden ({on}, i dag är {today})")
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr), for_update=True)
        if roles is not None and not may_mark(email=actor, roles=roles,
                                              handlaggare=case.handlaggare):  # fmt: skip
            raise PermissionDeniedError(
                f"{actor} får inte markera frister i {case.diarienummer}: bara ärendets "
                "handläggare eller en administratör får det"
            )
        assert case.id is not None
        conn = session.connection()
        rows = [] if case.outcome is not None else conn.execute(
            select(_reminders.c.id, _reminders.c.rule, _reminders.c.label, _reminders.c.due_on,
                   _reminders.c.occurrence)
            .where(_reminders.c.case_id == case.id, _reminders.c.status != "cancelled",
                   _reminders.c.mark.is_(None))
            .order_by(_reminders.c.due_on, _reminders.c.id)
        ).all()  # fmt: skip
        wanted = rule.strip().casefold()
        found = next((r for r in rows if wanted in (r.rule, r.label.casefold())
                      and occurrence in (None, r.occurrence)), None)  # fmt: skip
        if found is None:
            open_ = ", ".join(dict.fromkeys(r.label for r in rows)) or "inga"
            raise InputError(f"{case.diarienummer} har ingen öppen frist {rule.strip()!r} "
                             f"(öppna frister: {open_})")  # fmt: skip
        done_on = (on or today) if mark == "done" else None
        conn.execute(
            update(_reminders).where(_reminders.c.id == found.id).values(
                mark=mark, marked_by=actor, marked_at=now, done_on=done_on, mark_reason=reason,
                updated_at=now,
            )
        )  # fmt: skip
        changes: dict[str, object] = {"frist": found.label, "datum": found.due_on.isoformat()}
        if done_on is not None:
            changes["klar"] = done_on.isoformat()
        session.add(CaseEvent(
            case_id=case.id, at=now, actor=actor,
            kind="deadline_done" if mark == "done" else "deadline_skip",
            trigger=found.rule, from_stage=case.stage, to_stage=case.stage, reason=reason,
            changes=changes, row_version=case.row_version,
        ))  # fmt: skip
        return Marked(case.diarienummer, found.rule, found.label, found.due_on, mark)


def record_entered(
    *, db: Database, dnr: str, on: date, actor: str, clock: Clock,
    rules_for: Mapping[str, Sequence[DeadlineRule]],
) -> str:  # fmt: skip
    """Record the day the case really entered its current stage (a project registered late, or
    moved in the system after the fact), recorded in its history; its deadlines that count from
    entering the stage are re-planned from that day in the same transaction. Returns the stage.

    Raises:
        UnknownCaseError, InputError (a closed case, a day in the future).
    """
    now = clock.now()
    today = local_date(now)
    if on > today:
        raise InputError(f"dagen kan inte ligga i framtiden ({on}, i dag är {today})")
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr), for_update=True)
        assert case.id is not None
        if case.outcome is not None:
            raise InputError(f"{case.diarienummer} är avslutat och har inga öppna frister")
        session.add(CaseEvent(
            case_id=case.id, at=now, actor=actor, kind=ENTERED_KIND, from_stage=case.stage,
            to_stage=case.stage, changes={"entered_on": on.isoformat()},
            row_version=case.row_version,
        ))  # fmt: skip
        session.flush()
        replan(session.connection(), case_id=case.id, rules=rules_for.get(case.workflow, ()),
               today=today, now=now)  # fmt: skip
        return case.stage
