"""/api/v1: the diarium (register) for a period, and requests for documents (utlämnande)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Security
from pydantic import BaseModel, Field
from starlette.responses import Response

from caseflow.domain.permissions import require
from caseflow.records.disclosure import decide_request, list_requests, request_document
from caseflow.records.register import MAX_PAGE_ROWS, register_page, register_rows, to_csv, to_json
from caseflow.records.vocabulary import format_number
from caseflow.web.api.common import (
    CASE,
    ApiRoute,
    ApiUser,
    Body,
    Context,
    Prefix,
    RowNumber,
    Serial,
    Year,
    bearer,
    dnr_of,
    errors,
)

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])
REGISTER = "Diarium"


class RequestBody(Body):
    requester: str | None = Field(default=None, max_length=300, description="Namn (frivilligt)")
    contact: str | None = Field(default=None, max_length=300)
    message: str | None = Field(default=None, max_length=2000)


class RequestDecisionBody(Body):
    outcome: Literal["lamnas_ut", "maskerad", "avslag"]
    reason: str | None = Field(default=None, max_length=2000)


class RequestOut(BaseModel):
    id: int
    number: str
    requester: str | None
    contact: str | None
    message: str | None
    received_at: datetime
    recorded_by: str
    outcome: str | None
    outcome_label: str
    outcome_reason: str | None
    decided_by: str | None
    decided_at: datetime | None


@router.get(
    "/register",
    tags=[REGISTER],
    summary="Diariet för en period",
    response_class=Response,
    description="Handlingar registrerade från `from` till `to`, per ärende (JSON) eller en rad "
    "per handling (CSV, `;`). `public=true`, eller en roll utan åtkomst till sekretess: "
    "sekretessmarkerat innehåll maskeras. Med `limit`: så många handlingar från `offset` i "
    "diarieordning, och i JSON periodens antal (`total`).",
    responses={
        **errors(400),
        200: {"description": "Diariet", "content": {"application/json": {}, "text/csv": {}}},
    },
)
def register(
    user: ApiUser,
    ctx: Context,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    board: Annotated[str | None, Query(max_length=20)] = None,
    public: bool = False,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE_ROWS)] = None,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> Response:
    """The diarium for the period, masked unless the caller may see secret content; with
    `limit`, that many documents from `offset` in diarium order and (JSON) the period's total."""
    masked = public or not ctx.records.secrecy.may_see(user.roles)
    paged = None
    if limit is None:
        rows = register_rows(
            db=ctx.db, types=ctx.records.types, start=start, end=end, board=board, public=masked
        )
    else:
        page = register_page(db=ctx.db, types=ctx.records.types, start=start, end=end,
                             board=board, public=masked, offset=offset, limit=limit)  # fmt: skip
        rows, paged = page.rows, (page.total, offset, limit)
    if format == "csv":
        return Response(to_csv(rows), media_type="text/csv; charset=utf-8")
    body = to_json(rows, start=start, end=end, board=board, public=masked,
                   page=paged)  # fmt: skip
    return Response(body, media_type="application/json")


@router.post(
    CASE + "/handlings/{seq}/requests",
    status_code=201,
    tags=[REGISTER],
    summary="Registrera en begäran om utlämnande",
    responses=errors(400, 404),
)
def new_request(
    user: ApiUser,
    ctx: Context,
    prefix: Prefix,
    serial: Serial,
    year: Year,
    seq: RowNumber,
    body: RequestBody | None = None,
) -> RequestOut:
    """Record a request for the document (the requester may be anonymous)."""
    given = body or RequestBody()
    view = request_document(
        db=ctx.db,
        number=format_number(dnr_of(prefix, serial, year), seq),
        clock=ctx.clock,
        recorded_by=user.email,
        requester=given.requester,
        contact=given.contact,
        message=given.message,
    )
    return RequestOut.model_validate(view.as_json())


@router.get("/requests", tags=[REGISTER], summary="Begäran om utlämnande", responses=errors(400))
def requests(user: ApiUser, ctx: Context, undecided: bool = False) -> list[RequestOut]:
    """Every request for a document, oldest first (or only those not yet decided)."""
    rows = list_requests(db=ctx.db, undecided_only=undecided)
    return [RequestOut.model_validate(r.as_json()) for r in rows]


@router.post(
    "/requests/{request_id}/decision",
    tags=[REGISTER],
    summary="Pröva en begäran om utlämnande",
    responses=errors(400, 403, 404),
)
def decide(
    user: ApiUser, ctx: Context, request_id: RowNumber, body: RequestDecisionBody
) -> RequestOut:
    """Record the outcome: lamnas_ut, maskerad or avslag (with a reason)."""
    require("decide_disclosure", user.email, user.roles)
    view = decide_request(
        db=ctx.db,
        request_id=request_id,
        outcome=body.outcome,
        actor=user.email,
        clock=ctx.clock,
        reason=body.reason,
    )
    return RequestOut.model_validate(view.as_json())
