"""/api/v1: retention — the documents due for disposal, holds (place, lift, list), disposal
runs and the disposal log. Holds and disposal need the role `registrator` or `admin`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Security
from pydantic import BaseModel, Field
from starlette.requests import Request

from caseflow.domain.permissions import require
from caseflow.domain.workdays import local_date
from caseflow.records.fieldmask import secret_handlings
from caseflow.records.vocabulary import MASK
from caseflow.retention.models import DisposalLog
from caseflow.retention.service import (
    HoldView,
    PlannedDocument,
    disposal_log,
    due_documents,
    lift_hold,
    list_holds,
    place_hold,
    run_disposal,
)
from caseflow.web.api.common import (
    CASE,
    ApiRoute,
    ApiUser,
    Context,
    Prefix,
    RowNumber,
    Serial,
    Year,
    bearer,
    dnr_of,
    errors,
)
from caseflow.web.api.common import Body as StrictBody
from caseflow.web.retention import masked_subjects, web_plan

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])
RETENTION = "Gallring"


class PlannedOut(BaseModel):
    number: str
    subject: str
    doc_type: str
    rule: str
    retention: str
    years: int | None
    legal_basis: str
    case_closed_on: date | None
    disposal_date: date | None
    on_hold: bool
    disposed_at: datetime | None


class DueOut(BaseModel):
    due: list[PlannedOut] = Field(description="Ska gallras (en gallringskörning tar dem)")
    held: list[PlannedOut] = Field(description="Skulle gallras men är spärrade")


class HoldBody(StrictBody):
    reason: str = Field(min_length=1, max_length=2000, description="Skälet till spärren")
    handling: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Bara handling nr N i ärendet"
    )


class LiftBody(StrictBody):
    reason: str = Field(min_length=1, max_length=2000, description="Skälet att häva spärren")


class DisposalBody(StrictBody):
    decision: str = Field(
        min_length=1, max_length=500, description="Gallringsbeslutet, t.ex. dess diarienummer"
    )


class HoldOut(BaseModel):
    id: int
    diarienummer: str
    number: str | None
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_by: str | None
    lifted_at: datetime | None
    lift_reason: str | None


class DisposalOut(BaseModel):
    id: int
    number: str
    subject: str
    doc_type: str
    rule: str
    legal_basis: str
    due_on: date
    disposed_at: datetime
    decided_by: str
    decision: str
    files: list[dict[str, Any]]


def _planned(item: PlannedDocument) -> PlannedOut:
    return PlannedOut.model_validate(item.as_json())


def _hold(view: HoldView) -> HoldOut:
    return HoldOut.model_validate(view, from_attributes=True)


def _logged(row: DisposalLog) -> DisposalOut:
    return DisposalOut.model_validate(row, from_attributes=True)


@router.get("/retention/due", tags=[RETENTION], summary="Handlingar som ska gallras",
            responses=errors(400))  # fmt: skip
def due(user: ApiUser, ctx: Context, request: Request) -> DueOut:
    """The documents whose disposal date has come, and those a hold keeps."""
    ripe, held = due_documents(db=ctx.db, plan=web_plan(request), workflows=ctx.workflows,
                               today=local_date(ctx.clock.now()))  # fmt: skip
    ripe, held = (
        masked_subjects(request, ripe, user.roles),
        masked_subjects(request, held, user.roles),
    )
    return DueOut(due=[_planned(p) for p in ripe], held=[_planned(p) for p in held])


@router.get("/retention/holds", tags=[RETENTION], summary="Spärrar mot gallring",
            responses=errors(400))  # fmt: skip
def holds(user: ApiUser, ctx: Context, lifted: bool = False) -> list[HoldOut]:
    """The holds in force (with `lifted=true` also the lifted ones), oldest first."""
    return [_hold(h) for h in list_holds(db=ctx.db, active_only=not lifted)]


@router.post(
    CASE + "/holds", status_code=201, tags=[RETENTION], summary="Spärra mot gallring",
    responses=errors(400, 403, 404),
)  # fmt: skip
def new_hold(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
    body: Annotated[HoldBody, Body()],
) -> HoldOut:  # fmt: skip
    """Put the case (or its document `handling`) on hold: not disposed of until lifted."""
    require("hold_retention", user.email, user.roles)
    hold = place_hold(db=ctx.db, dnr=dnr_of(prefix, serial, year), reason=body.reason,
                      actor=user.email, clock=ctx.clock, handling=body.handling)  # fmt: skip
    [view] = [h for h in list_holds(db=ctx.db) if h.id == hold.id]
    return _hold(view)


@router.post(
    "/retention/holds/{hold_id}/lift", tags=[RETENTION], summary="Häv en spärr",
    responses=errors(400, 403, 404),
)  # fmt: skip
def lift(
    user: ApiUser, ctx: Context, hold_id: RowNumber, body: Annotated[LiftBody, Body()]
) -> HoldOut:
    """Lift the hold (who, when and why are kept)."""
    require("hold_retention", user.email, user.roles)
    lift_hold(db=ctx.db, hold_id=hold_id, reason=body.reason, actor=user.email, clock=ctx.clock)
    [view] = [h for h in list_holds(db=ctx.db, active_only=False) if h.id == hold_id]
    return _hold(view)


@router.post(
    "/retention/disposals", status_code=201, tags=[RETENTION], summary="Gallra",
    description="Gallrar varje förfallen handling som inte är spärrad, efter beslutet; "
    "svarar med loggraderna.",
    responses=errors(400, 403),
)  # fmt: skip
def dispose(
    user: ApiUser, ctx: Context, request: Request, body: Annotated[DisposalBody, Body()]
) -> list[DisposalOut]:
    """Run the disposal under the recorded decision `decision`."""
    require("confirm_disposal", user.email, user.roles)
    written = run_disposal(
        db=ctx.db, plan=web_plan(request), workflows=ctx.workflows, types=ctx.records.types,
        remove_bytes=ctx.records.files.delete, actor=user.email, decision=body.decision,
        clock=ctx.clock,
    )  # fmt: skip
    return [_logged(row) for row in written]


@router.get("/retention/log", tags=[RETENTION], summary="Gallringsloggen",
            responses=errors(400))  # fmt: skip
def log(user: ApiUser, ctx: Context) -> list[DisposalOut]:
    """Every disposed-of document: what, when, under which rule, by whose decision (a secret
    document's subject masked for a role without access)."""
    secret = secret_handlings(db=ctx.db, secrecy=ctx.records.secrecy, roles=user.roles)
    rows = disposal_log(db=ctx.db)
    return [_logged(r).model_copy(update={"subject": MASK}) if r.handling_id in secret
            else _logged(r) for r in rows]  # fmt: skip
