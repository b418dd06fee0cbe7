"""Pages: the results reports (förordning 2024:99) and one report — its sections with live
character counters, answers saved one question at a time with their version, suggestions from
the year's cases beside each question, deadlines, history and the moves the user may make."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from caseflow.domain.workdays import local_date
from caseflow.errors import CaseflowError, InputError
from caseflow.results import lifecycle, service
from caseflow.results.defaults import DEFAULT_EDITION
from caseflow.results.facts import thousands
from caseflow.results.prefill import accept_suggestion, prefill
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.status import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]
SUBJECT = "results_report"
LIMIT = 100_000  # characters of one answer from the form (the API's limit)


def _field(form: FormData, name: str, limit: int) -> str:
    value = form.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        raise InputError(f"ogiltigt värde i formuläret ({name})")
    return value


def _year(text: str) -> int:
    if not text.isdigit() or len(text) != 4:
        raise InputError(f"ogiltigt år {text[:10]!r}; skriv t.ex. 2025")
    return int(text)


@router.get("/results")
def reports(request: Request, user: User, error: str | None = None,
            status_code: int = 200) -> Response:  # fmt: skip
    context = web(request)
    workflow = context.workflows.for_subject(SUBJECT)
    labels = {s.name: s.label for s in workflow.spec.states}
    rows = [(r, labels.get(r.status, r.status)) for r in service.list_reports(db=context.db)]
    this_year = local_date(context.clock.now()).year
    return render(request, "results.html",
                  {"user": user, "reports": rows, "suggested_year": this_year - 1,
                   "error": error}, status_code=status_code)  # fmt: skip


@router.post("/results")
async def new_report(request: Request, user: FormUser) -> Response:
    form = await request.form()
    context = web(request)
    try:
        if not {"handlaggare", "admin"} & set(user.roles):
            raise InputError("bara handläggare och administratörer kan skapa en redovisning")
        year = _year(_field(form, "year", 10).strip())
        service.create_report(db=context.db, year=year, actor=user.email, clock=context.clock,
                              form_edition=DEFAULT_EDITION)  # fmt: skip
    except CaseflowError as err:
        return reports(request, user, error=str(err), status_code=status_of(err))
    return RedirectResponse(f"/results/{year}?done={quote('Redovisningen är skapad.')}",
                            status_code=303)  # fmt: skip


def report_page(
    request: Request, user: PageUser, year: int, *, message: str | None = None,
    error: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    context = web(request)
    workflow = context.workflows.for_subject(SUBJECT)
    view = service.get_report(db=context.db, year=year)
    state = workflow.state(view.status)
    moves = lifecycle.report_moves(db=context.db, workflow=workflow, year=year)
    mine = [m for m in moves if set(m.roles) & set(user.roles)]
    today = local_date(context.clock.now())
    draft = prefill(db=context.db, year=year, running_stages=context.workflows.running_stages())
    return render(
        request, "results_report.html",
        {"user": user, "report": view, "form": view.form, "status_label": state.label if state
         else view.status, "locked": bool(state and state.locked),
         "counts": {c.number: c for c in view.counts}, "moves": mine,
         "history": lifecycle.report_history(db=context.db, year=year),
         "deadlines": lifecycle.report_deadlines_of(db=context.db, workflow=workflow, year=year,
                                                    today=today),
         "labels": {s.name: s.label for s in workflow.spec.states},
         "suggestions": draft.suggestions, "unplaced": draft.unplaced,
         "warnings": draft.warnings, "thousands": thousands,
         "message": message, "error": error},
        status_code=status_code,
    )  # fmt: skip


@router.get("/results/{year}")
def report(request: Request, user: User, year: str, done: str | None = None) -> Response:
    return report_page(request, user, _year(year), message=(done or "")[:200] or None)


@router.post("/results/{year}/answers/{slot}")
async def save(request: Request, user: FormUser, year: str, slot: str) -> Response:
    form = await request.form()
    context = web(request)
    number = _year(year)
    try:
        version_text = _field(form, "version", 10).strip()
        choice = _field(form, "choice", 32).strip() or None
        text = _field(form, "text", LIMIT) if "text" in form else None
        saved = service.save_answer(
            db=context.db, workflow=context.workflows.for_subject(SUBJECT), year=number,
            slot=slot[:8], text=text, choice=choice, actor=user.email, clock=context.clock,
            expected_version=int(version_text) if version_text.isdigit() else None,
        )  # fmt: skip
    except CaseflowError as err:
        return report_page(request, user, number, error=str(err), status_code=status_of(err))
    note = quote(f"Svaret på {saved.slot} är sparat (version {saved.version}).")
    return RedirectResponse(f"/results/{number}?done={note}#fraga-{saved.slot}", status_code=303)


@router.post("/results/{year}/answers/{slot}/accept")
async def accept(request: Request, user: FormUser, year: str, slot: str) -> Response:
    context = web(request)
    number = _year(year)
    try:
        saved = accept_suggestion(
            db=context.db, workflow=context.workflows.for_subject(SUBJECT), year=number,
            slot=slot[:8], running_stages=context.workflows.running_stages(),
            actor=user.email, clock=context.clock,
        )  # fmt: skip
    except CaseflowError as err:
        return report_page(request, user, number, error=str(err), status_code=status_of(err))
    note = quote(f"Förslaget är inlagt i {saved.slot}.")
    return RedirectResponse(f"/results/{number}?done={note}#fraga-{saved.slot}", status_code=303)


@router.post("/results/{year}/moves/{trigger}")
async def move(request: Request, user: FormUser, year: str, trigger: str) -> Response:
    form = await request.form()
    context = web(request)
    number = _year(year)
    workflow = context.workflows.for_subject(SUBJECT)
    try:
        version_text = _field(form, "version", 10).strip()
        moved = lifecycle.fire_report(
            db=context.db, workflow=workflow, year=number, trigger=trigger[:64],
            actor=user.email, clock=context.clock,
            reason=_field(form, "reason", 2000).strip() or None,
            expected_version=int(version_text) if version_text.isdigit() else None,
        )  # fmt: skip
    except CaseflowError as err:
        return report_page(request, user, number, error=str(err), status_code=status_of(err))
    state = workflow.state(moved.to_stage)
    note = quote(f"Redovisningen är nu: {state.label if state else moved.to_stage}.")
    return RedirectResponse(f"/results/{number}?done={note}", status_code=303)
