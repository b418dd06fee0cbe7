"""Session-level building blocks of the records side, used inside the caller's transaction:
insert a handling or a file version, make one final, find one by number, load files and marks,
the history event."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from caseflow.domain.workdays import local_date
from caseflow.errors import NotFoundError
from caseflow.records.config import DocumentTypes
from caseflow.records.filetype import CheckedFile
from caseflow.records.models import Handling, HandlingFile, SecrecyMark
from caseflow.records.views import HandlingView, view_of
from caseflow.records.vocabulary import format_number, parse_number
from caseflow.store.models import Case, CaseEvent
from caseflow.store.repo import require_case

#: History event kinds (case_events.kind, at most 16 characters).
ADDED, VERSION, FINAL = "handling", "handling_version", "handling_final"


@dataclass(frozen=True, slots=True)
class Draft:
    """A handling's checked values, before it has a number."""

    direction: str
    doc_type: str
    subject: str
    counterpart: str | None
    document_date: date
    is_final: bool
    final_state: str | None


def insert_handling(
    *,
    session: Session,
    case: Case,
    types: DocumentTypes,
    draft: Draft,
    actor: str,
    at: datetime,
    file: tuple[str, CheckedFile] | None,
    memo_id: int | None = None,
    decision_id: int | None = None,
) -> HandlingView:
    """Insert a handling under the case's next number, its first file version and the history
    event, in the caller's transaction (the case row locked by the caller; the bytes already
    in the file store under `file`'s key)."""
    assert case.id is not None
    seq = next_number(session, case.id)
    final = draft.is_final
    row = Handling(
        case_id=case.id,
        number=seq,
        direction=draft.direction,
        document_date=draft.document_date,
        registered_on=local_date(at),
        counterpart=draft.counterpart or None,
        subject=draft.subject,
        doc_type=draft.doc_type,
        is_final=final,
        final_state=draft.final_state,
        finalized_by=actor if final else None,
        finalized_at=at if final else None,
        memo_id=memo_id,
        decision_id=decision_id,
        created_by=actor,
        created_at=at,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    stored = []
    if file is not None:
        stored.append(file_row(row.id, 1, file[0], file[1], actor, at))
        session.add(stored[0])
    changes = {
        "number": format_number(case.diarienummer, seq),
        "direction": draft.direction,
        "doc_type": draft.doc_type,
        "doc_type_label": types.label(draft.doc_type),
        "auto": memo_id is not None or decision_id is not None,
        "file": file[1].filename if file else None,
        "sha256": file[0] if file else None,
    }
    session.add(event_row(case, ADDED, actor, at, changes))
    session.flush()
    return view_of(
        row,
        diarienummer=case.diarienummer,
        label=types.label(draft.doc_type),
        files=stored,
        marks=[],
    )


def insert_version(
    *,
    session: Session,
    case: Case,
    row: Handling,
    key: str,
    checked: CheckedFile,
    actor: str,
    at: datetime,
) -> HandlingFile | None:
    """Add a file version to a handling that is not final, in the caller's transaction; None
    when the file is the same as the latest version (nothing added)."""
    assert row.id is not None
    versions = files_of(session, [row.id])[row.id]
    if versions and versions[-1].sha256 == key:
        return None
    version = (versions[-1].version if versions else 0) + 1
    added = file_row(row.id, version, key, checked, actor, at)
    session.add(added)
    changes = {
        "number": format_number(case.diarienummer, row.number),
        "version": version,
        "file": checked.filename,
        "sha256": key,
    }
    session.add(event_row(case, VERSION, actor, at, changes))
    session.flush()
    return added


def require_handling(
    *, session: Session, number: str, for_update: bool = False
) -> tuple[Case, Handling]:
    """The case and the handling row that `number` names.

    Raises:
        InputError, UnknownCaseError, NotFoundError.
    """
    return _require_row(session, number, for_update=for_update)


def _require_row(s: Session, number: str, *, for_update: bool = False) -> tuple[Case, Handling]:
    dnr, seq = parse_number(number)
    case = require_case(session=s, dnr=dnr, for_update=for_update)
    stmt = select(Handling).where(Handling.case_id == case.id, Handling.number == seq)
    row = s.exec(stmt).first()
    if row is None:
        raise NotFoundError(f"handlingen {format_number(dnr, seq)} finns inte")
    return case, row


def make_final(s: Session, case: Case, row: Handling, state: str, *, actor: str, at: Any) -> None:
    row.is_final, row.final_state, row.finalized_by, row.finalized_at = True, state, actor, at
    s.add(row)
    s.add(
        event_row(
            case,
            FINAL,
            actor,
            at,
            {
                "number": format_number(case.diarienummer, row.number),
                "state": state,
            },
        )
    )


def file_row(
    handling_id: int, version: int, key: str, checked: CheckedFile, actor: str, at: Any
) -> HandlingFile:
    return HandlingFile(
        handling_id=handling_id,
        version=version,
        sha256=key,
        size=checked.size,
        media_type=checked.media_type,
        original_filename=checked.filename,
        created_by=actor,
        created_at=at,
    )


def files_of(s: Session, ids: list[int]) -> defaultdict[int, list[HandlingFile]]:
    found: defaultdict[int, list[HandlingFile]] = defaultdict(list)
    if ids:
        stmt = (
            select(HandlingFile)
            .where(col(HandlingFile.handling_id).in_(ids))
            .order_by(col(HandlingFile.handling_id), col(HandlingFile.version))
        )
        for f in s.exec(stmt).all():
            found[f.handling_id].append(f)
    return found


def marks_of(s: Session, ids: list[int]) -> defaultdict[int, list[SecrecyMark]]:
    found: defaultdict[int, list[SecrecyMark]] = defaultdict(list)
    if ids:
        stmt = select(SecrecyMark).where(col(SecrecyMark.handling_id).in_(ids))
        for m in s.exec(stmt.order_by(col(SecrecyMark.id))).all():
            found[m.handling_id or 0].append(m)
    return found


def event_row(case: Case, kind: str, actor: str, at: Any, changes: dict[str, Any]) -> CaseEvent:
    """A history entry; the case's fields and row version are unchanged."""
    assert case.id is not None
    return CaseEvent(
        case_id=case.id,
        at=at,
        actor=actor,
        kind=kind,
        from_stage=case.stage,
        to_stage=case.stage,
        changes=changes,
        row_version=case.row_version,
    )


def next_number(s: Session, case_id: int) -> int:
    stmt = select(func.max(Handling.number)).where(Handling.case_id == case_id)
    return int(s.exec(stmt).one() or 0) + 1
