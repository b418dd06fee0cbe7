"""Delivering the outbox through any `Mailer`: `send_due` claims due rows, hands them to the
mailer over one connection and marks each sent, retried (with backoff) or failed as soon as known.
"""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING

from caseflow.errors import InputError
from caseflow.mail.mailer import Outcome, SendResult
from caseflow.mail.outbox import (
    backoff,
    claim_due,
    mark_failed,
    mark_retry,
    mark_sent,
    renew_lease,
    should_give_up,
)

#: The shortest lease a sender may take: twice the SMTP command timeout (mail/smtp.py's
#: TIMEOUT_SECONDS, not imported: delivery works with any Mailer; a test keeps them in step).
#: The lease is renewed before each message once half of it is spent, so it only has to outlast
#: one message with the server at its slowest; a shorter one would let a second worker take
#: (and send) a message still being sent.
MIN_LEASE = timedelta(seconds=60)


def check_lease(lease: timedelta) -> timedelta:
    """Raises InputError for a lease shorter than MIN_LEASE."""
    if lease < MIN_LEASE:
        raise InputError(
            f"reservationstiden måste vara minst {MIN_LEASE.total_seconds():.0f} sekunder "
            f"(fick {lease.total_seconds():g}); annars kan två arbetare skicka samma e-post"
        )
    return lease


if TYPE_CHECKING:
    from caseflow.clock import Clock
    from caseflow.mail.mailer import Mailer
    from caseflow.store.db import Database
    from caseflow.store.models import OutboxMessage


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What the mailer made of the outbox message `message_id`."""

    message_id: str
    result: SendResult

    @property
    def ok(self) -> bool:
        return self.result.ok


@dataclass(frozen=True, slots=True)
class SendSummary:
    """One `send_due` pass (or several, added up): messages claimed, and how each ended."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __add__(self, other: SendSummary) -> SendSummary:
        return SendSummary(self.claimed + other.claimed, self.sent + other.sent,
                           self.retried + other.retried, self.failed + other.failed)  # fmt: skip

    def __str__(self) -> str:
        return (
            f"skickade {self.sent}, försöker igen senare {self.retried}, misslyckades {self.failed}"
        )


def build_email(message: OutboxMessage, *, mail_from: str) -> EmailMessage:
    """The e-mail for an outbox row: From, To, Subject, Date (when it was enqueued, so every
    attempt carries the same Date and Message-ID), the stable Message-ID, plain text and an
    optional HTML alternative, UTF-8 in quoted-printable (no 8BITMIME needed)."""
    mail = EmailMessage()
    mail["From"] = mail_from
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.format_datetime(message.created_at)
    mail["Message-ID"] = message.message_id
    mail.set_content(message.body_text, charset="utf-8", cte="quoted-printable")
    if message.body_html is not None:
        mail.add_alternative(
            message.body_html, subtype="html", charset="utf-8", cte="quoted-printable"
        )
    return mail


async def deliver(
    messages: Sequence[OutboxMessage],
    mailer: Mailer,
    *,
    mail_from: str,
    on_result: Callable[[DeliveryResult], None] | None = None,
    still_ours: Callable[[OutboxMessage], bool] | None = None,
) -> list[DeliveryResult]:
    """Send `messages` over ONE connection of `mailer`, in order, without touching the database.

    `on_result` is called with each result as soon as it is known (before the next message is
    sent), so the caller can record it at once. `still_ours` is asked before each message (the
    caller renews its lease there); a message it answers False for is skipped. No connection is
    opened for no messages.

    Returns:
        One result per message, in order. Never raises for transport trouble (see `Mailer`).
    """
    results: list[DeliveryResult] = []
    if not messages:
        return results
    async with mailer.connect() as connection:
        for message in messages:
            if still_ours is not None and not still_ours(message):
                continue
            mail = build_email(message, mail_from=mail_from)
            result = DeliveryResult(message.message_id, await connection.send(mail))
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results


def send_due(
    *,
    db: Database,
    mailer: Mailer,
    mail_from: str,
    clock: Clock,
    limit: int = 100,
    lease: timedelta = timedelta(minutes=5),
) -> SendSummary:
    """One pass: claim up to `limit` due messages, deliver them through `mailer` (From:
    `mail_from`), mark each one.

    A message is marked sent only after the server accepted it, and right then (before the next
    one is sent): a worker killed in between can cause at most one duplicate, and that carries
    the same Message-ID. Temporary errors wait `backoff(attempts)`; after MAX_ATTEMPTS, or on a
    permanent error, the message is failed with the last error. Before each message, once half
    of the lease is spent, the lease of the messages not yet sent is renewed; one another claimer
    took meanwhile (the lease ran out) is skipped, so no message goes twice from two workers.

    Raises:
        InputError: `lease` shorter than MIN_LEASE (the worker checks it at start).
        Database errors only otherwise; transport trouble is recorded on the messages.
    """
    check_lease(lease)
    claimed_at = clock.now()
    messages = claim_due(db=db, now=claimed_at, limit=limit, lease=lease)
    if not messages:
        return SendSummary()
    held = {m.message_id: (m.attempts, m.next_attempt_at) for m in messages}
    renewed = [claimed_at]

    def still_ours(message: OutboxMessage) -> bool:
        now = clock.now()
        if now - renewed[0] >= lease / 2:
            until = now + lease
            kept = renew_lease(db=db, held=held, until=until)
            for message_id in list(held):
                if message_id in kept:
                    held[message_id] = (held[message_id][0], until)
                else:
                    del held[message_id]
            renewed[0] = now
        return message.message_id in held

    attempts = {m.message_id: m.attempts for m in messages}
    counts = {"sent": 0, "retried": 0, "failed": 0}

    def record(delivery: DeliveryResult) -> None:
        message_id, result = delivery.message_id, delivery.result
        held.pop(message_id, None)  # marked below: no longer renewed
        error = result.answer or "okänt fel"
        if result.ok:
            mark_sent(db=db, message_id=message_id, now=clock.now())
            counts["sent"] += 1
        elif result.outcome is Outcome.TEMPORARY and not should_give_up(attempts[message_id]):
            delay = backoff(attempts[message_id])
            mark_retry(db=db, message_id=message_id, now=clock.now(), error=error, delay=delay)
            counts["retried"] += 1
        else:
            mark_failed(db=db, message_id=message_id, error=error)
            counts["failed"] += 1

    asyncio.run(
        deliver(messages, mailer, mail_from=mail_from, on_result=record, still_ours=still_ours)
    )
    return SendSummary(claimed=len(messages), **counts)
