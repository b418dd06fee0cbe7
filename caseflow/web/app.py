"""The FastAPI application: pages, API, static files, error handling, security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from caseflow.clock import Clock, SystemClock
from caseflow.errors import (
    CaseflowError,
    GuardFailedError,
)
from caseflow.records.context import Records, build_records
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.web.context import WebContext
from caseflow.web.limits import BodySizeLimit
from caseflow.web.security import ApiUnauthorized, CsrfFailed, LoginRequired
from caseflow.web.status import status_of
from caseflow.web.templating import render
from caseflow.workflow.registry import WorkflowRegistry, load_registry

STATIC = Path(__file__).parent / "static"

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
]


class SecurityHeaders:
    """Adds the headers above to every HTTP response (plain ASGI: no per-request task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = list(message.get("headers", []))
                own = {name.lower() for name, _ in given}  # a file preview sets its own
                message["headers"] = [*given, *(h for h in HEADERS if h[0] not in own)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        target = "/login?next=" + quote(exc.next_url, safe="/")
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(ApiUnauthorized)
    async def _unauthorized(request: Request, exc: ApiUnauthorized) -> Response:
        return JSONResponse(
            {"detail": "inloggning krävs: skicka Authorization: Bearer <token>"},
            status_code=401, headers={"WWW-Authenticate": "Bearer"},
        )  # fmt: skip

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        message = "Formuläret saknar en giltig säkerhetstoken. Ladda om sidan och försök igen."
        return render(request, "error.html", {"message": message}, status_code=403)

    @app.exception_handler(CaseflowError)
    async def _caseflow(request: Request, exc: CaseflowError) -> Response:
        status = status_of(exc)
        if _is_api(request):
            body: dict[str, Any] = {"detail": str(exc)}
            if isinstance(exc, GuardFailedError):
                body["problems"] = exc.problems
            return JSONResponse(body, status_code=status)
        return render(request, "error.html", {"message": str(exc)}, status_code=status)


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    workflows: WorkflowRegistry | None = None,
    secure_cookies: bool = False,
    records: Records | None = None,
) -> FastAPI:
    """The web application over `settings.database_url` (or the given database)."""
    from caseflow.web.api import router as api
    from caseflow.web.pages import account, deadlines, meeting_changes, meetings, outbox, portfolio
    from caseflow.web.pages import auth as pages_auth
    from caseflow.web.pages import case_actions as pages_case_actions
    from caseflow.web.pages import cases as pages_cases
    from caseflow.web.pages import handlings as pages_handlings
    from caseflow.web.pages import register as pages_register

    app = FastAPI(
        title="caseflow API",
        version="1",
        description="Ärenden, flyttar, historik, memon, sammanträden och påminnelser. "
        "Autentisering: `Authorization: Bearer <token>` (`caseflow user token EMAIL`).",
        docs_url=None,  # Swagger UI loads scripts from a CDN; the document itself is served
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.ctx = WebContext(
        settings=settings,
        db=db or Database(settings.database_url),
        workflows=workflows or load_registry(settings.workflows_dir),
        records=records or build_records(settings),
        clock=clock or SystemClock(),
        secure_cookies=secure_cookies,
    )
    _install_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages_auth.router)
    app.include_router(pages_cases.router)
    app.include_router(pages_case_actions.router)
    app.include_router(pages_handlings.router)
    app.include_router(pages_register.router)
    for pages in (meetings, meeting_changes, deadlines, outbox, portfolio, account):
        app.include_router(pages.router)
    app.include_router(api.router)
    app.add_middleware(BodySizeLimit, upload_bytes=settings.max_file_bytes)
    app.add_middleware(SecurityHeaders)
    return app
