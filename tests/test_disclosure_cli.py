"""Requests for documents (utlämnande) from the command line: recorded, tried at once or later,
listed; bad input one `fel:` line, exit 1, nothing recorded. The service's one-transaction
request-and-decision on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseflow.cases.engine import add_person
from caseflow.clock import FakeClock
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import InputError, PermissionDeniedError, UnknownPersonError
from caseflow.records.disclosure import list_requests, parse_outcome, request_and_decide
from caseflow.records.repo import add_handling
from caseflow.records.storage import MemoryStore
from caseflow.store.db import Database
from caseflow.store.repo import list_events, require_case
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.factories import make_case
from tests.recordkit import doc_types, pdf_bytes
from tests.test_cli_errors import EXAMPLE, assert_user_error

REGISTRAR = "rut@region.se"


@pytest.fixture
def run(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Run, str]:
    monkeypatch.setenv("CASEFLOW_STORAGE_DIR", str(tmp_path / "filer"))
    assert cli("cases", "import", str(EXAMPLE))[0] == 0
    assert cli("person", "add", REGISTRAR, "--name", "Rut", "--role", "registrator")[0] == 0
    dnr = json.loads(cli("case", "list", "--json")[1])[0]["diarienummer"]
    pdf = tmp_path / "ansokan.pdf"
    pdf.write_bytes(pdf_bytes())
    code, number, err = cli("handling", "add", dnr, str(pdf), "--direction", "in",
                            "--subject", "Ansökan", "--counterpart", "Företaget AB")  # fmt: skip
    assert code == 0, err
    return cli, number.strip()


def test_parse_outcome_takes_codes_and_swedish_words() -> None:
    assert parse_outcome("lämnas ut") == "lamnas_ut"
    assert parse_outcome("Lämnas ut med maskering") == "maskerad"
    assert parse_outcome("avslås") == "avslag"
    assert parse_outcome("lamnas_ut") == "lamnas_ut"
    with pytest.raises(InputError, match="okänt beslut"):
        parse_outcome("kanske")


def test_request_recorded_then_decided(run: tuple[Run, str]) -> None:
    cli, number = run
    code, output, _ = cli("handling", "request", number, "--requester", "Journalisten Jan",
                          "--contact", "jan@tidning.se")  # fmt: skip
    assert code == 0 and f"begäran nr 1 om {number} registrerad" in output
    listed = cli("handling", "requests", "--undecided")[1]
    assert "Journalisten Jan: Ej prövad" in listed and "1 begäran" in listed
    code, output, err = cli("handling", "decide", "1", "--decision", "lämnas ut med maskering",
                            "--actor", REGISTRAR)  # fmt: skip
    assert code == 0, err
    assert (
        output.strip() == f"begäran nr 1 om {number} från Journalisten Jan: Lämnas ut med maskering"
    )
    assert cli("handling", "requests", "--undecided")[1].strip() == "0 begäranden"
    [row] = json.loads(cli("handling", "requests", "--json")[1])
    assert row["outcome"] == "maskerad" and row["decided_by"] == REGISTRAR
    history = cli("case", "history", number.rsplit("-", 1)[0], "--json")[1]
    assert '"disclosure"' in history and '"disclosure_done"' in history


def test_request_tried_at_once_and_a_refusal_needs_a_reason(run: tuple[Run, str]) -> None:
    cli, number = run
    assert_user_error(cli("handling", "request", number, "--decision", "avslås",
                          "--actor", REGISTRAR), "ett avslag ska motiveras")  # fmt: skip
    assert_user_error(cli("handling", "request", number, "--decision", "kanske",
                          "--actor", REGISTRAR), "--decision: okänt beslut")  # fmt: skip
    assert_user_error(
        cli("handling", "request", number, "--decision", "lämnas ut"), "cli"
    )  # the default actor is no registered person
    assert_user_error(cli("handling", "request", number, "--reason", "x"), "--reason hör till")
    assert_user_error(cli("handling", "request", number + "9"), "finns inte")
    assert json.loads(cli("handling", "requests", "--json")[1]) == []  # nothing recorded
    code, output, err = cli("handling", "request", number, "--decision", "avslås", "--reason",
                            "OSL 31:16: affärsförhållanden", "--actor", REGISTRAR)  # fmt: skip
    assert code == 0, err
    assert output.strip() == (
        f"begäran nr 1 om {number} från anonym: Avslag (OSL 31:16: affärsförhållanden)"
    )
    assert_user_error(cli("handling", "decide", "1", "--decision", "lämnas ut", "--actor",
                          REGISTRAR), "redan prövad")  # fmt: skip
    assert_user_error(cli("handling", "decide", "7", "--decision", "lämnas ut", "--actor",
                          REGISTRAR), "begäran nr 7 finns inte")  # fmt: skip
    assert_user_error(cli("handling", "decide", "1"), "--decision")


def test_request_and_decide_is_one_transaction(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(database, workflows, clock, "RUN/479/2024")
    add_person(db=database, email=REGISTRAR, name="Rut", roles=["registrator"], clock=clock)
    add_person(db=database, email="siv@region.se", name="Siv", roles=["namndsekreterare"],
               clock=clock)  # fmt: skip
    add_handling(db=database, files=MemoryStore(), types=doc_types(), dnr="RUN/479/2024",
                 direction="in", subject="Ansökan", counterpart="AB", doc_type="ansokan",
                 actor=REGISTRAR, clock=clock, data=pdf_bytes(), filename="a.pdf",
                 max_bytes=10**6)  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        request_and_decide(db=database, number="RUN/479/2024-1", clock=clock,
                           actor="siv@region.se", outcome="lamnas_ut")  # fmt: skip
    with pytest.raises(UnknownPersonError):
        request_and_decide(db=database, number="RUN/479/2024-1", clock=clock,
                           actor="okand@region.se", outcome="lamnas_ut")  # fmt: skip
    assert list_requests(db=database) == []
    view = request_and_decide(db=database, number="RUN/479/2024-1", clock=clock,
                              actor=REGISTRAR, outcome="lamnas_ut",
                              requester="Jan")  # fmt: skip
    assert view.outcome == "lamnas_ut" and view.recorded_by == REGISTRAR
    with database.read() as session:
        case = require_case(session=session, dnr=parse_dnr("RUN/479/2024"))
        kinds = [e.kind for e in list_events(session=session, case_id=case.id or 0)]
    assert kinds[-2:] == ["disclosure", "disclosure_done"]
