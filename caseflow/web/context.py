"""What every request handler needs, built once by `create_app` and passed in."""

from __future__ import annotations

from dataclasses import dataclass, field

from caseflow.clock import Clock, SystemClock
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry


@dataclass
class WebContext:
    settings: Settings
    db: Database
    workflows: WorkflowRegistry
    clock: Clock = field(default_factory=SystemClock)
    secure_cookies: bool = False  # also set when a request arrives over https
    # The list's filter choices (areas, owners, handläggare): column → (monotonic time, values).
    choices: dict[str, tuple[float, list[str]]] = field(default_factory=dict)
