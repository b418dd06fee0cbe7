"""Pages: the e-mail outbox, newest first, by status; one message, and sending it again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from caseflow.domain.permissions import require
from caseflow.mail.outbox import STATUSES, count_messages, get_message, list_messages, resend
from caseflow.web.api.common import RowNumber
from caseflow.web.flash import done_message, done_query
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]
Param = Annotated[str | None, Query()]
OUTBOX_LIMIT = 200
OUTBOX_STATUSES = {"pending": "väntar", "sent": "skickat", "failed": "misslyckat"}


@router.get("/outbox")
def outbox(request: Request, user: User, status: Param = None) -> Response:
    require("view_outbox", user.email, user.roles)
    context = web(request)
    chosen = status or None
    error = None
    if chosen is not None and chosen not in STATUSES:
        error = f"okänd status {chosen[:40]!r}; välj {', '.join(STATUSES)}"
        chosen = None
    messages = list_messages(db=context.db, status=chosen, limit=OUTBOX_LIMIT, newest_first=True)
    counts = count_messages(db=context.db)
    return render(
        request, "outbox.html",
        {"user": user, "messages": messages,
         "total": counts.get(chosen, 0) if chosen else sum(counts.values()),
         "limit": OUTBOX_LIMIT, "counts": counts, "status": chosen,
         "statuses": OUTBOX_STATUSES, "error": error},
        status_code=400 if error else 200,
    )  # fmt: skip


@router.get("/outbox/{number}")
def message_page(
    request: Request, user: User, number: RowNumber, done: Param = None, sig: Param = None
) -> Response:
    """One message as it was (or will be) sent: recipient, subject, text, attempts, error."""
    require("view_outbox", user.email, user.roles)
    message = get_message(db=web(request).db, number=number)
    return render(request, "outbox_message.html",
                  {"user": user, "m": message, "statuses": OUTBOX_STATUSES,
                   "message": done_message(user, done, sig)})  # fmt: skip


@router.post("/outbox/{number}/resend")
async def resend_message(request: Request, user: FormUser, number: RowNumber) -> Response:
    """Queue the message again; the worker sends it on its next round."""
    require("view_outbox", user.email, user.roles)
    context = web(request)
    resend(db=context.db, number=number, now=context.clock.now())
    text = "Meddelandet ligger i kö igen och skickas av bakgrundsarbetaren inom kort."
    return RedirectResponse(f"/outbox/{number}?{done_query(user, text)}", status_code=303)
