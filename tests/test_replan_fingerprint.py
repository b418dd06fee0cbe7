"""The periodic re-planning pass skips the cases whose planning facts have not changed since it
last planned them (a fingerprint per case), and re-plans those whose facts did (issue 15, 5)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event

from caseflow.cases.engine import add_person, edit_case, fire, import_cases
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.reminders.plan import ReplanResult, list_reminders, replan_all
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import OFFICER, complete_fields

NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
TODAY = date(2025, 1, 6)


def seed(db: Database, workflows: WorkflowRegistry, clock: FakeClock, count: int) -> None:
    add_person(db=db, email=OFFICER, name="Anna", roles=["handlaggare"], clock=clock)
    fields = {**complete_fields(), "end_date": "2025-09-30"}
    docs = [CaseDoc.model_validate({"diarienummer": f"RUN/{i}/2025", "stage": "bp_genomforande",
                                    **fields}) for i in range(1, count + 1)]  # fmt: skip
    import_cases(db=db, workflows=workflows, docs=docs, actor=OFFICER, clock=clock)


def rows(db: Database) -> list[tuple[str, str, date, date, str]]:
    with db.reading() as conn:
        found = list_reminders(conn, include_done=True)
    return sorted((r.diarienummer, r.rule, r.due_on, r.remind_on, r.status) for r in found)


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """The SQL sent, one entry per row of an executemany."""
    statements: list[str] = []

    def on_execute(_conn: object, _cursor: object, sql: str, params: object, _ctx: object,
                   many: bool) -> None:  # fmt: skip
        statements.extend([sql] * (len(params) if many else 1))  # type: ignore[arg-type]

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)


def run(db: Database, workflows: WorkflowRegistry, today: date = TODAY) -> ReplanResult:
    with db.transaction() as conn:
        return replan_all(conn, rules_for=workflows.deadline_rules(), today=today, now=NOW,
                          chunk=4)  # fmt: skip


def test_a_pass_with_nothing_changed_skips_every_case_in_a_few_statements(
    database: Database, workflows: WorkflowRegistry
) -> None:
    seed(database, workflows, FakeClock(NOW), 10)
    with counted(database) as statements:
        run(database, workflows)  # the import planned them; this pass stores fingerprints
    assert sum("INSERT INTO reminder_plans" in s for s in statements) == 10
    before = rows(database)
    assert before
    with counted(database) as statements:
        again = run(database, workflows)
    assert again == ReplanResult()
    assert rows(database) == before
    # The stale marks, the open cases, then meetings and events per chunk of 4: no case planned.
    assert len(statements) <= 2 + 2 * 3 + 2, statements  # not one per case


def test_a_changed_fact_replans_only_that_case_and_matches_a_full_pass(
    database: Database, workflows: WorkflowRegistry
) -> None:
    clock = FakeClock(NOW)
    seed(database, workflows, clock, 6)
    run(database, workflows)
    # A move marks the case stale (the worker's replan_stale would pick it up); the periodic
    # pass must see the changed stage through the fingerprint instead.
    fire(db=database, workflows=workflows, dnr="RUN/2/2025", trigger="start_follow_up",
         actor=OFFICER, clock=clock)  # fmt: skip
    edit_case(db=database, dnr="RUN/5/2025", changes={"end_date": "2025-12-31"}, actor=OFFICER,
              clock=clock, workflows=workflows)  # fmt: skip
    with counted(database) as statements:
        changed = run(database, workflows)
    assert changed.added + changed.cancelled + changed.moved > 0
    planned = [s for s in statements if "INSERT INTO reminder_plans" in s]
    assert len(planned) == 2  # RUN/2/2025 and RUN/5/2025; the other four skipped
    after = rows(database)
    # Forgetting every fingerprint makes the next pass re-plan all: it must find nothing to do.
    with database.transaction() as conn:
        conn.exec_driver_sql("DELETE FROM reminder_plans")
    assert run(database, workflows) == ReplanResult()
    assert rows(database) == after


def test_a_new_day_replans_every_case(database: Database, workflows: WorkflowRegistry) -> None:
    seed(database, workflows, FakeClock(NOW), 3)
    run(database, workflows)
    with counted(database) as statements:
        run(database, workflows, today=TODAY + timedelta(days=1))
    assert any("INSERT INTO reminder_plans" in s for s in statements)
