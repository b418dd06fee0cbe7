"""Login throttling, kept in the database so every server process sees the same failures.

Each failed login counts against the account tried and against the client address (the
connection's own address, or the one a trusted proxy in `--forwarded-allow-ips` names). After
`free` consecutive failures a key must wait before its next attempt: 1 s, then 2, 4, 8 … up to
`cap` (an exponential delay, never a lock-out: the rightful user is in again after the delay).
An account waits at most 15 minutes; a client address, shared by everyone behind one NAT, at
most one minute, and only after 20 failures. Attempts while waiting are refused without being
counted; a successful login clears its account's failures; failures an hour old are forgotten.

The same table limits the public register's request form (no login): every request from a
client address counts (`request` policy: 10 an hour free, then 1 s, 2, 4 … up to 10 minutes), so
a script cannot flood the registrator's list, while a person asking for a few documents never
waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from caseflow.store.db import Database
from caseflow.store.models import LoginThrottle


@dataclass(frozen=True)
class Policy:
    free: int  # failures before the first delay
    cap: timedelta  # the longest delay


POLICIES = {
    "account": Policy(free=3, cap=timedelta(minutes=15)),
    "client": Policy(free=20, cap=timedelta(minutes=1)),
    "request": Policy(free=10, cap=timedelta(minutes=10)),
}
#: Failures this long after the last one start over from none.
FORGET = timedelta(hours=1)
#: The longest key stored (an e-mail address is at most 254 characters).
MAX_KEY = 300


def delay_after(failures: int, policy: Policy) -> timedelta | None:
    """How long a key must wait after `failures` consecutive failures (None: no wait)."""
    if failures < policy.free:
        return None
    exponent = min(failures - policy.free, 20)  # 2**20 s is far above any cap
    return min(policy.cap, timedelta(seconds=2**exponent))


def _keys(*, account: str, client: str) -> list[tuple[str, str]]:
    return [(kind, f"{kind}:{value}"[:MAX_KEY]) for kind, value in
            (("account", account), ("client", client))]  # fmt: skip


def retry_after(*, db: Database, account: str, client: str, now: datetime) -> timedelta | None:
    """None if a login attempt may go ahead now, else how long to wait."""
    keys = [key for _, key in _keys(account=account, client=client)]
    return _wait(db, keys, now)


def request_wait(*, db: Database, client: str, now: datetime) -> timedelta | None:
    """None if the client address may send a request from the public form now, else how
    long to wait."""
    return _wait(db, [f"request:{client}"[:MAX_KEY]], now)


def record_request(*, db: Database, client: str, now: datetime) -> None:
    """Count a request from the public form against the client address."""

    def work(session: Session) -> None:
        _count(session, "request", f"request:{client}"[:MAX_KEY], now)

    db.write_retrying(work)


def _wait(db: Database, keys: list[str], now: datetime) -> timedelta | None:
    with db.read() as session:
        rows = [session.get(LoginThrottle, key) for key in keys]
    waits = [r.blocked_until - now for r in rows if r and r.blocked_until and r.blocked_until > now]
    return max(waits) if waits else None


def record_failure(*, db: Database, account: str, client: str, now: datetime) -> None:
    """Count a failed login against the account and the client address."""

    def work(session: Session) -> None:
        session.execute(delete(LoginThrottle).where(col(LoginThrottle.last_failure) < now - FORGET))
        for kind, key in _keys(account=account, client=client):
            _count(session, kind, key, now)

    db.write_retrying(work)


def _count(session: Session, kind: str, key: str, now: datetime) -> None:
    row = session.get(LoginThrottle, key, with_for_update=True)
    if row is None:
        row = LoginThrottle(key=key, failures=0, last_failure=now)
    failures = 1 if now - row.last_failure > FORGET else row.failures + 1
    delay = delay_after(failures, POLICIES[kind])
    row.failures = failures
    row.last_failure = now
    row.blocked_until = None if delay is None else now + delay
    session.add(row)


def record_success(*, db: Database, account: str) -> None:
    """A successful login clears the account's failures (not the client address's)."""
    key = f"account:{account}"[:MAX_KEY]
    with db.write() as session:
        session.execute(delete(LoginThrottle).where(col(LoginThrottle.key) == key))
