"""Pages: the results reports (förordning 2024:99) and one report — its sections with live
character counters and owners, answers saved one question at a time with their version,
suggestions from the year's cases beside each question, deadlines, history, the moves the user
may make and the filled form to download (Word, PDF, Excel). `?region=` shows another region's
report (the default region unless given)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from caseflow.domain.workdays import local_date
from caseflow.errors import CaseflowError, InputError
from caseflow.results import lifecycle, owners, service
from caseflow.results.defaults import DEFAULT_EDITION, DEFAULT_REGION
from caseflow.results.facts import thousands
from caseflow.results.national import REGIONS
from caseflow.results.prefill import accept_suggestion, prefill
from caseflow.web.api.results import export_file
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.status import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]
SUBJECT = "results_report"
LIMIT = 100_000  # characters of one answer from the form (the API's limit)
FORMATS = ("docx", "pdf", "xlsx")


def _region(text: str) -> str:
    region = text.strip()
    if not region or len(region) > 200 or any(ord(c) < 32 or ord(c) == 127 for c in region):
        raise InputError("ogiltig region: skriv regionens namn, högst 200 tecken, utan styrtecken")
    return region


#: The regions the new-report form suggests (any other name may be typed): the 21 regions of
#: the national compilation, as "Region …", the default region first.
SUGGESTED_REGIONS = (DEFAULT_REGION,) + tuple(
    name for name in (f"Region {r}" for r in REGIONS) if name != DEFAULT_REGION
)


def _query(region: str) -> str:
    """The `?region=` to keep on links and form actions (none for the default region)."""
    return "" if region == DEFAULT_REGION else "?" + urlencode({"region": region}, quote_via=quote)


def _done(year: int, region: str, note: str, anchor: str = "") -> RedirectResponse:
    query = urlencode({**({"region": region} if region != DEFAULT_REGION else {}), "done": note},
                      quote_via=quote)  # fmt: skip
    return RedirectResponse(f"/results/{year}?{query}{anchor}", status_code=303)


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
def reports(request: Request, user: User, error: str | None = None, status_code: int = 200,
            region: str | None = None) -> Response:  # fmt: skip
    context = web(request)
    workflow = context.workflows.for_subject(SUBJECT)
    labels = {s.name: s.label for s in workflow.spec.states}
    rows = [(r, labels.get(r.status, r.status)) for r in service.list_reports(db=context.db)]
    this_year = local_date(context.clock.now()).year
    return render(request, "results.html",
                  {"user": user, "reports": rows, "suggested_year": this_year - 1,
                   "default_region": DEFAULT_REGION, "regions": SUGGESTED_REGIONS,
                   "region": region or DEFAULT_REGION,
                   "error": error}, status_code=status_code)  # fmt: skip


@router.post("/results")
async def new_report(request: Request, user: FormUser) -> Response:
    """A new report for the year and region the form names (the default region when the form
    has no region field)."""
    form = await request.form()
    context = web(request)
    typed: str | None = None
    try:
        if not {"handlaggare", "admin"} & set(user.roles):
            raise InputError("bara handläggare och administratörer kan skapa en redovisning")
        typed = _field(form, "region", 400) if "region" in form else None
        region = DEFAULT_REGION if typed is None else _region(typed)
        year = _year(_field(form, "year", 10).strip())
        service.create_report(db=context.db, year=year, actor=user.email, clock=context.clock,
                              form_edition=DEFAULT_EDITION, region=region)  # fmt: skip
    except CaseflowError as err:
        return reports(request, user, error=str(err), status_code=status_of(err),
                       region=typed[:200] if typed else None)  # fmt: skip
    return _done(year, region, f"Redovisningen för {region} är skapad.")


def report_page(
    request: Request, user: PageUser, year: int, *, region: str = DEFAULT_REGION,
    message: str | None = None, error: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    context = web(request)
    workflow = context.workflows.for_subject(SUBJECT)
    view = service.get_report(db=context.db, year=year, region=region)
    state = workflow.state(view.status)
    moves = lifecycle.report_moves(db=context.db, workflow=workflow, year=year, region=region)
    mine = [m for m in moves if set(m.roles) & set(user.roles)]
    today = local_date(context.clock.now())
    draft = prefill(db=context.db, year=year, running_stages=context.workflows.running_stages(),
                    region=region,
                    masked=not context.records.secrecy.may_see(tuple(user.roles)))  # fmt: skip
    by_section: dict[int, list[owners.SectionOwner]] = {}
    for owner in owners.list_owners(db=context.db, year=year, region=region):
        by_section.setdefault(owner.section, []).append(owner)
    return render(
        request, "results_report.html",
        {"user": user, "report": view, "form": view.form, "status_label": state.label if state
         else view.status, "locked": bool(state and state.locked),
         "counts": {c.number: c for c in view.counts}, "moves": mine,
         "history": lifecycle.report_history(db=context.db, year=year, region=region),
         "deadlines": lifecycle.report_deadlines_of(db=context.db, workflow=workflow, year=year,
                                                    today=today, region=region),
         "labels": {s.name: s.label for s in workflow.spec.states},
         "suggestions": draft.suggestions, "unplaced": draft.unplaced,
         "warnings": draft.warnings, "thousands": thousands, "q": _query(region),
         "owners": by_section, "may_assign": bool(owners.OWNER_ROLES & set(user.roles)),
         "message": message, "error": error},
        status_code=status_code,
    )  # fmt: skip


@router.get("/results/{year}")
def report(request: Request, user: User, year: str, done: str | None = None,
           region: str = DEFAULT_REGION) -> Response:  # fmt: skip
    return report_page(request, user, _year(year), region=_region(region),
                       message=(done or "")[:200] or None)  # fmt: skip


@router.get("/results/{year}/export")
def download(request: Request, user: User, year: str, format: str = "docx",
             region: str = DEFAULT_REGION) -> Response:  # fmt: skip
    """The filled form as Word, PDF (LibreOffice) or Excel, as the API's export gives it."""
    number, where = _year(year), _region(region)
    try:
        if format not in FORMATS:
            raise InputError(f"okänt format {format[:10]!r}; välj Word (docx), PDF eller Excel")
        data, kind = export_file(web(request), number, format, where)
    except CaseflowError as err:
        return report_page(request, user, number, region=where, error=str(err),
                           status_code=status_of(err))  # fmt: skip
    name = f"resultatredovisning-{number}.{format}"
    return Response(data, media_type=kind,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.post("/results/{year}/answers/{slot}")
async def save(request: Request, user: FormUser, year: str, slot: str,
               region: str = DEFAULT_REGION) -> Response:  # fmt: skip
    form = await request.form()
    context = web(request)
    number, where = _year(year), _region(region)
    try:
        version_text = _field(form, "version", 10).strip()
        choice = _field(form, "choice", 32).strip() or None
        text = _field(form, "text", LIMIT) if "text" in form else None
        saved = service.save_answer(
            db=context.db, workflow=context.workflows.for_subject(SUBJECT), year=number,
            slot=slot[:8], text=text, choice=choice, actor=user.email, clock=context.clock,
            expected_version=int(version_text) if version_text.isdigit() else None, region=where,
        )  # fmt: skip
    except CaseflowError as err:
        return report_page(request, user, number, region=where, error=str(err),
                           status_code=status_of(err))  # fmt: skip
    note = f"Svaret på {saved.slot} är sparat (version {saved.version})."
    return _done(number, where, note, f"#fraga-{saved.slot}")


@router.post("/results/{year}/answers/{slot}/accept")
async def accept(request: Request, user: FormUser, year: str, slot: str,
                 region: str = DEFAULT_REGION) -> Response:  # fmt: skip
    context = web(request)
    number, where = _year(year), _region(region)
    try:
        saved = accept_suggestion(
            db=context.db, workflow=context.workflows.for_subject(SUBJECT), year=number,
            slot=slot[:8], running_stages=context.workflows.running_stages(),
            actor=user.email, clock=context.clock, region=where,
            masked=not context.records.secrecy.may_see(tuple(user.roles)),
        )  # fmt: skip
    except CaseflowError as err:
        return report_page(request, user, number, region=where, error=str(err),
                           status_code=status_of(err))  # fmt: skip
    return _done(number, where, f"Förslaget är inlagt i {saved.slot}.", f"#fraga-{saved.slot}")


@router.post("/results/{year}/moves/{trigger}")
async def move(request: Request, user: FormUser, year: str, trigger: str,
               region: str = DEFAULT_REGION) -> Response:  # fmt: skip
    form = await request.form()
    context = web(request)
    number, where = _year(year), _region(region)
    workflow = context.workflows.for_subject(SUBJECT)
    try:
        version_text = _field(form, "version", 10).strip()
        moved = lifecycle.fire_report(
            db=context.db, workflow=workflow, year=number, trigger=trigger[:64],
            actor=user.email, clock=context.clock,
            reason=_field(form, "reason", 2000).strip() or None,
            expected_version=int(version_text) if version_text.isdigit() else None, region=where,
        )  # fmt: skip
    except CaseflowError as err:
        return report_page(request, user, number, region=where, error=str(err),
                           status_code=status_of(err))  # fmt: skip
    state = workflow.state(moved.to_stage)
    return _done(number, where, f"Redovisningen är nu: {state.label if state else moved.to_stage}.")


@router.post("/results/{year}/owners/{section}")
async def owner(request: Request, user: FormUser, year: str, section: str,
                region: str = DEFAULT_REGION) -> Response:  # fmt: skip
    """Add an owner to a section, or (`remove` in the form) take one off."""
    form = await request.form()
    context = web(request)
    number, where = _year(year), _region(region)
    try:
        owners.check_may_assign(user.roles)
        if not section.isdigit() or len(section) > 2:
            raise InputError(f"ogiltigt avsnitt {section[:10]!r}")
        email = _field(form, "email", 254).strip()
        if _field(form, "remove", 10):
            owners.remove_owner(db=context.db, year=number, section=int(section), email=email,
                                region=where)  # fmt: skip
            note = f"{email} äger inte längre avsnitt {section}."
        else:
            owners.add_owner(db=context.db, year=number, section=int(section), email=email,
                             actor=user.email, clock=context.clock, region=where)  # fmt: skip
            note = f"{email} äger avsnitt {section}."
    except CaseflowError as err:
        return report_page(request, user, number, region=where, error=str(err),
                           status_code=status_of(err))  # fmt: skip
    return _done(number, where, note, f"#avsnitt-{section}")
