"""The results report's yearly deadlines: one set per region and year (21 February, the board's
meeting before it), planned from workflows/results_report.yaml; the old per-project rule's
planned reminders are cancelled by migration 0018."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import text

from caseflow.cli.db import alembic_config
from caseflow.clock import FakeClock
from caseflow.meetings.service import add_meetings
from caseflow.results.deadlines import adopting_meeting, report_deadlines, submission_day
from caseflow.results.lifecycle import fire_report, report_deadlines_of
from caseflow.results.service import create_report
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.workflow.registry import load_registry
from tests.factories import OFFICER, add_people
from tests.test_results_lifecycle import fill

WORKFLOWS = load_registry(PROJECT_ROOT / "workflows")
WF = WORKFLOWS.for_subject("results_report")
RULES = WF.spec.deadlines


def plan(year: int, stage: str, meetings: list[date], today: date) -> dict[str, date]:
    found = report_deadlines(year=year, stage=stage, is_open=stage != "submitted", rules=RULES,
                             meetings=meetings, today=today)  # fmt: skip
    return {d.rule: d.on for d in found}


def test_21_february_moves_to_the_next_working_day() -> None:
    assert submission_day(RULES, year=2024) == date(2025, 2, 21)  # a Friday
    assert submission_day(RULES, year=2025) == date(2026, 2, 23)  # Saturday → Monday
    assert submission_day(RULES, year=2026) == date(2027, 2, 22)  # Sunday → Monday


def test_the_board_meeting_before_the_due_day_adopts_the_report() -> None:
    meetings = [date(2025, 12, 10), date(2026, 1, 28), date(2026, 2, 18), date(2026, 3, 25)]
    assert adopting_meeting(meetings, year=2025, due=date(2026, 2, 23)) == date(2026, 2, 18)
    assert adopting_meeting([date(2026, 3, 25)], year=2025, due=date(2026, 2, 23)) is None


def test_one_set_of_deadlines_per_report_by_stage() -> None:
    meetings = [date(2026, 1, 28), date(2026, 2, 18)]
    today = date(2025, 11, 3)
    assert plan(2025, "draft", meetings, today) == {
        "results_draft_ready": date(2026, 1, 28),  # 15 working days before 18 February
        "results_adoption": date(2026, 2, 18),
        "results_submission": date(2026, 2, 23),
    }
    assert plan(2025, "adopted", meetings, today) == {"results_submission": date(2026, 2, 23)}
    assert plan(2025, "submitted", meetings, today) == {}
    # no meeting in the plan yet: only the legal due date
    assert plan(2025, "review", [], today) == {"results_submission": date(2026, 2, 23)}
    # after the due date the deadline stays (overdue) until the report moves on
    assert plan(2025, "review", meetings, date(2026, 3, 2))["results_submission"] == date(
        2026, 2, 23
    )
    # 6 January (Trettondedag jul) and the weekend are skipped counting back from a meeting
    assert plan(2025, "draft", [date(2026, 1, 27)], today)["results_draft_ready"] == date(
        2026, 1, 5
    )


def test_the_report_s_deadlines_come_from_the_board_s_calendar(
    database: Database, clock: FakeClock
) -> None:
    add_people(database, clock)
    add_meetings(db=database, meetings=[("RUN", date(2026, 2, 18), None)], clock=clock)
    create_report(db=database, year=2025, actor=OFFICER, clock=clock)
    found = report_deadlines_of(db=database, workflow=WF, year=2025, today=date(2025, 12, 1))
    assert [(d.rule, d.on) for d in found] == [
        ("results_draft_ready", date(2026, 1, 28)),
        ("results_adoption", date(2026, 2, 18)),
        ("results_submission", date(2026, 2, 23)),
    ]
    fill(database, clock)  # (the fill helper writes the 2025 report)
    fire_report(db=database, workflow=WF, year=2025, trigger="send_to_review", actor=OFFICER,
                clock=clock)  # fmt: skip
    fire_report(db=database, workflow=WF, year=2025, trigger="adopt", actor="bo@region.se",
                clock=clock)  # fmt: skip
    found = report_deadlines_of(db=database, workflow=WF, year=2025, today=date(2026, 2, 19))
    assert [d.rule for d in found] == ["results_submission"]


def test_no_case_workflow_plans_a_results_report_deadline_per_project() -> None:
    for wf in WORKFLOWS.all():
        assert all("results" not in rule.name for rule in wf.spec.deadlines)


def test_migration_0018_cancels_the_old_rule_s_planned_reminders(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'm.db'}")
    config = alembic_config(database)
    command.upgrade(config, "0016")
    now = datetime(2025, 1, 6, 9, tzinfo=UTC)
    with database.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cases (id, dnr_prefix, dnr_serial, dnr_year, title, owner_is_region, "
                "other_diarienummer, stage, workflow, workflow_version, created_at, updated_at, "
                "row_version, reminders_stale) VALUES (1, 'RUN', 1, 2025, 'P', 1, '[]', "
                "'bp_genomforande', 'regional_project', 4, :now, :now, 1, 0)"
            ),
            {"now": now},
        )
        for rid, rule, status, mark in [
            (1, "results_report", "planned", None),
            (2, "results_report", "queued", None),
            (3, "results_report", "planned", "done"),
            (4, "final_report", "planned", None),
        ]:
            conn.execute(text(
                "INSERT INTO reminders (id, case_id, rule, label, due_on, remind_on, status, "
                "updated_at, occurrence, late, mark) VALUES (:id, 1, :rule, 'x', '2025-02-21', "
                "'2025-01-24', :status, :now, :occ, 0, :mark)"),
                {"id": rid, "rule": rule, "status": status, "now": now, "mark": mark,
                 "occ": str(2023 + rid)})  # fmt: skip
        conn.execute(
            text(
                "INSERT INTO results_reports (region, year, form_edition, status, created_by, "
                "created_at) VALUES ('R', 2024, '2024', 'utkast', 'a', :now)"
            ),
            {"now": now},
        )
    command.upgrade(config, "head")
    with database.engine.connect() as conn:
        statuses = dict(conn.execute(text("SELECT id, status FROM reminders")).all())
        report = conn.execute(text("SELECT status, row_version FROM results_reports")).one()
    assert statuses == {1: "cancelled", 2: "queued", 3: "cancelled", 4: "planned"}
    assert tuple(report) == ("draft", 1)
    database.dispose()
