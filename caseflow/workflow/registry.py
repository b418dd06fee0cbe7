"""Load every `workflows/*.yaml` and compile each once; fail fast on the first invalid file."""

from __future__ import annotations

import functools
from pathlib import Path

from caseflow.domain.casedoc import CaseDoc
from caseflow.errors import WorkflowSpecError
from caseflow.workflow.deadlines import DeadlineRule
from caseflow.workflow.guards import GUARDS
from caseflow.workflow.machine import AnyGuard, CompiledWorkflow
from caseflow.workflow.report_guards import REPORT_GUARDS
from caseflow.workflow.spec import load_spec

#: The one place the default workflow is named: the case document's default.
DEFAULT_WORKFLOW: str = CaseDoc.model_fields["workflow"].default


#: The guards each `subject` may name.
SUBJECT_GUARDS: dict[str, dict[str, AnyGuard]] = {
    "case": dict(GUARDS),
    "results_report": dict(REPORT_GUARDS),
}
RESULTS_REPORT = "results_report"


class WorkflowRegistry:
    """The compiled workflows by name, one machine per (name, version).

    Case workflows (`subject: case`) are what `get`, `all`, `names` and the deadline rules
    cover; a workflow of another subject (the results report's) is found by `for_subject`, so a
    case can never name it.
    """

    def __init__(self, workflows: dict[str, CompiledWorkflow]) -> None:
        self._workflows = {n: w for n, w in workflows.items() if w.spec.subject == "case"}
        self._others = {n: w for n, w in workflows.items() if w.spec.subject != "case"}

    def for_subject(self, subject: str) -> CompiledWorkflow:
        """The one workflow that moves `subject` (e.g. "results_report").

        Raises:
            WorkflowSpecError: none is loaded, or more than one.
        """
        found = [w for w in self._others.values() if w.spec.subject == subject]
        if len(found) != 1:
            what = "inget" if not found else "flera"
            raise WorkflowSpecError(
                f"{what} arbetsflöde med subject: {subject} bland arbetsflödena; lägg "
                f"workflows/{subject}.yaml i arbetsflödesmappen"
            )
        return found[0]

    def any(self, name: str) -> CompiledWorkflow:
        """The workflow called `name`, of any subject (for `workflow diagram`).

        Raises:
            WorkflowSpecError: no such workflow is loaded.
        """
        return self._others.get(name) or self.get(name)

    def get(self, name: str) -> CompiledWorkflow:
        """The workflow called `name`.

        Raises:
            WorkflowSpecError: no such workflow is loaded.
        """
        try:
            return self._workflows[name]
        except KeyError:
            raise WorkflowSpecError(
                f"okänt arbetsflöde {name!r}; laddade: {', '.join(self._workflows) or 'inga'}"
            ) from None

    def find(self, name: str) -> CompiledWorkflow | None:
        """The workflow called `name`, or None (e.g. for a snapshot of a removed workflow)."""
        return self._workflows.get(name)

    def names(self) -> list[str]:
        return sorted(self._workflows)

    def all(self) -> list[CompiledWorkflow]:
        """Every loaded workflow, by name."""
        return [self._workflows[name] for name in self.names()]

    def stage_labels(self) -> dict[str, str]:
        """Stage → label over every workflow (the default's first), for lists of many cases."""
        labels: dict[str, str] = {}
        for wf in (self.default, *self.all()):
            for state in wf.spec.states:
                labels.setdefault(state.name, state.label)
        return labels

    def running_stages(self) -> frozenset[str]:
        """The stages where a project is carried out, over every case workflow."""
        return frozenset().union(*(wf.spec.running_states for wf in self._workflows.values()))

    def deadline_rules(self) -> dict[str, list[DeadlineRule]]:
        """Each workflow's deadline rules, by workflow name."""
        return {name: list(wf.spec.deadlines) for name, wf in self._workflows.items()}

    @property
    def default(self) -> CompiledWorkflow:
        """The workflow a new case starts in when it names none (and that rows without a
        workflow, as in the board's report, are read by): CaseDoc's default if loaded, else the
        first by name."""
        return self._workflows.get(DEFAULT_WORKFLOW) or self.get(self.names()[0])


def compile_file(path: Path) -> CompiledWorkflow:
    """Validate and compile one workflow file.

    Raises:
        WorkflowSpecError: the file is invalid (with file and line).
    """
    spec = load_spec(path, known_guards=GUARDS, subject_guards=SUBJECT_GUARDS)
    return CompiledWorkflow(spec, SUBJECT_GUARDS[spec.subject])


def load_registry(directory: Path) -> WorkflowRegistry:
    """Compile every `*.yaml` in `directory`.

    Raises:
        WorkflowSpecError: the folder has no workflow, or a file is invalid.
    """
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise WorkflowSpecError(f"{directory}: inga arbetsflöden (*.yaml) hittades")
    return WorkflowRegistry({f.stem: compile_file(f) for f in files})


def cached_registry(directory: Path) -> WorkflowRegistry:
    """`load_registry(directory)`, compiled once and again only when a `*.yaml` in the folder
    is added, removed or changed (keyed on the files' names, modification times and sizes).

    Raises:
        WorkflowSpecError: as `load_registry` (errors are not cached).
    """
    try:
        stats = [(f.name, f.stat()) for f in sorted(directory.glob("*.yaml"))]
    except OSError:
        return load_registry(directory)
    key = tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats)
    return _registry_at(directory.resolve(), key)


@functools.lru_cache(maxsize=4)
def _registry_at(directory: Path, _files: tuple[tuple[str, int, int], ...]) -> WorkflowRegistry:
    return load_registry(directory)
