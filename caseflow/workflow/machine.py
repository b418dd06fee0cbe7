"""Compile a WorkflowSpec once into one `transitions.Machine` that drives every case.

Cases are never transitions models themselves (SQLModel rows cannot be, transitions #635, and a
machine per case wastes memory, #146): each move wraps the case in a throwaway `CaseProxy`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from transitions import Machine

from caseflow.errors import (
    GuardFailedError,
    TriggerNotAllowedError,
    UnknownTriggerError,
)
from caseflow.workflow.guards import GuardSubject
from caseflow.workflow.report_guards import ReportSubject
from caseflow.workflow.spec import StateSpec, TransitionSpec, WorkflowSpec

#: A guard of any subject: a case's (`guards.GUARDS`) or a results report's (`report_guards`).
#: The spec check makes sure a workflow names only the guards of its own `subject`.
AnyGuard = Callable[[Any], list[str]]
#: What a workflow moves, as its guards see it.
Subject = GuardSubject | ReportSubject


class CaseProxy:
    """The stand-in the machine moves: `state` is read and written, `case` (the case's or the
    report's facts) is read by guards."""

    __slots__ = ("case", "state")

    def __init__(self, case: Subject, state: str) -> None:
        self.case = case
        self.state = state


@dataclass(frozen=True, slots=True)
class Move:
    """One trigger as seen from a case's current stage."""

    trigger: str
    label: str
    dest: str
    roles: tuple[str, ...]
    outcome: str | None
    reason_required: bool
    problems: tuple[str, ...]
    confirm: bool = False  # ends the case or opens it again: asked for with a reason

    @property
    def is_allowed(self) -> bool:
        return not self.problems


class CompiledWorkflow:
    """A validated spec plus its single machine. Thread-safe for firing (no queued transitions)."""

    def __init__(self, spec: WorkflowSpec, guards: Mapping[str, AnyGuard]) -> None:
        self.spec = spec
        self._guards = guards
        self._states: dict[str, StateSpec] = {s.name: s for s in spec.states}
        self._by_trigger: dict[str, dict[str, TransitionSpec]] = {}
        machine_transitions: list[dict[str, Any]] = []
        for t in spec.transitions:
            sources = spec.expanded_sources(t)
            for src in sources:
                self._by_trigger.setdefault(t.trigger, {})[src] = t
            machine_transitions.append(
                {
                    "trigger": t.trigger,
                    "source": sources,
                    "dest": t.dest,
                    "conditions": [self._condition(name) for name in t.conditions],
                }
            )
        self._machine_args: dict[str, Any] = {
            "states": [s.name for s in spec.states],
            "transitions": machine_transitions,
            "initial": spec.initial,
            "auto_transitions": False,
            "send_event": True,
        }
        self.machine = Machine(model=None, **self._machine_args)

    def _condition(self, name: str) -> Callable[[Any], bool]:
        guard = self._guards[name]

        def condition(event: Any) -> bool:
            return not guard(event.model.case)

        condition.__name__ = name
        return condition

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> int:
        return self.spec.version

    def has_state(self, stage: str) -> bool:
        return stage in self._states

    def state(self, stage: str) -> StateSpec | None:
        return self._states.get(stage)

    def is_final(self, stage: str) -> bool:
        state = self._states.get(stage)
        return state is not None and state.final

    def is_running(self, stage: str) -> bool:
        """Whether a case in `stage` is a project being carried out (`running: true`)."""
        state = self._states.get(stage)
        return state is not None and state.running

    def transition(self, trigger: str, stage: str) -> TransitionSpec:
        """The transition `trigger` takes from `stage`.

        Raises:
            UnknownTriggerError: the workflow has no such trigger.
            TriggerNotAllowedError: the trigger does not leave `stage`.
        """
        by_source = self._by_trigger.get(trigger)
        if by_source is None:
            raise UnknownTriggerError(
                f"okänd händelse {trigger!r}; arbetsflödet {self.name} har: "
                f"{', '.join(self._by_trigger)}"
            )
        found = by_source.get(stage)
        if found is None:
            possible = ", ".join(t.trigger for t in self.transitions_from(stage)) or "inga"
            raise TriggerNotAllowedError(
                f"{trigger!r} är inte möjlig i steget {self._label(stage)} ({stage}); "
                f"möjliga nu: {possible}"
            )
        return found

    def transitions_from(self, stage: str) -> list[TransitionSpec]:
        return [by_src[stage] for by_src in self._by_trigger.values() if stage in by_src]

    def problems(self, transition: TransitionSpec, case: Subject) -> list[str]:
        """Every reason the transition's guards give against moving `case` now."""
        out: list[str] = []
        for name in transition.conditions:
            out.extend(self._guards[name](case))
        return out

    def moves(self, case: Subject, stage: str) -> list[Move]:
        """Every trigger leaving `stage`, each with its blocking problems (empty if allowed)."""
        return [
            Move(
                trigger=t.trigger,
                label=t.label,
                dest=t.dest,
                roles=tuple(t.roles),
                outcome=t.outcome,
                reason_required=t.reason_required,
                problems=tuple(self.problems(t, case)),
                confirm=t.destructive,
            )
            for t in self.transitions_from(stage)
        ]

    def run(self, case: Subject, stage: str, trigger: str) -> str:
        """Fire `trigger` on the shared machine and return the new stage.

        Raises:
            UnknownTriggerError, TriggerNotAllowedError: as `transition()`.
            GuardFailedError: a guard blocks the move; lists every problem.
        """
        transition = self.transition(trigger, stage)
        proxy = CaseProxy(case, stage)
        if not self.machine.events[trigger].trigger(proxy):
            problems = self.problems(transition, case)
            raise GuardFailedError(
                f"{transition.label} går inte ännu: " + "; ".join(problems), problems
            )
        return proxy.state

    def _label(self, stage: str) -> str:
        state = self._states.get(stage)
        return state.label if state else stage

    def diagram(self) -> str:
        """The workflow as a Mermaid state diagram, drawn by transitions itself."""
        from transitions.extensions import GraphMachine

        class _Model:
            pass

        model = _Model()
        args = dict(self._machine_args)
        GraphMachine(
            model=model, graph_engine="mermaid", show_conditions=True, title=self.spec.title, **args
        )
        graph = model.get_graph()  # type: ignore[attr-defined]
        return str(graph.draw(None))
