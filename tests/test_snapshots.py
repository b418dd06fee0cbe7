"""Portfolio snapshots on real databases, and the pure diff between two portfolios."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import delete

from caseflow.cases.engine import edit_case, fire, set_funder
from caseflow.clock import FakeClock
from caseflow.errors import DuplicateError, InputError, NotFoundError
from caseflow.portfolio import snapshots
from caseflow.portfolio.report import PortfolioDiff
from caseflow.portfolio.snapshots import (
    StageNames,
    diff_portfolios,
    list_snapshots,
    load_snapshot,
    take_snapshot,
    workflow_stage_labels,
)
from caseflow.settings import PROJECT_ROOT
from caseflow.store.casemap import case_to_dict
from caseflow.store.db import Database
from caseflow.store.models import PortfolioSnapshot
from caseflow.store.repo import list_cases
from caseflow.workflow.registry import WorkflowRegistry, load_registry
from tests.factories import OFFICER, add_people, complete_fields, make_case

NBSP = "\u00a0"
WORKFLOWS = load_registry(PROJECT_ROOT / "workflows")
FEB = "RUN 2025-02-12"
APR = "RUN 2025-04-09"
LABELS = {
    "idea": "Idé",
    "bp_planering": "Planering",
    "application_sent": "Ansökan inskickad",
    "bp_genomforande": "Genomförande",
    "follow_up": "Uppföljning",
    "closed": "Avslutat",
}


@pytest.fixture
def db(database: Database) -> Database:
    """The `database` fixture, with no snapshots left over from another test (PostgreSQL)."""
    with database.transaction() as conn:
        conn.execute(delete(PortfolioSnapshot))
    return database


def current_cases(db: Database) -> list[dict[str, Any]]:
    with db.read() as session:
        return [case_to_dict(c) for c in list_cases(session=session)]


def move(
    db: Database, workflows: WorkflowRegistry, clock: FakeClock, dnr: str, *triggers: str
) -> None:
    for trigger in triggers:
        reason = "Projektet dras tillbaka" if trigger == "withdraw" else None
        fire(
            db=db, workflows=workflows, dnr=dnr, trigger=trigger, actor=OFFICER, clock=clock,
            reason=reason,
        )  # fmt: skip


# --- storage ---------------------------------------------------------------------------------


def test_snapshot_stores_every_case_including_closed_ones(
    db: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    add_people(db, clock)
    make_case(db, workflows, clock, "RUN/12/2025", title="Dras tillbaka")
    make_case(db, workflows, clock, "RUN/479/2024", **complete_fields())
    move(db, workflows, clock, "RUN/12/2025", "withdraw")

    info = take_snapshot(db=db, label=FEB, actor=OFFICER, clock=clock)

    assert (info.label, info.taken_by, info.taken_at, info.case_count) == (
        FEB, OFFICER, clock.now(), 2,
    )  # fmt: skip
    assert info.taken_at.tzinfo is not None
    stored = load_snapshot(db=db, label=FEB)
    assert [(c["diarienummer"], c["outcome"]) for c in stored] == [  # registration order
        ("RUN/12/2025", "withdrawn"), ("RUN/479/2024", None),
    ]  # fmt: skip
    by_number = {c["diarienummer"]: c for c in current_cases(db)}
    assert stored == [by_number["RUN/12/2025"], by_number["RUN/479/2024"]]


def test_as_of_defaults_to_the_stockholm_date_of_the_clock(db: Database) -> None:
    late = FakeClock(datetime(2025, 2, 11, 23, 30, tzinfo=UTC))  # 00.30 on the 12th in Sweden
    assert take_snapshot(db=db, label=FEB, actor=OFFICER, clock=late).as_of == date(2025, 2, 12)
    given = take_snapshot(db=db, label=APR, actor=OFFICER, clock=late, as_of=date(2025, 4, 9))
    assert given.as_of == date(2025, 4, 9)
    assert [s.as_of for s in list_snapshots(db=db)] == [date(2025, 2, 12), date(2025, 4, 9)]


def test_empty_portfolio_gives_an_empty_snapshot(db: Database, clock: FakeClock) -> None:
    assert take_snapshot(db=db, label=FEB, actor=OFFICER, clock=clock).case_count == 0
    assert load_snapshot(db=db, label=FEB) == []


def test_snapshot_keeps_the_portfolio_as_it_was(
    db: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(db, workflows, clock, "RUN/479/2024", title="Före mötet")
    take_snapshot(db=db, label=FEB, actor=OFFICER, clock=clock)
    edit_case(
        db=db, dnr="RUN/479/2024", changes={"title": "Efter mötet"}, actor=OFFICER, clock=clock
    )

    assert [c["title"] for c in load_snapshot(db=db, label=FEB)] == ["Före mötet"]
    assert [c["title"] for c in current_cases(db)] == ["Efter mötet"]


def test_list_snapshots_is_oldest_first(
    db: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(db, workflows, clock, "RUN/479/2024")
    first = take_snapshot(db=db, label="b senare i alfabetet", actor=OFFICER, clock=clock)
    clock.advance(timedelta(days=56))
    make_case(db, workflows, clock, "RUN/480/2024")
    second = take_snapshot(db=db, label="a tidigare i alfabetet", actor="bo@region.se", clock=clock)

    assert list_snapshots(db=db) == [first, second]
    assert [(s.case_count, s.taken_by) for s in list_snapshots(db=db)] == [
        (1, OFFICER), (2, "bo@region.se"),
    ]  # fmt: skip


def test_duplicate_label_is_refused_and_nothing_is_written(
    db: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(db, workflows, clock, "RUN/479/2024", title="Första")
    take_snapshot(db=db, label=FEB, actor=OFFICER, clock=clock)
    make_case(db, workflows, clock, "RUN/480/2024", title="Andra")
    clock.advance(timedelta(hours=1))

    with pytest.raises(DuplicateError, match="finns redan en ögonblicksbild med etiketten"):
        take_snapshot(db=db, label=f"  {FEB} ", actor="bo@region.se", clock=clock)

    [only] = list_snapshots(db=db)
    assert (only.label, only.taken_by, only.case_count) == (FEB, OFFICER, 1)
    assert [c["title"] for c in load_snapshot(db=db, label=FEB)] == ["Första"]


def test_concurrent_duplicate_hits_the_unique_constraint_and_becomes_duplicate_error(
    db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    take_snapshot(db=db, label=FEB, actor=OFFICER, clock=clock)
    # Another writer inserted the label after this one checked: the check finds nothing.
    monkeypatch.setattr(snapshots, "_find", lambda session, label: None)

    with pytest.raises(DuplicateError, match="etiketten 'RUN 2025-02-12'"):
        take_snapshot(db=db, label=FEB, actor="bo@region.se", clock=clock)
    assert [s.taken_by for s in list_snapshots(db=db)] == [OFFICER]


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("", "får inte vara tom"),
        ("   ", "får inte vara tom"),
        ("RUN\x002025", "kontrolltecken"),
        ("RUN\x1b[31m", "kontrolltecken"),
        ("x" * 201, "högst 200 tecken"),
    ],
)
def test_bad_label_is_refused(db: Database, clock: FakeClock, label: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        take_snapshot(db=db, label=label, actor=OFFICER, clock=clock)
    assert list_snapshots(db=db) == []


def test_blank_actor_is_refused(db: Database, clock: FakeClock) -> None:
    with pytest.raises(InputError, match="tagen av"):
        take_snapshot(db=db, label=FEB, actor=" ", clock=clock)
    assert list_snapshots(db=db) == []


def test_unknown_label_lists_the_known_ones(db: Database, clock: FakeClock) -> None:
    with pytest.raises(NotFoundError, match="det finns inga ännu"):
        load_snapshot(db=db, label=FEB)
    take_snapshot(db=db, label=FEB, actor=OFFICER, clock=clock)
    take_snapshot(db=db, label=APR, actor=OFFICER, clock=clock)

    with pytest.raises(NotFoundError) as caught:
        load_snapshot(db=db, label="RUN 2025-03-12")
    assert str(caught.value) == (
        "ingen ögonblicksbild heter 'RUN 2025-03-12'; kända: RUN 2025-02-12, RUN 2025-04-09"
    )


def test_diff_between_two_stored_snapshots(
    db: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    add_people(db, clock)
    make_case(db, workflows, clock, "RUN/479/2024", **complete_fields(title="Söks"))
    move(db, workflows, clock, "RUN/479/2024", "start_planning")
    make_case(db, workflows, clock, "RUN/12/2024", **complete_fields(title="Pågår"))
    move(db, workflows, clock, "RUN/12/2024", "start_planning", "send_application", "grant")
    make_case(db, workflows, clock, "RUN/3/2025", title="Dras tillbaka")
    take_snapshot(db=db, label=FEB, actor=OFFICER, clock=clock)

    clock.advance(timedelta(days=56))
    set_funder(
        db=db, dnr="RUN/479/2024", funder={"code": "anslag_1_1", "status": "granted"},
        actor=OFFICER, clock=clock,
    )  # fmt: skip
    edit_case(
        db=db, dnr="RUN/479/2024", changes={"end_date": "2026-06-30", "total_budget_sek": 700000},
        actor=OFFICER, clock=clock,
    )  # fmt: skip
    move(db, workflows, clock, "RUN/479/2024", "send_application", "grant")
    move(db, workflows, clock, "RUN/3/2025", "withdraw")
    make_case(db, workflows, clock, "RUN/40/2025", title="Helt ny")
    take_snapshot(db=db, label=APR, actor=OFFICER, clock=clock)

    diff = diff_portfolios(
        load_snapshot(db=db, label=FEB), load_snapshot(db=db, label=APR),
        label_from=FEB, label_to=APR,
        stage_names=StageNames(workflows),
    )  # fmt: skip

    assert [(p.diarienummer, p.changes) for p in diff.new] == [("RUN/40/2025", ())]
    assert [(p.diarienummer, p.changes) for p in diff.removed] == [
        ("RUN/3/2025", ("avslutat: återkallat",))
    ]
    assert [(p.diarienummer, p.changes) for p in diff.changed] == [
        ("RUN/479/2024", (
            "steg: Planering → Genomförande",
            f"total budget: 600{NBSP}tkr → 700{NBSP}tkr",
            "Anslag 1:1 Regionala utvecklingsåtgärder, status: sökt → beviljad",
            "slutdatum: 2025-12-31 → 2026-06-30",
        )),
    ]  # fmt: skip
    # Both running projects kept their (empty) follow-up since February.
    assert [p.diarienummer for p in diff.stale_comments] == ["RUN/12/2024", "RUN/479/2024"]


def test_workflow_stage_labels_names_every_stage(workflows: WorkflowRegistry) -> None:
    assert workflow_stage_labels(workflows.get("regional_project")) == LABELS


# --- the pure diff ---------------------------------------------------------------------------


def case(dnr: str = "RUN/479/2024", **overrides: Any) -> dict[str, Any]:
    """A case dict shaped as `case_to_dict` gives it."""
    data: dict[str, Any] = {
        "diarienummer": dnr, "other_diarienummer": [], "title": "Strategisk planering",
        "purpose": None, "area": None, "priority": None, "start_date": "2025-01-01",
        "end_date": "2025-12-31", "owner": None, "owner_is_region": True,
        "total_budget_sek": 6_000_000,
        "funders": [funder("anslag_1_1", 3_000_000, "granted")],
        "own_financing": None, "follow_up_status": "Pågående enligt plan",
        "follow_up_comment": "Rekrytering klar", "final_report_date": None,
        "stage": "bp_genomforande", "outcome": None, "handlaggare": None,
        "workflow": "regional_project", "workflow_version": 1,
    }  # fmt: skip
    data.update(overrides)
    return data


def funder(code: str, amount: int | None, status: str) -> dict[str, Any]:
    return {"code": code, "amount_sek": amount, "status": status, "decision_date": None,
            "case_id": None}  # fmt: skip


def diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> PortfolioDiff:
    return diff_portfolios(
        before, after, label_from=FEB, label_to=APR, stage_names=StageNames(WORKFLOWS)
    )


def changes_of(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, ...]:
    [changed] = diff([before], [after]).changed
    return changed.changes


def test_identical_portfolios_give_an_empty_diff() -> None:
    planning = case(stage="bp_planering")
    result = diff([planning], [dict(planning)])
    assert result.is_empty
    assert (result.label_from, result.label_to) == (FEB, APR)
    assert diff([], []).is_empty


def test_new_project_is_listed_without_changes() -> None:
    result = diff([], [case("RUN/5/2025", title="Ny idé", stage="idea")])
    assert [(p.diarienummer, p.title, p.changes) for p in result.new] == [
        ("RUN/5/2025", "Ny idé", ())
    ]
    assert not (result.removed or result.changed or result.stale_comments)


def test_project_closed_since_is_removed_with_its_outcome() -> None:
    before = [case("RUN/1/2025"), case("RUN/2/2025"), case("RUN/3/2025", stage="follow_up")]
    after = [
        case("RUN/1/2025", stage="closed", outcome="rejected"),
        case("RUN/2/2025", stage="closed", outcome="withdrawn", title="Nytt namn"),
        case("RUN/3/2025", stage="closed", outcome="completed"),
    ]
    result = diff(before, after)
    assert [(p.diarienummer, p.title, p.changes) for p in result.removed] == [
        ("RUN/1/2025", "Strategisk planering", ("avslutat: avslag",)),
        ("RUN/2/2025", "Strategisk planering", ("avslutat: återkallat",)),
        ("RUN/3/2025", "Strategisk planering", ("avslutat: genomfört",)),
    ]
    assert not (result.new or result.changed or result.stale_comments)


def test_project_missing_from_the_later_portfolio_is_removed() -> None:
    [removed] = diff([case()], []).removed
    assert removed.changes == ("finns inte längre i portföljen",)


def test_project_closed_in_both_is_not_in_the_diff() -> None:
    closed = case(stage="closed", outcome="completed")
    assert diff([closed], [case(stage="closed", outcome="completed", title="Annat")]).is_empty


def test_stage_change_uses_the_stage_labels() -> None:
    assert changes_of(case(stage="bp_planering"), case(stage="bp_genomforande")) == (
        "steg: Planering → Genomförande",
    )


def test_stage_move_that_keeps_its_label_is_no_change() -> None:
    result = diff_portfolios(
        [case(stage="bp_planering")], [case(stage="application_sent")],
        label_from=FEB, label_to=APR, stage_names=StageNames(WORKFLOWS, decision_point=True),
    )  # fmt: skip
    assert result.is_empty


def test_unknown_stage_is_named_as_itself() -> None:
    assert changes_of(case(stage="idea"), case(stage="paused")) == ("steg: Idé → paused",)


@pytest.mark.parametrize(
    ("old", "new", "text"),
    [
        (6_000_000, 7_000_000, f"total budget: 6{NBSP}000{NBSP}tkr → 7{NBSP}000{NBSP}tkr"),
        (None, 3_583_530, f"total budget: ingen → 3{NBSP}583{NBSP}530{NBSP}kr"),
        (600_000, None, f"total budget: 600{NBSP}tkr → ingen"),
    ],
)
def test_total_budget_change(old: int | None, new: int | None, text: str) -> None:
    assert changes_of(case(total_budget_sek=old), case(total_budget_sek=new)) == (text,)


def test_funder_added_removed_and_changed() -> None:
    before = case(funders=[
        funder("anslag_1_1", 3_000_000, "applied"),
        funder("esf", 1_000_000, "applied"),
        funder("erasmus", 200_000, "planned"),
    ])  # fmt: skip
    after = case(funders=[
        funder("anslag_1_1", 3_000_000, "granted"),
        funder("esf", 1_500_000, "applied"),
        funder("energimyndigheten", 500_000, "applied"),
        funder("ovrigt", None, "planned"),
    ])  # fmt: skip
    assert changes_of(before, after) == (
        "Anslag 1:1 Regionala utvecklingsåtgärder, status: sökt → beviljad",
        f"ESF Europeiska Socialfonden (ESF+), belopp: 1{NBSP}000{NBSP}tkr → 1{NBSP}500{NBSP}tkr",
        f"ny finansiär: Energimyndigheten (500{NBSP}tkr, sökt)",
        "ny finansiär: Övrigt (planerad)",
        "finansiär borttagen: Erasmus",
    )


def test_funder_amount_becoming_unknown() -> None:
    before = case(funders=[funder("esf", 1_000_000, "applied")])
    after = case(funders=[funder("esf", None, "rejected")])
    assert changes_of(before, after) == (
        "ESF Europeiska Socialfonden (ESF+), status: sökt → avslag",
        f"ESF Europeiska Socialfonden (ESF+), belopp: 1{NBSP}000{NBSP}tkr → ingen",
    )


def test_funder_decision_date_alone_is_no_change() -> None:
    granted = funder("anslag_1_1", 3_000_000, "granted")
    dated = {**granted, "decision_date": "2025-03-01", "case_id": "N2025-7"}
    assert diff([case(funders=[granted])], [case(funders=[dated])]).changed == ()


@pytest.mark.parametrize(
    ("old", "new", "text"),
    [
        ("2026-06-30", "2026-12-31", "slutdatum: 2026-06-30 → 2026-12-31"),
        (None, "2026-12-31", "slutdatum: inget → 2026-12-31"),
    ],
)
def test_end_date_change(old: str | None, new: str, text: str) -> None:
    assert changes_of(case(end_date=old), case(end_date=new)) == (text,)


def test_title_change_names_the_project_by_its_new_title() -> None:
    [changed] = diff([case(title="Gammal titel")], [case(title="Ny titel")]).changed
    assert (changed.title, changed.changes) == ("Ny titel", ("titel: Gammal titel → Ny titel",))


def test_several_changes_come_in_a_fixed_order() -> None:
    before = case(stage="application_sent", title="A", total_budget_sek=1_000_000)
    after = case(stage="bp_genomforande", title="B", total_budget_sek=2_000_000,
                 end_date="2026-12-31", funders=[])  # fmt: skip
    assert [c.split(":")[0] for c in changes_of(before, after)] == [
        "titel", "steg", "total budget", "finansiär borttagen", "slutdatum",
    ]  # fmt: skip


def test_running_project_with_the_same_follow_up_is_stale() -> None:
    before = [case("RUN/1/2025"), case("RUN/2/2025", stage="follow_up")]
    after = [case("RUN/1/2025", total_budget_sek=1_000), case("RUN/2/2025", stage="follow_up")]
    result = diff(before, after)
    assert [(p.diarienummer, p.changes) for p in result.stale_comments] == [
        ("RUN/1/2025", ("uppföljningen är oförändrad sedan RUN 2025-02-12",)),
        ("RUN/2/2025", ("uppföljningen är oförändrad sedan RUN 2025-02-12",)),
    ]
    assert [p.diarienummer for p in result.changed] == ["RUN/1/2025"]


def test_running_project_with_no_follow_up_either_time_is_stale() -> None:
    before = case(follow_up_status=None, follow_up_comment=None)
    after = case(follow_up_status="", follow_up_comment="  ")
    [stale] = diff([before], [after]).stale_comments
    assert stale.changes == ("uppföljningsstatus och kommentar saknas",)


@pytest.mark.parametrize(
    "after",
    [
        case(follow_up_comment="Första delrapporten inlämnad"),
        case(follow_up_status="Försenad"),
        case(stage="bp_planering"),  # not running
    ],
)
def test_updated_or_not_running_project_is_not_stale(after: dict[str, Any]) -> None:
    assert diff([case()], [after]).stale_comments == ()


def test_project_new_since_the_snapshot_is_not_stale() -> None:
    assert diff([], [case()]).stale_comments == ()


def test_project_that_became_running_with_an_old_comment_is_stale() -> None:
    result = diff([case(stage="application_sent")], [case(stage="bp_genomforande")])
    assert [p.diarienummer for p in result.stale_comments] == ["RUN/479/2024"]


def test_everything_is_ordered_by_prefix_year_and_serial() -> None:
    numbers = ["RUN/1/2025", "RUN/10/2024", "ABC/7/2030", "RUN/9/2024"]
    expected = ["ABC/7/2030", "RUN/9/2024", "RUN/10/2024", "RUN/1/2025"]
    before = [case(n, title="Före") for n in numbers]
    after = [case(n, title="Efter") for n in reversed(numbers)]

    result = diff(before, after)
    assert [p.diarienummer for p in result.changed] == expected
    assert [p.diarienummer for p in result.stale_comments] == expected
    assert [p.diarienummer for p in diff([], after).new] == expected
    assert [p.diarienummer for p in diff(before, []).removed] == expected
