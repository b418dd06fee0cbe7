"""What every request handler needs, built once by `create_app` and passed in."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from caseflow.clock import Clock, SystemClock
from caseflow.records.context import Records
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry, cached_registry


class LoginLimiter:
    """Failed logins per account and per client address in a sliding window (this process).

    After `per_account` failures for one address, or `per_client` from one client, within
    `window`, further attempts are refused until the oldest failure leaves the window.
    """

    def __init__(
        self,
        *,
        per_account: int = 5,
        per_client: int = 20,
        window: timedelta = timedelta(minutes=15),
    ) -> None:
        self.limits = {"account": per_account, "client": per_client}
        self.window = window
        self._failures: dict[tuple[str, str], deque[datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: datetime) -> deque[datetime]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, *, account: str, client: str, now: datetime) -> timedelta | None:
        """None if an attempt may go ahead, else how long to wait."""
        with self._lock:
            waits = []
            for kind, value in (("account", account), ("client", client)):
                times = self._recent((kind, value), now)
                if len(times) >= self.limits[kind]:
                    waits.append(times[0] + self.window - now)
            return max(waits) if waits else None

    def failed(self, *, account: str, client: str, now: datetime) -> None:
        with self._lock:
            for key in (("account", account), ("client", client)):
                self._recent(key, now).append(now)

    def succeeded(self, *, account: str) -> None:
        with self._lock:
            self._failures.pop(("account", account), None)


@dataclass
class WebContext:
    settings: Settings
    db: Database
    fixed_workflows: WorkflowRegistry | None  # given to create_app; None: settings.workflows_dir
    records: Records
    clock: Clock = field(default_factory=SystemClock)
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    secure_cookies: bool = False  # also set when a request arrives over https
    # The list's filter choices (areas, owners, handläggare): column → (monotonic time, values).
    choices: dict[str, tuple[float, list[str]]] = field(default_factory=dict)

    # (monotonic time of the last look at the folder, the registry found then)
    _workflows_seen: tuple[float, WorkflowRegistry] | None = field(default=None, init=False)

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
