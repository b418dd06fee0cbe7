"""Workflow definitions: the strict schema of `workflows/*.yaml` and `load_spec(path)`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from caseflow.domain.casedoc import Outcome
from caseflow.domain.inputfile import read_input_text
from caseflow.domain.roles import ROLES
from caseflow.domain.validation import message_of
from caseflow.errors import InputError, WorkflowSpecError
from caseflow.workflow.deadlines import DeadlineRule
from caseflow.workflow.yamlpos import LocatedYaml, YamlSyntaxError, load_located

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
ANY_OPEN_STATE = "*"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class StateSpec(_Strict):
    name: Identifier
    label: str = Field(min_length=1)
    decision_point: str | None = None  # a name from `decision_points`
    final: bool = False
    running: bool = False  # the project is being carried out (its financing is granted)
    locked: bool = (
        False  # the subject's content cannot be changed here (a results report's answers)
    )


class DecisionPointSpec(_Strict):
    """A column value of the board's portfolio report (`BP – Planering`), what it means (the
    report's legend) and the stage a report row giving only this point is read back as."""

    name: str = Field(min_length=1)
    meaning: str = Field(min_length=1)
    stage: Identifier


class TransitionSpec(_Strict):
    trigger: Identifier
    source: list[str] | str
    dest: str
    label: str = Field(min_length=1)
    roles: list[str] = Field(min_length=1)
    conditions: list[str] = Field(default_factory=list)
    outcome: Outcome | None = None
    reason_required: bool = False
    reopen: bool = False  # the one kind of move that may leave a final state (to an open one)

    @property
    def destructive(self) -> bool:
        """Whether the move ends the case or opens it again: the web asks to confirm it."""
        return self.outcome is not None or self.reopen

    @property
    def sources(self) -> list[str]:
        return [self.source] if isinstance(self.source, str) else list(self.source)


Subject = Literal["case", "results_report"]


class WorkflowSpec(_Strict):
    name: Identifier
    subject: Subject = "case"  # what the workflow moves: a case, or a region's results report
    version: int = Field(ge=1, le=2**31 - 1)  # stored in an INTEGER column
    title: str = Field(min_length=1)
    initial: str
    states: list[StateSpec] = Field(min_length=1)
    transitions: list[TransitionSpec] = Field(min_length=1)
    decision_points: list[DecisionPointSpec] = Field(default_factory=list)
    deadlines: list[DeadlineRule] = Field(default_factory=list)

    def state(self, name: str) -> StateSpec | None:
        return next((s for s in self.states if s.name == name), None)

    @property
    def final_states(self) -> list[str]:
        return [s.name for s in self.states if s.final]

    @property
    def running_states(self) -> frozenset[str]:
        """The stages where the project is carried out (`running: true`)."""
        return frozenset(s.name for s in self.states if s.running)

    def decision_point_stage(self, text: str) -> str | None:
        """The stage a report row with decision point `text` is read as (dashes, spaces and case
        loose: `BP - planering` is `BP – Planering`); None if no decision point is called so."""
        wanted = loose_text(text)
        found = next((p for p in self.decision_points if loose_text(p.name) == wanted), None)
        return found.stage if found else None

    def expanded_sources(self, transition: TransitionSpec) -> list[str]:
        """The transition's sources with `"*"` replaced by every non-final state."""
        if transition.source == ANY_OPEN_STATE:
            return [s.name for s in self.states if not s.final]
        return transition.sources


def loose_text(text: str) -> str:
    """`text` with only its letters and digits, lower-cased: how report phrases are compared."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def load_spec(
    path: Path,
    *,
    known_guards: Iterable[str],
    subject_guards: Mapping[str, Iterable[str]] | None = None,
) -> WorkflowSpec:
    """Read and validate one workflow file.

    Raises:
        WorkflowSpecError: every problem found, one per line, each as `FILE:LINE: message`.
    """
    try:
        text = read_input_text(path)
    except InputError as err:
        raise WorkflowSpecError(str(err)) from None
    return parse_spec(text, source=path, known_guards=known_guards,
                      subject_guards=subject_guards)  # fmt: skip


def parse_spec(
    text: str,
    *,
    source: Path,
    known_guards: Iterable[str],
    subject_guards: Mapping[str, Iterable[str]] | None = None,
) -> WorkflowSpec:
    """Validate workflow YAML `text`; `source` names it in errors and must match `name`.

    With `subject_guards` (subject → guard names), a workflow may name only the guards of its
    own `subject` (a case guard cannot judge a results report); else `known_guards` apply.
    """
    try:
        located = load_located(text)
    except YamlSyntaxError as err:
        raise WorkflowSpecError(f"{source}:{err.line or '?'}: {err}") from err
    if not isinstance(located.data, Mapping):
        raise WorkflowSpecError(f"{source}:1: arbetsflödet måste vara en YAML-mappning")
    try:
        spec = WorkflowSpec.model_validate(located.data)
    except ValidationError as err:
        raise WorkflowSpecError(_format_validation(err, located, source)) from err
    if subject_guards is not None:
        known_guards = subject_guards.get(spec.subject, ())
    problems = _semantic_problems(spec, set(known_guards), source)
    if problems:
        raise WorkflowSpecError(
            "\n".join(f"{source}:{located.line_of(p) or '?'}: {m}" for p, m in problems)
        )
    return spec


def _format_validation(err: ValidationError, located: LocatedYaml, source: Path) -> str:
    out = []
    for item in err.errors():
        loc = tuple(item["loc"])
        where = ".".join(str(part) for part in loc) or "(roten)"
        kind = item["type"]
        message = "okänd nyckel" if kind == "extra_forbidden" else message_of(item)
        out.append(f"{source}:{located.line_of(loc) or '?'}: {where}: {message}")
    return "\n".join(out)


def _semantic_problems(
    spec: WorkflowSpec, guards: set[str], source: Path
) -> list[tuple[tuple[str | int, ...], str]]:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    names: dict[str, int] = {}
    for i, state in enumerate(spec.states):
        if state.name in names:
            problems.append((("states", i), f"tillståndet {state.name!r} är deklarerat två gånger"))
        names.setdefault(state.name, i)
    if spec.name != source.stem:
        problems.append((("name",), f"name {spec.name!r} måste vara filens namn {source.stem!r}"))
    if spec.initial not in names:
        problems.append((("initial",), f"okänt tillstånd {spec.initial!r}"))
    elif spec.states[names[spec.initial]].final:
        problems.append((("initial",), "starttillståndet kan inte vara ett sluttillstånd"))

    edges: dict[str, set[str]] = {name: set() for name in names}
    seen_moves: set[tuple[str, str]] = set()
    for i, t in enumerate(spec.transitions):
        at = ("transitions", i)
        if t.source != ANY_OPEN_STATE:
            for j, src in enumerate(t.sources):
                path = (*at, "source", j) if isinstance(t.source, list) else (*at, "source")
                if src not in names:
                    problems.append((path, f"okänt tillstånd {src!r} i source"))
                elif spec.states[names[src]].final and not t.reopen:
                    problems.append((path, f"{src!r} är ett sluttillstånd och kan inte lämnas"))
                elif t.reopen and not spec.states[names[src]].final:
                    problems.append((path, f"reopen lämnar bara sluttillstånd, inte {src!r}"))
        if t.dest not in names:
            problems.append(((*at, "dest"), f"okänt tillstånd {t.dest!r} i dest"))
        else:
            dest_final = spec.states[names[t.dest]].final
            if dest_final and t.outcome is None:
                problems.append(
                    (at, f"{t.trigger!r} leder till ett sluttillstånd och måste ange outcome")
                )
            if not dest_final and t.outcome is not None:
                problems.append(((*at, "outcome"), "outcome får bara anges mot ett sluttillstånd"))
            if dest_final and t.reopen:
                problems.append(((*at, "dest"), "reopen måste leda till ett öppet tillstånd"))
        if t.reopen and t.source == ANY_OPEN_STATE:
            problems.append(((*at, "source"), "reopen måste ange vilka sluttillstånd den lämnar"))
        for j, role in enumerate(t.roles):
            if role not in ROLES:
                problems.append(((*at, "roles", j), f"okänd roll {role!r}"))
        for j, guard in enumerate(t.conditions):
            if guard not in guards:
                problems.append(
                    (
                        (*at, "conditions", j),
                        f"okänd guard {guard!r}; kända: {', '.join(sorted(guards))}",
                    )
                )
        for src in spec.expanded_sources(t):
            if src in edges and t.dest in names:
                if (t.trigger, src) in seen_moves:
                    problems.append((at, f"{t.trigger!r} från {src!r} är deklarerad två gånger"))
                seen_moves.add((t.trigger, src))
                edges[src].add(t.dest)

    problems += _decision_point_problems(spec, names)

    rule_names: set[str] = set()
    for i, rule in enumerate(spec.deadlines):
        at = ("deadlines", i)
        if rule.name in rule_names:
            problems.append(((*at, "name"), f"fristen {rule.name!r} är deklarerad två gånger"))
        rule_names.add(rule.name)
        if spec.subject != "case" and rule.basis not in ("yearly", "meeting"):
            problems.append(
                ((*at, "basis"), "en redovisnings frister räknas från yearly eller meeting")
            )
        if rule.stage is not None and rule.stage not in names:
            problems.append(((*at, "stage"), f"okänt tillstånd {rule.stage!r}"))
        for j, stage in enumerate(rule.stages):
            if stage not in names:
                problems.append(((*at, "stages", j), f"okänt tillstånd {stage!r}"))

    if spec.initial in names:
        reached = _reachable(spec.initial, edges)
        for name, i in names.items():
            if name not in reached:
                problems.append(
                    (("states", i), f"tillståndet {name!r} kan inte nås från {spec.initial!r}")
                )
    for name, i in names.items():
        if not spec.states[i].final and not edges[name]:
            problems.append(
                (("states", i), f"tillståndet {name!r} är inte final men har ingen utgång")
            )
    return problems


def _decision_point_problems(
    spec: WorkflowSpec, names: Mapping[str, int]
) -> list[tuple[tuple[str | int, ...], str]]:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    points: dict[str, int] = {}
    for i, point in enumerate(spec.decision_points):
        at = ("decision_points", i)
        if loose_text(point.name) in points:
            problems.append(((*at, "name"), f"beslutspunkten {point.name!r} finns två gånger"))
        points.setdefault(loose_text(point.name), i)
        if point.stage not in names:
            problems.append(((*at, "stage"), f"okänt tillstånd {point.stage!r}"))
        elif loose_text(spec.states[names[point.stage]].decision_point or "") != loose_text(
            point.name
        ):
            message = f"tillståndet {point.stage!r} har inte beslutspunkten {point.name!r}"
            problems.append(((*at, "stage"), message))
    for i, state in enumerate(spec.states):
        at = ("states", i)
        if state.decision_point is not None and loose_text(state.decision_point) not in points:
            problems.append(
                (
                    (*at, "decision_point"),
                    f"okänd beslutspunkt {state.decision_point!r}; deklarera den i decision_points",
                )
            )
        if state.running and state.final:
            problems.append(((*at, "running"), "ett sluttillstånd kan inte vara running"))
        if state.running and spec.subject != "case":
            problems.append(((*at, "running"), "running gäller bara ärenden (subject: case)"))
        if state.locked and spec.subject == "case":
            problems.append(((*at, "locked"), "locked gäller inte ärenden (subject: case)"))
    return problems


def _reachable(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def spec_to_dict(spec: WorkflowSpec) -> dict[str, Any]:
    """The spec as plain data (for `workflow check --json` and tests)."""
    return spec.model_dump(mode="json")
