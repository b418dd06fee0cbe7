"""A second workflow with its own names (tests/fixtures/workflows/culture_grant.yaml) runs through
the portfolio report, the sheet and text import, the snapshot diff, deadline planning and the
memo kind choice, with no change to the code: the vocabulary is in the YAML."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from caseflow.cases.engine import fire
from caseflow.clock import FakeClock
from caseflow.meetings.service import add_meetings, schedule_case
from caseflow.memo.compose import KindRule, KindWhen, choose_kind, load_board
from caseflow.portfolio.report import build_report
from caseflow.portfolio.sheet import COLUMNS, project_row, row_to_case
from caseflow.portfolio.snapshots import StageNames, diff_portfolios
from caseflow.portfolio.text import parse_portfolio_text
from caseflow.reminders.plan import list_reminders
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.workflow.deadlines import CaseDates, plan
from caseflow.workflow.registry import WorkflowRegistry, compile_file
from tests.factories import OFFICER, add_people, make_case

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "workflows" / "culture_grant.yaml"
REGIONAL = PROJECT_ROOT / "workflows" / "regional_project.yaml"
SECOND = compile_file(FIXTURE)
BOTH = WorkflowRegistry({"culture_grant": SECOND, "regional_project": compile_file(REGIONAL)})


def case(dnr: str, stage: str, workflow: str = "culture_grant", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "diarienummer": dnr, "other_diarienummer": [], "title": f"Projekt {dnr}",
        "purpose": "Syfte.", "area": "Kultur", "priority": None, "start_date": "2025-01-01",
        "end_date": "2025-12-31", "owner": None, "owner_is_region": True,
        "total_budget_sek": 100_000, "funders": [], "own_financing": None,
        "follow_up_status": None, "follow_up_comment": None, "final_report_date": None,
        "stage": stage, "outcome": "completed" if stage in {"archived", "closed"} else None,
        "handlaggare": None, "workflow": workflow, "workflow_version": 1,
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_second_workflow_says_what_its_states_are() -> None:
    assert SECOND.spec.running_states == {"touring", "reporting"}
    assert SECOND.spec.final_states == ["archived"]
    assert SECOND.spec.decision_point_stage("KS - drift") == "touring"


def test_report_reads_each_case_by_its_own_workflow() -> None:
    cases = [
        case("RUN/1/2025", "screening"),
        case("RUN/2/2025", "reporting"),
        case("RUN/3/2025", "archived"),
        case("RUN/4/2025", "bp_planering", workflow="regional_project"),
    ]
    report = build_report(cases, BOTH, as_of=date(2025, 3, 1))
    shown = {p.diarienummer: (p.decision_point, p.stage_label) for p in report.projects}
    assert shown == {
        "RUN/1/2025": ("KS – Prövning", "Prövning"),
        "RUN/2/2025": ("KS – Drift", "Redovisning"),
        "RUN/4/2025": ("BP – Planering", "Planering"),
    }
    assert "KS – Drift = Stödet är beviljat." in report.legend
    assert "BP – Genomförande = Extern finansiering är beviljad." in report.legend


def test_sheet_row_round_trips_and_running_stages_grant_funders() -> None:
    report = build_report(
        [case("RUN/2/2025", "reporting", funders=[
            {"code": "statens_kulturrad", "amount_sek": None, "status": "granted"}])],
        BOTH, as_of=date(2025, 3, 1),
    )  # fmt: skip
    [project] = report.projects
    cells = dict(zip((k for k, _ in COLUMNS), project_row(project), strict=True))
    got = row_to_case(cells, SECOND, where="p.xlsx:2")
    assert got["stage"] == "reporting"
    assert got["funders"] == [{"code": "statens_kulturrad", "status": "granted"}]
    by_point = row_to_case({**cells, "stage": None, "decision_point": "KS - Prövning"},
                           SECOND, where="p.xlsx:3")  # fmt: skip
    assert by_point["stage"] == "screening"
    assert by_point["funders"] == [{"code": "statens_kulturrad", "status": "planned"}]


def test_text_import_finds_the_second_workflows_decision_points() -> None:
    text = (PROJECT_ROOT / "tests" / "fixtures" / "portfolio_small.txt").read_text("utf-8")
    text = text.replace("BP - Planering", "KS - Prövning").replace(
        "BP - Genomförande", "KS - Drift"
    )
    text = text.replace("BP \n- Genomförande", "KS \n- Drift")
    rows = [c for _, c in parse_portfolio_text(text, SECOND, where="kultur.txt")]
    assert {c["stage"] for c in rows} == {"screening", "touring"}
    for row in rows:
        expected = "granted" if row["stage"] == "touring" else "planned"
        assert all(f["status"] == expected for f in row["funders"])


def test_diff_asks_the_cases_workflow_which_projects_run() -> None:
    before = [case("RUN/1/2025", "touring"), case("RUN/2/2025", "screening")]
    after = [case("RUN/1/2025", "reporting"), case("RUN/2/2025", "screening")]
    result = diff_portfolios(before, after, label_from="A", label_to="B",
                             stage_names=StageNames(BOTH, decision_point=True))  # fmt: skip
    assert [p.diarienummer for p in result.stale_comments] == ["RUN/1/2025"]
    assert not result.changed  # touring → reporting keeps the decision point KS – Drift


def test_deadlines_are_planned_from_the_second_workflows_rules() -> None:
    dates = CaseDates(stage="touring", is_open=True, start_date=None, end_date=None,
                      entered={"touring": date(2025, 3, 3)}, meetings=[])  # fmt: skip
    deadlines = plan(dates, SECOND.spec.deadlines, today=date(2025, 3, 3),
                     horizon=date(2025, 12, 31))  # fmt: skip
    assert [(d.rule, d.on) for d in deadlines] == [("tour_report", date(2025, 4, 14))]


def test_scheduling_plans_the_cases_own_workflows_meeting_deadlines(sqlite_db: Database) -> None:
    clock = FakeClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))
    add_people(sqlite_db, clock)
    make_case(sqlite_db, BOTH, clock, "RUN/9/2025", workflow="culture_grant", handlaggare=OFFICER)
    fire(db=sqlite_db, workflows=BOTH, dnr="RUN/9/2025", trigger="submit", actor=OFFICER,
         clock=clock)  # fmt: skip
    add_meetings(db=sqlite_db, meetings=[("RUN", date(2025, 3, 20), None)], clock=clock)
    schedule_case(db=sqlite_db, dnr="RUN/9/2025", body="RUN", day=date(2025, 3, 20),
                  actor=OFFICER, clock=clock, rules_for=BOTH.deadline_rules())  # fmt: skip
    with sqlite_db.reading() as conn:
        rules = {r.rule for r in list_reminders(conn)}
    assert rules == {"jury_papers"}


def test_memo_kind_rules_can_name_the_second_workflows_stages() -> None:
    board = load_board(PROJECT_ROOT / "memos" / "board.yaml")
    touring = KindRule(kind="tjansteskrivelse", when=KindWhen(stage=["touring"]))
    board = board.model_copy(update={"choose": [touring, *board.choose]})
    assert choose_kind(case("RUN/1/2025", "touring"), board) == "tjansteskrivelse"
    assert choose_kind(case("RUN/1/2025", "screening"), board) == "delegationsbeslut"
    partner = case("RUN/1/2025", "screening", owner_is_region=False)
    assert choose_kind(partner, board) == "delegationsbeslut_samverkanspart"


def test_adding_a_running_state_touches_only_the_yaml(tmp_path: Path) -> None:
    """The worked example of docs/architecture.md: a state added to the real lifecycle file, with
    `running: true`, is a running project in the report, the sheet and the diff — no code."""
    data = yaml.safe_load(REGIONAL.read_text(encoding="utf-8"))
    data["version"] += 1
    at = next(i for i, s in enumerate(data["states"]) if s["name"] == "follow_up")
    data["states"].insert(at, {"name": "paused", "label": "Vilande",
                               "decision_point": "BP – Genomförande", "running": True})  # fmt: skip
    data["transitions"] += [
        {"trigger": "pause", "source": "bp_genomforande", "dest": "paused", "label": "Vila",
         "roles": ["handlaggare"]},
        {"trigger": "resume", "source": "paused", "dest": "bp_genomforande",
         "label": "Återuppta", "roles": ["handlaggare"]},
    ]  # fmt: skip
    changed = tmp_path / "regional_project.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    workflow = compile_file(changed)
    registry = WorkflowRegistry({"regional_project": workflow})

    assert workflow.is_running("paused")
    paused = case("RUN/5/2025", "paused", workflow="regional_project", funders=[
        {"code": "anslag_1_1", "amount_sek": 50_000, "status": "granted"}])  # fmt: skip
    report = build_report([paused], registry, as_of=date(2025, 3, 1))
    [project] = report.projects
    assert (project.decision_point, project.stage_label) == ("BP – Genomförande", "Vilande")
    cells = dict(zip((k for k, _ in COLUMNS), project_row(project), strict=True))
    assert row_to_case(cells, workflow, where="p.xlsx:2")["stage"] == "paused"
    before = [case("RUN/5/2025", "bp_genomforande", workflow="regional_project")]
    result = diff_portfolios(before, [paused], label_from="A", label_to="B",
                             stage_names=StageNames(registry, decision_point=True))  # fmt: skip
    assert [p.diarienummer for p in result.stale_comments] == ["RUN/5/2025"]
