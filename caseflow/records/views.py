"""Handlings as the CLI, the pages, the API and the register show them (plain data), and the
masking of secret content for those who may not see it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from caseflow.records.models import Handling, HandlingFile, SecrecyMark
from caseflow.records.vocabulary import (
    DIRECTION_LABELS,
    FINAL_STATE_LABELS,
    MASK,
    format_number,
)


@dataclass(frozen=True, slots=True)
class FileVersion:
    version: int
    sha256: str
    size: int
    media_type: str
    filename: str
    created_by: str
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "sha256": self.sha256,
            "size": self.size,
            "media_type": self.media_type,
            "filename": self.filename,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Mark:
    id: int
    osl: str
    reason: str
    field: str | None
    marked_by: str
    marked_at: datetime
    lifted_by: str | None = None
    lifted_at: datetime | None = None
    lift_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "osl": self.osl,
            "reason": self.reason,
            "field": self.field,
            "marked_by": self.marked_by,
            "marked_at": self.marked_at.isoformat(),
            "lifted_by": self.lifted_by,
            "lifted_at": self.lifted_at.isoformat() if self.lifted_at else None,
            "lift_reason": self.lift_reason,
        }


def mark_of(row: SecrecyMark) -> Mark:
    return Mark(
        id=row.id or 0,
        osl=row.osl,
        reason=row.reason,
        field=row.field,
        marked_by=row.marked_by,
        marked_at=row.marked_at,
        lifted_by=row.lifted_by,
        lifted_at=row.lifted_at,
        lift_reason=row.lift_reason,
    )


@dataclass(frozen=True, slots=True)
class HandlingView:
    """One registered document; `masked` views have subject, counterpart and files removed."""

    id: int
    case_id: int
    diarienummer: str
    seq: int
    direction: str
    document_date: date
    registered_on: date
    counterpart: str | None
    subject: str
    doc_type: str
    doc_type_label: str
    is_final: bool
    final_state: str | None
    created_by: str
    created_at: datetime
    files: tuple[FileVersion, ...] = ()
    marks: tuple[Mark, ...] = ()  # every mark, lifted ones too
    memo_id: int | None = None
    decision_id: int | None = None
    masked: bool = False

    @property
    def number(self) -> str:
        return format_number(self.diarienummer, self.seq)

    @property
    def secret(self) -> Mark | None:
        """The handling's active secrecy mark, if any."""
        return next((m for m in self.marks if m.active and m.field is None), None)

    @property
    def current(self) -> FileVersion | None:
        return self.files[-1] if self.files else None

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS.get(self.direction, self.direction)

    @property
    def state_label(self) -> str:
        if self.final_state:
            return FINAL_STATE_LABELS.get(self.final_state, self.final_state)
        return "Registrerad" if self.is_final else "Utkast"

    def as_json(self) -> dict[str, Any]:
        secret = self.secret
        return {
            "number": self.number,
            "diarienummer": self.diarienummer,
            "seq": self.seq,
            "direction": self.direction,
            "document_date": self.document_date.isoformat(),
            "registered_on": self.registered_on.isoformat(),
            "counterpart": self.counterpart,
            "subject": self.subject,
            "doc_type": self.doc_type,
            "is_final": self.is_final,
            "final_state": self.final_state,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "secret": secret is not None,
            "osl": secret.osl if secret else None,
            "masked": self.masked,
            "files": [f.as_json() for f in self.files],
            "secrecy_marks": [m.as_json() for m in self.marks],
            "memo_id": self.memo_id,
            "decision_id": self.decision_id,
        }


def view_of(
    row: Handling,
    *,
    diarienummer: str,
    label: str,
    files: list[HandlingFile],
    marks: list[SecrecyMark],
) -> HandlingView:
    assert row.id is not None
    versions = tuple(
        FileVersion(
            version=f.version,
            sha256=f.sha256,
            size=f.size,
            media_type=f.media_type,
            filename=f.original_filename,
            created_by=f.created_by,
            created_at=f.created_at,
        )
        for f in sorted(files, key=lambda f: f.version)
    )
    return HandlingView(
        id=row.id,
        case_id=row.case_id,
        diarienummer=diarienummer,
        seq=row.number,
        direction=row.direction,
        document_date=row.document_date,
        registered_on=row.registered_on,
        counterpart=row.counterpart,
        subject=row.subject,
        doc_type=row.doc_type,
        doc_type_label=label,
        is_final=row.is_final,
        final_state=row.final_state,
        created_by=row.created_by,
        created_at=row.created_at,
        files=versions,
        marks=tuple(mark_of(m) for m in sorted(marks, key=lambda m: m.id or 0)),
        memo_id=row.memo_id,
        decision_id=row.decision_id,
    )


def masked(view: HandlingView) -> HandlingView:
    """The view a person without access to secret content gets: a handling under an active
    mark keeps its number, date, direction and type; subject, counterpart and files are masked
    and the mark's reason is left out (the provision stays: the public may know it applies)."""
    if view.secret is None:
        return replace(view, marks=tuple(m for m in view.marks if m.active and m.field is None))
    public_marks = tuple(
        replace(m, reason=MASK, marked_by=MASK) for m in view.marks if m.active and m.field is None
    )
    return replace(
        view,
        subject=MASK,
        counterpart=MASK if view.counterpart else None,
        files=(),
        marks=public_marks,
        masked=True,
    )
