"""Retention (gallring): the plan as strict data with file-and-line errors, each document's
disposal date, a disposal run that needs a recorded decision, logs what it removed and keeps
the metadata, removes only bytes no other document uses, and never touches a held document.
On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from caseflow.clock import FakeClock
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import InputError
from caseflow.records.repo import list_handlings
from caseflow.records.storage import FolderStore
from caseflow.retention.plan import RetentionPlanError, parse_plan
from caseflow.retention.service import (
    disposal_log,
    due_documents,
    lift_hold,
    place_hold,
    plan_documents,
    run_disposal,
)
from caseflow.store.db import Database
from caseflow.store.repo import list_events, require_case
from caseflow.workflow.registry import WorkflowRegistry
from tests.archivekit import DNR, closed_case, retention_plan
from tests.factories import DECIDER
from tests.recordkit import doc_types
from tests.webkit import Web

LATER = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)  # the korrespondens (2 years) is due


@pytest.fixture
def files(tmp_path: Path) -> FolderStore:
    return FolderStore(tmp_path / "filer")


def _parse(text: str) -> None:
    parse_plan(text, source=Path("retention.yaml"), known_doc_types={"avtal", "ovrigt"},
               known_case_types={"regional_project"})  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\ncase_types:\n  - code: regional_project\n    retention: bevaras\n"
         "    legal_basis: x\n    colour: red\n",
         "retention.yaml:6: case_types.0.colour: okänd nyckel"),
        ("version: 1\ndocument_types:\n  - code: fakturor\n    retention: bevaras\n"
         "    legal_basis: x\n", "retention.yaml:3: dokumenttyp 'fakturor' finns inte"),
        ("version: 1\ndocument_types:\n  - code: avtal\n    retention: gallras\n"
         "    legal_basis: x\n", "retention.yaml:3: avtal: gallras kräver years"),
        ("version: 1\ndocument_types:\n  - code: avtal\n    retention: sparas\n"
         "    legal_basis: x\n", "retention.yaml:4: document_types.0.retention:"),
        ("version: 1\ndocument_types:\n  - code: avtal\n    retention: bevaras\n    years: 3\n"
         "    legal_basis: x\n", "retention.yaml:3: avtal: bevaras tar inget years"),
        ("version: 1\n  bad: [\n", "retention.yaml:"),
    ],
)  # fmt: skip
def test_the_plan_is_strict_and_names_file_and_line(text: str, message: str) -> None:
    with pytest.raises(RetentionPlanError) as err:
        _parse(text)
    assert message in str(err.value)


def test_each_document_gets_its_rule_and_disposal_date(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore
) -> None:
    closed_case(database, workflows, clock, files)
    planned = plan_documents(db=database, plan=retention_plan(), workflows=workflows)
    assert [(p.number, p.rule.id, p.disposal_date) for p in planned] == [
        ("RUN/479/2024-1", "dokumenttyp:ansokan", None),
        ("RUN/479/2024-2", "dokumenttyp:tjansteskrivelse", None),
        ("RUN/479/2024-3", "dokumenttyp:korrespondens", date(2027, 1, 6)),
    ]
    assert planned[0].rule.legal_basis.startswith("RA-FS 2021:6")


def test_an_open_case_has_no_disposal_date_yet(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore
) -> None:
    closed_case(sqlite_db, workflows, clock, files, close=False)
    planned = plan_documents(db=sqlite_db, plan=retention_plan(), workflows=workflows)
    assert planned[2].rule.disposable and planned[2].disposal_date is None
    due, held = due_documents(db=sqlite_db, plan=retention_plan(), workflows=workflows,
                              today=date(2099, 1, 1))  # fmt: skip
    assert (due, held) == ([], [])


def test_a_disposal_run_needs_a_decision_logs_and_keeps_the_metadata(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore
) -> None:
    closed_case(database, workflows, clock, files)
    plan = retention_plan()
    later = FakeClock(LATER)
    due, _ = due_documents(db=database, plan=plan, workflows=workflows, today=LATER.date())
    assert [d.number for d in due] == ["RUN/479/2024-3"]
    target = list_handlings(db=database, types=doc_types(), dnr=DNR)[2]
    assert target.current is not None
    sha = target.current.sha256
    assert files.exists(sha)

    def run(decision: str) -> list:  # type: ignore[type-arg]
        return run_disposal(
            db=database, plan=plan, workflows=workflows, types=doc_types(),
            remove_bytes=lambda s: files.path_of(s).unlink(), actor=DECIDER,
            decision=decision, clock=later,
        )  # fmt: skip

    with pytest.raises(InputError, match="kräver ett beslut"):
        run("  ")
    assert files.exists(sha) and disposal_log(db=database) == []
    written = run("RS 2027/14")
    assert [w.number for w in written] == ["RUN/479/2024-3"]
    assert not files.exists(sha)
    [log] = disposal_log(db=database)
    assert (log.rule, log.decided_by, log.decision, log.due_on) == (
        "dokumenttyp:korrespondens",
        DECIDER,
        "RS 2027/14",
        date(2027, 1, 6),
    )
    assert log.legal_basis.startswith("Regionens gallringsbeslut")
    assert log.files[0]["sha256"] == sha and log.files[0]["filename"] == "bokning.txt"
    # The handling's own metadata remains; the others keep their files.
    after = list_handlings(db=database, types=doc_types(), dnr=DNR)
    assert after[2].subject == "Mötesbokning" and after[2].current is not None
    assert all(files.exists(h.current.sha256) for h in after[:2] if h.current)
    with database.read() as session:
        case = require_case(session=session, dnr=parse_dnr(DNR))
        kinds = [e.kind for e in list_events(session=session, case_id=case.id or 0)]
    assert kinds[-1] == "disposal"
    assert run("RS 2027/15") == []  # nothing twice
    planned = plan_documents(db=database, plan=plan, workflows=workflows)
    assert planned[2].disposed_at == LATER


def test_nothing_on_hold_is_disposed_of(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore
) -> None:
    closed_case(database, workflows, clock, files)
    plan = retention_plan()
    later = FakeClock(LATER)
    hold = place_hold(db=database, dnr=DNR, handling=3, reason="Tvist vid förvaltningsrätten",
                      actor=DECIDER, clock=clock)  # fmt: skip
    place_hold(db=database, dnr=DNR, reason="Revision pågår", actor=DECIDER, clock=clock)
    due, held = due_documents(db=database, plan=plan, workflows=workflows, today=LATER.date())
    assert due == [] and [h.number for h in held] == ["RUN/479/2024-3"]
    removed: list[str] = []

    def run() -> list[object]:
        return list(run_disposal(
            db=database, plan=plan, workflows=workflows, types=doc_types(),
            remove_bytes=removed.append, actor=DECIDER, decision="RS 2027/14", clock=later,
        ))  # fmt: skip

    assert run() == []
    assert removed == []
    lift_hold(db=database, hold_id=hold.id or 0, reason="Domen har vunnit laga kraft",
              actor=DECIDER, clock=later)  # fmt: skip
    assert run() == []  # the case's own hold remains
    with pytest.raises(InputError):
        place_hold(db=database, dnr=DNR, reason=" ", actor=DECIDER, clock=clock)


def test_bytes_another_document_still_uses_are_kept(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, files: FolderStore
) -> None:
    from caseflow.records.repo import add_handling

    closed_case(sqlite_db, workflows, clock, files, close=False)
    add_handling(
        db=sqlite_db, files=files, types=doc_types(), dnr=DNR, direction="in",
        subject="Samma bokning igen", doc_type="ansokan", counterpart="X",
        data=f"Hej, vi ses den 3 mars. ({DNR})".encode(), filename="bokning.txt",
        actor=DECIDER, clock=clock, allow_duplicate=True,
    )  # fmt: skip
    from caseflow.cases.engine import fire

    fire(db=sqlite_db, workflows=workflows, dnr=DNR, trigger="withdraw", actor=DECIDER,
         clock=clock, reason="Avbrutet")  # fmt: skip
    removed: list[str] = []
    written = run_disposal(
        db=sqlite_db, plan=retention_plan(), workflows=workflows, types=doc_types(),
        remove_bytes=removed.append, actor=DECIDER, decision="RS 2027/14",
        clock=FakeClock(LATER),
    )  # fmt: skip
    assert [w.number for w in written] == ["RUN/479/2024-3"]
    assert removed == []  # the ansökan (bevaras) has the same bytes


def test_cli_retention_plan_and_run(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from tests.conftest import cli_runner

    files = FolderStore(tmp_path / "filer")
    monkeypatch.setenv("CASEFLOW_STORAGE_DIR", str(files.root))
    monkeypatch.delenv("CASEFLOW_ACTOR", raising=False)
    # Closed in 2020: the korrespondens (2 years) was due 2022-01-06, before the real today.
    closed_case(sqlite_db, workflows, FakeClock(datetime(2020, 1, 6, 9, tzinfo=UTC)), files)
    run = cli_runner(sqlite_db.url, capsys)
    code, out, err = run("retention", "plan", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows[2]["disposal_date"] == "2022-01-06" and rows[0]["retention"] == "bevaras"
    code, out, _ = run("retention", "plan")
    assert "RUN/479/2024-3" in out and "gallras 2022-01-06" in out and "bevaras" in out
    code, out, _ = run("retention", "run")
    assert code == 0 and "1 handlingar ska gallras; kör med --confirm" in out
    assert disposal_log(db=sqlite_db) == []
    code, _, err = run("retention", "run", "--confirm", "--actor", DECIDER)
    assert code == 1 and err.startswith("fel: gallring kräver ett beslut")
    code, out, _ = run("retention", "hold", DNR, "--reason", "Revision", "--actor", DECIDER)
    assert code == 0 and "spärr nr 1 lagd" in out
    code, out, _ = run("retention", "plan")
    assert "[spärrad]" in out
    code, out, _ = run("retention", "run", "--confirm", "--decision", "RS 2026/9",
                       "--actor", DECIDER)  # fmt: skip
    assert code == 0 and "spärrad, gallras inte: RUN/479/2024-3" in out
    assert "0 handlingar gallrade" in out
    code, out, _ = run("retention", "release", "1", "--reason", "Klar", "--actor", DECIDER)
    assert code == 0
    code, _, err = run("retention", "hold", DNR, "--handling", "9", "--reason", "x",
                       "--actor", DECIDER)  # fmt: skip
    assert code == 1 and "har ingen handling nr 9" in err
    code, out, _ = run("retention", "run", "--confirm", "--decision", "RS 2026/9",
                       "--actor", DECIDER)  # fmt: skip
    assert code == 0 and "gallrad: RUN/479/2024-3" in out
    [log] = disposal_log(db=sqlite_db)
    assert not files.exists(log.files[0]["sha256"])
    code, out, _ = run("retention", "log")
    assert code == 0 and "RUN/479/2024-3" in out and "beslut RS 2026/9" in out


def test_cli_reports_a_bad_plan_with_file_and_line(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import shutil

    from caseflow.settings import PROJECT_ROOT
    from tests.conftest import cli_runner

    records = tmp_path / "records"
    shutil.copytree(PROJECT_ROOT / "records", records)
    plan = records / "retention.yaml"
    plan.write_text(plan.read_text("utf-8").replace("years: 10", "years: tio"), "utf-8")
    monkeypatch.setenv("CASEFLOW_RECORDS_DIR", str(records))
    code, _, err = cli_runner(sqlite_db.url, capsys)("retention", "plan")
    assert code == 1 and err.startswith(f"fel: {plan}:") and "years" in err


def test_the_case_page_shows_each_documents_rule_and_disposal_date(
    web: Web, files: FolderStore
) -> None:
    closed_case(web.db, web.workflows, web.clock, files)
    place_hold(db=web.db, dnr=DNR, handling=3, reason="Tvist", actor=DECIDER, clock=web.clock)
    page = web.client("anna@example.se").get(f"/cases/{DNR}")
    assert page.status_code == 200
    section = page.text.split('id="gallring"', 1)[1].split("</section>", 1)[0]
    assert "RUN/479/2024-3" in section and "gallras 2 år efter avslut" in section
    assert "2027-01-06 (spärrad)" in section and "Regionens gallringsbeslut RS 2024/112" in section
    assert "Bevaras" in section
