"""Page: disposal (gallring) for the registrator — the documents due and those held, the holds
in force (place, lift), the disposal run under a recorded decision, and the disposal log. Only
`registrator` and `admin` (permission `hold_retention`, `confirm_disposal`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from caseflow.domain.permissions import require
from caseflow.domain.workdays import local_date
from caseflow.errors import CaseflowError, InputError
from caseflow.retention.service import (
    disposal_log,
    due_documents,
    lift_hold,
    list_holds,
    place_hold,
    run_disposal,
)
from caseflow.web.api.common import RowNumber
from caseflow.web.flash import done_message, done_query
from caseflow.web.retention import masked_subjects, web_plan
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.status import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]
Param = Annotated[str | None, Query(max_length=300)]
PAGE = "/gallring"
LOG_LIMIT = 200  # log rows shown, newest first


def retention_page(
    request: Request, user: PageUser, *, error: str | None = None, message: str | None = None,
    status_code: int = 200,
) -> Response:  # fmt: skip
    require("hold_retention", user.email, user.roles)
    context = web(request)
    due: list[object] = []
    held: list[object] = []
    try:
        ripe, kept = due_documents(db=context.db, plan=web_plan(request),
                                   workflows=context.workflows,
                                   today=local_date(context.clock.now()))  # fmt: skip
        due = list(masked_subjects(request, ripe, user.roles))
        held = list(masked_subjects(request, kept, user.roles))
    except CaseflowError as err:
        error = error or str(err)
        status_code = status_code if status_code != 200 else status_of(err)
    log = disposal_log(db=context.db)
    return render(
        request, "retention.html",
        {"user": user, "due": due, "held": held, "holds": list_holds(db=context.db),
         "log": log[::-1][:LOG_LIMIT], "log_total": len(log), "limit": LOG_LIMIT,
         "error": error, "message": message},
        status_code=status_code,
    )  # fmt: skip


def _done(user: PageUser, text: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"{PAGE}?{done_query(user, text)}{anchor}", status_code=303)


@router.get(PAGE)
def retention(request: Request, user: User, done: Param = None, sig: Param = None) -> Response:
    return retention_page(request, user, message=done_message(user, done, sig))


@router.post(PAGE + "/holds")
def hold(
    request: Request, user: FormUser,
    dnr: Annotated[str, Form(max_length=40)] = "",
    handling: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    """Put a case (or one of its documents) on hold."""
    require("hold_retention", user.email, user.roles)
    context = web(request)
    try:
        number = None
        if handling.strip():
            if not handling.strip().isdigit() or not 0 < int(handling) < 2**31:
                raise InputError(f"handling nr: {handling.strip()!r} är inget nummer")
            number = int(handling)
        placed = place_hold(db=context.db, dnr=dnr, reason=reason, actor=user.email,
                            clock=context.clock, handling=number)  # fmt: skip
    except CaseflowError as err:
        return retention_page(request, user, error=str(err), status_code=status_of(err))
    what = f"{dnr.strip().upper()}" + (f" handling nr {number}" if number else "")
    return _done(user, f"Spärr nr {placed.id} lagd på {what}.", "#sparrar")


@router.post(PAGE + "/holds/{hold_id}/lift")
def lift(
    request: Request, user: FormUser, hold_id: RowNumber,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    """Lift a hold, with the reason."""
    require("hold_retention", user.email, user.roles)
    context = web(request)
    try:
        if not reason.strip():
            raise InputError("skäl: ange varför spärren hävs")
        lift_hold(db=context.db, hold_id=hold_id, reason=reason, actor=user.email,
                  clock=context.clock)  # fmt: skip
    except CaseflowError as err:
        return retention_page(request, user, error=str(err), status_code=status_of(err))
    return _done(user, f"Spärr nr {hold_id} är hävd.", "#sparrar")


@router.post(PAGE + "/run")
def dispose(
    request: Request, user: FormUser, decision: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    """Dispose of every due document not on hold, under the recorded decision."""
    require("confirm_disposal", user.email, user.roles)
    context = web(request)
    try:
        written = run_disposal(
            db=context.db, plan=web_plan(request), workflows=context.workflows,
            types=context.records.types, remove_bytes=context.records.files.delete,
            actor=user.email, decision=decision, clock=context.clock,
        )  # fmt: skip
    except CaseflowError as err:
        return retention_page(request, user, error=str(err), status_code=status_of(err))
    n = len(written)
    what = "handling gallrad" if n == 1 else "handlingar gallrade"
    text = f"{n} {what} enligt beslut {decision.strip()}."
    return _done(user, text, "#logg")
