"""/api/v1: many cases registered in one request — all or nothing, through the bulk import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Security
from pydantic import BaseModel, Field

from caseflow.cases.bulk import bulk_import, case_items
from caseflow.domain.permissions import require
from caseflow.web.api.common import ApiRoute, ApiUser, Context, bearer, errors
from caseflow.web.api.models import NewCase

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])

#: Cases in one request (the body is at most 2 MB anyway); more go in further requests.
MAX_CASES = 5000


class BulkOut(BaseModel):
    created: int = Field(description="Nya ärenden")
    unchanged: int = Field(description="Ärenden som redan fanns med samma uppgifter")


@router.post(
    "/cases/bulk", status_code=201, tags=["Ärenden"],
    summary="Registrera många ärenden (allt eller inget)",
    description="En lista av ärendens JSON som i `POST /cases`, högst 5 000. Ett ärende som "
    "redan finns med samma uppgifter lämnas orört; ett fel i något ärende (även ett som finns med "
    "andra uppgifter) gör att inget registreras.",
    responses=errors(400, 403, 409),
)  # fmt: skip
def create_many(
    user: ApiUser, ctx: Context,
    cases: Annotated[list[NewCase], Body(min_length=1, max_length=MAX_CASES)],
) -> BulkOut:  # fmt: skip
    """Register the cases as one import (`import` events; reminders planned), or none of them."""
    require("create_case", user.email, user.roles)
    summary = bulk_import(db=ctx.db, workflows=ctx.workflows, source=lambda: case_items(cases),
                          actor=user.email, clock=ctx.clock)  # fmt: skip
    return BulkOut(created=summary.total("created"), unchanged=summary.total("unchanged"))
