"""Page: my deadlines (the reminders of my cases) and the meetings my cases are on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from caseflow.domain.workdays import local_date
from caseflow.meetings.service import meetings_of
from caseflow.reminders.plan import list_reminders
from caseflow.web.security import PageUser, page_user, web
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
REMINDER_STATUSES = {"planned": "planerad", "queued": "skickad", "cancelled": "struken"}


@router.get("/deadlines")
def deadlines(
    request: Request, user: User, include_done: Annotated[bool, Query(alias="all")] = False
) -> Response:
    context = web(request)
    with context.db.reading() as conn:
        rows = list_reminders(conn, include_done=include_done, handlaggare=user.email)
    return render(
        request, "deadlines.html",
        {"user": user, "reminders": rows, "include_done": include_done,
         "statuses": REMINDER_STATUSES, "meetings": meetings_of(db=context.db,
                                                                 handlaggare=user.email),
         "today": local_date(context.clock.now())},
    )  # fmt: skip
