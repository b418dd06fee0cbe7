"""Use cases of the results report: create a year's report, import last year's answers, save
one answer with its row version, and read the report with its section counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from caseflow.clock import Clock
from caseflow.errors import ConflictError, DuplicateError, InputError, NotFoundError
from caseflow.results.count import SectionCount, count_form, normalise
from caseflow.results.defaults import DEFAULT_EDITION, DEFAULT_REGION
from caseflow.results.export import FilledReport
from caseflow.results.form import FormSpec, load_form
from caseflow.results.ocr_import import ImportedAnswers, import_answers
from caseflow.store.db import Database
from caseflow.store.models import ResultsAnswer, ResultsReport
from caseflow.workflow.machine import CompiledWorkflow

DRAFT = "draft"  # the initial state of workflows/results_report.yaml


@dataclass(frozen=True)
class AnswerView:
    slot: str
    text: str
    choice: str | None
    version: int
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class ReportView:
    region: str
    year: int
    form: FormSpec
    status: str  # a state of the report's workflow
    answers: Mapping[str, AnswerView]
    row_version: int = 1

    @property
    def counts(self) -> list[SectionCount]:
        return count_form(self.form, {s: a.text for s, a in self.answers.items()})


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise InputError(f"ogiltigt år {year}; skriv t.ex. 2024")


def load_report(
    session: Session, region: str, year: int, *, lock: bool | str = False
) -> ResultsReport:
    """The report row. `lock=True` takes a row lock for a move (PostgreSQL `FOR UPDATE`),
    `lock="share"` a shared one for writing an answer (`FOR SHARE`: answers to different
    questions go on together, but none slips in while a move checks the guards).

    Raises:
        NotFoundError: no report for that region and year.
    """
    stmt = select(ResultsReport).where(ResultsReport.region == region, ResultsReport.year == year)
    if lock:
        stmt = stmt.with_for_update(read=lock == "share")
    report = session.exec(stmt).first()
    if report is None:
        raise NotFoundError(
            f"ingen resultatredovisning för {year} ({region}); skapa den med `results new {year}`"
        )
    return report


def _view(session: Session, report: ResultsReport) -> ReportView:
    rows = session.exec(select(ResultsAnswer).where(ResultsAnswer.report_id == report.id)).all()
    answers = {
        r.slot: AnswerView(r.slot, r.text, r.choice, r.version, r.updated_by, r.updated_at)
        for r in rows
    }
    form = load_form(report.form_edition)
    return ReportView(report.region, report.year, form, report.status, answers, report.row_version)


def create_report(
    *,
    db: Database,
    year: int,
    actor: str,
    clock: Clock,
    form_edition: str = DEFAULT_EDITION,
    region: str = DEFAULT_REGION,
) -> ReportView:
    """Start the report for `year` as a draft ("utkast") on `form_edition`.

    Raises:
        InputError: an implausible year. FormError: unknown edition.
        DuplicateError: the region already has a report for that year.
    """
    _check_year(year)
    form = load_form(form_edition)
    message = f"det finns redan en resultatredovisning för {year} ({region})"
    with db.write(duplicate=message) as session:
        exists = session.exec(
            select(ResultsReport.id).where(
                ResultsReport.region == region, ResultsReport.year == year
            )
        ).first()
        if exists is not None:
            raise DuplicateError(message)
        report = ResultsReport(
            region=region, year=year, form_edition=form.edition, status=DRAFT,
            created_by=actor, created_at=clock.now(),
        )  # fmt: skip
        session.add(report)
        session.flush()
        return _view(session, report)


def get_report(*, db: Database, year: int, region: str = DEFAULT_REGION) -> ReportView:
    """The report with every stored answer.

    Raises:
        NotFoundError: no report for that year.
    """
    with db.read() as session:
        return _view(session, load_report(session, region, year))


def _check_answer(form: FormSpec, slot: str, text: str | None, choice: str | None) -> None:
    question = form.question(slot)
    if question is None or (slot not in question.slots):
        if question is not None and question.parts:
            keys = ", ".join(question.slots)
            raise InputError(f"fråga {slot} besvaras i delarna {keys}")
        raise InputError(f"okänd fråga {slot!r} i blanketten {form.edition}")
    part = question.part(slot)
    if choice is not None and part is None:
        raise InputError(f"fråga {slot} har inga kryssrutor")
    if choice is not None and part is not None and choice not in part.options:
        raise InputError(f"{slot}: välj ett av {', '.join(part.options)}, inte {choice!r}")
    if text is None and choice is None:
        raise InputError(f"{slot}: ange en text eller ett kryss")


def save_answer(
    *,
    db: Database,
    year: int,
    slot: str,
    actor: str,
    clock: Clock,
    workflow: CompiledWorkflow,
    text: str | None = None,
    choice: str | None = None,
    expected_version: int | None = None,
    region: str = DEFAULT_REGION,
) -> AnswerView:
    """Write one answer slot (text and/or check box); None leaves that half unchanged.

    `expected_version` is the version the writer read (0: no answer yet); if the stored one
    differs, nothing is written. Answers to different slots never conflict. A report in a
    `locked` state of `workflow` (adopted, submitted) takes no answers.

    Raises:
        NotFoundError: no report for the year. InputError: unknown slot or option, or the
        report is locked. ConflictError: the answer changed since `expected_version`.
    """
    # Two first answers to one slot at once: the loser hits the unique constraint.
    race = _conflict(slot, year, "en nyare", expected_version)
    try:
        with db.write(duplicate=race) as session:
            report = load_report(session, region, year, lock="share")
            check_unlocked(workflow, report)
            _check_answer(load_form(report.form_edition), slot, text, choice)
            return _write(session, report, slot, text, choice, expected_version, actor, clock)
    except DuplicateError as err:
        raise ConflictError(str(err)) from None


def check_unlocked(workflow: CompiledWorkflow, report: ResultsReport) -> None:
    """Raises InputError if the report's state is `locked` (its text is adopted)."""
    state = workflow.state(report.status)
    if state is not None and state.locked:
        raise InputError(
            f"resultatredovisningen för {report.year} är {state.label.lower()} och kan inte "
            "ändras; en beslutsfattare kan föra den tillbaka till utkast med en motivering"
        )


def _conflict(slot: str, year: int, version: int | str, expected: int | None) -> str:
    return (
        f"svaret på {slot} ({year}) har ändrats av någon annan (version {version}, du utgick "
        f"från {expected}); läs om det med `results show {year}` och försök igen"
    )


def _write(
    session: Session,
    report: ResultsReport,
    slot: str,
    text: str | None,
    choice: str | None,
    expected: int | None,
    actor: str,
    clock: Clock,
) -> AnswerView:
    assert report.id is not None
    now = clock.now()
    row = session.exec(
        select(ResultsAnswer).where(
            ResultsAnswer.report_id == report.id, ResultsAnswer.slot == slot
        )
    ).first()
    current = row.version if row else 0
    if expected is not None and expected != current:
        raise ConflictError(_conflict(slot, report.year, current, expected))
    clean = normalise(text) if text is not None else None
    if row is None:
        row = ResultsAnswer(
            report_id=report.id, slot=slot, text=clean or "", choice=choice, version=1,
            updated_by=actor, updated_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
    else:
        values: dict[str, object] = {"version": current + 1, "updated_by": actor, "updated_at": now}
        if clean is not None:
            values["text"] = clean
        if choice is not None:
            values["choice"] = choice
        result = session.execute(
            update(ResultsAnswer)
            .where(col(ResultsAnswer.id) == row.id, col(ResultsAnswer.version) == current)
            .values(**values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(_conflict(slot, report.year, "en nyare", expected))
        session.refresh(row)
    return AnswerView(row.slot, row.text, row.choice, row.version, row.updated_by, row.updated_at)


@dataclass(frozen=True)
class ImportOutcome:
    imported: ImportedAnswers
    written: list[str]


def import_previous_answers(
    *,
    db: Database,
    year: int,
    text: str,
    actor: str,
    clock: Clock,
    region: str = DEFAULT_REGION,
) -> ImportOutcome:
    """Fill an empty report from a filled form's text (last year's answers as a start).

    All or nothing: if any question cannot be placed, or the report already has answers,
    nothing is written.

    Raises:
        NotFoundError: no report for the year. InputError: unplaced questions or text (listed),
        or answers already present.
    """
    with db.write() as session:
        report = load_report(session, region, year)
        form = load_form(report.form_edition)
        imported = import_answers(text, form)
        if not imported.complete:
            parts = []
            if imported.missing:
                parts.append(f"ej placerade frågor: {', '.join(imported.missing)}")
            if imported.stray:
                parts.append(f"text utan fråga: {' | '.join(imported.stray[:3])}")
            raise InputError(f"importen avbröts, inget sparat; {'; '.join(parts)}")
        has_answers = session.exec(
            select(ResultsAnswer.id).where(ResultsAnswer.report_id == report.id)
        ).first()
        if has_answers is not None:
            raise InputError(f"resultatredovisningen för {year} har redan svar; inget importerat")
        assert report.id is not None
        now = clock.now()
        for slot in form.slots:
            session.add(
                ResultsAnswer(
                    report_id=report.id,
                    slot=slot,
                    text=normalise(imported.texts.get(slot, "")),
                    choice=imported.choices.get(slot),
                    version=1,
                    updated_by=actor,
                    updated_at=now,
                )  # fmt: skip
            )
        return ImportOutcome(imported, list(form.slots))


def filled_report(
    *, db: Database, workflow: CompiledWorkflow, year: int, region: str = DEFAULT_REGION
) -> FilledReport:
    """The report as the exports need it, its status in words.

    Raises:
        NotFoundError: no report for that year.
    """
    view = get_report(db=db, year=year, region=region)
    state = workflow.state(view.status)
    return FilledReport(
        view.region, view.year, view.form, state.label if state else view.status,
        {s: a.text for s, a in view.answers.items()},
        {s: a.choice for s, a in view.answers.items()},
    )  # fmt: skip


def report_to_dict(
    report: ReportView,
    status_label: str | None = None,
    owners: Sequence[tuple[int, str, str]] = (),
) -> dict[str, Any]:
    """The report as JSON data: sections with counts and owners ((section, e-mail, name)),
    questions with answers."""
    counts = {c.number: c for c in report.counts}
    sections = []
    for section in report.form.sections:
        count = counts[section.number]
        questions = []
        for question in section.questions:
            slots = []
            for slot in question.slots:
                answer = report.answers.get(slot)
                part = question.part(slot)
                slots.append({
                    "slot": slot, "text": part.text if part else None,
                    "options": part.options if part else None,
                    "answer": answer.text if answer else "",
                    "choice": answer.choice if answer else None,
                    "version": answer.version if answer else 0,
                    "updated_by": answer.updated_by if answer else None,
                    "updated_at": answer.updated_at.isoformat() if answer else None,
                })  # fmt: skip
            questions.append({"number": question.number, "text": question.text, "answers": slots})
        sections.append({
            "number": section.number, "title": section.title, "limit": count.limit,
            "count": count.used, "remaining": count.remaining, "over_limit": count.over,
            "owners": [{"email": e, "name": n} for n_, e, n in owners if n_ == section.number],
            "questions": questions,
        })  # fmt: skip
    return {
        "region": report.region, "year": report.year, "form": report.form.edition,
        "status": report.status, "status_label": status_label or report.status,
        "row_version": report.row_version, "sections": sections,
    }  # fmt: skip


@dataclass(frozen=True)
class ReportSummary:
    region: str
    year: int
    form_edition: str
    status: str
    row_version: int


def list_reports(*, db: Database, region: str | None = None) -> list[ReportSummary]:
    """Every report (of `region` if given), newest year first."""
    stmt = select(ResultsReport).order_by(col(ResultsReport.year).desc(), col(ResultsReport.region))
    if region is not None:
        stmt = stmt.where(ResultsReport.region == region)
    with db.read() as session:
        return [
            ReportSummary(r.region, r.year, r.form_edition, r.status, r.row_version)
            for r in session.exec(stmt).all()
        ]
