"""The e-archive export of many cases: as one package per case read in chunks, or as one batch
package (one SIP, one ERMS aggregation per case, each case's files in its own folder) that the
E-ARK validator accepts and that reads back as the cases in the database. SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.archive import service
from caseflow.archive.model import Producer
from caseflow.archive.reader import read_cases, read_package
from caseflow.archive.service import batch_package_id, export_cases, load_case
from caseflow.clock import FakeClock
from caseflow.errors import InputError
from caseflow.records.repo import list_handlings
from caseflow.records.storage import FolderStore
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.archivekit import DNR, closed_case, retention_plan
from tests.eark import validate_package
from tests.recordkit import doc_types

PRODUCER = Producer(organisation="Region Västernorrland", identification_code="232100-0222")
DNRS = [DNR, "RUN/480/2024", "NAM/7/2025"]


@pytest.fixture
def files(tmp_path: Path) -> FolderStore:
    return FolderStore(tmp_path / "filer")


def three_cases(db: Database, workflows: WorkflowRegistry, clock: FakeClock,
                files: FolderStore) -> None:  # fmt: skip
    closed_case(db, workflows, clock, files)
    for dnr in DNRS[1:]:
        closed_case(db, workflows, clock, files, dnr=dnr, people=False)


def export(db: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
           out: Path, dnrs: list[str], batch: bool) -> list[Path]:  # fmt: skip
    return export_cases(
        db=db, dnrs=dnrs, out_dir=out, workflows=workflows, types=doc_types(),
        plan=retention_plan(), read_bytes=files.get, producer=PRODUCER, now=clock.now(),
        batch=batch,
    )  # fmt: skip


def from_database(db: Database, workflows: WorkflowRegistry, files: FolderStore,
                  dnr: str) -> object:  # fmt: skip
    with db.read() as session:
        return load_case(session=session, dnr=dnr, workflows=workflows, types=doc_types(),
                         plan=retention_plan(), read_bytes=files.get)  # fmt: skip


def test_a_batch_package_is_valid_and_reads_back_as_the_cases_in_the_database(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
    tmp_path: Path,
) -> None:  # fmt: skip
    three_cases(database, workflows, clock, files)
    order = [DNRS[2], DNRS[0], DNRS[1]]  # the order given is the package's order
    [package] = export(database, workflows, clock, files, tmp_path / "ut", order, batch=True)
    assert package.name == batch_package_id(clock.now())
    assert package.name.startswith("caseflow-leverans-")
    report, problems = validate_package(package)
    assert problems == [], "\n".join(map(str, problems))
    assert report.structure.status.value == "WellFormed"
    data = package / "representations/rep1/data"
    assert sorted(p.name for p in data.iterdir()) == ["NAM-7-2025", "RUN-479-2024",
                                                      "RUN-480-2024"]  # fmt: skip
    assert sorted(p.name for p in (data / "RUN-480-2024").iterdir()) == [
        "1-Ansokan-Mittuniversitetet.pdf", "2-tjansteskrivelse.docx", "3-bokning.txt",
    ]  # fmt: skip
    back = read_cases(package)
    assert [c.diarienummer for c in back] == order
    for case in back:
        assert case == from_database(database, workflows, files, case.diarienummer)
        handlings = list_handlings(db=database, types=doc_types(), dnr=case.diarienummer)
        assert [d.identifier for d in case.documents] == [h.number for h in handlings]
        for document, handling in zip(case.documents, handlings, strict=True):
            assert document.subject == handling.subject
            assert document.file is not None and handling.current is not None
            assert document.file.data == files.get(handling.current.sha256)
    # Each file belongs to its own case: the same-named files differ by the case's number.
    texts = {c.diarienummer: c.documents[2].file.data for c in back if c.documents[2].file}
    assert texts[DNR] != texts["RUN/480/2024"] and b"RUN/480/2024" in texts["RUN/480/2024"]
    with pytest.raises(InputError, match="3 ärenden, inte ett"):
        read_package(package)
    erms = (package / "metadata/descriptive/erms.xml").read_text("utf-8")
    assert erms.count("<erms:aggregation ") == 3
    assert 'path="representations/rep1/data/NAM-7-2025/1-Ansokan-Mittuniversitetet.pdf"' in erms


def test_chunked_reading_gives_each_case_its_own_documents(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Cases read two at a time (a chunk boundary inside the export) are each exactly the case
    read alone, in one-case packages and in a batch."""
    three_cases(database, workflows, clock, files)
    monkeypatch.setattr(service, "CHUNK", 2)
    written = export(database, workflows, clock, files, tmp_path / "ut", DNRS, batch=False)
    assert [p.name for p in written] == ["caseflow-RUN-479-2024", "caseflow-RUN-480-2024",
                                         "caseflow-NAM-7-2025"]  # fmt: skip
    for path, dnr in zip(written, DNRS, strict=True):
        assert read_package(path) == from_database(database, workflows, files, dnr)
    [batch] = export(database, workflows, clock, files, tmp_path / "ut2", DNRS, batch=True)
    assert read_cases(batch) == [from_database(database, workflows, files, d) for d in DNRS]


def test_a_batch_with_an_open_case_or_a_changed_file_writes_nothing(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
    tmp_path: Path,
) -> None:  # fmt: skip
    three_cases(sqlite_db, workflows, clock, files)
    closed_case(sqlite_db, workflows, clock, files, dnr="RUN/481/2024", people=False, close=False)
    out = tmp_path / "ut"
    with pytest.raises(InputError, match="RUN/481/2024 är inte avslutat"):
        export(sqlite_db, workflows, clock, files, out, [*DNRS, "RUN/481/2024"], batch=True)
    assert not out.exists() or not any(out.iterdir())
    with pytest.raises(InputError, match="står två gånger"):
        export(sqlite_db, workflows, clock, files, out, [DNR, DNR], batch=True)
    # A file whose bytes in the store no longer match what was registered stops the export.
    [handling] = [h for h in list_handlings(db=sqlite_db, types=doc_types(), dnr=DNRS[2])
                  if h.seq == 3]  # fmt: skip
    assert handling.current is not None
    files.path_of(handling.current.sha256).write_bytes(b"manipulerad")
    with pytest.raises(InputError, match="NAM/7/2025-3: filen i lagringen stämmer inte"):
        export(sqlite_db, workflows, clock, files, out, DNRS, batch=True)
    assert not out.exists() or not any(out.iterdir()), "no half package is left"
    with pytest.raises(InputError, match="stämmer inte"):
        export(sqlite_db, workflows, clock, files, out, DNRS, batch=False)
    assert sorted(p.name for p in out.iterdir()) == ["caseflow-RUN-479-2024",
                                                     "caseflow-RUN-480-2024"]  # fmt: skip


def test_cli_archive_export_batch_and_check(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from tests.conftest import cli_runner

    files = FolderStore(tmp_path / "filer")
    monkeypatch.setenv("CASEFLOW_STORAGE_DIR", str(files.root))
    three_cases(sqlite_db, workflows, clock, files)
    run = cli_runner(sqlite_db.url, capsys)
    code, out, err = run("archive", "export", *DNRS, "-o", str(tmp_path / "ut"), "--batch")
    assert (code, err) == (0, ""), err
    assert "1 arkivpaket skrivet med 3 ärenden" in out
    [package] = (tmp_path / "ut").iterdir()
    assert package.name.startswith("caseflow-leverans-")
    code, out, _ = run("archive", "check", str(package))
    assert code == 0
    assert out.splitlines() == [f"{d}: 3 handlingar, alla filer stämmer" for d in DNRS]
    (package / "representations/rep1/data/NAM-7-2025/3-bokning.txt").write_bytes(b"x")
    code, _, err = run("archive", "check", str(package))
    assert code == 1 and err.startswith("fel: filen stämmer inte med sin kontrollsumma")
