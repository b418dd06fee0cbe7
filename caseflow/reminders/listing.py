"""The reminder rows as the lists show them (`caseflow reminders list`, the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, select

from caseflow.store.models import Case, Reminder

_cases = Case.__table__  # type: ignore[attr-defined]
_reminders = Reminder.__table__  # type: ignore[attr-defined]


def _aware(moment: datetime | str) -> datetime:
    """SQLite hands back naive UTC (or text under func.max); PostgreSQL aware datetimes."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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
