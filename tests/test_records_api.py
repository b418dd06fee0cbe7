"""/api/v1 handlings, secrecy, register and requests for documents, on SQLite and PostgreSQL:
uploads checked by content, name and size; secret content masked for roles without access."""

from __future__ import annotations

import csv
import io
from datetime import date

from caseflow.cases.engine import add_person
from tests.factories import make_case
from tests.recordkit import docx_bytes, pdf_bytes, png_bytes
from tests.webkit import Web

URL = "/api/v1/cases/RUN/479/2024"
ANNA, SARA, RUT = "anna@example.se", "sara@example.se", "rut@example.se"
TODAY = date(2025, 1, 6)  # the FakeClock's day


def setup(web: Web) -> None:
    make_case(web.db, web.workflows, web.clock, "RUN/479/2024")
    add_person(db=web.db, email=RUT, name="Rut", roles=["registrator"], clock=web.clock)


def upload(client, name: str, data: bytes, **fields: str):  # type: ignore[no-untyped-def]
    form = {
        "direction": "in",
        "subject": "Ansökan om medfinansiering",
        "doc_type": "ansokan",
        "counterpart": "Mittuniversitetet",
        **fields,
    }
    return client.post(URL + "/handlings", data=form, files={"file": (name, data)})


def test_register_read_and_download_documents(web_any: Web) -> None:
    web = web_any
    setup(web)
    anna = web.api(ANNA)
    first = upload(anna, "ansokan.pdf", pdf_bytes())
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["number"] == "RUN/479/2024-1" and body["direction"] == "inkommande"
    assert body["files"][0]["media_type"] == "application/pdf"
    assert body["files"][0]["filename"] == "ansokan.pdf"
    draft = upload(
        anna,
        "ts.docx",
        docx_bytes(),
        direction="internal",
        doc_type="tjansteskrivelse",
        subject="Tjänsteskrivelse",
        counterpart="",
    )
    assert draft.status_code == 201 and draft.json()["state_label"] == "Utkast"
    version = anna.post(
        URL + "/handlings/2/versions", files={"file": ("ts2.docx", docx_bytes("2"))}
    )
    assert version.status_code == 201 and len(version.json()["files"]) == 2
    final = anna.post(URL + "/handlings/2/final", json={"state": "fastställd"})
    assert final.status_code == 200 and final.json()["final_state"] == "faststalld"
    listed = anna.get(URL + "/handlings").json()
    assert [h["number"] for h in listed] == ["RUN/479/2024-1", "RUN/479/2024-2"]
    file = anna.get(URL + "/handlings/1/file", params={"inline": "true"})
    assert file.status_code == 200 and file.content == pdf_bytes()
    assert file.headers["content-type"] == "application/pdf"
    assert file.headers["content-disposition"].startswith("inline;")
    assert file.headers["x-frame-options"] == "SAMEORIGIN"
    old = anna.get(URL + "/handlings/2/file", params={"version": 1})
    assert old.headers["content-disposition"].startswith("attachment;")
    assert anna.get(URL + "/handlings/9").status_code == 404
    assert anna.get(URL + "/handlings/2/file", params={"version": 7}).status_code == 404
    # Nämndsekreterare may read but not register documents.
    assert upload(web.api(SARA), "b.png", png_bytes()).status_code == 403
    history = [e["kind"] for e in anna.get(URL + "/history").json()]
    assert history[-4:] == ["handling", "handling", "handling_version", "handling_final"]


def test_bad_uploads_are_refused_and_change_nothing(web_any: Web) -> None:
    web = web_any
    setup(web)
    anna = web.api(ANNA)
    cases = [
        ("tom.pdf", b"", {}, 400, "filen är tom"),
        ("../../etc/ansokan.pdf", pdf_bytes(), {}, 400, "sökväg"),
        ("ansokan.png", pdf_bytes(), {}, 400, "innehållet är PDF men namnet säger PNG-bild"),
        ("a.pdf", pdf_bytes(), {"doc_type": "nej"}, 400, "okänd typ"),
        ("a.pdf", pdf_bytes(), {"direction": "x"}, 400, "riktning"),
        ("a.pdf", pdf_bytes(), {"document_date": "2025-02-30"}, 422, "ogiltigt datum"),
    ]
    for name, data, fields, status, words in cases:
        answer = upload(anna, name, data, **fields)
        assert answer.status_code == status, (name, answer.text)
        assert words in answer.text, answer.text
    assert anna.get(URL + "/handlings").json() == []
    assert upload(anna, "a.pdf", pdf_bytes()).status_code == 201
    again = upload(anna, "b.pdf", pdf_bytes())
    assert again.status_code == 409 and "RUN/479/2024-1" in again.json()["detail"]
    assert upload(anna, "b.pdf", pdf_bytes(), allow_duplicate="true").status_code == 201


def test_an_upload_over_the_limit_is_answered_413(
    sqlite_db,
    workflows,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    from tests.webkit import make_web

    web = make_web(sqlite_db, workflows, clock, max_file_bytes=1000)
    setup(web)
    anna = web.api(ANNA)
    answer = upload(anna, "a.pdf", pdf_bytes() + b"%" * 5000)
    assert answer.status_code == 400 and "större än gränsen" in answer.json()["detail"]
    huge = upload(anna, "a.pdf", b"%PDF-" + b"0" * (3 * 1024 * 1024))  # over the 2 MB body cap
    assert huge.status_code == 413
    assert anna.get(URL + "/handlings").json() == []


def test_secret_document_is_masked_for_roles_without_access_and_in_the_register(
    web_any: Web,
) -> None:
    web = web_any
    setup(web)
    anna, sara, rut = web.api(ANNA), web.api(SARA), web.api(RUT)
    upload(anna, "a.pdf", pdf_bytes())
    upload(anna, "b.pdf", pdf_bytes("B"), subject="Budget", counterpart="Företaget AB")
    denied = sara.post(URL + "/handlings/2/secret", json={"osl": "OSL 31:16", "reason": "x"})
    assert denied.status_code == 403
    bad = rut.post(URL + "/handlings/2/secret", json={"osl": "31 kap", "reason": "x"})
    assert bad.status_code == 400 and "OSL 31:16" in bad.json()["detail"]
    marked = rut.post(
        URL + "/handlings/2/secret",
        json={"osl": "OSL 31:16", "reason": "Företagets affärsförhållanden"},
    )
    assert marked.status_code == 200 and marked.json()["osl"] == "OSL 31:16"
    assert (
        rut.post(URL + "/handlings/2/secret", json={"osl": "OSL 31:16", "reason": "x"}).status_code
        == 409
    )
    seen = anna.get(URL + "/handlings/2").json()
    assert seen["subject"] == "Budget" and seen["secret"] and not seen["masked"]
    hidden = sara.get(URL + "/handlings/2").json()
    assert hidden["subject"] == "[sekretess]" and hidden["counterpart"] == "[sekretess]"
    assert hidden["files"] == [] and hidden["masked"] and hidden["osl"] == "OSL 31:16"
    assert "affärsförhållanden" not in str(hidden)
    assert sara.get(URL + "/handlings/2/file").status_code == 403
    assert anna.get(URL + "/handlings/2/file").status_code == 200

    period = {"from": "2025-01-01", "to": "2025-01-31"}
    full = anna.get("/api/v1/register", params=period).json()
    assert [d["subject"] for d in full["cases"][0]["documents"]] == [
        "Ansökan om medfinansiering",
        "Budget",
    ]
    public = anna.get("/api/v1/register", params={**period, "public": "true"}).json()
    assert [d["subject"] for d in public["cases"][0]["documents"]] == [
        "Ansökan om medfinansiering",
        "[sekretess]",
    ]
    masked_for_sara = sara.get("/api/v1/register", params={**period, "format": "csv"})
    rows = list(csv.reader(io.StringIO(masked_for_sara.text), delimiter=";"))
    assert rows[2][7:] == ["[sekretess]", "[sekretess]", "OSL 31:16"]
    assert (
        anna.get("/api/v1/register", params={"from": "2025-02-01", "to": "2025-01-01"}).status_code
        == 400
    )
    field = rut.post(URL + "/fields/title/secret", json={"osl": "OSL 31:16", "reason": "x"})
    assert field.status_code == 200
    public = anna.get("/api/v1/register", params={**period, "public": "true"}).json()
    assert public["cases"][0]["title"] == "[sekretess]"

    lifted = rut.post(URL + "/handlings/2/open", json={"reason": "Prövad: kan lämnas ut"})
    assert lifted.status_code == 200 and lifted.json()["lift_reason"] == "Prövad: kan lämnas ut"
    assert sara.get(URL + "/handlings/2").json()["subject"] == "Budget"
    assert rut.post(URL + "/handlings/2/open", json={"reason": "igen"}).status_code == 400


def test_requests_for_a_document_are_recorded_and_decided(web_any: Web) -> None:
    web = web_any
    setup(web)
    anna, sara, rut = web.api(ANNA), web.api(SARA), web.api(RUT)
    upload(anna, "a.pdf", pdf_bytes())
    made = sara.post(
        URL + "/handlings/1/requests", json={"requester": "Journalist", "contact": "j@tidning.se"}
    )
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]
    assert made.json()["outcome_label"] == "Ej prövad"
    assert [r["id"] for r in anna.get("/api/v1/requests", params={"undecided": "true"}).json()] == [
        request_id
    ]
    decision = f"/api/v1/requests/{request_id}/decision"
    assert sara.post(decision, json={"outcome": "lamnas_ut"}).status_code == 403
    assert rut.post(decision, json={"outcome": "avslag"}).status_code == 400  # needs a reason
    done = rut.post(decision, json={"outcome": "lamnas_ut"})
    assert done.status_code == 200 and done.json()["outcome_label"] == "Lämnas ut"
    assert rut.post(decision, json={"outcome": "avslag", "reason": "x"}).status_code == 400
    assert anna.get("/api/v1/requests", params={"undecided": "true"}).json() == []
    kinds = [e["kind"] for e in anna.get(URL + "/history").json()]
    assert kinds[-2:] == ["disclosure", "disclosure_done"]
