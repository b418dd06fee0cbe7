"""Time as an injected dependency: a Clock protocol, the system clock and a fake for tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return utc_now()


class FakeClock:
    """A clock that only moves when told to (tests, benchmarks, `--now`)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class Rechecked(Generic[T]):
    """What `load()` gives, asked for again at most once per `every` seconds (monotonic time; 0:
    at every use). For configuration read from files that a page asks for several times, each
    look a stat of every file; an error is raised and not kept (a fixed file is read at once)."""

    def __init__(self, load: Callable[[], T], every: float = 1.0) -> None:
        self.load, self.every = load, every
        self._seen: tuple[float, T] | None = None

    def get(self) -> T:
        now, seen = time.monotonic(), self._seen
        if seen is not None and now - seen[0] < self.every:
            return seen[1]
        value = self.load()
        self._seen = (now, value)
        return value
