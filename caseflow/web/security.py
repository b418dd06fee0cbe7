"""Who is asking: session cookies and CSRF tokens for pages, bearer tokens for the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Depends, Request
from starlette.responses import Response

from caseflow.cases.accounts import SESSION_TTL, Principal, csrf_matches, csrf_token, resolve_token
from caseflow.web.context import WebContext

SESSION_COOKIE = "caseflow_session"
LOGIN_COOKIE = "caseflow_login"  # the login form's CSRF token, before there is a session


class LoginRequired(Exception):
    """No valid session: pages redirect to the login page, htmx gets HX-Redirect."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfFailed(Exception):
    """A form arrived without this session's CSRF token."""


class ApiUnauthorized(Exception):
    """No valid bearer token (401)."""


def web(request: Request) -> WebContext:
    context = request.app.state.ctx
    assert isinstance(context, WebContext)
    return context


@dataclass(frozen=True, slots=True)
class PageUser:
    principal: Principal
    token: str
    csrf: str  # the session's form token (`csrf_token(token)`; a page writes it in every form)

    @property
    def email(self) -> str:
        return self.principal.email

    @property
    def roles(self) -> tuple[str, ...]:
        return self.principal.roles


def _now(request: Request) -> datetime:
    return web(request).clock.now()


async def page_user(request: Request) -> PageUser:
    """The logged-in user of a page request, else LoginRequired.

    Async on purpose: one prebuilt indexed read (`resolve_token`), cheaper than a thread hop.
    The case page and the case list are async too: on a quiet 2-CPU machine (bench_web, 8
    connections, docs/benchmarks.md "quiet-machine re-measure") the thread pool doubled their CPU
    per request (case page 7.3 → 13.4 ms, mixed load 149 → 71 req/s); an A/B on the loaded
    machine had pointed the other way."""
    raw = request.cookies.get(SESSION_COOKIE, "")
    context = web(request)
    principal = resolve_token(db=context.db, raw=raw, kinds=("session",), now=_now(request))
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return PageUser(principal, raw, csrf_token(raw))


async def form_user(request: Request, user: PageUser = Depends(page_user)) -> PageUser:  # noqa: B008
    """`page_user` for a form post, which must carry the session's CSRF token."""
    form = await request.form()
    given = form.get("csrf_token") or request.headers.get("x-csrf-token") or ""
    if not isinstance(given, str) or not csrf_matches(user.token, given):
        await form.close()  # an uploaded file's temporary file, which no handler will close
        raise CsrfFailed()
    return user


async def api_user(request: Request) -> Principal:
    """The owner of the request's `Authorization: Bearer` API token, else ApiUnauthorized."""
    scheme, _, raw = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise ApiUnauthorized()
    context = web(request)
    principal = resolve_token(db=context.db, raw=raw.strip(), kinds=("api",), now=_now(request))
    if principal is None:
        raise ApiUnauthorized()
    return principal


def secure(request: Request) -> bool:
    return web(request).secure_cookies or request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(SESSION_TTL.total_seconds()), httponly=True,
        samesite="lax", secure=secure(request), path="/",
    )  # fmt: skip


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=secure(request), path="/"
    )
