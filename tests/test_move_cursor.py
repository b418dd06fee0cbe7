"""The move's hot path on the DBAPI cursor (issue 15, item 2): the same rows as SQLAlchemy
would write, driver errors turned into the same user errors, nothing left half-done."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from caseflow.cases.engine import add_person, create_case, fire
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.errors import CaseflowError, ConflictError
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import OFFICER, complete_fields

DNR = "RUN/1/2025"


def _case(db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    add_person(db=db, email=OFFICER, name="Anna", roles=["handlaggare"], clock=clock)
    doc = CaseDoc.model_validate({"diarienummer": DNR, **complete_fields()})
    create_case(db=db, workflows=workflows, doc=doc, actor=OFFICER, clock=clock)


def test_a_move_stores_values_as_sqlalchemy_does(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    _case(database, workflows, clock)
    fire(db=database, workflows=workflows, dnr=DNR, trigger="start_planning", actor=OFFICER,
         clock=clock)  # fmt: skip
    with database.reading() as conn:
        rows = conn.exec_driver_sql(
            "SELECT kind, at, row_version FROM case_events ORDER BY id"
        ).all()
        updated = conn.exec_driver_sql("SELECT updated_at, row_version FROM cases").one()
    (create_kind, create_at, _), (kind, at, version) = rows
    assert (create_kind, kind, version, updated.row_version) == ("create", "transition", 2, 2)
    # The written datetime has the same type and text form as the ORM's (the same clock).
    assert type(at) is type(create_at) and str(at) == str(create_at)
    assert str(updated.updated_at) == str(at)


def test_a_stale_version_changes_nothing(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    _case(database, workflows, clock)
    with pytest.raises(ConflictError):
        fire(db=database, workflows=workflows, dnr=DNR, trigger="start_planning", actor=OFFICER,
             clock=clock, expected_version=7)  # fmt: skip
    with database.reading() as conn:
        kinds = conn.exec_driver_sql("SELECT kind FROM case_events").scalars().all()
        stage = conn.exec_driver_sql("SELECT stage FROM cases").scalar()
    assert (kinds, stage) == (["create"], "idea")


def test_a_locked_sqlite_file_is_a_busy_error(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _case(sqlite_db, workflows, clock)
    sqlite_db.dispose()
    monkeypatch.setattr("caseflow.store.db.BUSY_TIMEOUT_MS", 50)
    db = Database(sqlite_db.url)
    holder = sqlite3.connect(Path(sqlite_db.url.removeprefix("sqlite:///")), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(CaseflowError, match="upptagen"):
            fire(db=db, workflows=workflows, dnr=DNR, trigger="start_planning", actor=OFFICER,
                 clock=clock)  # fmt: skip
    finally:
        holder.rollback()
        holder.close()
        db.dispose()
