"""Notes on a case (CLI, API, page; in the history; found by search) and the case list as csv
and xlsx under the portfolio's column names (CLI and page), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from caseflow.cases.caselist import search_ids
from caseflow.cases.engine import create_case
from caseflow.cases.notes import add_note
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import InputError
from caseflow.portfolio.files import read_portfolio
from caseflow.portfolio.sheet import HEADERS
from caseflow.store.db import Database
from caseflow.store.repo import list_events, require_case
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run, cli_runner
from tests.webkit import Web, alert_of, csrf_of

ANNA = "anna@example.se"


def _case(
    db: Database, workflows: WorkflowRegistry, clock: FakeClock, dnr: str, **more: object
) -> None:
    doc = CaseDoc.model_validate({"diarienummer": dnr, "title": "Besöksnäring", **more})
    create_case(db=db, workflows=workflows, doc=doc, actor=ANNA, clock=clock)


def test_a_note_is_in_the_history_and_found_by_search(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    _case(database, workflows, clock, "RUN/10/2025")
    _case(database, workflows, clock, "RUN/11/2025")
    with database.read() as session:
        version = require_case(session=session, dnr=parse_dnr("RUN/10/2025")).row_version
    note = add_note(db=database, dnr="RUN/10/2025", text="Ringde Åre kommun\r\nom medfinansiering",
                    actor=ANNA, clock=clock)  # fmt: skip
    assert note.text == "Ringde Åre kommun\nom medfinansiering"
    with database.read() as session:
        case = require_case(session=session, dnr=parse_dnr("RUN/10/2025"))
        assert case.row_version == version  # a note changes no field: an open form stays valid
        assert case.id is not None
        last = list(list_events(session=session, case_id=case.id))[-1]
    assert (last.kind, last.actor, last.changes) == ("note", ANNA, {"text": note.text})
    with database.reading() as conn:
        assert search_ids(conn, "medfinans") == {case.id}
        assert search_ids(conn, "ÅRE") == {case.id}
    for bad in ("", "   ", "x" * 4001, "a\x00b"):
        with pytest.raises(InputError):
            add_note(db=database, dnr="RUN/10/2025", text=bad, actor=ANNA, clock=clock)


def test_note_on_the_page_the_api_and_the_command_line(
    web: Web, capsys: pytest.CaptureFixture[str]
) -> None:
    _case(web.db, web.workflows, web.clock, "RUN/12/2025", handlaggare=ANNA)
    anna = web.client(ANNA)
    token = csrf_of(anna, "/cases/RUN/12/2025")
    data = {"csrf_token": token, "text": "Väntar på styrgruppen"}
    saved = anna.post("/cases/RUN/12/2025/notes", data=data)
    assert saved.status_code == 303
    page = anna.get(saved.headers["location"]).text
    assert "Anteckningen är sparad i historiken." in page
    assert "Anna</span>: Anteckning: Väntar på styrgruppen" in page
    empty = anna.post("/cases/RUN/12/2025/notes", data={"csrf_token": token, "text": " "})
    assert empty.status_code == 400 and "anteckningen är tom" in alert_of(empty.text)
    api = web.api("bo@example.se").post("/api/v1/cases/RUN/12/2025/notes",
                                         json={"text": "Beslut tas i mars"})  # fmt: skip
    assert api.status_code == 201 and api.json()["actor"] == "bo@example.se"
    run = cli_runner(web.db.url, capsys)
    assert run("case", "note", "RUN/12/2025", "Från kommandoraden", "--actor", ANNA)[0] == 0
    code, out, _ = run("case", "history", "RUN/12/2025")
    assert (
        code == 0
        and "Anteckning: Från kommandoraden" in out
        and "Anteckning: Beslut tas i mars" in out
    )
    assert run("case", "note", "RUN/12/2025", "")[0] == 1


def test_the_list_downloads_as_filtered_with_the_portfolios_columns(
    web: Web, tmp_path: Path, workflows: WorkflowRegistry
) -> None:
    _case(
        web.db,
        web.workflows,
        web.clock,
        "RUN/20/2025",
        area="Kultur",
        total_budget_sek=500000,
        funders=[{"code": "statens_kulturrad", "amount_sek": 250000, "status": "applied"}],
    )
    _case(web.db, web.workflows, web.clock, "RUN/21/2025", area="Turism")
    anna = web.client(ANNA)
    assert 'href="/cases/export.csv?area=Kultur"' in anna.get("/cases?area=Kultur").text
    answer = anna.get("/cases/export.csv", params={"area": "Kultur"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][: len(HEADERS)] == list(HEADERS) and rows[0][-1] == "Statens kulturråd"
    assert [r[0] for r in rows[1:]] == ["RUN/20/2025"]
    assert (
        rows[1][-1] == "250\u00a0tkr; sökt" and rows[1][HEADERS.index("Total budget")] == "500000"
    )
    # what was downloaded reads back as the same cases
    path = tmp_path / "lista.csv"
    path.write_bytes(answer.content)
    assert [d.diarienummer for d in read_portfolio(path, workflows.default)] == ["RUN/20/2025"]
    book = anna.get("/cases/export.xlsx", params={"sort": "diarienummer", "order": "desc"})
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][: len(HEADERS)] == list(HEADERS)
    assert [v[0] for v in values[1:]] == ["RUN/21/2025", "RUN/20/2025"]
    assert anna.get("/cases/export.pdf").status_code == 400


def test_case_list_writes_csv_and_xlsx(cli: Run, tmp_path: Path) -> None:
    assert cli("case", "new", "RUN/30/2025", "--title", "Förberedande studie")[0] == 0
    assert cli("case", "new", "RUN/31/2025", "--title", "Annat")[0] == 0
    target = tmp_path / "a.csv"
    code, out, _ = cli("case", "list", "--search", "förb", "--format", "csv", "-o", str(target))
    assert code == 0 and "skrev 1 ärende till" in out
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Diarienummer", "Projekt"] and rows[1][:2] == [
        "RUN/30/2025",
        "Förberedande studie",
    ]
    book = tmp_path / "a.xlsx"
    assert cli("case", "list", "--format", "xlsx", "-o", str(book))[0] == 0
    assert load_workbook(book).worksheets[0].max_row == 3
    code, _, err = cli("case", "list", "--format", "pdf", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and err.startswith("fel: --format")
    assert cli("case", "list", "--format", "csv")[0] == 1
