"""Pages: the board's meetings and agendas, my deadlines, the outbox, the portfolio report.

The account page and the calendar feed live in `pages_account` (included below).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from caseflow.errors import CaseflowError, InputError, NotFoundError, PermissionDeniedError
from caseflow.meetings import add_meetings, agenda, check_meeting, list_meetings, meetings_of
from caseflow.memo_store import unreported
from caseflow.outbox import STATUSES, count_messages, list_messages
from caseflow.permissions import require
from caseflow.portfolio_service import (
    current_cases,
    known_areas,
    portfolio_report,
    report_filename,
)
from caseflow.reminders import list_reminders
from caseflow.web import pages_account
from caseflow.web.app import status_of
from caseflow.web.downloads import download
from caseflow.web.pages_cases import stage_labels
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.templating import render
from caseflow.workdays import local_date

router = APIRouter(include_in_schema=False)
router.include_router(pages_account.router)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]
Param = Annotated[str | None, Query()]

OUTBOX_LIMIT = 200
OUTBOX_STATUSES = {"pending": "väntar", "sent": "skickat", "failed": "misslyckat"}
REMINDER_STATUSES = {"planned": "planerad", "queued": "skickad", "cancelled": "struken"}
MEETING_ROLES = ("namndsekreterare", "admin")


# --- meetings ---------------------------------------------------------------------------------


def _can_add_meeting(user: PageUser) -> bool:
    return user.principal.has(*MEETING_ROLES)


def meetings_page(
    request: Request, user: PageUser, *, values: dict[str, str] | None = None,
    error: str | None = None, message: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    context = web(request)
    return render(
        request, "meetings.html",
        {"user": user, "meetings": list_meetings(db=context.db),
         "decisions": unreported(db=context.db), "can_add": _can_add_meeting(user),
         "values": values or {"body": "RUN", "day": "", "time": ""}, "error": error,
         "message": message},
        status_code=status_code,
    )  # fmt: skip


@router.get("/meetings")
def meetings(request: Request, user: User, added: Param = None) -> Response:
    message = None
    if added:
        body, _, day = added.partition(" ")
        try:
            name, when, _ = check_meeting(body, day, None, where="sammanträde")
            message = f"Sammanträdet {name} {when} är inlagt."
        except InputError:
            pass  # a hand-made link: no message
    return meetings_page(request, user, message=message)


@router.post("/meetings")
async def add_meeting(request: Request, user: FormUser) -> Response:
    if not _can_add_meeting(user):
        raise PermissionDeniedError(
            f"{user.email} får inte lägga in sammanträden: kräver rollen "
            f"{' eller '.join(MEETING_ROLES)} (har {', '.join(user.roles) or 'inga roller'})"
        )
    form = await request.form()
    values = {k: str(form.get(k, ""))[:100].strip() for k in ("body", "day", "time")}
    context = web(request)
    try:
        meeting = check_meeting(values["body"], values["day"], values["time"] or None,
                                where="sammanträde")  # fmt: skip
        add_meetings(db=context.db, meetings=[meeting], clock=context.clock)
    except CaseflowError as err:
        return meetings_page(request, user, values=values, error=str(err),
                             status_code=status_of(err))  # fmt: skip
    added = urlencode({"added": f"{meeting[0]} {meeting[1].isoformat()}"})
    return RedirectResponse(f"/meetings?{added}#sammantraden", status_code=303)


@router.get("/meetings/{body}/{day}")
def meeting(request: Request, user: User, body: str, day: str) -> Response:
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    context = web(request)
    cases = agenda(db=context.db, body=name, day=when)
    info = next(m for m in list_meetings(db=context.db, body=name) if m.day == when)
    return render(request, "meeting.html",
                  {"user": user, "meeting": info, "cases": cases,
                   "labels": stage_labels(request)})  # fmt: skip


# --- my deadlines -----------------------------------------------------------------------------


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


# --- outbox -----------------------------------------------------------------------------------


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


# --- portfolio --------------------------------------------------------------------------------


def _as_of(raw: str | None, today: date) -> date:
    if not raw:
        return today
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise InputError(f"datum (as_of): ogiltigt datum {shown!r}, skriv ÅÅÅÅ-MM-DD") from None


def _report_args(request: Request, as_of: str | None, area: str | None) -> dict[str, Any]:
    context = web(request)
    cases = current_cases(context.db)
    report = portfolio_report(
        cases=cases, workflows=context.workflows, where="område",
        as_of=_as_of(as_of, local_date(context.clock.now())), area=area or None,
    )  # fmt: skip
    return {"report": report, "areas": known_areas(cases)}


@router.get("/portfolio")
def portfolio(request: Request, user: User, as_of: Param = None, area: Param = None) -> Response:
    from caseflow.render.cells import HEADERS, NO_AREA, NO_PROJECTS, project_cells, sections
    from caseflow.render.html import lines_to_html

    values = {"as_of": as_of or "", "area": area or ""}
    try:
        found = _report_args(request, as_of, area)
    except InputError as err:
        areas = known_areas(current_cases(web(request).db))
        return render(request, "portfolio.html",
                      {"user": user, "report": None, "areas": areas, "values": values,
                       "error": str(err)}, status_code=400)  # fmt: skip
    report = found["report"]
    shown = [
        (section.heading or NO_AREA,
         [(table.heading, [[lines_to_html(c) for c in project_cells(p)] for p in table.projects])
          for table in section.tables])
        for section in sections(report)
    ]  # fmt: skip
    query = urlencode({k: v for k, v in values.items() if v})
    return render(
        request, "portfolio.html",
        {"user": user, "report": report, "areas": found["areas"], "values": values,
         "sections": shown, "headers": HEADERS, "no_projects": NO_PROJECTS,
         "formats": {"html": "Webbsida (html)", "docx": "Word (docx)", "xlsx": "Excel (xlsx)",
                     "md": "Markdown (md)"},
         "query": query},
    )  # fmt: skip


@router.get("/portfolio/report.{fmt}")
def portfolio_download(
    request: Request, user: User, fmt: str, as_of: Param = None, area: Param = None
) -> Response:
    from caseflow.render import FORMATS, render_report

    if fmt not in FORMATS:
        raise NotFoundError(f"okänt rapportformat {fmt[:20]!r}; välj {', '.join(FORMATS)}")
    report = _report_args(request, as_of, area)["report"]
    return download(render_report(report, fmt), fmt=fmt, filename=report_filename(report, fmt))
