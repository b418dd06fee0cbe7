"""The polish a Swedish public-sector user notices (issue 12, item 7), through TestClient: error
pages, unknown addresses, HEAD, favicon, signed banners, names instead of addresses, Swedish
outcome labels and plurals, links per role, the outbox's message page and resend, webcal:."""

from __future__ import annotations

import re
from typing import Any

from caseflow.cases.engine import create_case, fire
from caseflow.domain.casedoc import CaseDoc
from caseflow.mail.outbox import enqueue, get_message, mark_failed
from tests.webkit import Web, alert_of, csrf_of

ANNA, BO, SARA, ADMIN = "anna@example.se", "bo@example.se", "sara@example.se", "admin@example.se"
URL = "/cases/RUN/5/2025"


def add_case(web: Web, dnr: str = "RUN/5/2025", **fields: Any) -> None:
    doc = CaseDoc.model_validate({"diarienummer": dnr, "title": "Polerat projekt", **fields})
    create_case(db=web.db, workflows=web.workflows, doc=doc, actor=ANNA, clock=web.clock)


def test_an_unknown_address_answers_an_html_page_and_the_api_json(web: Web) -> None:
    page = web.client(ANNA).get("/finns-inte")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Sidan finns inte" in alert_of(page.text)
    api = web.api(ANNA).get("/api/v1/finns-inte")
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"
    assert api.json() == {"detail": "adressen finns inte i API:t (se /api/v1/openapi.json)"}


def test_head_answers_like_get_without_a_body(web: Web) -> None:
    client = web.client()
    head = client.head("/login")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("text/html")
    assert client.head("/finns-inte").status_code == 404


def test_favicon_is_served_and_linked(web: Web) -> None:
    icon = web.client().get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert '<link rel="icon" href="/favicon.ico"' in web.client().get("/login").text


def test_a_refusal_is_an_error_box_not_a_success_banner(web: Web) -> None:
    page = web.client(BO).get("/outbox")
    assert page.status_code == 403
    assert 'class="notice"' not in page.text
    message = alert_of(page.text)
    assert "se utkorgen" in message and "nämndsekreterare eller administratör" in message
    assert "namndsekreterare" not in message and "admin " not in message


def test_a_banner_text_in_the_address_needs_this_sessions_signature(web: Web) -> None:
    add_case(web, handlaggare=ANNA)
    anna = web.client(ANNA)
    forged = anna.get(f"{URL}?done=Ditt+konto+är+spärrat,+ring+070-123")
    assert forged.status_code == 200 and "Ditt konto är spärrat" not in forged.text
    # a real post's redirect carries a signature that shows the text to this session only
    token = csrf_of(anna, URL)
    saved = anna.post(f"{URL}/edit", data={"csrf_token": token, "title": "Nytt namn"})
    assert saved.status_code == 303
    target = saved.headers["location"]
    assert "Sparat: 1 fält ändrat." in anna.get(target).text  # singular
    assert "Sparat: 1 fält" not in web.client(ANNA).get(target).text  # another session
    tampered = re.sub(r"done=[^&]+", "done=Annat", target)
    assert "Annat" not in anna.get(tampered).text.split("<main")[1].split("<h1")[0]


def test_case_header_names_the_handlaggare_and_the_outcome_in_swedish(web: Web) -> None:
    add_case(web, handlaggare=ANNA)
    for trigger in ("start_planning",):
        fire(db=web.db, workflows=web.workflows, dnr="RUN/5/2025", trigger=trigger, actor=ANNA,
             clock=web.clock)  # fmt: skip
    fire(db=web.db, workflows=web.workflows, dnr="RUN/5/2025", trigger="withdraw", actor=ANNA,
         clock=web.clock, reason="Sökanden drog tillbaka ansökan")  # fmt: skip
    page = web.client(BO).get(URL).text
    header = page.split('<p class="stage">')[1].split("</p>")[0]
    assert "Handläggare: Anna" in header and ANNA not in header
    assert "Utfall: <strong>återkallat</strong>" in header and "withdrawn" not in header
    assert "Version" not in header
    listed = web.client(BO).get("/cases").text
    assert "(återkallat)" in listed and "<td>Anna</td>" in listed and "(withdrawn)" not in listed


def test_the_list_counts_one_case_in_the_singular(web: Web) -> None:
    add_case(web)
    page = web.client(ANNA).get("/cases").text
    assert "1 ärende." in page and "1 ärenden" not in page


def test_list_filter_errors_name_the_field_not_the_parameter(web: Web) -> None:
    page = web.client(ANNA).get("/cases", params={"q": "a\x01b"})
    assert page.status_code == 400
    message = alert_of(page.text)
    assert message.startswith("Fel: Sök:") and "q:" not in message


def test_links_to_pages_a_role_may_not_use_are_not_shown(web: Web) -> None:
    bo = web.client(BO).get("/cases").text
    assert 'href="/outbox"' not in bo and 'href="/cases/new"' not in bo
    sara = web.client(SARA).get("/board").text
    assert 'href="/outbox"' in sara and 'href="/cases/new"' not in sara
    anna = web.client(ANNA).get("/board").text
    assert 'href="/outbox"' not in anna and 'href="/cases/new"' in anna


def test_the_outbox_shows_a_message_and_sends_a_failed_one_again(web: Web) -> None:
    with web.db.write() as session:
        row = enqueue(session=session, recipient=ANNA, subject="Påminnelse: slutrapport",
                      body_text="Hej Anna,\n\nslutrapporten ska lämnas.", key="k1",
                      now=web.clock.now(), domain="example.se")  # fmt: skip
        number, message_id = row.id, row.message_id
    assert number is not None
    mark_failed(db=web.db, message_id=message_id, error="550 mottagaren finns inte")
    sara = web.client(SARA)
    listing = sara.get("/outbox").text
    assert f'href="/outbox/{number}"' in listing
    page = sara.get(f"/outbox/{number}")
    assert page.status_code == 200
    assert "slutrapporten ska lämnas." in page.text and "550 mottagaren finns inte" in page.text
    assert "Anna (anna@example.se)" in page.text
    token = csrf_of(sara, f"/outbox/{number}")
    again = sara.post(f"/outbox/{number}/resend", data={"csrf_token": token})
    assert again.status_code == 303
    assert "Meddelandet ligger i kö igen" in sara.get(again.headers["location"]).text
    resent = get_message(db=web.db, number=number)
    assert (resent.status, resent.attempts, resent.last_error) == ("pending", 0, None)
    # a pending message cannot be queued twice; another role may not see or resend it
    twice = sara.post(f"/outbox/{number}/resend", data={"csrf_token": token})
    assert twice.status_code == 400 and "väntar redan" in alert_of(twice.text)
    assert web.client(ANNA).get(f"/outbox/{number}").status_code == 403
    anna = web.client(ANNA)
    refused = anna.post(f"/outbox/{number}/resend", data={"csrf_token": csrf_of(anna)})
    assert refused.status_code == 403
    assert sara.get("/outbox/99999").status_code == 404


def test_the_calendar_address_is_offered_as_webcal_and_stopping_it_says_so(web: Web) -> None:
    anna = web.client(ANNA)
    token = csrf_of(anna, "/account")
    made = anna.post("/account/calendar", data={"csrf_token": token}).text
    assert 'href="webcal://127.0.0.1:8000/calendar/' in made
    assert "Stäng av kalenderadressen" in made and "Återkalla" not in made


def test_a_rendered_memo_keeps_its_inline_styles_under_its_own_policy(web: Web) -> None:
    add_case(
        web,
        handlaggare=ANNA,
        owner="Krokoms kommun",
        owner_is_region=False,
        start_date="2025-03-01",
        end_date="2026-12-31",
        stage="bp_planering",
        decision_basis=["Ansökan från Krokoms kommun"],
        funders=[{"code": "statens_kulturrad", "amount_sek": 300000, "status": "granted"}],
    )
    anna = web.client(ANNA)
    token = csrf_of(anna, URL)
    memo = anna.post(f"{URL}/memo", data={"csrf_token": token, "format": "html",
                                          "memo_date": "2025-02-03"})  # fmt: skip
    assert memo.status_code == 200, memo.text
    assert "<style>" in memo.text
    policy = memo.headers["content-security-policy"]
    assert "style-src 'unsafe-inline'" in policy and "sandbox" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert memo.headers.get_list("content-security-policy") == [policy]  # only its own
    page = anna.get(URL)
    assert "style-src 'self'" in page.headers["content-security-policy"]
