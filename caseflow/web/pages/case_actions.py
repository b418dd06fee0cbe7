"""Form posts on a case page: edit fields, set a funder, move, render/finalize a memo, annul a
decision, schedule.

Each post checks the CSRF token and the role, runs one engine call (one transaction) and
redirects back (post/redirect/get); on bad input the page is shown again with the message and
what the user typed, and nothing is saved.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from caseflow.cases.engine import edit_case, fire, set_funder
from caseflow.cases.funding import remove_funder
from caseflow.domain.funders import FUNDERS
from caseflow.domain.permissions import require
from caseflow.domain.workdays import local_date
from caseflow.errors import CaseflowError, InputError
from caseflow.meetings.service import check_meeting, schedule_case, unschedule_case
from caseflow.memo.decisions import annul
from caseflow.memo.pdf import docx_to_pdf
from caseflow.memo.service import (
    draft_description,
    draft_document,
    finalize_memo,
    memo_download,
    render_memo,
)
from caseflow.records.fieldmask import refuse_hidden, refuse_memo
from caseflow.web.api.common import RowNumber
from caseflow.web.context import WebContext
from caseflow.web.downloads import download
from caseflow.web.flash import done_query
from caseflow.web.forms import changes_from, form_version
from caseflow.web.pages.cases import User, case_page, dnr_of, stage_labels
from caseflow.web.security import PageUser, form_user, web
from caseflow.web.status import status_of

router = APIRouter(include_in_schema=False)
FormUser = Annotated[PageUser, Depends(form_user)]
BASE = "/cases/{prefix}/{serial}/{year}"


#: The forms' field names as their labels call them (messages never name the parameter).
FORM_NAMES = {
    "reason": "Motivering", "code": "Finansiär", "amount_sek": "Belopp", "status": "Status",
    "decision_date": "Beslutsdatum", "case_id": "Finansiärens diarienummer", "format": "Format",
    "memo_date": "Memots datum", "kind": "Memotyp", "signatory": "Undertecknare",
    "decided_on": "Beslutsdatum", "meeting": "Sammanträde", "action": "Åtgärd",
    "confirm": "Bekräftelse",
}  # fmt: skip


def _text(form: FormData, name: str, *, limit: int = 10_000) -> str:
    value = form.get(name, "")
    label = FORM_NAMES.get(name, name)
    if not isinstance(value, str):
        raise InputError(f"{label}: förväntade text")
    if len(value) > limit:
        raise InputError(f"{label}: högst {limit} tecken")
    return value.strip()


def _date(form: FormData, name: str, default: date) -> date:
    raw = _text(form, name, limit=20)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(
            f"{FORM_NAMES.get(name, name)}: skriv datumet som ÅÅÅÅ-MM-DD (fick {raw!r})"
        ) from None


def _back(user: PageUser, dnr: str, message: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/cases/{dnr}?{done_query(user, message)}{anchor}", status_code=303)


def _failed(request: Request, user: PageUser, dnr: str, err: CaseflowError,
            values: dict[str, str] | None = None) -> Response:  # fmt: skip
    return case_page(request, user, dnr, error=str(err), values=values,
                     status_code=status_of(err))  # fmt: skip


@router.post(BASE + "/edit")
async def edit(request: Request, user: FormUser, prefix: str, serial: str, year: str) -> Response:
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    typed = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    context = web(request)
    try:
        require("edit_case", user.email, user.roles)
        changes = changes_from(form)
        refuse_hidden(db=context.db, secrecy=context.records.secrecy, roles=user.roles, dnr=dnr,
                      names=changes)  # fmt: skip
        result = edit_case(
            db=context.db, dnr=dnr, changes=changes, actor=user.email,
            clock=context.clock, reason=_text(form, "reason") or None,
            expected_version=form_version(form), workflows=context.workflows,
        )  # fmt: skip
    except CaseflowError as err:
        return _failed(request, user, dnr, err, typed)
    n = len(result.changes)
    text = f"Sparat: {n} fält {'ändrat' if n == 1 else 'ändrade'}." if n else "Inget ändrat."
    return _back(user, dnr, text, "#falt")


@router.post(BASE + "/funders")
async def funder(request: Request, user: FormUser, prefix: str, serial: str, year: str) -> Response:
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    context = web(request)
    try:
        require("edit_case", user.email, user.roles)
        code = _text(form, "code", limit=64)
        amount = _text(form, "amount_sek", limit=30).replace(" ", "").replace("\u00a0", "")
        if amount and not amount.isdigit():
            raise InputError(f"belopp: skriv ett heltal i kronor (fick {amount!r})")
        values = {
            "code": code, "amount_sek": int(amount) if amount else None,
            "status": _text(form, "status", limit=16) or None,
            "decision_date": _text(form, "decision_date", limit=20) or None,
            "case_id": _text(form, "case_id", limit=100) or None,
        }  # fmt: skip
        result = set_funder(db=context.db, dnr=dnr, funder=values, actor=user.email,
                            clock=context.clock, expected_version=form_version(form))  # fmt: skip
    except CaseflowError as err:
        return _failed(request, user, dnr, err)
    return _back(
        user, dnr, "Finansieringen sparad." if result.changes else "Inget ändrat.", "#finansiering"
    )


@router.post(BASE + "/moves/{trigger}")
async def move(request: Request, user: FormUser, prefix: str, serial: str, year: str,
               trigger: str) -> Response:  # fmt: skip
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    context = web(request)
    try:
        if _text(form, "confirm", limit=10) != "ja" and _asks_confirmation(context, trigger):
            raise InputError("bekräfta flytten: kryssa i rutan och skriv en motivering")
        result = fire(db=context.db, workflows=context.workflows, dnr=dnr, trigger=trigger,
                      actor=user.email, clock=context.clock, reason=_text(form, "reason") or None,
                      expected_version=form_version(form))  # fmt: skip
    except CaseflowError as err:
        return _failed(request, user, dnr, err)
    labels = stage_labels(request)
    return _back(user, dnr, f"Flyttat till {labels.get(result.to_stage, result.to_stage)}.")


def _asks_confirmation(context: WebContext, trigger: str) -> bool:
    """Whether a move called `trigger` ends or reopens a case in any workflow."""
    return any(t.destructive for wf in context.workflows.all() for t in wf.spec.transitions
               if t.trigger == trigger)  # fmt: skip


@router.post(BASE + "/funders/{code}/remove")
async def funder_remove(request: Request, user: FormUser, prefix: str, serial: str, year: str,
                        code: str) -> Response:  # fmt: skip
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    context = web(request)
    try:
        require("edit_case", user.email, user.roles)
        remove_funder(db=context.db, dnr=dnr, code=code, actor=user.email, clock=context.clock,
                      reason=_text(form, "reason", limit=2000) or None,
                      expected_version=form_version(form))  # fmt: skip
    except CaseflowError as err:
        return _failed(request, user, dnr, err)
    return _back(
        user,
        dnr,
        f"{FUNDERS.get(code, code)} är borttagen ur finansieringsplanen.",
        "#finansiering",
    )


@router.post(BASE + "/memo")
async def memo(request: Request, user: FormUser, prefix: str, serial: str, year: str) -> Response:
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    context = web(request)
    try:
        require("render_memo", user.email, user.roles)
        rendered = render_memo(
            db=context.db, memos_dir=context.settings.memos_dir, clock=context.clock, dnr=dnr,
            fmt=_text(form, "format", limit=10) or "docx",
            memo_date=_date(form, "memo_date", local_date(context.clock.now())),
            actor=user.email, kind=_text(form, "kind", limit=64) or None,
            signatory_email=_text(form, "signatory", limit=254) or None, records=context.records,
        )  # fmt: skip
    except CaseflowError as err:
        return _failed(request, user, dnr, err)
    return download(rendered.data, fmt=rendered.fmt, filename=rendered.filename,
                    inline=rendered.fmt == "html",
                    headers={"X-Memo-Warnings": str(len(rendered.warnings))})  # fmt: skip


#: The case fields the Ärendebeskrivning's draft quotes, and the one it writes.
DRAFT_READS = (
    "title", "owner", "purpose", "start_date", "end_date", "total_budget_sek", "strategy",
    "priority", "own_financing", "anchoring_body", "anchoring_date", "background",
)  # fmt: skip


@router.post(BASE + "/memo/draft")
async def memo_draft(request: Request, user: FormUser, prefix: str, serial: str,
                     year: str) -> Response:  # fmt: skip
    """Draft the Ärendebeskrivning from the case's facts: save it in the case's field (the
    memo then uses it) or download it as Word, html or Markdown."""
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    context = web(request)
    memos_dir = context.settings.memos_dir
    try:
        require("render_memo", user.email, user.roles)
        # the draft quotes the case's fields: a role that may not see a marked one gets none
        refuse_hidden(db=context.db, secrecy=context.records.secrecy, roles=user.roles, dnr=dnr,
                      names=DRAFT_READS)  # fmt: skip
        action = _text(form, "draft_as", limit=10) or "save"
        if action != "save":
            document = draft_document(db=context.db, memos_dir=memos_dir, dnr=dnr, fmt=action)
            return download(document.data, fmt=document.fmt, filename=document.filename,
                            inline=document.fmt == "html")  # fmt: skip
        require("edit_case", user.email, user.roles)
        drafted = draft_description(db=context.db, memos_dir=memos_dir, dnr=dnr)
        result = edit_case(db=context.db, dnr=dnr, changes={"background": drafted.text},
                           actor=user.email, clock=context.clock,
                           reason="utkast till ärendebeskrivning",
                           expected_version=form_version(form),
                           workflows=context.workflows)  # fmt: skip
    except CaseflowError as err:
        return _failed(request, user, dnr, err)
    text = ("Utkastet till ärendebeskrivning är sparat i fältet Ärendebeskrivning; läs och "
            "redigera det innan memot skrivs." if result.changes
            else "Ärendebeskrivningen var redan densamma som utkastet.")  # fmt: skip
    if drafted.missing:
        text += f" Saknas i ärendet: {', '.join(drafted.missing)}."
    return _back(user, dnr, text, "#falt")


@router.get(BASE + "/memos/{memo_id}")
async def memo_file(request: Request, user: User, prefix: str, serial: str, year: str,
                    memo_id: RowNumber, format: str | None = None) -> Response:  # fmt: skip
    """A stored render, exactly the bytes that were produced then; `?format=pdf`: a Word render
    converted to PDF by LibreOffice (in a worker thread: the conversion takes seconds)."""
    dnr = dnr_of(prefix, serial, year)
    context = web(request)
    try:
        if format not in (None, "pdf"):
            raise InputError(f"okänt format {format[:10]!r}; välj PDF eller ange inget format")
        refuse_memo(db=context.db, secrecy=context.records.secrecy, roles=user.roles, dnr=dnr,
                    memo_id=memo_id)  # fmt: skip
        if format == "pdf":
            stored = await run_in_threadpool(memo_download, db=context.db, dnr=dnr,
                                             memo_id=memo_id, to_pdf=docx_to_pdf)  # fmt: skip
        else:
            stored = memo_download(db=context.db, dnr=dnr, memo_id=memo_id)
    except CaseflowError as err:
        return _failed(request, user, dnr, err)
    return download(stored.data, fmt=stored.fmt, filename=stored.filename,
                    inline=stored.fmt == "html")  # fmt: skip


@router.post(BASE + "/memo/finalize")
async def finalize(request: Request, user: FormUser, prefix: str, serial: str,
                   year: str) -> Response:  # fmt: skip
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    context = web(request)
    try:
        require("finalize_memo", user.email, user.roles)
        decision = finalize_memo(
            db=context.db, memos_dir=context.settings.memos_dir, clock=context.clock, dnr=dnr,
            signed_by=user.email,
            decided_on=_date(form, "decided_on", local_date(context.clock.now())),
            records=context.records,
        )  # fmt: skip
    except CaseflowError as err:
        return _failed(request, user, dnr, err)
    note = " Anmäls vid nämndens nästa sammanträde." if decision.delegation_point else ""
    return _back(user, dnr, f"Beslutet är registrerat {decision.decided_on}.{note}", "#beslut")


@router.post(BASE + "/decision/annul")
async def annul_decision(request: Request, user: FormUser, prefix: str, serial: str,
                         year: str) -> Response:  # fmt: skip
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    context = web(request)
    try:
        require("annul_decision", user.email, user.roles)
        decision = annul(db=context.db, dnr=dnr, reason=_text(form, "reason", limit=2000),
                         actor=user.email, clock=context.clock)  # fmt: skip
    except CaseflowError as err:
        return _failed(request, user, dnr, err)
    return _back(user, dnr, f"Beslut {decision.id} är upphävt.", "#beslut")


@router.post(BASE + "/schedule")
async def schedule(request: Request, user: FormUser, prefix: str, serial: str,
                   year: str) -> Response:  # fmt: skip
    dnr = dnr_of(prefix, serial, year)
    form = await request.form()
    context = web(request)
    try:
        require("schedule_case", user.email, user.roles)
        body, _, day = _text(form, "meeting", limit=40).partition(" ")
        name, when, _ = check_meeting(body, day, None, where="sammanträde")
        rules = context.workflows.deadline_rules()
        if _text(form, "action", limit=10) == "remove":
            done = unschedule_case(db=context.db, dnr=dnr, body=name, day=when,
                                   clock=context.clock, rules_for=rules)  # fmt: skip
            text = "Borttaget från dagordningen." if done else "Stod inte på dagordningen."
        else:
            added = schedule_case(db=context.db, dnr=dnr, body=name, day=when,
                                  actor=user.email, clock=context.clock,
                                  rules_for=rules)  # fmt: skip
            text = "Satt på dagordningen" if added.changed else "Stod redan på dagordningen"
            text += f" ({name} {when})." + _missed(added.missed)
            return _back(user, dnr, text, "#sammantraden")
    except CaseflowError as err:
        return _failed(request, user, dnr, err)
    return _back(user, dnr, f"{text} ({name} {when})", "#sammantraden")


def _missed(missed: list[tuple[str, date]]) -> str:
    """The deadlines already passed, short enough for the page's message (at most 300
    characters): each with its date, or only how many when they are many."""
    if not missed:
        return ""
    listed = ", ".join(f"{label} {on}" for label, on in missed)
    text = f" Varning, redan passerade frister: {listed}."
    if len(text) > 220:
        text = f" Varning: {len(missed)} frister för sammanträdet har redan passerat (se Frister)."
    return text
