"""Moving a results report through its workflow (`workflows/results_report.yaml`), with the
same compiled machine, roles and guards as cases, and the history of its moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from caseflow.cases.engine import check_roles
from caseflow.clock import Clock
from caseflow.domain.checks import check_text
from caseflow.errors import ConflictError, InputError, TransitionError, UnknownPersonError
from caseflow.results.deadlines import report_deadlines
from caseflow.results.defaults import DEFAULT_REGION
from caseflow.results.facts import ReportFacts, report_facts
from caseflow.results.form import load_form
from caseflow.results.service import load_report
from caseflow.store.db import Database
from caseflow.store.models import Meeting, Person, ResultsAnswer, ResultsReport, ResultsReportEvent
from caseflow.workflow.deadlines import Deadline
from caseflow.workflow.machine import CompiledWorkflow, Move


@dataclass(frozen=True, slots=True)
class ReportMove:
    """A recorded move of a report."""

    at: datetime
    actor: str
    trigger: str
    from_stage: str
    to_stage: str
    reason: str | None
    row_version: int


def facts_of(session: Session, report: ResultsReport) -> ReportFacts:
    rows = session.exec(select(ResultsAnswer).where(ResultsAnswer.report_id == report.id)).all()
    form = load_form(report.form_edition)
    return report_facts(form, {r.slot: r.text for r in rows}, {r.slot: r.choice for r in rows})


def fire_report(
    *,
    db: Database,
    workflow: CompiledWorkflow,
    year: int,
    trigger: str,
    actor: str,
    clock: Clock,
    reason: str | None = None,
    expected_version: int | None = None,
    region: str = DEFAULT_REGION,
) -> ReportMove:
    """Move the report: lock it, compare its row version, check role and guards, set the
    status, append the move to its history. One transaction; on any error nothing changes.

    Raises:
        NotFoundError, UnknownPersonError, UnknownTriggerError, TriggerNotAllowedError,
        PermissionDeniedError, GuardFailedError, ConflictError, InputError (missing reason).
    """
    if reason is not None:
        reason = check_text(reason, field="motivering") or None
    now = clock.now()
    with db.write() as session:
        report = load_report(session, region, year, lock=True)
        if expected_version is not None and expected_version != report.row_version:
            raise ConflictError(_changed(year, report.row_version, expected_version))
        transition = workflow.transition(trigger, report.status)
        person = session.exec(select(Person).where(Person.email == actor)).first()
        if person is None:
            raise UnknownPersonError(f"okänd person {actor!r}")
        check_roles(person.email, person.roles, transition.roles, f"göra {transition.label!r}")
        if transition.reason_required and not reason:
            raise InputError(f"”{transition.label}” kräver en motivering")
        from_stage, read_version = report.status, report.row_version
        to_stage = workflow.run(facts_of(session, report), from_stage, trigger)
        version = read_version + 1
        result = session.execute(
            update(ResultsReport)
            .where(col(ResultsReport.id) == report.id,
                   col(ResultsReport.row_version) == read_version)
            .values(status=to_stage, row_version=version)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(_changed(year, "en nyare", read_version))
        assert report.id is not None
        move = ReportMove(now, person.email, trigger, from_stage, to_stage, reason, version)
        session.add(
            ResultsReportEvent(
                report_id=report.id, at=now, actor=move.actor, trigger=trigger,
                from_stage=move.from_stage, to_stage=to_stage, reason=reason, row_version=version,
            )
        )  # fmt: skip
        return move


def _changed(year: int, version: int | str, expected: int) -> str:
    return (
        f"resultatredovisningen för {year} har ändrats av någon annan (version {version}, du "
        f"utgick från {expected}); läs om den och försök igen"
    )


def report_moves(
    *,
    db: Database,
    workflow: CompiledWorkflow,
    year: int,
    actor: str | None = None,
    region: str = DEFAULT_REGION,
) -> list[Move]:
    """The moves leaving the report's status, each with what blocks it (guards and, with
    `actor`, a missing role); empty problems means allowed."""
    with db.read() as session:
        report = load_report(session, region, year)
        moves = workflow.moves(facts_of(session, report), report.status)
        if actor is None:
            return moves
        person = session.exec(select(Person).where(Person.email == actor)).first()
        held = person.roles if person else []
        out = []
        for move in moves:
            try:
                check_roles(actor, held, move.roles, f"göra {move.label!r}")
            except TransitionError as err:
                problems = (*move.problems, str(err))
                move = Move(move.trigger, move.label, move.dest, move.roles, move.outcome,
                            move.reason_required, problems, move.confirm)  # fmt: skip
            out.append(move)
        return out


def report_history(*, db: Database, year: int, region: str = DEFAULT_REGION) -> list[ReportMove]:
    """The report's moves, oldest first."""
    with db.read() as session:
        report = load_report(session, region, year)
        rows = session.exec(
            select(ResultsReportEvent)
            .where(ResultsReportEvent.report_id == report.id)
            .order_by(col(ResultsReportEvent.id))
        ).all()
        return [
            ReportMove(r.at, r.actor, r.trigger, r.from_stage, r.to_stage, r.reason, r.row_version)
            for r in rows
        ]


def meeting_days(session: Session, *, body: str, year: int) -> list[date]:
    """`body`'s meetings in YEAR + 1 (cancelled ones left out): the report on YEAR's candidates
    for the adopting meeting."""
    return list(
        session.exec(
            select(col(Meeting.day)).where(
                Meeting.body == body, col(Meeting.cancelled_at).is_(None),
                col(Meeting.day).between(date(year + 1, 1, 1), date(year + 1, 12, 31)),
            )
        ).all()
    )  # fmt: skip


def report_deadlines_of(
    *,
    db: Database,
    workflow: CompiledWorkflow,
    year: int,
    today: date,
    body: str = "RUN",
    region: str = DEFAULT_REGION,
) -> list[Deadline]:
    """The report's deadlines from its workflow's rules and `body`'s meetings (cancelled
    meetings left out); none once the report is submitted.

    Raises:
        NotFoundError: no report for that year.
    """
    with db.read() as session:
        report = load_report(session, region, year)
        meetings = meeting_days(session, body=body, year=year)
    return report_deadlines(
        year=year, stage=report.status, is_open=not workflow.is_final(report.status),
        rules=workflow.spec.deadlines, meetings=list(meetings), today=today,
    )  # fmt: skip
