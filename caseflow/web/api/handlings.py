"""/api/v1: a case's registered documents (handlingar): list, register with a file (multipart),
a version, make final, download, secrecy marks, attach to the Beslutsunderlag."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Security, UploadFile
from pydantic import BaseModel, Field
from starlette.responses import Response

from caseflow.cases.accounts import Principal
from caseflow.domain.permissions import require
from caseflow.errors import NotFoundError, PermissionDeniedError
from caseflow.records.basis import attach_to_basis
from caseflow.records.filetype import check_size
from caseflow.records.repo import (
    add_handling,
    add_version,
    finalize_handling,
    get_handling,
    list_handlings,
    read_file,
)
from caseflow.records.secrecy import Target, lift_secret, mark_secret
from caseflow.records.views import HandlingView, masked
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
from caseflow.web.context import WebContext
from caseflow.web.downloads import file_download

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])
HANDLINGS = "Handlingar"
ONE = CASE + "/handlings/{seq}"


class FileOut(BaseModel):
    version: int
    sha256: str
    size: int
    media_type: str
    filename: str
    created_by: str
    created_at: datetime


class MarkOut(BaseModel):
    id: int
    osl: str
    reason: str
    field: str | None
    marked_by: str
    marked_at: datetime
    lifted_by: str | None
    lifted_at: datetime | None
    lift_reason: str | None


class HandlingOut(BaseModel):
    number: str = Field(examples=["RUN/479/2024-3"])
    diarienummer: str
    seq: int
    direction: Literal["inkommande", "upprattad", "utgaende"]
    document_date: date
    registered_on: date
    counterpart: str | None
    subject: str
    doc_type: str
    doc_type_label: str
    is_final: bool
    final_state: str | None
    state_label: str
    secret: bool
    osl: str | None
    masked: bool = Field(description="Sekretess: ärendemening, motpart och filer är dolda")
    files: list[FileOut]
    secrecy_marks: list[MarkOut]
    created_by: str
    created_at: datetime


class FinalBody(Body):
    state: Literal["expedierad", "fastställd", "faststalld"]


class SecretBody(Body):
    osl: str = Field(max_length=40, examples=["OSL 31:16"])
    reason: str = Field(max_length=2000)


class OpenBody(Body):
    reason: str = Field(max_length=2000)


def out_of(view: HandlingView) -> HandlingOut:
    data: dict[str, Any] = view.as_json()
    return HandlingOut.model_validate(
        data | {"doc_type_label": view.doc_type_label, "state_label": view.state_label}
    )


def for_reader(ctx: WebContext, user: Principal, view: HandlingView) -> HandlingView:
    """The view the caller may see: masked unless a role has access (records/secrecy.yaml)."""
    return view if ctx.records.secrecy.may_see(user.roles) else masked(view)


async def read_upload(ctx: WebContext, file: UploadFile) -> tuple[bytes, str]:
    """The upload's bytes (refused over the limit before reading) and its name as sent."""
    name = file.filename or ""
    if file.size is not None:
        check_size(name or "filen", file.size, max_bytes=ctx.records.max_bytes)
    data = await file.read(ctx.records.max_bytes + 1)
    check_size(name or "filen", len(data), max_bytes=ctx.records.max_bytes)
    return data, name


@router.get(
    CASE + "/handlings", tags=[HANDLINGS], summary="Ärendets handlingar", responses=errors(400, 404)
)
def handlings(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year
) -> list[HandlingOut]:
    """The case's registered documents in number order (secret ones masked for roles without
    access)."""
    rows = list_handlings(db=ctx.db, types=ctx.records.types, dnr=dnr_of(prefix, serial, year))
    return [out_of(for_reader(ctx, user, h)) for h in rows]


@router.post(
    CASE + "/handlings",
    status_code=201,
    tags=[HANDLINGS],
    summary="Registrera en handling",
    description="Multipart: `file` och fälten. Filen kontrolleras på innehållet (pdf, docx, "
    "xlsx, png, jpeg, text), storleksgränsen och filnamnet (ingen sökväg). 409: samma fil finns "
    "redan på ärendet (skicka `allow_duplicate=true` för att registrera den igen). "
    "413: större än gränsen.",
    responses=errors(400, 403, 404, 409),
)
async def register_handling(
    user: ApiUser,
    ctx: Context,
    prefix: Prefix,
    serial: Serial,
    year: Year,
    file: Annotated[UploadFile, File(description="Handlingens fil")],
    direction: Annotated[
        str, Form(description="in, out, internal (eller inkommande, utgaende, upprattad)")
    ],
    subject: Annotated[str, Form(max_length=500)],
    doc_type: Annotated[str, Form(max_length=64)] = "ovrigt",
    counterpart: Annotated[str | None, Form(max_length=300)] = None,
    document_date: Annotated[date | None, Form()] = None,
    allow_duplicate: Annotated[bool, Form()] = False,
) -> HandlingOut:
    """Register a document on the case with its file."""
    dnr = dnr_of(prefix, serial, year)
    require("register_handling", user.email, user.roles)
    data, name = await read_upload(ctx, file)
    view = add_handling(
        db=ctx.db,
        files=ctx.records.files,
        types=ctx.records.types,
        dnr=dnr,
        direction=direction,
        subject=subject,
        doc_type=doc_type,
        actor=user.email,
        clock=ctx.clock,
        data=data,
        filename=name,
        counterpart=counterpart or None,
        document_date=document_date,
        allow_duplicate=allow_duplicate,
        max_bytes=ctx.records.max_bytes,
    )
    return out_of(view)


@router.get(ONE, tags=[HANDLINGS], summary="En handling", responses=errors(400, 404))
def handling(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year, seq: RowNumber
) -> HandlingOut:
    """One document by its number within the case."""
    number = format_number(dnr_of(prefix, serial, year), seq)
    view = get_handling(db=ctx.db, types=ctx.records.types, number=number)
    return out_of(for_reader(ctx, user, view))


@router.get(
    ONE + "/file",
    tags=[HANDLINGS],
    summary="Handlingens fil",
    response_class=Response,
    description="Senaste versionen, eller `version`. `inline=true`: visas i webbläsaren (pdf, "
    "bilder, text). 403: handlingen är sekretessmarkerad och rollen saknar åtkomst.",
    responses={
        **errors(400, 403, 404),
        200: {
            "description": "Filen",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
    },
)
def handling_file(
    user: ApiUser,
    ctx: Context,
    prefix: Prefix,
    serial: Serial,
    year: Year,
    seq: RowNumber,
    version: Annotated[int | None, Query(ge=1)] = None,
    inline: bool = False,
) -> Response:
    """The document's file, exactly as registered."""
    number = format_number(dnr_of(prefix, serial, year), seq)
    view = get_handling(db=ctx.db, types=ctx.records.types, number=number)
    return file_of(ctx, user.email, user.roles, view, version=version, inline=inline)


def file_of(
    ctx: WebContext,
    email: str,
    roles: tuple[str, ...],
    view: HandlingView,
    *,
    version: int | None,
    inline: bool,
) -> Response:
    """A version's bytes as a download (shared by the API and the pages).

    Raises:
        PermissionDeniedError (secret, no access), NotFoundError (no such version).
    """
    if view.secret is not None and not ctx.records.secrecy.may_see(roles):
        raise PermissionDeniedError(
            f"{email} får inte se {view.number}: sekretess enligt {view.secret.osl}"
        )
    chosen = (
        next((f for f in view.files if f.version == version), None) if version else (view.current)
    )
    if chosen is None:
        raise NotFoundError(
            f"{view.number} har inte {f'version {version}' if version else 'någon fil'}"
        )
    data = read_file(files=ctx.records.files, sha256=chosen.sha256)
    return file_download(
        data, media_type=chosen.media_type, filename=chosen.filename, inline=inline
    )


@router.post(
    ONE + "/versions",
    status_code=201,
    tags=[HANDLINGS],
    summary="Ny version",
    description="Multipart `file`: en ny version av en upprättad handling som inte är slutlig.",
    responses=errors(400, 403, 404, 409),
)
async def new_version(
    user: ApiUser,
    ctx: Context,
    prefix: Prefix,
    serial: Serial,
    year: Year,
    seq: RowNumber,
    file: Annotated[UploadFile, File(description="Den nya versionen")],
) -> HandlingOut:
    """Add a version of a drawn-up document's file."""
    number = format_number(dnr_of(prefix, serial, year), seq)
    require("register_handling", user.email, user.roles)
    data, name = await read_upload(ctx, file)
    view = add_version(
        db=ctx.db,
        files=ctx.records.files,
        types=ctx.records.types,
        number=number,
        data=data,
        filename=name,
        actor=user.email,
        clock=ctx.clock,
        max_bytes=ctx.records.max_bytes,
    )
    return out_of(view)


@router.post(
    ONE + "/final", tags=[HANDLINGS], summary="Gör slutlig", responses=errors(400, 403, 404)
)
def make_final(
    user: ApiUser,
    ctx: Context,
    prefix: Prefix,
    serial: Serial,
    year: Year,
    seq: RowNumber,
    body: FinalBody,
) -> HandlingOut:
    """Make a drawn-up document final: expedierad or fastställd."""
    number = format_number(dnr_of(prefix, serial, year), seq)
    require("register_handling", user.email, user.roles)
    view = finalize_handling(
        db=ctx.db,
        types=ctx.records.types,
        number=number,
        state=body.state,
        actor=user.email,
        clock=ctx.clock,
    )
    return out_of(view)


#: A case field's name in a path (`purpose`, `title` …; `check_field` says which may be marked).
FieldName = Annotated[str, Path(max_length=64, examples=["purpose"])]


def _mark(ctx: WebContext, user: Principal, target: Target,
          body: SecretBody | OpenBody) -> MarkOut:  # fmt: skip
    """Mark (a `SecretBody`) or lift (an `OpenBody`) the secrecy of `target`."""
    if isinstance(body, SecretBody):
        mark = mark_secret(db=ctx.db, secrecy=ctx.records.secrecy, target=target, osl=body.osl,
                           reason=body.reason, actor=user.email, clock=ctx.clock)  # fmt: skip
    else:
        mark = lift_secret(db=ctx.db, secrecy=ctx.records.secrecy, target=target,
                           reason=body.reason, actor=user.email, clock=ctx.clock)  # fmt: skip
    return MarkOut.model_validate(mark.as_json())


@router.post(
    ONE + "/secret", tags=[HANDLINGS], summary="Sekretessmarkera",
    description="Bestämmelse i OSL och skäl. Rollerna i records/secrecy.yaml.",
    responses=errors(400, 403, 404, 409),
)  # fmt: skip
def secret(user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
           seq: RowNumber, body: SecretBody) -> MarkOut:  # fmt: skip
    """Mark the document secret under an OSL provision."""
    number = format_number(dnr_of(prefix, serial, year), seq)
    return _mark(ctx, user, Target(number=number), body)


@router.post(ONE + "/open", tags=[HANDLINGS], summary="Häv sekretessmarkeringen",
             responses=errors(400, 403, 404))  # fmt: skip
def open_mark(user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
              seq: RowNumber, body: OpenBody) -> MarkOut:  # fmt: skip
    """Lift the document's secrecy mark (who, when and why are kept)."""
    number = format_number(dnr_of(prefix, serial, year), seq)
    return _mark(ctx, user, Target(number=number), body)


@router.post(CASE + "/fields/{field}/secret", tags=[HANDLINGS],
             summary="Sekretessmarkera ett fält i ärendet",
             responses=errors(400, 403, 404, 409))  # fmt: skip
def secret_field(user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
                 field: FieldName, body: SecretBody) -> MarkOut:  # fmt: skip
    """Mark a field of the case secret (masked for roles without access in every output)."""
    return _mark(ctx, user, Target(dnr=dnr_of(prefix, serial, year), field=field), body)


@router.post(CASE + "/fields/{field}/open", tags=[HANDLINGS],
             summary="Häv markeringen av ett fält", responses=errors(400, 403, 404))  # fmt: skip
def open_field(user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
               field: FieldName, body: OpenBody) -> MarkOut:  # fmt: skip
    """Lift a case field's secrecy mark."""
    return _mark(ctx, user, Target(dnr=dnr_of(prefix, serial, year), field=field), body)


@router.post(
    ONE + "/basis",
    tags=[HANDLINGS],
    summary="Lägg till i beslutsunderlaget",
    responses=errors(400, 403, 404),
)
def basis(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year, seq: RowNumber
) -> list[str]:
    """Add the document to the case's Beslutsunderlag; answers the new list."""
    number = format_number(dnr_of(prefix, serial, year), seq)
    require("edit_case", user.email, user.roles)
    return attach_to_basis(
        db=ctx.db, number=number, actor=user.email, clock=ctx.clock, workflows=ctx.workflows
    )
