"""Deadline rules as data and the pure planner (Swedish working days)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from caseflow.workflow.deadlines import CaseDates, DeadlineRule, plan

RULES = [
    DeadlineRule.model_validate(r)
    for r in [
        {"name": "application_cutoff", "label": "Sista dag för ansökan", "basis": "meeting",
         "offset": {"weeks": -7}, "recipients": ["handlaggare"], "template": "deadline"},
        {"name": "memo_ready", "label": "Tjänsteskrivelsen klar", "basis": "meeting",
         "offset": {"working_days": -15}, "recipients": ["handlaggare"], "template": "deadline"},
        {"name": "ending_soon", "label": "Projektet slutar snart", "basis": "end_date",
         "offset": {"days": -30}, "recipients": ["handlaggare"], "template": "deadline"},
        {"name": "final_report", "label": "Slutrapporten", "basis": "end_date", "kind": "due",
         "recipients": ["handlaggare"], "template": "deadline"},
        {"name": "commitment", "label": "Bekräftelse av åtagande", "basis": "entered",
         "stage": "bp_genomforande", "offset": {"weeks": 4}, "stages": ["bp_genomforande"],
         "recipients": ["handlaggare", "role:namndsekreterare"], "template": "deadline"},
        {"name": "follow_up", "label": "Ny uppföljningskommentar", "basis": "entered",
         "stage": "bp_genomforande", "every": {"months": 6}, "stages": ["bp_genomforande"],
         "recipients": ["handlaggare"], "template": "deadline"},
        {"name": "results_report", "label": "Resultatredovisningen", "basis": "yearly",
         "yearly_on": "02-21", "kind": "due", "recipients": ["address:rapport@region.se"],
         "template": "deadline"},
    ]
]  # fmt: skip


def case(**kw: object) -> CaseDates:
    base: dict[str, object] = {
        "stage": "bp_genomforande", "is_open": True, "start_date": date(2025, 1, 1),
        "end_date": date(2026, 6, 30), "entered": {"bp_genomforande": date(2025, 3, 3)},
        "meetings": [date(2025, 6, 11)],
    }  # fmt: skip
    return CaseDates(**{**base, **kw})  # type: ignore[arg-type]


def by_rule(deadlines: list[object]) -> dict[str, list[date]]:
    out: dict[str, list[date]] = {}
    for d in deadlines:
        out.setdefault(d.rule, []).append(d.on)  # type: ignore[attr-defined]
    return out


def test_rules_give_swedish_working_days() -> None:
    found = by_rule(plan(case(), RULES, today=date(2025, 1, 1), horizon=date(2026, 12, 31)))
    assert found["application_cutoff"] == [date(2025, 4, 23)]  # 7 weeks before 11 June
    # 15 working days before 11 June 2025 (6 June and Kristi himmelsfärd 29 May are holidays)
    assert found["memo_ready"] == [date(2025, 5, 19)]
    assert found["ending_soon"] == [date(2026, 5, 29)]  # 31 May 2026 is a Sunday: Friday before
    assert found["final_report"] == [date(2026, 6, 30)]
    assert found["commitment"] == [date(2025, 3, 31)]
    assert found["follow_up"][:2] == [date(2025, 9, 3), date(2026, 3, 3)]
    # 21 February 2026 is a Saturday: a legal due date moves to Monday
    assert found["results_report"] == [date(2025, 2, 21), date(2026, 2, 23)]


def test_closed_cases_and_other_stages_have_no_stage_rules() -> None:
    assert (
        plan(case(is_open=False), RULES, today=date(2025, 1, 1), horizon=date(2026, 12, 31)) == []
    )
    found = by_rule(plan(case(stage="bp_planering"), RULES, today=date(2025, 1, 1),
                         horizon=date(2026, 12, 31)))  # fmt: skip
    assert "commitment" not in found and "follow_up" not in found and "memo_ready" in found


def test_past_deadlines_stay_until_replaced_and_the_horizon_ends_the_plan() -> None:
    found = by_rule(plan(case(), RULES, today=date(2025, 5, 20), horizon=date(2025, 9, 30)))
    assert found == {
        "application_cutoff": [date(2025, 4, 23)], "memo_ready": [date(2025, 5, 19)],
        "commitment": [date(2025, 3, 31)], "follow_up": [date(2025, 9, 3)],
        "results_report": [date(2025, 2, 21)],
    }  # fmt: skip
    # The meeting is over: its preparations are gone. Of the periodic follow-ups only the
    # latest past one stays (overdue) besides those to come.
    later = by_rule(plan(case(), RULES, today=date(2026, 4, 1), horizon=date(2026, 9, 30)))
    assert "application_cutoff" not in later and "memo_ready" not in later
    assert later["follow_up"] == [date(2026, 3, 3), date(2026, 9, 3)]


def test_an_occurrence_keeps_its_key_when_its_date_moves() -> None:
    def keys(c: CaseDates) -> dict[tuple[str, str], date]:
        found = plan(c, RULES, today=date(2025, 1, 1), horizon=date(2027, 12, 31))
        return {(d.rule, d.occurrence): d.on for d in found}

    before, after = keys(case()), keys(case(end_date=date(2026, 9, 30)))
    assert before[("final_report", "")] == date(2026, 6, 30)
    assert after[("final_report", "")] == date(2026, 9, 30)
    assert before[("memo_ready", "2025-06-11")] == date(2025, 5, 19)
    assert [k for k in before if k[0] == "follow_up"][:2] == [
        ("follow_up", "n1"),
        ("follow_up", "n2"),
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"offset": {"days": 1, "weeks": 1}},
        {"basis": "entered"},
        {"recipients": ["chefen"]},
        {"every": {"months": 6}},
        {"unknown": 1},
    ],
)
def test_bad_rules_are_refused(bad: dict[str, object]) -> None:
    rule = {"name": "x", "label": "X", "basis": "meeting", "recipients": ["handlaggare"],
            "template": "deadline", **bad}  # fmt: skip
    with pytest.raises(ValidationError):
        DeadlineRule.model_validate(rule)
