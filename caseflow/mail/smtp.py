"""The SMTP adapter: deliver outbox messages over one aiosmtplib connection per batch, and
`send_due`, one pass of the outbox (claim, deliver, mark each message as soon as it is known).
"""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING

import aiosmtplib

from caseflow.mail.outbox import (
    backoff,
    claim_due,
    mark_failed,
    mark_retry,
    mark_sent,
    should_give_up,
)

if TYPE_CHECKING:
    from caseflow.clock import Clock
    from caseflow.settings import Settings
    from caseflow.store.db import Database
    from caseflow.store.models import OutboxMessage

TIMEOUT_SECONDS = 30.0
"""Per SMTP command (connect, each reply); a silent server is a temporary error."""

#: The connection is gone: this message and every later one of the batch are temporary.
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
    TimeoutError,
    OSError,
)
_SMTP_TROUBLE: tuple[type[BaseException], ...] = (*_CONNECTION_ERRORS, aiosmtplib.SMTPException)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryResult:
    """What became of one message.

    `ok`: the server accepted it. Otherwise `temporary` tells whether to try again later
    (4xx, connection trouble) or give up (5xx, an address that cannot be sent); `error` is the
    server's code and text, or what went wrong with the connection.
    """

    message_id: str
    ok: bool
    temporary: bool = False
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SendSummary:
    """One `send_due` pass: messages claimed, and how each ended."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0

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


def _client(settings: Settings, timeout: float) -> aiosmtplib.SMTP:
    login = settings.smtp_user is not None
    return aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        use_tls=settings.smtp_security == "tls",
        start_tls=settings.smtp_security == "starttls",
        username=settings.smtp_user if login else None,
        password=(settings.smtp_password or "") if login else None,
        timeout=timeout,
    )


def _describe(err: BaseException) -> str:
    """The error as kept in `last_error`: the server's code and text when there is one."""
    if isinstance(err, aiosmtplib.SMTPRecipientsRefused) and err.recipients:
        err = err.recipients[0]
    if isinstance(err, aiosmtplib.SMTPResponseException):
        return f"{err.code} {err.message}".strip()
    return f"{type(err).__name__}: {err}".strip().rstrip(":")


def _classify(message_id: str, err: Exception) -> DeliveryResult:
    if isinstance(err, aiosmtplib.SMTPRecipientsRefused) and err.recipients:
        code = err.recipients[0].code
    elif isinstance(err, aiosmtplib.SMTPResponseException):
        code = err.code
    elif isinstance(err, ValueError | aiosmtplib.SMTPNotSupported):
        # The address or message cannot be sent to this server at all (e.g. needs SMTPUTF8).
        return DeliveryResult(message_id=message_id, ok=False, error=_describe(err))
    else:
        code = 400  # unexpected: try again later; MAX_ATTEMPTS ends it
    temporary = not 500 <= code < 600
    return DeliveryResult(
        message_id=message_id, ok=False, temporary=temporary, error=_describe(err)
    )


async def deliver(
    messages: Sequence[OutboxMessage],
    settings: Settings,
    *,
    on_result: Callable[[DeliveryResult], None] | None = None,
    smtp_timeout: float = TIMEOUT_SECONDS,
) -> list[DeliveryResult]:
    """Send `messages` over ONE SMTP connection (connect, one transaction per message, QUIT).

    Classification: a 4xx reply is temporary, a 5xx reply permanent (the error keeps the code
    and text); a refused, dropped or silent connection is temporary for the message in
    flight and every later one. `on_result` is called with each result as soon as it is known
    (before the next message is sent), so the caller can record it at once.

    Returns:
        One result per message, in order. Never raises for SMTP or network trouble.
    """
    results: list[DeliveryResult] = []

    def report(result: DeliveryResult) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result)

    if not messages:
        return results
    client = _client(settings, smtp_timeout)
    try:
        await client.connect()
    except _SMTP_TROUBLE as err:
        # Refused, a 421/554 greeting, TLS or login trouble: nothing was sent; all wait.
        error = f"ingen anslutning till {settings.smtp_host}:{settings.smtp_port}: {_describe(err)}"
        for message in messages:
            report(DeliveryResult(message_id=message.message_id, ok=False, temporary=True,
                                  error=error))  # fmt: skip
        return results
    broken: str | None = None
    try:
        for message in messages:
            if broken is not None:
                report(DeliveryResult(message_id=message.message_id, ok=False, temporary=True,
                                      error=broken))  # fmt: skip
                continue
            mail = build_email(message, mail_from=settings.mail_from)
            try:
                await client.send_message(mail, recipients=[message.recipient])
            except _CONNECTION_ERRORS as err:
                broken = f"anslutningen bröts: {_describe(err)}"
                report(DeliveryResult(message_id=message.message_id, ok=False, temporary=True,
                                      error=broken))  # fmt: skip
            except Exception as err:
                report(_classify(message.message_id, err))
            else:
                report(DeliveryResult(message_id=message.message_id, ok=True))
    finally:
        await _close(client)
    return results


async def _close(client: aiosmtplib.SMTP) -> None:
    if not client.is_connected:
        return
    try:
        await client.quit()
    except _SMTP_TROUBLE:
        client.close()


def send_due(
    *,
    db: Database,
    settings: Settings,
    clock: Clock,
    limit: int = 100,
    lease: timedelta = timedelta(minutes=5),
) -> SendSummary:
    """One pass: claim up to `limit` due messages, deliver them, mark each one.

    A message is marked sent only after the server accepted it, and right then (before the next
    one is sent): a worker killed in between can cause at most one duplicate, and that carries
    the same Message-ID. Temporary errors wait `backoff(attempts)`; after MAX_ATTEMPTS, or on a
    permanent error, the message is failed with the last error. `lease` must exceed the time one
    batch takes (see `claim_due`).

    Raises:
        Database errors only; SMTP trouble is recorded on the messages.
    """
    messages = claim_due(db=db, now=clock.now(), limit=limit, lease=lease)
    if not messages:
        return SendSummary()
    attempts = {m.message_id: m.attempts for m in messages}
    counts = {"sent": 0, "retried": 0, "failed": 0}

    def record(result: DeliveryResult) -> None:
        error = result.error or "okänt fel"
        if result.ok:
            mark_sent(db=db, message_id=result.message_id, now=clock.now())
            counts["sent"] += 1
        elif result.temporary and not should_give_up(attempts[result.message_id]):
            delay = backoff(attempts[result.message_id])
            mark_retry(db=db, message_id=result.message_id, now=clock.now(), error=error,
                       delay=delay)  # fmt: skip
            counts["retried"] += 1
        else:
            mark_failed(db=db, message_id=result.message_id, error=error)
            counts["failed"] += 1

    asyncio.run(deliver(messages, settings, on_result=record))
    return SendSummary(claimed=len(messages), **counts)
