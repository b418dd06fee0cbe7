"""Form post on a case page: leave a note (shown in the history, found by search)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from caseflow.cases.notes import MAX_NOTE, add_note
from caseflow.domain.permissions import require
from caseflow.errors import CaseflowError
from caseflow.web.flash import done_query
from caseflow.web.pages.cases import case_page, dnr_of
from caseflow.web.security import PageUser, form_user, web
from caseflow.web.status import status_of

router = APIRouter(include_in_schema=False)
FormUser = Annotated[PageUser, Depends(form_user)]


@router.post("/cases/{prefix}/{serial}/{year}/notes")
async def note(request: Request, user: FormUser, prefix: str, serial: str, year: str) -> Response:
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    raw = form.get("text", "")
    text = raw if isinstance(raw, str) else ""
    context = web(request)
    try:
        require("add_note", user.email, user.roles)
        add_note(db=context.db, dnr=dnr, text=text[: MAX_NOTE + 1000], actor=user.email,
                 clock=context.clock)  # fmt: skip
    except CaseflowError as err:
        return case_page(request, user, dnr, error=str(err), values=None,
                         status_code=status_of(err), note=text)  # fmt: skip
    query = done_query(user, "Anteckningen är sparad i historiken.")
    return RedirectResponse(f"/cases/{dnr}?{query}#historik", status_code=303)
