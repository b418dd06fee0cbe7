"""The delivery rules, once for every mailer: `MemoryMailer`, and `SmtpMailer` against a real
SMTP server (aiosmtpd on loopback). Sent is marked sent, 4xx and a refused connection wait with
backoff, 5xx fails with the server's answer, a lease keeps two claimers from sending one message
twice, and the Message-ID (and Date) never change between attempts.

Every test also runs on each backend of the `database` fixture.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from caseflow.clock import FakeClock
from caseflow.mail.delivery import SendSummary, deliver, send_due
from caseflow.mail.mailer import Mailer, MemoryMailer, Outcome, SendResult
from caseflow.mail.outbox import MAX_ATTEMPTS, backoff, claim_due, enqueue, make_message_id
from caseflow.mail.smtp import SmtpMailer
from caseflow.store.db import Database
from caseflow.store.models import OutboxMessage
from tests.smtp_sink import Sink, free_port, start_server

DOMAIN = "region.se"
MAIL_FROM = f"Caseflow <caseflow@{DOMAIN}>"
LEASE = timedelta(minutes=5)


class MemoryTransport:
    """A MemoryMailer and its controls."""

    def __init__(self) -> None:
        self.mailer = MemoryMailer()

    def received(self) -> list[EmailMessage]:
        return list(self.mailer.sent)

    def refuse(self, recipient: str, *, permanent: bool = False) -> None:
        self.mailer.fail(recipient, permanent=permanent)

    def accept_all(self) -> None:
        self.mailer.recover()

    def connections(self) -> int:
        return self.mailer.connections

    def stop(self) -> None:
        self.mailer.down = True

    def start(self) -> None:
        self.mailer.down = False


class SmtpTransport:
    """An SmtpMailer and the aiosmtpd server it talks to, with the same controls."""

    def __init__(self) -> None:
        self.port = free_port()
        self.sink = Sink()
        self.mailer = SmtpMailer(host="127.0.0.1", port=self.port, timeout=10)
        self.controller: Controller | None = None
        self.start()

    def received(self) -> list[EmailMessage]:
        with self.sink.lock:
            return list(self.sink.messages)

    def refuse(self, recipient: str, *, permanent: bool = False) -> None:
        (self.sink.permanent if permanent else self.sink.temporary).add(recipient)

    def accept_all(self) -> None:
        self.sink.permanent.clear()
        self.sink.temporary.clear()

    def connections(self) -> int:
        return self.sink.ehlo

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def start(self) -> None:
        if self.controller is None:
            self.controller = start_server(self.sink, self.port)


Transport = MemoryTransport | SmtpTransport


@pytest.fixture(params=["memory", "smtp"])
def transport(request: pytest.FixtureRequest) -> Iterator[Transport]:
    made: Transport = MemoryTransport() if request.param == "memory" else SmtpTransport()
    yield made
    made.stop()


def add(db: Database, clock: FakeClock, recipients: list[str], *, prefix: str = "m") -> list[str]:
    """Enqueue one message per recipient; return their Message-IDs."""
    with db.write() as session:
        return [
            enqueue(session=session, recipient=to, subject="Påminnelse: slutrapport – åäö",
                    body_text=f"Hej {i}!", key=f"{prefix}:{i}", now=clock.now(),
                    domain=DOMAIN).message_id
            for i, to in enumerate(recipients)
        ]  # fmt: skip


def send(db: Database, mailer: Mailer, clock: FakeClock, **kw: Any) -> SendSummary:
    return send_due(db=db, mailer=mailer, mail_from=MAIL_FROM, clock=clock, **kw)


def row(db: Database, message_id: str) -> OutboxMessage:
    with db.read() as session:
        query = select(OutboxMessage).where(OutboxMessage.message_id == message_id)
        return session.exec(query).one()


def received_ids(transport: Transport) -> list[str]:
    return [str(m["Message-ID"]) for m in transport.received()]


def test_delivered_messages_are_marked_sent(
    database: Database, clock: FakeClock, transport: Transport
) -> None:
    ids = add(database, clock, ["anna@region.se", "bo@region.se"])
    summary = send(database, transport.mailer, clock)
    assert summary == SendSummary(claimed=2, sent=2)
    assert str(summary) == "skickade 2, försöker igen senare 0, misslyckades 0"
    assert received_ids(transport) == ids
    assert transport.connections() == 1  # one connection for the batch
    for message_id in ids:
        stored = row(database, message_id)
        assert (stored.status, stored.sent_at, stored.attempts) == ("sent", clock.now(), 1)
    assert send(database, transport.mailer, clock).claimed == 0


def test_temporary_refusal_is_retried_with_backoff(
    database: Database, clock: FakeClock, transport: Transport
) -> None:
    ids = add(database, clock, ["a@region.se", "b@region.se", "c@region.se"])
    transport.refuse("b@region.se")
    assert send(database, transport.mailer, clock) == SendSummary(claimed=3, sent=2, retried=1)
    waiting = row(database, ids[1])
    assert (waiting.status, waiting.last_error) == ("pending", "451 4.3.0 försök senare")
    assert waiting.next_attempt_at == clock.now() + timedelta(minutes=1)

    assert send(database, transport.mailer, clock).claimed == 0  # not due yet
    clock.advance(timedelta(minutes=1))
    assert send(database, transport.mailer, clock).retried == 1
    assert row(database, ids[1]).next_attempt_at == clock.now() + timedelta(minutes=2)

    transport.accept_all()
    clock.advance(timedelta(minutes=2))
    assert send(database, transport.mailer, clock).sent == 1
    done = row(database, ids[1])
    assert (done.status, done.attempts, done.last_error) == ("sent", 3, None)
    assert sorted(received_ids(transport)) == sorted(ids)


def test_permanent_refusal_is_failed_with_the_servers_answer(
    database: Database, clock: FakeClock, transport: Transport
) -> None:
    ids = add(database, clock, ["okand@region.se", "anna@region.se"])
    transport.refuse("okand@region.se", permanent=True)
    assert send(database, transport.mailer, clock) == SendSummary(claimed=2, sent=1, failed=1)
    failed = row(database, ids[0])
    assert (failed.status, failed.last_error, failed.attempts) == (
        "failed", "550 5.1.1 okänd mottagare", 1
    )  # fmt: skip
    clock.advance(timedelta(days=1))
    assert send(database, transport.mailer, clock).claimed == 0
    assert received_ids(transport) == [ids[1]]


def test_refused_connection_is_retried_and_nothing_is_lost(
    database: Database, clock: FakeClock, transport: Transport
) -> None:
    ids = add(database, clock, ["a@region.se", "b@region.se"])
    transport.stop()
    assert send(database, transport.mailer, clock) == SendSummary(claimed=2, retried=2)
    for message_id in ids:
        waiting = row(database, message_id)
        assert waiting.status == "pending" and waiting.last_error is not None
        assert waiting.last_error.startswith("ingen anslutning")
        assert waiting.next_attempt_at == clock.now() + timedelta(minutes=1)

    transport.start()
    clock.advance(timedelta(minutes=1))
    assert send(database, transport.mailer, clock).sent == 2
    assert sorted(received_ids(transport)) == sorted(ids)


def test_temporary_trouble_gives_up_after_max_attempts(
    database: Database, clock: FakeClock, transport: Transport
) -> None:
    [message_id] = add(database, clock, ["anna@region.se"])
    transport.refuse("anna@region.se")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert send(database, transport.mailer, clock).claimed == 1
        clock.advance(backoff(attempt))
    gone = row(database, message_id)
    assert (gone.status, gone.attempts, gone.last_error) == (
        "failed", MAX_ATTEMPTS, "451 4.3.0 försök senare"
    )  # fmt: skip


def test_two_claimers_never_send_a_message_twice(
    database: Database, clock: FakeClock, transport: Transport
) -> None:
    ids = add(database, clock, [f"p{i}@region.se" for i in range(40)])
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def claimer() -> None:
        try:
            barrier.wait()
            while send(database, transport.mailer, clock, limit=3, lease=LEASE).claimed:
                pass
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=claimer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert Counter(received_ids(transport)) == Counter(ids)


def test_a_leased_message_waits_for_the_lease_then_goes_once(
    database: Database, clock: FakeClock, transport: Transport
) -> None:
    [message_id] = add(database, clock, ["anna@region.se"])
    assert claim_due(db=database, now=clock.now(), limit=10, lease=LEASE)  # a claimer that dies
    clock.advance(LEASE - timedelta(seconds=1))
    assert send(database, transport.mailer, clock, lease=LEASE).claimed == 0
    assert transport.received() == []
    clock.advance(timedelta(seconds=1))
    assert send(database, transport.mailer, clock, lease=LEASE).sent == 1
    assert received_ids(transport) == [message_id]
    assert row(database, message_id).attempts == 2


def test_message_id_and_date_are_the_same_on_every_attempt(
    database: Database, clock: FakeClock, transport: Transport
) -> None:
    [message_id] = add(database, clock, ["anna@region.se"], prefix="påminnelse")
    assert message_id == make_message_id(key="påminnelse:0", domain=DOMAIN)
    # A worker that sent the message but died before marking it: the lease runs out, it goes again.
    claimed = claim_due(db=database, now=clock.now(), limit=10, lease=LEASE)
    [first] = asyncio.run(deliver(claimed, transport.mailer, mail_from=MAIL_FROM))
    assert first.ok and first.message_id == message_id
    clock.advance(LEASE + timedelta(hours=1))
    assert send(database, transport.mailer, clock).sent == 1
    once, again = transport.received()
    assert once["Message-ID"] == again["Message-ID"] == message_id
    assert once["Date"] == again["Date"] == "Mon, 06 Jan 2025 09:00:00 +0000"
    assert row(database, message_id).status == "sent"


def test_deliver_reports_each_result_before_sending_the_next(
    database: Database, clock: FakeClock, transport: Transport
) -> None:
    add(database, clock, ["a@region.se", "b@region.se", "c@region.se"])
    transport.refuse("b@region.se", permanent=True)
    messages = claim_due(db=database, now=clock.now(), limit=10, lease=LEASE)
    seen: list[int] = []
    results = asyncio.run(
        deliver(messages, transport.mailer, mail_from=MAIL_FROM,
                on_result=lambda r: seen.append(len(transport.received())))
    )  # fmt: skip
    assert [r.result.outcome for r in results] == [
        Outcome.ACCEPTED, Outcome.PERMANENT, Outcome.ACCEPTED
    ]  # fmt: skip
    assert results[1].result == SendResult.permanent("550 5.1.1 okänd mottagare")
    assert seen == [1, 1, 2]
    assert asyncio.run(deliver([], transport.mailer, mail_from=MAIL_FROM)) == []
    assert transport.connections() == 1  # no connection for no messages
