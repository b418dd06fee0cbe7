"""The FastAPI application: pages, API, static files, error handling, security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from caseflow.clock import Clock, SystemClock
from caseflow.errors import (
    CaseflowError,
    GuardFailedError,
)
from caseflow.records.context import Records, build_records
from caseflow.settings import Settings, load_settings
from caseflow.store.db import Database
from caseflow.web.api.common import swedish
from caseflow.web.context import WebContext
from caseflow.web.limits import BodySizeLimit
from caseflow.web.security import ApiUnauthorized, CsrfFailed, LoginRequired
from caseflow.web.status import status_of
from caseflow.web.templating import render
from caseflow.workflow.registry import WorkflowRegistry, cached_registry

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
    """Adds the headers above to every HTTP response (plain ASGI: no per-request task); a
    response that sets its own Content-Security-Policy (a stored memo shown inline, whose styles
    are inline) keeps it."""

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


class HeadAsGet:
    """HEAD is answered as GET without the body (FastAPI routes answer only the methods they
    name, so `HEAD /login` was 405)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


#: The English details Starlette and FastAPI answer with, in Swedish.
HTTP_DETAILS = {
    "There was an error parsing the body": "begärans innehåll kunde inte läsas (ogiltig eller "
    "för djupt nästlad JSON eller formulärdata)",
    "Not Found": "finns inte",
    "Method Not Allowed": "metoden är inte tillåten här",
    "Unsupported Media Type": "innehållstypen stöds inte",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


#: What the API says for the framework's own errors (its 413 already says it in Swedish).
API_PROBLEMS: dict[int, str] = {
    404: "adressen finns inte i API:t (se /api/v1/openapi.json)",
    405: "metoden går inte att använda på den här adressen",
}
#: What a page says for an HTTP error raised by the framework (unknown address, wrong method).
HTTP_PROBLEMS: dict[int, str] = {
    404: "Sidan finns inte. Kontrollera adressen eller gå till tavlan.",
    405: "Sidan kan inte användas på det sättet.",
    413: "Det som skickades är för stort.",
}


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
        problem = "Formuläret saknar en giltig säkerhetstoken. Ladda om sidan och försök igen."
        return render(request, "error.html", {"problem": problem}, status_code=403)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        """JSON under /api (and for the API's own 4xx), an HTML page for a browser."""
        if _is_api(request):
            detail = API_PROBLEMS.get(exc.status_code) or HTTP_DETAILS.get(
                str(exc.detail), exc.detail
            )
            return JSONResponse({"detail": detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))  # fmt: skip
        problem = HTTP_PROBLEMS.get(exc.status_code, "Något gick fel.")
        return render(request, "error.html", {"problem": problem},
                      status_code=exc.status_code)  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": swedish(exc.errors())}, status_code=422)
        problem = (
            "Adressen innehåller ett värde som sidan inte kan använda. Gå tillbaka och försök igen."
        )
        return render(request, "error.html", {"problem": problem}, status_code=422)

    @app.exception_handler(CaseflowError)
    async def _caseflow(request: Request, exc: CaseflowError) -> Response:
        status = status_of(exc)
        if _is_api(request):
            body: dict[str, Any] = {"detail": str(exc)}
            if isinstance(exc, GuardFailedError):
                body["problems"] = exc.problems
            return JSONResponse(body, status_code=status)
        return render(request, "error.html", {"problem": str(exc)}, status_code=status)


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
    from caseflow.web.pages import (
        account,
        deadlines,
        exports,
        meeting_changes,
        meetings,
        national,
        notes,
        outbox,
        portfolio,
        results,
        start,
    )
    from caseflow.web.pages import auth as pages_auth
    from caseflow.web.pages import case_actions as pages_case_actions
    from caseflow.web.pages import cases as pages_cases
    from caseflow.web.pages import handlings as pages_handlings
    from caseflow.web.pages import register as pages_register
    from caseflow.web.pages import retention as pages_retention

    app = FastAPI(
        title="caseflow API",
        version="1",
        description="Ärenden, flyttar, historik, memon, sammanträden och påminnelser. "
        "Autentisering: `Authorization: Bearer <token>` (`caseflow user token EMAIL`).",
        docs_url=None,  # Swagger UI loads scripts from a CDN; the document itself is served
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    if workflows is None:
        cached_registry(settings.workflows_dir)  # a broken workflow fails at start
    app.state.ctx = WebContext(
        settings=settings,
        db=db or Database(settings.database_url),
        fixed_workflows=workflows,
        records=records or build_records(settings, recheck_every=1.0),
        clock=clock or SystemClock(),
        secure_cookies=secure_cookies or settings.secure_cookies,
    )
    _install_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages_auth.router)
    app.include_router(start.router)
    app.include_router(exports.router)  # before the case pages: /cases/export.csv
    app.include_router(pages_cases.router)
    app.include_router(pages_case_actions.router)
    app.include_router(notes.router)
    app.include_router(pages_handlings.router)
    app.include_router(pages_register.router)
    # national before results: /results/national is not a year
    for pages in (meetings, meeting_changes, deadlines, outbox, portfolio, national, results,
                  account, pages_retention):  # fmt: skip
        app.include_router(pages.router)
    app.include_router(api.router)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon",
                            headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip

    app.add_middleware(BodySizeLimit, upload_bytes=settings.max_file_bytes)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_environment() -> FastAPI:
    """The application built from `CASEFLOW_*` settings alone: the factory each server process
    calls (`caseflow serve --workers N`, or `gunicorn -k uvicorn_worker.UvicornWorker
    'caseflow.web.app:app_from_environment()'`), so every process builds its own database pool
    and caches and shares nothing with the others but the database and the files."""
    from caseflow.web.gcpolicy import apply_server_policy

    settings = load_settings()
    app = create_app(settings, secure_cookies=settings.secure_cookies)
    apply_server_policy()  # start-up objects frozen: see web/gcpolicy.py
    return app
