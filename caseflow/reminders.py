"""Reminder rows: (re)planned from the workflow's deadline rules inside the caller's transaction.

`replan` runs on the caller's Core connection, so a move, an edit or a scheduling and the
reminders it implies commit together or not at all. Planned rows that no longer apply (the case
closed, was taken off an agenda, its end date changed) are cancelled; rows already queued for
sending are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, func, insert, select, update

from caseflow.deadlines import CaseDates, DeadlineRule, plan
from caseflow.models import AgendaItem, Case, CaseEvent, Meeting, Reminder
from caseflow.workdays import local_date

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


def case_dates(
    conn: Connection, *, case_id: int, rules: Sequence[DeadlineRule]
) -> CaseDates | None:
    row = conn.execute(
        select(_cases.c.stage, _cases.c.outcome, _cases.c.start_date, _cases.c.end_date).where(
            _cases.c.id == case_id
        )
    ).first()
    if row is None:
        return None
    meetings = conn.execute(
        select(_meetings.c.day)
        .join(_agenda, _agenda.c.meeting_id == _meetings.c.id)
        .where(_agenda.c.case_id == case_id)
        .order_by(_meetings.c.day)
    ).scalars()
    stages = {r.stage for r in rules if r.stage is not None}
    entered: dict[str, date] = {}
    if stages:
        moves = conn.execute(
            select(_events.c.to_stage, func.max(_events.c.at))
            .where(
                _events.c.case_id == case_id,
                _events.c.to_stage.in_(stages),
                _events.c.kind.in_(["create", "import", "transition"]),
            )
            .group_by(_events.c.to_stage)
        ).all()
        for stage, at in moves:
            entered[stage] = local_date(_aware(at))
    return CaseDates(
        stage=row.stage, is_open=row.outcome is None, start_date=row.start_date,
        end_date=row.end_date, entered=entered, meetings=list(meetings),
    )  # fmt: skip


def _aware(moment: datetime | str) -> datetime:
    """SQLite hands back naive UTC (or text under func.max); PostgreSQL aware datetimes."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def replan(
    conn: Connection, *, case_id: int, rules: Sequence[DeadlineRule], today: date, now: datetime
) -> ReplanResult:
    """Bring the case's planned reminders in line with its current facts."""
    if not rules:
        return ReplanResult()
    facts = case_dates(conn, case_id=case_id, rules=rules)
    wanted = {} if facts is None else {
        (d.rule, d.on): d for d in plan(facts, rules, today=today, horizon=today + HORIZON)
    }  # fmt: skip
    existing = conn.execute(
        select(
            _reminders.c.id,
            _reminders.c.rule,
            _reminders.c.due_on,
            _reminders.c.status,
            _reminders.c.remind_on,
        ).where(_reminders.c.case_id == case_id)  # fmt: skip
    ).all()
    added = cancelled = moved = 0
    seen: set[tuple[str, date]] = set()
    for row in existing:
        key = (row.rule, row.due_on)
        seen.add(key)
        deadline = wanted.get(key)
        if deadline is None:
            if row.status == "planned" and row.due_on >= today:
                conn.execute(update(_reminders).where(_reminders.c.id == row.id)
                             .values(status="cancelled", updated_at=now))  # fmt: skip
                cancelled += 1
        elif row.status == "cancelled" or (
            row.status == "planned" and row.remind_on != deadline.remind_on
        ):
            values = {"status": "planned", "remind_on": deadline.remind_on, "updated_at": now}
            conn.execute(update(_reminders).where(_reminders.c.id == row.id).values(**values))
            moved += 1
    fresh = [
        {"case_id": case_id, "rule": d.rule, "label": d.label[:200], "due_on": d.on,
         "remind_on": d.remind_on, "status": "planned", "updated_at": now}
        for key, d in wanted.items() if key not in seen
    ]  # fmt: skip
    if fresh:
        conn.execute(insert(_reminders), fresh)
        added = len(fresh)
    return ReplanResult(added, cancelled, moved)


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


def list_reminders(
    conn: Connection, *, due_before: date | None = None, include_done: bool = False
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
        )  # fmt: skip
        .join(_cases, _cases.c.id == _reminders.c.case_id)
        .order_by(_reminders.c.remind_on, _reminders.c.id)
    )
    if not include_done:
        stmt = stmt.where(_reminders.c.status == "planned")
    if due_before is not None:
        stmt = stmt.where(_reminders.c.remind_on <= due_before)
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
        )  # fmt: skip
        for r in conn.execute(stmt).all()
    ]
