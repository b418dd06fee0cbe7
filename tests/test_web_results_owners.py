"""The results report's section owners, its PDF and another region's report, through the API and
the pages (TestClient) on every backend; the PDF is LibreOffice's conversion of the Word file
(skipped without `soffice` unless CASEFLOW_REQUIRE_LIBREOFFICE=1)."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from docx import Document
from openpyxl import load_workbook

from caseflow.cases.engine import add_person
from caseflow.results.owners import list_owners
from caseflow.results.service import create_report, get_report
from tests.office import soffice
from tests.webkit import Web, alert_of, csrf_of

ANNA, BO, SARA = "anna@example.se", "bo@example.se", "sara@example.se"
URL = "/api/v1/results/2025"
OTHER = "Region Västernorrland"


def test_owners_through_the_api(web_any: Web) -> None:
    create_report(db=web_any.db, year=2025, actor=ANNA, clock=web_any.clock)
    anna = web_any.api(ANNA)
    assert anna.get(URL + "/owners").json() == []
    added = anna.post(URL + "/owners/2", json={"email": SARA})
    assert added.status_code == 200, added.text
    assert [(o["section"], o["email"], o["assigned_by"]) for o in added.json()] == [(2, SARA, ANNA)]
    anna.post(URL + "/owners/1", json={"email": ANNA})
    assert [o["section"] for o in anna.get(URL + "/owners").json()] == [1, 2]
    sections = anna.get(URL).json()["sections"]
    assert [len(s["owners"]) for s in sections] == [1, 1, 0, 0, 0, 0]
    assert sections[1]["owners"] == [{"email": SARA, "name": "Sara"}]
    bad = anna.post(URL + "/owners/7", json={"email": SARA})
    assert bad.status_code == 400 and "avsnitt 7 finns inte" in bad.json()["detail"]
    unknown = anna.post(URL + "/owners/3", json={"email": "ingen@example.se"})
    assert unknown.status_code == 404 and "okänd person" in unknown.json()["detail"]
    add_person(db=web_any.db, email="reg@example.se", name="Reg", roles=["registrator"],
               clock=web_any.clock)  # fmt: skip
    refused = web_any.api("reg@example.se").post(URL + "/owners/3", json={"email": ANNA})
    assert refused.status_code == 403 and "bara handläggare" in refused.json()["detail"]
    gone = anna.delete(URL + f"/owners/2/{SARA}")
    assert gone.status_code == 200 and [o["section"] for o in gone.json()] == [1]
    assert anna.delete(URL + f"/owners/2/{SARA}").status_code == 404
    assert [o.email for o in list_owners(db=web_any.db, year=2025)] == [ANNA]


def test_another_region_through_the_api(web_any: Web) -> None:
    create_report(db=web_any.db, year=2025, actor=ANNA, clock=web_any.clock, region=OTHER)
    anna = web_any.api(ANNA)
    assert anna.get(URL).status_code == 404  # the default region has none
    other = anna.get(URL, params={"region": OTHER})
    assert other.status_code == 200 and other.json()["region"] == OTHER
    saved = anna.put(URL + "/answers/6.1", params={"region": OTHER},
                     json={"text": "Västernorrlands svar.", "expected_version": 0})  # fmt: skip
    assert saved.status_code == 200 and saved.json()["section_count"] == 21
    assert get_report(db=web_any.db, year=2025, region=OTHER).answers["6.1"].version == 1
    assert anna.get(URL + "/moves", params={"region": OTHER}).json()["status"] == "draft"
    assert anna.post(URL + "/owners/6", params={"region": OTHER},
                     json={"email": ANNA}).status_code == 200  # fmt: skip
    assert list_owners(db=web_any.db, year=2025, region=OTHER)[0].section == 6
    word = anna.get(URL + "/export", params={"region": OTHER})
    texts = [p.text for p in Document(io.BytesIO(word.content)).paragraphs]
    assert "Västernorrlands svar." in texts
    assert anna.get(URL, params={"region": ""}).status_code == 422


def test_the_api_exports_pdf_through_libreoffice(web_any: Web) -> None:
    soffice()
    create_report(db=web_any.db, year=2025, actor=ANNA, clock=web_any.clock)
    anna = web_any.api(ANNA)
    anna.put(URL + "/answers/1.1", json={"text": "Vårt svar på 1.1."})
    pdf = anna.get(URL + "/export", params={"format": "pdf"})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"%%EOF" in pdf.content[-1024:]
    assert "resultatredovisning-2025.pdf" in pdf.headers["content-disposition"]
    assert anna.get(URL + "/export", params={"format": "odt"}).status_code == 422


def test_the_page_sets_owners_and_downloads_the_form(web: Web) -> None:
    create_report(db=web.db, year=2025, actor=ANNA, clock=web.clock)
    anna = web.client(ANNA)
    token = csrf_of(anna, "/results/2025")
    page = anna.get("/results/2025").text
    for fmt in ("docx", "pdf", "xlsx"):
        assert f'href="/results/2025/export?format={fmt}"' in page
    assert "/api/v1/results" not in page  # the browser has a session, not an API token
    added = anna.post("/results/2025/owners/3", data={"csrf_token": token, "email": BO})
    assert added.status_code == 303 and added.headers["location"].endswith("#avsnitt-3")
    page = anna.get("/results/2025").text
    section = re.search(r'id="avsnitt-3">.*?</div>', page, re.S)
    assert section is not None and "Ägare: Bo (bo@example.se)" in section.group(0)
    bad = anna.post("/results/2025/owners/3", data={"csrf_token": token, "email": "x@y.se"})
    assert bad.status_code == 404 and "okänd person" in alert_of(bad.text)
    removed = anna.post("/results/2025/owners/3",
                        data={"csrf_token": token, "email": BO, "remove": "1"})  # fmt: skip
    assert removed.status_code == 303 and list_owners(db=web.db, year=2025) == []
    word = anna.get("/results/2025/export?format=docx")
    assert word.status_code == 200
    assert "resultatredovisning-2025.docx" in word.headers["content-disposition"]
    Document(io.BytesIO(word.content))
    book = load_workbook(io.BytesIO(anna.get("/results/2025/export?format=xlsx").content))
    assert "Avsnitt" in book.sheetnames
    odd = anna.get("/results/2025/export?format=odt")
    assert odd.status_code == 400 and "okänt format" in alert_of(odd.text)
    assert web.client().get("/results/2025/export").status_code in (302, 303, 401)


def test_the_page_downloads_pdf(web: Web) -> None:
    soffice()
    create_report(db=web.db, year=2025, actor=ANNA, clock=web.clock)
    pdf = web.client(ANNA).get("/results/2025/export?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_the_page_shows_another_region(web: Web) -> None:
    create_report(db=web.db, year=2025, actor=ANNA, clock=web.clock, region=OTHER)
    anna = web.client(ANNA)
    listing = anna.get("/results").text
    assert f'href="/results/2025?region={quote(OTHER)}"' in listing
    page = anna.get("/results/2025", params={"region": OTHER})
    assert page.status_code == 200 and f"Resultatredovisning 2025 – {OTHER}" in page.text
    query = f"?region={quote(OTHER)}"
    assert f'action="/results/2025/answers/6.1{query}"' in page.text
    token = csrf_of(anna, f"/results/2025{query}")
    form = {"csrf_token": token, "version": "0", "text": "Annan region."}
    saved = anna.post(f"/results/2025/answers/6.1{query}", data=form)
    assert saved.status_code == 303 and saved.headers["location"].startswith(
        f"/results/2025{query}&done=")  # fmt: skip
    assert get_report(db=web.db, year=2025, region=OTHER).answers["6.1"].text == "Annan region."
    assert anna.get("/results/2025").status_code == 404


def test_a_region_with_control_characters_is_refused(web_any: Web) -> None:
    anna = web_any.api(ANNA)
    assert anna.get(URL, params={"region": "Region\x00X"}).status_code == 422
    page = web_any.client(ANNA).get("/results/2025", params={"region": "Region\x00X"})
    assert page.status_code == 400 and "ogiltig region" in page.text


def test_the_page_creates_another_regions_report(web_any: Web) -> None:
    from caseflow.results.service import list_reports

    anna = web_any.client(ANNA)
    listing = anna.get("/results").text
    assert (
        'name="region" list="regions" maxlength="200" required value="Region Jämtland ' in listing
    )
    assert f'<option value="{OTHER}">' in listing and listing.count("<option ") == 21
    token = csrf_of(anna, "/results")
    created = anna.post("/results", data={"csrf_token": token, "year": "2025",
                                          "region": f"  {OTHER} "})  # fmt: skip
    assert created.status_code == 303
    query = f"?region={quote(OTHER)}"
    assert created.headers["location"].startswith(f"/results/2025{query}&done=")
    assert [(r.year, r.region) for r in list_reports(db=web_any.db)] == [(2025, OTHER)]
    page = anna.get(created.headers["location"])
    assert page.status_code == 200 and f"Redovisningen för {OTHER} är skapad." in page.text
    assert f"Resultatredovisning 2025 – {OTHER}" in page.text
    # The same year and region again: refused, the typed region kept in the form.
    again = anna.post("/results", data={"csrf_token": token, "year": "2025", "region": OTHER})
    assert again.status_code == 409
    assert alert_of(again.text) == f"Fel: det finns redan en resultatredovisning för 2025 ({OTHER})"
    assert f'required value="{OTHER}">' in again.text
    for bad in ("   ", "Region\x01X", "R" * 201):
        refused = anna.post("/results", data={"csrf_token": token, "year": "2025", "region": bad})
        assert refused.status_code == 400 and "ogiltig region: skriv regionens namn" in alert_of(
            refused.text
        )
    # A form without the field (an older page) makes the default region's report.
    default = anna.post("/results", data={"csrf_token": token, "year": "2025"})
    assert default.status_code == 303 and default.headers["location"].startswith(
        "/results/2025?done="
    )
    assert sorted(r.region for r in list_reports(db=web_any.db)) == [
        "Region Jämtland Härjedalen",
        OTHER,
    ]
