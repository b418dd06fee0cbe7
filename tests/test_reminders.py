"""Reminder rows follow the case: planned and re-planned in the same transaction as the edit,
import or scheduling that changes their basis, cancelled in the move that closes the case; a
move that changes them otherwise marks the case stale in its own UPDATE for the worker."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from caseflow.cases.engine import add_person, create_case, edit_case, fire, set_funder
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.workdays import add_working_days, previous_working_day
from caseflow.reminders.plan import list_reminders, replan_stale
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.factories import OFFICER, complete_fields

CLOCK = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def planned(db: Database) -> dict[str, list[date]]:
    with db.transaction() as conn:
        rows = list_reminders(conn)
    out: dict[str, list[date]] = {}
    for r in rows:
        out.setdefault(r.rule, []).append(r.due_on)
    return out


def test_moves_and_edits_replan_in_their_transaction(
    database: Database, workflows: WorkflowRegistry
) -> None:
    clock = FakeClock(CLOCK)
    add_person(db=database, email=OFFICER, name="Anna", roles=["handlaggare"], clock=clock)
    fields = {**complete_fields(), "end_date": "2025-09-30"}
    doc = CaseDoc.model_validate({"diarienummer": "RUN/1/2025", "stage": "application_sent",
                                  **fields})  # fmt: skip
    create_case(db=database, workflows=workflows, doc=doc, actor=OFFICER, clock=clock)
    assert "ending_soon" not in planned(database)  # only while the project runs
    for code in ("tillvaxtverket_nationella", "anslag_1_1"):
        set_funder(db=database, dnr="RUN/1/2025", clock=clock, actor=OFFICER,
                   funder={"code": code, "status": "granted",
                           "decision_date": "2025-01-03"})  # fmt: skip
    fire(db=database, workflows=workflows, dnr="RUN/1/2025", trigger="grant", actor=OFFICER,
         clock=clock)  # fmt: skip
    # The move marks the case in its own UPDATE; the worker's next tick re-plans it.
    assert "commitment" not in planned(database)
    rules = {"regional_project": workflows.get("regional_project").spec.deadlines}
    with database.transaction() as conn:
        stale = replan_stale(conn, rules_for=rules, today=date(2025, 1, 6), now=CLOCK,
                             is_sqlite=database.is_sqlite)  # fmt: skip
        again = replan_stale(conn, rules_for=rules, today=date(2025, 1, 6), now=CLOCK,
                             is_sqlite=database.is_sqlite)  # fmt: skip
    assert (stale, again) == (1, 0)
    found = planned(database)
    # 31 August 2025 is a Sunday: a reminder moves to the Friday before
    assert found["ending_soon"] == [date(2025, 8, 29)]
    assert found["final_report"] == [date(2025, 9, 30)]
    assert found["commitment"] == [date(2025, 2, 3)]  # 4 weeks after entering bp_genomforande
    edit_case(db=database, dnr="RUN/1/2025", changes={"end_date": "2025-12-31"}, actor=OFFICER,
              clock=clock, workflows=workflows)  # fmt: skip
    found = planned(database)
    assert found["final_report"] == [date(2026, 1, 2)]  # nyårsafton: a due date moves on
    assert found["ending_soon"] == [date(2025, 12, 1)]
    fire(db=database, workflows=workflows, dnr="RUN/1/2025", trigger="withdraw", actor=OFFICER,
         clock=clock, reason="Finansiären drog sig ur")  # fmt: skip
    assert planned(database) == {}  # closed: every planned reminder is cancelled
    with database.transaction() as conn:
        statuses = {r.status for r in list_reminders(conn, include_done=True)}
    assert statuses == {"cancelled"}


def test_scheduling_plans_the_meeting_deadlines(cli: Run) -> None:
    meeting = date.today() + timedelta(days=120)
    meeting += timedelta(days=(2 - meeting.weekday()) % 7)  # a Wednesday
    assert cli("person", "add", OFFICER, "--name", "Anna", "--role", "handlaggare")[0] == 0
    assert cli("case", "new", "RUN/2/2025", "--title", "Ny idé", "--handlaggare", OFFICER)[0] == 0
    assert cli("meetings", "add", meeting.isoformat())[0] == 0
    assert json.loads(cli("reminders", "list", "--json")[1]) == []
    assert cli("case", "schedule", "RUN/2/2025", "--meeting", meeting.isoformat())[0] == 0
    rows = json.loads(cli("reminders", "list", "--json")[1])
    by_rule = {r["rule"]: date.fromisoformat(r["due_on"]) for r in rows}
    assert by_rule["application_cutoff"] == previous_working_day(meeting - timedelta(weeks=7))
    assert by_rule["memo_ready"] == add_working_days(meeting, -15)
    assert by_rule["presidium_review"] == previous_working_day(meeting - timedelta(weeks=2))
    assert all(r["diarienummer"] == "RUN/2/2025" for r in rows)
    code, out, _ = cli("case", "unschedule", "RUN/2/2025", "--meeting", meeting.isoformat())
    assert code == 0 and "togs bort" in out
    assert json.loads(cli("reminders", "list", "--json")[1]) == []  # cancelled with it
    assert cli("case", "schedule", "RUN/2/2025", "--meeting", meeting.isoformat())[0] == 0
    assert len(json.loads(cli("reminders", "list", "--json")[1])) == len(rows)  # back again
    first = min(by_rule.values())
    early = json.loads(cli("reminders", "list", "--due-before", first.isoformat(), "--json")[1])
    assert [r["rule"] for r in early] == ["application_cutoff"]


def test_due_reminders_are_mailed_once(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_outbox import Sink, free_port, start_server

    port = free_port()
    controller = start_server(Sink(), port)
    try:
        monkeypatch.setenv("CASEFLOW_SMTP_PORT", str(port))
        monkeypatch.setenv("CASEFLOW_MAIL_FROM", "caseflow@region.se")
        meeting = date.today() + timedelta(days=120)
        assert cli("person", "add", OFFICER, "--name", "Anna Andersson", "--role",
                   "handlaggare")[0] == 0  # fmt: skip
        assert cli("person", "add", "sek@region.se", "--name", "Sara", "--role",
                   "namndsekreterare")[0] == 0  # fmt: skip
        assert cli("case", "new", "RUN/3/2025", "--title", "Ny <idé>", "--handlaggare",
                   OFFICER)[0] == 0  # fmt: skip
        assert cli("meetings", "add", meeting.isoformat())[0] == 0
        assert cli("case", "schedule", "RUN/3/2025", "--meeting", meeting.isoformat())[0] == 0
        rows = json.loads(cli("reminders", "list", "--json")[1])
        review = next(r for r in rows if r["rule"] == "presidium_review")
        when = f"{review['remind_on']}T08:00"
        code, out, err = cli("reminders", "run-once", "--now", when)
        assert code == 0, err
        assert "köade 3 påminnelser som 4 e-brev" in out  # the review also goes to the secretary
        assert "skickade 4" in out
        again = cli("reminders", "run-once", "--now", when)[1]
        assert "köade 0 påminnelser" in again and "skickade 0" in again
        sink = controller.handler
        assert len(sink.messages) == 4 and len(set(sink.ids())) == 4
        subjects = {str(m["To"]): str(m["Subject"]) for m in sink.messages}
        assert subjects["sek@region.se"].startswith("Påminnelse: Presidiets genomgång")
        html = next(m for m in sink.messages if str(m["To"]) == "sek@region.se").get_body(("html",))
        assert html is not None and "Ny &lt;idé&gt;" in html.get_content()
        assert all(r["status"] == "queued" for r in json.loads(
            cli("reminders", "list", "--all", "--json")[1]) if r["rule"] != "application_cutoff"
            or r["remind_on"] <= review["remind_on"])  # fmt: skip
    finally:
        controller.stop()


def test_digest_is_one_mail_per_person(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_outbox import Sink, free_port, start_server

    port = free_port()
    controller = start_server(Sink(), port)
    try:
        monkeypatch.setenv("CASEFLOW_SMTP_PORT", str(port))
        monkeypatch.setenv("CASEFLOW_DIGEST", "true")
        meeting = date.today() + timedelta(days=120)
        assert cli("person", "add", OFFICER, "--name", "Anna", "--role", "handlaggare")[0] == 0
        for serial in (7, 8):
            assert cli("case", "new", f"RUN/{serial}/2025", "--title", f"Projekt {serial}",
                       "--handlaggare", OFFICER)[0] == 0  # fmt: skip
        assert cli("meetings", "add", meeting.isoformat())[0] == 0
        for serial in (7, 8):
            assert cli("case", "schedule", f"RUN/{serial}/2025", "--meeting",
                       meeting.isoformat())[0] == 0  # fmt: skip
        when = f"{(meeting - timedelta(days=10)).isoformat()}T08:00"
        code, out, err = cli("reminders", "run-once", "--now", when)
        assert code == 0 and "köade 6 påminnelser som 1 e-brev" in out, (out, err)
        (mail,) = controller.handler.messages
        body = mail.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert "RUN/7/2025" in text and "RUN/8/2025" in text and "Presidiets genomgång" in text
        assert str(mail["Subject"]).endswith("6 frister")
    finally:
        controller.stop()
