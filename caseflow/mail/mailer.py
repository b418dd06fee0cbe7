"""The mail seam: the `Mailer` protocol every transport implements (SMTP in `caseflow.mail.smtp`),
what one send can come to (`SendResult`), and `MemoryMailer`, an in-memory transport for tests.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Protocol

TEMPORARY_ANSWER = "451 4.3.0 försök senare"
PERMANENT_ANSWER = "550 5.1.1 okänd mottagare"


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    TEMPORARY = "temporary"
    """Try again later: a 4xx answer, or no (or a lost) connection."""
    PERMANENT = "permanent"
    """Give up: a 5xx answer, or a message this transport can never send."""


@dataclass(frozen=True, slots=True)
class SendResult:
    """What became of one message: its `outcome`, and for a failure `answer`, the server's code
    and text (`550 5.1.1 okänd mottagare`) or what went wrong with the connection."""

    outcome: Outcome
    answer: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.ACCEPTED

    @classmethod
    def accepted(cls) -> SendResult:
        return cls(Outcome.ACCEPTED)

    @classmethod
    def temporary(cls, answer: str) -> SendResult:
        return cls(Outcome.TEMPORARY, answer)

    @classmethod
    def permanent(cls, answer: str) -> SendResult:
        return cls(Outcome.PERMANENT, answer)


class MailConnection(Protocol):
    """One open connection to a transport, good for many messages."""

    async def send(self, mail: EmailMessage) -> SendResult:
        """Send `mail` to the envelope its From and To headers give; wait for the answer.

        Returns:
            The outcome. Once the connection could not be opened or was lost, this and every
            later send on it is TEMPORARY with that reason.

        Raises:
            Nothing for transport trouble: every failure is a result.
        """
        ...


class Mailer(Protocol):
    """A mail transport, built once at the entry point and passed in.

    Usage: `async with mailer.connect() as connection: result = await connection.send(mail)`.
    """

    def connect(self) -> AbstractAsyncContextManager[MailConnection]:
        """Open one connection (closed on exit). Never raises for transport trouble: if no
        connection can be made, every send on it is TEMPORARY with the reason."""
        ...


class MemoryMailer:
    """A `Mailer` that keeps what it is sent, in `sent` (accepted messages, in order).

    `fail(recipient)` makes sends to that address fail, temporarily or permanently, until
    `recover(recipient)`; `down = True` refuses every connection (every send is TEMPORARY);
    `connections` counts the connections opened.
    """

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.connections = 0
        self.down = False
        self._failures: dict[str, SendResult] = {}

    def fail(self, recipient: str, *, permanent: bool = False, answer: str | None = None) -> None:
        """Refuse mail to `recipient` with `answer` (a 451 or 550 server answer by default)."""
        if permanent:
            self._failures[recipient] = SendResult.permanent(answer or PERMANENT_ANSWER)
        else:
            self._failures[recipient] = SendResult.temporary(answer or TEMPORARY_ANSWER)

    def recover(self, recipient: str | None = None) -> None:
        """Accept mail to `recipient` again (to everyone when None)."""
        if recipient is None:
            self._failures.clear()
        else:
            self._failures.pop(recipient, None)

    def message_ids(self) -> list[str]:
        """The Message-IDs of the accepted messages, in order."""
        return [str(mail["Message-ID"]) for mail in self.sent]

    def _take(self, mail: EmailMessage) -> SendResult:
        """Keep `mail`, unless one of its recipients is set to fail."""
        for _name, address in getaddresses(mail.get_all("To", [])):
            failure = self._failures.get(address)
            if failure is not None:
                return failure
        self.sent.append(mail)
        return SendResult.accepted()

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[_MemoryConnection]:
        self.connections += 1
        yield _MemoryConnection(self, refused="ingen anslutning (avstängd)" if self.down else None)


class _MemoryConnection:
    def __init__(self, mailer: MemoryMailer, *, refused: str | None) -> None:
        self._mailer = mailer
        self._refused = refused

    async def send(self, mail: EmailMessage) -> SendResult:
        if self._refused is not None:
            return SendResult.temporary(self._refused)
        return self._mailer._take(mail)
