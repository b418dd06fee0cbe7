"""The JSON API under /api/v1 through FastAPI's TestClient: auth, cases, moves, memos, meetings."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient

from caseflow.cases.accounts import SESSION_TTL, issue_token, revoke_token
from caseflow.cases.engine import add_person, create_case, import_cases
from caseflow.domain.casedoc import CaseDoc
from caseflow.meetings.service import add_meetings
from caseflow.settings import PROJECT_ROOT
from tests.webkit import Web

ANNA, BO, SARA, ADMIN = "anna@example.se", "bo@example.se", "sara@example.se", "admin@example.se"
NEW = "/api/v1/cases/RUN/10/2025"
RUN479 = "/api/v1/cases/RUN/479/2024"
PATH_VALUES = {"prefix": "RUN", "serial": "10", "year": "2025", "code": "anslag_1_1",
               "trigger": "start_planning", "body": "RUN", "day": "2025-03-20",
               "rule": "final_report", "memo_id": "1", "slot": "2.3", "seq": "1", "field": "title",
               "request_id": "1", "hold_id": "1", "section": "2",
               "email": "anna@example.se"}  # fmt: skip


def _new_case(api: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"diarienummer": "RUN/10/2025", "title": "Bredband i fjällen",
            "handlaggare": ANNA, **fields}  # fmt: skip
    response = api.post("/api/v1/cases", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _state(api: TestClient, url: str = NEW) -> tuple[int, int]:
    """(row version, number of history events): what a refused request must leave alone."""
    case = api.get(url).json()
    return case["row_version"], len(api.get(url + "/history").json())


@pytest.fixture
def seeded(web: Web) -> Web:
    """RUN/479/2024 (the example at BP – Planering, its people) and RUN/10/2025 (anna's idea)."""
    data = json.loads((PROJECT_ROOT / "examples" / "RUN-479-2024.json").read_text("utf-8"))
    for person in data["people"]:
        add_person(db=web.db, clock=web.clock, **person)
    docs = [CaseDoc.model_validate(c) for c in data["cases"]]
    import_cases(db=web.db, workflows=web.workflows, docs=docs, actor="test", clock=web.clock)
    doc = CaseDoc(diarienummer="RUN/10/2025", title="Bredband i fjällen", handlaggare=ANNA)
    create_case(db=web.db, workflows=web.workflows, doc=doc, actor="test", clock=web.clock)
    return web


# --- authentication ----------------------------------------------------------------------------


def _operations(web: Web) -> list[tuple[str, str]]:
    document = web.client().get("/api/v1/openapi.json").json()
    return [(method.upper(), path.format(**PATH_VALUES))
            for path, item in document["paths"].items() for method in item]  # fmt: skip


def test_the_openapi_document_lists_every_endpoint_with_token_security(web: Web) -> None:
    response = web.client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    operations = [(m, p, op) for p, item in document["paths"].items() for m, op in item.items()]
    assert {p for _, p, _ in operations} >= {
        "/api/v1/cases", "/api/v1/cases/{prefix}/{serial}/{year}",
        "/api/v1/cases/{prefix}/{serial}/{year}/funders/{code}",
        "/api/v1/cases/{prefix}/{serial}/{year}/moves",
        "/api/v1/cases/{prefix}/{serial}/{year}/moves/{trigger}",
        "/api/v1/cases/{prefix}/{serial}/{year}/history",
        "/api/v1/cases/{prefix}/{serial}/{year}/memos",
        "/api/v1/cases/{prefix}/{serial}/{year}/decision",
        "/api/v1/cases/{prefix}/{serial}/{year}/reminders",
        "/api/v1/meetings", "/api/v1/meetings/{body}/{day}", "/api/v1/decisions/unreported",
        "/api/v1/reminders",
    }  # fmt: skip
    for method, path, op in operations:
        assert op["tags"] and op["summary"], (method, path)
        assert op["security"] == [{"token": []}], (method, path)
        assert "401" in op["responses"], (method, path)
        ok = op["responses"].get("200") or op["responses"]["201"]
        assert ok["content"], (method, path)  # every answer has a documented schema
    assert not [p for p in document["paths"] if not p.startswith("/api/v1/")]  # no pages


@pytest.mark.parametrize("kind", ["none", "garbage", "basic", "session", "revoked"])
def test_every_endpoint_answers_401_without_a_valid_bearer_token(web: Web, kind: str) -> None:
    headers: dict[str, str] = {}
    if kind == "garbage":
        headers["Authorization"] = "Bearer not-a-token"
    elif kind == "basic":
        headers["Authorization"] = "Basic YW5uYTpwdw=="
    elif kind == "session":  # a login session is not an API token
        token = issue_token(db=web.db, email=ANNA, kind="session", clock=web.clock,
                            ttl=SESSION_TTL)  # fmt: skip
        headers["Authorization"] = f"Bearer {token}"
    elif kind == "revoked":
        token = issue_token(db=web.db, email=ANNA, kind="api", clock=web.clock)
        revoke_token(db=web.db, raw=token, now=web.clock.now())
        headers["Authorization"] = f"Bearer {token}"
    client = web.client()
    operations = _operations(web)
    assert len(operations) >= 18
    for method, url in operations:
        response = client.request(method, url, headers=headers)
        assert response.status_code == 401, (method, url, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        assert "Bearer" in response.json()["detail"]


# --- the case lifecycle (SQLite and PostgreSQL) ------------------------------------------------


def test_create_read_edit_list_move_and_history(web_any: Web) -> None:
    api = web_any.api(ANNA)
    created = _new_case(api)
    assert created["row_version"] == 1 and created["stage"] == "idea"
    assert created["handlaggare"] == ANNA and created["workflow"] == "regional_project"

    read = api.get(NEW).json()
    assert read == created

    edited = api.patch(NEW, json={"changes": {"purpose": "Snabbt bredband", "area": "Digitalt"},
                                  "reason": "ansökan", "expected_version": 1})  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json() == {
        "diarienummer": "RUN/10/2025", "row_version": 2,
        "changes": {"purpose": [None, "Snabbt bredband"], "area": [None, "Digitalt"]},
    }  # fmt: skip
    unchanged = api.patch(NEW, json={"changes": {"area": "Digitalt"}})
    assert unchanged.json()["changes"] == {} and unchanged.json()["row_version"] == 2

    wanted = {"q": "bredband", "area": "Digitalt", "handlaggare": ANNA, "stage": "idea"}
    listed = api.get("/api/v1/cases", params=wanted).json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert item["diarienummer"] == "RUN/10/2025" and item["area"] == "Digitalt"
    assert api.get("/api/v1/cases", params={"stage": "closed"}).json()["total"] == 0

    moves = {m["trigger"]: m for m in api.get(NEW + "/moves").json()}
    assert moves["start_planning"]["allowed"] and moves["start_planning"]["dest"] == "bp_planering"
    assert moves["withdraw"]["reason_required"]
    fired = api.post(NEW + "/moves/start_planning", json={"expected_version": 2})
    assert fired.status_code == 200, fired.text
    assert fired.json()["from_stage"] == "idea" and fired.json()["to_stage"] == "bp_planering"
    assert fired.json()["row_version"] == 3

    blocked = {m["trigger"]: m for m in api.get(NEW + "/moves").json()}["send_application"]
    assert not blocked["allowed"]
    assert set(blocked["problems"]) == {
        "startdatum saknas",
        "slutdatum saknas",
        "total budget saknas",
        "minst en extern finansiär saknas",
    }
    refused = api.post(NEW + "/moves/send_application")
    assert refused.status_code == 409
    assert set(refused.json()["problems"]) == set(blocked["problems"])

    facts = {"start_date": "2025-03-01", "end_date": "2026-02-28", "total_budget_sek": 600000}
    assert api.patch(NEW, json={"changes": facts}).status_code == 200
    funder = api.put(NEW + "/funders/anslag_1_1", json={"amount_sek": 300000})
    assert funder.status_code == 200, funder.text
    assert funder.json()["changes"]["funders.anslag_1_1.amount_sek"] == [None, 300000]
    assert all(m["allowed"] for m in api.get(NEW + "/moves").json()
               if m["trigger"] == "send_application")  # fmt: skip
    sent = api.post(NEW + "/moves/send_application", json={})
    assert sent.status_code == 200 and sent.json()["to_stage"] == "application_sent"

    events = api.get(NEW + "/history").json()
    assert [e["kind"] for e in events] == ["create", "edit", "transition", "edit", "edit",
                                           "transition"]  # fmt: skip
    assert events[1]["reason"] == "ansökan" and events[1]["actor"] == ANNA
    assert events[2]["trigger"] == "start_planning" and events[-1]["to_stage"] == "application_sent"
    assert events[-1]["row_version"] == api.get(NEW).json()["row_version"] == 6


def test_stale_expected_version_is_a_conflict_and_changes_nothing(web_any: Web) -> None:
    api = web_any.api(ANNA)
    _new_case(api)
    assert api.patch(NEW, json={"changes": {"area": "Turism"}}).json()["row_version"] == 2
    before = _state(api)
    for response in (
        api.patch(NEW, json={"changes": {"area": "Bredband"}, "expected_version": 1}),
        api.put(NEW + "/funders/anslag_1_1", json={"amount_sek": 1, "expected_version": 1}),
        api.post(NEW + "/moves/start_planning", json={"expected_version": 1}),
    ):
        assert response.status_code == 409, response.text
        assert "har ändrats av någon annan" in response.json()["detail"]
    assert _state(api) == before


# --- the list ----------------------------------------------------------------------------------


def test_list_filters_sorts_and_pages(seeded: Web) -> None:
    api = seeded.api(BO)
    for serial, title in [(11, "Alfa"), (12, "Beta"), (13, "Gamma")]:
        doc = CaseDoc(diarienummer=f"RUN/{serial}/2025", title=title, area="Turism")
        create_case(
            db=seeded.db, workflows=seeded.workflows, doc=doc, actor="t", clock=seeded.clock
        )
    everything = api.get("/api/v1/cases").json()
    assert everything["total"] == 5 and everything["pages"] == 1
    by_title = api.get("/api/v1/cases", params={"sort": "title", "order": "desc", "per_page": 2,
                                                "page": 2, "area": "Turism"}).json()  # fmt: skip
    assert by_title["total"] == 3 and by_title["pages"] == 2 and by_title["page"] == 2
    assert [i["title"] for i in by_title["items"]] == ["Alfa"]
    assert [i["diarienummer"] for i in api.get("/api/v1/cases", params={"q": "run/479/2024"})
            .json()["items"]] == ["RUN/479/2024"]  # fmt: skip
    funded = api.get("/api/v1/cases", params={"funder": "anslag_1_1"}).json()
    assert [i["total_budget_sek"] for i in funded["items"]] == [600000]
    assert funded["items"][0]["end_date"] == "2024-05-30"


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"q": "a\x00b"}, 400, "q: otillåtet kontrolltecken"),
        ({"stage": "a\x1fb"}, 400, "stage: otillåtet kontrolltecken"),
        ({"sort": "purpose"}, 422, "sort: har fel form"),
        ({"order": "upp"}, 422, "order: ogiltigt värde; välj 'asc' eller 'desc'"),
        ({"page": "0"}, 422, "page: måste vara minst 1"),
        ({"page": str(10**40)}, 422, "page: får vara högst 100000"),
        ({"per_page": "201"}, 422, "per_page: får vara högst 200"),
        ({"page": "två"}, 422, "page: måste vara ett heltal"),
        ({"q": "x" * 201}, 422, "q: får vara högst 200 tecken"),
    ],
)  # fmt: skip
def test_list_refuses_bad_parameters_in_swedish(
    web: Web, params: dict[str, str], status: int, message: str
) -> None:
    response = web.api(ANNA).get("/api/v1/cases", params=params)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else detail[0]["msg"]
    assert text.startswith(message), text


# --- permissions -------------------------------------------------------------------------------


def test_roles_decide_who_may_create_edit_move_and_sign(seeded: Web) -> None:
    bo, sara, anna = seeded.api(BO), seeded.api(SARA), seeded.api(ANNA)
    before = _state(anna)
    denied = [
        bo.post("/api/v1/cases", json={"diarienummer": "RUN/99/2025", "title": "Nej"}),
        bo.patch(NEW, json={"changes": {"title": "Bo:s titel"}}),
        bo.put(NEW + "/funders/anslag_1_1", json={"amount_sek": 5}),
        sara.post(NEW + "/moves/start_planning"),
        sara.post(RUN479 + "/memos"),
        anna.post(RUN479 + "/decision"),
        bo.put("/api/v1/meetings/RUN/2025-03-20/cases/RUN/10/2025"),
    ]
    for response in denied:
        assert response.status_code == 403, response.text
        assert (
            "får inte" in response.json()["detail"] and "kräver rollen" in response.json()["detail"]
        )
    assert "bo@example.se får inte skapa ärenden" in denied[0].json()["detail"]
    assert _state(anna) == before
    assert anna.get("/api/v1/cases/RUN/99/2025").status_code == 404
    # the workflow's own roles: bo may start planning but not send an application
    assert bo.post(NEW + "/moves/start_planning").status_code == 200
    assert bo.post(RUN479 + "/moves/send_application").status_code == 403
    assert (
        ADMIN and seeded.api(ADMIN).patch(NEW, json={"changes": {"area": "X"}}).status_code == 200
    )


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ["en", "lista"]}, "Projektnamn: måste vara text"),
        ({"title": {"a": 1}}, "Projektnamn: måste vara text"),
        ({"title": ""}, "Projektnamn: får inte vara tomt"),
        ({"title": 42}, "Projektnamn: måste vara text"),
        ({"title": "x" * 501}, "Projektnamn: får vara högst 500 tecken"),
        ({"title": "a\x00b"}, "Projektnamn: otillåtet kontrolltecken"),
        ({"total_budget_sek": -1}, "Total budget: får inte vara negativt"),
        ({"total_budget_sek": 10**30}, "Total budget: är orimligt stort"),
        ({"total_budget_sek": "mycket"}, "Total budget: måste vara ett heltal"),
        ({"total_budget_sek": 1.5}, "Total budget: måste vara ett heltal"),
        ({"start_date": "2025-02-30"}, "Startdatum: ogiltigt datum"),
        ({"start_date": 10**20}, "Startdatum: ogiltigt datum"),
        ({"start_date": "2026-01-01", "end_date": "2025-01-01"},
         "slutdatum 2025-01-01 ligger före startdatum"),
        ({"owner_is_region": "kanske"}, "Regionen äger projektet: måste vara true eller false"),
        ({"handlaggare": "inte en adress"}, "Handläggare: ogiltig e-postadress"),
        ({"other_diarienummer": "RUN/1/2024"}, "Andra diarienummer: måste vara en lista"),
        ({"other_diarienummer": ["nej"]}, "Andra diarienummer: ogiltigt diarienummer 'nej'"),
        ({"decision_basis": [1, 2]}, "Beslutsunderlag 1: måste vara text"),
        ({"stage": "closed"}, "fältet 'stage' kan inte redigeras: steget ändras bara"),
        ({"funders": []}, "fältet 'funders' kan inte redigeras"),
        ({"okänt": 1}, "fältet 'okänt' kan inte redigeras"),
    ],
)  # fmt: skip
def test_bad_edits_are_400_in_swedish_and_save_nothing(
    seeded: Web, changes: dict[str, Any], message: str
) -> None:
    api = seeded.api(ANNA)
    before = _state(api)
    response = api.patch(NEW, json={"changes": changes})
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]
    assert _state(api) == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"changes": ', "begärans innehåll: ogiltig JSON (vid tecken 12)"),
        ({}, "changes: saknas"),
        ({"changes": []}, "changes: måste vara ett JSON-objekt"),
        ({"changes": {}, "extra": 1}, "extra: okänt fält"),
        ({"changes": {}, "expected_version": 2**70}, "expected_version: får vara högst"),
        ({"changes": {}, "expected_version": "ett"}, "expected_version: måste vara ett heltal"),
        ({"changes": {"title": "\ud800"}}, "changes.title: otillåtet tecken"),
        ({"changes": {}, "reason": "x\ud83d"}, "reason: otillåtet tecken"),
        ({"changes": {"end_date": "9999-12-31"}},
         "changes.end_date: datumet måste ligga mellan 1900-01-01 och 2199-12-31"),
        ({"changes": {"start_date": 16725225600}},  # a Unix time: 2500-01-01
         "changes.start_date: datumet måste ligga mellan"),
    ],
)  # fmt: skip
def test_malformed_edit_bodies_are_422_in_swedish(seeded: Web, body: Any, message: str) -> None:
    api = seeded.api(ANNA)
    before = _state(api)
    if isinstance(body, str):
        response = api.patch(NEW, content=body, headers={"Content-Type": "application/json"})
    else:  # json.dumps keeps a lone surrogate as its \ud800 escape: valid JSON
        response = api.patch(NEW, content=json.dumps(body),
                             headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 422, response.text
    assert any(e["msg"].startswith(message) for e in response.json()["detail"]), response.text
    assert _state(api) == before


def test_a_reason_with_a_control_character_is_refused(seeded: Web) -> None:
    api = seeded.api(ANNA)
    before = _state(api)
    response = api.post(NEW + "/moves/withdraw", json={"reason": "nej\x07"})
    assert response.status_code == 400
    assert response.json()["detail"] == "motivering: otillåtet kontrolltecken '\\x07' i texten"
    assert _state(api) == before


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/v1/cases/RUN/0/2025", 400, "löpnumret måste vara minst 1"),
        ("/api/v1/cases/RUN/99999999999999999999/2025", 400, "ogiltigt diarienummer"),
        ("/api/v1/cases/RUN/1/1066", 400, "orimligt årtal 1066"),
        ("/api/v1/cases/R%00N/1/2025", 400, "ogiltigt diarienummer"),
        ("/api/v1/cases/RUN/1/2025", 404, "ärendet RUN/1/2025 finns inte"),
        ("/api/v1/cases/run/479/2024/history", 200, ""),
    ],
)  # fmt: skip
def test_the_diarienummer_in_the_path_is_checked(
    seeded: Web, url: str, status: int, message: str
) -> None:
    response = seeded.api(BO).get(url)
    assert response.status_code == status, response.text
    if message:
        assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"diarienummer": "RUN/10/2025", "title": "Igen"}, 409, "RUN/10/2025 finns redan"),
        ({"diarienummer": "RUN-10-2025", "title": "X"}, 422, "diarienummer: ogiltigt diarienummer"),
        ({"diarienummer": "RUN/11/2025"}, 422, "title: saknas"),
        ({"diarienummer": "RUN/11/2025", "title": "X", "handlaggare": "anna"}, 422,
         "handlaggare: ogiltig e-postadress 'anna'"),
        ({"diarienummer": "RUN/11/2025", "title": "X", "workflow": "nej"}, 400,
         "okänt arbetsflöde 'nej'"),
        ({"diarienummer": "RUN/11/2025", "title": "X", "stage": "mars"}, 400, "okänt steg"),
        ({"diarienummer": "RUN/11/2025", "title": "X", "workflow_version": 2**40}, 422,
         "workflow_version: får vara högst"),
        ({"diarienummer": "RUN/11/2025", "title": "X\ud800"}, 422, "title: otillåtet tecken"),
        ({"diarienummer": "RUN/11/2025", "title": "X", "end_date": "9999-12-31"}, 422,
         "end_date: får vara högst 2199-12-31"),
        ({"diarienummer": "RUN/11/2025", "title": "X\x00"}, 422, "title: otillåtet kontrolltecken"),
        ({"diarienummer": "RUN/11/2025", "title": "X", "funders": [{"code": "guld"}]}, 422,
         "funders.0.code: okänd finansiärskod 'guld'"),
    ],
)  # fmt: skip
def test_create_refuses_bad_case_json(
    seeded: Web, body: dict[str, Any], status: int, message: str
) -> None:
    api = seeded.api(ANNA)
    response = api.post("/api/v1/cases", content=json.dumps(body),
                        headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else " | ".join(e["msg"] for e in detail)
    assert message in text
    assert api.get("/api/v1/cases").json()["total"] == 2


def test_moves_that_cannot_be_made(seeded: Web) -> None:
    api = seeded.api(ANNA)
    before = _state(api)
    unknown = api.post(NEW + "/moves/fly")
    assert unknown.status_code == 404
    wrong_stage = api.post(NEW + "/moves/grant")
    assert wrong_stage.status_code == 409
    no_reason = api.post(NEW + "/moves/withdraw", json={"reason": "  "})
    assert no_reason.status_code == 400 and "kräver en motivering" in no_reason.json()["detail"]
    assert _state(api) == before
    withdrawn = api.post(NEW + "/moves/withdraw", json={"reason": "Projektet läggs ned"})
    assert withdrawn.json()["outcome"] == "withdrawn"
    # the one move out of a closed case is the workflow's reopen, a beslutsfattare's
    (reopen,) = api.get(NEW + "/moves").json()
    assert reopen["trigger"] == "reopen" and not reopen["allowed"]
    assert any("beslutsfattare" in p for p in reopen["problems"])


def test_funder_input_is_checked(seeded: Web) -> None:
    api = seeded.api(ANNA)
    before = _state(api)
    unknown = api.put(NEW + "/funders/guld", json={})
    assert unknown.status_code == 400 and "okänd finansiärskod 'guld'" in unknown.json()["detail"]
    bad_status = api.put(NEW + "/funders/anslag_1_1", json={"status": "kanske"})
    assert bad_status.status_code == 422
    assert bad_status.json()["detail"][0]["msg"].startswith("status: ogiltigt värde; välj")
    assert api.put(NEW + "/funders/anslag_1_1", json={"amount_sek": -5}).status_code == 422
    assert _state(api) == before
    granted = api.put(NEW + "/funders/anslag_1_1",
                      json={"status": "granted", "decision_date": "2024-12-02"})  # fmt: skip
    assert granted.status_code == 200
    funders = api.get(NEW).json()["funders"]
    assert funders == [{"code": "anslag_1_1", "amount_sek": None, "status": "granted",
                        "decision_date": "2024-12-02", "case_id": None}]  # fmt: skip


# --- memos and decisions -----------------------------------------------------------------------


def test_memo_render_decision_and_unreported(seeded: Web) -> None:
    anna, bo = seeded.api(ANNA), seeded.api(BO)
    response = anna.post(RUN479 + "/memos", json={"memo_date": "2024-11-22"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (
        'filename="delegationsbeslut-RUN-479-2024.docx"' in response.headers["content-disposition"]
    )
    assert response.headers["x-memo-warnings"] == "1"  # the end date before the memo date
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Strategisk planering i det regionala utvecklingsarbetet" in text

    markdown = bo.post(RUN479 + "/memos", json={"format": "md", "memo_date": "2024-11-22",
                                                "signatory": BO})  # fmt: skip
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert "RUN/479/2024" in markdown.text
    renders = anna.get(RUN479 + "/memos").json()
    assert [(r["format"], r["created_by"]) for r in renders] == [("docx", ANNA), ("md", BO)]
    assert renders[0]["memo_date"] == "2024-11-22" and len(renders[0]["warnings"]) == 1

    assert anna.get("/api/v1/decisions/unreported").json() == []
    decided = bo.post(RUN479 + "/decision", json={"decided_on": "2024-11-22"})
    assert decided.status_code == 201, decided.text
    assert decided.json()["delegation_point"] == "8.2"
    assert decided.json()["memo_id"] == renders[-1]["id"]
    unreported = anna.get("/api/v1/decisions/unreported").json()
    assert unreported == [{"id": decided.json()["id"], "diarienummer": "RUN/479/2024",
                           "title": unreported[0]["title"], "kind": "delegationsbeslut",
                           "delegation_point": "8.2", "decided_on": "2024-11-22",
                           "signed_by": BO}]  # fmt: skip


def test_memo_problems_are_400_or_422(seeded: Web) -> None:
    anna, bo = seeded.api(ANNA), seeded.api(BO)
    missing = anna.post(NEW + "/memos")
    assert missing.status_code == 400
    assert "kan inte skriva delegationsbeslut: saknas:" in missing.json()["detail"]
    assert "minst en finansiär" in missing.json()["detail"]
    unknown_kind = anna.post(RUN479 + "/memos", json={"kind": "dikt"})
    assert (
        unknown_kind.status_code == 400 and "okänd memotyp 'dikt'" in unknown_kind.json()["detail"]
    )
    pdf = anna.post(RUN479 + "/memos", json={"format": "pdf"})
    assert pdf.status_code == 422 and pdf.json()["detail"][0]["msg"].startswith("format: ogiltigt")
    bad_day = anna.post(RUN479 + "/memos", json={"memo_date": "2024-13-01"})
    assert bad_day.status_code == 422
    assert bad_day.json()["detail"][0]["msg"] == "memo_date: ogiltigt datum, skriv ÅÅÅÅ-MM-DD"
    no_memo = bo.post(NEW + "/decision")
    assert no_memo.status_code == 400 and "inget memo är skrivet än" in no_memo.json()["detail"]
    assert anna.get(RUN479 + "/memos").json() == []


# --- meetings and reminders --------------------------------------------------------------------


def test_meetings_agenda_and_reminders(seeded: Web) -> None:
    add_meetings(db=seeded.db, meetings=[("RUN", date(2025, 3, 20), "09:00")], clock=seeded.clock)
    anna, sara = seeded.api(ANNA), seeded.api(SARA)
    meeting = "/api/v1/meetings/RUN/2025-03-20"
    assert anna.get("/api/v1/meetings").json()[0]["cases"] == 0
    put = sara.put(meeting + "/cases/RUN/10/2025")
    assert put.status_code == 200 and put.json()["changed"] is True
    assert sara.put(meeting + "/cases/RUN/10/2025").json()["changed"] is False
    agenda = anna.get(meeting).json()
    assert [c["diarienummer"] for c in agenda["cases"]] == ["RUN/10/2025"]
    assert anna.get("/api/v1/meetings", params={"body": "run"}).json()[0]["cases"] == 1

    mine = anna.get("/api/v1/reminders", params={"mine": "true"}).json()
    assert {r["rule"] for r in mine} == {"application_cutoff", "memo_ready", "presidium_review"}
    assert sara.get("/api/v1/reminders", params={"mine": "true"}).json() == []
    assert len(sara.get("/api/v1/reminders").json()) == 3
    early = anna.get("/api/v1/reminders", params={"due_before": "2025-02-01"}).json()
    assert [r["rule"] for r in early] == ["application_cutoff"]
    assert len(anna.get(NEW + "/reminders").json()) == 3

    assert anna.delete(meeting + "/cases/RUN/10/2025").json()["changed"] is True
    assert anna.get(NEW + "/reminders").json() == []
    done = anna.get(NEW + "/reminders", params={"include_done": "true"}).json()
    assert {r["status"] for r in done} == {"cancelled"}

    assert anna.get("/api/v1/meetings/RUN/2025-03-21").status_code == 404
    bad_day = anna.get("/api/v1/meetings/RUN/2025-02-30")
    assert bad_day.status_code == 400 and "ogiltigt datum" in bad_day.json()["detail"]
    assert anna.get("/api/v1/meetings/r%00n/2025-03-20").status_code == 400
    assert anna.get("/api/v1/reminders", params={"due_before": "i morgon"}).status_code == 422
