"""The board, the case list and the case page with its forms, through FastAPI's TestClient."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import docx
import pytest

from caseflow.cases.engine import create_case, import_cases
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.dnr import parse_dnr
from caseflow.meetings.service import add_meetings
from caseflow.settings import PROJECT_ROOT
from caseflow.store.repo import list_events, require_case
from tests.webkit import Web, alert_of, csrf_of

DNR = "RUN/479/2024"
CASE_URL = f"/cases/{DNR}"


@pytest.fixture
def seeded(web: Web) -> Web:
    """RUN/479/2024 (seed 003, at BP – Planering) and three small cases of anna's."""
    data = json.loads((PROJECT_ROOT / "examples" / "RUN-479-2024.json").read_text("utf-8"))
    docs = [CaseDoc.model_validate(c) for c in data["cases"]]
    for person in data["people"]:
        from caseflow.cases.engine import add_person

        add_person(db=web.db, clock=web.clock, **person)
    import_cases(db=web.db, workflows=web.workflows, docs=docs, actor="test", clock=web.clock)
    for serial, title, area in [(1, "Bredband i fjällen", "Digitalisering"),
                                (2, "Besöksnäring året runt", "Turism"),
                                (3, "Fjällturism och bredband", "Turism")]:  # fmt: skip
        doc = CaseDoc(diarienummer=f"RUN/{serial}/2025", title=title, area=area,
                      handlaggare="anna@example.se")  # fmt: skip
        create_case(db=web.db, workflows=web.workflows, doc=doc, actor="test", clock=web.clock)
    return web


def _row_version(web: Web, dnr: str = DNR) -> int:
    with web.db.read() as session:
        return require_case(session=session, dnr=parse_dnr(dnr)).row_version


def _history(web: Web, dnr: str = DNR) -> list[str]:
    with web.db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        return [e.kind for e in list_events(session=session, case_id=case.id)]


def _dnrs(html: str) -> list[str]:
    return re.findall(r'<td><a href="/cases/[^"]+">([^<]+)</a></td>', html)


def test_board_shows_every_stage_with_counts(seeded: Web) -> None:
    html = seeded.client("anna@example.se").get("/board").text
    for label in ("Idé", "Planering", "Ansökan inskickad", "Genomförande", "Uppföljning"):
        assert f">{label} <span" in html
    assert "(3 ärenden)" in html and "(1 ärende)" in html
    mine = seeded.client("anna@example.se").get("/board?mine=1").text
    assert DNR not in mine and "RUN/1/2025" in mine


def test_list_filters_searches_sorts_and_pages(seeded: Web) -> None:
    client = seeded.client("bo@example.se")
    assert _dnrs(client.get("/cases").text) == [DNR, "RUN/1/2025", "RUN/2/2025", "RUN/3/2025"]
    assert _dnrs(client.get("/cases?area=Turism").text) == ["RUN/2/2025", "RUN/3/2025"]
    assert _dnrs(client.get("/cases?q=bredband").text) == ["RUN/1/2025", "RUN/3/2025"]
    assert _dnrs(client.get("/cases?q=run/2/2025").text) == ["RUN/2/2025"]
    assert _dnrs(client.get("/cases?stage=bp_planering").text) == [DNR]
    assert _dnrs(client.get("/cases?funder=tillvaxtverket_nationella").text) == [DNR]
    assert _dnrs(client.get("/cases?handlaggare=anna@example.se&sort=title&order=desc").text) == [
        "RUN/3/2025", "RUN/1/2025", "RUN/2/2025"]  # fmt: skip
    assert _dnrs(client.get("/cases?q=100%25").text) == []  # % is matched literally
    partial = client.get("/cases?area=Turism", headers={"HX-Request": "true"})
    assert "<html" not in partial.text and _dnrs(partial.text) == ["RUN/2/2025", "RUN/3/2025"]


def test_list_pages_of_fifty(web: Web) -> None:
    for serial in range(1, 56):
        doc = CaseDoc(diarienummer=f"RUN/{serial}/2026", title=f"Projekt {serial}")
        create_case(db=web.db, workflows=web.workflows, doc=doc, actor="t", clock=web.clock)
    client = web.client("anna@example.se")
    first = client.get("/cases").text
    assert len(_dnrs(first)) == 50 and "55 ärenden, sida 1 av 2" in first
    assert _dnrs(client.get("/cases?page=2").text) == [f"RUN/{n}/2026" for n in range(51, 56)]


def test_list_refuses_bad_parameters_clearly(seeded: Web) -> None:
    client = seeded.client("anna@example.se")
    response = client.get("/cases?sort=password")
    assert response.status_code == 400
    assert "okänd sortering; sortera efter diarienummer, projekt" in alert_of(response.text)
    invalid = client.get("/cases?page=0")  # a page answers a browser in HTML, never JSON
    assert invalid.status_code == 422 and "text/html" in invalid.headers["content-type"]
    assert "Adressen innehåller ett värde" in alert_of(invalid.text)
    assert client.get("/cases?order=sideways").status_code == 422


def test_case_page_shows_fields_financing_moves_history(seeded: Web) -> None:
    html = seeded.client("anna@example.se").get(CASE_URL).text
    assert "Strategisk planering" in html
    assert 'id="f-total_budget_sek" name="total_budget_sek" value="600000"' in html
    assert "Tillväxtverkets nationella medel" in html
    assert "Skicka ansökan → Ansökan inskickad" in html
    assert 'id="reason-withdraw" name="reason" required' in html  # Återkalla needs a reason
    assert 'id="historik"' in html and "test</span>:" in html


def test_unknown_case_is_a_404_page(seeded: Web) -> None:
    response = seeded.client("anna@example.se").get("/cases/RUN/999/2024")
    assert response.status_code == 404
    assert "ärendet RUN/999/2024 finns inte" in alert_of(response.text)
    assert seeded.client("anna@example.se").get("/cases/XX/abc/2024").status_code == 400


def test_edit_saves_the_changes_in_history(seeded: Web) -> None:
    client = seeded.client("anna@example.se")
    token = csrf_of(client, CASE_URL)
    version = _row_version(seeded)
    response = client.post(f"{CASE_URL}/edit", data={
        "csrf_token": token, "row_version": str(version), "end_date": "2025-06-30",
        "total_budget_sek": "650 000", "decision_basis": "Ansökan\r\nBudget", "reason": "ny budget",
    })  # fmt: skip
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Sparat: 3 fält ändrade." in page
    assert _row_version(seeded) == version + 1
    assert _history(seeded)[-1] == "edit"
    history = page[page.index('id="historik"') :]
    assert 'Slutdatum: <span class="old">' in history and "2025-06-30</span>" in history
    assert "Total budget:" in history and "650\u00a0000\u00a0kr</span>" in history
    assert "Beslutsunderlag:" in history and "Ansökan, Budget</span>" in history
    assert "end_date" not in history and "decision_basis" not in history


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("total_budget_sek", "sexhundra", "Total budget: måste vara ett heltal"),
        ("end_date", "31/12/2025", "Slutdatum: ogiltigt datum"),
        ("handlaggare", "inte-en-adress", "ogiltig e-postadress"),
        ("title", "", "Projektnamn: får inte vara tomt"),
        ("stage", "closed", "fältet 'stage' kan inte redigeras"),
        ("purpose", "nul\x00tecken", "Syfte: otillåtet kontrolltecken"),
    ],
)
def test_bad_edit_is_shown_with_what_was_typed_and_saves_nothing(
    seeded: Web, field: str, value: str, message: str
) -> None:
    client = seeded.client("anna@example.se")
    version = _row_version(seeded)
    response = client.post(f"{CASE_URL}/edit", data={
        "csrf_token": csrf_of(client, CASE_URL), "area": "Nytt område", field: value,
    })  # fmt: skip
    assert response.status_code == 400
    assert message in alert_of(response.text)
    assert 'value="Nytt område"' in response.text  # what the user typed is kept
    assert _row_version(seeded) == version


def test_stale_form_is_a_conflict(seeded: Web) -> None:
    client = seeded.client("anna@example.se")
    token = csrf_of(client, CASE_URL)
    old = _row_version(seeded)
    client.post(f"{CASE_URL}/edit", data={"csrf_token": token, "area": "A"})
    stale = {"csrf_token": token, "row_version": str(old), "area": "B"}
    response = client.post(f"{CASE_URL}/edit", data=stale)
    assert response.status_code == 409
    assert "har ändrats av någon annan" in alert_of(response.text)


def test_forms_need_the_csrf_token(seeded: Web) -> None:
    client = seeded.client("anna@example.se")
    version = _row_version(seeded)
    for path, data in [
        (f"{CASE_URL}/edit", {"area": "X"}),
        (f"{CASE_URL}/funders", {"code": "esf", "amount_sek": "1"}),
        (f"{CASE_URL}/moves/send_application", {}),
        (f"{CASE_URL}/memo", {"format": "md"}),
        ("/cases/new", {"diarienummer": "RUN/9/2026", "title": "X"}),
    ]:
        for token in (None, "fel", csrf_of(seeded.client("bo@example.se"))):
            sent = data if token is None else {**data, "csrf_token": token}
            response = client.post(path, data=sent)
            assert response.status_code == 403, (path, token)
            assert "säkerhetstoken" in alert_of(response.text)
    assert _row_version(seeded) == version
    assert client.get("/cases/RUN/9/2026").status_code == 404


def test_roles_are_checked_on_every_form(seeded: Web) -> None:
    bo = seeded.client("bo@example.se")  # beslutsfattare: reads, signs; does not edit
    token = csrf_of(bo, CASE_URL)
    html = bo.get(CASE_URL).text
    assert "<fieldset disabled>" in html and "Din roll får inte ändra ärenden." in html
    for path, data in [(f"{CASE_URL}/edit", {"area": "X"}),
                       (f"{CASE_URL}/funders", {"code": "esf", "amount_sek": "1"}),
                       ("/cases/new", {"diarienummer": "RUN/9/2026", "title": "X"})]:  # fmt: skip
        response = bo.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 403
        assert "bo@example.se får inte" in alert_of(response.text)
    assert bo.get("/cases/new").status_code == 403
    sara = seeded.client("sara@example.se")  # may not send the application (workflow roles)
    response = sara.post(f"{CASE_URL}/moves/send_application",
                         data={"csrf_token": csrf_of(sara, CASE_URL)})  # fmt: skip
    assert response.status_code == 409 or response.status_code == 403
    assert "sara@example.se får inte göra 'Skicka ansökan'" in alert_of(response.text)
    anna = seeded.client("anna@example.se")
    response = anna.post(f"{CASE_URL}/memo/finalize", data={"csrf_token": csrf_of(anna)})
    assert response.status_code == 403
    assert _history(seeded) == ["import"]


def test_new_case_then_blocked_move_then_moves(web: Web) -> None:
    client = web.client("anna@example.se")
    token = csrf_of(client, "/cases/new")
    bad = client.post("/cases/new", data={"csrf_token": token, "diarienummer": "RUN/1",
                                          "title": "Nytt projekt"})  # fmt: skip
    assert bad.status_code == 400 and "RUN/1" in alert_of(bad.text)
    assert 'value="Nytt projekt"' in bad.text
    made = client.post("/cases/new", data={"csrf_token": token, "diarienummer": "run/7/2026",
                                           "title": "Nytt projekt"})  # fmt: skip
    assert made.status_code == 303 and made.headers["location"] == "/cases/RUN/7/2026?created=1"
    again = client.post("/cases/new", data={"csrf_token": token, "diarienummer": "RUN/7/2026",
                                            "title": "Igen"})  # fmt: skip
    assert again.status_code == 409 and "finns redan" in alert_of(again.text)
    moved = client.post("/cases/RUN/7/2026/moves/start_planning", data={"csrf_token": token})
    assert moved.status_code == 303
    page = client.get(moved.headers["location"]).text
    assert "Flyttat till Planering." in page
    blocked = re.search(r'disabled aria-describedby="why-send_application"', page)
    assert blocked is not None and "total budget saknas" in page
    refused = client.post("/cases/RUN/7/2026/moves/send_application", data={"csrf_token": token})
    assert refused.status_code == 409 and "total budget saknas" in alert_of(refused.text)
    assert _history(web, "RUN/7/2026") == ["create", "transition"]


def test_funder_form_validates_and_saves(seeded: Web) -> None:
    client = seeded.client("anna@example.se")
    token = csrf_of(client, CASE_URL)
    bad = client.post(f"{CASE_URL}/funders", data={"csrf_token": token, "code": "esf",
                                                   "amount_sek": "mycket"})  # fmt: skip
    assert bad.status_code == 400 and "belopp" in alert_of(bad.text)
    unknown = client.post(f"{CASE_URL}/funders", data={"csrf_token": token, "code": "esff"})
    assert unknown.status_code == 400 and "menade du esf?" in alert_of(unknown.text)
    assert _history(seeded) == ["import"]
    funder = {"csrf_token": token, "code": "esf", "amount_sek": "100 000", "status": "applied"}
    ok = client.post(f"{CASE_URL}/funders", data=funder)
    assert ok.status_code == 303
    assert "ESF Europeiska Socialfonden" in client.get(CASE_URL).text


def test_memo_renders_downloads_and_is_finalized(seeded: Web) -> None:
    anna = seeded.client("anna@example.se")
    token = csrf_of(anna, CASE_URL)
    response = anna.post(f"{CASE_URL}/memo", data={"csrf_token": token, "format": "docx",
                                                   "memo_date": "2024-11-22"})  # fmt: skip
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "RUN/479/2024" in text and "Ärendebeskrivning" in text
    bad = anna.post(f"{CASE_URL}/memo", data={"csrf_token": token, "format": "pdf"})
    assert bad.status_code == 400 and "okänt format 'pdf'" in alert_of(bad.text)
    bad_date = anna.post(f"{CASE_URL}/memo", data={"csrf_token": token, "memo_date": "i morgon"})
    assert bad_date.status_code == 400 and "Memots datum: skriv datumet" in alert_of(bad_date.text)
    bo = seeded.client("bo@example.se")
    named = anna.post(f"{CASE_URL}/memo", data={"csrf_token": token, "format": "md",
                                                "memo_date": "2024-11-22",
                                                "signatory": "bo@example.se"})  # fmt: skip
    assert named.status_code == 200
    done = bo.post(f"{CASE_URL}/memo/finalize", data={"csrf_token": csrf_of(bo),
                                                      "decided_on": "2024-11-22"})  # fmt: skip
    assert done.status_code == 303
    assert "Beslutet är registrerat 2024-11-22." in bo.get(done.headers["location"]).text


def test_schedule_on_a_meeting(seeded: Web) -> None:
    add_meetings(db=seeded.db, meetings=[("RUN", date(2025, 3, 12), "09:00")], clock=seeded.clock)
    client = seeded.client("anna@example.se")
    token = csrf_of(client, CASE_URL)
    added = client.post(f"{CASE_URL}/schedule", data={"csrf_token": token,
                                                      "meeting": "RUN 2025-03-12"})  # fmt: skip
    assert added.status_code == 303
    assert "Satt på dagordningen (RUN 2025-03-12)." in client.get(added.headers["location"]).text
    bad = client.post(f"{CASE_URL}/schedule", data={"csrf_token": token, "meeting": "RUN 12/3"})
    assert bad.status_code == 400 and "ogiltigt datum" in alert_of(bad.text)
    gone = client.post(f"{CASE_URL}/schedule", data={"csrf_token": token, "action": "remove",
                                                     "meeting": "RUN 2025-03-12"})  # fmt: skip
    assert "Borttaget från dagordningen." in client.get(gone.headers["location"]).text


def test_case_pages_work_on_every_backend(web_any: Web) -> None:
    client = web_any.client("anna@example.se")
    token = csrf_of(client, "/cases/new")
    made = client.post("/cases/new", data={"csrf_token": token, "diarienummer": "RUN/5/2026",
                                           "title": "Åre bredband"})  # fmt: skip
    assert made.status_code == 303
    client.post("/cases/RUN/5/2026/edit", data={"csrf_token": token, "area": "Digitalisering"})
    assert _dnrs(client.get("/cases?q=BREDBAND").text) == ["RUN/5/2026"]  # case-insensitive
    assert _dnrs(client.get("/cases?area=Digitalisering").text) == ["RUN/5/2026"]
    moved = client.post("/cases/RUN/5/2026/moves/start_planning", data={"csrf_token": token})
    assert moved.status_code == 303
    assert _history(web_any, "RUN/5/2026") == ["create", "edit", "transition"]
