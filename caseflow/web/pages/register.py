"""Page: the public register (diarium) per board and period, secret content masked; as CSV and
JSON; and a form to ask for a document (utlämnande), recorded for the registrator.

Open without login when CASEFLOW_PUBLIC_REGISTER is true; otherwise for logged-in users only.
"""

from __future__ import annotations

import math
import secrets
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from caseflow.cases import throttle
from caseflow.domain.workdays import local_date
from caseflow.errors import CaseflowError, InputError
from caseflow.records.disclosure import PUBLIC, request_document
from caseflow.records.register import register_page as read_page
from caseflow.records.register import register_rows, to_csv, to_json
from caseflow.web.security import PageUser, page_user, secure, web
from caseflow.web.status import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
REQUEST_COOKIE = "caseflow_diarium"  # the request form's CSRF token (no session needed)
#: Rows one page shows (`?page=N` for the next); the CSV and JSON carry the whole period.
PAGE_ROWS = 100
DayParam = Annotated[str | None, Query(alias="from", max_length=10)]
ToParam = Annotated[str | None, Query(alias="to", max_length=10)]
BoardParam = Annotated[str | None, Query(max_length=20)]
PageParam = Annotated[int, Query(ge=1, le=100_000)]


async def _reader(request: Request) -> PageUser | None:
    """None when the register is public; else the logged-in user (or a login redirect)."""
    if web(request).settings.public_register:
        return None
    return await page_user(request)


def _period(request: Request, start: str | None, end: str | None) -> tuple[date, date]:
    today = local_date(web(request).clock.now())
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=30)
    except ValueError:
        raise InputError("perioden: skriv datumen som ÅÅÅÅ-MM-DD") from None
    return first, last


@router.get("/diarium")
async def register_page(
    request: Request, start: DayParam = None, end: ToParam = None, board: BoardParam = None,
    page: PageParam = 1,
) -> Response:  # fmt: skip
    user = await _reader(request)
    context = web(request)
    error, found = None, None
    first, last = date.today(), date.today()
    try:
        first, last = _period(request, start, end)
        found = read_page(db=context.db, types=context.records.types, start=first,
                          end=last, board=board or None, public=True,
                          offset=(page - 1) * PAGE_ROWS, limit=PAGE_ROWS)  # fmt: skip
    except CaseflowError as err:
        error = str(err)
    token = request.cookies.get(REQUEST_COOKIE) or secrets.token_urlsafe(24)
    total = found.total if found else 0
    query = urlencode({"from": first, "to": last} | ({"board": board} if board else {}))
    response = render(
        request, "register.html",
        {"user": user, "rows": found.rows if found else [], "total": total, "first": first,
         "last": last, "board": board or "", "error": error, "request_csrf": token,
         "query": query, "page": page, "pages": max(1, -(-total // PAGE_ROWS)),
         "first_row": (page - 1) * PAGE_ROWS + 1, "message": request.query_params.get("done")},
        status_code=400 if error else 200,
    )  # fmt: skip
    response.set_cookie(REQUEST_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=secure(request), path="/diarium")  # fmt: skip
    return response


@router.get("/diarium.{fmt}")
async def register_file(
    request: Request, fmt: str, start: DayParam = None, end: ToParam = None,
    board: BoardParam = None,
) -> Response:  # fmt: skip
    await _reader(request)
    if fmt not in ("csv", "json"):
        raise InputError(f"okänt format {fmt[:10]!r}; välj csv eller json")
    context = web(request)
    first, last = _period(request, start, end)
    rows = register_rows(db=context.db, types=context.records.types, start=first, end=last,
                         board=board or None, public=True)  # fmt: skip
    name = f"diarium-{first}-{last}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(to_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
    body = to_json(rows, start=first, end=last, board=board or None, public=True)
    return Response(body, media_type="application/json", headers=headers)


@router.post("/diarium/begaran")
async def ask_for_document(
    request: Request,
    number: Annotated[str, Form(max_length=40)] = "",
    requester: Annotated[str, Form(max_length=300)] = "",
    contact: Annotated[str, Form(max_length=300)] = "",
    message: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Record a request for a document from the register (the requester may stay anonymous)."""
    user = await _reader(request)
    cookie = request.cookies.get(REQUEST_COOKIE, "")
    context = web(request)
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        return render(request, "error.html", {"user": user, "problem":
                      "Formuläret har gått ut. Ladda om sidan och försök igen."},
                      status_code=403)  # fmt: skip
    if user is None:
        # Without login, every request counts against the client address (the connection's,
        # or the one a trusted proxy in `serve --forwarded-allow-ips` names).
        client = request.client.host if request.client else "?"
        now = context.clock.now()
        wait = throttle.request_wait(db=context.db, client=client, now=now)
        if wait is not None:
            seconds = max(1, math.ceil(wait.total_seconds()))
            when = f"{seconds} s" if seconds < 60 else f"{-(-seconds // 60)} min"
            response = render(request, "error.html", {"user": user, "problem":
                              "För många begäranden från din adress på kort tid. Försök igen "
                              f"om {when}."}, status_code=429)  # fmt: skip
            response.headers["Retry-After"] = str(seconds)
            return response
        throttle.record_request(db=context.db, client=client, now=now)
    try:
        done = request_document(db=context.db, number=number, clock=context.clock,
                                recorded_by=user.email if user else PUBLIC,
                                requester=requester or None, contact=contact or None,
                                message=message or None)  # fmt: skip
    except CaseflowError as err:
        return render(request, "error.html", {"user": user, "problem": str(err)},
                      status_code=status_of(err))  # fmt: skip
    from urllib.parse import quote

    note = f"Din begäran om {done.number} är mottagen (nr {done.id})."
    return Response(status_code=303, headers={"Location": f"/diarium?done={quote(note)}"})
