"""/api/v1: decisions after they are taken — list, annul, report (anmäla) at a meeting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Security
from fastapi import Body as InBody
from pydantic import BaseModel, Field

from caseflow.cases.accounts import Principal
from caseflow.domain.permissions import require
from caseflow.meetings.service import check_meeting
from caseflow.memo.decisions import (
    DecisionRow,
    annul,
    list_decisions,
    post_minutes,
    report,
    require_decision,
)
from caseflow.records.fieldmask import title_masker
from caseflow.web.api.common import (
    CASE,
    ApiRoute,
    ApiUser,
    Body,
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
from caseflow.web.context import WebContext

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])
DECISIONS = "Memon och beslut"


class AnnulBody(Body):
    reason: str = Field(min_length=1, max_length=2000, description="Varför beslutet upphävs")


class ReportBody(Body):
    paragraph: str | None = Field(
        default=None, max_length=20, description="Paragraf i protokollet, t.ex. § 12"
    )


class PostedBody(Body):
    posted_on: date = Field(description="Dagen då protokollet anslogs (ÅÅÅÅ-MM-DD)")


class DecisionRecord(BaseModel):
    id: int
    diarienummer: str
    title: str
    kind: str
    delegation_point: str | None = Field(description="Satt för delegationsbeslut (anmäls)")
    decided_on: date
    signed_by: str
    memo_id: int | None
    reported_on: date | None = Field(description="Sammanträdets datum då beslutet anmäldes")
    meeting: str | None = Field(description="Sammanträdet, t.ex. RUN 2024-12-11")
    paragraph: str | None
    annulled_at: datetime | None
    annulled_by: str | None
    annul_reason: str | None
    minutes_posted_on: date | None = Field(
        default=None, description="Dagen då protokollet från sammanträdet anslogs"
    )
    status: str = Field(description="upphävt, anmält vid …, ej anmält eller gäller")
    appeal_ends_by: date | None = Field(
        description="Anmälda delegationsbeslut: sista dagen för överklagande (tre veckor från "
        "att sammanträdets protokoll anslogs; innan den dagen är registrerad: senast, med 14 + 2 "
        "dagar efter sammanträdet för justering och anslag)"
    )


def record_of(
    row: DecisionRow, titles: Callable[[str, str], str] = lambda _d, t: t
) -> DecisionRecord:
    values = {**row.__dict__, "title": titles(row.diarienummer, row.title)}
    return DecisionRecord(**values, status=row.status, appeal_ends_by=row.appeal_ends_by)


def _titles(ctx: WebContext, user: Principal) -> Callable[[str, str], str]:
    return title_masker(db=ctx.db, secrecy=ctx.records.secrecy, roles=user.roles)


@router.get("/decisions", tags=[DECISIONS], summary="Beslut", responses=errors())
def decisions(
    user: ApiUser, ctx: Context,
    unreported: Annotated[bool, Query(description="Bara ej anmälda delegationsbeslut")] = False,
) -> list[DecisionRecord]:  # fmt: skip
    """Every decision, oldest first: who, when, reported at which meeting, annulled and why."""
    titles = _titles(ctx, user)
    return [record_of(r, titles) for r in list_decisions(db=ctx.db, unreported_only=unreported)]


@router.post(
    CASE + "/decision/annul", tags=[DECISIONS], summary="Upphäv beslutet",
    description="Upphäver ärendets senaste gällande beslut (beslutsfattare eller admin); ett "
    "redan anmält beslut upphävs inte.",
    responses=errors(400, 403, 404),
)  # fmt: skip
def annul_decision(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year, body: AnnulBody
) -> DecisionRecord:
    """Annul the case's latest live decision, with a reason (recorded in the history)."""
    dnr = dnr_of(prefix, serial, year)
    require("annul_decision", user.email, user.roles)
    decision = annul(db=ctx.db, dnr=dnr, reason=body.reason, actor=user.email, clock=ctx.clock)
    assert decision.id is not None
    return record_of(require_decision(db=ctx.db, decision_id=decision.id), _titles(ctx, user))


@router.post(
    "/meetings/{body}/{day}/decisions/report", tags=[DECISIONS],
    summary="Anmäl delegationsbesluten vid sammanträdet",
    description="Markerar alla ej anmälda delegationsbeslut fattade senast sammanträdesdagen som "
    "anmälda vid sammanträdet (nämndsekreterare eller admin). Svarar med de markerade.",
    responses=errors(400, 403, 404),
)  # fmt: skip
def report_decisions(
    user: ApiUser,
    ctx: Context,
    body: BodyName,
    day: Day,
    given: Annotated[ReportBody | None, InBody()] = None,
) -> list[DecisionRecord]:
    """Report (anmäla) the waiting delegation decisions at the meeting."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    require("report_decisions", user.email, user.roles)
    rows = report(db=ctx.db, body=name, day=when, actor=user.email, clock=ctx.clock,
                  paragraph=(given or ReportBody()).paragraph)  # fmt: skip
    return [record_of(r, _titles(ctx, user)) for r in rows]


@router.put(
    "/meetings/{body}/{day}/minutes-posted", tags=[DECISIONS],
    summary="Registrera dagen då protokollet anslogs",
    description="Överklagandetiden för delegationsbesluten som anmäldes vid sammanträdet räknas "
    "tre veckor från den dagen (nämndsekreterare eller admin). Svarar med de besluten.",
    responses=errors(400, 403, 404),
)  # fmt: skip
def minutes_posted(
    user: ApiUser, ctx: Context, body: BodyName, day: Day, given: Annotated[PostedBody, InBody()]
) -> list[DecisionRecord]:
    """Record the day the meeting's minutes were posted; the appeal periods run from it."""
    name, when, _ = check_meeting(body, day, None, where="sammanträde")
    require("report_decisions", user.email, user.roles)
    rows = post_minutes(db=ctx.db, body=name, day=when, posted_on=given.posted_on,
                        actor=user.email, clock=ctx.clock)  # fmt: skip
    return [record_of(r, _titles(ctx, user)) for r in rows]
