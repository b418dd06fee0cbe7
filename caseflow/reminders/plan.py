"""Reminder rows: (re)planned from the workflow's deadline rules inside the caller's transaction.

`replan` runs on the caller's Core connection, so an edit, an import or a scheduling and the
reminders it implies commit together or not at all. Planned rows that no longer apply (the case
closed, was taken off an agenda, its end date changed) are cancelled; rows already queued for
sending are left alone.

Moves are the hot path (≥ 2,000/s on SQLite) and a full re-plan inside every move cost 3×
throughput. So a move that closes a case cancels its planned reminders in its own transaction
(one UPDATE), and a move whose stage change affects deadlines sets `cases.reminders_stale` in the
same UPDATE that sets the stage — the need to re-plan commits with the move and cannot be lost
— and the worker's next tick re-plans those cases (`replan_stale`), like an outbox.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from caseflow.domain.workdays import local_date
from caseflow.store.models import AgendaItem, Case, CaseEvent, Meeting, Reminder
from caseflow.workflow.deadlines import CaseDates, Deadline, DeadlineRule, plan

HORIZON = timedelta(days=400)  # rows further ahead are planned by a later pass (worker)

_cases = Case.__table__  # type: ignore[attr-defined]
_events = CaseEvent.__table__  # type: ignore[attr-defined]
_meetings = Meeting.__table__  # type: ignore[attr-defined]
_agenda = AgendaItem.__table__  # type: ignore[attr-defined]
_reminders = Reminder.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ReplanResult:
    added: int = 0
    cancelled: int = 0
    moved: int = 0


_CASE = select(_cases.c.stage, _cases.c.outcome, _cases.c.start_date, _cases.c.end_date).where(
    _cases.c.id == bindparam("case_id")
)
_MEETINGS = (
    select(_meetings.c.day)
    .join(_agenda, _agenda.c.meeting_id == _meetings.c.id)
    .where(_agenda.c.case_id == bindparam("case_id"), _meetings.c.cancelled_at.is_(None))
    .order_by(_meetings.c.day)
)
ENTERED_KIND = "stage_entered"  # an event recording the day a case really entered its stage
_ENTERED = (
    select(_events.c.to_stage, _events.c.kind, _events.c.at, _events.c.changes)
    .where(
        _events.c.case_id == bindparam("case_id"),
        _events.c.kind.in_(["create", "import", "transition", ENTERED_KIND]),
    )
    .order_by(_events.c.id)
)
_EXISTING = select(
    _reminders.c.id, _reminders.c.rule, _reminders.c.due_on, _reminders.c.status,
    _reminders.c.remind_on,
).where(_reminders.c.case_id == bindparam("case_id"))  # fmt: skip


_CANCEL_ALL = (
    update(_reminders)
    .where(_reminders.c.case_id == bindparam("cid"), _reminders.c.status == "planned")
    .values(status="cancelled", updated_at=bindparam("now"))
)
_OPEN_CASES = select(_cases.c.id, _cases.c.workflow).where(_cases.c.outcome.is_(None))
_STALE = (
    select(_cases.c.id, _cases.c.workflow)
    .where(_cases.c.reminders_stale.is_(True))
    .order_by(_cases.c.id)
)
_CLEAR_STALE = update(_cases).where(_cases.c.id == bindparam("cid")).values(reminders_stale=False)


def case_dates(
    conn: Connection, *, case_id: int, rules: Sequence[DeadlineRule]
) -> CaseDates | None:
    """The planner's view of one case (prebuilt statements: this runs inside every move)."""
    row = conn.execute(_CASE, {"case_id": case_id}).first()
    if row is None:
        return None
    meetings = list(conn.execute(_MEETINGS, {"case_id": case_id}).scalars())
    entered: dict[str, date] = {}
    stages = {r.stage for r in rules if r.stage is not None}
    if stages:
        for stage, kind, at, changes in conn.execute(_ENTERED, {"case_id": case_id}).all():
            if stage in stages and kind == ENTERED_KIND:
                entered[stage] = date.fromisoformat(changes["entered_on"])
            elif stage in stages:
                entered[stage] = local_date(_aware(at))
                # Registered straight into the stage (an imported running project): it
                # entered the stage in reality when it started, not when it was typed in.
                if kind != "transition" and row.start_date and row.start_date < entered[stage]:
                    entered[stage] = row.start_date
    return CaseDates(
        stage=row.stage, is_open=row.outcome is None, start_date=row.start_date,
        end_date=row.end_date, entered=entered, meetings=meetings,
    )  # fmt: skip


def move_changes_plan(rules: Sequence[DeadlineRule], *, from_stage: str, to_stage: str) -> bool:
    """Whether moving between these (open) stages can change a case's reminders."""
    for rule in rules:
        if rule.stages and (from_stage in rule.stages) != (to_stage in rule.stages):
            return True
        if rule.basis == "entered" and rule.stage == to_stage:
            return True
    return False


def replan_stale(
    conn: Connection, *, rules_for: Mapping[str, Sequence[DeadlineRule]], today: date,
    now: datetime, is_sqlite: bool, limit: int = 1000,
) -> int:  # fmt: skip
    """Re-plan the cases a move marked `reminders_stale`, and clear the mark (the worker runs
    this every tick). On PostgreSQL the marked rows are locked first, so a move that marks a
    case again meanwhile waits and its mark is not lost."""
    stmt = _STALE.limit(limit)
    if not is_sqlite:
        stmt = stmt.with_for_update(skip_locked=True)
    rows = conn.execute(stmt).all()
    for case_id, workflow in rows:
        replan(conn, case_id=case_id, rules=rules_for.get(workflow, ()), today=today, now=now)
    if rows:
        conn.execute(_CLEAR_STALE, [{"cid": case_id} for case_id, _ in rows])
    return len(rows)


def cancel_planned(conn: Connection, *, case_id: int, now: datetime) -> int:
    """Cancel every planned reminder of a case (it closed); one statement, for the move path."""
    result = conn.execute(_CANCEL_ALL, {"cid": case_id, "now": now})
    return int(result.rowcount)


def replan_all(conn: Connection, *, rules_for: Mapping[str, Sequence[DeadlineRule]], today: date,
               now: datetime) -> ReplanResult:  # fmt: skip
    """Re-plan every open case (the daily pass) and clear every stale mark."""
    added = cancelled = moved = 0
    conn.execute(update(_cases).where(_cases.c.reminders_stale.is_(True))
                 .values(reminders_stale=False))  # fmt: skip
    for case_id, workflow in conn.execute(_OPEN_CASES).all():
        result = replan(conn, case_id=case_id, rules=rules_for.get(workflow, ()), today=today,
                        now=now)  # fmt: skip
        added, cancelled, moved = (added + result.added, cancelled + result.cancelled,
                                   moved + result.moved)  # fmt: skip
    return ReplanResult(added, cancelled, moved)


def _aware(moment: datetime | str) -> datetime:
    """SQLite hands back naive UTC (or text under func.max); PostgreSQL aware datetimes."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def replan(
    conn: Connection, *, case_id: int, rules: Sequence[DeadlineRule], today: date, now: datetime
) -> ReplanResult:
    """Bring the case's reminder rows in line with its current facts. A row is found again by
    its (rule, occurrence) — or, for a row from before occurrences, by (rule, date) — so its
    mark survives a moved date; a row that no longer applies is cancelled (its mark kept), and
    one that applies again comes back queued if its reminder was already sent for that day."""
    if not rules:
        return ReplanResult()
    facts = case_dates(conn, case_id=case_id, rules=rules)
    deadlines = [] if facts is None else plan(facts, rules, today=today, horizon=today + HORIZON)
    wanted = {(d.rule, d.occurrence): d for d in deadlines}
    by_date = {(d.rule, d.on): d for d in deadlines}
    existing = conn.execute(
        select(_reminders.c.id, _reminders.c.rule, _reminders.c.due_on, _reminders.c.status,
               _reminders.c.remind_on, _reminders.c.occurrence, _reminders.c.reminded_at)
        .where(_reminders.c.case_id == case_id).order_by(_reminders.c.id)
    ).all()  # fmt: skip
    added = cancelled = moved = 0
    claimed: set[tuple[str, str]] = set()
    taken = {(row.rule, row.occurrence) for row in existing}
    for row in existing:
        deadline = wanted.get((row.rule, row.occurrence))
        if deadline is None:
            old = by_date.get((row.rule, row.due_on))
            if old is not None and (old.rule, old.occurrence) not in taken:
                deadline = old
        if deadline is None or (deadline.rule, deadline.occurrence) in claimed:
            if row.status != "cancelled":
                conn.execute(update(_reminders).where(_reminders.c.id == row.id)
                             .values(status="cancelled", updated_at=now))  # fmt: skip
                cancelled += 1
            continue
        claimed.add((deadline.rule, deadline.occurrence))
        values = _changes(row, deadline)
        if values:
            conn.execute(update(_reminders).where(_reminders.c.id == row.id)
                         .values(**values, updated_at=now))  # fmt: skip
            moved += 1
    fresh = [
        {"case_id": case_id, "rule": d.rule, "label": d.label[:200], "due_on": d.on,
         "remind_on": d.remind_on, "status": "planned", "updated_at": now,
         "occurrence": d.occurrence}
        for key, d in wanted.items() if key not in claimed
    ]  # fmt: skip
    if fresh:
        conn.execute(insert(_reminders), fresh)
        added = len(fresh)
    return ReplanResult(added, cancelled, moved)


def _changes(row: Any, deadline: Deadline) -> dict[str, Any]:
    """What to update so `row` is `deadline`: a sent reminder stays sent unless its reminder
    day moved (then it is sent again for the new day)."""
    values: dict[str, Any] = {}
    if row.occurrence != deadline.occurrence:
        values["occurrence"] = deadline.occurrence
    if row.due_on != deadline.on:
        values["due_on"] = deadline.on
    same_day = row.remind_on == deadline.remind_on
    if not same_day:
        values["remind_on"] = deadline.remind_on
    status = "queued" if row.reminded_at is not None and same_day else "planned"
    if row.status == "cancelled" or (row.status == "queued" and not same_day):
        values["status"] = status
    return values


@dataclass(frozen=True)
class ReminderRow:
    diarienummer: str
    title: str
    rule: str
    label: str
    due_on: date
    remind_on: date
    status: str
    handlaggare: str | None
    updated_at: datetime


def list_reminders(
    conn: Connection,
    *,
    due_before: date | None = None,
    include_done: bool = False,
    case_id: int | None = None,
    handlaggare: str | None = None,
) -> list[ReminderRow]:
    stmt = (
        select(
            _cases.c.dnr_prefix,
            _cases.c.dnr_serial,
            _cases.c.dnr_year,
            _cases.c.title,
            _cases.c.handlaggare,
            _reminders.c.rule,
            _reminders.c.label,
            _reminders.c.due_on,
            _reminders.c.remind_on,
            _reminders.c.status,
            _reminders.c.updated_at,
        )  # fmt: skip
        .join(_cases, _cases.c.id == _reminders.c.case_id)
        .order_by(_reminders.c.remind_on, _reminders.c.id)
    )
    if not include_done:
        stmt = stmt.where(_reminders.c.status == "planned")
    if due_before is not None:
        stmt = stmt.where(_reminders.c.remind_on <= due_before)
    if case_id is not None:
        stmt = stmt.where(_reminders.c.case_id == case_id)
    if handlaggare is not None:
        stmt = stmt.where(_cases.c.handlaggare == handlaggare)
    return [
        ReminderRow(
            f"{r.dnr_prefix}/{r.dnr_serial}/{r.dnr_year}",
            r.title,
            r.rule,
            r.label,
            r.due_on,
            r.remind_on,
            r.status,
            r.handlaggare,
            _aware(r.updated_at),
        )
        for r in conn.execute(stmt).all()
    ]
