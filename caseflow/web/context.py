"""What every request handler needs, built once by `create_app` and passed in."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from caseflow.clock import Clock, SystemClock
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

    # (monotonic time of the last look at the folder, the registry found then)
    _workflows_seen: tuple[float, WorkflowRegistry] | None = field(default=None, init=False)
    _board_seen: tuple[float, BoardConfig] | None = field(default=None, init=False)

    def board(self) -> BoardConfig:
        """`memos/board.yaml`, validated again when it changes (`memo.service.board`; the file
        is looked at most once a second, as the workflows' folder).

        Raises:
            InputError: the file is invalid (not cached: a fixed file is read again).
        """
        now, seen = time.monotonic(), self._board_seen
        if seen is not None and now - seen[0] < 1.0:
            return seen[1]
        config = board(self.settings.memos_dir)
        self._board_seen = (now, config)
        return config

    @property
    def workflows(self) -> WorkflowRegistry:
        """The workflows: the ones given, else `settings.workflows_dir`'s, compiled again when a
        file there changes (the folder is looked at most once a second: a page asks often)."""
        if self.fixed_workflows is not None:
            return self.fixed_workflows
        now, seen = time.monotonic(), self._workflows_seen
        if seen is not None and now - seen[0] < 1.0:
            return seen[1]
        registry = cached_registry(self.settings.workflows_dir)
        self._workflows_seen = (now, registry)
        return registry
