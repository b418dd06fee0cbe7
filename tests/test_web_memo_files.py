"""Stored memo renders: downloaded again, from the case page and the API, as the very bytes that
were produced (SHA-256 = the render's content hash); renders from before the bytes were kept say
so in Swedish."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date

import docx

from caseflow.cases.engine import add_person, create_case
from caseflow.domain.casedoc import CaseDoc
from caseflow.meetings.changes import cancel_meeting
from caseflow.meetings.service import add_meetings, schedule_case
from caseflow.memo.store import list_renders, record_render
from tests.webkit import Web, alert_of, csrf_of

DNR = "RUN/77/2025"
URL = f"/cases/{DNR}"
# A project owned by a municipality, with one application rejected: not one of the seeds.
CASE = {
    "diarienummer": DNR, "title": "Unga i Krokom", "owner": "Krokoms kommun",
    "owner_is_region": False, "start_date": "2025-03-01", "end_date": "2026-12-31",
    "handlaggare": "anna@example.se", "stage": "bp_planering",
    "decision_basis": ["Ansökan från Krokoms kommun"],
    "funders": [
        {"code": "allmanna_arvsfonden", "amount_sek": 900000, "status": "rejected"},
        {"code": "statens_kulturrad", "amount_sek": 300000, "status": "granted"},
    ],
}  # fmt: skip


def _case(web: Web, **more: object) -> None:
    create_case(db=web.db, workflows=web.workflows, doc=CaseDoc.model_validate({**CASE, **more}),
                actor="test", clock=web.clock)  # fmt: skip


def test_a_render_downloads_again_as_the_same_bytes(web_any: Web) -> None:
    _case(web_any)
    anna = web_any.client("anna@example.se")
    token = csrf_of(anna, URL)
    made = {}
    for fmt in ("docx", "md"):
        response = anna.post(f"{URL}/memo", data={"csrf_token": token, "format": fmt,
                                                  "memo_date": "2025-02-03"})  # fmt: skip
        assert response.status_code == 200, response.text
        made[fmt] = response.content
    renders = list_renders(db=web_any.db, dnr=DNR)
    assert [r.format for r in renders] == ["docx", "md"]
    page = anna.get(URL).text
    for row in renders:
        link = f'href="{URL}/memos/{row.id}"'
        assert link in page
        got = anna.get(f"{URL}/memos/{row.id}")
        assert got.status_code == 200
        assert got.content == made[row.format]
        assert hashlib.sha256(got.content).hexdigest() == row.content_hash
        assert f"{row.kind}-RUN-77-2025.{row.format}" in got.headers["content-disposition"]
    docx_row = renders[0]
    got = anna.get(f"{URL}/memos/{docx_row.id}")
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(got.content)).paragraphs)
    assert "Krokoms kommun" in text
    api = web_any.api("anna@example.se").get(f"/api/v1/cases/{DNR}/memos/{renders[1].id}")
    assert api.status_code == 200 and api.content == made["md"]
    assert api.headers["content-type"].startswith("text/markdown")


def test_a_render_from_before_the_bytes_were_kept_says_so(web_any: Web) -> None:
    _case(web_any)
    old = record_render(db=web_any.db, dnr=DNR, kind="beslut", fmt="docx",
                        template_version="gammal", content_hash="0" * 64,
                        memo_date=date(2024, 5, 2), warnings=[], actor="anna@example.se",
                        clock=web_any.clock)  # fmt: skip
    anna = web_any.client("anna@example.se")
    page = anna.get(URL).text
    assert "Filen sparades inte" in page and f"{URL}/memos/{old.id}" not in page
    got = anna.get(f"{URL}/memos/{old.id}")
    assert got.status_code == 404
    assert "skrevs innan memon sparades" in alert_of(got.text)
    missing = anna.get(f"{URL}/memos/{(old.id or 0) + 99}")
    assert missing.status_code == 404 and "inget memo nr" in alert_of(missing.text)
    api = web_any.api("anna@example.se").get(f"/api/v1/cases/{DNR}/memos/{old.id}")
    assert api.status_code == 404 and "skrevs innan memon sparades" in api.json()["detail"]


def test_the_memo_form_offers_the_kinds_with_the_chosen_one_first(web: Web) -> None:
    add_person(db=web.db, email="per.lind@example.se", name="Per Lind", roles=["handlaggare"],
               clock=web.clock, phone="063-14 70 00")  # fmt: skip
    # Owned by a municipality: the rules pick the partner decision.
    _case(web, handlaggare="per.lind@example.se", total_budget_sek=1_200_000,
          purpose="Mötesplatser för unga i Krokoms kommun")  # fmt: skip
    anna = web.client("anna@example.se")
    page = anna.get(URL).text
    form = page[
        page.index('id="memo-kind"') : page.index("</select>", page.index('id="memo-kind"'))
    ]
    assert 'value="delegationsbeslut_samverkanspart" selected>' in form
    assert "Delegationsbeslut – samverkanspart (föreslås för ärendet)" in form
    assert '<option value="tjansteskrivelse">' in form and form.count("<option") >= 3
    token = csrf_of(anna, URL)
    picked = anna.post(
        f"{URL}/memo",
        data={
            "csrf_token": token,
            "format": "md",
            "memo_date": "2025-02-03",
            "kind": "delegationsbeslut",
        },
    )
    assert picked.status_code == 200, picked.text
    assert [r.kind for r in list_renders(db=web.db, dnr=DNR)] == ["delegationsbeslut"]
    assert "delegationsbeslut-RUN-77-2025.md" in picked.headers["content-disposition"]
    bad = anna.post(f"{URL}/memo", data={"csrf_token": token, "format": "md", "kind": "annat"})
    assert bad.status_code == 400 and list_renders(db=web.db, dnr=DNR)[-1].kind != "annat"
    shown = anna.get(URL).text
    table = shown[shown.index('id="memo-tabell"') :]
    assert "<td>Delegationsbeslut</td>" in table and "<td>delegationsbeslut</td>" not in table


def test_the_case_page_lists_the_agendas_the_case_is_on(web_any: Web) -> None:
    _case(web_any)
    other = {**CASE, "diarienummer": "RUN/78/2025", "title": "Annat projekt"}
    create_case(db=web_any.db, workflows=web_any.workflows, doc=CaseDoc.model_validate(other),
                actor="test", clock=web_any.clock)  # fmt: skip
    add_meetings(db=web_any.db, clock=web_any.clock, meetings=[
        ("RUN", date(2025, 4, 9), "09:00"), ("RUN", date(2025, 6, 11), None),
        ("RUN", date(2025, 9, 17), "13:00")])  # fmt: skip
    anna = web_any.client("anna@example.se")
    assert "Ärendet står inte på någon dagordning." in anna.get(URL).text
    for day in (date(2025, 6, 11), date(2025, 4, 9)):
        schedule_case(db=web_any.db, dnr=DNR, body="RUN", day=day, actor="t",
                      clock=web_any.clock)  # fmt: skip
    schedule_case(db=web_any.db, dnr="RUN/78/2025", body="RUN", day=date(2025, 9, 17),
                  actor="t", clock=web_any.clock)  # fmt: skip
    cancel_meeting(db=web_any.db, body="RUN", day=date(2025, 6, 11), actor="t",
                   clock=web_any.clock, reason="För få ärenden")  # fmt: skip
    page = anna.get(URL).text
    section = page[
        page.index('id="dagordningar"') : page.index("</ul>", page.index('id="dagordningar"'))
    ]
    items = re.findall(r"<li>(.*?)</li>", section)
    assert len(items) == 2
    assert items[0].startswith('<a href="/meetings/RUN/2025-04-09">RUN 2025-04-09 kl. 09:00</a>')
    assert "inställt" not in items[0]
    assert '<a href="/meetings/RUN/2025-06-11">RUN 2025-06-11</a>' in items[1]
    assert "<strong>inställt</strong>: För få ärenden" in items[1]
    assert "2025-09-17" not in section
    assert anna.get("/meetings/RUN/2025-04-09").status_code == 200
