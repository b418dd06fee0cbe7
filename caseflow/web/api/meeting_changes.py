"""/api/v1: change a meeting (move, time), cancel it, order its agenda, export its documents."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Security
from pydantic import BaseModel, Field
from starlette.responses import Response

from caseflow.domain.permissions import require
from caseflow.meetings.changes import (
    MeetingChange,
    cancel_meeting,
    edit_meeting,
    order_agenda,
    reopen_meeting,
)
from caseflow.meetings.export import export_meeting
from caseflow.meetings.service import check_meeting
from caseflow.web.api.common import ApiRoute, ApiUser, BodyName, Context, Day, bearer, errors
from caseflow.web.api.common import Body as StrictBody
from caseflow.web.api.meetings import MEETING, MEETINGS
from caseflow.web.downloads import MEDIA_TYPES, download

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])


class MeetingPatch(StrictBody):
    day: date | None = Field(default=None, description="Flytta till detta datum")
    time: str | None = Field(default=None, max_length=5, description="Ny tid TT:MM, tom: ingen")


class CancelBody(StrictBody):
    reason: str | None = Field(default=None, max_length=500, description="Varför")


class OrderBody(StrictBody):
    diarienummer: list[str] = Field(
        min_length=1, max_length=500, description="Ärendena först, i denna ordning"
    )


class MeetingChangeOut(BaseModel):
    body: str
    day: date
    time: str | None
    cases: list[str] = Field(description="Ärendena på dagordningen (diarienummer)")
    reminders_changed: int
    warnings: list[str] = Field(description="Varningar om dagen (helg, helgdag, passerad)")
    notified: int = Field(description="Hur många handläggare som fick e-post om ändringen")


class AgendaOrderOut(BaseModel):
    body: str
    day: date
    diarienummer: list[str]


def _out(change: MeetingChange) -> MeetingChangeOut:
    return MeetingChangeOut(
        body=change.body, day=change.day, time=change.time,
        cases=[dnr for dnr, _ in change.cases], reminders_changed=change.reminders_changed,
        warnings=list(change.warnings), notified=change.notified,
    )  # fmt: skip


_FILE: dict[int | str, dict[str, Any]] = {
    200: {"description": "Wordfilen",
          "content": {MEDIA_TYPES["docx"]: {"schema": {"type": "string", "format": "binary"}}}}
}  # fmt: skip


@router.patch(MEETING, tags=[MEETINGS], summary="Flytta sammanträdet eller ändra tiden",
              responses=errors(400, 403, 404, 409))  # fmt: skip
def change_meeting(
    user: ApiUser, ctx: Context, body: BodyName, day: Day, change: Annotated[MeetingPatch, Body()]
) -> MeetingChangeOut:
    """Move the meeting (`day`) and/or set its time (`time`, empty: none); a move re-plans the
    reminders of the cases on the agenda. A weekend, holiday or past day gives `warnings`."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    require("change_meeting", user.email, user.roles)
    to = check_meeting(name, change.day, None, where="day")[1] if change.day else None
    clear = change.time is not None and not change.time.strip()
    time = check_meeting(name, when, change.time, where="time")[2] if change.time else None
    done = edit_meeting(db=ctx.db, body=name, day=when, to=to, time=time, clear_time=clear,
                        actor=user.email, clock=ctx.clock, settings=ctx.settings,
                        rules_for=ctx.workflows.deadline_rules())  # fmt: skip
    return _out(done)


@router.post(MEETING + "/cancel", tags=[MEETINGS], summary="Ställ in sammanträdet",
             responses=errors(400, 403, 404))  # fmt: skip
def cancel(
    user: ApiUser, ctx: Context, body: BodyName, day: Day,
    given: Annotated[CancelBody | None, Body()] = None,
) -> MeetingChangeOut:  # fmt: skip
    """Cancel the meeting: kept as cancelled, no longer offered for scheduling; the cases on it
    are listed and their reminders for it cancelled."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    require("change_meeting", user.email, user.roles)
    done = cancel_meeting(db=ctx.db, body=name, day=when, actor=user.email, clock=ctx.clock,
                          reason=(given or CancelBody()).reason, settings=ctx.settings,
                          rules_for=ctx.workflows.deadline_rules())  # fmt: skip
    return _out(done)


@router.post(MEETING + "/reopen", tags=[MEETINGS], summary="Återuppta ett inställt sammanträde",
             responses=errors(400, 403, 404))  # fmt: skip
def reopen(user: ApiUser, ctx: Context, body: BodyName, day: Day) -> MeetingChangeOut:
    """Take back a cancellation: the meeting is offered for scheduling again, the reminders of
    the cases on it are planned again and their officers e-mailed."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    require("change_meeting", user.email, user.roles)
    done = reopen_meeting(
        db=ctx.db,
        body=name,
        day=when,
        actor=user.email,
        clock=ctx.clock,
        rules_for=ctx.workflows.deadline_rules(),
        settings=ctx.settings,
    )
    return _out(done)


@router.put(MEETING + "/order", tags=[MEETINGS], summary="Ändra dagordningens ordning",
            responses=errors(400, 403, 404))  # fmt: skip
def order(
    user: ApiUser, ctx: Context, body: BodyName, day: Day, given: Annotated[OrderBody, Body()]
) -> AgendaOrderOut:
    """Put the named cases first, in the order given; the others follow in their order."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    require("change_meeting", user.email, user.roles)
    found = order_agenda(db=ctx.db, body=name, day=when, dnrs=given.diarienummer)
    return AgendaOrderOut(body=name, day=when, diarienummer=found)


@router.get(MEETING + "/export", tags=[MEETINGS], summary="Kallelse eller protokollsutdrag",
            response_class=Response, responses={**errors(400, 404), **_FILE})  # fmt: skip
def export(
    user: ApiUser, ctx: Context, body: BodyName, day: Day,
    kind: Annotated[Literal["kallelse", "protokollsutdrag"], Query(description="Vilken handling")],
    first_paragraph: Annotated[int, Query(ge=1, le=9999, description="Första §-numret")] = 1,
) -> Response:  # fmt: skip
    """The meeting's kallelse with föredragningslista, or (after the meeting) its
    protokollsutdrag, as a Word file."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    done = export_meeting(db=ctx.db, memos_dir=ctx.settings.memos_dir, body=name, day=when,
                          kind=kind, clock=ctx.clock, first_paragraph=first_paragraph,
                          secrecy=ctx.records.secrecy, roles=user.roles)  # fmt: skip
    return download(done.data, fmt="docx", filename=done.filename)
