"""The results report's lifecycle (workflows/results_report.yaml) on every database backend:
draft → review → adopted by the board → submitted, with roles, guards, locking and history."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.clock import FakeClock
from caseflow.errors import (
    ConflictError,
    GuardFailedError,
    InputError,
    PermissionDeniedError,
    TriggerNotAllowedError,
    UnknownPersonError,
    WorkflowSpecError,
)
from caseflow.results.facts import report_facts
from caseflow.results.form import load_form
from caseflow.results.lifecycle import fire_report, report_history, report_moves
from caseflow.results.service import create_report, get_report, save_answer
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry, compile_file, load_registry
from caseflow.workflow.spec import parse_spec
from tests.factories import CLERK, DECIDER, OFFICER, add_people

WORKFLOWS = load_registry(PROJECT_ROOT / "workflows")
WF = WORKFLOWS.for_subject("results_report")
FORM = load_form("2024")


def fill(db: Database, clock: FakeClock, *, skip: tuple[str, ...] = (), **texts: str) -> None:
    """Answer every slot of the 2024 form briefly (5.1's parts "Ja"), except `skip`;
    `texts` overrides slots by name with dots as underscores ("s2_1" = 2.1)."""
    given = {k[1:].replace("_", "."): v for k, v in texts.items()}
    for slot in FORM.slots:
        if slot in skip:
            continue
        choice = "Ja" if slot.startswith("5.1") else None
        save_answer(db=db, workflow=WF, year=2025, slot=slot, text=given.get(slot, f"Svar {slot}."),
                    choice=choice, actor=OFFICER, clock=clock)  # fmt: skip


@pytest.fixture
def report(database: Database, clock: FakeClock) -> Database:
    add_people(database, clock)
    create_report(db=database, year=2025, actor=OFFICER, clock=clock)
    return database


def move(db: Database, clock: FakeClock, trigger: str, actor: str, reason: str | None = None):  # type: ignore[no-untyped-def]
    return fire_report(db=db, workflow=WF, year=2025, trigger=trigger, actor=actor,
                       reason=reason, clock=clock)  # fmt: skip


def test_a_complete_report_goes_from_draft_to_submitted(report: Database, clock: FakeClock) -> None:
    fill(report, clock)
    assert move(report, clock, "send_to_review", OFFICER).to_stage == "review"
    adopted = move(report, clock, "adopt", DECIDER)
    assert (adopted.from_stage, adopted.to_stage, adopted.row_version) == ("review", "adopted", 3)
    assert move(report, clock, "submit", CLERK).to_stage == "submitted"
    assert get_report(db=report, year=2025).status == "submitted"
    history = report_history(db=report, year=2025)
    assert [(h.trigger, h.actor, h.row_version) for h in history] == [
        ("send_to_review", OFFICER, 2), ("adopt", DECIDER, 3), ("submit", CLERK, 4),
    ]  # fmt: skip
    assert report_moves(db=report, workflow=WF, year=2025) == []


def test_a_section_over_its_limit_blocks_adoption(report: Database, clock: FakeClock) -> None:
    fill(report, clock, s6_1="x" * 4990)  # section 6: 5 000; "Svar 6.2." is 9
    move(report, clock, "send_to_review", OFFICER)
    with pytest.raises(GuardFailedError) as err:
        move(report, clock, "adopt", DECIDER)
    assert "avsnitt 6 (Analys, uppföljning och utvärdering) har 5\u00a0008 tecken, 8 över" in str(
        err.value
    )
    assert get_report(db=report, year=2025).status == "review"
    assert len(report_history(db=report, year=2025)) == 1
    # cut back to exactly the limit: allowed (the limit is inclusive)
    move(report, clock, "return_to_draft", OFFICER, reason="korta avsnitt 6")
    save_answer(db=report, workflow=WF, year=2025, slot="6.1", text="x" * 4982, actor=OFFICER,
                clock=clock)  # fmt: skip
    assert get_report(db=report, year=2025).counts[5].remaining == 0
    move(report, clock, "send_to_review", OFFICER)
    assert move(report, clock, "adopt", DECIDER).to_stage == "adopted"


def test_an_unticked_check_box_or_an_empty_answer_blocks_adoption(
    report: Database, clock: FakeClock
) -> None:
    fill(report, clock, skip=("5.1d", "4.2"))
    save_answer(db=report, workflow=WF, year=2025, slot="5.1d", text="Inte aktuellt för oss.",
                actor=OFFICER, clock=clock)  # fmt: skip
    move(report, clock, "send_to_review", OFFICER)
    (adopt,) = [m for m in report_moves(db=report, workflow=WF, year=2025) if m.trigger == "adopt"]
    assert adopt.problems == ("kryss saknas i 5.1d", "svar saknas på 4.2")
    with pytest.raises(GuardFailedError, match="kryss saknas i 5.1d; svar saknas på 4.2"):
        move(report, clock, "adopt", DECIDER)


def test_roles_decide_who_may_move(report: Database, clock: FakeClock) -> None:
    fill(report, clock)
    with pytest.raises(PermissionDeniedError, match="rollen handläggare eller administratör"):
        move(report, clock, "send_to_review", DECIDER)
    move(report, clock, "send_to_review", OFFICER)
    with pytest.raises(PermissionDeniedError, match="Fastställ"):
        move(report, clock, "adopt", OFFICER)
    with pytest.raises(UnknownPersonError):
        move(report, clock, "adopt", "okand@region.se")
    moves = {m.trigger: m for m in report_moves(db=report, workflow=WF, year=2025, actor=OFFICER)}
    assert moves["return_to_draft"].is_allowed and not moves["adopt"].is_allowed
    with pytest.raises(TriggerNotAllowedError, match="möjliga nu: return_to_draft, adopt"):
        move(report, clock, "submit", CLERK)
    with pytest.raises(InputError, match="kräver en motivering"):
        move(report, clock, "return_to_draft", OFFICER)


def test_an_adopted_report_takes_no_answers_until_revised(
    report: Database, clock: FakeClock
) -> None:
    fill(report, clock)
    move(report, clock, "send_to_review", OFFICER)
    move(report, clock, "adopt", DECIDER)
    with pytest.raises(InputError, match="fastställd av nämnden och kan inte ändras"):
        save_answer(db=report, workflow=WF, year=2025, slot="1.1", text="Ändrat", actor=OFFICER,
                    clock=clock)  # fmt: skip
    assert get_report(db=report, year=2025).answers["1.1"].text == "Svar 1.1."
    move(report, clock, "revise", DECIDER, reason="Nämnden ändrade 1.1")
    save_answer(db=report, workflow=WF, year=2025, slot="1.1", text="Ändrat", actor=OFFICER,
                clock=clock)  # fmt: skip
    assert report_history(db=report, year=2025)[-1].reason == "Nämnden ändrade 1.1"


def test_a_stale_report_version_conflicts(report: Database, clock: FakeClock) -> None:
    fill(report, clock)
    with pytest.raises(ConflictError, match="har ändrats av någon annan"):
        fire_report(db=report, workflow=WF, year=2025, trigger="send_to_review", actor=OFFICER,
                    clock=clock, expected_version=7)  # fmt: skip
    fire_report(db=report, workflow=WF, year=2025, trigger="send_to_review", actor=OFFICER,
                clock=clock, expected_version=1)  # fmt: skip


def test_facts_list_every_problem_of_a_report() -> None:
    texts = dict.fromkeys(FORM.slots, "x") | {"2.3": "å" * 15_000, "6.2": ""}
    choices = {"5.1a": "Ja", "5.1b": "Nej", "5.1c": "Kanske", "5.1d": None}
    facts = report_facts(FORM, texts, choices)
    assert facts.unanswered_choices == ("5.1c", "5.1d")
    assert facts.empty_answers == ("6.2",)
    assert facts.over_limit == (
        "avsnitt 2 (Kompetensförsörjning och kompetensutveckling) har 15\u00a0006 tecken, "
        "6 över gränsen 15\u00a0000",
    )


def test_the_report_workflow_is_not_a_case_workflow() -> None:
    assert "results_report" not in WORKFLOWS.names()
    with pytest.raises(WorkflowSpecError, match="okänt arbetsflöde 'results_report'"):
        WORKFLOWS.get("results_report")
    assert WORKFLOWS.any("results_report") is WF
    only_cases = WorkflowRegistry({"regional_project": WORKFLOWS.get("regional_project")})
    with pytest.raises(WorkflowSpecError, match="inget arbetsflöde med subject: results_report"):
        only_cases.for_subject("results_report")


def test_a_report_workflow_may_name_only_report_guards(tmp_path: Path) -> None:
    text = (PROJECT_ROOT / "workflows" / "results_report.yaml").read_text("utf-8")
    bad = text.replace("conditions: [sections_within_limits,", "conditions: [funding_granted,", 1)
    path = tmp_path / "results_report.yaml"
    path.write_text(bad, "utf-8")
    with pytest.raises(
        WorkflowSpecError, match=r"results_report.yaml:\d+: okänd guard 'funding_granted'"
    ):
        compile_file(path)
    from caseflow.workflow.registry import SUBJECT_GUARDS

    locked_case = (
        "name: x\nversion: 1\ntitle: X\ninitial: a\nstates:\n"
        "  - {name: a, label: A, locked: true}\n  - {name: b, label: B, final: true}\n"
        "transitions:\n"
        "  - {trigger: go, source: a, dest: b, label: Gå, roles: [admin], outcome: completed}\n"
    )
    with pytest.raises(WorkflowSpecError, match=r"x.yaml:6: locked gäller inte ärenden"):
        parse_spec(
            locked_case, source=Path("x.yaml"), known_guards=(), subject_guards=SUBJECT_GUARDS
        )
