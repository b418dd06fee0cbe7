"""Registered documents (handlingar): running numbers per case, directions, types from the
configuration, file versions of a drawn-up document until it is final, the same file twice,
and events in the case's history. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from caseflow.clock import FakeClock
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import DuplicateError, InputError, NotFoundError, UnknownCaseError
from caseflow.records.repo import (
    add_handling,
    add_version,
    finalize_handling,
    get_handling,
    list_handlings,
    read_file,
)
from caseflow.records.storage import FolderStore, sha256_of
from caseflow.store.db import Database
from caseflow.store.repo import list_events, require_case
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import OFFICER, add_people, make_case
from tests.recordkit import doc_types, docx_bytes, pdf_bytes

DNR = "RUN/479/2024"


@pytest.fixture
def files(tmp_path: Path) -> FolderStore:
    return FolderStore(tmp_path / "filer")


@pytest.fixture
def case(database: Database, workflows: WorkflowRegistry, clock: FakeClock) -> Database:
    add_people(database, clock)
    make_case(database, workflows, clock, DNR)
    return database


def add(db: Database, files: FolderStore, clock: FakeClock, **kw: object):  # type: ignore[no-untyped-def]
    given: dict[str, object] = {
        "direction": "in",
        "subject": "Ansökan om medfinansiering",
        "doc_type": "ansokan",
        "counterpart": "Mittuniversitetet",
        "data": pdf_bytes(),
        "filename": "ansokan.pdf",
    }
    given.update(kw)
    return add_handling(
        db=db, files=files, types=doc_types(), dnr=DNR, actor=OFFICER, clock=clock, **given
    )  # type: ignore[arg-type]


def test_handlings_get_running_numbers_within_their_case(
    case: Database, files: FolderStore, clock: FakeClock, workflows: WorkflowRegistry
) -> None:
    first = add(case, files, clock)
    second = add(
        case,
        files,
        clock,
        direction="internal",
        subject="Tjänsteskrivelse",
        doc_type="tjansteskrivelse",
        counterpart=None,
        data=docx_bytes(),
        filename="ts.docx",
    )
    make_case(case, workflows, clock, "RUN/480/2024")
    other = add_handling(
        db=case,
        files=files,
        types=doc_types(),
        dnr="RUN/480/2024",
        direction="out",
        subject="Svar",
        doc_type="korrespondens",
        counterpart="Tillväxtverket",
        actor=OFFICER,
        clock=clock,
    )
    assert (first.number, second.number, other.number) == (
        "RUN/479/2024-1",
        "RUN/479/2024-2",
        "RUN/480/2024-1",
    )
    assert first.direction == "inkommande" and first.is_final and first.final_state is None
    assert second.direction == "upprattad" and not second.is_final
    assert other.final_state == "expedierad" and other.files == ()
    assert first.current is not None and first.current.media_type == "application/pdf"
    assert read_file(files=files, sha256=first.current.sha256) == pdf_bytes()
    listed = list_handlings(db=case, types=doc_types(), dnr=DNR)
    assert [h.number for h in listed] == ["RUN/479/2024-1", "RUN/479/2024-2"]
    assert listed[1].doc_type_label == "Tjänsteskrivelse"
    assert get_handling(db=case, types=doc_types(), number="run/479/2024-2").subject == (
        "Tjänsteskrivelse"
    )


def test_same_file_is_stored_once_and_registered_twice_only_when_asked(
    case: Database, files: FolderStore, clock: FakeClock
) -> None:
    first = add(case, files, clock)
    with pytest.raises(DuplicateError, match="redan registrerad på ärendet som RUN/479/2024-1"):
        add(case, files, clock, filename="kopia.pdf")
    again = add(case, files, clock, filename="kopia.pdf", allow_duplicate=True)
    assert again.number == "RUN/479/2024-2"
    assert first.current and again.current and first.current.sha256 == again.current.sha256
    stored = [p for p in (files.root).rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [sha256_of(pdf_bytes())]


def test_a_drawn_up_document_gets_versions_until_it_is_final(
    case: Database, files: FolderStore, clock: FakeClock
) -> None:
    draft = add(
        case,
        files,
        clock,
        direction="internal",
        doc_type="tjansteskrivelse",
        counterpart=None,
        data=docx_bytes("v1"),
        filename="ts.docx",
    )
    clock.advance(timedelta(hours=1))
    second = docx_bytes("v2")
    v2 = add_version(
        db=case,
        files=files,
        types=doc_types(),
        number=draft.number,
        data=second,
        filename="ts-v2.docx",
        actor=OFFICER,
        clock=clock,
    )
    assert [f.version for f in v2.files] == [1, 2]
    assert v2.current is not None and v2.current.filename == "ts-v2.docx"
    with pytest.raises(DuplicateError, match="densamma som den senaste"):
        add_version(
            db=case,
            files=files,
            types=doc_types(),
            number=draft.number,
            data=second,
            filename="ts-v2.docx",
            actor=OFFICER,
            clock=clock,
        )
    done = finalize_handling(
        db=case,
        types=doc_types(),
        number=draft.number,
        state="fastställd",
        actor=OFFICER,
        clock=clock,
    )
    assert done.is_final and done.final_state == "faststalld" and done.state_label == "Fastställd"
    with pytest.raises(InputError, match="är slutlig"):
        add_version(
            db=case,
            files=files,
            types=doc_types(),
            number=draft.number,
            data=docx_bytes("v3"),
            filename="ts.docx",
            actor=OFFICER,
            clock=clock,
        )
    with pytest.raises(InputError, match="redan slutlig"):
        finalize_handling(
            db=case,
            types=doc_types(),
            number=draft.number,
            state="expedierad",
            actor=OFFICER,
            clock=clock,
        )
    with case.read() as s:
        c = require_case(session=s, dnr=parse_dnr(DNR))
        assert c.id is not None
        kinds = [e.kind for e in list_events(session=s, case_id=c.id)]
    assert kinds[-3:] == ["handling", "handling_version", "handling_final"]


def test_bad_input_changes_nothing(case: Database, files: FolderStore, clock: FakeClock) -> None:
    cases = [
        ({"data": b""}, "filen är tom"),
        ({"filename": "../../etc/ansokan.pdf"}, "sökväg"),
        ({"filename": "ansokan.docx"}, "innehållet är PDF men namnet säger Word"),
        ({"data": b"\x00\x01binary", "filename": "x.pdf"}, "ingen filtyp som tas emot"),
        ({"max_bytes": 100}, "större än gränsen"),
        ({"doc_type": "hemligt"}, "okänd typ 'hemligt'"),
        ({"direction": "sideways"}, "okänt värde 'sideways'"),
        ({"subject": "  "}, "ärendemening: saknas"),
        ({"counterpart": None}, "avsändaren"),
        ({"direction": "in", "doc_type": "tjansteskrivelse"}, "kan inte registreras som"),
        ({"document_date": date(2025, 1, 7)}, "ligger i framtiden"),
    ]
    for given, message in cases:
        with pytest.raises(InputError, match=message):
            add(case, files, clock, **given)
    with pytest.raises(UnknownCaseError):
        add_handling(
            db=case,
            files=files,
            types=doc_types(),
            dnr="RUN/1/2024",
            direction="in",
            subject="x",
            doc_type="ansokan",
            counterpart="A",
            actor=OFFICER,
            clock=clock,
        )
    with pytest.raises(NotFoundError):
        get_handling(db=case, types=doc_types(), number=f"{DNR}-1")
    assert list_handlings(db=case, types=doc_types(), dnr=DNR) == []
    assert not files.root.exists()
