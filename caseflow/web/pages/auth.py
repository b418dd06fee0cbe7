"""Log in (rate limited, CSRF-protected by a cookie of its own), log out."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from caseflow.cases import throttle
from caseflow.cases.accounts import SESSION_TTL, authenticate, issue_token, revoke_token
from caseflow.web.security import (
    LOGIN_COOKIE,
    PageUser,
    clear_session_cookie,
    form_user,
    secure,
    set_session_cookie,
    web,
)
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only a local path (never `//host` or a full URL) may follow the login."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(
    request: Request, *, next_url: str, email: str = "", error: str | None = None, status: int = 200
) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = render(
        request, "login.html",
        {"login_csrf": token, "next_url": _safe_next(next_url), "email": email,
         "login_error": error},
        status_code=status,
    )  # fmt: skip
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=secure(request), path="/login")  # fmt: skip
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, next_url=next)


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    context = web(request)
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        return _login_page(request, next_url=next, email=email, status=403,
                           error="Formuläret har gått ut. Försök igen.")  # fmt: skip
    account = email.strip().lower()
    # The connection's address; uvicorn replaces it from X-Forwarded-For only when the
    # connection comes from a proxy given in `serve --forwarded-allow-ips`.
    client = request.client.host if request.client else "?"
    now = context.clock.now()
    wait = throttle.retry_after(db=context.db, account=account, client=client, now=now)
    if wait is not None:
        seconds = int(wait.total_seconds()) + 1
        when = f"{seconds} s" if seconds < 60 else f"{-(-seconds // 60)} min"
        response = _login_page(
            request, next_url=next, email=email, status=429,
            error=f"För många misslyckade inloggningar. Försök igen om {when}.",
        )  # fmt: skip
        response.headers["Retry-After"] = str(seconds)
        return response
    principal = authenticate(db=context.db, email=account, password=password)
    if principal is None:
        throttle.record_failure(db=context.db, account=account, client=client, now=now)
        return _login_page(request, next_url=next, email=email, status=400,
                           error="Fel e-postadress eller lösenord.")  # fmt: skip
    throttle.record_success(db=context.db, account=account)
    token = issue_token(db=context.db, email=principal.email, kind="session",
                        clock=context.clock, ttl=SESSION_TTL)  # fmt: skip
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, request, token)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, user: Annotated[PageUser, Depends(form_user)]) -> Response:
    context = web(request)
    revoke_token(db=context.db, raw=user.token, now=context.clock.now())
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request)
    return response
