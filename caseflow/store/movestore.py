"""SQL for the move hot path, as Core statements built once (compiled-statement cache hits).

Used by `engine.fire`: read and lock the case's facts, read the actor's roles, bump the row
version conditionally, append the event. No ORM unit of work: a move costs a handful of
statements and one commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlmodel import SQLModel

import caseflow.store.models  # noqa: F401  (registers the tables)
from caseflow.domain.dnr import Diarienummer
from caseflow.domain.facts import CaseFacts, FunderFacts

_CASES = SQLModel.metadata.tables["cases"]
_EVENTS = SQLModel.metadata.tables["case_events"]
_cases = _CASES.c
_funders = SQLModel.metadata.tables["case_funders"].c
_people = SQLModel.metadata.tables["people"].c

_FACT_COLUMNS = (
    _cases.id, _cases.stage, _cases.row_version, _cases.workflow, _cases.title, _cases.purpose,
    _cases.start_date, _cases.end_date, _cases.total_budget_sek, _cases.final_report_date,
)  # fmt: skip
_SELECT_CASE = select(*_FACT_COLUMNS).where(
    _cases.dnr_prefix == bindparam("prefix"),
    _cases.dnr_serial == bindparam("serial"),
    _cases.dnr_year == bindparam("year"),
)
_SELECT_CASE_FOR_UPDATE = _SELECT_CASE.with_for_update()
_SELECT_FUNDERS = (
    select(_funders.code, _funders.status, _funders.decision_date)
    .where(_funders.case_id == bindparam("case_id"))
    .order_by(_funders.position)
)
_SELECT_ROLES = select(_people.email, _people.roles).where(_people.email == bindparam("email"))
_BUMP = (
    update(_CASES)
    .where(_cases.id == bindparam("case_id_"), _cases.row_version == bindparam("read_version"))
    .values(
        stage=bindparam("stage"),
        outcome=bindparam("outcome"),
        workflow_version=bindparam("workflow_version"),
        row_version=bindparam("new_version"),
        updated_at=bindparam("now"),
        reminders_stale=bindparam("stale"),
    )
)
_INSERT_EVENT = insert(_EVENTS)


def read_facts(*, conn: Connection, dnr: Diarienummer, lock: bool) -> CaseFacts | None:
    """The case's facts without funders (see `read_funders`), or None.

    `lock` takes a row lock (PostgreSQL `FOR UPDATE`; SQLite write transactions are exclusive).
    """
    stmt = _SELECT_CASE_FOR_UPDATE if lock else _SELECT_CASE
    row = conn.execute(stmt, {"prefix": dnr.prefix, "serial": dnr.serial, "year": dnr.year}).first()
    if row is None:
        return None
    return CaseFacts(
        row.id, str(dnr), row.stage, row.row_version, row.workflow, row.title, row.purpose,
        row.start_date, row.end_date, row.total_budget_sek, row.final_report_date, (),
    )  # fmt: skip


def read_funders(*, conn: Connection, case_id: int) -> tuple[FunderFacts, ...]:
    """The case's funders, in their recorded order."""
    return tuple(
        FunderFacts(code, status, decided)
        for code, status, decided in conn.execute(_SELECT_FUNDERS, {"case_id": case_id})
    )


def read_roles(*, conn: Connection, email: str) -> tuple[str, list[str]] | None:
    """(email, roles) of the person with this address, or None."""
    row = conn.execute(_SELECT_ROLES, {"email": email.strip().lower()}).first()
    return None if row is None else (row.email, list(row.roles))


def bump_stage(
    *,
    conn: Connection,
    case_id: int,
    read_version: int,
    stage: str,
    outcome: str | None,
    workflow_version: int,
    now: datetime,
    reminders_stale: bool = False,
) -> bool:
    """Set the stage if the row version is still `read_version`; False if another won.
    `reminders_stale` marks the case for the worker's re-planning, in the same statement."""
    result = conn.execute(
        _BUMP,
        {
            "case_id_": case_id, "read_version": read_version, "stage": stage, "outcome": outcome,
            "workflow_version": workflow_version, "new_version": read_version + 1, "now": now,
            "stale": reminders_stale,
        },
    )  # fmt: skip
    return result.rowcount == 1


def append_event(*, conn: Connection, values: dict[str, Any]) -> None:
    """Insert one history row (`CaseEvent` column names)."""
    conn.execute(_INSERT_EVENT, values)
