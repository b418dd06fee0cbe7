"""The case page's "Skriv utkast till ärendebeskrivning": the draft written from the case's
facts is saved in the Ärendebeskrivning field (recorded in the history, listing what is missing)
or downloaded as Word, html or Markdown like a memo — without becoming a memo render."""

from __future__ import annotations

import io

import docx

from caseflow.cases.engine import create_case
from caseflow.domain.casedoc import CaseDoc
from caseflow.memo.service import load_case
from caseflow.memo.store import list_renders
from tests.webkit import Web, alert_of, csrf_of

DNR = "RUN/88/2025"
URL = f"/cases/{DNR}"
CASE = {
    "diarienummer": DNR, "title": "Besöksnäring året runt", "owner": "Krokoms kommun",
    "owner_is_region": False, "purpose": "att fler besökare kommer utanför högsäsong",
    "start_date": "2025-03-01", "end_date": "2026-12-31", "handlaggare": "anna@example.se",
    "funders": [{"code": "statens_kulturrad", "amount_sek": 300000, "status": "granted",
                 "decision_date": "2025-02-01"}],
}  # fmt: skip


def _case(web: Web, **more: object) -> None:
    create_case(db=web.db, workflows=web.workflows, doc=CaseDoc.model_validate({**CASE, **more}),
                actor="test", clock=web.clock)  # fmt: skip


def test_the_draft_is_saved_in_the_field_and_names_what_is_missing(web_any: Web) -> None:
    _case(web_any)
    anna = web_any.client("anna@example.se")
    page = anna.get(URL).text
    assert "Skriv utkast till ärendebeskrivning" in page
    token = csrf_of(anna, URL)
    response = anna.post(f"{URL}/memo/draft", data={"csrf_token": token, "draft_as": "save"})
    assert response.status_code == 303
    shown = anna.get(response.headers["location"]).text
    assert "Utkastet till ärendebeskrivning är sparat" in shown
    assert "Saknas i ärendet" not in shown  # owner, purpose, period and funders are all there
    case, _ = load_case(web_any.db, DNR)
    assert case["background"].startswith("Projektet ”Besöksnäring året runt” ägs av Krokoms")
    assert "Syftet med projektet är att fler besökare" in case["background"]
    assert "utkast till ärendebeskrivning" in shown  # the edit's reason in the history
    assert list_renders(db=web_any.db, dnr=DNR) == []  # a draft is not a memo


def test_a_missing_fact_is_listed_never_written(web_any: Web) -> None:
    _case(web_any, end_date=None, start_date=None)
    anna = web_any.client("anna@example.se")
    token = csrf_of(anna, URL)
    response = anna.post(f"{URL}/memo/draft", data={"csrf_token": token, "draft_as": "save"})
    shown = anna.get(response.headers["location"]).text
    assert "Saknas i ärendet: projektperiod (start- och slutdatum)." in shown
    case, _ = load_case(web_any.db, DNR)
    assert "Ej satt" not in case["background"] and "None" not in case["background"]


def test_the_draft_downloads_as_word_without_a_render(web_any: Web) -> None:
    _case(web_any)
    anna = web_any.client("anna@example.se")
    token = csrf_of(anna, URL)
    response = anna.post(f"{URL}/memo/draft", data={"csrf_token": token, "draft_as": "docx"})
    assert response.status_code == 200
    assert "arendebeskrivning-RUN-88-2025.docx" in response.headers["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "Ärendebeskrivning" in text and "Besöksnäring året runt" in text
    assert "Medfinansiering har beviljats från" in text
    html = anna.post(f"{URL}/memo/draft", data={"csrf_token": token, "draft_as": "html"})
    assert html.headers["content-type"].startswith("text/html") and "Krokoms kommun" in html.text
    assert list_renders(db=web_any.db, dnr=DNR) == []
    case, _ = load_case(web_any.db, DNR)
    assert case["background"] is None  # a download changes nothing


def test_a_draft_with_no_facts_is_refused_in_swedish(web_any: Web) -> None:
    _case(web_any, owner=None, owner_is_region=False, purpose=None, start_date=None,
          end_date=None, funders=[])  # fmt: skip
    anna = web_any.client("anna@example.se")
    token = csrf_of(anna, URL)
    response = anna.post(f"{URL}/memo/draft", data={"csrf_token": token, "draft_as": "md"})
    assert response.status_code == 400
    assert "för lite uppgifter för ett utkast" in alert_of(response.text)


def test_the_decision_maker_may_download_a_draft_but_not_save_it(web_any: Web) -> None:
    _case(web_any)
    bo = web_any.client("bo@example.se")
    page = bo.get(URL).text
    assert "Skriv utkast till ärendebeskrivning" in page
    assert 'value="save"' not in page  # only the downloads are offered
    token = csrf_of(bo, URL)
    response = bo.post(f"{URL}/memo/draft", data={"csrf_token": token, "draft_as": "save"})
    assert response.status_code == 403
    assert "ändra ärenden" in alert_of(response.text)
    got = bo.post(f"{URL}/memo/draft", data={"csrf_token": token, "draft_as": "md"})
    assert got.status_code == 200 and "Ärendebeskrivning" in got.text
