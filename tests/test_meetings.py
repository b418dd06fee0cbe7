"""The board's meetings: add, import a year's plan, agendas with unreported decisions."""

from __future__ import annotations

import json
from pathlib import Path

from caseflow.settings import PROJECT_ROOT
from tests.conftest import Run

EXAMPLE = PROJECT_ROOT / "examples" / "RUN-479-2024.json"


def test_add_list_and_refuse_duplicates(cli: Run) -> None:
    assert cli("meetings", "add", "2025-02-12", "--time", "09:00")[0] == 0
    code, _, err = cli("meetings", "add", "2025-02-12")
    assert code == 1 and "RUN har redan ett sammanträde 2025-02-12" in err
    code, _, err = cli("meetings", "add", "2025-13-01")
    assert code == 1 and "ogiltigt datum '2025-13-01'" in err
    code, _, err = cli("meetings", "add", "2025-03-12", "--time", "25:00")
    assert code == 1 and "ogiltig tid '25:00'" in err
    rows = json.loads(cli("meetings", "list", "--json")[1])
    assert rows == [{"body": "RUN", "date": "2025-02-12", "time": "09:00", "cases": 0,
                     "cancelled": False, "cancel_reason": None,
                     "minutes_posted_on": None}]  # fmt: skip


def test_import_plan_all_or_nothing(cli: Run, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("meetings:\n  - 2025-02-12\n  - {date: 2025-04-02, time: '13:15'}\n",
                    encoding="utf-8")  # fmt: skip
    code, out, err = cli("meetings", "import", str(plan))
    assert code == 0 and "lade till 2 sammanträden" in out, err
    bad = tmp_path / "plan.csv"
    bad.write_text("date,time\n2025-06-11,09:00\n2025-02-30,09:00\n", encoding="utf-8")
    code, _, err = cli("meetings", "import", str(bad))
    assert code == 1 and f"{bad}:3: ogiltigt datum '2025-02-30'" in err
    again = tmp_path / "again.csv"
    again.write_text("date\n2025-06-11\n2025-02-12\n", encoding="utf-8")
    code, _, err = cli("meetings", "import", str(again))
    assert code == 1 and "redan" in err
    days = [m["date"] for m in json.loads(cli("meetings", "list", "--json")[1])]
    assert days == ["2025-02-12", "2025-04-02"]  # nothing from the refused files


def test_agenda_lists_cases_and_unreported_decisions(cli: Run, tmp_path: Path) -> None:
    assert cli("cases", "import", str(EXAMPLE))[0] == 0
    assert cli("meetings", "add", "2024-12-11")[0] == 0
    code, out, _ = cli("case", "schedule", "RUN/479/2024", "--meeting", "2024-12-11")
    assert code == 0 and "står nu på dagordningen" in out
    assert "stod redan" in cli("case", "schedule", "RUN/479/2024", "--meeting", "2024-12-11")[1]
    code, _, err = cli("case", "schedule", "RUN/479/2024", "--meeting", "2024-12-12")
    assert code == 1 and "inget sammanträde 2024-12-12" in err
    memo = tmp_path / "m.md"
    assert cli("memo", "render", "RUN/479/2024", "--date", "2024-11-22", "-o", str(memo))[0] == 0
    assert cli("memo", "finalize", "RUN/479/2024", "--signed-by", "elin.nirjens@regionjh.se",
               "--date", "2024-11-22")[0] == 0  # fmt: skip
    code, out, _ = cli("meetings", "agenda", "2024-12-11")
    assert code == 0
    cases, decisions = out.split("Anmälan av delegationsbeslut")
    assert "RUN/479/2024" in cases and "RUN/479/2024" in decisions and "punkt 8.2" in decisions
    assert json.loads(cli("meetings", "list", "--json")[1])[0]["cases"] == 1


def test_calendar_of_meetings_has_stable_uids(cli: Run, tmp_path: Path) -> None:
    from icalendar import Calendar

    assert cli("meetings", "add", "2025-02-12", "--time", "09:00")[0] == 0
    assert cli("meetings", "add", "2025-04-02")[0] == 0
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert cli("calendar", "--body", "RUN", "-o", str(first))[0] == 0
    assert cli("meetings", "add", "2025-06-11")[0] == 0
    assert cli("calendar", "--body", "run", "-o", str(second))[0] == 0
    events = [Calendar.from_ical(p.read_bytes()).walk("VEVENT") for p in (first, second)]
    uids = [[str(e["UID"]) for e in evs] for evs in events]
    assert uids[0] == uids[1][:2] and len(uids[1]) == 3  # re-import updates, never duplicates
    timed = events[0][0]
    assert timed["DTSTART"].dt.hour == 9 and str(timed["DTSTART"].dt.tzinfo) == "Europe/Stockholm"
    assert str(events[0][1]["DTSTART"].dt) == "2025-04-02"


def test_personal_calendar_has_meetings_and_deadlines(cli: Run, tmp_path: Path) -> None:
    from datetime import date, timedelta

    from icalendar import Calendar

    meeting = (date.today() + timedelta(days=120)).isoformat()
    assert cli("person", "add", "anna@region.se", "--name", "Anna", "--role", "handlaggare")[0] == 0
    assert (
        cli("case", "new", "RUN/5/2025", "--title", "T", "--handlaggare", "anna@region.se")[0] == 0
    )
    assert cli("meetings", "add", meeting)[0] == 0
    assert cli("case", "schedule", "RUN/5/2025", "--meeting", meeting)[0] == 0
    path = tmp_path / "anna.ics"
    assert cli("calendar", "--person", "anna@region.se", "-o", str(path))[0] == 0
    events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert "Sammanträde RUN" in summaries
    assert "Presidiets genomgång – RUN/5/2025" in summaries and len(events) == 4
    other = tmp_path / "bo.ics"
    assert cli("person", "add", "bo@region.se", "--name", "Bo", "--role", "handlaggare")[0] == 0
    assert cli("calendar", "--person", "bo@region.se", "-o", str(other))[0] == 0
    assert Calendar.from_ical(other.read_bytes()).walk("VEVENT") == []
    assert cli("calendar", "-o", str(other))[0] == 1
