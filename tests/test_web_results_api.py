"""/api/v1/results through the TestClient on every backend: read, answer with versions and
counts, move with roles and guards, suggestions, deadlines and the filled form."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from caseflow.results.form import load_form
from caseflow.results.service import create_report
from tests.webkit import Web

ANNA, BO = "anna@example.se", "bo@example.se"
URL = "/api/v1/results/2025"
FORM = load_form("2024")


def test_answers_counts_moves_and_exports(web_any: Web) -> None:
    create_report(db=web_any.db, year=2025, actor=ANNA, clock=web_any.clock)
    anna, bo = web_any.api(ANNA), web_any.api(BO)
    listed = anna.get("/api/v1/results").json()
    assert [(r["year"], r["status"], r["status_label"]) for r in listed] == [
        (2025, "draft", "Utkast")
    ]
    first = anna.put(URL + "/answers/6.1", json={"text": "x" * 5001, "expected_version": 0})
    assert first.status_code == 200, first.text
    assert (first.json()["section_count"], first.json()["section_remaining"]) == (5001, -1)
    stale = anna.put(URL + "/answers/6.1", json={"text": "y", "expected_version": 0})
    assert stale.status_code == 409 and "har ändrats av någon annan" in stale.json()["detail"]
    bad = anna.put(URL + "/answers/5.1a", json={"choice": "Kanske"})
    assert bad.status_code == 400 and "välj ett av Ja, Nej" in bad.json()["detail"]
    for slot in FORM.slots:
        if slot != "6.1":
            body = {"text": f"Svar {slot}.", "choice": "Ja" if slot.startswith("5.1") else None}
            assert anna.put(f"{URL}/answers/{slot}", json=body).status_code == 200
    report = anna.get(URL).json()
    assert report["sections"][5]["over_limit"] is True and report["status_label"] == "Utkast"
    assert anna.post(URL + "/moves/send_to_review").status_code == 200
    blocked = bo.post(URL + "/moves/adopt")
    assert blocked.status_code == 409
    assert blocked.json()["problems"][0].startswith("avsnitt 6 (Analys")
    denied = anna.post(URL + "/moves/adopt")
    assert denied.status_code == 403
    moves = anna.get(URL + "/moves").json()
    adopt = next(m for m in moves["moves"] if m["trigger"] == "adopt")
    assert not adopt["allowed"] and len(adopt["problems"]) == 2  # over the limit, not her role
    assert (
        anna.post(URL + "/moves/return_to_draft", json={"reason": "Korta 6.1"}).status_code == 200
    )
    fixed = anna.put(URL + "/answers/6.1", json={"text": "Kort.", "expected_version": 1})
    assert fixed.json()["section_remaining"] == 5000 - 5 - 2 * len("Svar 6.2.")
    anna.post(URL + "/moves/send_to_review")
    adopted = bo.post(URL + "/moves/adopt", json={"expected_version": 4})
    assert adopted.status_code == 200 and adopted.json()["to_stage"] == "adopted"
    locked = anna.put(URL + "/answers/1.1", json={"text": "Ändrat"})
    assert locked.status_code == 400 and "kan inte ändras" in locked.json()["detail"]
    history = anna.get(URL + "/moves").json()["history"]
    assert [h["trigger"] for h in history] == [
        "send_to_review", "return_to_draft", "send_to_review", "adopt",
    ]  # fmt: skip
    word = anna.get(URL + "/export")
    assert word.status_code == 200 and "resultatredovisning-2025.docx" in word.headers[
        "content-disposition"]  # fmt: skip
    assert "Status: Fastställd av nämnden" in [
        p.text for p in Document(io.BytesIO(word.content)).paragraphs
    ]
    book = load_workbook(io.BytesIO(anna.get(URL + "/export?format=xlsx").content))
    assert book["Avsnitt"]["D7"].value == 5 + 2 * len("Svar 6.2.")
    assert anna.get(URL + "/export?format=odt").status_code == 422
    deadlines = anna.get(URL + "/deadlines").json()
    assert [d["rule"] for d in deadlines] == ["results_submission"]
    assert deadlines[0]["due_on"] == "2026-02-23"


def test_missing_reports_and_suggestions(web_any: Web) -> None:
    anna = web_any.api(ANNA)
    missing = anna.get("/api/v1/results/2030")
    assert missing.status_code == 404 and "ingen resultatredovisning för 2030" in missing.text
    assert anna.get("/api/v1/results/1999").status_code == 422
    data = anna.get("/api/v1/results/2025/prefill").json()
    assert data["suggestions"][0]["slot"] == "5.1a" and data["programmes"] == []
