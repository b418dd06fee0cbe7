"""Use cases of drafting: read the cases as ProjectRows (two queries, no ORM), build the year's
suggestions, and take a suggestion into an answer (appended, never overwriting).

For a role without access to marked case fields (`masked=True`), a marked title, owner, area or
priority reads `[sekretess]` and a marked start or end date is left out, so no suggestion quotes
a value the role may not see (funding lines are not case fields and stay as they are)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from caseflow.clock import Clock
from caseflow.errors import InputError, NotFoundError
from caseflow.records.models import SecrecyMark
from caseflow.records.vocabulary import MASK
from caseflow.results.defaults import DEFAULT_EDITION, DEFAULT_REGION
from caseflow.results.draft import Draft, FunderLine, ProjectRow, build_draft
from caseflow.results.drafting import DRAFTING_FILE, DraftingSpec, load_drafting
from caseflow.results.form import load_form
from caseflow.results.service import AnswerView, get_report, save_answer
from caseflow.store.db import Database
from caseflow.workflow.machine import CompiledWorkflow

_TABLE = SQLModel.metadata.tables["cases"]
_CASES = _TABLE.c
_FUNDERS = SQLModel.metadata.tables["case_funders"].c
_MARKS = SecrecyMark.__table__.c  # type: ignore[attr-defined]
#: The ProjectRow fields a mark may cover: text read as `[sekretess]`, dates left out.
_MASKED_TEXT = ("title", "owner", "area", "priority")
_MASKED_DATES = ("start_date", "end_date")


def _hidden(conn: Connection, ids: list[int]) -> dict[int, set[str]]:
    """The fields of `ids` under a mark in force."""
    found: dict[int, set[str]] = {}
    if not ids:
        return found
    stmt = select(_MARKS.case_id, _MARKS.field).where(
        _MARKS.case_id.in_(ids), _MARKS.handling_id.is_(None), _MARKS.lifted_at.is_(None)
    )
    for case_id, field in conn.execute(stmt):
        if field:
            found.setdefault(int(case_id), set()).add(str(field))
    return found


def _mask(row: ProjectRow, fields: set[str]) -> ProjectRow:
    changes: dict[str, object] = {
        name: MASK for name in _MASKED_TEXT if name in fields and getattr(row, name)
    }
    changes.update({name: None for name in _MASKED_DATES if name in fields})
    return dataclasses.replace(row, **changes) if changes else row  # type: ignore[arg-type]


def read_projects(
    conn: Connection, *, year: int, running_stages: Iterable[str], masked: bool = False
) -> list[ProjectRow]:
    """Every case that could matter for `year`: its period overlaps the year, or it has an
    anslag 1:1 line decided in the year (or undated). `ran`: in a running stage or completed.
    `masked`: marked fields masked (a role without access)."""
    running = set(running_stages)
    first, last = date(year, 1, 1), date(year, 12, 31)
    overlapping = (_CASES.start_date <= last) & (
        (_CASES.end_date >= first) | _CASES.end_date.is_(None)
    )
    funded = _CASES.id.in_(
        select(_FUNDERS.case_id).where(
            _FUNDERS.code == "anslag_1_1",
            (_FUNDERS.decision_date.between(first, last)) | _FUNDERS.decision_date.is_(None),
        )
    )
    wanted = overlapping | funded
    rows = conn.execute(
        select(
            _CASES.id, _CASES.dnr_prefix, _CASES.dnr_serial, _CASES.dnr_year, _CASES.title,
            _CASES.owner, _CASES.owner_is_region, _CASES.priority, _CASES.area,
            _CASES.start_date, _CASES.end_date, _CASES.stage, _CASES.outcome,
        )
        .where(wanted)
        .order_by(_CASES.dnr_year, _CASES.dnr_prefix, _CASES.dnr_serial)
    ).all()  # fmt: skip
    lines: dict[int, list[FunderLine]] = {}
    # The same condition as a join, not a list of ids: no bound-parameter limit, one plan.
    for case_id, code, status, amount, decided in conn.execute(
        select(_FUNDERS.case_id, _FUNDERS.code, _FUNDERS.status, _FUNDERS.amount_sek,
               _FUNDERS.decision_date)
        .join(_TABLE, _TABLE.c.id == _FUNDERS.case_id)
        .where(wanted)
        .order_by(_FUNDERS.case_id, _FUNDERS.position)
    ):  # fmt: skip
        lines.setdefault(case_id, []).append(FunderLine(code, status, amount, decided))
    hidden = _hidden(conn, [int(r[0]) for r in rows]) if masked else {}
    out = []
    for id_, prefix, serial, dnr_year, title, owner, own, priority, area, start, end, stage, \
            outcome in rows:  # fmt: skip
        row = ProjectRow(
            f"{prefix}/{serial}/{dnr_year}", title, owner, own, priority, area, start, end,
            stage in running or outcome == "completed", tuple(lines.get(id_, ())),
        )  # fmt: skip
        out.append(_mask(row, hidden[id_]) if id_ in hidden else row)
    return out


def prefill(
    *,
    db: Database,
    year: int,
    running_stages: Iterable[str],
    region: str = DEFAULT_REGION,
    drafting: DraftingSpec | None = None,
    masked: bool = False,
) -> Draft:
    """The year's suggestions from the cases, for the report's form edition (or the default
    edition if the year has no report yet); `masked`: for a role without access to marked
    fields.

    Raises:
        DraftingError: the drafting configuration does not fit the form.
    """
    try:
        edition = get_report(db=db, year=year, region=region).form.edition
    except NotFoundError:  # no report yet: draft against the default form
        edition = DEFAULT_EDITION
    spec = drafting or load_drafting(DRAFTING_FILE, form=load_form(edition))
    with db.reading() as conn:
        rows = read_projects(conn, year=year, running_stages=running_stages, masked=masked)
    return build_draft(rows, year=year, spec=spec, region=region)


def accept_suggestion(
    *,
    db: Database,
    workflow: CompiledWorkflow,
    year: int,
    slot: str,
    running_stages: Iterable[str],
    actor: str,
    clock: Clock,
    region: str = DEFAULT_REGION,
    masked: bool = False,
) -> AnswerView:
    """Take the suggestion for `slot` into the answer: appended after what is there (a blank
    line between), never replacing it; a suggestion already in the answer is not added again.

    Raises:
        InputError: no suggestion for the slot, or it is already in the answer.
        And as `save_answer` (locked report, conflicts).
    """
    draft = prefill(db=db, year=year, running_stages=running_stages, region=region, masked=masked)
    suggestion = draft.suggestions.get(slot)
    if suggestion is None:
        raise InputError(f"inget förslag till {slot} för {year}")
    report = get_report(db=db, year=year, region=region)
    current = report.answers.get(slot)
    text = current.text if current else ""
    if suggestion.text in text:
        raise InputError(f"förslaget finns redan i svaret på {slot}")
    combined = f"{text.rstrip()}\n\n{suggestion.text}" if text.strip() else suggestion.text
    return save_answer(
        db=db, workflow=workflow, year=year, slot=slot, text=combined, actor=actor, clock=clock,
        expected_version=current.version if current else 0, region=region,
    )  # fmt: skip


def prefill_report(
    *,
    db: Database,
    workflow: CompiledWorkflow,
    year: int,
    running_stages: Iterable[str],
    actor: str,
    clock: Clock,
    region: str = DEFAULT_REGION,
) -> list[str]:
    """Write each suggestion into its slot where the answer is still empty (a new report);
    slots with text are left alone. Returns the slots written.

    Raises:
        As `save_answer` (locked report, conflicts).
    """
    draft = prefill(db=db, year=year, running_stages=running_stages, region=region)
    answers = get_report(db=db, year=year, region=region).answers
    written = []
    for slot, suggestion in draft.suggestions.items():
        current = answers.get(slot)
        if current is not None and current.text.strip():
            continue
        save_answer(
            db=db, workflow=workflow, year=year, slot=slot, text=suggestion.text, actor=actor,
            clock=clock, expected_version=current.version if current else 0, region=region,
        )  # fmt: skip
        written.append(slot)
    return written
