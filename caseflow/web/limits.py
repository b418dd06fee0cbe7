"""A request body larger than MAX_BODY_BYTES is answered 413 by the server itself, before any
form or JSON parsing reads it into memory (plain ASGI, like SecurityHeaders)."""

from __future__ import annotations

import json
import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The largest request body the server reads: 2 MB (every case field together stays far below).
MAX_BODY_BYTES = 2 * 1024 * 1024
MESSAGE = f"förfrågan är för stor: högst {MAX_BODY_BYTES // (1024 * 1024)} MB"
#: Uploads of a registered document's file may be larger (the file size limit plus the form).
UPLOAD_PATHS = re.compile(r"^(/api/v1)?/cases/[^/]+/[^/]+/[^/]+/handlings(/\d+/versions)?/?$")
FORM_OVERHEAD = 64 * 1024


class _TooLarge(HTTPException):
    """Raised from `receive`; an HTTPException, so FastAPI's body parsing passes it on as 413."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=MESSAGE)


class BodySizeLimit:
    """Refuses a declared Content-Length above the limit at once, and a streamed body as soon as
    it passes the limit (before the application has answered)."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES, upload_bytes: int | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes

    def limit_of(self, scope: Scope) -> int:
        """The limit for this request: larger for a document upload (POST to its path)."""
        path = str(scope.get("path", ""))
        if self.upload_bytes and scope.get("method") == "POST" and UPLOAD_PATHS.match(path):
            return max(self.max_bytes, self.upload_bytes + FORM_OVERHEAD)
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False
            if too_large:
                await _refuse(scope, send, limit)
                return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except _TooLarge:
            if started:  # pragma: no cover - the application answered before reading it all
                raise
            await _refuse(scope, send, limit)


async def _refuse(scope: Scope, send: Send, limit: int = MAX_BODY_BYTES) -> None:
    message = (
        MESSAGE
        if limit == MAX_BODY_BYTES
        else f"förfrågan är för stor: högst {limit // (1024 * 1024)} MB"
    )
    if str(scope.get("path", "")).startswith("/api/"):
        body, kind = json.dumps({"detail": message}).encode(), b"application/json"
    else:
        body, kind = message.encode(), b"text/plain; charset=utf-8"
    await send({
        "type": "http.response.start", "status": 413,
        "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})
