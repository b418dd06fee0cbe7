"""Pages: the board's meetings and their agendas."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from caseflow.domain.decisions import appeal_ends_by
from caseflow.domain.meetingdays import day_warnings
from caseflow.domain.permissions import allowed, require
from caseflow.domain.roles import denied
from caseflow.domain.textformat import count_of
from caseflow.domain.workdays import local_date
from caseflow.errors import CaseflowError, InputError, PermissionDeniedError
from caseflow.meetings.service import (
    add_meetings,
    agenda,
    check_meeting,
    list_meetings,
)
from caseflow.memo.decisions import post_minutes, report
from caseflow.memo.store import unreported
from caseflow.web.flash import done_message, done_query
from caseflow.web.pages.cases import stage_labels
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.status import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]
Param = Annotated[str | None, Query()]

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
            today = local_date(web(request).clock.now())
            message += "".join(f" Varning: {w}." for w in day_warnings(when, today=today))
        except InputError:
            pass  # a hand-made link: no message
    return meetings_page(request, user, message=message)


@router.post("/meetings")
async def add_meeting(request: Request, user: FormUser) -> Response:
    if not _can_add_meeting(user):
        raise PermissionDeniedError(
            denied(user.email, "lägga in sammanträden", list(MEETING_ROLES), user.roles)
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


def meeting_page(
    request: Request, user: PageUser, body: str, day: str, *, error: str | None = None,
    message: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    """A meeting: its agenda and the delegation decisions to report at it."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    context = web(request)
    cases = agenda(db=context.db, body=name, day=when)
    info = next(m for m in list_meetings(db=context.db, body=name) if m.day == when)
    return render(request, "meeting.html",
                  {"user": user, "meeting": info, "cases": cases,
                   "decisions": unreported(db=context.db, up_to=when),
                   "can_report": allowed("report_decisions", user.roles),
                   "can_change": allowed("change_meeting", user.roles) and not info.cancelled,
                   "can_reopen": allowed("change_meeting", user.roles) and info.cancelled,
                   "day_notes": day_warnings(when, today=when),  # a held meeting is past: no note
                   "held": when <= local_date(context.clock.now()),
                   "appeal_ends": (appeal_ends_by(when, info.minutes_posted_on)
                                   if info.minutes_posted_on else None),
                   "labels": stage_labels(request), "error": error, "message": message},
                  status_code=status_code)  # fmt: skip


@router.get("/meetings/{body}/{day}")
def meeting(
    request: Request, user: User, body: str, day: str,
    done: Annotated[str | None, Query(max_length=300)] = None,
    sig: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:  # fmt: skip
    return meeting_page(request, user, body, day, message=done_message(user, done, sig))


@router.post("/meetings/{body}/{day}/report")
async def report_decisions(request: Request, user: FormUser, body: str, day: str) -> Response:
    """Mark the waiting delegation decisions reported (anmälda) at this meeting, in one go."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    form = await request.form()
    paragraph = str(form.get("paragraph", ""))[:40].strip() or None
    context = web(request)
    try:
        require("report_decisions", user.email, user.roles)
        rows = report(db=context.db, body=name, day=when, paragraph=paragraph, actor=user.email,
                      clock=context.clock)  # fmt: skip
    except CaseflowError as err:
        return meeting_page(request, user, name, when.isoformat(), error=str(err),
                            status_code=status_of(err))  # fmt: skip
    text = (f"{len(rows)} delegationsbeslut anmälda vid sammanträdet." if rows
            else "Inga delegationsbeslut väntade på anmälan.")  # fmt: skip
    query = done_query(user, text)
    return RedirectResponse(f"/meetings/{name}/{when.isoformat()}?{query}#anmalan",
                            status_code=303)  # fmt: skip


@router.post("/meetings/{body}/{day}/posted")
async def minutes_posted(request: Request, user: FormUser, body: str, day: str) -> Response:
    """Record the day the meeting's minutes were posted: the appeal periods run from it."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    form = await request.form()
    context = web(request)
    try:
        require("report_decisions", user.email, user.roles)
        posted = check_meeting(name, str(form.get("posted_on", ""))[:20], None,
                               where="dag då protokollet anslogs")[1]  # fmt: skip
        rows = post_minutes(db=context.db, body=name, day=when, posted_on=posted,
                            actor=user.email, clock=context.clock)  # fmt: skip
    except CaseflowError as err:
        return meeting_page(request, user, name, when.isoformat(), error=str(err),
                            status_code=status_of(err))  # fmt: skip
    ends = appeal_ends_by(when, posted)
    text = (
        f"Protokollet anslogs {posted.isoformat()}; överklagandetiden för "
        f"{count_of(len(rows), 'anmält beslut', 'anmälda beslut')} går ut {ends.isoformat()}."
    )
    query = done_query(user, text)
    return RedirectResponse(f"/meetings/{name}/{when.isoformat()}?{query}#protokoll",
                            status_code=303)  # fmt: skip


# --- my deadlines -----------------------------------------------------------------------------
