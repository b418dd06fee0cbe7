"""Closed cases from the database as `ArchivedCase`s, and the export of them as packages.

A case is exported only in a final state of its workflow. Its documents are its registered
handlingar (rendered memos and signed decisions are registered as upprättade handlingar by the
records side), each with its current file version from the file store; a document whose file
was disposed of is exported with its metadata and the disposal, without the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from caseflow.archive.model import (
    Agent,
    ArchivedCase,
    ArchiveFile,
    Disposal,
    Document,
    HistoryLine,
    Producer,
    Restriction,
)
from caseflow.archive.package import write_package
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.history import describe, labels_of
from caseflow.domain.workdays import local_date
from caseflow.errors import InputError, UnknownCaseError
from caseflow.records.config import DocumentTypes
from caseflow.records.repo import handlings_of
from caseflow.retention.models import DisposalLog
from caseflow.retention.plan import RetentionPlan, Rule, disposal_date
from caseflow.retention.service import closed_on
from caseflow.store.db import Database
from caseflow.store.models import Case, CaseEvent, Person
from caseflow.workflow.registry import WorkflowRegistry

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(number: int, filename: str) -> str:
    """`3-ansokan-om-medel.pdf`: the running number and the name in plain ASCII."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("-", ascii_name).strip("-.") or "fil"
    return f"{number}-{cleaned[:100]}"


def _disposal(rule: Rule, closed: datetime) -> Disposal:
    day = local_date(closed)
    return Disposal(
        disposable=rule.disposable, rule=rule.id, action=rule.retention,
        mandate=rule.legal_basis, years=rule.years, period_start=day,
        disposal_date=disposal_date(rule, day),
    )  # fmt: skip


def load_case(
    *, session: Session, dnr: str, workflows: WorkflowRegistry, types: DocumentTypes,
    plan: RetentionPlan, read_bytes: Callable[[str], bytes],
) -> ArchivedCase:  # fmt: skip
    """The closed case `dnr` as archived.

    Raises:
        UnknownCaseError; InputError: the case is not closed.
    """
    case = _case_row(session, dnr)
    assert case.id is not None
    workflow = workflows.get(case.workflow)
    _require_closed(session, case, workflows)
    events = list(session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.id))
    ).all())  # fmt: skip
    closed_at = max((e.at for e in events if e.to_stage == case.stage), default=case.updated_at)
    labels = labels_of([w.spec for w in workflows.all()], workflow.spec)
    disposed = {
        d.handling_id: d for d in session.exec(
            select(DisposalLog).where(DisposalLog.case_id == case.id)
        ).all()
    }  # fmt: skip
    documents = []
    for view in handlings_of(session=session, case=case, types=types):
        rule = plan.rule_for(doc_type=view.doc_type, case_type=case.workflow)
        current = view.current
        log = disposed.get(view.id)
        file = None
        if current is not None and log is None:
            file = ArchiveFile(
                name=safe_name(view.seq, current.filename), original_name=current.filename,
                media_type=current.media_type, sha256=current.sha256, size=current.size,
                created=current.created_at, data=read_bytes(current.sha256),
            )  # fmt: skip
        documents.append(Document(
            identifier=view.number, number=view.seq, direction=view.direction,
            doc_type=view.doc_type, doc_type_label=view.doc_type_label, subject=view.subject,
            document_date=view.document_date, registered_on=view.registered_on,
            counterpart=view.counterpart, final_state=view.final_state,
            created_by=view.created_by, disposal=_disposal(rule, closed_at),
            restrictions=tuple(Restriction(regulation=m.osl, explanation=m.reason)
                               for m in view.marks if m.active and m.field is None),
            file=file, disposed_on=local_date(log.disposed_at) if log else None,
        ))  # fmt: skip
    state = workflow.spec.state(case.stage)
    return ArchivedCase(
        system_id=f"case-{case.id}", diarienummer=case.diarienummer, title=case.title,
        case_type=case.workflow, case_type_label=workflow.spec.title,
        stage_label=state.label if state else case.stage, outcome=case.outcome,
        opened=case.created_at, closed=closed_at, purpose=case.purpose, area=case.area,
        other_diarienummer=tuple(case.other_diarienummer),
        agents=_case_agents(session, case),
        disposal=_disposal(plan.rule_for(doc_type=None, case_type=case.workflow), closed_at),
        history=tuple(
            HistoryLine(at=e.at, actor=e.actor, text=describe(e, labels).text()) for e in events
        ),
        documents=tuple(documents),
    )  # fmt: skip


def _case_row(session: Session, dnr: str) -> Case:
    """The case (without its funders: the archive does not carry them).

    Raises:
        UnknownCaseError.
    """
    number = parse_dnr(dnr)
    stmt = select(Case).where(Case.dnr_prefix == number.prefix, Case.dnr_serial == number.serial,
                              Case.dnr_year == number.year)  # fmt: skip
    case = session.exec(stmt).first()
    if case is None:
        raise UnknownCaseError(f"ärendet {number} finns inte")
    return case


def _require_closed(session: Session, case: Case, workflows: WorkflowRegistry) -> None:
    if closed_on(session=session, case=case, workflows=workflows) is None:
        workflow = workflows.find(case.workflow)
        state = workflow.spec.state(case.stage) if workflow else None
        label = state.label if state else case.stage
        raise InputError(
            f"{case.diarienummer} är inte avslutat (steget är {label}); "
            "bara avslutade ärenden arkiveras"
        )


def _case_agents(session: Session, case: Case) -> tuple[Agent, ...]:
    agents = []
    if case.handlaggare:
        person = session.exec(select(Person).where(Person.email == case.handlaggare)).first()
        agents.append(Agent(
            agent_type="responsible_person", name=person.name if person else case.handlaggare,
            organisation=person.unit if person else None, email=case.handlaggare,
        ))  # fmt: skip
    if case.owner:
        agents.append(Agent(agent_type="counterpart", name=case.owner))
    return tuple(agents)


def export_cases(
    *, db: Database, dnrs: list[str], out_dir: Path, workflows: WorkflowRegistry,
    types: DocumentTypes, plan: RetentionPlan, read_bytes: Callable[[str], bytes],
    producer: Producer, now: datetime,
) -> list[Path]:  # fmt: skip
    """One package per case in `out_dir`. Every case is checked (exists, closed, package not
    there yet) before the first package is written.

    Raises:
        UnknownCaseError; InputError: a case is not closed, or its package already exists.
    """
    written: list[Path] = []
    seen: set[str] = set()
    with db.read() as session:  # one session: cases and documents are read, never changed
        for dnr in dnrs:
            case = _case_row(session, dnr)
            if case.diarienummer in seen:
                raise InputError(f"{case.diarienummer} står två gånger")
            seen.add(case.diarienummer)
            _require_closed(session, case, workflows)
            target = out_dir / ("caseflow-" + case.diarienummer.replace("/", "-"))
            if target.exists():
                raise InputError(f"paketet finns redan: {target}")
        for dnr in dnrs:
            case_model = load_case(session=session, dnr=dnr, workflows=workflows, types=types,
                                   plan=plan, read_bytes=read_bytes)  # fmt: skip
            written.append(write_package(case_model, out_dir, producer=producer, now=now,
                                         schemas_from=written[0] if written else None))  # fmt: skip
            session.expunge_all()  # keep memory flat over a thousand cases
    return written
