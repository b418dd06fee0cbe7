"""Closed cases from the database as `ArchivedCase`s, and the export of them as packages.

A case is exported only in a final state of its workflow. Its documents are its registered
handlingar (rendered memos and signed decisions are registered as upprättade handlingar by the
records side), each with its current file version from the file store; a document whose file
was disposed of is exported with its metadata and the disposal, without the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import tuple_
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
from caseflow.archive.package import BatchPackage, write_package
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.history import describe, labels_of
from caseflow.domain.workdays import local_date
from caseflow.errors import InputError, UnknownCaseError
from caseflow.records.config import DocumentTypes
from caseflow.records.models import Handling
from caseflow.records.rows import files_of, marks_of
from caseflow.records.views import HandlingView, view_of
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


#: Cases read (and their files held in memory) at a time during an export.
CHUNK = 100


def load_case(
    *, session: Session, dnr: str, workflows: WorkflowRegistry, types: DocumentTypes,
    plan: RetentionPlan, read_bytes: Callable[[str], bytes],
) -> ArchivedCase:  # fmt: skip
    """The closed case `dnr` as archived.

    Raises:
        UnknownCaseError; InputError: the case is not closed.
    """
    case = _case_row(session, dnr)
    _require_closed(session, case, workflows)
    [found] = load_cases(session=session, cases=[case], workflows=workflows, types=types,
                         plan=plan, read_bytes=read_bytes)  # fmt: skip
    return found


def load_cases(
    *, session: Session, cases: list[Case], workflows: WorkflowRegistry, types: DocumentTypes,
    plan: RetentionPlan, read_bytes: Callable[[str], bytes],
) -> list[ArchivedCase]:  # fmt: skip
    """The (closed) `cases` as archived, in their order: the events, handlings, file versions,
    secrecy marks, disposal log and handläggare of all of them in one query each."""
    ids = [c.id for c in cases if c.id is not None]
    events: defaultdict[int, list[CaseEvent]] = defaultdict(list)
    for event in session.exec(
        select(CaseEvent).where(col(CaseEvent.case_id).in_(ids)).order_by(col(CaseEvent.id))
    ).all():  # fmt: skip
        events[event.case_id].append(event)
    handlings: defaultdict[int, list[Handling]] = defaultdict(list)
    for row in session.exec(
        select(Handling).where(col(Handling.case_id).in_(ids)).order_by(col(Handling.number))
    ).all():  # fmt: skip
        handlings[row.case_id].append(row)
    handling_ids = [h.id for rows in handlings.values() for h in rows if h.id is not None]
    files, marks = files_of(session, handling_ids), marks_of(session, handling_ids)
    disposed = {
        d.handling_id: d
        for d in session.exec(select(DisposalLog).where(col(DisposalLog.case_id).in_(ids))).all()
    }  # fmt: skip
    emails = sorted({c.handlaggare for c in cases if c.handlaggare})
    people = {
        p.email: p
        for p in session.exec(select(Person).where(col(Person.email).in_(emails))).all()
    } if emails else {}  # fmt: skip
    specs = [w.spec for w in workflows.all()]
    out = []
    for case in cases:
        assert case.id is not None
        workflow = workflows.get(case.workflow)
        own = events[case.id]
        closed_at = max((e.at for e in own if e.to_stage == case.stage), default=case.updated_at)
        labels = labels_of(specs, workflow.spec)
        documents = []
        for row in handlings[case.id]:
            view = view_of(row, diarienummer=case.diarienummer, label=types.label(row.doc_type),
                           files=files[row.id or 0], marks=marks[row.id or 0])  # fmt: skip
            documents.append(_document(view, plan.rule_for(doc_type=view.doc_type,
                             case_type=case.workflow), closed_at, disposed.get(view.id),
                             read_bytes))  # fmt: skip
        state = workflow.spec.state(case.stage)
        out.append(ArchivedCase(
            system_id=f"case-{case.id}", diarienummer=case.diarienummer, title=case.title,
            case_type=case.workflow, case_type_label=workflow.spec.title,
            stage_label=state.label if state else case.stage, outcome=case.outcome,
            opened=case.created_at, closed=closed_at, purpose=case.purpose, area=case.area,
            other_diarienummer=tuple(case.other_diarienummer),
            agents=_case_agents(case, people.get(case.handlaggare or "")),
            disposal=_disposal(plan.rule_for(doc_type=None, case_type=case.workflow),
                               closed_at),
            history=tuple(
                HistoryLine(at=e.at, actor=e.actor, text=describe(e, labels).text())
                for e in own
            ),
            documents=tuple(documents),
        ))  # fmt: skip
    return out


def _document(
    view: HandlingView, rule: Rule, closed_at: datetime, log: DisposalLog | None,
    read_bytes: Callable[[str], bytes],
) -> Document:  # fmt: skip
    current = view.current
    file = None
    if current is not None and log is None:
        file = ArchiveFile(
            name=safe_name(view.seq, current.filename), original_name=current.filename,
            media_type=current.media_type, sha256=current.sha256, size=current.size,
            created=current.created_at, data=read_bytes(current.sha256),
        )  # fmt: skip
    return Document(
        identifier=view.number, number=view.seq, direction=view.direction,
        doc_type=view.doc_type, doc_type_label=view.doc_type_label, subject=view.subject,
        document_date=view.document_date, registered_on=view.registered_on,
        counterpart=view.counterpart, final_state=view.final_state,
        created_by=view.created_by, disposal=_disposal(rule, closed_at),
        restrictions=tuple(Restriction(regulation=m.osl, explanation=m.reason)
                           for m in view.marks if m.active and m.field is None),
        file=file, disposed_on=local_date(log.disposed_at) if log else None,
    )  # fmt: skip


def _case_rows(session: Session, dnrs: list[str]) -> list[Case]:
    """The cases in the order given (without their funders: the archive does not carry them).

    Raises:
        UnknownCaseError: the first number not found; InputError: a number given twice.
    """
    numbers = [parse_dnr(d) for d in dnrs]
    keys = [(n.prefix, n.serial, n.year) for n in numbers]
    found: dict[tuple[str, int, int], Case] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        stmt = select(Case).where(
            tuple_(col(Case.dnr_prefix), col(Case.dnr_serial), col(Case.dnr_year)).in_(chunk)
        )
        found |= {(c.dnr_prefix, c.dnr_serial, c.dnr_year): c for c in session.exec(stmt).all()}
    seen: set[tuple[str, int, int]] = set()
    out = []
    for number, key in zip(numbers, keys, strict=True):
        if key not in found:
            raise UnknownCaseError(f"ärendet {number} finns inte")
        if key in seen:
            raise InputError(f"{number} står två gånger")
        seen.add(key)
        out.append(found[key])
    return out


def _case_row(session: Session, dnr: str) -> Case:
    """The case (without its funders: the archive does not carry them).

    Raises:
        UnknownCaseError.
    """
    [case] = _case_rows(session, [dnr])
    return case


def _closed_stages(session: Session, cases: list[Case], workflows: WorkflowRegistry) -> None:
    """Raises InputError for the first case not in a final state of its workflow."""
    for case in cases:
        workflow = workflows.find(case.workflow)
        if workflow is None or case.stage not in workflow.spec.final_states:
            _require_closed(session, case, workflows)


def _require_closed(session: Session, case: Case, workflows: WorkflowRegistry) -> None:
    if closed_on(session=session, case=case, workflows=workflows) is None:
        workflow = workflows.find(case.workflow)
        state = workflow.spec.state(case.stage) if workflow else None
        label = state.label if state else case.stage
        raise InputError(
            f"{case.diarienummer} är inte avslutat (steget är {label}); "
            "bara avslutade ärenden arkiveras"
        )


def _case_agents(case: Case, person: Person | None) -> tuple[Agent, ...]:
    agents = []
    if case.handlaggare:
        agents.append(Agent(
            agent_type="responsible_person", name=person.name if person else case.handlaggare,
            organisation=person.unit if person else None, email=case.handlaggare,
        ))  # fmt: skip
    if case.owner:
        agents.append(Agent(agent_type="counterpart", name=case.owner))
    return tuple(agents)


def batch_package_id(now: datetime) -> str:
    """A batch package's name and OBJID: `caseflow-leverans-20261130T031500Z` (UTC)."""
    return "caseflow-leverans-" + now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def export_cases(
    *, db: Database, dnrs: list[str], out_dir: Path, workflows: WorkflowRegistry,
    types: DocumentTypes, plan: RetentionPlan, read_bytes: Callable[[str], bytes],
    producer: Producer, now: datetime, batch: bool = False,
) -> list[Path]:  # fmt: skip
    """One package per case in `out_dir`, or with `batch` one package holding every case (its
    name from `batch_package_id`). Every case is checked (exists, closed, package not there
    yet) before the first package is written; the cases are read `CHUNK` at a time.

    Raises:
        UnknownCaseError; InputError: a case is not closed or given twice, or its package
        already exists.
    """
    with db.read() as session:  # one session: cases and documents are read, never changed
        cases = _case_rows(session, dnrs)
        _closed_stages(session, cases, workflows)
        names = [batch_package_id(now)] if batch else [
            "caseflow-" + c.diarienummer.replace("/", "-") for c in cases
        ]  # fmt: skip
        for name in names:
            if (out_dir / name).exists():
                raise InputError(f"paketet finns redan: {out_dir / name}")

        def chunks() -> Iterator[list[ArchivedCase]]:
            for start in range(0, len(cases), CHUNK):
                yield load_cases(session=session, cases=cases[start : start + CHUNK],
                                 workflows=workflows, types=types, plan=plan,
                                 read_bytes=read_bytes)  # fmt: skip
                session.expunge_all()  # keep memory flat over a thousand cases

        if batch:
            with BatchPackage(out_dir, names[0]) as package:
                for chunk in chunks():
                    package.add(chunk)
                return [package.finish(producer=producer, now=now)]
        written: list[Path] = []
        for chunk in chunks():
            for case_model in chunk:
                first = written[0] if written else None
                written.append(write_package(case_model, out_dir, producer=producer, now=now,
                                             schemas_from=first))  # fmt: skip
    return written
