"""Page: the e-mail outbox, newest first, by status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from caseflow.domain.permissions import require
from caseflow.mail.outbox import STATUSES, count_messages, list_messages
from caseflow.web.security import PageUser, page_user, web
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
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
