"""Pages: change a meeting (move, time), cancel it, order its agenda, download its documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from caseflow.domain.permissions import require
from caseflow.domain.textformat import count_of
from caseflow.errors import CaseflowError, InputError
from caseflow.meetings.changes import cancel_meeting, edit_meeting, move_item, reopen_meeting
from caseflow.meetings.export import export_meeting
from caseflow.meetings.notices import told
from caseflow.meetings.service import check_meeting
from caseflow.web.downloads import download
from caseflow.web.flash import done_query
from caseflow.web.pages.meetings import meeting_page
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.status import status_of

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]
MEETING = "/meetings/{body}/{day}"


def _done(user: PageUser, body: str, day: str, text: str, anchor: str = "") -> RedirectResponse:
    query = done_query(user, text)
    return RedirectResponse(f"/meetings/{body}/{day}?{query}{anchor}", status_code=303)


@router.post(MEETING + "/edit")
async def edit(request: Request, user: FormUser, body: str, day: str) -> Response:
    """Move the meeting and/or change its time; warnings about the new day are shown."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    form = await request.form()
    new_day = str(form.get("day", ""))[:20].strip()
    new_time = str(form.get("time", ""))[:10].strip()
    context = web(request)
    try:
        require("change_meeting", user.email, user.roles)
        to = check_meeting(name, new_day, None, where="nytt datum")[1] if new_day else None
        time = check_meeting(name, when, new_time, where="ny tid")[2] if new_time else None
        change = edit_meeting(db=context.db, body=name, day=when, to=to, time=time,
                              clear_time=not new_time, actor=user.email, clock=context.clock,
                              rules_for=context.workflows.deadline_rules(),
                              settings=context.settings)  # fmt: skip
    except CaseflowError as err:
        return meeting_page(request, user, name, when.isoformat(), error=str(err),
                            status_code=status_of(err))  # fmt: skip
    reminders = count_of(change.reminders_changed, "påminnelse", "påminnelser")
    text = (f"Sammanträdet är nu {change.day.isoformat()}"
            + (f" kl. {change.time}" if change.time else " (ingen tid)")
            + f"; {reminders} planerades om.")  # fmt: skip
    text += "".join(f" Varning: {w}." for w in change.warnings) + told(change.notified)
    return _done(user, name, change.day.isoformat(), text)


@router.post(MEETING + "/cancel")
async def cancel(request: Request, user: FormUser, body: str, day: str) -> Response:
    """Cancel the meeting (kept, marked cancelled); the cases on it are named in the message."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    form = await request.form()
    reason = str(form.get("reason", ""))[:600]
    context = web(request)
    try:
        require("change_meeting", user.email, user.roles)
        if form.get("confirm") != "ja":
            raise InputError("kryssa i att sammanträdet ska ställas in")
        change = cancel_meeting(db=context.db, body=name, day=when, actor=user.email,
                                reason=reason, clock=context.clock,
                                rules_for=context.workflows.deadline_rules(),
                                settings=context.settings)  # fmt: skip
    except CaseflowError as err:
        return meeting_page(request, user, name, when.isoformat(), error=str(err),
                            status_code=status_of(err))  # fmt: skip
    cases = ", ".join(dnr for dnr, _ in change.cases) or "inga"
    reminders = count_of(change.reminders_changed, "påminnelse", "påminnelser")
    text = (f"Sammanträdet är inställt. Ärenden på dagordningen: {cases}; "
            f"{reminders} ställdes in.{told(change.notified)}")  # fmt: skip
    return _done(user, name, when.isoformat(), text)


@router.post(MEETING + "/reopen")
async def reopen(request: Request, user: FormUser, body: str, day: str) -> Response:
    """Take back the meeting's cancellation; its cases' reminders are planned again."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    context = web(request)
    try:
        require("change_meeting", user.email, user.roles)
        change = reopen_meeting(db=context.db, body=name, day=when, actor=user.email,
                                clock=context.clock, rules_for=context.workflows.deadline_rules(),
                                settings=context.settings)  # fmt: skip
    except CaseflowError as err:
        return meeting_page(request, user, name, when.isoformat(), error=str(err),
                            status_code=status_of(err))  # fmt: skip
    reminders = count_of(change.reminders_changed, "påminnelse", "påminnelser")
    text = f"Sammanträdet blir av igen; {reminders} planerades."
    text += "".join(f" Varning: {w}." for w in change.warnings) + told(change.notified)
    return _done(user, name, when.isoformat(), text)


@router.post(MEETING + "/order")
async def order(request: Request, user: FormUser, body: str, day: str) -> Response:
    """Move one agenda item: up, down, or to a typed position."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    form = await request.form()
    dnr = str(form.get("dnr", ""))[:40]
    move = str(form.get("move", ""))[:10]
    current = str(form.get("current", ""))[:10]
    typed = str(form.get("position", ""))[:10].strip()
    context = web(request)
    try:
        require("change_meeting", user.email, user.roles)
        try:
            now = int(current)
            steps = {"up": now - 1, "down": now + 1}
            target = steps[move] if move in steps else int(typed)
        except ValueError:
            raise InputError(f"plats på dagordningen: skriv ett heltal, inte {typed!r}") from None
        found = move_item(db=context.db, body=name, day=when, dnr=dnr, position=max(target, 1))
    except CaseflowError as err:
        return meeting_page(request, user, name, when.isoformat(), error=str(err),
                            status_code=status_of(err))  # fmt: skip
    return _done(user, name, when.isoformat(),
                 f"{dnr} står nu som nummer {found.index(dnr) + 1} på dagordningen.",
                 "#dagordning")  # fmt: skip


@router.get(MEETING + "/export")
def export(
    request: Request, user: User, body: str, day: str,
    kind: Annotated[str, Query(max_length=20)] = "kallelse",
) -> Response:  # fmt: skip
    """The kallelse or protokollsutdrag as a Word file; an error is shown on the meeting page."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    context = web(request)
    try:
        done = export_meeting(db=context.db, memos_dir=context.settings.memos_dir, body=name,
                              day=when, kind=kind, clock=context.clock,
                              secrecy=context.records.secrecy, roles=user.roles)  # fmt: skip
    except CaseflowError as err:
        return meeting_page(request, user, name, when.isoformat(), error=str(err),
                            status_code=status_of(err))  # fmt: skip
    return download(done.data, fmt="docx", filename=done.filename)
