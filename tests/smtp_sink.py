"""An SMTP server on loopback for tests (aiosmtpd): records what it accepts, refuses chosen
recipients."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class Sink:
    """An aiosmtpd handler that records what it accepts and refuses chosen recipients."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.sessions: set[int] = set()
        self.ehlo = 0
        self.delay = 0.0
        self.temporary: set[str] = set()  # 451 at RCPT
        self.permanent: set[str] = set()  # 550 at RCPT
        self.refused_data: set[str] = set()  # 554 at DATA
        self.lock = threading.Lock()

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        self.ehlo += 1
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.temporary:
            return "451 4.3.0 försök senare"
        if address in self.permanent:
            return "550 5.1.1 okänd mottagare"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if set(envelope.rcpt_tos) & self.refused_data:
            return "554 5.6.0 meddelandet avvisas"
        if self.delay:
            await asyncio.sleep(self.delay)
        wire = envelope.original_content.replace(b"\r\n", b"\n")
        parsed = message_from_bytes(wire, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(parsed)
            self.sessions.add(id(session))
        return "250 2.0.0 OK"

    def ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(sink: Sink, port: int) -> Controller:
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller
