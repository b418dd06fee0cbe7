"""/api/v1: the caller's worklist, per role (as the start page and `caseflow worklist`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Security

from caseflow.cases.worklist import worklist as build_worklist
from caseflow.domain.workdays import local_date
from caseflow.records.fieldmask import mask_titles, title_masker
from caseflow.web.api.common import ApiRoute, ApiUser, Context, bearer, errors

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])


@router.get(
    "/worklist", tags=["Arbetslista"], summary="Min arbetslista", responses=errors(),
    description="Per roll: `cases` (handläggare: öppna ärenden, försenade först, sedan efter "
    "nästa frist), `awaiting` (beslutsfattare: senaste memon utan beslut, `mine` när memot har "
    "den som frågar som undertecknare), `meetings`, `to_report`, `report_at`, `reminders` "
    "(nämndsekreterare: nästa sammanträden med memo eller inte per ärende, delegationsbeslut att "
    "anmäla, senaste hållna sammanträdet, påminnelser till den som frågar). Listan för en roll "
    "som den som frågar inte har är null; en administratör får alla.",
)  # fmt: skip
def worklist(user: ApiUser, ctx: Context) -> dict[str, Any]:
    """The caller's worklist."""
    found = build_worklist(db=ctx.db, email=user.email, today=local_date(ctx.clock.now()))
    titles = title_masker(db=ctx.db, secrecy=ctx.records.secrecy, roles=user.roles)
    result: dict[str, Any] = mask_titles(found.as_json(), titles)
    return result
