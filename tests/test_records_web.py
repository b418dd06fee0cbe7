"""The case's documents page (list, upload form, preview, secrecy, Beslutsunderlag) and the
public register page (open without login only when the setting says so; masked; CSV, JSON;
requests for documents)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from caseflow.cases.engine import add_person
from caseflow.clock import FakeClock
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import make_case
from tests.recordkit import docx_bytes, pdf_bytes, png_bytes
from tests.webkit import Web, alert_of, csrf_of, make_web

DNR = "RUN/479/2024"
PAGE = f"/cases/{DNR}/handlings"
ANNA, SARA, RUT = "anna@example.se", "sara@example.se", "rut@example.se"


def setup(web: Web) -> None:
    make_case(web.db, web.workflows, web.clock, DNR)
    add_person(db=web.db, email=RUT, name="Rut", roles=["registrator"], clock=web.clock)


def post_file(client, csrf: str, name: str, data: bytes, **fields: str):  # type: ignore[no-untyped-def]
    form = {
        "csrf_token": csrf,
        "direction": "inkommande",
        "doc_type": "ansokan",
        "subject": "Ansökan om medfinansiering",
        "counterpart": "Mittuniversitetet",
        **fields,
    }
    return client.post(PAGE, data=form, files={"file": (name, data)})


def test_upload_list_and_preview(web: Web) -> None:
    setup(web)
    anna = web.client(ANNA)
    csrf = csrf_of(anna, PAGE)
    page = anna.get(PAGE).text
    assert 'enctype="multipart/form-data"' in page and 'id="dropzone"' in page
    assert '<progress id="upload-progress"' in page and "/static/upload.js" in page
    done = post_file(anna, csrf, "ansokan.pdf", pdf_bytes())
    assert done.status_code == 303 and "RUN/479/2024-1" in done.headers["location"]
    post_file(anna, csrf, "karta.png", png_bytes(), subject="Karta")
    post_file(
        anna, csrf, "brev.txt", "Hej från Åre".encode(), subject="Brev", doc_type="korrespondens"
    )
    post_file(
        anna,
        csrf,
        "plan.docx",
        docx_bytes(),
        subject="Plan",
        direction="upprattad",
        doc_type="rapport",
        counterpart="",
    )
    listed = anna.get(PAGE).text
    for number in range(1, 5):
        assert f'href="/cases/{DNR}/handlings/{number}"' in listed
    assert "Ansökan om medfinansiering" in listed and "Utkast" in listed

    pdf = anna.get(f"{PAGE}/1").text
    assert f'<iframe class="preview" src="/cases/{DNR}/handlings/1/file?inline=true"' in pdf
    framed = anna.get(f"{PAGE}/1/file", params={"inline": "true"})
    assert framed.headers["content-type"] == "application/pdf"
    assert framed.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed.headers["content-security-policy"]
    image = anna.get(f"{PAGE}/2").text
    assert '<img class="preview"' in image and 'alt="Bilden karta.png' in image
    assert anna.get(f"{PAGE}/2/file", params={"inline": "true"}).content == png_bytes()
    assert "Hej från Åre" in anna.get(f"{PAGE}/3").text
    word = anna.get(f"{PAGE}/4").text
    assert "kan inte visas här" in word and "Ny version" in word and "Gör slutlig" in word
    versioned = anna.post(
        f"{PAGE}/4/versions",
        data={"csrf_token": csrf},
        files={"file": ("plan2.docx", docx_bytes("2"))},
    )
    assert versioned.status_code == 303
    assert "plan2.docx" in anna.get(f"{PAGE}/4").text
    final = anna.post(f"{PAGE}/4/final", data={"csrf_token": csrf, "state": "faststalld"})
    assert final.status_code == 303
    assert "Ny version" not in anna.get(f"{PAGE}/4").text
    assert anna.get(f"{PAGE}/9").status_code == 404


def test_upload_errors_show_on_the_page_and_change_nothing(web: Web) -> None:
    setup(web)
    anna = web.client(ANNA)
    csrf = csrf_of(anna, PAGE)
    cases = [
        ("tom.pdf", b"", {}, "filen är tom"),
        ("bild.pdf", png_bytes(), {}, "innehållet är PNG-bild men namnet säger PDF"),
        ("a.pdf", pdf_bytes(), {"subject": ""}, "ärendemening: saknas"),
        ("a.pdf", pdf_bytes(), {"document_date": "igår"}, "datum: skriv ÅÅÅÅ-MM-DD"),
    ]
    for name, data, fields, words in cases:
        answer = post_file(anna, csrf, name, data, **fields)
        assert answer.status_code == 400, name
        assert words in alert_of(answer.text)
    refused = anna.post(
        PAGE,
        data={"csrf_token": "fel", "direction": "in", "subject": "x"},
        files={"file": ("a.pdf", pdf_bytes())},
    )
    assert refused.status_code == 403
    assert "Inga handlingar registrerade än." in anna.get(PAGE).text
    sara = web.client(SARA)
    answer = post_file(sara, csrf_of(sara, PAGE), "a.pdf", pdf_bytes())
    assert answer.status_code == 403 and "registrera handlingar" in alert_of(answer.text)
    assert 'id="upload-form"' not in sara.get(PAGE).text


def test_secret_marks_on_the_page_and_the_beslutsunderlag(web: Web) -> None:
    setup(web)
    anna, rut, sara = web.client(ANNA), web.client(RUT), web.client(SARA)
    post_file(anna, csrf_of(anna, PAGE), "a.pdf", pdf_bytes(), subject="Affärsplan")
    csrf = csrf_of(rut, PAGE)
    marked = rut.post(
        f"{PAGE}/mark",
        data={
            "csrf_token": csrf,
            "seq": "1",
            "action": "secret",
            "osl": "OSL 31:16",
            "reason": "Affärsförhållanden",
        },
    )
    assert marked.status_code == 303, marked.text
    assert "Affärsplan" in anna.get(PAGE).text
    hidden = sara.get(PAGE).text
    assert "Affärsplan" not in hidden and "[sekretess]" in hidden and "OSL 31:16" in hidden
    assert "Affärsförhållanden" not in hidden
    assert sara.get(f"{PAGE}/1/file").status_code == 403
    assert "innehållet visas inte" in sara.get(f"{PAGE}/1").text
    again = rut.post(
        f"{PAGE}/mark",
        data={
            "csrf_token": csrf,
            "seq": "1",
            "action": "secret",
            "osl": "OSL 31:16",
            "reason": "x",
        },
    )
    assert again.status_code == 409 and "redan sekretessmarkerad" in alert_of(again.text)
    lifted = rut.post(
        f"{PAGE}/mark", data={"csrf_token": csrf, "seq": "1", "action": "open", "reason": "Prövad"}
    )
    assert lifted.status_code == 303
    assert "Affärsplan" in sara.get(PAGE).text
    basis = anna.post(
        f"{PAGE}/mark", data={"csrf_token": csrf_of(anna, PAGE), "seq": "1", "action": "basis"}
    )
    assert basis.status_code == 303
    assert f"{DNR}-1" in anna.get(f"/cases/{DNR}").text


@pytest.fixture
def public_web(sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> Web:
    return make_web(sqlite_db, workflows, clock, public_register=True)


def test_the_public_register_without_login_masks_secrets(public_web: Web) -> None:
    web = public_web
    setup(web)
    anna, rut = web.client(ANNA), web.client(RUT)
    post_file(anna, csrf_of(anna, PAGE), "a.pdf", pdf_bytes(), subject="Affärsplan")
    post_file(anna, csrf_of(anna, PAGE), "b.pdf", pdf_bytes("b"), subject="Budget")
    rut.post(
        f"{PAGE}/mark",
        data={
            "csrf_token": csrf_of(rut, PAGE),
            "seq": "1",
            "action": "secret",
            "osl": "OSL 31:16",
            "reason": "x",
        },
    )
    public = web.client()
    page = public.get("/diarium", params={"from": "2025-01-01", "to": "2025-01-31"})
    assert page.status_code == 200
    assert "Budget" in page.text and "Affärsplan" not in page.text and "[sekretess]" in page.text
    csv_file = public.get("/diarium.csv", params={"from": "2025-01-01", "to": "2025-01-31"})
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert "Affärsplan" not in csv_file.text and "Budget" in csv_file.text
    data = public.get("/diarium.json", params={"from": "2025-01-01", "to": "2025-01-31"}).json()
    assert data["public"] and len(data["cases"][0]["documents"]) == 2
    bad = public.get("/diarium", params={"from": "2025-02-01", "to": "2025-01-01"})
    assert bad.status_code == 400 and "före" in alert_of(bad.text)

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    asked = public.post(
        "/diarium/begaran",
        data={"csrf_token": token.group(1), "number": f"{DNR}-1", "contact": "j@x.se"},
    )
    assert asked.status_code == 303 and "mottagen" in asked.headers["location"]
    assert (
        public.post(
            "/diarium/begaran", data={"csrf_token": "fel", "number": f"{DNR}-1"}
        ).status_code
        == 403
    )
    unknown = public.post(
        "/diarium/begaran", data={"csrf_token": token.group(1), "number": f"{DNR}-9"}
    )
    assert unknown.status_code == 404
    history = anna.get(f"/cases/{DNR}").text
    assert "Begäran om utlämnande av handling RUN/479/2024-1 registrerades" in history


def test_the_register_needs_a_login_unless_it_is_public(web: Web) -> None:
    setup(web)
    assert web.client().get("/diarium").status_code == 303
    assert web.client().get("/diarium.csv").status_code == 303
    assert web.client(ANNA).get("/diarium").status_code == 200
    assert date(2025, 1, 6).isoformat() in web.client(ANNA).get("/diarium").text
