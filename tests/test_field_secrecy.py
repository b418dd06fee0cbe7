"""Case fields under a secrecy mark are masked in every output a role without access reaches:
the API's case JSON, case list, agenda and history; the case page, the case list page, its
csv download and the portfolio; memo downloads; `case show/list --public` and
`portfolio report --public`. A role with access sees the values. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from caseflow.clock import FakeClock
from caseflow.errors import PermissionDeniedError
from caseflow.memo.service import render_memo
from caseflow.memo.store import list_renders
from caseflow.records.config import SecrecyConfig
from caseflow.records.context import build_records
from caseflow.records.fieldmask import mask_doc, masked_value, refuse_hidden, refuse_memo
from caseflow.records.repo import list_handlings
from caseflow.records.secrecy import Target, mark_secret
from caseflow.records.storage import MemoryStore
from caseflow.settings import load_settings
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.factories import make_case
from tests.test_cli_errors import EXAMPLE
from tests.test_decisions import DECIDER, DNR, MEMO_DAY, MEMOS, OFFICER, partner_case, people
from tests.webkit import Web

CASE_DNR = "RUN/479/2024"
URL = f"/api/v1/cases/{CASE_DNR}"
ANNA, SARA, RUT = "anna@example.se", "sara@example.se", "rut@example.se"
PURPOSE = "Stödja Företaget AB:s hemliga produktutveckling"
BUDGET = 7_654_321


def marked_case(web: Web) -> None:
    """A case whose purpose, owner and budget are marked secret (by the registrator Rut)."""
    from caseflow.cases.engine import add_person

    make_case(web.db, web.workflows, web.clock, CASE_DNR, purpose=PURPOSE,
              owner="Företaget AB", total_budget_sek=BUDGET, area="Näringsliv")  # fmt: skip
    add_person(db=web.db, email=RUT, name="Rut", roles=["registrator"], clock=web.clock)
    rut = web.api(RUT)
    for field in ("purpose", "owner", "total_budget_sek"):
        answer = rut.post(f"{URL}/fields/{field}/secret",
                          json={"osl": "OSL 31:16", "reason": "Affärsförhållanden"})  # fmt: skip
        assert answer.status_code == 200, answer.text


def test_masking_by_kind() -> None:
    assert masked_value("purpose", "x") == "[sekretess]"
    assert masked_value("total_budget_sek", 5) is None
    assert masked_value("start_date", "2025-01-01") is None
    assert masked_value("copies", ["a", "b"]) == ["[sekretess]"]
    assert masked_value("copies", []) == []
    assert masked_value("purpose", None) is None
    doc = {"title": "T", "purpose": "P", "total_budget_sek": 3}
    assert mask_doc(doc, {"purpose", "total_budget_sek"}) == {
        "title": "T", "purpose": "[sekretess]", "total_budget_sek": None,
    }  # fmt: skip
    assert doc["purpose"] == "P"  # a copy


def test_api_case_list_agenda_and_history_are_masked(web_any: Web) -> None:
    web = web_any
    marked_case(web)
    anna, sara = web.api(ANNA), web.api(SARA)
    seen = anna.get(URL).json()
    assert seen["purpose"] == PURPOSE and seen["total_budget_sek"] == BUDGET
    assert seen["masked"] == []
    hidden = sara.get(URL).json()
    assert hidden["purpose"] == "[sekretess]" and hidden["owner"] == "[sekretess]"
    assert hidden["total_budget_sek"] is None and hidden["area"] == "Näringsliv"
    assert hidden["masked"] == ["owner", "purpose", "total_budget_sek"]

    [row] = sara.get("/api/v1/cases").json()["items"]
    assert row["owner"] == "[sekretess]" and row["total_budget_sek"] is None
    assert row["masked"] == ["owner", "total_budget_sek"] and row["title"] == "Ett projekt"
    assert anna.get("/api/v1/cases").json()["items"][0]["owner"] == "Företaget AB"

    history = sara.get(URL + "/history").json()
    assert PURPOSE not in json.dumps(history, ensure_ascii=False)
    assert str(BUDGET) not in json.dumps(history)
    assert history[0]["changes"]["purpose"] == "[sekretess]"
    assert PURPOSE in json.dumps(anna.get(URL + "/history").json(), ensure_ascii=False)


def test_case_page_list_export_and_portfolio_are_masked(web_any: Web) -> None:
    web = web_any
    marked_case(web)
    anna, sara = web.client(ANNA), web.client(SARA)
    page = sara.get(f"/cases/{CASE_DNR}").text
    assert PURPOSE not in page and "Företaget AB" not in page and "7 654 321" not in page
    assert "Sekretessmarkerad; din roll får inte se uppgiften." in page
    assert PURPOSE in anna.get(f"/cases/{CASE_DNR}").text

    assert "Företaget AB" not in sara.get("/cases", params={"q": "projekt"}).text
    listed = sara.get("/cases/export.csv")
    assert listed.status_code == 200
    text = listed.content.decode("utf-8-sig")
    assert PURPOSE not in text and "Företaget AB" not in text and "[sekretess]" in text
    assert PURPOSE in anna.get("/cases/export.csv").content.decode("utf-8-sig")

    portfolio = sara.get("/portfolio")
    assert portfolio.status_code == 200 and PURPOSE not in portfolio.text
    assert "Företaget AB" not in portfolio.text
    assert PURPOSE in anna.get("/portfolio").text
    report = sara.get("/portfolio/report.md").content.decode()
    assert PURPOSE not in report and "[sekretess]" in report


def test_a_role_without_access_cannot_overwrite_a_marked_field(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    from caseflow.cases.engine import add_person

    make_case(database, workflows, clock, CASE_DNR, purpose=PURPOSE)
    add_person(db=database, email=RUT, name="Rut", roles=["registrator"], clock=clock)
    strict = SecrecyConfig(
        version=1, roles_with_access=["registrator"], roles_that_mark=["registrator"]
    )
    mark_secret(db=database, secrecy=strict, target=Target(dnr=CASE_DNR, field="purpose"),
                osl="OSL 31:16", reason="x", actor=RUT, clock=clock)  # fmt: skip
    with pytest.raises(PermissionDeniedError, match="fältet syfte är sekretessmarkerat"):
        refuse_hidden(db=database, secrecy=strict, roles=["handlaggare"], dnr=CASE_DNR,
                      names=["purpose", "area"])  # fmt: skip
    refuse_hidden(db=database, secrecy=strict, roles=["handlaggare"], dnr=CASE_DNR,
                  names=["area"])  # fmt: skip
    refuse_hidden(db=database, secrecy=strict, roles=["registrator"], dnr=CASE_DNR,
                  names=["purpose"])  # fmt: skip


def test_a_memo_of_a_case_with_marked_fields_is_marked_and_withheld(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    people(database, clock)
    partner_case(database, workflows, clock)
    records = build_records(load_settings(), files=MemoryStore())
    mark_secret(db=database, secrecy=records.secrecy, target=Target(dnr=DNR, field="purpose"),
                osl="OSL 31:16", reason="Affärsförhållanden", actor=OFFICER,
                clock=clock)  # fmt: skip
    render_memo(db=database, memos_dir=MEMOS, clock=clock, dnr=DNR, fmt="md",
                memo_date=MEMO_DAY, actor=OFFICER, signatory_email=DECIDER,
                records=records)  # fmt: skip
    [memo] = list_renders(db=database, dnr=DNR)
    assert memo.id is not None
    [handling] = list_handlings(db=database, types=records.types, dnr=DNR)
    assert handling.secret is not None and handling.secret.osl == "OSL 31:16"
    assert "syfte" in handling.secret.reason
    with pytest.raises(PermissionDeniedError, match="OSL 31:16"):
        refuse_memo(db=database, secrecy=records.secrecy, roles=["namndsekreterare"], dnr=DNR,
                    memo_id=memo.id)  # fmt: skip
    refuse_memo(db=database, secrecy=records.secrecy, roles=["handlaggare"], dnr=DNR,
                memo_id=memo.id)  # fmt: skip


def test_memo_download_is_refused_for_a_role_without_access(web_any: Web) -> None:
    web = web_any
    from caseflow.cases.engine import add_person

    people(web.db, web.clock)
    partner_case(web.db, web.workflows, web.clock)
    add_person(db=web.db, email=RUT, name="Rut", roles=["registrator"], clock=web.clock)
    render_memo(db=web.db, memos_dir=MEMOS, clock=web.clock, dnr=DNR, fmt="md",
                memo_date=MEMO_DAY, actor=OFFICER, signatory_email=DECIDER)  # fmt: skip
    [row] = list_renders(db=web.db, dnr=DNR)
    path = f"/api/v1/cases/{DNR}/memos/{row.id}"
    assert web.api(SARA).get(path).status_code == 200  # nothing marked yet
    marked = web.api(RUT).post(f"/api/v1/cases/{DNR}/fields/purpose/secret",
                               json={"osl": "OSL 31:16", "reason": "x"})  # fmt: skip
    assert marked.status_code == 200
    refused = web.api(SARA).get(path)
    assert refused.status_code == 403 and "sekretessmarkerade" in refused.json()["detail"]
    assert web.api(ANNA).get(path).status_code == 200
    page = web.client(SARA).get(f"/cases/{DNR}/memos/{row.id}")
    assert page.status_code == 403 and "sekretessmarkerade" in page.text


def test_cli_public_outputs_are_masked(cli: Run, tmp_path: Path) -> None:
    assert cli("cases", "import", str(EXAMPLE))[0] == 0
    dnr = json.loads(cli("case", "list", "--json")[1])[0]["diarienummer"]
    purpose = "Hemlig produktutveckling hos Företaget 4711"
    assert cli("case", "edit", dnr, "--set", f"purpose={purpose}")[0] == 0
    assert cli("person", "add", "rut@region.se", "--name", "Rut", "--role", "registrator")[0] == 0
    code, output, err = cli("handling", "secret", dnr, "--field", "purpose", "--osl", "OSL 31:16",
                       "--reason", "Affärsförhållanden", "--actor", "rut@region.se")  # fmt: skip
    assert code == 0, err
    public = json.loads(cli("case", "show", dnr, "--json", "--public")[1])
    assert public["purpose"] == "[sekretess]"
    text = cli("case", "show", dnr, "--public")[1]
    assert purpose not in text and "[sekretess]" in text
    assert purpose in cli("case", "show", dnr)[1]
    listed = json.loads(cli("case", "list", "--json", "--public")[1])
    assert purpose not in json.dumps(listed, ensure_ascii=False)
    sheet = tmp_path / "lista.csv"
    assert cli("case", "list", "--format", "csv", "-o", str(sheet), "--public")[0] == 0
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert purpose not in str(rows)
    report = tmp_path / "portfolj.md"
    assert cli("portfolio", "report", "-o", str(report), "--public")[0] == 0
    assert purpose not in report.read_text(encoding="utf-8")


def test_a_marked_title_is_masked_on_every_page_that_lists_cases(web_any: Web) -> None:
    web = web_any
    marked_case(web)
    title = "Ett projekt"
    answer = web.api(RUT).post(
        f"{URL}/fields/title/secret", json={"osl": "OSL 31:16", "reason": "x"}
    )
    assert answer.status_code == 200
    anna, sara = web.client(ANNA), web.client(SARA)
    for path in ("/board", f"/cases/{CASE_DNR}", "/cases"):
        shown = sara.get(path)
        assert shown.status_code == 200 and title not in shown.text, path
        assert "[sekretess]" in shown.text, path
        assert title in anna.get(path).text, path
    assert web.api(SARA).get(URL).json()["title"] == "[sekretess]"


def test_a_marked_title_is_masked_in_the_apis_lists(web_any: Web) -> None:
    web = web_any
    marked_case(web)
    title = "Ett projekt"
    answer = web.api(RUT).post(
        f"{URL}/fields/title/secret", json={"osl": "OSL 31:16", "reason": "x"}
    )
    assert answer.status_code == 200
    from datetime import date

    from caseflow.meetings.service import add_meetings, schedule_case

    meeting = date(2025, 3, 12)
    add_meetings(db=web.db, meetings=[("RUN", meeting, "09:00")], clock=web.clock)
    schedule_case(db=web.db, dnr=CASE_DNR, body="RUN", day=meeting, actor=ANNA,
                  clock=web.clock, rules_for=web.workflows.deadline_rules())  # fmt: skip
    anna, sara = web.api(ANNA), web.api(SARA)
    agenda = sara.get("/api/v1/meetings/RUN/2025-03-12").json()
    assert [c["title"] for c in agenda["cases"]] == ["[sekretess]"]
    seen = anna.get("/api/v1/deadlines", params={"include_done": "true"}).json()
    assert seen and {d["title"] for d in seen} == {title}
    hidden = sara.get("/api/v1/deadlines", params={"include_done": "true"}).json()
    assert {d["title"] for d in hidden} == {"[sekretess]"}
    assert title not in json.dumps(sara.get("/api/v1/worklist").json(), ensure_ascii=False)
    assert title not in json.dumps(sara.get("/api/v1/decisions").json(), ensure_ascii=False)
    page = web.client(SARA).get("/meetings/RUN/2025-03-12")
    assert page.status_code == 200 and title not in page.text and "[sekretess]" in page.text
    assert title in web.client(ANNA).get("/meetings/RUN/2025-03-12").text
