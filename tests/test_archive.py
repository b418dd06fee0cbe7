"""The e-archive export: a closed case as an E-ARK SIP that the E-ARK foundation's own
validator (eark-validator, specification V2.1.0) accepts — structure, METS schema, CSIP and SIP
Schematron rules — whose ERMS document is valid against the ERMS schema, and that reads back
into the same case as in the database. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caseflow.archive.model import Producer
from caseflow.archive.reader import read_package
from caseflow.archive.service import export_cases, load_case
from caseflow.clock import FakeClock
from caseflow.errors import InputError, UnknownCaseError
from caseflow.records.repo import list_handlings
from caseflow.records.storage import FolderStore
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.archivekit import DNR, closed_case, retention_plan
from tests.eark import erms_problems, validate_package
from tests.recordkit import doc_types

PRODUCER = Producer(organisation="Region Västernorrland", identification_code="232100-0222")


@pytest.fixture
def files(tmp_path: Path) -> FolderStore:
    return FolderStore(tmp_path / "filer")


def export(db: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
           out: Path, dnrs: list[str] | None = None) -> list[Path]:  # fmt: skip
    return export_cases(
        db=db, dnrs=dnrs or [DNR], out_dir=out, workflows=workflows, types=doc_types(),
        plan=retention_plan(), read_bytes=files.get, producer=PRODUCER, now=clock.now(),
    )  # fmt: skip


def test_a_closed_case_exports_to_a_package_the_eark_validator_accepts(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
    tmp_path: Path,
) -> None:  # fmt: skip
    closed_case(database, workflows, clock, files)
    [package] = export(database, workflows, clock, files, tmp_path / "ut")
    assert package.name == "caseflow-RUN-479-2024"
    report, problems = validate_package(package)
    assert problems == [], "\n".join(map(str, problems))
    assert report.structure.status.value == "WellFormed"
    assert report.package.details.oaispackagetype == "SIP"
    data = sorted(p.name for p in (package / "representations/rep1/data").iterdir())
    assert data == ["1-Ansokan-Mittuniversitetet.pdf", "2-tjansteskrivelse.docx", "3-bokning.txt"]


def test_the_package_reads_back_as_the_case_in_the_database(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
    tmp_path: Path,
) -> None:  # fmt: skip
    closed_case(database, workflows, clock, files)
    [package] = export(database, workflows, clock, files, tmp_path / "ut")
    back = read_package(package)
    with database.read() as session:
        expected = load_case(session=session, dnr=DNR, workflows=workflows, types=doc_types(),
                             plan=retention_plan(), read_bytes=files.get)  # fmt: skip
    assert back == expected
    # …and against the records as the records side lists them, field by field.
    handlings = list_handlings(db=database, types=doc_types(), dnr=DNR)
    assert [d.identifier for d in back.documents] == [h.number for h in handlings]
    for document, handling in zip(back.documents, handlings, strict=True):
        assert document.subject == handling.subject
        assert document.counterpart == handling.counterpart
        assert document.document_date == handling.document_date
        assert document.final_state == handling.final_state
        assert document.file is not None and handling.current is not None
        assert document.file.sha256 == handling.current.sha256
        assert document.file.data == files.get(handling.current.sha256)
        assert document.file.original_name == handling.current.filename
    secret = back.documents[0].restrictions
    assert [(r.regulation, r.explanation) for r in secret] == [
        ("OSL 31:16", "Uppgifter om affärsförhållanden")
    ]
    assert back.documents[2].disposal is not None
    assert back.documents[2].disposal.disposal_date == date(2027, 1, 6)  # korrespondens: 2 år
    assert back.documents[0].disposal is not None and not back.documents[0].disposal.disposable
    assert back.outcome == "withdrawn" and back.diarienummer == DNR


def test_the_validator_rejects_a_broken_package(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
    tmp_path: Path,
) -> None:  # fmt: skip
    """The validation really validates: a package with a METS rule broken, and an ERMS
    document that breaks its schema, each fail."""
    closed_case(sqlite_db, workflows, clock, files)
    [package] = export(sqlite_db, workflows, clock, files, tmp_path / "ut")
    mets = package / "METS.xml"
    text = mets.read_text(encoding="utf-8")
    mets.write_text(text.replace('LABEL="Documentation"', 'LABEL="Dokumentation"'), "utf-8")
    _, problems = validate_package(package)
    assert {p.rule for p in problems if p.where == "schematron"} >= {"CSIP95"}
    mets.write_text(text.replace('PROFILE="https://earksip', 'PROFILE="https://example'), "utf-8")
    _, problems = validate_package(package)
    assert "SIP2" in {p.rule for p in problems}
    erms = package / "metadata/descriptive/erms.xml"
    erms.write_text(erms.read_text("utf-8").replace("runningNumber>1<", "runningNumber>ett<"),
                    "utf-8")  # fmt: skip
    assert erms_problems(erms)


def test_open_unknown_and_already_exported_cases_are_refused_before_anything_is_written(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
    tmp_path: Path,
) -> None:  # fmt: skip
    closed_case(sqlite_db, workflows, clock, files)
    closed_case(sqlite_db, workflows, clock, files, dnr="RUN/480/2024", people=False, close=False)
    out = tmp_path / "ut"
    with pytest.raises(InputError, match="RUN/480/2024 är inte avslutat"):
        export(sqlite_db, workflows, clock, files, out, [DNR, "RUN/480/2024"])
    assert not out.exists() or not any(out.iterdir())
    with pytest.raises(UnknownCaseError):
        export(sqlite_db, workflows, clock, files, out, ["RUN/999/2024"])
    export(sqlite_db, workflows, clock, files, out)
    with pytest.raises(InputError, match="paketet finns redan"):
        export(sqlite_db, workflows, clock, files, out)
    assert sorted(p.name for p in out.iterdir()) == ["caseflow-RUN-479-2024"]


def test_cli_archive_export_and_check(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from tests.conftest import cli_runner

    files = FolderStore(tmp_path / "filer")
    monkeypatch.setenv("CASEFLOW_STORAGE_DIR", str(files.root))
    monkeypatch.setenv("CASEFLOW_ARCHIVE_CREATOR", "Region Västernorrland")
    closed_case(sqlite_db, workflows, clock, files)
    run = cli_runner(sqlite_db.url, capsys)
    code, out, err = run("archive", "export", DNR, "-o", str(tmp_path / "ut"))
    assert (code, err) == (0, ""), err
    assert "1 arkivpaket skrivna" in out
    package = tmp_path / "ut" / "caseflow-RUN-479-2024"
    assert "Region Västernorrland" in (package / "METS.xml").read_text("utf-8")
    code, out, _ = run("archive", "check", str(package))
    assert code == 0 and "3 handlingar, alla filer stämmer" in out
    (package / "representations/rep1/data/3-bokning.txt").write_bytes(b"manipulerad")
    code, _, err = run("archive", "check", str(package))
    assert code == 1 and err.startswith("fel: filen stämmer inte med sin kontrollsumma")
    code, _, err = run("archive", "export", DNR, "-o", str(tmp_path / "saknas" / "ut"))
    assert code == 1 and "finns inte" in err and err.count("\n") == 1


def test_a_rendered_memo_and_its_signed_decision_are_exported_as_documents(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, tmp_path: Path
) -> None:
    """Memos and decisions are registered as upprättade handlingar by the records side; the
    export carries the signed memo's bytes as the decision document."""
    from caseflow.cases.engine import fire
    from caseflow.memo.service import finalize_memo, render_memo
    from tests.test_decisions import DECIDER, MEMO_DAY, MEMOS, OFFICER, partner_case, people
    from tests.test_decisions import DNR as PARTNER
    from tests.test_records_memo import records

    people(database, clock)
    partner_case(database, workflows, clock)
    rec = records()
    memo = render_memo(
        db=database, memos_dir=MEMOS, clock=clock, dnr=PARTNER, fmt="docx", memo_date=MEMO_DAY,
        actor=OFFICER, signatory_email=DECIDER, records=rec,
    )  # fmt: skip
    finalize_memo(db=database, memos_dir=MEMOS, clock=clock, dnr=PARTNER, signed_by=DECIDER,
                  decided_on=date(2025, 1, 3), records=rec)  # fmt: skip
    fire(db=database, workflows=workflows, dnr=PARTNER, trigger="withdraw", actor=OFFICER,
         clock=clock, reason="Avslutat efter beslut")  # fmt: skip
    [package] = export_cases(
        db=database, dnrs=[PARTNER], out_dir=tmp_path / "ut", workflows=workflows,
        types=rec.types, plan=retention_plan(), read_bytes=rec.files.get, producer=PRODUCER,
        now=clock.now(),
    )  # fmt: skip
    _, problems = validate_package(package)
    assert problems == [], "\n".join(map(str, problems))
    [decision] = read_package(package).documents
    assert decision.doc_type == "beslut" and decision.final_state == "faststalld"
    assert decision.file is not None and decision.file.data == memo.data
    assert decision.disposal is not None and not decision.disposal.disposable


def test_a_disposed_document_is_exported_as_metadata_with_its_disposal(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
    tmp_path: Path,
) -> None:  # fmt: skip
    from datetime import UTC, datetime

    from caseflow.retention.service import run_disposal

    closed_case(sqlite_db, workflows, clock, files)
    run_disposal(
        db=sqlite_db, plan=retention_plan(), workflows=workflows, types=doc_types(),
        remove_bytes=lambda s: files.path_of(s).unlink(), actor="bo@region.se",
        decision="RS 2027/14", clock=FakeClock(datetime(2027, 2, 1, 9, tzinfo=UTC)),
    )  # fmt: skip
    [package] = export(sqlite_db, workflows, clock, files, tmp_path / "ut")
    _, problems = validate_package(package)
    assert problems == [], "\n".join(map(str, problems))
    documents = read_package(package).documents
    assert documents[2].file is None and documents[2].disposed_on == date(2027, 2, 1)
    assert documents[2].subject == "Mötesbokning"  # the metadata remains
    assert not (package / "representations/rep1/data/3-bokning.txt").exists()
    assert "filen gallrad 2027-02-01" in (package / "documentation/paketbeskrivning.txt").read_text(
        "utf-8"
    )


def test_a_batch_writes_one_complete_package_per_case(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore,
    tmp_path: Path,
) -> None:  # fmt: skip
    closed_case(sqlite_db, workflows, clock, files)
    closed_case(sqlite_db, workflows, clock, files, dnr="RUN/480/2024", people=False)
    first, second = export(sqlite_db, workflows, clock, files, tmp_path / "ut",
                           [DNR, "RUN/480/2024"])  # fmt: skip
    _, problems = validate_package(second)
    assert problems == [], "\n".join(map(str, problems))
    assert read_package(second).diarienummer == "RUN/480/2024"
    for name in ("ERMS.xsd", "mets.xsd", "xlink.xsd"):  # linked, not copied, yet complete
        a, b = first / "schemas" / name, second / "schemas" / name
        assert a.read_bytes() == b.read_bytes() and a.stat().st_ino == b.stat().st_ino
    with pytest.raises(InputError, match="står två gånger"):
        export(sqlite_db, workflows, clock, files, tmp_path / "ut2", [DNR, "RUN/479/2024"])
