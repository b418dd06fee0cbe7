"""/api/v1: cases — list, create, read, edit, funders, moves, history, notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query, Security
from pydantic import BaseModel, ConfigDict, Field

from caseflow.cases.caselist import MAX_PER_PAGE, PER_PAGE, SORTS, CaseFilter, CaseRow, find_cases
from caseflow.cases.engine import create_case, edit_case, fire, possible_moves, set_funder
from caseflow.cases.funding import remove_funder
from caseflow.cases.notes import MAX_NOTE, add_note
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.permissions import require
from caseflow.errors import UnknownCaseError
from caseflow.records.config import SecrecyConfig
from caseflow.records.fieldmask import hidden_fields, mask_doc, mask_history, refuse_hidden
from caseflow.store.casemap import case_to_dict
from caseflow.store.caseread import read_case_facts
from caseflow.store.db import Database
from caseflow.store.models import Case
from caseflow.store.prepared import cursor_in
from caseflow.store.repo import list_events, require_case
from caseflow.web.api.common import (
    CASE,
    ApiRoute,
    ApiUser,
    Context,
    Prefix,
    Serial,
    Text,
    Year,
    bearer,
    clean,
    dnr_of,
    errors,
)
from caseflow.web.api.models import (
    CaseOut,
    CasePage,
    CaseSummary,
    EditBody,
    EditOut,
    EventOut,
    FunderBody,
    MoveBody,
    MoveOut,
    NewCase,
    TransitionOut,
)

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])
CASES = "Ärenden"
MOVES = "Flyttar"


def summary_of(row: CaseRow | Case, hidden: frozenset[str] = frozenset()) -> CaseSummary:
    values = {
        "title": row.title, "area": row.area, "owner": row.owner,
        "handlaggare": row.handlaggare, "end_date": row.end_date,
        "total_budget_sek": row.total_budget_sek,
    }  # fmt: skip
    return CaseSummary(
        diarienummer=row.diarienummer, stage=row.stage, outcome=row.outcome,
        updated_at=row.updated_at, masked=sorted(hidden & set(values)),
        **mask_doc(values, hidden),
    )  # fmt: skip


def case_out(case: Case, hidden: frozenset[str] = frozenset()) -> CaseOut:
    return CaseOut.model_validate(
        {**mask_doc(case_to_dict(case), hidden), "row_version": case.row_version,
         "updated_at": case.updated_at, "masked": sorted(hidden)}
    )  # fmt: skip


def read_case(db: Database, dnr: str, *, secrecy: SecrecyConfig, roles: Sequence[str]) -> CaseOut:
    """The case JSON, its marked fields masked unless `roles` may see them."""
    number = parse_dnr(dnr)
    with db.read() as session:
        with cursor_in(session.connection()) as tx:  # prebuilt statements, no ORM load
            found = read_case_facts(tx=tx, dnr=number)
        if found is None:
            raise UnknownCaseError(f"ärendet {number} finns inte")
        facts, data, updated_at = found
        hidden = hidden_fields(session=session, secrecy=secrecy, roles=roles, case_ids=[facts.id])
    masked = hidden.get(facts.id, frozenset())
    return CaseOut.model_validate(
        {**mask_doc(data, masked), "row_version": facts.row_version, "updated_at": updated_at,
         "masked": sorted(masked)}
    )  # fmt: skip


@router.get("/cases", tags=[CASES], summary="Sök och lista ärenden", responses=errors(400))
def list_cases(
    user: ApiUser,
    ctx: Context,
    q: Annotated[str | None, Query(max_length=200, description="Diarienummer eller delar av "
                                   "det (479, RUN/479), eller ord i namn, syfte, kommentar och "
                                   "ägare")] = None,
    stage: Text = None,
    area: Text = None,
    funder: Text = None,
    owner: Text = None,
    handlaggare: Text = None,
    sort: Annotated[str, Query(pattern=f"^({'|'.join(SORTS)})$")] = "diarienummer",
    order: Literal["asc", "desc"] = "asc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
) -> CasePage:  # fmt: skip
    """One page of the cases matching every given filter, and how many match in all."""
    f = CaseFilter(
        q=clean(q, "q"), stage=clean(stage, "stage"), area=clean(area, "area"),
        funder=clean(funder, "funder"), owner=clean(owner, "owner"),
        handlaggare=clean(handlaggare, "handlaggare"), sort=sort, descending=order == "desc",
        page=page, per_page=per_page,
    )  # fmt: skip
    masked = not ctx.records.secrecy.may_see(tuple(user.roles))
    with ctx.db.reading() as conn:
        result = find_cases(conn, f, masked=masked)
    with ctx.db.read() as session:
        hidden = hidden_fields(session=session, secrecy=ctx.records.secrecy, roles=user.roles,
                               case_ids=[row.id for row in result.rows])  # fmt: skip
    return CasePage(
        total=result.total, total_exact=result.total_exact, page=page, per_page=per_page,
        pages=result.pages,
        items=[summary_of(row, hidden.get(row.id, frozenset())) for row in result.rows],
    )  # fmt: skip


@router.post(
    "/cases", status_code=201, tags=[CASES], summary="Registrera ett ärende",
    description="Ärendets JSON som i `caseflow case create`; svarar med det sparade ärendet.",
    responses=errors(400, 403, 409),
)  # fmt: skip
def create(user: ApiUser, ctx: Context, doc: NewCase) -> CaseOut:
    """Register a new case (a `create` event)."""
    require("create_case", user.email, user.roles)
    case = create_case(db=ctx.db, workflows=ctx.workflows, doc=doc, actor=user.email,
                       clock=ctx.clock)  # fmt: skip
    return read_case(ctx.db, case.diarienummer, secrecy=ctx.records.secrecy, roles=user.roles)


@router.get(CASE, tags=[CASES], summary="Ett ärende", responses=errors(400, 404))
def read(user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year) -> CaseOut:
    """The case JSON with its row version (send it back as `expected_version`); fields under a
    secrecy mark are masked for a role without access (listed in `masked`)."""
    return read_case(ctx.db, dnr_of(prefix, serial, year), secrecy=ctx.records.secrecy,
                     roles=user.roles)  # fmt: skip


@router.patch(CASE, tags=[CASES], summary="Ändra fält", responses=errors(400, 403, 404, 409))
def edit(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year, body: EditBody
) -> EditOut:
    """Change plain fields; the whole case is validated, and nothing is saved on an error."""
    dnr = dnr_of(prefix, serial, year)
    require("edit_case", user.email, user.roles)
    refuse_hidden(db=ctx.db, secrecy=ctx.records.secrecy, roles=user.roles, dnr=dnr,
                  names=body.changes)  # fmt: skip
    result = edit_case(
        db=ctx.db, dnr=dnr, changes=body.changes, actor=user.email, clock=ctx.clock,
        reason=body.reason, expected_version=body.expected_version, workflows=ctx.workflows,
    )  # fmt: skip
    return EditOut(diarienummer=result.diarienummer, changes=result.changes,
                   row_version=result.row_version)  # fmt: skip


@router.put(
    CASE + "/funders/{code}", tags=[CASES], summary="Lägg till eller ändra en finansiär",
    responses=errors(400, 403, 404, 409),
)  # fmt: skip
def put_funder(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
    code: Annotated[str, Path(max_length=64, examples=["anslag_1_1"])], body: FunderBody,
) -> EditOut:  # fmt: skip
    """Add the funder `code` to the case, or change the given keys of the one it has."""
    dnr = dnr_of(prefix, serial, year)
    require("edit_case", user.email, user.roles)
    values = body.model_dump(mode="json", exclude={"expected_version"})
    result = set_funder(db=ctx.db, dnr=dnr, funder={"code": code, **values}, actor=user.email,
                        clock=ctx.clock, expected_version=body.expected_version)  # fmt: skip
    return EditOut(diarienummer=result.diarienummer, changes=result.changes,
                   row_version=result.row_version)  # fmt: skip


@router.delete(
    CASE + "/funders/{code}", tags=[CASES], summary="Ta bort en finansiär",
    description="Finansiären tas bort ur finansieringsplanen; historiken sparar vad den hade.",
    responses=errors(400, 403, 404, 409),
)  # fmt: skip
def delete_funder(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
    code: Annotated[str, Path(max_length=64, examples=["anslag_1_1"])],
    reason: Annotated[str | None, Query(max_length=2000, description="Motivering")] = None,
    expected_version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> EditOut:  # fmt: skip
    """Remove the funder `code` from the case (recorded in the history with the reason)."""
    dnr = dnr_of(prefix, serial, year)
    require("edit_case", user.email, user.roles)
    result = remove_funder(db=ctx.db, dnr=dnr, code=code, actor=user.email, clock=ctx.clock,
                           reason=reason, expected_version=expected_version)  # fmt: skip
    return EditOut(diarienummer=result.diarienummer, changes=result.changes,
                   row_version=result.row_version)  # fmt: skip


@router.get(CASE + "/moves", tags=[MOVES], summary="Möjliga flyttar",
            responses=errors(400, 404))  # fmt: skip
def moves(user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year) -> list[MoveOut]:
    """The moves from the case's stage; a blocked one lists why (guards, the caller's roles)."""
    dnr = dnr_of(prefix, serial, year)
    _, found = possible_moves(db=ctx.db, workflows=ctx.workflows, dnr=dnr, actor=user.email)
    return [
        MoveOut(
            trigger=m.trigger,
            label=m.label,
            dest=m.dest,
            allowed=m.is_allowed,
            problems=list(m.problems),
            reason_required=m.reason_required,
            roles=list(m.roles),
            outcome=m.outcome,
        )  # fmt: skip
        for m in found
    ]


@router.post(
    CASE + "/moves/{trigger}", tags=[MOVES], summary="Flytta ärendet",
    description="409 med `problems` om villkoren inte är uppfyllda; 403 utan rätt roll.",
    responses=errors(400, 403, 404, 409),
)  # fmt: skip
def move(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
    trigger: Annotated[str, Path(max_length=64, examples=["start_planning"])],
    body: Annotated[MoveBody | None, Body()] = None,
) -> TransitionOut:  # fmt: skip
    """Fire `trigger` on the case (the workflow's roles and guards decide)."""
    given = body or MoveBody()
    result = fire(
        db=ctx.db, workflows=ctx.workflows, dnr=dnr_of(prefix, serial, year), trigger=trigger,
        actor=user.email, clock=ctx.clock, reason=given.reason,
        expected_version=given.expected_version,
    )  # fmt: skip
    return TransitionOut(
        diarienummer=result.diarienummer, trigger=result.trigger, from_stage=result.from_stage,
        to_stage=result.to_stage, outcome=result.outcome, row_version=result.row_version,
        at=result.at,
    )  # fmt: skip


@router.get(CASE + "/history", tags=[CASES], summary="Ärendets historik",
            responses=errors(400, 404))  # fmt: skip
def history(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year
) -> list[EventOut]:
    """Every event of the case, oldest first."""
    dnr = parse_dnr(dnr_of(prefix, serial, year))
    with ctx.db.read() as session:
        case = require_case(session=session, dnr=dnr)
        assert case.id is not None
        events = list_events(session=session, case_id=case.id)
        shown = mask_history(session=session, secrecy=ctx.records.secrecy, roles=user.roles,
                             case_id=case.id, events=events)  # fmt: skip
        return [EventOut.model_validate(e, from_attributes=True) for e in shown]


class NoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_NOTE, description="Anteckningen")


class NoteOut(BaseModel):
    diarienummer: str
    text: str
    actor: str
    at: datetime


@router.post(
    CASE + "/notes", tags=[CASES], summary="Skriv en anteckning", status_code=201,
    description="Sparas i ärendets historik med vem och när; sökningen hittar den.",
    responses=errors(400, 403, 404),
)  # fmt: skip
def note(
    user: ApiUser, ctx: Context, prefix: Prefix, serial: Serial, year: Year,
    body: Annotated[NoteBody, Body()],
) -> NoteOut:  # fmt: skip
    """Add a note (a `note` event: who, when, the text) to the case."""
    require("add_note", user.email, user.roles)
    made = add_note(db=ctx.db, dnr=dnr_of(prefix, serial, year), text=body.text,
                    actor=user.email, clock=ctx.clock)  # fmt: skip
    return NoteOut(diarienummer=made.diarienummer, text=made.text, actor=made.actor, at=made.at)
