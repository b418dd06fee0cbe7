"""Deadlines as things to do: overdue ones stay on every surface until marked, a reminder whose
day has passed is still sent (once, late), done/not-applicable marks survive re-planning,
scheduling warns about missed deadlines, and a project registered while running counts its
stage deadlines from its start date. SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from caseflow.cases.engine import add_person, edit_case, fire, import_cases
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.workdays import add_working_days, local_date
from caseflow.errors import InputError, PermissionDeniedError
from caseflow.meetings.calendar import calendar_for
from caseflow.meetings.service import add_meetings, schedule_case
from caseflow.reminders.deadlines import (
    list_deadlines,
    mark_deadline,
    overdue_counts,
    record_entered,
)
from caseflow.reminders.mail import queue_due
from caseflow.reminders.plan import replan_all
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry, load_registry
from tests.conftest import Run
from tests.webkit import Web, csrf_of

ANNA = "anna@example.se"
ADMIN = "admin@example.se"
BO = "bo@example.se"
ENDED = "RUN/77/2024"  # owned by a municipality, ended 2025-12-31 without a final report
MARCH = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09.00 in Stockholm


def ended_project(**overrides: Any) -> CaseDoc:
    data = {
        "diarienummer": ENDED, "title": "Besöksnäring i Bräcke", "stage": "bp_genomforande",
        "owner_is_region": False, "owner": "Bräcke kommun", "handlaggare": ANNA,
        "start_date": "2024-03-01", "end_date": "2025-12-31", "total_budget_sek": 2400000,
        **overrides,
    }  # fmt: skip
    return CaseDoc.model_validate(data)


def register_anna(db: Database, clock: FakeClock) -> None:
    """A case's handläggare is a registered person."""
    from caseflow.store.repo import get_person

    with db.read() as session:
        registered = get_person(session=session, email=ANNA) is not None
    if not registered:
        add_person(db=db, email=ANNA, name="Anna", roles=["handlaggare"], clock=clock)


def import_ended(db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    register_anna(db, clock)
    import_cases(db=db, workflows=workflows, docs=[ended_project()], actor=ANNA, clock=clock)


def states(db: Database, today: date, **kw: Any) -> dict[str, list[tuple[date, str]]]:
    with db.reading() as conn:
        rows = list_deadlines(conn, today=today, **kw)
    found: dict[str, list[tuple[date, str]]] = {}
    for r in rows:
        found.setdefault(r.rule, []).append((r.due_on, r.state))
    return found


def rules(workflows: WorkflowRegistry) -> dict[str, Any]:
    return workflows.deadline_rules()


def test_an_ended_project_without_final_report_is_overdue_on_every_surface(
    web_any: Web,
) -> None:
    web = web_any
    web.clock.advance(MARCH - web.clock.now())
    import_ended(web.db, web.workflows, web.clock)
    today = local_date(web.clock.now())
    found = states(web.db, today)
    assert found["final_report"] == [(date(2026, 1, 2), "overdue")]  # nyårsafton: moved on
    # Imported while running: counted from the start date 2024-03-01, not from the import.
    # Four weeks after 1 March 2024 is Långfredag: the reminder moves to the day before.
    assert found["commitment"] == [(date(2024, 3, 28), "overdue")]
    # Every 6 months from the start: the latest past one (1 March 2026 is a Sunday) and those
    # to come.
    assert found["follow_up_comment"] == [
        (date(2026, 2, 27), "overdue"), (date(2026, 9, 1), "upcoming"),
        (date(2027, 3, 1), "upcoming"),
    ]  # fmt: skip
    client = web.client(ANNA)
    page = client.get(f"/cases/{ENDED}").text
    row = page[page.index("Slutrapporten ska lämnas") :][:400]
    assert "försenad" in row
    mine = client.get("/deadlines").text
    assert "Slutrapporten ska lämnas" in mine and "försenade frister" in mine
    board = client.get("/board").text
    card = board[board.index(ENDED) :][:400]
    # Final report, commitment, follow-up comment and "ending soon"; the yearly results
    # report is one per region (workflows/results_report.yaml), no longer one per project.
    assert set(states(web.db, today)) >= {"ending_soon"}
    assert "results_report" not in states(web.db, today)
    assert "4 försenade" in card
    ics, _ = calendar_for(db=web.db, base_url="https://caseflow.example", person=ANNA,
                          today=today)  # fmt: skip
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(ics).walk("VEVENT")}
    overdue = events[f"FÖRSENAD: Slutrapporten ska lämnas – {ENDED}"]
    assert overdue.decoded("DTSTART") == date(2026, 1, 2)
    assert overdue.decoded("DTEND") == today + timedelta(days=1)  # in view until marked
    api = web.api(ANNA).get("/api/v1/deadlines", params={"mine": "true"}).json()
    assert {(d["rule"], d["state"], d["state_label"]) for d in api} >= {
        ("final_report", "overdue", "försenad")
    }
    # Marked done on the case page: gone from the open lists, the board and the calendar's
    # overdue events; shown as klar with who and when.
    response = client.post(f"/cases/{ENDED}/deadlines/done", data={
        "csrf_token": csrf_of(client, f"/cases/{ENDED}"), "rule": "final_report",
        "occurrence": "", "on": "2026-02-20"})  # fmt: skip
    assert response.status_code == 303
    assert "final_report" not in states(web.db, today)
    page = client.get(f"/cases/{ENDED}").text
    row = page[page.index("Slutrapporten ska lämnas") :][:400]
    assert "klar" in row and "2026-02-20" in row and ANNA in row
    assert "Markerade fristen ”Slutrapporten ska lämnas” (2026-01-02) som klar 2026-02-20" in page
    ics, _ = calendar_for(db=web.db, base_url="https://caseflow.example", person=ANNA,
                          today=today)  # fmt: skip
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(ics).walk("VEVENT")}
    assert f"Klar: Slutrapporten ska lämnas – {ENDED}" in summaries
    with web.db.reading() as conn:
        assert overdue_counts(conn, today=today) == {1: 3}


def test_only_the_cases_handlaggare_or_an_admin_marks_deadlines(web_any: Web) -> None:
    web = web_any
    web.clock.advance(MARCH - web.clock.now())
    import_ended(web.db, web.workflows, web.clock)
    bo = web.client(BO)
    refused = bo.post(f"/cases/{ENDED}/deadlines/skip", data={
        "csrf_token": csrf_of(bo, f"/cases/{ENDED}"), "rule": "commitment", "occurrence": "",
        "reason": "Bekräftat per telefon"})  # fmt: skip
    assert refused.status_code == 403 and "handläggare" in refused.text
    api = web.api(ADMIN)
    empty = api.post(f"/api/v1/cases/{ENDED}/deadlines/commitment/skip", json={"reason": ""})
    assert empty.status_code == 422
    skipped = api.post(f"/api/v1/cases/{ENDED}/deadlines/commitment/skip",
                       json={"reason": "Finansiären kräver ingen bekräftelse"})  # fmt: skip
    assert skipped.status_code == 200, skipped.text
    assert skipped.json()["state"] == "not_applicable"
    assert skipped.json()["marked_by"] == ADMIN
    future = api.post(f"/api/v1/cases/{ENDED}/deadlines/final_report/done",
                      json={"on": "2026-03-20"})  # fmt: skip
    assert future.status_code == 400 and "framtiden" in future.json()["detail"]
    assert "final_report" in states(web.db, date(2026, 3, 2))  # nothing changed


def test_a_weekend_moved_reminder_already_past_is_still_sent_once(
    database: Database, workflows: WorkflowRegistry, tmp_path: Any
) -> None:
    # 30 days before 3 March 2026 is Sunday 1 February: the reminder moves to Friday 30
    # January. Planned on Saturday 31 January, that day has passed — it is sent at once.
    clock = FakeClock(datetime(2026, 1, 31, 9, 0, tzinfo=UTC))
    doc = ended_project(diarienummer="RUN/78/2025", end_date="2026-03-03",
                        start_date="2026-01-26")  # fmt: skip
    register_anna(database, clock)
    import_cases(db=database, workflows=workflows, docs=[doc], actor=ANNA, clock=clock)
    found = states(database, date(2026, 1, 31))
    assert found["ending_soon"] == [(date(2026, 1, 30), "overdue")]
    settings = Settings(database_url=database.url, mail_from="caseflow@region.example")
    first = queue_due(db=database, settings=settings, workflows=workflows, clock=clock)
    assert first.reminders >= 1
    again = queue_due(db=database, settings=settings, workflows=workflows, clock=clock)
    with database.transaction() as conn:
        replan_all(conn, rules_for=rules(workflows), today=date(2026, 1, 31), now=clock.now())
    third = queue_due(db=database, settings=settings, workflows=workflows, clock=clock)
    assert (again.reminders, third.reminders) == (0, 0)
    with database.reading() as conn:
        rows = [r for r in list_deadlines(conn, today=date(2026, 1, 31))
                if r.rule == "ending_soon"]  # fmt: skip
        subjects = [s for (s,) in conn.exec_driver_sql("SELECT subject FROM outbox").all()
                    if "Projektet slutar snart" in s]  # fmt: skip
    assert [(r.status, r.late) for r in rows] == [("queued", True)]
    assert subjects == ["Försenad frist: Projektet slutar snart 2026-01-30 – RUN/78/2025"]


def test_done_and_not_applicable_survive_replanning(
    database: Database, workflows: WorkflowRegistry
) -> None:
    clock = FakeClock(MARCH)
    import_ended(database, workflows, clock)
    marked = mark_deadline(db=database, dnr=ENDED, rule="Slutrapporten ska lämnas", mark="done",
                           actor=ANNA, clock=clock, on=date(2026, 1, 9))  # fmt: skip
    assert (marked.rule, marked.due_on) == ("final_report", date(2026, 1, 2))
    mark_deadline(db=database, dnr=ENDED, rule="commitment", mark="not_applicable", actor=ANNA,
                  clock=clock, reason="Kommunen bekräftade före importen")  # fmt: skip
    # The end date is corrected: the final report's date moves, its mark stays.
    edit_case(db=database, dnr=ENDED, changes={"end_date": "2025-11-30"}, actor=ANNA,
              clock=clock, workflows=workflows)  # fmt: skip
    with database.transaction() as conn:
        replan_all(conn, rules_for=rules(workflows), today=date(2026, 3, 2), now=clock.now())
    everything = states(database, date(2026, 3, 2), include_done=True)
    assert everything["final_report"] == [(date(2025, 12, 1), "done")]
    assert everything["commitment"] == [(date(2024, 3, 28), "not_applicable")]
    assert "final_report" not in states(database, date(2026, 3, 2))
    with pytest.raises(InputError, match="ingen öppen frist"):
        mark_deadline(db=database, dnr=ENDED, rule="final_report", mark="done", actor=ANNA,
                      clock=clock)  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        mark_deadline(db=database, dnr=ENDED, rule="ending_soon", mark="done", actor=BO,
                      roles=["beslutsfattare"], clock=clock)  # fmt: skip
    with pytest.raises(InputError, match="skäl"):
        mark_deadline(db=database, dnr=ENDED, rule="ending_soon", mark="not_applicable",
                      actor=ANNA, clock=clock, reason="  ")  # fmt: skip
    with database.reading() as conn:
        events = conn.exec_driver_sql(
            "SELECT kind, trigger, reason FROM case_events "
            "WHERE kind IN ('deadline_done', 'deadline_skip') ORDER BY id"
        ).all()  # fmt: skip
    assert [tuple(e) for e in events] == [
        ("deadline_done", "final_report", None),
        ("deadline_skip", "commitment", "Kommunen bekräftade före importen"),
    ]
    # A marked deadline gets no reminder.
    settings = Settings(database_url=database.url, mail_from="caseflow@region.example")
    queue_due(db=database, settings=settings, workflows=workflows, clock=clock)
    with database.reading() as conn:
        subjects = [s for (s,) in conn.exec_driver_sql("SELECT subject FROM outbox").all()]
    assert subjects and not [s for s in subjects if "Slutrapporten" in s or "Bekräftelse" in s]


def test_scheduling_17_days_before_a_meeting_warns_about_the_memo(
    web_any: Web,
) -> None:
    web = web_any
    today = local_date(web.clock.now())  # Monday 2025-01-06
    meeting = today + timedelta(days=17)
    add_meetings(db=web.db, meetings=[("RUN", meeting, "09:00")], clock=web.clock)
    doc = CaseDoc.model_validate({"diarienummer": "RUN/12/2025", "title": "Ny ansökan",
                                  "stage": "bp_planering", "handlaggare": ANNA})  # fmt: skip
    import_cases(db=web.db, workflows=web.workflows, docs=[doc], actor=ANNA, clock=web.clock)
    result = web.api(ANNA).put(f"/api/v1/meetings/RUN/{meeting}/cases/RUN/12/2025")
    assert result.status_code == 200, result.text
    memo_ready = add_working_days(meeting, -15)
    assert memo_ready < today
    warnings = result.json()["warnings"]
    assert any("Tjänsteskrivelsen ska vara klar" in w and str(memo_ready) in w for w in warnings)
    assert not any("Presidiets genomgång" in w for w in warnings)  # still ahead
    # It stays as an overdue deadline until the meeting; again: still warned, nothing added.
    found = states(web.db, today)
    assert found["memo_ready"] == [(memo_ready, "overdue")]
    again = schedule_case(db=web.db, dnr="RUN/12/2025", body="RUN", day=meeting, actor=ANNA,
                          clock=web.clock, rules_for=rules(web.workflows))  # fmt: skip
    assert not again.changed and [label for label, _ in again.missed] == [
        "Sista dag för ansökan om medfinansiering", "Tjänsteskrivelsen ska vara klar",
    ]  # fmt: skip


def test_a_rejected_case_has_no_open_deadlines(
    database: Database, workflows: WorkflowRegistry
) -> None:
    clock = FakeClock(MARCH)
    add_person(db=database, email=ANNA, name="Anna", roles=["handlaggare"], clock=clock)
    meeting = date(2026, 4, 15)
    add_meetings(db=database, meetings=[("RUN", meeting, None)], clock=clock)
    doc = CaseDoc.model_validate({
        "diarienummer": "RUN/31/2026", "title": "Avslagen ansökan", "stage": "application_sent",
        "handlaggare": ANNA, "start_date": "2026-05-01", "end_date": "2027-04-30",
        "funders": [{"code": "esf", "status": "rejected", "amount_sek": 500000}],
    })  # fmt: skip
    register_anna(database, clock)
    import_cases(db=database, workflows=workflows, docs=[doc], actor=ANNA, clock=clock)
    schedule_case(db=database, dnr="RUN/31/2026", body="RUN", day=meeting, actor=ANNA,
                  clock=clock, rules_for=rules(workflows))  # fmt: skip
    assert "presidium_review" in states(database, date(2026, 3, 2))
    fire(db=database, workflows=workflows, dnr="RUN/31/2026", trigger="reject", actor=ANNA,
         clock=clock, reason="ESF sade nej")  # fmt: skip
    with database.transaction() as conn:
        replan_all(conn, rules_for=rules(workflows), today=date(2026, 3, 2), now=clock.now())
    assert states(database, date(2026, 3, 2)) == {}
    with database.reading() as conn:
        assert overdue_counts(conn, today=date(2026, 3, 2)) == {}
    with pytest.raises(InputError, match="ingen öppen frist"):
        mark_deadline(db=database, dnr="RUN/31/2026", rule="presidium_review", mark="done",
                      actor=ANNA, clock=clock)  # fmt: skip


def test_reminders_commands_list_states_and_mark(cli: Run, tmp_path: Path) -> None:
    assert cli("person", "add", ANNA, "--name", "Anna", "--role", "handlaggare")[0] == 0
    path = tmp_path / "case.json"
    path.write_text(ended_project().model_dump_json(exclude_unset=True), encoding="utf-8")
    code, out, err = cli("case", "new", "--from-json", str(path))
    assert code == 0, err
    listed = json.loads(cli("reminders", "list", "--json")[1])
    final = [d for d in listed if d["rule"] == "final_report"]
    assert [(d["state"], d["due_on"]) for d in final] == [("overdue", "2026-01-02")]
    code, out, err = cli("reminders", "done", ENDED, "final_report", "--on", "2026-01-20",
                         "--actor", ANNA)  # fmt: skip
    assert code == 0 and "Slutrapporten ska lämnas (2026-01-02) är klar" in out, err
    code, _, err = cli("reminders", "skip", ENDED, "commitment")
    assert code == 1 and err.startswith("fel:") and "skäl" in err
    code, _, err = cli("reminders", "skip", ENDED, "no_such_rule", "--reason", "x")
    assert code == 1 and "ingen öppen frist" in err
    assert cli("reminders", "skip", ENDED, "commitment", "--reason", "Bekräftad 2024")[0] == 0
    listed = json.loads(cli("reminders", "list", "--all", "--json")[1])
    by_rule = {d["rule"]: d for d in listed if d["diarienummer"] == ENDED}
    assert (by_rule["final_report"]["state"], by_rule["final_report"]["done_on"],
            by_rule["final_report"]["marked_by"]) == ("done", "2026-01-20", ANNA)  # fmt: skip
    assert by_rule["commitment"]["state"] == "not_applicable"
    assert by_rule["commitment"]["reason"] == "Bekräftad 2024"


def test_cli_and_web_scheduling_say_which_deadlines_were_missed(cli: Run, web_any: Web) -> None:
    meeting = date.today() + timedelta(days=17)
    assert cli("meetings", "add", meeting.isoformat())[0] == 0
    assert cli("case", "new", "RUN/13/2026", "--title", "Sen ansökan")[0] == 0
    code, out, err = cli("case", "schedule", "RUN/13/2026", "--meeting", meeting.isoformat())
    assert code == 0 and "står nu på dagordningen" in out
    memo_ready = add_working_days(meeting, -15)
    assert f"varning: Tjänsteskrivelsen ska vara klar skulle ha varit klar {memo_ready}" in err
    # The web form says it in its message.
    web = web_any
    day = local_date(web.clock.now()) + timedelta(days=17)
    add_meetings(db=web.db, meetings=[("RUN", day, None)], clock=web.clock)
    doc = CaseDoc.model_validate({"diarienummer": "RUN/14/2025", "title": "Sen ansökan",
                                  "handlaggare": ANNA})  # fmt: skip
    import_cases(db=web.db, workflows=web.workflows, docs=[doc], actor=ANNA, clock=web.clock)
    client = web.client(ANNA)
    response = client.post("/cases/RUN/14/2025/schedule", data={
        "csrf_token": csrf_of(client, "/cases/RUN/14/2025"), "meeting": f"RUN {day}",
        "action": "add"})  # fmt: skip
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Varning, redan passerade frister:" in page
    assert f"Tjänsteskrivelsen ska vara klar {add_working_days(day, -15)}" in page


def test_migration_keeps_existing_reminders_and_their_sent_state(tmp_path: Path) -> None:
    """Rows planned before 0012 get their date as occurrence; the next re-plan adopts them (a
    sent reminder is not sent again) instead of adding duplicates."""
    from alembic import command

    from caseflow.cli.db import alembic_config
    from caseflow.store.db import Database as Db

    db = Db(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(db)
    command.upgrade(config, "0008")
    now = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
    values: dict[str, Any] = {
        "dnr_prefix": "RUN", "dnr_serial": 5, "dnr_year": 2025, "title": "Gammalt",
        "stage": "bp_genomforande", "workflow": "regional_project", "workflow_version": 3,
        "row_version": 1, "created_at": now, "updated_at": now, "end_date": "2025-12-31",
        "handlaggare": ANNA,
    }  # fmt: skip
    with db.engine.begin() as conn:
        for _, name, kind, notnull, default, pk in conn.exec_driver_sql(
            "PRAGMA table_info(cases)"
        ).all():  # the other required columns of 0008's table, filled blank
            if notnull and default is None and not pk and name not in values:
                values[name] = 0 if kind in ("INTEGER", "BOOLEAN") else "[]"
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        conn.exec_driver_sql(f"INSERT INTO cases ({names}) VALUES ({marks})",
                             tuple(values.values()))  # fmt: skip
        conn.exec_driver_sql(
            "INSERT INTO reminders (case_id, rule, label, due_on, remind_on, status, updated_at)"
            " VALUES (1, 'ending_soon', 'Projektet slutar snart', '2025-12-01', '2025-12-01',"
            " 'queued', ?)",
            (now,),
        )
    command.upgrade(config, "head")
    registry = load_registry(Path(__file__).parent.parent / "workflows")
    with db.transaction() as conn:
        replan_all(conn, rules_for=registry.deadline_rules(), today=date(2025, 12, 2), now=now)
    with db.reading() as conn:
        rows = conn.exec_driver_sql(
            "SELECT rule, occurrence, status FROM reminders WHERE rule = 'ending_soon'"
        ).all()
    db.dispose()
    assert [tuple(r) for r in rows] == [("ending_soon", "", "queued")]


def test_a_recorded_stage_date_moves_the_entered_stage_deadlines(
    database: Database, workflows: WorkflowRegistry
) -> None:
    """A partner project registered running without a start date counts from the import until
    the officer records when it really entered the stage."""
    clock = FakeClock(MARCH)
    doc = ended_project(diarienummer="RUN/90/2025", start_date=None, end_date="2027-06-30",
                        owner="Mittuniversitetet")  # fmt: skip
    register_anna(database, clock)
    import_cases(db=database, workflows=workflows, docs=[doc], actor=ANNA, clock=clock)
    assert states(database, date(2026, 3, 2))["commitment"] == [(date(2026, 3, 30), "upcoming")]
    stage = record_entered(db=database, dnr="RUN/90/2025", on=date(2025, 10, 6), actor=ANNA,
                           clock=clock, rules_for=rules(workflows))  # fmt: skip
    assert stage == "bp_genomforande"
    found = states(database, date(2026, 3, 2))
    assert found["commitment"] == [(date(2025, 11, 3), "overdue")]
    # Six months on is Annandag påsk 2026 (and Långfredag before it): the Thursday before.
    assert found["follow_up_comment"][0] == (date(2026, 4, 2), "upcoming")
    with pytest.raises(InputError, match="framtiden"):
        record_entered(db=database, dnr="RUN/90/2025", on=date(2026, 3, 3), actor=ANNA,
                       clock=clock, rules_for=rules(workflows))  # fmt: skip
