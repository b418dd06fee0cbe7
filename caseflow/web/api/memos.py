"""/api/v1: memos (render, list) and decisions (register, unreported delegation decisions)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Security
from starlette.responses import Response

from caseflow.domain.permissions import require
from caseflow.domain.workdays import local_date
from caseflow.memo.compose import FORMATS
from caseflow.memo.pdf import docx_to_pdf
from caseflow.memo.service import finalize_memo, memo_download, render_memo
from caseflow.memo.store import list_renders, unreported
from caseflow.records.fieldmask import refuse_memo
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
from caseflow.web.api.models import (
    DecisionBody,
    DecisionOut,
    MemoBody,
    MemoRenderOut,
    UnreportedOut,
)
from caseflow.web.downloads import MEDIA_TYPES, download

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])
MEMOS = "Memon och beslut"
_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Memot (docx, md eller html); `X-Memo-Warnings`: antal att kontrollera",
        "content": {media: {"schema": {"type": "string", "format": "binary"}}
                    for media in (MEDIA_TYPES[fmt] for fmt in FORMATS)},
    }
}  # fmt: skip
_STORED: dict[int | str, dict[str, Any]] = {
    200: {"description": "Memot som det skrevs, eller som PDF (`format=pdf`)",
          "content": {**_FILE[200]["content"],
                      MEDIA_TYPES["pdf"]: {"schema": {"type": "string", "format": "binary"}}}},
    503: {"description": "PDF kräver LibreOffice"},
}  # fmt: skip


@router.get(CASE + "/memos", tags=[MEMOS], summary="Skrivna memon",
            responses=errors(400, 404))  # fmt: skip
def memos(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year
) -> list[MemoRenderOut]:
    """The case's rendered memos, oldest first (what, from which template, by whom)."""
    rows = list_renders(db=ctx.db, dnr=dnr_of(prefix, serial, year))
    return [MemoRenderOut.model_validate(row, from_attributes=True) for row in rows]


@router.get(
    CASE + "/memos/{memo_id}", tags=[MEMOS], summary="Ladda ner ett skrivet memo",
    response_class=Response,
    description="Exakt de byte som skrevs (SHA-256 = memots `content_hash`). 404 också för "
    "memon skrivna innan de sparades. `format=pdf`: ett Word-memo omvandlat till PDF av "
    "LibreOffice (400 för andra memon, 503 utan LibreOffice).",
    responses={**errors(400, 403, 404), **_STORED},
)  # fmt: skip
def memo_file(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year, memo_id: RowNumber,
    format: Annotated[
        str | None, Query(pattern="^pdf$", description="pdf: Word-memot som PDF")
    ] = None,
) -> Response:  # fmt: skip
    """A stored render, exactly as it was produced, or a Word render as PDF; 403 for a role
    without access to secret content when the memo may quote it (the case's field marks, the
    memo handling's mark)."""
    dnr = dnr_of(prefix, serial, year)
    refuse_memo(db=ctx.db, secrecy=ctx.records.secrecy, roles=user.roles, dnr=dnr,
                memo_id=memo_id)  # fmt: skip
    stored = memo_download(db=ctx.db, dnr=dnr, memo_id=memo_id,
                           to_pdf=docx_to_pdf if format == "pdf" else None)  # fmt: skip
    return download(stored.data, fmt=stored.fmt, filename=stored.filename,
                    headers={"X-Memo-Warnings": str(len(stored.warnings))})  # fmt: skip


@router.post(
    CASE + "/memos", tags=[MEMOS], summary="Skriv memot", response_class=Response,
    description="Svarar med filen. 400 listar vad som saknas i ärendet för memot.",
    responses={**errors(400, 403, 404), **_FILE},
)  # fmt: skip
def write_memo(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
    body: Annotated[MemoBody | None, Body()] = None,
) -> Response:  # fmt: skip
    """Render the case's memo and record the render."""
    dnr = dnr_of(prefix, serial, year)
    require("render_memo", user.email, user.roles)
    given = body or MemoBody()
    rendered = render_memo(
        db=ctx.db, memos_dir=ctx.settings.memos_dir, clock=ctx.clock, dnr=dnr, fmt=given.format,
        memo_date=given.memo_date or local_date(ctx.clock.now()), actor=user.email,
        kind=given.kind or None, signatory_email=given.signatory or None, records=ctx.records,
    )  # fmt: skip
    return download(rendered.data, fmt=rendered.fmt, filename=rendered.filename,
                    headers={"X-Memo-Warnings": str(len(rendered.warnings))})  # fmt: skip


@router.post(
    CASE + "/decision", status_code=201, tags=[MEMOS], summary="Registrera beslutet",
    description="Beslutet i ärendets senaste memo, signerat av den som anropar "
    "(rollen beslutsfattare), som måste vara memots undertecknare. 409: memot har redan ett "
    "gällande beslut.",
    responses=errors(400, 403, 404, 409),
)  # fmt: skip
def decide(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
    body: Annotated[DecisionBody | None, Body()] = None,
) -> DecisionOut:  # fmt: skip
    """Register the decision of the case's latest memo, signed by the caller."""
    dnr = dnr_of(prefix, serial, year)
    require("finalize_memo", user.email, user.roles)
    given = body or DecisionBody()
    decision = finalize_memo(
        db=ctx.db, memos_dir=ctx.settings.memos_dir, clock=ctx.clock, dnr=dnr,
        signed_by=user.email, decided_on=given.decided_on or local_date(ctx.clock.now()),
        records=ctx.records,
    )  # fmt: skip
    assert decision.id is not None
    return DecisionOut(
        id=decision.id, diarienummer=dnr, memo_id=decision.memo_id, kind=decision.kind,
        delegation_point=decision.delegation_point, decided_on=decision.decided_on,
        signed_by=decision.signed_by, created_at=decision.created_at,
    )  # fmt: skip


@router.get("/decisions/unreported", tags=[MEMOS], summary="Ej anmälda delegationsbeslut",
            responses=errors())  # fmt: skip
def unreported_decisions(user: ApiUser, ctx: Context) -> list[UnreportedOut]:
    """Delegation decisions not yet reported to the board, oldest first."""
    return [
        UnreportedOut(
            id=d.id,
            diarienummer=d.diarienummer,
            title=d.title,
            kind=d.kind,
            delegation_point=d.delegation_point,
            decided_on=d.decided_on,
            signed_by=d.signed_by,
        )  # fmt: skip
        for d in unreported(db=ctx.db)
    ]
