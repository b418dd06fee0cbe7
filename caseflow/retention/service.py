"""Disposal (gallring) by the plan: each document's disposal date, the documents due, and a
disposal run that removes their files only after a recorded decision, logs each one, and
never touches a document on hold (or on a case on hold). Keyword-only, returns data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from caseflow.clock import Clock
from caseflow.domain.checks import check_text
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.workdays import local_date
from caseflow.errors import InputError, NotFoundError
from caseflow.records.config import DocumentTypes
from caseflow.records.models import Handling, HandlingFile
from caseflow.records.vocabulary import format_number
from caseflow.retention.models import DisposalLog, RetentionHold
from caseflow.retention.plan import RetentionPlan, Rule, disposal_date
from caseflow.store.db import Database
from caseflow.store.models import Case, CaseEvent
from caseflow.store.prepared import CursorTransaction, Prepared
from caseflow.store.repo import require_case, require_case_id
from caseflow.workflow.registry import WorkflowRegistry


@dataclass(frozen=True)
class PlannedDocument:
    """A document with its rule and dates, as `retention plan` shows it."""

    handling_id: int
    case_id: int
    number: str
    subject: str
    doc_type: str
    rule: Rule
    closed_on: date | None
    disposal_date: date | None
    held: bool
    disposed_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number, "subject": self.subject, "doc_type": self.doc_type,
            "rule": self.rule.id, "retention": self.rule.retention, "years": self.rule.years,
            "legal_basis": self.rule.legal_basis,
            "case_closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "disposal_date": self.disposal_date.isoformat() if self.disposal_date else None,
            "on_hold": self.held,
            "disposed_at": self.disposed_at.isoformat() if self.disposed_at else None,
        }  # fmt: skip


def closed_on(*, session: Session, case: Case, workflows: WorkflowRegistry) -> date | None:
    """The day (Europe/Stockholm) the case entered its final state; None while it is open."""
    workflow = workflows.find(case.workflow)
    if workflow is None or case.stage not in workflow.spec.final_states:
        return None
    # The move into the final state: not a later note, document or secrecy mark, whose events
    # carry the unchanged stage in both from_stage and to_stage.
    stmt = (
        select(CaseEvent.at).where(CaseEvent.case_id == case.id)
        .where(CaseEvent.to_stage == case.stage)
        .where(col(CaseEvent.from_stage).is_distinct_from(col(CaseEvent.to_stage)))
        .order_by(col(CaseEvent.at).desc()).limit(1)
    )  # fmt: skip
    found = session.exec(stmt).first()
    return local_date(found if found is not None else case.updated_at)


def plan_documents(
    *, db: Database, plan: RetentionPlan, workflows: WorkflowRegistry, dnr: str | None = None
) -> list[PlannedDocument]:
    """Every registered document (of one case, or all) with its rule and disposal date."""
    with db.read() as session:
        return _planned(session=session, plan=plan, workflows=workflows, dnr=dnr)


_HANDLINGS = SQLModel.metadata.tables["handlings"]
_ANY_HANDLING = Prepared(
    sa_select(_HANDLINGS.c.id).where(_HANDLINGS.c.case_id == bindparam("case_id")).limit(1)
)


def has_documents(*, tx: CursorTransaction, case_id: int) -> bool:
    """Whether the case has any registered document (one prebuilt statement: most case views
    have none, and then need nothing more read for their retention section)."""
    return tx.first(_ANY_HANDLING, {"case_id": case_id}) is not None


def case_documents(
    *, session: Session, plan: RetentionPlan, workflows: WorkflowRegistry, case_id: int
) -> list[PlannedDocument]:
    """As `plan_documents` for one case, read in the caller's session (the case page's)."""
    return _planned(session=session, plan=plan, workflows=workflows, dnr=None, case_id=case_id)


def _planned(
    *, session: Session, plan: RetentionPlan, workflows: WorkflowRegistry, dnr: str | None,
    case_id: int | None = None,
) -> list[PlannedDocument]:  # fmt: skip
    stmt = select(Handling, Case).join(Case, col(Case.id) == col(Handling.case_id))
    if dnr is not None:  # one indexed read of the id (the case page asks for every view)
        case_id = require_case_id(session=session, dnr=parse_dnr(dnr))
    if case_id is not None:
        stmt = stmt.where(Case.id == case_id)
    rows = session.exec(stmt.order_by(col(Case.id), col(Handling.number))).all()
    if case_id is not None and not rows:
        return []
    holds_stmt = select(RetentionHold).where(col(RetentionHold.lifted_at).is_(None))
    disposed_stmt = select(DisposalLog)
    if case_id is not None:  # one case's: not the whole log on every case page
        holds_stmt = holds_stmt.where(col(RetentionHold.case_id) == rows[0][1].id)
        disposed_stmt = disposed_stmt.where(
            col(DisposalLog.handling_id).in_([h.id for h, _ in rows])
        )
    holds = session.exec(holds_stmt).all()
    held_cases = {h.case_id for h in holds if h.handling_id is None}
    held_docs = {h.handling_id for h in holds if h.handling_id is not None}
    disposed = {d.handling_id: d.disposed_at for d in session.exec(disposed_stmt).all()}
    closed: dict[int, date | None] = {}
    out = []
    for handling, case in rows:
        assert case.id is not None and handling.id is not None
        if case.id not in closed:
            closed[case.id] = closed_on(session=session, case=case, workflows=workflows)
        rule = plan.rule_for(doc_type=handling.doc_type, case_type=case.workflow)
        out.append(PlannedDocument(
            handling_id=handling.id, case_id=case.id,
            number=format_number(case.diarienummer, handling.number), subject=handling.subject,
            doc_type=handling.doc_type, rule=rule, closed_on=closed[case.id],
            disposal_date=disposal_date(rule, closed[case.id]),
            held=case.id in held_cases or handling.id in held_docs,
            disposed_at=disposed.get(handling.id),
        ))  # fmt: skip
    return out


def due_documents(
    *, db: Database, plan: RetentionPlan, workflows: WorkflowRegistry, today: date
) -> tuple[list[PlannedDocument], list[PlannedDocument]]:
    """(due, held): documents whose disposal date has come and that are not yet disposed of,
    split into those a run would dispose of and those a hold keeps."""
    planned = plan_documents(db=db, plan=plan, workflows=workflows)
    ripe = [p for p in planned if p.disposed_at is None and p.disposal_date is not None
            and p.disposal_date <= today]  # fmt: skip
    return [p for p in ripe if not p.held], [p for p in ripe if p.held]


def run_disposal(
    *, db: Database, plan: RetentionPlan, workflows: WorkflowRegistry, types: DocumentTypes,
    remove_bytes: Callable[[str], None], actor: str, decision: str, clock: Clock,
) -> list[DisposalLog]:  # fmt: skip
    """Dispose of every due document not on hold: log it (rule, legal basis, who decided, the
    decision, its files' names, sizes and SHA-256), then remove the files' bytes that no other
    remaining document uses. The handling rows stay. Returns the log rows written.

    Raises:
        InputError: no decision or no actor given.
    """
    decision = check_text(decision, field="beslut", max_length=500)
    if not decision:
        raise InputError(
            "gallring kräver ett beslut (--decision), t.ex. gallringsbeslutets diarienummer"
        )
    if not actor:
        raise InputError("ange vem som beslutar (--actor eller CASEFLOW_ACTOR)")
    now = clock.now()
    today = local_date(now)
    written: list[DisposalLog] = []
    with db.write() as session:
        planned = _planned(session=session, plan=plan, workflows=workflows, dnr=None)
        due = [p for p in planned if p.disposed_at is None and not p.held
               and p.disposal_date is not None and p.disposal_date <= today]  # fmt: skip
        ids = [p.handling_id for p in due]
        files = session.exec(
            select(HandlingFile).where(col(HandlingFile.handling_id).in_(ids))
        ).all()
        for item in due:
            row = DisposalLog(
                handling_id=item.handling_id, case_id=item.case_id, number=item.number,
                subject=item.subject, doc_type=item.doc_type, rule=item.rule.id,
                legal_basis=item.rule.legal_basis, due_on=item.disposal_date or today,
                disposed_at=now, decided_by=actor, decision=decision,
                files=[{"version": f.version, "sha256": f.sha256, "size": f.size,
                        "filename": f.original_filename, "media_type": f.media_type}
                       for f in files if f.handling_id == item.handling_id],
            )  # fmt: skip
            session.add(row)
            session.add(CaseEvent(
                case_id=item.case_id, at=now, actor=actor, kind="disposal",
                changes={"handling": item.number, "rule": item.rule.id, "decision": decision},
                row_version=_row_version(session, item.case_id),
            ))  # fmt: skip
            written.append(row)
        session.flush()
        disposed_ids = set(ids) | set(session.exec(select(DisposalLog.handling_id)).all())
        still_used = {
            f.sha256 for f in session.exec(select(HandlingFile)).all()
            if f.handling_id not in disposed_ids
        }  # fmt: skip
        doomed = {f.sha256 for f in files} - still_used
    for sha256 in sorted(doomed):  # after commit: a failed run removes nothing
        remove_bytes(sha256)
    return written


def _row_version(session: Session, case_id: int) -> int:
    case = session.get(Case, case_id)
    assert case is not None
    return case.row_version


def place_hold(
    *, db: Database, dnr: str, reason: str, actor: str, clock: Clock, handling: int | None = None
) -> RetentionHold:
    """Put the case (or its document number `handling`) on hold: not disposed of until lifted."""
    reason = check_text(reason, field="skäl", max_length=2000)
    if not reason:
        raise InputError("ange skälet till spärren (--reason)")
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        handling_id = None
        if handling is not None:
            row = session.exec(select(Handling).where(Handling.case_id == case.id)
                               .where(Handling.number == handling)).first()  # fmt: skip
            if row is None:
                raise NotFoundError(f"{case.diarienummer} har ingen handling nr {handling}")
            handling_id = row.id
        assert case.id is not None
        hold = RetentionHold(case_id=case.id, handling_id=handling_id, reason=reason,
                             placed_by=actor, placed_at=clock.now())  # fmt: skip
        session.add(hold)
        return hold


@dataclass(frozen=True)
class HoldView:
    """A hold with its case's diarienummer and, for a document's hold, its number."""

    id: int
    diarienummer: str
    number: str | None  # RUN/479/2024-3 when the hold covers one document
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_by: str | None
    lifted_at: datetime | None
    lift_reason: str | None


def list_holds(*, db: Database, active_only: bool = True) -> list[HoldView]:
    """The holds (in force only, unless `active_only` is false), oldest first."""
    stmt = (
        select(RetentionHold, Case, Handling)
        .join(Case, col(Case.id) == col(RetentionHold.case_id))
        .outerjoin(Handling, col(Handling.id) == col(RetentionHold.handling_id))
        .order_by(col(RetentionHold.id))
    )
    if active_only:
        stmt = stmt.where(col(RetentionHold.lifted_at).is_(None))
    with db.read() as session:
        return [
            HoldView(
                id=h.id or 0,
                diarienummer=c.diarienummer,
                number=format_number(c.diarienummer, d.number) if d is not None else None,
                reason=h.reason,
                placed_by=h.placed_by,
                placed_at=h.placed_at,
                lifted_by=h.lifted_by,
                lifted_at=h.lifted_at,
                lift_reason=h.lift_reason,
            )  # fmt: skip
            for h, c, d in session.exec(stmt).all()
        ]


def lift_hold(
    *, db: Database, hold_id: int, reason: str, actor: str, clock: Clock
) -> RetentionHold:
    with db.write() as session:
        hold = session.get(RetentionHold, hold_id)
        if hold is None or hold.lifted_at is not None:
            raise NotFoundError(f"ingen aktiv spärr nr {hold_id}")
        hold.lifted_by, hold.lifted_at = actor, clock.now()
        hold.lift_reason = check_text(reason, field="skäl", max_length=2000)
        session.add(hold)
        return hold


def disposal_log(*, db: Database) -> list[DisposalLog]:
    with db.read() as session:
        return list(session.exec(select(DisposalLog).order_by(col(DisposalLog.id))).all())
