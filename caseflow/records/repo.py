"""Registered documents (handlingar): add, add a version, make final, list, get, read a file.

Keyword-only; each change is one transaction that also appends an event to the case's history.
The bytes go to the `FileStore` before the transaction (content-addressed, so a file stored
for a transaction that then fails is harmless and found again by the next try).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from caseflow.clock import Clock
from caseflow.domain.checks import check_day, check_text
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.workdays import local_date
from caseflow.errors import DuplicateError, InputError
from caseflow.records.config import DocumentTypes
from caseflow.records.filetype import CheckedFile, check_file
from caseflow.records.models import Handling, HandlingFile
from caseflow.records.rows import (
    Draft,
    files_of,
    insert_handling,
    insert_version,
    make_final,
    marks_of,
    require_handling,
)
from caseflow.records.storage import FileStore, check_sha256
from caseflow.records.views import HandlingView, view_of
from caseflow.records.vocabulary import (
    DISPATCHED,
    DRAWN_UP,
    INCOMING,
    OUTGOING,
    check_direction,
    check_final_state,
    format_number,
)
from caseflow.store.db import Database
from caseflow.store.models import Case
from caseflow.store.repo import require_case

#: The default size limit of one file (CASEFLOW_MAX_FILE_BYTES overrides it).
MAX_FILE_BYTES = 50 * 1024 * 1024


def add_handling(
    *,
    db: Database,
    files: FileStore,
    types: DocumentTypes,
    dnr: str,
    direction: str,
    subject: str,
    doc_type: str,
    actor: str,
    clock: Clock,
    data: bytes | None = None,
    filename: str | None = None,
    counterpart: str | None = None,
    document_date: date | None = None,
    allow_duplicate: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
    memo_id: int | None = None,
    decision_id: int | None = None,
    final_state: str | None = None,
) -> HandlingView:
    """Register a document on the case under its next running number, with its file.

    Incoming documents are final at once; outgoing ones are expedierade; drawn-up ones stay
    drafts (new versions allowed) unless `final_state` is given. The same file (SHA-256) is
    registered on a case once: again only with `allow_duplicate` (the bytes are stored once).

    Raises:
        UnknownCaseError; InputError (direction, type, text, date, the file's checks);
        DuplicateError (the file is already registered on the case).
    """
    number = parse_dnr(dnr)
    code = check_direction(direction)
    kind = _check_type(types, doc_type, code)
    about = check_text(subject, field="ärendemening", max_length=500)
    if not about:
        raise InputError("ärendemening: saknas (vad handlingen gäller)")
    party = check_text(counterpart, field="motpart", max_length=300) if counterpart else None
    if code == INCOMING and not party:
        raise InputError("motpart: en inkommande handling behöver avsändaren")
    state = check_final_state(final_state) if final_state else None
    if code == DRAWN_UP and state is None:
        final = False
    else:
        final, state = True, state or (DISPATCHED if code == OUTGOING else None)
    checked = _checked(data, filename, max_bytes)
    now = clock.now()
    today = local_date(now)
    day = check_day(document_date, field="datum") if document_date else today
    if day > today:
        raise InputError(f"datum: {day} ligger i framtiden (i dag {today})")
    key = files.put(data) if data is not None and checked else None
    with db.write(duplicate=f"{number}: handlingen registrerades samtidigt; försök igen") as s:
        case = require_case(session=s, dnr=number, for_update=True)
        if key is not None and not allow_duplicate:
            _refuse_duplicate(s, case, key)
        draft = Draft(
            direction=code,
            doc_type=kind,
            subject=about,
            counterpart=party,
            document_date=day,
            final_state=state if final else None,
            is_final=final,
        )
        return insert_handling(
            session=s,
            case=case,
            types=types,
            draft=draft,
            actor=actor,
            at=now,
            file=(key, checked) if key and checked else None,
            memo_id=memo_id,
            decision_id=decision_id,
        )


def add_version(
    *,
    db: Database,
    files: FileStore,
    types: DocumentTypes,
    number: str,
    data: bytes,
    filename: str,
    actor: str,
    clock: Clock,
    max_bytes: int = MAX_FILE_BYTES,
) -> HandlingView:
    """Add a new version of a drawn-up document's file; refused once it is final.

    Raises:
        UnknownCaseError, NotFoundError, InputError (final, the file's checks).
    """
    checked = _checked(data, filename, max_bytes)
    assert checked is not None
    now = clock.now()
    key = files.put(data)
    with db.write(duplicate=f"{number}: en ny version sparades samtidigt; försök igen") as s:
        case, row = require_handling(session=s, number=number, for_update=True)
        if row.is_final:
            raise InputError(
                f"{format_number(case.diarienummer, row.number)} är slutlig "
                f"({row.final_state or 'inkommen'}); nya versioner tas inte emot"
            )
        added = insert_version(
            session=s, case=case, row=row, key=key, checked=checked, actor=actor, at=now
        )
        if added is None:
            raise DuplicateError(
                f"{format_number(case.diarienummer, row.number)}: filen är "
                "densamma som den senaste versionen"
            )
        assert row.id is not None
        return view_of(
            row,
            diarienummer=case.diarienummer,
            label=types.label(row.doc_type),
            files=files_of(s, [row.id])[row.id],
            marks=marks_of(s, [row.id])[row.id],
        )


def finalize_handling(
    *, db: Database, types: DocumentTypes, number: str, state: str, actor: str, clock: Clock
) -> HandlingView:
    """Make a drawn-up document final: expedierad (sent) or fastställd (adopted).

    Raises:
        UnknownCaseError, NotFoundError, InputError (already final, unknown state).
    """
    final = check_final_state(state)
    now = clock.now()
    with db.write() as s:
        case, row = require_handling(session=s, number=number, for_update=True)
        if row.is_final:
            raise InputError(f"{format_number(case.diarienummer, row.number)} är redan slutlig")
        make_final(s, case, row, final, actor=actor, at=now)
        assert row.id is not None
        return view_of(
            row,
            diarienummer=case.diarienummer,
            label=types.label(row.doc_type),
            files=files_of(s, [row.id])[row.id],
            marks=marks_of(s, [row.id])[row.id],
        )


def list_handlings(*, db: Database, types: DocumentTypes, dnr: str) -> list[HandlingView]:
    """The case's documents in number order, unmasked (callers mask for the reader).

    Raises:
        UnknownCaseError.
    """
    with db.read() as s:
        case = require_case(session=s, dnr=parse_dnr(dnr))
        assert case.id is not None
        return handlings_of(session=s, case=case, types=types)


def get_handling(*, db: Database, types: DocumentTypes, number: str) -> HandlingView:
    """One document by its number (`RUN/479/2024-3`), unmasked.

    Raises:
        InputError (not a number), UnknownCaseError, NotFoundError.
    """
    with db.read() as s:
        case, row = require_handling(session=s, number=number)
        assert row.id is not None
        return view_of(
            row,
            diarienummer=case.diarienummer,
            label=types.label(row.doc_type),
            files=files_of(s, [row.id])[row.id],
            marks=marks_of(s, [row.id])[row.id],
        )


def read_file(*, files: FileStore, sha256: str) -> bytes:
    """The bytes stored under `sha256`.

    Raises:
        NotFoundError: nothing is stored under it (or it is not a SHA-256).
    """
    return files.get(check_sha256(sha256))


def handlings_of(*, session: Session, case: Case, types: DocumentTypes) -> list[HandlingView]:
    """As `list_handlings`, in the caller's session."""
    stmt = select(Handling).where(Handling.case_id == case.id).order_by(col(Handling.number))
    rows = list(session.exec(stmt).all())
    ids = [r.id for r in rows if r.id is not None]
    found, marks = files_of(session, ids), marks_of(session, ids)
    return [
        view_of(
            r,
            diarienummer=case.diarienummer,
            label=types.label(r.doc_type),
            files=found[r.id or 0],
            marks=marks[r.id or 0],
        )
        for r in rows
    ]


def _check_type(types: DocumentTypes, doc_type: str, direction: str) -> str:
    code = doc_type.strip().lower()
    found = types.get(code)
    if found is None:
        raise InputError(f"dokumenttyp: okänd typ {doc_type!r}; giltiga: {', '.join(types.codes)}")
    if found.directions is not None and direction not in found.directions:
        raise InputError(
            f"dokumenttyp {found.label}: kan inte registreras som "
            f"{direction}; bara {', '.join(found.directions)}"
        )
    return code


def _checked(data: bytes | None, filename: str | None, max_bytes: int) -> CheckedFile | None:
    if data is None:
        if filename is not None:
            raise InputError(f"{filename}: filens innehåll saknas")
        return None
    return check_file(data, filename or "", max_bytes=max_bytes)


def _refuse_duplicate(s: Session, case: Case, key: str) -> None:
    stmt = (
        select(Handling.number)
        .join(HandlingFile, col(HandlingFile.handling_id) == col(Handling.id))
        .where(Handling.case_id == case.id, HandlingFile.sha256 == key)
        .order_by(col(Handling.number))
    )
    taken = s.exec(stmt).first()
    if taken is not None:
        raise DuplicateError(
            f"filen är redan registrerad på ärendet som {format_number(case.diarienummer, taken)}; "
            "registrera den igen bara om det är en ny handling (--allow-duplicate)"
        )
