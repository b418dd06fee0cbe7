"""Page: my deadlines (of my open cases, with their state) and the meetings my cases are on;
and the buttons that mark a deadline done or not applicable (here and on the case page)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from caseflow.domain.workdays import local_date
from caseflow.errors import CaseflowError, InputError
from caseflow.meetings.service import meetings_of
from caseflow.reminders.deadlines import list_deadlines, mark_deadline
from caseflow.web.flash import done_query
from caseflow.web.pages.cases import case_page, dnr_of
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.status import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]
MARKED = {"done": "Fristen är markerad som klar.", "skip": "Fristen är markerad som ej aktuell."}


def deadlines_page(
    request: Request, user: PageUser, *, include_done: bool = False, message: str | None = None,
    error: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    context = web(request)
    today = local_date(context.clock.now())
    with context.db.reading() as conn:
        rows = list_deadlines(conn, today=today, include_done=include_done,
                              handlaggare=user.email)  # fmt: skip
    return render(
        request, "deadlines.html",
        {"user": user, "deadlines": rows, "include_done": include_done, "message": message,
         "error": error, "meetings": meetings_of(db=context.db, handlaggare=user.email),
         "today": today},
        status_code=status_code,
    )  # fmt: skip


@router.get("/deadlines")
def deadlines(
    request: Request, user: User, include_done: Annotated[bool, Query(alias="all")] = False,
    marked: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:  # fmt: skip
    return deadlines_page(request, user, include_done=include_done,
                          message=MARKED.get(marked or ""))  # fmt: skip


def _field(form: FormData, name: str, limit: int) -> str:
    value = form.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        raise InputError(f"ogiltigt värde i formuläret ({name})")
    return value.strip()


@router.post("/cases/{prefix}/{serial}/{year}/deadlines/{action}")
async def mark(
    request: Request, user: FormUser, prefix: str, serial: str, year: str, action: str
) -> Response:
    """A button on the case page or Mina frister: `done` (optionally on a day) or `skip`
    (with a reason); back to the page it came from."""
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    context = web(request)
    from_list = form.get("back") == "deadlines"
    try:
        if action not in MARKED:
            raise InputError("okänd åtgärd för en frist")
        on = _field(form, "on", 20)
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            raise InputError(f"ogiltigt datum {on!r}, skriv ÅÅÅÅ-MM-DD") from None
        marked = mark_deadline(
            db=context.db, dnr=dnr, rule=_field(form, "rule", 64),
            occurrence=_field(form, "occurrence", 40),
            mark="done" if action == "done" else "not_applicable", actor=user.email,
            roles=user.roles, clock=context.clock, on=day,
            reason=_field(form, "reason", 2000) if action == "skip" else None,
        )  # fmt: skip
    except CaseflowError as err:
        if from_list:
            return deadlines_page(request, user, error=str(err), status_code=status_of(err))
        return case_page(request, user, dnr, error=str(err), status_code=status_of(err))
    if from_list:
        return RedirectResponse(f"/deadlines?marked={action}", status_code=303)
    text = f"{marked.label} ({marked.due_on}): {MARKED[action].lower()}"
    return RedirectResponse(f"/cases/{dnr}?{done_query(user, text)}#frister", status_code=303)
