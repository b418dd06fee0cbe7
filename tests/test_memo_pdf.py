"""A stored memo render as PDF: the Word render converted by LibreOffice, from the API
(`?format=pdf`), the case page's "PDF" link and `memo render --format pdf`; the same access rules
as the Word download (the secrecy refusal first), 400 for a render that is not Word and 503 in
Swedish without LibreOffice. The conversions are real (skipped without `soffice` unless
CASEFLOW_REQUIRE_LIBREOFFICE=1); SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caseflow.cases.engine import add_person
from caseflow.memo.store import list_renders
from caseflow.store.db import Database
from tests.conftest import cli_runner
from tests.office import soffice
from tests.test_web_memo_files import DNR, URL, _case
from tests.webkit import Web, alert_of, csrf_of

ANNA, SARA, RUT = "anna@example.se", "sara@example.se", "rut@example.se"
API = f"/api/v1/cases/{DNR}"


def pdf_title(data: bytes) -> str:
    """The document title LibreOffice writes into the PDF's information dictionary (the Word
    file's title: the memo kind and the diarienummer), decoded from UTF-16 hex."""
    found = re.search(rb"/Title\s*<([0-9A-Fa-f]+)>", data)
    assert found is not None, data[-2000:]
    return bytes.fromhex(found.group(1).decode()).decode("utf-16")


def is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:] and b"/Type/Page" in data


def _renders(web: Web, *formats: str) -> list[int]:
    """Render the case's memo once per format through the page; the renders' ids."""
    anna = web.client(ANNA)
    token = csrf_of(anna, URL)
    for fmt in formats:
        made = anna.post(f"{URL}/memo", data={"csrf_token": token, "format": fmt,
                                              "memo_date": "2025-02-03"})  # fmt: skip
        assert made.status_code == 200, made.text
    return [r.id for r in list_renders(db=web.db, dnr=DNR) if r.id is not None]


def test_the_api_gives_a_word_render_as_pdf(web_any: Web) -> None:
    soffice()
    _case(web_any)
    word, _ = _renders(web_any, "docx", "md")
    anna = web_any.api(ANNA)
    pdf = anna.get(f"{API}/memos/{word}", params={"format": "pdf"})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert is_pdf(pdf.content)
    assert "RUN/77/2025" in pdf_title(pdf.content)
    assert re.search(r'filename="[a-z_]+-RUN-77-2025\.pdf"', pdf.headers["content-disposition"])
    # Without the format: the Word bytes as they were stored, not the PDF.
    same = anna.get(f"{API}/memos/{word}")
    assert same.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_the_api_refuses_pdf_of_a_render_that_is_not_word(web_any: Web) -> None:
    _case(web_any)
    _, markdown = _renders(web_any, "docx", "md")
    anna = web_any.api(ANNA)
    refused = anna.get(f"{API}/memos/{markdown}", params={"format": "pdf"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        f"memo nr {markdown} skrevs som Markdown; PDF görs av memon skrivna som Word"
    )
    assert anna.get(f"{API}/memos/{markdown}", params={"format": "docx"}).status_code == 422


def test_without_libreoffice_the_pdf_is_503_in_swedish(
    web_any: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("caseflow.memo.pdf.office_program", lambda: None)
    _case(web_any)
    [word] = _renders(web_any, "docx")
    api = web_any.api(ANNA).get(f"{API}/memos/{word}", params={"format": "pdf"})
    assert api.status_code == 503
    assert (
        api.json()["detail"] == "PDF kräver LibreOffice (soffice), som inte finns på den här datorn"
    )
    page = web_any.client(ANNA).get(f"{URL}/memos/{word}?format=pdf")
    assert page.status_code == 503 and "PDF kräver LibreOffice" in alert_of(page.text)


def test_the_secrecy_refusal_comes_before_the_conversion(
    web_any: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    converted: list[bytes] = []
    monkeypatch.setattr("caseflow.memo.pdf.office_program", lambda: converted.append(b"") or None)
    _case(web_any)
    add_person(db=web_any.db, email=RUT, name="Rut", roles=["registrator"], clock=web_any.clock)
    [word] = _renders(web_any, "docx")
    marked = web_any.api(RUT).post(f"{API}/fields/purpose/secret",
                                   json={"osl": "OSL 31:16", "reason": "x"})  # fmt: skip
    assert marked.status_code == 200, marked.text
    refused = web_any.api(SARA).get(f"{API}/memos/{word}", params={"format": "pdf"})
    assert refused.status_code == 403 and "sekretessmarkerade" in refused.json()["detail"]
    page = web_any.client(SARA).get(f"{URL}/memos/{word}?format=pdf")
    assert page.status_code == 403 and "sekretessmarkerade" in page.text
    assert converted == []  # refused before LibreOffice was even looked for
    assert web_any.api(ANNA).get(f"{API}/memos/{word}", params={"format": "pdf"}).status_code == 503
    assert converted == [b""]


def test_the_case_page_links_the_pdf_of_word_renders_only(web_any: Web) -> None:
    soffice()
    _case(web_any)
    word, markdown = _renders(web_any, "docx", "md")
    anna = web_any.client(ANNA)
    page = anna.get(URL).text
    assert f'href="{URL}/memos/{word}?format=pdf" download>PDF</a>' in page
    assert f"{URL}/memos/{markdown}?format=pdf" not in page
    pdf = anna.get(f"{URL}/memos/{word}?format=pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf" and is_pdf(pdf.content)
    assert "attachment;" in pdf.headers["content-disposition"]
    not_word = anna.get(f"{URL}/memos/{markdown}?format=pdf")
    assert not_word.status_code == 400
    assert "PDF görs av memon skrivna som Word" in alert_of(not_word.text)
    unknown = anna.get(f"{URL}/memos/{word}?format=xlsx")
    assert unknown.status_code == 400 and "okänt format 'xlsx'" in alert_of(unknown.text)


def test_memo_render_writes_pdf(
    database: Database,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cli = cli_runner(database.url, capsys)
    from tests.test_cli_errors import EXAMPLE

    assert cli("cases", "import", str(EXAMPLE))[0] == 0
    code, listed, _ = cli("case", "list")
    dnr = listed.split()[0]
    # Without LibreOffice: refused before anything is rendered or stored.
    with monkeypatch.context() as patch:
        patch.setattr("caseflow.memo.pdf.office_program", lambda: None)
        code, _, err = cli("memo", "render", dnr, "-o", str(tmp_path / "memo.pdf"),
                           "--date", "2025-02-03")  # fmt: skip
        assert code == 1 and err.strip() == (
            "fel: PDF kräver LibreOffice (soffice), som inte finns på den här datorn"
        )
    assert list_renders(db=database, dnr=dnr) == [] and not (tmp_path / "memo.pdf").exists()
    code, _, err = cli("memo", "render", dnr, "-o", str(tmp_path / "memo.txt"), "--format", "rtf")
    assert code == 1 and "okänt format 'rtf'; välj ett av docx, pdf, md, html" in err
    soffice()
    code, output, err = cli("memo", "render", dnr, "-o", str(tmp_path / "memo.pdf"),
                            "--date", "2025-02-03")  # fmt: skip
    assert code == 0, err
    data = (tmp_path / "memo.pdf").read_bytes()
    assert is_pdf(data) and dnr in pdf_title(data)
    assert ", pdf, " in output
    [render] = list_renders(db=database, dnr=dnr)
    assert render.format == "docx"  # the stored render is the Word file the PDF was made from
