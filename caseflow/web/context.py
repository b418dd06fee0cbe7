"""What every request handler needs, built once by `create_app` and passed in."""

from __future__ import annotations

from dataclasses import dataclass, field

from caseflow.clock import Clock, Rechecked, SystemClock
from caseflow.memo.compose.config import BoardConfig
from caseflow.memo.service import board
from caseflow.records.context import Records
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry, cached_registry


@dataclass
class WebContext:
    settings: Settings
    db: Database
    fixed_workflows: WorkflowRegistry | None  # given to create_app; None: settings.workflows_dir
    records: Records
    clock: Clock = field(default_factory=SystemClock)
    secure_cookies: bool = False  # also set when a request arrives over https
    # The list's filter choices (areas, owners, handläggare): column → (monotonic time, values).
    choices: dict[str, tuple[float, list[str]]] = field(default_factory=dict)

    # The configuration files, looked at most once a second (a page asks often).
    _workflows: Rechecked[WorkflowRegistry] = field(init=False, repr=False)
    _board: Rechecked[BoardConfig] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        settings = self.settings
        self._workflows = Rechecked(lambda: cached_registry(settings.workflows_dir))
        self._board = Rechecked(lambda: board(settings.memos_dir))

    def board(self) -> BoardConfig:
        """`memos/board.yaml`, validated again when it changes (`memo.service.board`; the file
        is looked at most once a second, as the workflows' folder).

        Raises:
            InputError: the file is invalid (not cached: a fixed file is read again).
        """
        return self._board.get()

    @property
    def workflows(self) -> WorkflowRegistry:
        """The workflows: the ones given, else `settings.workflows_dir`'s, compiled again when a
        file there changes (the folder is looked at most once a second: a page asks often)."""
        if self.fixed_workflows is not None:
            return self.fixed_workflows
        return self._workflows.get()
