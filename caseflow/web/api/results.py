"""/api/v1/results: the yearly results report (förordning 2024:99) of a region (`?region=`, the
default region unless given) — read it with its counts, write answers, move it through its
workflow, drafting suggestions, deadlines, section owners and the filled form as a file (Word,
PDF through LibreOffice, Excel)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Security
from fastapi.responses import Response
from pydantic import BaseModel, Field

from caseflow.domain.workdays import local_date
from caseflow.memo.pdf import docx_to_pdf
from caseflow.results import lifecycle, owners, service
from caseflow.results.defaults import DEFAULT_REGION
from caseflow.results.export import render_docx, render_xlsx
from caseflow.results.prefill import accept_suggestion, prefill
from caseflow.web.api.common import ApiRoute, ApiUser, Body, Context, bearer, errors

router = APIRouter(route_class=ApiRoute, dependencies=[Security(bearer)])
TAG = "Resultatredovisning"
SUBJECT = "results_report"
YearPath = Annotated[int, Path(ge=2000, le=2100, description="Året som redovisas", examples=[2025])]
SlotPath = Annotated[str, Path(max_length=8, pattern=r"^\d+\.\d+[a-z]?$", examples=["2.3"])]
TriggerPath = Annotated[str, Path(max_length=64, examples=["send_to_review"])]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
Region = Annotated[
    str,
    Query(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$",
          description="Regionen (standard: den egna)"),
]  # fmt: skip
SectionPath = Annotated[int, Path(ge=1, le=99, description="Avsnittet", examples=[2])]
EmailPath = Annotated[str, Path(max_length=254, examples=["anna@region.se"])]


class ReportSummaryOut(BaseModel):
    region: str
    year: int
    form_edition: str
    status: str
    status_label: str
    row_version: int


class AnswerBody(Body):
    text: str | None = Field(default=None, max_length=100_000, description="Svaret (None: orört)")
    choice: str | None = Field(default=None, max_length=32, description="Kryss: Ja, Nej …")
    expected_version: int | None = Field(
        default=None, ge=0, description="Svarets version du utgick från (0: inget svar ännu)"
    )


class AnswerOut(BaseModel):
    slot: str
    text: str
    choice: str | None
    version: int
    updated_by: str
    section: int
    section_count: int = Field(description="Avsnittets tecken, alla svar tillsammans")
    section_limit: int
    section_remaining: int = Field(description="Negativt: över gränsen")


class MoveBody(Body):
    reason: str | None = Field(default=None, max_length=2000)
    expected_version: int | None = Field(default=None, ge=1)


class MoveOut(BaseModel):
    trigger: str
    label: str
    dest: str
    roles: list[str]
    allowed: bool
    problems: list[str]


class HistoryOut(BaseModel):
    at: datetime
    actor: str
    trigger: str
    from_stage: str
    to_stage: str
    reason: str | None
    row_version: int


class MovesOut(BaseModel):
    status: str
    status_label: str
    row_version: int
    moves: list[MoveOut]
    history: list[HistoryOut]


class DeadlineOut(BaseModel):
    rule: str
    label: str
    due_on: date
    remind_on: date


def _label(ctx: Context, status: str) -> str:
    state = ctx.workflows.for_subject(SUBJECT).state(status)
    return state.label if state else status


@router.get("/results", tags=[TAG], summary="Resultatredovisningar", responses=errors())
def reports(user: ApiUser, ctx: Context) -> list[ReportSummaryOut]:
    """Every region's reports, newest year first."""
    return [ReportSummaryOut(**asdict(r), status_label=_label(ctx, r.status))
            for r in service.list_reports(db=ctx.db)]  # fmt: skip


@router.get("/results/{year}", tags=[TAG], summary="Redovisningen", responses=errors(404))
def report(user: ApiUser, ctx: Context, year: YearPath,
           region: Region = DEFAULT_REGION) -> dict[str, Any]:  # fmt: skip
    """Sections with limit, count, remainder and owners; questions with text, answers and check
    boxes (as `caseflow results show --json`)."""
    view = service.get_report(db=ctx.db, year=year, region=region)
    found = owners.list_owners(db=ctx.db, year=year, region=region)
    return service.report_to_dict(view, _label(ctx, view.status),
                                  [(o.section, o.email, o.name) for o in found])  # fmt: skip


@router.put("/results/{year}/answers/{slot}", tags=[TAG], summary="Spara ett svar",
            responses=errors(400, 404, 409))  # fmt: skip
def answer(user: ApiUser, ctx: Context, year: YearPath, slot: SlotPath,
           body: AnswerBody, region: Region = DEFAULT_REGION) -> AnswerOut:  # fmt: skip
    """Write one answer (text and/or check box); a stale `expected_version` is a 409."""
    saved = service.save_answer(
        db=ctx.db, workflow=ctx.workflows.for_subject(SUBJECT), year=year, slot=slot,
        text=body.text, choice=body.choice, expected_version=body.expected_version,
        actor=user.email, clock=ctx.clock, region=region,
    )  # fmt: skip
    return _answer_out(ctx, year, saved, region)


def _answer_out(ctx: Context, year: int, saved: service.AnswerView, region: str) -> AnswerOut:
    view = service.get_report(db=ctx.db, year=year, region=region)
    section = view.form.section_of(saved.slot)
    count = next(c for c in view.counts if c.number == section.number)
    return AnswerOut(
        slot=saved.slot, text=saved.text, choice=saved.choice, version=saved.version,
        updated_by=saved.updated_by, section=section.number, section_count=count.used,
        section_limit=count.limit, section_remaining=count.remaining,
    )  # fmt: skip


@router.post("/results/{year}/answers/{slot}/accept", tags=[TAG],
             summary="Ta in förslaget i svaret", responses=errors(400, 404, 409))  # fmt: skip
def accept(user: ApiUser, ctx: Context, year: YearPath, slot: SlotPath,
           region: Region = DEFAULT_REGION) -> AnswerOut:  # fmt: skip
    """Append the drafting suggestion for the slot to its answer (never replacing it)."""
    saved = accept_suggestion(
        db=ctx.db, workflow=ctx.workflows.for_subject(SUBJECT), year=year, slot=slot,
        running_stages=ctx.workflows.running_stages(), actor=user.email, clock=ctx.clock,
        region=region, masked=not ctx.records.secrecy.may_see(tuple(user.roles)),
    )  # fmt: skip
    return _answer_out(ctx, year, saved, region)


@router.get("/results/{year}/moves", tags=[TAG], summary="Möjliga flyttar och historik",
            responses=errors(404))  # fmt: skip
def moves(user: ApiUser, ctx: Context, year: YearPath,
          region: Region = DEFAULT_REGION) -> MovesOut:  # fmt: skip
    """The report's stage, each move with what blocks it for you, and the history."""
    workflow = ctx.workflows.for_subject(SUBJECT)
    view = service.get_report(db=ctx.db, year=year, region=region)
    found = lifecycle.report_moves(db=ctx.db, workflow=workflow, year=year, actor=user.email,
                                   region=region)  # fmt: skip
    history = lifecycle.report_history(db=ctx.db, year=year, region=region)
    return MovesOut(
        status=view.status, status_label=_label(ctx, view.status), row_version=view.row_version,
        moves=[MoveOut(trigger=m.trigger, label=m.label, dest=m.dest, roles=list(m.roles),
                       allowed=m.is_allowed, problems=list(m.problems)) for m in found],
        history=[HistoryOut(**asdict(h)) for h in history],
    )  # fmt: skip


@router.post("/results/{year}/moves/{trigger}", tags=[TAG], summary="Flytta redovisningen",
             responses=errors(400, 403, 404, 409))  # fmt: skip
def fire(user: ApiUser, ctx: Context, year: YearPath, trigger: TriggerPath,
         body: MoveBody | None = None, region: Region = DEFAULT_REGION) -> HistoryOut:  # fmt: skip
    """Fire a move (roles and guards as in the workflow); a blocked move is a 409 with
    `problems`."""
    move = lifecycle.fire_report(
        db=ctx.db, workflow=ctx.workflows.for_subject(SUBJECT), year=year, trigger=trigger,
        actor=user.email, clock=ctx.clock, reason=body.reason if body else None,
        expected_version=body.expected_version if body else None, region=region,
    )  # fmt: skip
    return HistoryOut(**asdict(move))


@router.get("/results/{year}/prefill", tags=[TAG], summary="Förslag ur ärendena",
            responses=errors())  # fmt: skip
def suggestions(user: ApiUser, ctx: Context, year: YearPath,
                region: Region = DEFAULT_REGION) -> dict[str, Any]:  # fmt: skip
    """Suggestions per question from the year's cases, projects to place, anslag 1:1 sums."""
    draft = prefill(db=ctx.db, year=year, running_stages=ctx.workflows.running_stages(),
                    region=region,
                    masked=not ctx.records.secrecy.may_see(tuple(user.roles)))  # fmt: skip
    return {
        "year": year,
        "suggestions": [asdict(s) for s in draft.suggestions.values()],
        "unplaced": [asdict(s) for s in draft.unplaced],
        "programmes": [asdict(p) for p in draft.programmes],
        "warnings": draft.warnings,
    }


@router.get("/results/{year}/deadlines", tags=[TAG], summary="Redovisningens frister",
            responses=errors(404))  # fmt: skip
def deadlines(user: ApiUser, ctx: Context, year: YearPath,
              region: Region = DEFAULT_REGION) -> list[DeadlineOut]:  # fmt: skip
    """21 February and the adopting board meeting, while the report's stage has them."""
    found = lifecycle.report_deadlines_of(
        db=ctx.db, workflow=ctx.workflows.for_subject(SUBJECT), year=year,
        today=local_date(ctx.clock.now()), region=region,
    )  # fmt: skip
    return [DeadlineOut(rule=d.rule, label=d.label, due_on=d.on, remind_on=d.remind_on)
            for d in found]  # fmt: skip


@router.get("/results/{year}/export", tags=[TAG], summary="Den ifyllda blanketten som fil",
            responses={**errors(404), 503: {"description": "PDF kräver LibreOffice"}})  # fmt: skip
def export(
    user: ApiUser, ctx: Context, year: YearPath,
    format: Annotated[
        str, Query(pattern="^(docx|pdf|xlsx)$", description="docx, pdf eller xlsx")
    ] = "docx",
    region: Region = DEFAULT_REGION,
) -> Response:  # fmt: skip
    """The filled form as Word, PDF (the Word file converted by LibreOffice) or Excel, with
    each section's count."""
    data, kind = export_file(ctx, year, format, region)
    name = f"resultatredovisning-{year}.{format}"
    return Response(data, media_type=kind,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


def export_file(ctx: Context, year: int, fmt: str, region: str) -> tuple[bytes, str]:
    """(bytes, media type) of the filled form as `fmt` (docx, pdf or xlsx); the web's download
    links use it too."""
    filled = service.filled_report(db=ctx.db, workflow=ctx.workflows.for_subject(SUBJECT),
                                   year=year, region=region)  # fmt: skip
    if fmt == "xlsx":
        return render_xlsx(filled), XLSX
    data = render_docx(filled)
    if fmt == "pdf":
        return docx_to_pdf(data, name=f"resultatredovisning-{year}"), PDF
    return data, DOCX


class OwnerOut(BaseModel):
    section: int
    email: str
    name: str
    assigned_by: str
    assigned_at: datetime


class OwnerBody(Body):
    email: str = Field(max_length=254, description="Den som äger avsnittet", examples=["a@b.se"])


@router.get("/results/{year}/owners", tags=[TAG], summary="Avsnittens ägare",
            responses=errors(404))  # fmt: skip
def section_owners(user: ApiUser, ctx: Context, year: YearPath,
                   region: Region = DEFAULT_REGION) -> list[OwnerOut]:  # fmt: skip
    """Who owns which section (and gets the report's deadline reminders)."""
    return [OwnerOut(**asdict(o))
            for o in owners.list_owners(db=ctx.db, year=year, region=region)]  # fmt: skip


@router.post("/results/{year}/owners/{section}", tags=[TAG], summary="Ge ett avsnitt en ägare",
             responses=errors(400, 403, 404))  # fmt: skip
def add_section_owner(
    user: ApiUser, ctx: Context, year: YearPath, section: SectionPath, body: OwnerBody,
    region: Region = DEFAULT_REGION,
) -> list[OwnerOut]:  # fmt: skip
    """Make a registered person an owner of the section (already one: nothing changes)."""
    owners.check_may_assign(user.roles)
    found = owners.add_owner(db=ctx.db, year=year, section=section, email=body.email,
                             actor=user.email, clock=ctx.clock, region=region)  # fmt: skip
    return [OwnerOut(**asdict(o)) for o in found]


@router.delete("/results/{year}/owners/{section}/{email}", tags=[TAG],
               summary="Ta bort ett avsnitts ägare", responses=errors(400, 403, 404))  # fmt: skip
def remove_section_owner(
    user: ApiUser, ctx: Context, year: YearPath, section: SectionPath, email: EmailPath,
    region: Region = DEFAULT_REGION,
) -> list[OwnerOut]:  # fmt: skip
    """Take the address off the section's owners."""
    owners.check_may_assign(user.roles)
    found = owners.remove_owner(db=ctx.db, year=year, section=section, email=email,
                                region=region)  # fmt: skip
    return [OwnerOut(**asdict(o)) for o in found]
