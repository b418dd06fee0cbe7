"""SQL for the move hot path, as Core statements compiled once per dialect and sent on the DBAPI
cursor (`store.prepared`).

Used by `engine.fire`: read and lock the case's facts together with the actor's roles (one
statement), read the funders only when a guard needs them, bump the row version
conditionally, append the event. No ORM unit of work and no per-call statement machinery: a
move is BEGIN, 3 statements (4 with guards) and COMMIT.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import SQLModel

import caseflow.store.models  # noqa: F401  (registers the tables)
from caseflow.domain.dnr import Diarienummer
from caseflow.domain.facts import CaseFacts, FunderFacts
from caseflow.store.prepared import CursorTransaction, Prepared

_CASES = SQLModel.metadata.tables["cases"]
_EVENTS = SQLModel.metadata.tables["case_events"]
_cases = _CASES.c
_funders = SQLModel.metadata.tables["case_funders"].c
_people = SQLModel.metadata.tables["people"].c

_FACT_COLUMNS = (
    _cases.id, _cases.stage, _cases.row_version, _cases.workflow, _cases.title, _cases.purpose,
    _cases.start_date, _cases.end_date, _cases.total_budget_sek, _cases.final_report_date,
)  # fmt: skip
_ROLES = select(_people.roles).where(_people.email == bindparam("email")).scalar_subquery()
_SELECT_CASE = select(*_FACT_COLUMNS, _ROLES).where(
    _cases.dnr_prefix == bindparam("prefix"),
    _cases.dnr_serial == bindparam("serial"),
    _cases.dnr_year == bindparam("year"),
)
_SELECT_CASE_LOCKED = Prepared(_SELECT_CASE.with_for_update(of=_CASES))
_SELECT_CASE_PLAIN = Prepared(_SELECT_CASE)
_SELECT_FUNDERS = Prepared(
    select(_funders.code, _funders.status, _funders.decision_date)
    .where(_funders.case_id == bindparam("case_id"))
    .order_by(_funders.position)
)
_BUMP = Prepared(
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
EVENT_COLUMNS = ("case_id", "at", "actor", "kind", "trigger", "from_stage", "to_stage", "reason",
                 "changes", "row_version")  # fmt: skip
_INSERT_EVENT = Prepared(insert(_EVENTS).values({c: bindparam(c) for c in EVENT_COLUMNS}))


def read_facts(
    *, tx: CursorTransaction, dnr: Diarienummer, actor: str, lock: bool
) -> tuple[CaseFacts, list[str] | None] | None:
    """The case's facts without funders (see `read_funders`) and the roles of the person whose
    e-mail is `actor` (None: no such person), or None when there is no such case.

    `lock` takes a row lock on the case (PostgreSQL `FOR UPDATE OF cases`; SQLite write
    transactions are exclusive).
    """
    params = {"prefix": dnr.prefix, "serial": dnr.serial, "year": dnr.year, "email": actor}
    row = tx.first(_SELECT_CASE_LOCKED if lock else _SELECT_CASE_PLAIN, params)
    if row is None:
        return None
    facts = CaseFacts(
        row[0], str(dnr), row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
        (),
    )  # fmt: skip
    roles = row[10]
    return facts, None if roles is None else list(roles)


def read_funders(*, tx: CursorTransaction, case_id: int) -> tuple[FunderFacts, ...]:
    """The case's funders, in their recorded order."""
    return tuple(
        FunderFacts(code, status, decided)
        for code, status, decided in tx.all(_SELECT_FUNDERS, {"case_id": case_id})
    )


def bump_stage(
    *,
    tx: CursorTransaction,
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
    changed = tx.execute(
        _BUMP,
        {
            "case_id_": case_id, "read_version": read_version, "stage": stage, "outcome": outcome,
            "workflow_version": workflow_version, "new_version": read_version + 1, "now": now,
            "stale": reminders_stale,
        },
    )  # fmt: skip
    return changed == 1


def append_event(*, tx: CursorTransaction, values: dict[str, Any]) -> None:
    """Insert one history row (every name of `EVENT_COLUMNS`)."""
    tx.execute(_INSERT_EVENT, values)
