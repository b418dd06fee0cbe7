"""/api/v1: deadlines as things to do — every deadline with its state, and marking one done or
not applicable (the case's handläggare or an admin)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Security
from pydantic import BaseModel, Field

from caseflow.cases.accounts import Principal
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.workdays import local_date
from caseflow.records.fieldmask import title_masker
from caseflow.reminders.deadlines import DeadlineRow, list_deadlines, mark_deadline
from caseflow.store.repo import require_case
from caseflow.web.api.common import (
    CASE,
    ApiRoute,
    ApiUser,
    Body,
    Context,
    Prefix,
    Serial,
    Year,
    bearer,
    dnr_of,
    errors,
)
from caseflow.web.context import WebContext

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])
DEADLINES = "Frister"
Rule = Annotated[str, Path(max_length=200, description="Regelns namn", examples=["final_report"])]
IncludeDone = Annotated[bool, Query(description="Även klara och ej aktuella")]


class DeadlineOut(BaseModel):
    diarienummer: str
    title: str
    handlaggare: str | None
    rule: str
    occurrence: str
    label: str
    due_on: date
    remind_on: date
    state: str = Field(description="upcoming, due, overdue, done eller not_applicable")
    state_label: str = Field(description="kommande, att göra, försenad, klar eller ej aktuell")
    status: str = Field(description="Påminnelsen: planned (ej skickad) eller queued (skickad)")
    late: bool = Field(description="Påminnelsen skickades efter påminnelsedagen")
    done_on: date | None
    marked_by: str | None
    marked_at: datetime | None
    reason: str | None
    updated_at: datetime


class DoneBody(Body):
    on: date | None = Field(
        default=None, description="Dagen fristen blev klar (i dag om utelämnad)"
    )


class SkipBody(Body):
    reason: str = Field(min_length=1, max_length=2000, description="Varför fristen inte är aktuell")


def _out(row: DeadlineRow, titles: Callable[[str, str], str] = lambda _d, t: t) -> DeadlineOut:
    values = {**row.__dict__, "title": titles(row.diarienummer, row.title)}
    return DeadlineOut(**values, state_label=row.state_label)


def _titles(ctx: WebContext, user: Principal) -> Callable[[str, str], str]:
    return title_masker(db=ctx.db, secrecy=ctx.records.secrecy, roles=user.roles)


@router.get("/deadlines", tags=[DEADLINES], summary="Frister", responses=errors())
def deadlines(
    user: ApiUser, ctx: Context,
    mine: Annotated[bool, Query(description="Bara ärenden där jag är handläggare")] = False,
    include_done: IncludeDone = False,
) -> list[DeadlineOut]:  # fmt: skip
    """The open cases' deadlines by date with their state, overdue ones included."""
    today = local_date(ctx.clock.now())
    with ctx.db.reading() as conn:
        rows = list_deadlines(conn, today=today, include_done=include_done,
                              handlaggare=user.email if mine else None)  # fmt: skip
    titles = _titles(ctx, user)
    return [_out(r, titles) for r in rows]


@router.get(CASE + "/deadlines", tags=[DEADLINES], summary="Ärendets frister",
            responses=errors(400, 404))  # fmt: skip
def case_deadlines(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
    include_done: IncludeDone = False,
) -> list[DeadlineOut]:  # fmt: skip
    """The case's deadlines by date with their state."""
    today = local_date(ctx.clock.now())
    with ctx.db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr_of(prefix, serial, year)))
        rows = list_deadlines(session.connection(), today=today, case_id=case.id,
                              include_done=include_done)  # fmt: skip
    titles = _titles(ctx, user)
    return [_out(r, titles) for r in rows]


def _marked(ctx: Context, dnr: str, rule: str) -> DeadlineOut:
    today = local_date(ctx.clock.now())
    with ctx.db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        rows = list_deadlines(session.connection(), today=today, case_id=case.id,
                              include_done=True)  # fmt: skip
    return _out(max((r for r in rows if r.rule == rule and r.marked_at),
                    key=lambda r: r.marked_at or datetime.min))  # fmt: skip


@router.post(CASE + "/deadlines/{rule}/done", tags=[DEADLINES], summary="Fristen är klar",
             responses=errors(400, 403, 404))  # fmt: skip
def deadline_done(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year, rule: Rule,
    body: DoneBody | None = None,
) -> DeadlineOut:  # fmt: skip
    """Mark the case's earliest open deadline of `rule` done (recorded in the history)."""
    dnr = dnr_of(prefix, serial, year)
    marked = mark_deadline(db=ctx.db, dnr=dnr, rule=rule, mark="done", actor=user.email,
                           roles=user.roles, clock=ctx.clock,
                           on=body.on if body else None)  # fmt: skip
    return _marked(ctx, marked.diarienummer, marked.rule)


@router.post(CASE + "/deadlines/{rule}/skip", tags=[DEADLINES],
             summary="Fristen är inte aktuell", responses=errors(400, 403, 404))  # fmt: skip
def deadline_skip(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year, rule: Rule,
    body: SkipBody,
) -> DeadlineOut:  # fmt: skip
    """Mark the case's earliest open deadline of `rule` not applicable, with a reason."""
    dnr = dnr_of(prefix, serial, year)
    marked = mark_deadline(db=ctx.db, dnr=dnr, rule=rule, mark="not_applicable",
                           actor=user.email, roles=user.roles, clock=ctx.clock,
                           reason=body.reason)  # fmt: skip
    return _marked(ctx, marked.diarienummer, marked.rule)
