"""Time as an injected dependency: a Clock protocol, the system clock and a fake for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


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
