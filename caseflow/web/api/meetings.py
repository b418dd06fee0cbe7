"""/api/v1: the board's meetings and agendas, and reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Security

from caseflow.domain.dnr import parse_dnr
from caseflow.domain.permissions import require
from caseflow.meetings.service import (
    agenda,
    check_meeting,
    list_meetings,
    schedule_case,
    unschedule_case,
)
from caseflow.records.fieldmask import hidden_fields, title_masker
from caseflow.reminders.plan import ReminderRow, list_reminders
from caseflow.store.repo import require_case
from caseflow.web.api.cases import summary_of
from caseflow.web.api.common import (
    CASE,
    ApiRoute,
    ApiUser,
    BodyName,
    Context,
    Day,
    Prefix,
    Serial,
    Year,
    bearer,
    dnr_of,
    errors,
)
from caseflow.web.api.models import AgendaChange, AgendaOut, MeetingOut, ReminderOut

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])
MEETINGS = "Sammanträden"
REMINDERS = "Påminnelser"
MEETING = "/meetings/{body}/{day}"

IncludeDone = Annotated[bool, Query(description="Även skickade och inställda")]


def _meeting(body: str, day: str) -> tuple[str, date]:
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    return name, when


@router.get("/meetings", tags=[MEETINGS], summary="Sammanträden", responses=errors(400))
def meetings(
    user: ApiUser, ctx: Context,
    body: Annotated[str | None, Query(max_length=20, description="Bara denna nämnd")] = None,
) -> list[MeetingOut]:  # fmt: skip
    """The planned meetings in date order, with how many cases each has on its agenda."""
    name = _meeting(body, "2000-01-01")[0] if body else None
    return [
        MeetingOut(
            body=m.body,
            day=m.day,
            time=m.time,
            cases=m.cases,
            created_at=m.created_at,
            cancelled_at=m.cancelled_at,
            cancel_reason=m.cancel_reason,
            minutes_posted_on=m.minutes_posted_on,
        )
        for m in list_meetings(db=ctx.db, body=name)
    ]


@router.get(MEETING, tags=[MEETINGS], summary="Dagordningen", responses=errors(400, 404))
def meeting_agenda(user: ApiUser, ctx: Context, body: BodyName, day: Day) -> AgendaOut:
    """The cases on a meeting's agenda, in agenda order."""
    name, when = _meeting(body, day)
    cases = agenda(db=ctx.db, body=name, day=when)
    with ctx.db.read() as session:
        hidden = hidden_fields(session=session, secrecy=ctx.records.secrecy, roles=user.roles,
                               case_ids=[c.id for c in cases if c.id is not None])  # fmt: skip
    return AgendaOut(body=name, day=when, cases=[
        summary_of(c, hidden.get(c.id or 0, frozenset())) for c in cases
    ])  # fmt: skip


@router.put(
    MEETING + CASE, tags=[MEETINGS], summary="Sätt ärendet på dagordningen",
    responses=errors(400, 403, 404),
)  # fmt: skip
def schedule(
    user: ApiUser, ctx: Context, body: BodyName, day: Day, prefix: Prefix, serial: Serial,
    year: Year,
) -> AgendaChange:  # fmt: skip
    """Put the case on the meeting's agenda (`changed` is false if it already was); `warnings`
    names the meeting's deadlines for the case that have already passed."""
    name, when = _meeting(body, day)
    dnr = dnr_of(prefix, serial, year)
    require("schedule_case", user.email, user.roles)
    added = schedule_case(db=ctx.db, dnr=dnr, body=name, day=when, actor=user.email,
                          clock=ctx.clock, rules_for=ctx.workflows.deadline_rules())  # fmt: skip
    return AgendaChange(diarienummer=dnr, body=name, day=when, on_agenda=True,
                        changed=added.changed, warnings=added.warnings())  # fmt: skip


@router.delete(
    MEETING + CASE, tags=[MEETINGS], summary="Ta bort ärendet från dagordningen",
    responses=errors(400, 403, 404),
)  # fmt: skip
def unschedule(
    user: ApiUser, ctx: Context, body: BodyName, day: Day, prefix: Prefix, serial: Serial,
    year: Year,
) -> AgendaChange:  # fmt: skip
    """Take the case off the meeting's agenda (`changed` is false if it was not on it)."""
    name, when = _meeting(body, day)
    dnr = dnr_of(prefix, serial, year)
    require("schedule_case", user.email, user.roles)
    done = unschedule_case(db=ctx.db, dnr=dnr, body=name, day=when, clock=ctx.clock,
                           rules_for=ctx.workflows.deadline_rules())  # fmt: skip
    return AgendaChange(diarienummer=dnr, body=name, day=when, on_agenda=False, changed=done)


def _reminder(row: ReminderRow, titles: Callable[[str, str], str]) -> ReminderOut:
    return ReminderOut(
        diarienummer=row.diarienummer, title=titles(row.diarienummer, row.title), rule=row.rule,
        label=row.label,
        due_on=row.due_on, remind_on=row.remind_on, status=row.status,
        handlaggare=row.handlaggare, updated_at=row.updated_at,
    )  # fmt: skip


@router.get("/reminders", tags=[REMINDERS], summary="Påminnelser", responses=errors())
def reminders(
    user: ApiUser,
    ctx: Context,
    mine: Annotated[bool, Query(description="Bara ärenden där jag är handläggare")] = False,
    include_done: IncludeDone = False,
    due_before: Annotated[date | None, Query(description="Påminns senast detta datum")] = None,
) -> list[ReminderOut]:
    """Reminders by the day they remind, planned ones only unless `include_done`."""
    with ctx.db.reading() as conn:
        rows = list_reminders(conn, include_done=include_done, due_before=due_before,
                              handlaggare=user.email if mine else None)  # fmt: skip
    titles = title_masker(db=ctx.db, secrecy=ctx.records.secrecy, roles=user.roles)
    return [_reminder(row, titles) for row in rows]


@router.get(CASE + "/reminders", tags=[REMINDERS], summary="Ärendets påminnelser",
            responses=errors(400, 404))  # fmt: skip
def case_reminders(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
    include_done: IncludeDone = False,
) -> list[ReminderOut]:  # fmt: skip
    """The case's reminders by the day they remind."""
    dnr = parse_dnr(dnr_of(prefix, serial, year))
    with ctx.db.read() as session:
        case = require_case(session=session, dnr=dnr)
        rows = list_reminders(session.connection(), case_id=case.id, include_done=include_done)
    titles = title_masker(db=ctx.db, secrecy=ctx.records.secrecy, roles=user.roles)
    return [_reminder(row, titles) for row in rows]
