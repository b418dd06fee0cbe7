"""The SMTP transport: `SmtpMailer`, the `Mailer` protocol over aiosmtplib (one connection per
batch, one SMTP transaction per message). Knows nothing of the outbox or the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from typing import TYPE_CHECKING, Literal

import aiosmtplib

from caseflow.mail.mailer import SendResult

if TYPE_CHECKING:
    from caseflow.settings import Settings

TIMEOUT_SECONDS = 30.0
"""Per SMTP command (connect, each reply); a silent server is a temporary error."""

#: The connection is gone: this message and every later one on it are temporary.
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
    TimeoutError,
    OSError,
)
_SMTP_TROUBLE: tuple[type[BaseException], ...] = (*_CONNECTION_ERRORS, aiosmtplib.SMTPException)


class SmtpMailer:
    """A `Mailer` that sends over SMTP to `host:port`.

    `security`: "none" (plain), "starttls" (upgrade after connecting) or "tls" (implicit TLS);
    with a `user`, it logs in with `password`. `timeout` is per SMTP command, in seconds.
    """

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: Literal["none", "starttls", "tls"] = "none",
        user: str | None = None,
        password: str | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.user, self.password, self.timeout = user, password, timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer:
        """The mailer CASEFLOW_SMTP_HOST, _PORT, _SECURITY, _USER and _PASSWORD describe."""
        return cls(host=settings.smtp_host, port=settings.smtp_port,
                   security=settings.smtp_security, user=settings.smtp_user,
                   password=settings.smtp_password)  # fmt: skip

    def _client(self) -> aiosmtplib.SMTP:
        login = self.user is not None
        return aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            use_tls=self.security == "tls",
            start_tls=self.security == "starttls",
            username=self.user if login else None,
            password=(self.password or "") if login else None,
            timeout=self.timeout,
        )

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[SmtpConnection]:
        """Connect (EHLO, STARTTLS, login as configured); QUIT on exit.

        A refused or silent connection, a 421/554 greeting, TLS or login trouble raise nothing:
        every send on the connection is then TEMPORARY, "ingen anslutning till host:port: …".
        """
        client = self._client()
        broken: str | None = None
        try:
            await client.connect()
        except _SMTP_TROUBLE as err:
            broken = f"ingen anslutning till {self.host}:{self.port}: {_describe(err)}"
        try:
            yield SmtpConnection(client, broken=broken)
        finally:
            await _close(client)


class SmtpConnection:
    """One SMTP connection; see `MailConnection.send`."""

    def __init__(self, client: aiosmtplib.SMTP, *, broken: str | None = None) -> None:
        self._client = client
        self._broken = broken

    async def send(self, mail: EmailMessage) -> SendResult:
        """One SMTP transaction for `mail` (envelope from its From and To headers).

        A 4xx answer is TEMPORARY, a 5xx answer PERMANENT (the answer keeps code and text); a
        dropped or silent connection is TEMPORARY for this message and every later one.
        """
        if self._broken is not None:
            return SendResult.temporary(self._broken)
        try:
            await self._client.send_message(mail)
        except _CONNECTION_ERRORS as err:
            self._broken = f"anslutningen bröts: {_describe(err)}"
            return SendResult.temporary(self._broken)
        except Exception as err:
            return _classify(err)
        return SendResult.accepted()


def _describe(err: BaseException) -> str:
    """The error as kept in `last_error`: the server's code and text when there is one."""
    if isinstance(err, aiosmtplib.SMTPRecipientsRefused) and err.recipients:
        err = err.recipients[0]
    if isinstance(err, aiosmtplib.SMTPResponseException):
        return f"{err.code} {err.message}".strip()
    return f"{type(err).__name__}: {err}".strip().rstrip(":")


def _classify(err: Exception) -> SendResult:
    if isinstance(err, aiosmtplib.SMTPRecipientsRefused) and err.recipients:
        code = err.recipients[0].code
    elif isinstance(err, aiosmtplib.SMTPResponseException):
        code = err.code
    elif isinstance(err, ValueError | aiosmtplib.SMTPNotSupported):
        # The address or message cannot be sent to this server at all (e.g. needs SMTPUTF8).
        return SendResult.permanent(_describe(err))
    else:
        code = 400  # unexpected: try again later; MAX_ATTEMPTS ends it
    if 500 <= code < 600:
        return SendResult.permanent(_describe(err))
    return SendResult.temporary(_describe(err))


async def _close(client: aiosmtplib.SMTP) -> None:
    if not client.is_connected:
        return
    try:
        await client.quit()
    except _SMTP_TROUBLE:
        client.close()
