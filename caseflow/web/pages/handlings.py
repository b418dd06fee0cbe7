"""Pages: a case's documents (handlingar): the list, upload (drag and drop, with progress, in
static/upload.js; a plain form without script), preview of PDFs, images and text, versions,
secrecy marks and the Beslutsunderlag."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from caseflow.domain.permissions import allowed, require
from caseflow.errors import CaseflowError, InputError
from caseflow.records.basis import attach_to_basis
from caseflow.records.filetype import check_size
from caseflow.records.repo import (
    add_handling,
    add_version,
    finalize_handling,
    get_handling,
    list_handlings,
)
from caseflow.records.secrecy import Target, lift_secret, mark_secret
from caseflow.records.views import masked
from caseflow.records.vocabulary import DIRECTION_LABELS, format_number
from caseflow.web.api.common import RowNumber
from caseflow.web.api.handlings import file_of
from caseflow.web.context import WebContext
from caseflow.web.pages.cases import dnr_of
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.status import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]
BASE = "/cases/{prefix}/{serial}/{year}/handlings"
PREVIEW = ("application/pdf", "image/png", "image/jpeg", "text/plain")


def _text(form: FormData, name: str, *, limit: int = 2000) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        raise InputError(f"{name}: förväntade text")
    if len(value) > limit:
        raise InputError(f"{name}: högst {limit} tecken")
    return value.strip()


async def _upload(context: WebContext, form: FormData) -> tuple[bytes, str]:
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise InputError("fil: välj en fil att registrera")
    if file.size is not None:
        check_size(file.filename, file.size, max_bytes=context.records.max_bytes)
    data = await file.read(context.records.max_bytes + 1)
    check_size(file.filename, len(data), max_bytes=context.records.max_bytes)
    return data, file.filename


def documents_page(
    request: Request,
    user: PageUser,
    dnr: str,
    *,
    error: str | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    context = web(request)
    rows = list_handlings(db=context.db, types=context.records.types, dnr=dnr)
    sees = context.records.secrecy.may_see(user.roles)
    return render(
        request,
        "handlings.html",
        {
            "user": user,
            "dnr": dnr,
            "rows": rows if sees else [masked(h) for h in rows],
            "types": context.records.types.types,
            "directions": DIRECTION_LABELS,
            "can_register": allowed("register_handling", user.roles),
            "can_mark": context.records.secrecy.may_mark(user.roles),
            "can_edit": allowed("edit_case", user.roles),
            "sees_secret": sees,
            "preview": PREVIEW,
            "max_mb": context.records.max_bytes // (1024 * 1024),
            "error": error,
            "message": message,
        },
        status_code=status_code,
    )


def _back(dnr: str, message: str) -> Response:
    return RedirectResponse(f"/cases/{dnr}/handlings?done={quote(message)}", status_code=303)


@router.get(BASE)
async def documents(
    request: Request,
    user: User,
    prefix: str,
    serial: str,
    year: str,
    done: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    return documents_page(request, user, dnr_of(prefix, serial, year), message=done)


@router.post(BASE)
async def upload(request: Request, user: FormUser, prefix: str, serial: str, year: str) -> Response:
    form = await request.form()
    try:
        return await _register(request, user, dnr_of(prefix, serial, year), form)
    finally:
        await form.close()  # the uploaded file's temporary file


async def _register(request: Request, user: PageUser, dnr: str, form: FormData) -> Response:
    context = web(request)
    try:
        require("register_handling", user.email, user.roles)
        data, name = await _upload(context, form)
        raw_day = _text(form, "document_date", limit=20)
        try:
            day = date.fromisoformat(raw_day) if raw_day else None
        except ValueError:
            raise InputError(f"datum: skriv ÅÅÅÅ-MM-DD (fick {raw_day!r})") from None
        view = add_handling(
            db=context.db,
            files=context.records.files,
            types=context.records.types,
            dnr=dnr,
            direction=_text(form, "direction", limit=20),
            subject=_text(form, "subject"),
            doc_type=_text(form, "doc_type", limit=64) or "ovrigt",
            actor=user.email,
            clock=context.clock,
            data=data,
            filename=name,
            counterpart=_text(form, "counterpart", limit=300) or None,
            document_date=day,
            allow_duplicate=_text(form, "allow_duplicate", limit=5) == "ja",
            max_bytes=context.records.max_bytes,
        )
    except CaseflowError as err:
        return documents_page(request, user, dnr, error=str(err), status_code=status_of(err))
    return _back(dnr, f"Handlingen är registrerad som {view.number}.")


@router.get(BASE + "/{seq}")
async def preview(
    request: Request, user: User, prefix: str, serial: str, year: str, seq: RowNumber
) -> Response:
    """One document: its details, versions and a preview of the latest file."""
    dnr = dnr_of(prefix, serial, year)
    context = web(request)
    view = get_handling(db=context.db, types=context.records.types, number=format_number(dnr, seq))
    sees = context.records.secrecy.may_see(user.roles)
    text = None
    current = view.current if sees or view.secret is None else None
    if current is not None and current.media_type == "text/plain" and current.size <= 200_000:
        text = context.records.files.get(current.sha256).decode("utf-8", "replace")
    return render(
        request,
        "handling.html",
        {
            "user": user,
            "dnr": dnr,
            "h": view if sees else masked(view),
            "current": current,
            "text": text,
            "can_register": allowed("register_handling", user.roles),
        },
    )


@router.get(BASE + "/{seq}/file")
async def download(
    request: Request,
    user: User,
    prefix: str,
    serial: str,
    year: str,
    seq: RowNumber,
    version: Annotated[int | None, Query(ge=1)] = None,
    inline: bool = False,
) -> Response:
    context = web(request)
    number = format_number(dnr_of(prefix, serial, year), seq)
    view = get_handling(db=context.db, types=context.records.types, number=number)
    return file_of(context, user.email, user.roles, view, version=version, inline=inline)


@router.post(BASE + "/mark")
async def act_chosen(
    request: Request, user: FormUser, prefix: str, serial: str, year: str
) -> Response:
    """As `act`, with the document and the action chosen in the form (the list's forms)."""
    form = await request.form()
    dnr = dnr_of(prefix, serial, year)
    try:
        seq = int(_text(form, "seq", limit=7))
    except ValueError:
        return documents_page(
            request, user, dnr, error="handling: välj en handling", status_code=400
        )
    try:
        return await _act(request, user, dnr, seq, _text(form, "action", limit=20), form)
    finally:
        await form.close()


@router.post(BASE + "/{seq}/{action}")
async def act(
    request: Request,
    user: FormUser,
    prefix: str,
    serial: str,
    year: str,
    seq: RowNumber,
    action: str,
) -> Response:
    """secret, open, basis, final or versions on one document."""
    form = await request.form()
    try:
        return await _act(request, user, dnr_of(prefix, serial, year), seq, action, form)
    finally:
        await form.close()


async def _act(
    request: Request, user: PageUser, dnr: str, seq: int, action: str, form: FormData
) -> Response:
    number = format_number(dnr, seq)
    context = web(request)
    records = context.records
    try:
        if action == "secret":
            mark = mark_secret(
                db=context.db,
                secrecy=records.secrecy,
                target=Target(number=number),
                osl=_text(form, "osl", limit=40),
                reason=_text(form, "reason"),
                actor=user.email,
                clock=context.clock,
            )
            done = f"{number} är sekretessmarkerad enligt {mark.osl}."
        elif action == "open":
            lift_secret(
                db=context.db,
                secrecy=records.secrecy,
                target=Target(number=number),
                reason=_text(form, "reason"),
                actor=user.email,
                clock=context.clock,
            )
            done = f"Sekretessmarkeringen av {number} är hävd."
        elif action == "basis":
            require("edit_case", user.email, user.roles)
            attach_to_basis(
                db=context.db,
                number=number,
                actor=user.email,
                clock=context.clock,
                workflows=context.workflows,
            )
            done = f"{number} är tillagd i beslutsunderlaget."
        elif action == "final":
            require("register_handling", user.email, user.roles)
            view = finalize_handling(
                db=context.db,
                types=records.types,
                number=number,
                state=_text(form, "state", limit=20),
                actor=user.email,
                clock=context.clock,
            )
            done = f"{number} är {view.state_label.lower()}."
        elif action == "versions":
            require("register_handling", user.email, user.roles)
            data, name = await _upload(context, form)
            view = add_version(
                db=context.db,
                files=records.files,
                types=records.types,
                number=number,
                data=data,
                filename=name,
                actor=user.email,
                clock=context.clock,
                max_bytes=records.max_bytes,
            )
            done = f"{number} har fått version {len(view.files)}."
        else:
            raise InputError(f"okänd åtgärd {action[:20]!r}")
    except CaseflowError as err:
        return documents_page(request, user, dnr, error=str(err), status_code=status_of(err))
    return _back(dnr, done)
