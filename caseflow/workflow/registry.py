"""Load every `workflows/*.yaml` and compile each once; fail fast on the first invalid file."""

from __future__ import annotations

from pathlib import Path

from caseflow.errors import WorkflowSpecError
from caseflow.workflow.deadlines import DeadlineRule
from caseflow.workflow.guards import GUARDS
from caseflow.workflow.machine import CompiledWorkflow
from caseflow.workflow.spec import load_spec


class WorkflowRegistry:
    """The compiled workflows by name, one machine per (name, version)."""

    def __init__(self, workflows: dict[str, CompiledWorkflow]) -> None:
        self._workflows = workflows

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

    def names(self) -> list[str]:
        return sorted(self._workflows)

    def deadline_rules(self) -> dict[str, list[DeadlineRule]]:
        """Each workflow's deadline rules, by workflow name."""
        return {name: list(wf.spec.deadlines) for name, wf in self._workflows.items()}

    @property
    def default(self) -> CompiledWorkflow:
        return (
            self.get("regional_project")
            if "regional_project" in self._workflows
            else self.get(self.names()[0])
        )


def compile_file(path: Path) -> CompiledWorkflow:
    """Validate and compile one workflow file.

    Raises:
        WorkflowSpecError: the file is invalid (with file and line).
    """
    return CompiledWorkflow(load_spec(path, known_guards=GUARDS), GUARDS)


def load_registry(directory: Path) -> WorkflowRegistry:
    """Compile every `*.yaml` in `directory`.

    Raises:
        WorkflowSpecError: the folder has no workflow, or a file is invalid.
    """
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise WorkflowSpecError(f"{directory}: inga arbetsflöden (*.yaml) hittades")
    return WorkflowRegistry({f.stem: compile_file(f) for f in files})
