"""Pages: the board by stage, the case list (filter, search, sort), a new case, a case."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from markupsafe import Markup
from sqlalchemy.engine import Connection
from starlette.responses import RedirectResponse, Response

from caseflow.cases.caselist import (
    SORT_LABELS,
    CaseFilter,
    CaseRow,
    board_columns,
    distinct_values,
    find_cases,
)
from caseflow.cases.engine import create_case, moves_of
from caseflow.cases.people import officers
from caseflow.domain.casedoc import CaseDoc, describe_validation
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.financing import financing_plan
from caseflow.domain.history import describe, labels_of
from caseflow.domain.permissions import allowed, require
from caseflow.domain.workdays import local_date
from caseflow.errors import CaseflowError, InputError, UnknownCaseError
from caseflow.meetings.agendas import read_agendas, read_meeting_choices
from caseflow.meetings.service import MeetingInfo
from caseflow.memo.decisions import DecisionRow, read_decisions
from caseflow.memo.service import kind_choices
from caseflow.memo.store import RenderLine, read_render_lines
from caseflow.records.fieldmask import (
    hidden_fields,
    mask_doc,
    mask_history,
    mask_row,
    secret_values,
)
from caseflow.records.vocabulary import MASK
from caseflow.reminders.deadlines import (
    DeadlineRow,
    may_mark,
    overdue_counts,
    read_case_deadlines,
)
from caseflow.retention.service import PlannedDocument, has_documents
from caseflow.store.caseread import (
    HistoryEvent,
    names_of,
    officers_of,
    read_case_facts,
    read_history,
    read_people,
    signatories_of,
)
from caseflow.store.prepared import cursor_in
from caseflow.web.context import WebContext
from caseflow.web.flash import done_message
from caseflow.web.forms import KINDS, LABELS, MAX_LENGTHS, REQUIRED, TEXTAREAS, display
from caseflow.web.retention import case_retention_rows
from caseflow.web.security import PageUser, form_user, page_user, web
from caseflow.web.templating import PeopleNames, options, render, templates
from caseflow.workflow.machine import Move

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
FormUser = Annotated[PageUser, Depends(form_user)]


def stage_labels(request: Request, workflow: str | None = None) -> dict[str, str]:
    """Stage → label over every workflow (lists and the board show cases of any of them); with
    `workflow`, that workflow's own labels win (a case page)."""
    workflows = web(request).workflows
    labels = workflows.stage_labels()
    own = workflows.find(workflow) if workflow else None
    if own is not None:
        labels |= {s.name: s.label for s in own.spec.states}
    return labels


@router.get("/board")
async def board(request: Request, user: User, mine: bool = False) -> Response:
    context = web(request)
    labels = stage_labels(request)
    with context.db.reading() as conn:
        columns = board_columns(conn, list(labels), handlaggare=user.email if mine else None)
        overdue = overdue_counts(conn, today=local_date(context.clock.now()))
    return render(request, "board.html",
                  {"user": user, "columns": columns, "labels": labels, "mine": mine,
                   "overdue": overdue})  # fmt: skip


def _filter(
    q: str | None, stage: str | None, area: str | None, funder: str | None, owner: str | None,
    handlaggare: str | None, sort: str, order: str, page: int,
) -> CaseFilter:  # fmt: skip
    def clean(value: str | None) -> str | None:
        return value.strip() or None if value else None

    return CaseFilter(
        q=clean(q), stage=clean(stage), area=clean(area), funder=clean(funder),
        owner=clean(owner), handlaggare=clean(handlaggare), sort=sort,
        descending=order == "desc", page=page,
    )  # fmt: skip


Text = Annotated[str | None, Query(max_length=300)]


@router.get("/cases")
async def case_list(
    request: Request, user: User, q: Text = None, stage: Text = None, area: Text = None,
    funder: Text = None, owner: Text = None, handlaggare: Text = None,
    sort: Annotated[str, Query(max_length=20)] = "diarienummer",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:  # fmt: skip
    context = web(request)
    f = _filter(q, stage, area, funder, owner, handlaggare, sort, order, page)
    partial = bool(request.headers.get("hx-request")) and not request.headers.get("hx-boosted")
    secrecy = context.records.secrecy  # looked up once for the page
    roles = tuple(user.roles)
    masked = not secrecy.may_see(roles)
    with context.db.reading() as conn:
        try:
            result = find_cases(conn, f, masked=masked)
            error = None
        except InputError as err:
            result, error = find_cases(conn, CaseFilter()), str(err)
        choices = (
            {}
            if partial
            else {name: _choices(context, conn, name) for name in ("area", "owner", "handlaggare")}
        )
        with cursor_in(conn) as tx:
            names = names_of(read_people(tx=tx))
    if masked:
        with context.db.read() as session:
            hidden = hidden_fields(session=session, secrecy=secrecy, roles=user.roles,
                                   case_ids=[r.id for r in result.rows])  # fmt: skip
            withheld = secret_values(session=session, secrecy=secrecy, roles=user.roles,
                                     fields=list(choices))  # fmt: skip
        choices = {k: [v for v in vs if v not in withheld.get(k, ())] for k, vs in choices.items()}
        if hidden:
            result = replace(result, rows=[mask_row(r, hidden.get(r.id, ())) for r in result.rows])

    name_of = PeopleNames(request, names)  # read above on a prebuilt statement, not the ORM
    shown = result.filter if error else f
    labels = stage_labels(request)
    page_context = {
        "user": user, "result": result, "f": shown, "name_of": name_of,
        "rows": _cells(result.rows, labels, name_of),
        "options": _options(choices, shown, name_of) if choices else {},
        "labels": labels, "sorts": SORT_LABELS, "error": error,
        "query": _query_string(request), "partial": partial,
    }  # fmt: skip
    name = "case_rows.html" if partial else "cases.html"
    return render(request, name, page_context, status_code=400 if error else 200)


def _cells(
    rows: list[CaseRow], labels: dict[str, str], name_of: Callable[[str | None], str]
) -> list[tuple[str, str, str, str, str, str]]:
    """Each row's cells as the list shows them (diarienummer, title, stage with its outcome,
    handläggare's name, end date, last change), formatted in one pass: the template then only
    escapes them (50 rows of attribute look-ups, filters and calls were most of its time)."""
    when, outcome = _FILTERS["when"], _FILTERS["outcome"]
    return [
        (r.diarienummer, r.title,
         f"{labels.get(r.stage, r.stage)} ({outcome(r.outcome)})" if r.outcome
         else labels.get(r.stage, r.stage),
         name_of(r.handlaggare) or "–", when(r.end_date), when(r.updated_at))
        for r in rows
    ]  # fmt: skip


def _options(
    choices: dict[str, list[str]], f: CaseFilter, name_of: Callable[[str | None], str]
) -> dict[str, Markup]:
    """The filters' <option> elements, the filter's value selected: each list escaped once per
    process (`templating.options`; a list page offers ~300, and escaping them in the template
    was a third of its rendering). Handläggare are shown by name."""
    return {
        column: options([(v, name_of(v) if column == "handlaggare" else v) for v in values],
                        getattr(f, column))
        for column, values in choices.items()
    }  # fmt: skip


_FILTERS = templates.env.filters  # the list's cells use the templates' own formats

CHOICES_TTL = 60.0  # seconds a filter's list of choices is reused


def _choices(context: WebContext, conn: Connection | None, column: str) -> list[str]:
    """The values a filter (or the case form's suggestions) offers, recomputed at most once a
    minute per process: a DISTINCT over every case (160 ms at 100,000 cases for `priority`,
    which has no index) is too dear for every case page. Read on `conn`, or (None) on a
    connection opened only when the values are due to be read again."""
    now = time.monotonic()
    cached = context.choices.get(column)
    if cached is None or now - cached[0] > CHOICES_TTL:
        if conn is None:
            with context.db.reading() as own:
                cached = (now, distinct_values(own, column))
        else:
            cached = (now, distinct_values(conn, column))
        context.choices[column] = cached
    return cached[1]


def _query_string(request: Request) -> str:
    """The list's filters without sort/order/page, for links that change only those."""
    keep = [(k, v) for k, v in request.query_params.multi_items()
            if k not in ("sort", "order", "page") and v]  # fmt: skip
    from urllib.parse import urlencode

    return urlencode(keep)


@router.get("/cases/new")
def new_case_form(request: Request, user: User) -> Response:
    require("create_case", user.email, user.roles)
    return render(request, "case_new.html", {"user": user, "values": {"handlaggare": user.email},
                                             "officers": _officers(request)})  # fmt: skip


def _officers(request: Request) -> list[tuple[str, str]]:
    with web(request).db.read() as session:
        return officers(session=session)


@router.post("/cases/new")
async def new_case(request: Request, user: FormUser) -> Response:
    require("create_case", user.email, user.roles)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("diarienummer", "title", "purpose",
                                                       "handlaggare")}  # fmt: skip
    context = web(request)
    try:
        doc = _new_doc(values)
        case = create_case(db=context.db, workflows=context.workflows, doc=doc,
                           actor=user.email, clock=context.clock)  # fmt: skip
    except CaseflowError as err:
        return render(request, "case_new.html",
                      {"user": user, "values": values, "error": str(err),
                       "officers": _officers(request)},
                      status_code=400 if isinstance(err, InputError) else 409)  # fmt: skip
    return RedirectResponse(f"/cases/{case.diarienummer}?created=1", status_code=303)


def _new_doc(values: dict[str, str]) -> CaseDoc:
    from pydantic import ValidationError

    data: dict[str, Any] = {k: v for k, v in values.items() if v}
    if "diarienummer" not in data:
        raise InputError("diarienummer saknas")
    if "title" not in data:
        raise InputError("projektnamn (title) saknas")
    data["diarienummer"] = str(parse_dnr(data["diarienummer"]))
    try:
        return CaseDoc.model_validate(data)
    except ValidationError as err:
        raise InputError(describe_validation(err)) from None


@dataclass
class CaseView:
    case: dict[str, Any]
    row_version: int
    case_id: int
    moves: list[Move]
    events: list[HistoryEvent]
    renders: list[RenderLine]  # newest first
    deadlines: list[DeadlineRow]
    meetings: list[tuple[str, str]]  # (value, text): the meetings the case may be put on
    decisions: list[DecisionRow]
    signatories: list[tuple[str, str]]  # (e-mail, "name, title") of who may sign a memo
    memo_kinds: list[tuple[str, str]]  # (kind, Swedish title) from memos/board.yaml
    memo_default: str | None  # the kind board.yaml's `choose` rules pick for this case
    agendas: list[MeetingInfo]  # the meetings whose agenda has the case, cancelled ones too
    history_total: int  # entries in the history; `events` may hold only the latest
    officers: list[tuple[str, str]]  # (e-mail, name): the Handläggare the form offers
    offered: dict[str, list[str]]  # field → the values the form suggests (area, priority)
    hidden: frozenset[str] = frozenset()  # marked fields the user may not see (masked in `case`)
    retention: list[PlannedDocument] = field(default_factory=list)  # the retention section
    retention_error: str | None = None  # the plan cannot be read
    names: dict[str, str] = field(default_factory=dict)  # e-mail → name of everyone registered


def form_choices(context: WebContext) -> dict[str, list[str]]:
    """Område and Prioritering as the case form suggests them: memos/board.yaml's, then those
    the cases hold (`_choices`)."""
    config = context.board()
    return {"area": list(dict.fromkeys([*config.areas, *_choices(context, None, "area")])),
            "priority": list(dict.fromkeys([*config.priorities,
                                            *_choices(context, None, "priority")]))}  # fmt: skip


#: History entries the case page shows until "visa alla" is asked for (a case's history grows
#: without bound; rendering 300 entries made the page 2.7× slower).
HISTORY_PAGE = 50


def load_case_view(
    request: Request, dnr: str, user: PageUser, *, history_all: bool = False
) -> CaseView:
    """Everything the case page shows, read in one read transaction on prebuilt statements (the
    latest HISTORY_PAGE history entries unless `history_all`). Two rarer parts read through the
    ORM afterwards: for a role without access to marked fields, the marks (then masked by the
    marks in force after the case was read); for a case with documents, their retention."""
    context = web(request)
    number = parse_dnr(dnr)
    secrecy = context.records.secrecy
    today = local_date(context.clock.now())
    with context.db.cursor_reading() as tx:
        found = read_case_facts(tx=tx, dnr=number)
        if found is None:
            raise UnknownCaseError(f"ärendet {number} finns inte")
        case, data, _ = found
        people = read_people(tx=tx)
        agendas = read_agendas(tx=tx, case_id=case.id)
        meetings = read_meeting_choices(tx=tx) if allowed("schedule_case", user.roles) else []
        events, history_total = read_history(
            tx=tx, case_id=case.id, limit=None if history_all else HISTORY_PAGE
        )
        renders = read_render_lines(tx=tx, case_id=case.id)
        deadlines = read_case_deadlines(tx=tx, case_id=case.id, today=today)
        decisions = read_decisions(tx=tx, case_id=case.id)
        documents = has_documents(tx=tx, case_id=case.id)
    roles = next((p.roles for p in people if p.email == user.email), user.roles)
    moves = moves_of(session=None, workflows=context.workflows, case=case, actor=user.email,
                     roles=roles)  # fmt: skip
    hidden: frozenset[str] = frozenset()
    retention: list[PlannedDocument] = []
    retention_error = None
    if documents or not secrecy.may_see(user.roles):
        with context.db.read() as session:
            hidden = hidden_fields(
                session=session, secrecy=secrecy, roles=user.roles, case_ids=[case.id]
            ).get(case.id, frozenset())
            events = mask_history(session=session, secrecy=secrecy, roles=user.roles,
                                  case_id=case.id, events=events)  # fmt: skip
            if documents:
                retention, retention_error = case_retention_rows(
                    request, session, case.id, user.roles
                )
    memo_kinds, memo_default = kind_choices(context.settings.memos_dir, data,
                                            config=context.board())  # fmt: skip
    return CaseView(
        case=mask_doc(data, hidden), hidden=hidden, row_version=case.row_version,
        case_id=case.id, moves=moves,
        events=events, history_total=history_total, renders=renders[::-1], deadlines=deadlines,
        meetings=meetings,
        decisions=decisions[::-1], signatories=signatories_of(people),
        memo_kinds=memo_kinds, memo_default=memo_default, agendas=agendas,
        officers=officers_of(people), offered=form_choices(context), retention=retention,
        retention_error=retention_error, names=names_of(people),
    )  # fmt: skip


def case_page(
    request: Request, user: PageUser, dnr: str, *, error: str | None = None,
    message: str | None = None, values: dict[str, str] | None = None, status_code: int = 200,
    history_all: bool = False,
    note: str = "",
) -> Response:  # fmt: skip
    """The case page; after a failed edit, `values` holds what the user typed (nothing saved)."""
    view = load_case_view(request, dnr, user, history_all=history_all)
    workflows = web(request).workflows
    own = workflows.find(view.case["workflow"])
    names = labels_of([wf.spec for wf in workflows.all()], own.spec if own else None)
    plan = financing_plan([(f["status"], f["amount_sek"]) for f in view.case["funders"]],
                          view.case["total_budget_sek"])  # fmt: skip
    shown = {name: display(name, view.case.get(name)) for name in LABELS}
    if values:
        shown.update(values)
    shown.update({name: MASK for name in view.hidden if name in shown})
    return render(
        request, "case.html",
        {"user": user, "view": view, "c": view.case,
         "labels": stage_labels(request, view.case["workflow"]),
         "fields": LABELS, "kinds": KINDS, "textareas": TEXTAREAS, "required": REQUIRED,
         "max_lengths": MAX_LENGTHS,
         "shown": shown, "hidden": view.hidden, "plan": plan,
         "closed": view.case["outcome"] is not None,
         "history": [(e, describe(e, names)) for e in view.events],
         "error": error, "message": message,
         "retention": view.retention, "retention_error": view.retention_error,
         "can_edit": allowed("edit_case", user.roles), "note": note,
         "can_memo": allowed("render_memo", user.roles),
         "can_finalize": allowed("finalize_memo", user.roles),
         "can_annul": allowed("annul_decision", user.roles),
         "can_schedule": allowed("schedule_case", user.roles),
         "today": local_date(web(request).clock.now()),
         "name_of": PeopleNames(request, view.names),
         "can_mark": may_mark(email=user.email, roles=user.roles,
                              handlaggare=view.case.get("handlaggare"))},
        status_code=status_code,
    )  # fmt: skip


def dnr_of(prefix: str, serial: str, year: str) -> str:
    return str(parse_dnr(f"{prefix}/{serial}/{year}"))


@router.get("/cases/{prefix}/{serial}/{year}")
async def case_detail(
    request: Request, user: User, prefix: str, serial: str, year: str
) -> Response:
    """The case page. Its query is read by hand, not declared: `?created=1` after creating the
    case, `?done=…&sig=…` the signed banner after an action (see `flash`), `?historik=alla` the
    whole history; anything else is ignored (declared, FastAPI's validation of the four was
    ~4 % of the page's CPU)."""
    query = request.query_params
    message = ("Ärendet är skapat. Fyll i uppgifterna nedan." if query.get("created") == "1"
               else done_message(user, query.get("done"), query.get("sig")))  # fmt: skip
    return case_page(request, user, dnr_of(prefix, serial, year), message=message,
                     history_all=query.get("historik") == "alla")  # fmt: skip
