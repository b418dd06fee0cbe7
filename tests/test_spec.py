"""The workflow schema: the shipped file is valid; every kind of mistake names file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.errors import WorkflowSpecError
from caseflow.settings import PROJECT_ROOT
from caseflow.workflow.guards import GUARDS
from caseflow.workflow.registry import load_registry
from caseflow.workflow.spec import parse_spec

WORKFLOW = PROJECT_ROOT / "workflows" / "regional_project.yaml"
SOURCE = Path("workflows/demo.yaml")

VALID = """\
name: demo
version: 1
title: Demo
initial: a
states:
  - {name: a, label: A}
  - {name: b, label: B}
  - {name: z, label: Z, final: true}
transitions:
  - {trigger: go, source: a, dest: b, label: Go, roles: [handlaggare]}
  - {trigger: end, source: b, dest: z, label: End, roles: [admin], outcome: completed}
"""


def check(text: str) -> str:
    with pytest.raises(WorkflowSpecError) as err:
        parse_spec(text, source=SOURCE, known_guards=GUARDS)
    return str(err.value)


def test_shipped_workflow_declares_the_lifecycle() -> None:
    wf = load_registry(PROJECT_ROOT / "workflows").get("regional_project")
    assert [s.name for s in wf.spec.states] == [
        "idea", "bp_planering", "application_sent", "bp_genomforande", "follow_up", "closed",
    ]  # fmt: skip
    points = {s.name: s.decision_point for s in wf.spec.states}
    assert points["bp_planering"] == points["application_sent"] == "BP – Planering"
    assert points["bp_genomforande"] == points["follow_up"] == "BP – Genomförande"
    expected = {
        "start_planning": ("idea", "bp_planering", None),
        "send_application": ("bp_planering", "application_sent", None),
        "grant": ("application_sent", "bp_genomforande", None),
        "reject": ("application_sent", "closed", "rejected"),
        "start_follow_up": ("bp_genomforande", "follow_up", None),
        "close": ("follow_up", "closed", "completed"),
    }
    for trigger, (src, dest, outcome) in expected.items():
        t = wf.transition(trigger, src)
        assert (t.dest, t.outcome) == (dest, outcome)
        assert t.roles
    for stage in ("idea", "bp_planering", "application_sent", "bp_genomforande", "follow_up"):
        assert wf.transition("withdraw", stage).outcome == "withdrawn"
    assert wf.transition("send_application", "bp_planering").conditions == ["application_complete"]
    assert wf.transition("grant", "application_sent").conditions == ["funding_granted"]
    assert wf.transition("close", "follow_up").conditions == ["final_report_submitted"]


def test_valid_minimal_spec_loads() -> None:
    spec = parse_spec(VALID, source=SOURCE, known_guards=GUARDS)
    assert spec.final_states == ["z"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title: Demo", "title: Demo\ncolour: red", "demo.yaml:4: colour: okänd nyckel"),
        ("{name: b, label: B}", "{name: b, label: B, colour: x}", "demo.yaml:7: states.1.colour"),
        ("source: a, dest: b", "source: a, dest: q", "demo.yaml:10: okänt tillstånd 'q' i dest"),
        ("source: a,", "source: nowhere,", "demo.yaml:10: okänt tillstånd 'nowhere' i source"),
        ("initial: a", "initial: q", "demo.yaml:4: okänt tillstånd 'q'"),
        (
            "roles: [handlaggare]}",
            "roles: [handlaggare], conditions: [is_sunny]}",
            "demo.yaml:10: okänd guard 'is_sunny'",
        ),
        ("roles: [admin]", "roles: [janitor]", "demo.yaml:11: okänd roll 'janitor'"),
        ("version: 1", "version: 0", "demo.yaml:2: version"),
        ("name: demo", "name: other", "demo.yaml:1: name 'other' måste vara filens namn 'demo'"),
        (
            "  - {name: z, label: Z, final: true}",
            "  - {name: z, label: Z, final: true}\n  - {name: lost, label: Lost}",
            "demo.yaml:9: tillståndet 'lost' kan inte nås",
        ),
        (
            "source: b, dest: z",
            "source: a, dest: z",
            "demo.yaml:7: tillståndet 'b' är inte final men har ingen utgång",
        ),
        ("outcome: completed", "label: x", "demo.yaml:11: nyckeln 'label' förekommer två gånger"),
        (
            "version: 1\n",
            "version: 1\nversion: 2\n",
            "demo.yaml:3: nyckeln 'version' förekommer två gånger",
        ),
        ("states:", "states: [", "demo.yaml:6: ogiltig YAML"),
    ],
)
def test_mistakes_name_file_and_line(old: str, new: str, expected: str) -> None:
    assert old in VALID
    assert expected in check(VALID.replace(old, new, 1))


def test_transition_into_final_state_needs_outcome() -> None:
    message = check(VALID.replace(", outcome: completed", ""))
    assert "demo.yaml:11: 'end' leder till ett sluttillstånd och måste ange outcome" in message


def test_final_state_cannot_be_left() -> None:
    text = VALID + "  - {trigger: reopen, source: z, dest: a, label: R, roles: [admin]}\n"
    assert "demo.yaml:12: 'z' är ett sluttillstånd och kan inte lämnas" in check(text)


def test_every_problem_is_reported() -> None:
    text = VALID.replace("dest: b", "dest: q").replace("roles: [admin]", "roles: [nobody]")
    message = check(text)
    assert "okänt tillstånd 'q'" in message and "okänd roll 'nobody'" in message


def test_missing_folder_or_file(tmp_path: Path) -> None:
    with pytest.raises(WorkflowSpecError, match="inga arbetsflöden"):
        load_registry(tmp_path)
    (tmp_path / "broken.yaml").write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(
        WorkflowSpecError, match="broken.yaml:1: arbetsflödet måste vara en YAML-mappning"
    ):
        load_registry(tmp_path)


def test_shared_machine_diagram_is_mermaid() -> None:
    wf = load_registry(PROJECT_ROOT / "workflows").get("regional_project")
    text = wf.diagram()
    assert "stateDiagram-v2" in text
    assert "application_sent --> bp_genomforande: grant [funding_granted]" in text
    assert WORKFLOW.exists()


POINTED = VALID.replace("{name: a, label: A}", "{name: a, label: A, decision_point: P – Plan}") + (
    "decision_points:\n  - {name: P – Plan, meaning: Planeras., stage: a}\n"
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("decision_point: P – Plan}", "decision_point: P – Okänd}",
         "demo.yaml:6: okänd beslutspunkt 'P – Okänd'"),
        ("stage: a}", "stage: b}", "demo.yaml:13: tillståndet 'b' har inte"),
        ("stage: a}", "stage: q}", "demo.yaml:13: okänt tillstånd 'q'"),
        ("{name: z, label: Z, final: true}", "{name: z, label: Z, final: true, running: true}",
         "demo.yaml:8: ett sluttillstånd kan inte vara running"),
        ("{name: b, label: B}", "{name: b, label: B, running: yes please}",
         "demo.yaml:7: states.1.running"),
        ("meaning: Planeras.", "meaning: Planeras., colour: red",
         "demo.yaml:13: decision_points.0.colour: okänd nyckel"),
    ],
)  # fmt: skip
def test_state_vocabulary_mistakes_name_file_and_line(old: str, new: str, expected: str) -> None:
    assert old in POINTED
    assert expected in check(POINTED.replace(old, new, 1))


def test_state_vocabulary_is_asked_of_the_workflow() -> None:
    text = POINTED.replace("{name: b, label: B}", "{name: b, label: B, running: true}")
    spec = parse_spec(text, source=SOURCE, known_guards=GUARDS)
    assert spec.running_states == {"b"}
    assert spec.decision_point_stage("p - PLAN") == "a"
    assert spec.decision_point_stage("Q – Plan") is None


def test_shipped_workflow_says_which_stages_run() -> None:
    wf = load_registry(PROJECT_ROOT / "workflows").get("regional_project")
    assert wf.spec.running_states == {"bp_genomforande", "follow_up"}
    assert wf.is_running("follow_up") and not wf.is_running("closed")
    assert wf.spec.decision_point_stage("BP - Planering") == "bp_planering"
    assert wf.spec.decision_point_stage("BP – Genomförande") == "bp_genomforande"
