"""The results report's pages through the TestClient: list, create, the report with counters,
saving answers (versions), suggestions, and the lifecycle buttons by role."""

from __future__ import annotations

import re

from caseflow.results.form import load_form
from caseflow.results.service import create_report, get_report, save_answer
from tests.webkit import Web, alert_of, csrf_of

ANNA, BO, SARA = "anna@example.se", "bo@example.se", "sara@example.se"
FORM = load_form("2024")


def test_list_create_and_the_report_page(web: Web) -> None:
    anna = web.client(ANNA)
    page = anna.get("/results")
    assert page.status_code == 200 and "Inga redovisningar ännu." in page.text
    token = csrf_of(anna, "/results")
    created = anna.post("/results", data={"csrf_token": token, "year": "2025"})
    assert created.status_code == 303 and created.headers["location"].startswith("/results/2025")
    again = anna.post("/results", data={"csrf_token": token, "year": "2025"})
    assert again.status_code == 409
    assert alert_of(again.text).startswith("Fel: det finns redan en resultatredovisning för 2025")
    bad = anna.post("/results", data={"csrf_token": token, "year": "tjugo"})
    assert bad.status_code == 400 and "ogiltigt år" in alert_of(bad.text)
    sara = web.client(SARA)
    refused = sara.post("/results", data={"csrf_token": csrf_of(sara, "/results"), "year": "2026"})
    assert refused.status_code == 400 and "bara handläggare" in alert_of(refused.text)
    report = anna.get("/results/2025").text
    assert "Status: <strong>Utkast</strong>" in report
    assert report.count('class="results-section"') == 6
    assert report.count("<textarea") == 31
    assert 'data-limit="15000"' in report and "/static/results.js" in report
    assert "Skicka på granskning" in report and "Fastställ" not in report  # anna's moves only


def test_saving_an_answer_counts_and_a_stale_version_is_refused(web: Web) -> None:
    create_report(db=web.db, year=2025, actor=ANNA, clock=web.clock)
    anna = web.client(ANNA)
    token = csrf_of(anna, "/results/2025")
    text = "x" * 4999 + "\r\nå"
    saved = anna.post("/results/2025/answers/6.1",
                      data={"csrf_token": token, "version": "0", "text": text})  # fmt: skip
    assert saved.status_code == 303 and "#fraga-6.1" in saved.headers["location"]
    assert get_report(db=web.db, year=2025).answers["6.1"].text == "x" * 4999 + "\nå"
    page = anna.get("/results/2025").text
    counter = re.search(r'id="raknare-6">(.*?)</p>', page, re.S)
    assert counter is not None and "<span data-count>5\u00a0001</span>" in counter.group(1)
    assert "1 över gränsen" in counter.group(1) and 'class="counter over"' in page
    stale = anna.post("/results/2025/answers/6.1",
                      data={"csrf_token": token, "version": "0", "text": "kort"})  # fmt: skip
    assert stale.status_code == 409 and "har ändrats av någon annan" in alert_of(stale.text)
    box = anna.post("/results/2025/answers/5.1d",
                    data={"csrf_token": token, "version": "0", "choice": "Ej aktuellt",
                          "text": "Vi har ingen omställningsplan."})  # fmt: skip
    assert box.status_code == 303
    assert get_report(db=web.db, year=2025).answers["5.1d"].choice == "Ej aktuellt"
    no_csrf = anna.post("/results/2025/answers/6.2", data={"version": "0", "text": "x"})
    assert (
        no_csrf.status_code in (400, 403) and "6.2" not in get_report(db=web.db, year=2025).answers
    )


def test_moves_by_role_with_the_guard_s_reasons(web: Web) -> None:
    create_report(db=web.db, year=2025, actor=ANNA, clock=web.clock)
    wf = web.workflows.for_subject("results_report")
    for slot in FORM.slots:
        if slot != "4.2":
            save_answer(db=web.db, workflow=wf, year=2025, slot=slot, text=f"Svar {slot}.",
                        choice="Ja" if slot.startswith("5.1") else None, actor=ANNA,
                        clock=web.clock)  # fmt: skip
    anna, bo = web.client(ANNA), web.client(BO)
    token = csrf_of(anna, "/results/2025")
    sent = anna.post(
        "/results/2025/moves/send_to_review", data={"csrf_token": token, "version": "1"}
    )
    assert sent.status_code == 303
    page = bo.get("/results/2025").text
    assert re.search(r"disabled aria-describedby=\"hinder-adopt\"", page)
    assert "svar saknas på 4.2" in page
    blocked = bo.post("/results/2025/moves/adopt", data={"csrf_token": csrf_of(bo, "/results/2025"),
                                                         "version": "2"})  # fmt: skip
    assert blocked.status_code == 409 and "svar saknas på 4.2" in alert_of(blocked.text)
    token = csrf_of(bo, "/results/2025")
    back = bo.post("/results/2025/moves/return_to_draft",
                   data={"csrf_token": token, "version": "2", "reason": ""})  # fmt: skip
    assert back.status_code == 400 and "kräver en motivering" in alert_of(back.text)
    assert get_report(db=web.db, year=2025).status == "review"
