"""A batch that takes longer than its lease: the sender renews the lease before each message
once half of it is spent, so a second claimer cannot take (and send again) what the first is
still sending; a message whose lease ran out and was taken is skipped. A lease shorter than
MIN_LEASE is refused, by `send_due` and by `caseflow worker` (one `fel:` line, exit 1)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from caseflow.clock import FakeClock
from caseflow.errors import InputError
from caseflow.mail.delivery import MIN_LEASE, SendSummary, send_due
from caseflow.mail.mailer import MemoryMailer, SendResult
from caseflow.mail.outbox import claim_due, count_messages, enqueue, renew_lease
from caseflow.mail.smtp import TIMEOUT_SECONDS
from caseflow.store.db import Database
from tests.conftest import Run

MAIL_FROM = "Caseflow <caseflow@region.se>"


class SlowMailer(MemoryMailer):
    """Each message takes `seconds` on the fake clock; while the `at`-th message is being sent,
    a second worker runs a whole pass of its own (in another thread, as another process would)."""

    def __init__(self, clock: FakeClock, db: Database, *, seconds: float, at: int) -> None:
        super().__init__()
        self.clock, self.db, self.seconds, self.at = clock, db, seconds, at
        self.calls = 0
        self.other: list[SendSummary] = []

    def _take(self, mail: EmailMessage) -> SendResult:
        self.calls += 1
        self.clock.advance(timedelta(seconds=self.seconds))
        if self.calls == self.at:
            second = threading.Thread(target=self._second_worker)
            second.start()
            second.join(30)
        return super()._take(mail)

    def _second_worker(self) -> None:
        other = MemoryMailer()
        self.other.append(_send(self.db, other, self.clock, limit=100))
        self.sent.extend(other.sent)  # one inbox: what either worker sent


def _send(db: Database, mailer: MemoryMailer, clock: FakeClock, **kw: Any) -> SendSummary:
    return send_due(db=db, mailer=mailer, mail_from=MAIL_FROM, clock=clock, lease=MIN_LEASE, **kw)


def _add(db: Database, clock: FakeClock, count: int) -> list[str]:
    with db.write() as session:
        return [enqueue(session=session, recipient=f"kommun{i}@example.se",
                        subject="Påminnelse: lägesrapport", body_text=f"Hej {i}", key=f"r:{i}",
                        now=clock.now(), domain="region.se").message_id
                for i in range(count)]  # fmt: skip


@pytest.mark.parametrize("seconds_per_message", [0.3, 0.45])  # of the lease, per message
def test_a_batch_longer_than_its_lease_sends_each_message_once(
    database: Database, clock: FakeClock, seconds_per_message: float
) -> None:
    ids = _add(database, clock, 9)
    per = MIN_LEASE.total_seconds() * seconds_per_message
    mailer = SlowMailer(clock, database, seconds=per, at=4)  # the batch takes 1.5–2.7 leases
    first = _send(database, mailer, clock, limit=6)
    assert first.claimed == 6 and mailer.other and mailer.other[0].claimed == 3
    assert Counter(mailer.message_ids()) == Counter(ids)  # every message once
    assert count_messages(db=database) == {"pending": 0, "sent": 9, "failed": 0}


def test_renewal_keeps_only_what_no_one_else_took(database: Database, clock: FakeClock) -> None:
    ids = _add(database, clock, 4)
    mine = claim_due(db=database, now=clock.now(), limit=2, lease=MIN_LEASE)
    held = {m.message_id: (m.attempts, m.next_attempt_at) for m in mine}
    clock.advance(MIN_LEASE * 1.5)  # the lease ran out; another worker takes every due message
    theirs = claim_due(db=database, now=clock.now(), limit=10, lease=MIN_LEASE)
    assert {m.message_id for m in theirs} == set(ids)
    assert renew_lease(db=database, held=held, until=clock.now() + MIN_LEASE) == set()
    # Their own claim renews fine, and only once the rows are as their claim left them.
    theirs_held = {m.message_id: (m.attempts, m.next_attempt_at) for m in theirs}
    until = clock.now() + MIN_LEASE + timedelta(seconds=30)
    assert renew_lease(db=database, held=theirs_held, until=until) == set(ids)
    assert renew_lease(db=database, held=theirs_held, until=until) == set()


def test_the_minimum_lease_is_twice_the_smtp_timeout() -> None:
    assert MIN_LEASE == timedelta(seconds=2 * TIMEOUT_SECONDS)


def test_a_short_lease_is_refused(database: Database, clock: FakeClock) -> None:
    _add(database, clock, 1)
    with pytest.raises(InputError, match="minst 60 sekunder"):
        send_due(db=database, mailer=MemoryMailer(), mail_from=MAIL_FROM, clock=clock,
                 lease=MIN_LEASE - timedelta(seconds=1))  # fmt: skip
    assert count_messages(db=database) == {"pending": 1, "sent": 0, "failed": 0}


def test_worker_refuses_a_short_lease_before_starting(cli: Run) -> None:
    import caseflow.cli.outbox  # noqa: F401  (registers `worker`)

    code, out, err = cli("worker", "--lease", "1")
    assert code == 1 and out == ""
    assert (
        err == "fel: reservationstiden måste vara minst 60 sekunder (fick 1); annars kan två "
        "arbetare skicka samma e-post\n"
    )
