"""Rendered memos and signed decisions become upprättade handlingar by themselves: a render is
a version of the case's draft of that memo kind; signing makes it final (fastställd). On
SQLite and PostgreSQL, through the service and the command line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from caseflow.clock import FakeClock
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.history import describe, labels_of
from caseflow.memo.service import finalize_memo, render_memo
from caseflow.records.context import Records, build_records
from caseflow.records.repo import list_handlings, read_file
from caseflow.records.storage import MemoryStore
from caseflow.settings import load_settings
from caseflow.store.db import Database
from caseflow.store.repo import list_events, require_case
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.test_decisions import DECIDER, DNR, MEMO_DAY, MEMOS, OFFICER, partner_case, people


def records() -> Records:
    return build_records(load_settings(), files=MemoryStore())


def test_renders_are_versions_of_one_draft_until_the_decision_makes_it_final(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    people(database, clock)
    partner_case(database, workflows, clock)
    rec = records()

    def render(fmt: str = "docx") -> bytes:
        memo = render_memo(
            db=database,
            memos_dir=MEMOS,
            clock=clock,
            dnr=DNR,
            fmt=fmt,
            memo_date=MEMO_DAY,
            actor=OFFICER,
            signatory_email=DECIDER,
            records=rec,
        )
        return memo.data

    first = render("md")
    render("md")  # the same bytes: no new version
    clock.advance(timedelta(minutes=5))
    second = render("docx")
    [memo] = list_handlings(db=database, types=rec.types, dnr=DNR)
    assert memo.number == f"{DNR}-1" and memo.direction == "upprattad" and not memo.is_final
    assert memo.doc_type == "beslut"  # a delegationsbeslut, per records/document_types.yaml
    assert memo.subject == "Delegationsbeslut – samverkanspart: Kompetens i glesbygd"
    assert [f.version for f in memo.files] == [1, 2]
    assert read_file(files=rec.files, sha256=memo.files[0].sha256) == first
    assert read_file(files=rec.files, sha256=memo.files[1].sha256) == second
    assert memo.files[1].media_type.endswith("wordprocessingml.document")

    decision = finalize_memo(
        db=database,
        memos_dir=MEMOS,
        clock=clock,
        dnr=DNR,
        signed_by=DECIDER,
        decided_on=date(2025, 1, 3),
        records=rec,
    )
    [final] = list_handlings(db=database, types=rec.types, dnr=DNR)
    assert final.is_final and final.final_state == "faststalld"
    assert final.decision_id == decision.id
    render("md")  # after the decision: a new draft, not a third version of the final one
    numbers = [
        (h.number, h.is_final) for h in list_handlings(db=database, types=rec.types, dnr=DNR)
    ]
    assert numbers == [(f"{DNR}-1", True), (f"{DNR}-2", False)]

    with database.read() as s:
        case = require_case(session=s, dnr=parse_dnr(DNR))
        assert case.id is not None
        labels = labels_of([wf.spec for wf in workflows.all()])
        lines = [describe(e, labels).text() for e in list_events(session=s, case_id=case.id)]
    assert f"Registrerade automatiskt handling {DNR}-1 (upprättad, Beslut, fil " in "\n".join(lines)
    assert f"Ny version 2 av handling {DNR}-1 (fil " in "\n".join(lines)
    assert f"Handling {DNR}-1 blev fastställd" in lines


def test_memo_render_on_the_command_line_registers_the_memo(
    cli: Run, sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, tmp_path: Path
) -> None:
    people(sqlite_db, clock)
    partner_case(sqlite_db, workflows, clock)
    out = tmp_path / "memo.docx"
    code, _, err = cli(
        "memo", "render", DNR, "-o", str(out), "--signatory", DECIDER, "--actor", OFFICER
    )
    assert code == 0, err
    code, listed, err = cli("handling", "list", DNR)
    assert code == 0, err
    assert f"{DNR}-1" in listed and "Upprättad" in listed and "Utkast" in listed
