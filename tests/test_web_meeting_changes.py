"""The meeting page's changes (move, time, cancel, order, documents) and the matching /api/v1
operations, for the nämndsekreterare; others are refused and nothing changes."""

from __future__ import annotations

import io
from datetime import date, timedelta

from docx import Document

from caseflow.cases.engine import create_case
from caseflow.domain.casedoc import CaseDoc
from caseflow.meetings.service import add_meetings, agenda, list_meetings, schedule_case
from tests.factories import complete_fields
from tests.webkit import Web, alert_of, csrf_of

ANNA, SARA = "anna@example.se", "sara@example.se"
PAGE = "/meetings/RUN/2025-03-19"
API = "/api/v1/meetings/RUN/2025-03-19"
DNRS = ("RUN/21/2025", "RUN/22/2025")


def _setup(web: Web) -> None:
    owners = ("Krokoms kommun", "Mittuniversitetet")
    for dnr, owner in zip(DNRS, owners, strict=True):
        fields = complete_fields(title=f"Projekt hos {owner}", owner=owner,
                                 owner_is_region=False, handlaggare=ANNA)  # fmt: skip
        doc = CaseDoc.model_validate({"diarienummer": dnr, **fields})
        create_case(db=web.db, workflows=web.workflows, doc=doc, actor=ANNA, clock=web.clock)
    add_meetings(db=web.db, meetings=[("RUN", date(2025, 3, 19), "09:00")], clock=web.clock)
    for dnr in DNRS:
        schedule_case(db=web.db, dnr=dnr, body="RUN", day=date(2025, 3, 19), actor=ANNA,
                      clock=web.clock, rules_for=web.workflows.deadline_rules())  # fmt: skip


def _order(web: Web, day: date = date(2025, 3, 19)) -> list[str]:
    return [c.diarienummer for c in agenda(db=web.db, body="RUN", day=day)]


def test_secretary_orders_moves_and_cancels_on_the_page(web: Web) -> None:
    _setup(web)
    client = web.client(SARA)
    page = client.get(PAGE).text
    assert "Flytta eller ändra tiden" in page and "Ställ in sammanträdet" in page
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "Sammanträde RUN 2025-03-19" in title, title  # no form in it
    assert page.count('id="andra-rubrik"') == 1
    assert "export?kind=kallelse" in page and "efter sammanträdet" in page
    token = csrf_of(client, PAGE)
    answer = client.post(PAGE + "/order", data={"csrf_token": token, "dnr": DNRS[1],
                                                 "current": "2", "move": "up"})  # fmt: skip
    assert answer.status_code == 303 and _order(web) == [DNRS[1], DNRS[0]]
    answer = client.post(
        PAGE + "/order",
        data={"csrf_token": token, "dnr": DNRS[1], "current": "1", "move": "to", "position": "x"},
    )
    assert answer.status_code == 400 and "skriv ett heltal" in alert_of(answer.text)
    answer = client.post(PAGE + "/edit", data={"csrf_token": token, "day": "2025-04-05",
                                                "time": "13:15"})  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/meetings/RUN/2025-04-05?")
    shown = client.get(answer.headers["location"]).text
    assert "Varning: sammanträdet RUN 2025-04-05 infaller på en lördag" in shown
    assert "Varning: sammanträdet 2025-04-05 infaller på en lördag" in shown  # the page's note
    assert [(m.day, m.time) for m in list_meetings(db=web.db)] == [(date(2025, 4, 5), "13:15")]
    moved = "/meetings/RUN/2025-04-05"
    answer = client.post(moved + "/cancel", data={"csrf_token": token, "reason": "Helg"})
    assert answer.status_code == 400 and "kryssa i" in alert_of(answer.text)
    answer = client.post(moved + "/cancel", data={"csrf_token": token, "reason": "Helg",
                                                  "confirm": "ja"})  # fmt: skip
    assert answer.status_code == 303
    shown = client.get(answer.headers["location"]).text
    assert f"Ärenden på dagordningen: {DNRS[1]}, {DNRS[0]}" in shown and "Inställt" in shown
    assert "Ställ in sammanträdet" not in shown
    assert "(inställt)" in client.get("/meetings").text
    history = client.get(f"/cases/{DNRS[0]}").text
    assert "sammanträdet RUN 2025-03-19 som ärendet står på flyttades till 2025-04-05" in history
    assert "sammanträdet RUN 2025-04-05 som ärendet står på ställdes in: Helg" in history
    assert "Återuppta sammanträdet" in shown
    assert "Återuppta sammanträdet" not in web.client(ANNA).get(moved).text  # officers cannot
    answer = client.post(moved + "/reopen", data={"csrf_token": token})
    assert answer.status_code == 303
    shown = client.get(answer.headers["location"]).text
    assert "Sammanträdet blir av igen" in shown
    assert "1 handläggare har fått e-post om ändringen." in shown  # Anna, of both cases
    assert "Ställ in sammanträdet" in shown and "Återuppta sammanträdet" not in shown
    answer = client.post(moved + "/reopen", data={"csrf_token": token})
    assert answer.status_code == 400 and "är inte inställt" in alert_of(answer.text)


def test_officer_cannot_change_a_meeting(web: Web) -> None:
    _setup(web)
    client = web.client(ANNA)
    page = client.get(PAGE).text
    assert "Ställ in sammanträdet" not in page and "Flytta hit" not in page
    token = csrf_of(client, PAGE)
    answer = client.post(PAGE + "/edit", data={"csrf_token": token, "day": "2025-04-02"})
    assert answer.status_code == 403 and "kräver rollen nämndsekreterare" in alert_of(answer.text)
    assert [m.day for m in list_meetings(db=web.db)] == [date(2025, 3, 19)]


def test_page_downloads_the_kallelse_and_later_the_protokollsutdrag(web: Web) -> None:
    _setup(web)
    client = web.client(ANNA)
    answer = client.get(PAGE + "/export?kind=kallelse")
    assert answer.status_code == 200
    assert "kallelse-RUN-2025-03-19.docx" in answer.headers["content-disposition"]
    texts = [p.text for p in Document(io.BytesIO(answer.content)).paragraphs]
    assert any("Projekt hos Krokoms kommun, diarienummer RUN/21/2025" in t for t in texts)
    answer = client.get(PAGE + "/export?kind=protokollsutdrag")
    assert answer.status_code == 400 and "har inte hållits än" in alert_of(answer.text)
    web.clock.advance(timedelta(days=80))
    client = web.client(ANNA)  # a fresh session: the first one has expired
    assert "export?kind=protokollsutdrag" in client.get(PAGE).text
    answer = client.get(PAGE + "/export?kind=protokollsutdrag")
    texts = [p.text for p in Document(io.BytesIO(answer.content)).paragraphs]
    assert "§ 2 Projekt hos Mittuniversitetet" in texts and "Mittuniversitetet" in texts


def test_api_patch_cancel_order_and_export(web: Web) -> None:
    _setup(web)
    officer, clerk = web.api(ANNA), web.api(SARA)
    assert officer.patch(API, json={"time": "10:00"}).status_code == 403
    answer = clerk.patch(API, json={"day": "2025-12-25", "time": "10:00"})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["day"] == "2025-12-25" and data["cases"] == list(DNRS)
    assert data["warnings"] == ["sammanträdet RUN 2025-12-25 infaller på en helgdag eller "
                                "helgdagsafton (juldagen)"]  # fmt: skip
    moved = "/api/v1/meetings/RUN/2025-12-25"
    assert clerk.patch(moved, json={"time": "25:00"}).status_code == 400
    assert clerk.patch(moved, json={"colour": "red"}).status_code == 422
    answer = clerk.put(moved + "/order", json={"diarienummer": [DNRS[1]]})
    assert answer.status_code == 200 and answer.json()["diarienummer"] == [DNRS[1], DNRS[0]]
    answer = clerk.put(moved + "/order", json={"diarienummer": ["RUN/1/2025"]})
    assert answer.status_code == 400 and "står inte på dagordningen" in answer.json()["detail"]
    assert [c["diarienummer"] for c in clerk.get(moved).json()["cases"]] == [DNRS[1], DNRS[0]]
    answer = officer.get(moved + "/export", params={"kind": "kallelse"})
    assert answer.status_code == 200 and answer.content.startswith(b"PK")
    assert officer.get(moved + "/export", params={"kind": "x"}).status_code == 422
    answer = clerk.post(moved + "/cancel", json={"reason": "Juldagen"})
    assert answer.status_code == 200 and answer.json()["cases"] == [DNRS[1], DNRS[0]]
    [meeting] = clerk.get("/api/v1/meetings").json()
    assert meeting["cancel_reason"] == "Juldagen" and meeting["cancelled_at"]
    assert clerk.post(moved + "/cancel").status_code == 400
    assert officer.post(moved + "/reopen").status_code == 403
    answer = clerk.post(moved + "/reopen")
    assert answer.status_code == 200 and answer.json()["notified"] == 1
    assert clerk.post(moved + "/reopen").status_code == 400
    [meeting] = clerk.get("/api/v1/meetings").json()
    assert meeting["cancelled_at"] is None and meeting["cancel_reason"] is None
