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

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    String,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    null,
    select,
    update,
)

from caseflow.domain.workdays import local_date
from caseflow.reminders.listing import ReminderRow as ReminderRow  # re-exported
from caseflow.reminders.listing import _aware
from caseflow.reminders.listing import list_reminders as list_reminders  # re-exported
from caseflow.store.bulkwrite import send_many
from caseflow.store.models import AgendaItem, Case, CaseEvent, Meeting, Reminder, ReminderPlan
from caseflow.store.prepared import CursorTransaction, Prepared
from caseflow.workflow.deadlines import CaseDates, Deadline, DeadlineRule, plan

HORIZON = timedelta(days=400)  # rows further ahead are planned by a later pass (worker)

_cases = Case.__table__  # type: ignore[attr-defined]
_events = CaseEvent.__table__  # type: ignore[attr-defined]
_meetings = Meeting.__table__  # type: ignore[attr-defined]
_agenda = AgendaItem.__table__  # type: ignore[attr-defined]
_reminders = Reminder.__table__  # type: ignore[attr-defined]
_plans = ReminderPlan.__table__  # type: ignore[attr-defined]


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
# Only a stage_entered event's `changes` is read: a create or import event's holds the whole case
# as JSON, and decoding it for every case was most of a re-planning pass that changed nothing.
_ENTERED_CHANGES = case((_events.c.kind == ENTERED_KIND, _events.c.changes), else_=null())
_ENTERED = (
    select(_events.c.to_stage, _events.c.kind, _events.c.at, _ENTERED_CHANGES)
    .where(
        _events.c.case_id == bindparam("case_id"),
        _events.c.kind.in_(["create", "import", "transition", ENTERED_KIND]),
    )
    .order_by(_events.c.id)
)

_CANCEL_ALL = (
    update(_reminders)
    .where(_reminders.c.case_id == bindparam("cid"), _reminders.c.status == "planned")
    .values(status="cancelled", updated_at=bindparam("now"))
)
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
    stages = {r.stage for r in rules if r.stage is not None}
    events = conn.execute(_ENTERED, {"case_id": case_id}).all() if stages else []
    return _dates(row, meetings, events, stages)


def _dates(row: Any, meetings: list[date], events: Sequence[Any], stages: set[str]) -> CaseDates:
    """CaseDates from the case row (stage, outcome, start_date, end_date), its meeting days and
    its entering events (to_stage, kind, at, changes; in id order)."""
    entered: dict[str, date] = {}
    for stage, kind, at, changes in events:
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


@dataclass(frozen=True, slots=True)
class _NewRow:
    stage: str
    outcome: str | None
    start_date: date | None
    end_date: date | None


def plan_new_cases(
    conn: Connection, *, cases: Sequence[tuple[int, Sequence[DeadlineRule], str, str | None,
                                              date | None, date | None]],
    today: date, now: datetime,
) -> int:  # fmt: skip
    """Plan the reminders of cases registered in this transaction at `now` (the bulk import):
    (id, rules, stage, outcome, start_date, end_date) each. They have no reminder rows, no
    meetings and one create/import event yet, so nothing is read; the rows go out as one
    executemany. Returns the number of rows added."""
    writes = _Writes()
    added = 0
    for case_id, rules, stage, outcome, start, end in cases:
        if not rules:
            continue
        stages = {r.stage for r in rules if r.stage is not None}
        facts = _dates(_NewRow(stage, outcome, start, end), [], [(stage, "import", now, None)],
                       stages)  # fmt: skip
        deadlines = plan(facts, rules, today=today, horizon=today + HORIZON)
        added += _reconcile(writes, case_id=case_id, existing=(), deadlines=deadlines,
                            now=now).added  # fmt: skip
    writes.flush(conn)
    return added


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


_CANCEL_ALL_PREPARED = Prepared(_CANCEL_ALL)


def cancel_planned_on(tx: CursorTransaction, *, case_id: int, now: datetime) -> int:
    """`cancel_planned` in the move's cursor transaction."""
    return tx.execute(_CANCEL_ALL_PREPARED, {"cid": case_id, "now": now})


def replan_all(conn: Connection, *, rules_for: Mapping[str, Sequence[DeadlineRule]], today: date,
               now: datetime, chunk: int = 500) -> ReplanResult:  # fmt: skip
    """Re-plan every open case (the daily pass) and clear every stale mark.

    A case's fingerprint is a text the database builds from everything the planner reads: its
    workflow's rules and `today`, its stage and dates, the last entering event's id and how many
    there are (the history is append-only, so a new one changes both), the days of the meetings
    it is on. One query compares it with the one stored when this pass last planned the case and
    returns only the cases where they differ — a pass with nothing changed reads no case into
    Python. Those are re-planned `chunk` at a time: facts read in bulk, writes as executemany.
    """
    added = cancelled = moved = 0
    conn.execute(update(_cases).where(_cases.c.reminders_stale.is_(True))
                 .values(reminders_stale=False))  # fmt: skip
    keys = {name: f"{_rules_key(rules)}|{today.isoformat()}"
            for name, rules in rules_for.items() if rules}  # fmt: skip
    if not keys:
        return ReplanResult()
    stages_of = {name: {r.stage for r in rules if r.stage is not None}
                 for name, rules in rules_for.items()}  # fmt: skip
    stale = conn.execute(_stale_statement(keys)).all()
    writes = _Writes()
    for start in range(0, len(stale), chunk):
        rows = stale[start : start + chunk]
        ids = [row.id for row in rows]
        meetings: dict[int, list[date]] = {}
        for case_id, day_of in conn.execute(_MEETINGS_OF, {"ids": ids}):
            meetings.setdefault(case_id, []).append(day_of)
        events: dict[int, list[Any]] = {}
        for event in conn.execute(_ENTERED_OF, {"ids": ids}):
            events.setdefault(event.case_id, []).append(event[1:])
        existing: dict[int, list[Any]] = {}
        for found in conn.execute(_EXISTING_OF, {"ids": ids}):
            existing.setdefault(found.case_id, []).append(found)
        for row in rows:
            facts = _dates(row, meetings.get(row.id, []), events.get(row.id, []),
                           stages_of[row.workflow])  # fmt: skip
            deadlines = plan(facts, rules_for[row.workflow], today=today,
                             horizon=today + HORIZON)  # fmt: skip
            result = _reconcile(writes, case_id=row.id, existing=existing.get(row.id, []),
                                deadlines=deadlines, now=now)  # fmt: skip
            added, cancelled, moved = (added + result.added, cancelled + result.cancelled,
                                       moved + result.moved)  # fmt: skip
        writes.flush(conn)
        known = [{"cid": row.id} for row in rows if row.fingerprint is not None]
        if known:
            conn.execute(_FORGET_PLAN, known)
        conn.execute(insert(_plans), [{"case_id": row.id, "fingerprint": row.summary}
                                      for row in rows])  # fmt: skip
    return ReplanResult(added, cancelled, moved)


_ENTERING = ("create", "import", "transition", ENTERED_KIND)


def _stale_statement(keys: Mapping[str, str]) -> Any:
    """The open cases of the workflows in `keys` whose stored fingerprint differs from the one
    built now (`keys`: workflow → its rules' digest and the day), with that new one."""
    entering = (_events.c.case_id == _cases.c.id) & _events.c.kind.in_(_ENTERING)
    events = (
        select(func.coalesce(cast(func.max(_events.c.id), String), "") + ":"
               + cast(func.count(), String))
        .where(entering).correlate(_cases).scalar_subquery()
    )  # fmt: skip
    meetings = (
        select(func.aggregate_strings(cast(_meetings.c.day, String), ","))
        .select_from(_agenda.join(_meetings, _agenda.c.meeting_id == _meetings.c.id))
        .where(_agenda.c.case_id == _cases.c.id, _meetings.c.cancelled_at.is_(None))
        .correlate(_cases).scalar_subquery()
    )  # fmt: skip

    def text(column: Any) -> Any:
        return func.coalesce(cast(column, String), "")

    summary = (
        case(keys, value=_cases.c.workflow) + "|" + _cases.c.stage + "|"
        + text(_cases.c.start_date) + "|" + text(_cases.c.end_date) + "|" + events + "|"
        + func.coalesce(meetings, "")
    ).label("summary")  # fmt: skip
    inner = (
        select(_cases.c.id, _cases.c.workflow, _cases.c.stage, _cases.c.outcome,
               _cases.c.start_date, _cases.c.end_date, _plans.c.fingerprint, summary)
        .outerjoin(_plans, _plans.c.case_id == _cases.c.id)
        .where(_cases.c.outcome.is_(None), _cases.c.workflow.in_(list(keys)))
        .subquery()
    )  # fmt: skip
    return (
        select(inner).where(inner.c.fingerprint.is_distinct_from(inner.c.summary))
        .order_by(inner.c.id)
    )  # fmt: skip


_MEETINGS_OF = (
    select(_agenda.c.case_id, _meetings.c.day)
    .join(_meetings, _agenda.c.meeting_id == _meetings.c.id)
    .where(_agenda.c.case_id.in_(bindparam("ids", expanding=True)),
           _meetings.c.cancelled_at.is_(None))
    .order_by(_agenda.c.case_id, _meetings.c.day)
)  # fmt: skip
_ENTERED_OF = (
    select(_events.c.case_id, _events.c.to_stage, _events.c.kind, _events.c.at, _ENTERED_CHANGES)
    .where(_events.c.case_id.in_(bindparam("ids", expanding=True)),
           _events.c.kind.in_(["create", "import", "transition", ENTERED_KIND]))
    .order_by(_events.c.case_id, _events.c.id)
)  # fmt: skip
_EXISTING_OF = (
    select(_reminders.c.case_id, _reminders.c.id, _reminders.c.rule, _reminders.c.due_on,
           _reminders.c.status, _reminders.c.remind_on, _reminders.c.occurrence,
           _reminders.c.reminded_at)
    .where(_reminders.c.case_id.in_(bindparam("ids", expanding=True)))
    .order_by(_reminders.c.case_id, _reminders.c.id)
)  # fmt: skip
_FORGET_PLAN = delete(_plans).where(_plans.c.case_id == bindparam("cid"))


def _rules_key(rules: Sequence[DeadlineRule]) -> str:
    """A digest of the rules' full definition: a changed rule re-plans every case."""
    return hashlib.blake2b(repr(list(rules)).encode(), digest_size=16).hexdigest()


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
    existing = conn.execute(_EXISTING_FULL, {"case_id": case_id}).all()
    writes = _Writes()
    result = _reconcile(writes, case_id=case_id, existing=existing, deadlines=deadlines, now=now)
    writes.flush(conn)
    return result


_EXISTING_FULL = (
    select(_reminders.c.id, _reminders.c.rule, _reminders.c.due_on, _reminders.c.status,
           _reminders.c.remind_on, _reminders.c.occurrence, _reminders.c.reminded_at)
    .where(_reminders.c.case_id == bindparam("case_id")).order_by(_reminders.c.id)
)  # fmt: skip
_CANCEL_ROW = (
    update(_reminders).where(_reminders.c.id == bindparam("rid"))
    .values(status="cancelled", updated_at=bindparam("now"))
)  # fmt: skip


_INSERT_REMINDERS = Prepared(
    insert(_reminders).values(
        {
            c: bindparam(c)
            for c in (
                "case_id",
                "rule",
                "label",
                "due_on",
                "remind_on",
                "status",
                "updated_at",
                "occurrence",
            )
        }
    )
)


@dataclass
class _Writes:
    """Reminder writes gathered over one case or many, sent as few executemany as possible."""

    fresh: list[dict[str, Any]] = field(default_factory=list)
    cancel: list[dict[str, Any]] = field(default_factory=list)
    change: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)

    def flush(self, conn: Connection) -> None:
        if self.cancel:
            conn.execute(_CANCEL_ROW, self.cancel)
        for columns, rows in self.change.items():
            stmt = (
                update(_reminders).where(_reminders.c.id == bindparam("rid"))
                .values({c: bindparam(f"v_{c}") for c in (*columns, "updated_at")})
            )  # fmt: skip
            conn.execute(stmt, rows)
        if self.fresh:  # the most rows of a pass: on the cursor (`send_many`)
            send_many(conn, _INSERT_REMINDERS, self.fresh)
        self.fresh, self.cancel, self.change = [], [], {}


def _reconcile(
    writes: _Writes, *, case_id: int, existing: Sequence[Any], deadlines: Sequence[Deadline],
    now: datetime,
) -> ReplanResult:  # fmt: skip
    """Gather in `writes` what brings `existing` (the case's rows, in id order) in line with
    `deadlines`."""
    wanted = {(d.rule, d.occurrence): d for d in deadlines}
    by_date = {(d.rule, d.on): d for d in deadlines}
    cancelled = moved = 0
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
                writes.cancel.append({"rid": row.id, "now": now})
                cancelled += 1
            continue
        claimed.add((deadline.rule, deadline.occurrence))
        values = _changes(row, deadline)
        if values:
            params = {f"v_{c}": v for c, v in values.items()}
            writes.change.setdefault(tuple(values), []).append(
                {"rid": row.id, **params, "v_updated_at": now}
            )
            moved += 1
    fresh = [
        {"case_id": case_id, "rule": d.rule, "label": d.label[:200], "due_on": d.on,
         "remind_on": d.remind_on, "status": "planned", "updated_at": now,
         "occurrence": d.occurrence}
        for key, d in wanted.items() if key not in claimed
    ]  # fmt: skip
    writes.fresh += fresh
    return ReplanResult(len(fresh), cancelled, moved)


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
