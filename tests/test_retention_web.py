"""Holds and disposal through /api/v1 and the registrator's page /gallring: anyone logged in may
list what is due and the log; only `registrator` and `admin` place and lift holds and confirm a
disposal run (403 otherwise); a run logs what it removed and removes the file. SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from caseflow.cases.engine import add_person
from caseflow.clock import FakeClock
from caseflow.records.repo import list_handlings
from caseflow.records.storage import FolderStore
from caseflow.retention.service import disposal_log
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.archivekit import DNR, closed_case
from tests.recordkit import doc_types
from tests.test_retention import LATER
from tests.webkit import Web, alert_of, csrf_of, make_web

ANNA, SARA, RUT = "anna@example.se", "sara@example.se", "rut@example.se"
DUE = f"{DNR}-3"  # the korrespondens, due two years after the case closed


@pytest.fixture
def setup(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, tmp_path: Path
) -> Iterator[tuple[Web, FolderStore]]:
    files = FolderStore(tmp_path / "filer")
    web = make_web(database, workflows, clock, storage_dir=tmp_path / "filer")
    closed_case(database, workflows, clock, files)
    add_person(db=database, email=RUT, name="Rut", roles=["registrator"], clock=clock)
    clock.advance(LATER - clock.now())
    yield web, files
    for client in web.clients:
        client.close()


def _sha(web: Web) -> str:
    doc = list_handlings(db=web.db, types=doc_types(), dnr=DNR)[2]
    assert doc.current is not None
    return doc.current.sha256


def test_api_holds_and_disposal_need_the_registrator(setup: tuple[Web, FolderStore]) -> None:
    web, files = setup
    anna, sara, rut = web.api(ANNA), web.api(SARA), web.api(RUT)
    due = anna.get("/api/v1/retention/due").json()
    assert [d["number"] for d in due["due"]] == [DUE] and due["held"] == []
    assert due["due"][0]["disposal_date"] == "2027-01-06"

    body = {"reason": "Tvist vid förvaltningsrätten", "handling": 3}
    refused = anna.post(f"/api/v1/cases/{DNR}/holds", json=body)
    assert refused.status_code == 403 and "registrator" in refused.json()["detail"]
    placed = rut.post(f"/api/v1/cases/{DNR}/holds", json=body)
    assert placed.status_code == 201, placed.text
    hold = placed.json()
    assert hold["number"] == DUE and hold["placed_by"] == RUT and hold["lifted_at"] is None
    assert (
        rut.post(f"/api/v1/cases/{DNR}/holds", json={"reason": "x", "handling": 9}).status_code
        == 404
    )
    assert rut.post(f"/api/v1/cases/{DNR}/holds", json={"reason": ""}).status_code == 422
    assert rut.post(f"/api/v1/cases/{DNR}/holds", json={"reason": "  "}).status_code == 400
    due = anna.get("/api/v1/retention/due").json()
    assert due["due"] == [] and [d["number"] for d in due["held"]] == [DUE]
    assert [h["id"] for h in sara.get("/api/v1/retention/holds").json()] == [hold["id"]]

    nothing = rut.post("/api/v1/retention/disposals", json={"decision": "RS 2027/14"})
    assert nothing.status_code == 201 and nothing.json() == []  # the held one stays
    assert files.exists(_sha(web))

    lift_path = f"/api/v1/retention/holds/{hold['id']}/lift"
    assert sara.post(lift_path, json={"reason": "Klar"}).status_code == 403
    lifted = rut.post(lift_path, json={"reason": "Domen har vunnit laga kraft"})
    assert lifted.status_code == 200 and lifted.json()["lifted_by"] == RUT
    assert rut.post(lift_path, json={"reason": "igen"}).status_code == 404
    assert (
        rut.post("/api/v1/retention/holds/99999999999/lift", json={"reason": "x"}).status_code
        == 422
    )
    assert sara.get("/api/v1/retention/holds").json() == []
    assert len(sara.get("/api/v1/retention/holds", params={"lifted": "true"}).json()) == 1

    sha = _sha(web)
    assert anna.post("/api/v1/retention/disposals", json={"decision": "x"}).status_code == 403
    assert rut.post("/api/v1/retention/disposals", json={"decision": " "}).status_code == 400
    done = rut.post("/api/v1/retention/disposals", json={"decision": "RS 2027/14"})
    assert done.status_code == 201
    [row] = done.json()
    assert row["number"] == DUE and row["decided_by"] == RUT and row["decision"] == "RS 2027/14"
    assert row["files"][0]["sha256"] == sha
    assert not files.exists(sha)
    assert [r["number"] for r in anna.get("/api/v1/retention/log").json()] == [DUE]


def test_the_registrators_page(setup: tuple[Web, FolderStore]) -> None:
    web, files = setup
    rut, anna = web.client(RUT), web.client(ANNA)
    assert anna.get("/gallring").status_code == 403
    assert 'href="/gallring"' not in anna.get("/cases").text
    page = rut.get("/gallring")
    assert page.status_code == 200 and 'href="/gallring"' in page.text
    assert DUE in page.text and "Gallra 1 handling" in page.text
    csrf = csrf_of(rut, "/gallring")

    bad = rut.post("/gallring/holds", data={"csrf_token": csrf, "dnr": DNR, "handling": "tre",
                                             "reason": "x"})  # fmt: skip
    assert bad.status_code == 400 and "handling nr" in alert_of(bad.text)
    placed = rut.post("/gallring/holds", data={"csrf_token": csrf, "dnr": DNR, "handling": "3",
                                                "reason": "Tvist"})  # fmt: skip
    assert placed.status_code == 303
    shown = rut.get(placed.headers["location"]).text
    assert "Spärr nr 1 lagd på RUN/479/2024 handling nr 3." in shown
    assert "Tvist" in shown and "Gallra 1 handling" not in shown
    assert anna.post("/gallring/holds", data={"csrf_token": csrf_of(anna, "/cases"), "dnr": DNR,
                                               "reason": "x"}).status_code == 403  # fmt: skip

    no_reason = rut.post("/gallring/holds/1/lift", data={"csrf_token": csrf, "reason": " "})
    assert no_reason.status_code == 400
    lifted = rut.post("/gallring/holds/1/lift", data={"csrf_token": csrf, "reason": "Klar"})
    assert lifted.status_code == 303
    sha = _sha(web)
    undecided = rut.post("/gallring/run", data={"csrf_token": csrf, "decision": " "})
    assert undecided.status_code == 400 and "beslut" in alert_of(undecided.text)
    assert files.exists(sha) and disposal_log(db=web.db) == []
    run = rut.post("/gallring/run", data={"csrf_token": csrf, "decision": "RS 2027/14"})
    assert run.status_code == 303
    logged = rut.get(run.headers["location"]).text
    assert "1 handling gallrad enligt beslut RS 2027/14." in logged
    log = logged.split('id="logg"', 1)[1]
    assert DUE in log and "RS 2027/14" in log and RUT in log
    assert not files.exists(sha)


def test_a_secret_documents_subject_is_masked_in_the_retention_lists(
    setup: tuple[Web, FolderStore],
) -> None:
    web, _ = setup
    from caseflow.records.context import build_records
    from caseflow.records.secrecy import Target, mark_secret
    from caseflow.settings import load_settings

    secrecy = build_records(load_settings()).secrecy
    subject = list_handlings(db=web.db, types=doc_types(), dnr=DNR)[2].subject
    mark_secret(db=web.db, secrecy=secrecy, target=Target(number=DUE), osl="OSL 31:16",
                reason="x", actor=RUT, clock=web.clock)  # fmt: skip
    hidden = web.api(SARA).get("/api/v1/retention/due").json()
    assert [d["subject"] for d in hidden["due"]] == ["[sekretess]"]
    assert hidden["due"][0]["disposal_date"] == "2027-01-06"  # a mark after closing moves nothing
    seen = web.api(ANNA).get("/api/v1/retention/due").json()
    assert [d["subject"] for d in seen["due"]] == [subject]
    section = web.client(SARA).get(f"/cases/{DNR}").text.split('id="gallring"', 1)[1]
    assert subject not in section.split("</section>", 1)[0]
    assert subject in web.client(ANNA).get(f"/cases/{DNR}").text.split('id="gallring"', 1)[1]
    assert (
        web.api(RUT).post("/api/v1/retention/disposals", json={"decision": "RS 1"}).status_code
        == 201
    )
    assert [r["subject"] for r in web.api(SARA).get("/api/v1/retention/log").json()] == [
        "[sekretess]"
    ]
    assert [r["subject"] for r in web.api(ANNA).get("/api/v1/retention/log").json()] == [subject]
