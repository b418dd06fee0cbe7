"""The account page (name, roles, the calendar feed's secret address) and the feed itself.

A calendar address holds a token that is shown once, right after it is made (the database keeps
only its hash), so the page that makes it is the answer to the POST, not a redirect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from caseflow.cases.accounts import issue_token, live_tokens, resolve_token, revoke_all
from caseflow.domain.workdays import local_date
from caseflow.meetings.calendar import calendar_for
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]
KIND = "calendar"


def _live_feed(request: Request, user: PageUser) -> tuple[int, datetime | None]:
    """How many live calendar addresses the user has, and when the newest was made."""
    return live_tokens(db=web(request).db, person_id=user.principal.id, kind=KIND)


def webcal(url: str) -> str | None:
    """The feed's address as `webcal:` (a calendar program subscribes to it on a click)."""
    scheme, sep, rest = url.partition("://")
    return f"webcal://{rest}" if sep and scheme in ("http", "https") else None


def account_page(
    request: Request, user: PageUser, *, feed_url: str | None = None, message: str | None = None
) -> Response:
    count, newest = _live_feed(request, user)
    response = render(
        request, "account.html",
        {"user": user, "feed_url": feed_url, "feeds": count, "feed_created": newest,
         "message": message, "webcal_url": webcal(feed_url) if feed_url else None},
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/account")
def account(request: Request, user: User, revoked: int = 0) -> Response:
    message = "Kalenderadressen är avstängd och fungerar inte längre." if revoked else None
    return account_page(request, user, message=message)


@router.post("/account/calendar")
async def new_calendar(request: Request, user: FormUser) -> Response:
    context = web(request)
    revoke_all(db=context.db, email=user.email, now=context.clock.now(), kind=KIND)
    token = issue_token(db=context.db, email=user.email, kind=KIND, clock=context.clock)
    url = f"{context.settings.base_url.rstrip('/')}/calendar/{token}.ics"
    message = "Ny kalenderadress skapad. Tidigare adresser slutar fungera."
    return account_page(request, user, feed_url=url, message=message)


@router.post("/account/calendar/revoke")
async def revoke_calendar(request: Request, user: FormUser) -> Response:
    context = web(request)
    revoke_all(db=context.db, email=user.email, now=context.clock.now(), kind=KIND)
    return RedirectResponse("/account?revoked=1#kalender", status_code=303)


@router.get("/calendar/{token}.ics")
def calendar_feed(request: Request, token: str) -> Response:
    """The owner's meetings and deadlines; the token in the address is the only credential."""
    context = web(request)
    principal = resolve_token(db=context.db, raw=token, kinds=(KIND,), now=context.clock.now())
    headers = {"Cache-Control": "private, no-cache"}
    if principal is None:
        return Response("Kalenderadressen finns inte eller är avstängd.\n", status_code=404,
                        media_type="text/plain; charset=utf-8", headers=headers)  # fmt: skip
    data, _ = calendar_for(db=context.db, base_url=context.settings.base_url,
                           person=principal.email, today=local_date(context.clock.now()),
                           secrecy=context.records.secrecy)  # fmt: skip
    return Response(data, media_type="text/calendar; charset=utf-8", headers=headers)
