"""Moving, re-timing and cancelling a meeting, ordering its agenda, and the warnings about odd
days; on SQLite and PostgreSQL, on a municipality-owned project and a partner case."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from caseflow.cases.engine import add_person, create_case
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.meetingdays import day_warnings, meeting_event_text
from caseflow.errors import DuplicateError, InputError
from caseflow.meetings import changes
from caseflow.meetings.calendar import calendar_for
from caseflow.meetings.changes import cancel_meeting, edit_meeting, move_item, order_agenda
from caseflow.meetings.service import add_meetings, agenda, list_meetings, schedule_case
from caseflow.memo.decisions import report
from caseflow.reminders.plan import list_reminders
from caseflow.store.db import Database
from caseflow.store.repo import list_events, require_case
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.factories import complete_fields

MUNICIPAL, PARTNER, THIRD = "RUN/7/2025", "RUN/31/2025", "RUN/44/2025"
APRIL, MAY = date(2025, 4, 2), date(2025, 5, 14)


def build_cases(db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    """A project Östersunds kommun owns, a partner case and one more, all on the April meeting."""
    cases = [
        (MUNICIPAL, {"title": "Bredband i Hackås", "owner": "Östersunds kommun",
                     "owner_is_region": False}),
        (PARTNER, {"title": "Kompetens i glesbygd", "owner": "Mittuniversitetet",
                   "owner_is_region": False}),
        (THIRD, {"title": "Energikartläggning"}),
    ]  # fmt: skip
    for dnr, fields in cases:
        doc = CaseDoc.model_validate({"diarienummer": dnr, **complete_fields(**fields)})
        create_case(db=db, workflows=workflows, doc=doc, actor="ola@region.se", clock=clock)
    add_meetings(db=db, meetings=[("RUN", APRIL, "09:00")], clock=clock)
    for dnr, _ in cases:
        schedule_case(db=db, dnr=dnr, body="RUN", day=APRIL, actor="ola@region.se", clock=clock,
                      rules_for=workflows.deadline_rules())  # fmt: skip


def told(db: Database, dnr: str) -> list[str]:
    """The case's history entries about its meetings, as the case page words them."""
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        events = list_events(session=session, case_id=case.id)
        return [t for e in events if (t := meeting_event_text(e.kind, e.changes))]


def planned(db: Database, rule: str = "memo_ready") -> dict[str, set[date]]:
    with db.reading() as conn:
        rows = list_reminders(conn, include_done=False)
    found: dict[str, set[date]] = {}
    for r in rows:
        if r.rule == rule:
            found.setdefault(r.diarienummer, set()).add(r.due_on)
    return found


def test_move_replans_reminders_of_every_case_on_it(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    build_cases(database, workflows, clock)
    before = planned(database)
    assert set(before) == {MUNICIPAL, PARTNER, THIRD}
    assert all(max(days) < APRIL for days in before.values())
    change = edit_meeting(db=database, body="RUN", day=APRIL, actor="siv@region.se", to=MAY,
                          time="13:15", clock=clock,
                          rules_for=workflows.deadline_rules())  # fmt: skip
    assert (change.day, change.time) == (MAY, "13:15")
    assert [dnr for dnr, _ in change.cases] == [MUNICIPAL, PARTNER, THIRD]
    assert change.reminders_changed >= 6 and change.warnings == ()
    after = planned(database)
    for dnr in (MUNICIPAL, PARTNER, THIRD):
        (due,) = after[dnr]
        assert APRIL < due < MAY and due not in before[dnr]
    [meeting] = list_meetings(db=database)
    assert (meeting.day, meeting.time, meeting.cases) == (MAY, "13:15", 3)
    assert told(database, PARTNER) == [
        "sammanträdet RUN 2025-04-02 som ärendet står på flyttades till 2025-05-14 kl. 13:15"
    ]


def test_a_move_that_fails_half_way_changes_nothing(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    build_cases(database, workflows, clock)
    before = planned(database)
    calls = []

    def failing(*args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 2:  # the first case is re-planned, then the second fails
            raise RuntimeError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    real = changes.replan
    monkeypatch.setattr(changes, "replan", failing)
    with pytest.raises(RuntimeError):
        edit_meeting(db=database, body="RUN", day=APRIL, actor="siv@region.se", to=MAY, clock=clock,
                     rules_for=workflows.deadline_rules())  # fmt: skip
    assert [m.day for m in list_meetings(db=database)] == [APRIL]
    assert planned(database) == before
    assert told(database, MUNICIPAL) == []


def test_move_onto_a_planned_meeting_is_refused(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    build_cases(database, workflows, clock)
    add_meetings(db=database, meetings=[("RUN", MAY, None)], clock=clock)
    with pytest.raises(DuplicateError, match="RUN har redan ett sammanträde 2025-05-14"):
        edit_meeting(db=database, body="RUN", day=APRIL, actor="siv@region.se", to=MAY, clock=clock)
    with pytest.raises(InputError, match="nytt datum eller en ny tid"):
        edit_meeting(db=database, body="RUN", day=APRIL, actor="siv@region.se", clock=clock)
    assert [m.day for m in list_meetings(db=database)] == [APRIL, MAY]


def test_cancel_keeps_the_meeting_and_cancels_its_reminders(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    build_cases(database, workflows, clock)
    change = cancel_meeting(db=database, body="RUN", day=APRIL, actor="siv@region.se",
                            reason="För få ärenden", clock=clock,
                            rules_for=workflows.deadline_rules())  # fmt: skip
    assert [dnr for dnr, _ in change.cases] == [MUNICIPAL, PARTNER, THIRD]
    assert change.reminders_changed >= 9  # three meeting-based rules per case
    for rule in ("memo_ready", "presidium_review", "application_cutoff"):
        assert planned(database, rule) == {}
    [meeting] = list_meetings(db=database)
    assert meeting.cancelled and meeting.cancel_reason == "För få ärenden" and meeting.cases == 3
    assert told(database, MUNICIPAL) == [
        "sammanträdet RUN 2025-04-02 som ärendet står på ställdes in: För få ärenden"
    ]
    late = CaseDoc.model_validate({"diarienummer": "RUN/99/2025", **complete_fields()})
    create_case(db=database, workflows=workflows, doc=late, actor="ola@region.se", clock=clock)
    with pytest.raises(InputError, match="inställt; välj ett annat sammanträde"):
        schedule_case(db=database, dnr="RUN/99/2025", body="RUN", day=APRIL, actor="x",
                      clock=clock)  # fmt: skip
    with pytest.raises(InputError, match="inställt och kan inte ändras"):
        edit_meeting(db=database, body="RUN", day=APRIL, actor="siv@region.se", to=MAY, clock=clock)
    with pytest.raises(InputError, match="inställt och kan inte ställas in"):
        cancel_meeting(db=database, body="RUN", day=APRIL, actor="x", clock=clock)
    clock.advance(timedelta(days=100))  # after the day: still no anmälan at a cancelled meeting
    add_person(db=database, email="siv@region.se", name="Siv Sekreterare",
               roles=["namndsekreterare"], clock=clock)  # fmt: skip
    with pytest.raises(InputError, match="inställt; beslut anmäls vid ett sammanträde som hålls"):
        report(db=database, body="RUN", day=APRIL, actor="siv@region.se", clock=clock)
    feed, _ = calendar_for(db=database, base_url="http://x", body="RUN")
    [event] = Calendar.from_ical(feed).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Inställt: Sammanträde RUN"


def test_order_puts_named_cases_first_and_keeps_the_rest(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    build_cases(database, workflows, clock)
    assert order_agenda(db=database, body="RUN", day=APRIL, dnrs=[THIRD]) == [
        THIRD, MUNICIPAL, PARTNER,
    ]  # fmt: skip
    assert [c.diarienummer for c in agenda(db=database, body="RUN", day=APRIL)] == [
        THIRD, MUNICIPAL, PARTNER,
    ]  # fmt: skip
    assert move_item(db=database, body="RUN", day=APRIL, dnr=THIRD, position=9) == [
        MUNICIPAL, PARTNER, THIRD,
    ]  # fmt: skip
    with pytest.raises(InputError, match="RUN/1/2025 står inte på dagordningen"):
        order_agenda(db=database, body="RUN", day=APRIL, dnrs=[PARTNER, "RUN/1/2025"])
    with pytest.raises(InputError, match="två gånger"):
        order_agenda(db=database, body="RUN", day=APRIL, dnrs=[PARTNER, PARTNER])
    assert [c.diarienummer for c in agenda(db=database, body="RUN", day=APRIL)] == [
        MUNICIPAL, PARTNER, THIRD,
    ]  # fmt: skip


def test_warnings_for_a_saturday_juldagen_and_the_past() -> None:
    today = date(2026, 11, 29)
    assert day_warnings(date(2027, 1, 16), today=today) == [
        "sammanträdet 2027-01-16 infaller på en lördag"
    ]
    assert day_warnings(date(2026, 12, 25), today=today) == [
        "sammanträdet 2026-12-25 infaller på en helgdag eller helgdagsafton (juldagen)"
    ]
    assert day_warnings(date(2020, 3, 3), today=today) == [
        "sammanträdet 2020-03-03 har redan passerat (i dag är det 2026-11-29)"
    ]
    assert day_warnings(date(2027, 1, 13), today=today) == []


def test_cli_add_import_edit_warn_but_succeed(cli: Run, tmp_path: Path) -> None:
    # the CLI runs on the real clock: a past day is one in 2020, the others lie ahead
    code, out, err = cli("meetings", "add", "2031-02-15")
    assert code == 0 and "lade till RUN 2031-02-15" in out
    assert err.strip() == "varning: sammanträdet RUN 2031-02-15 infaller på en lördag"
    plan = tmp_path / "plan.csv"
    plan.write_text("date,time\n2031-12-25,09:00\n2031-04-02,09:00\n", encoding="utf-8")
    code, out, err = cli("meetings", "import", str(plan))
    assert code == 0 and "lade till 2 sammanträden" in out
    assert err.splitlines() == [
        "varning: sammanträdet RUN 2031-12-25 infaller på en helgdag eller helgdagsafton (juldagen)"
    ]
    code, out, err = cli("meetings", "edit", "2031-02-15", "--to", "2020-06-03")
    assert code == 0 and "RUN 2031-02-15 är nu 2020-06-03" in out
    assert err.startswith("varning: sammanträdet RUN 2020-06-03 har redan passerat")
    code, out, err = cli("meetings", "edit", "2020-06-03", "--time", "13.15")
    assert code == 0 and "kl. 13:15" in out and err == ""


def test_cli_edit_cancel_order_and_their_errors(cli: Run, tmp_path: Path) -> None:
    assert cli("meetings", "add", "2031-04-02")[0] == 0
    for serial, owner in ((7, "Östersunds kommun"), (31, "Mittuniversitetet")):
        doc = {
            "diarienummer": f"RUN/{serial}/2025",
            **complete_fields(title=f"Projekt {serial}", owner=owner, owner_is_region=False),
        }
        path = tmp_path / f"{serial}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        assert cli("case", "new", "--from-json", str(path))[0] == 0
        assert cli("case", "schedule", f"RUN/{serial}/2025", "--meeting", "2031-04-02")[0] == 0
    code, out, _ = cli("meetings", "order", "2031-04-02", "RUN/31/2025")
    assert code == 0 and out.splitlines()[1:] == ["  1. RUN/31/2025", "  2. RUN/7/2025"]
    code, out, _ = cli("meetings", "agenda", "2031-04-02")
    assert out.index("RUN/31/2025") < out.index("RUN/7/2025")
    code, _, err = cli("meetings", "order", "2031-04-02", "RUN/8/2025")
    assert code == 1 and err.startswith("fel: RUN/8/2025 står inte på dagordningen")
    code, _, err = cli("meetings", "edit", "2031-04-02", "--time", "25:00")
    assert code == 1 and "ogiltig tid" in err
    code, _, err = cli("meetings", "edit", "2031-04-03", "--to", "2031-04-09")
    assert code == 1 and "inget sammanträde 2031-04-03" in err
    code, out, _ = cli("meetings", "cancel", "2031-04-02", "--reason", "Inga beslutsärenden")
    assert code == 0 and "RUN 2031-04-02 är inställt; 2 ärenden" in out
    assert "RUN/31/2025\tProjekt 31" in out and "RUN/7/2025\tProjekt 7" in out
    code, _, err = cli("meetings", "cancel", "2031-04-02")
    assert code == 1 and "inställt" in err
    assert cli("meetings", "agenda", "2031-04-02")[1].startswith(
        "Dagordning RUN 2031-04-02 (inställt)"
    )
    rows = json.loads(cli("meetings", "list", "--json")[1])
    assert rows[0]["cancelled"] is True and rows[0]["cancel_reason"] == "Inga beslutsärenden"
