"""Meetings, my deadlines, the outbox, the portfolio report, the account page and the calendar
feed, through FastAPI's TestClient."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from caseflow.cases.engine import create_case, edit_case
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.workdays import local_date
from caseflow.mail.outbox import enqueue
from caseflow.meetings.service import add_meetings, list_meetings, schedule_case, unschedule_case
from tests.webkit import Web, alert_of, csrf_of

ANNA = "anna@example.se"
SARA = "sara@example.se"
ADMIN = "admin@example.se"
AREA = "Hållbar tillväxt"
FEED = re.compile(r'value="http://127\.0\.0\.1:8000(/calendar/[^"]+\.ics)"')


def add_case(web: Web, dnr: str, title: str, **fields: Any) -> None:
    doc = CaseDoc.model_validate({"diarienummer": dnr, "title": title, **fields})
    create_case(db=web.db, workflows=web.workflows, doc=doc, actor=ANNA, clock=web.clock)


def add_meeting(web: Web, day: str, time: str | None = "09:00") -> None:
    add_meetings(db=web.db, meetings=[("RUN", date.fromisoformat(day), time)], clock=web.clock)


def schedule(web: Web, dnr: str, day: str) -> None:
    schedule_case(db=web.db, dnr=dnr, body="RUN", day=date.fromisoformat(day), actor=SARA,
                  clock=web.clock, rules_for=web.workflows.deadline_rules())  # fmt: skip


@pytest.fixture
def filled(web: Web) -> Web:
    """Two meetings, anna's case on the first agenda (with its deadlines), bo's case in an area."""
    add_meeting(web, "2025-04-10")
    add_meeting(web, "2025-06-12", None)
    add_case(web, "RUN/1/2025", "Annas projekt", handlaggare=ANNA, area=AREA,
             end_date="2026-12-31", total_budget_sek=600000)  # fmt: skip
    add_case(web, "RUN/2/2025", "Bos projekt", handlaggare="bo@example.se", area="Kultur")
    schedule(web, "RUN/1/2025", "2025-04-10")
    return web


ROUTES = [
    "/meetings", "/meetings/RUN/2025-04-10", "/deadlines", "/deadlines?all=1", "/outbox",
    "/portfolio", "/portfolio/report.docx", "/account",
]  # fmt: skip


@pytest.mark.parametrize("path", ROUTES)
def test_pages_need_a_session(web: Web, path: str) -> None:
    response = web.client().get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/")


@pytest.mark.parametrize("path", ["/meetings", "/account/calendar", "/account/calendar/revoke"])
def test_posts_need_a_session(web: Web, path: str) -> None:
    response = web.client().post(path, data={"csrf_token": "x"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


# --- meetings ---------------------------------------------------------------------------------


def test_meetings_list_links_to_each_agenda(filled: Web) -> None:
    page = filled.client("bo@example.se").get("/meetings")
    assert page.status_code == 200
    assert "<h1>Sammanträden</h1>" in page.text
    assert 'href="/meetings/RUN/2025-04-10"' in page.text
    assert 'href="/meetings/RUN/2025-06-12"' in page.text
    assert "Inga delegationsbeslut väntar på anmälan." in page.text
    assert 'action="/meetings"' not in page.text  # bo may not add meetings
    agenda = filled.client("bo@example.se").get("/meetings/RUN/2025-04-10")
    assert agenda.status_code == 200
    assert '<a href="/cases/RUN/1/2025">' in agenda.text and "Annas projekt" in agenda.text
    assert "Bos projekt" not in agenda.text
    assert "Klockan 09:00" in agenda.text
    empty = filled.client("bo@example.se").get("/meetings/RUN/2025-06-12")
    assert "Inga ärenden på dagordningen." in empty.text


def test_meeting_page_errors(filled: Web) -> None:
    client = filled.client(ANNA)
    missing = client.get("/meetings/RUN/2025-04-11")
    assert missing.status_code == 404
    assert "har inget sammanträde 2025-04-11" in alert_of(missing.text)
    bad = client.get("/meetings/RUN/2025-13-01")
    assert bad.status_code == 400
    assert "ogiltigt datum" in alert_of(bad.text)


def test_meetings_list_unreported_delegation_decisions(web: Web) -> None:
    from caseflow.memo.store import finalize, record_render

    add_case(web, "RUN/479/2024", "Strategisk planering", handlaggare=ANNA)
    record_render(db=web.db, dnr="RUN/479/2024", kind="delegation", fmt="docx",
                  template_version="1", content_hash="x", memo_date=date(2025, 1, 6),
                  warnings=[], actor=ANNA, clock=web.clock)  # fmt: skip
    finalize(db=web.db, dnr="RUN/479/2024", signed_by="bo@example.se",
             decided_on=date(2025, 1, 6), delegation_points={"delegation": "4.2"},
             clock=web.clock)  # fmt: skip
    page = web.client(ANNA).get("/meetings")
    assert '<a href="/cases/RUN/479/2024">' in page.text
    # the signer by name (a registered person), not by e-mail address
    assert "<td>4.2</td>" in page.text and "<td>Bo</td>" in page.text


@pytest.mark.parametrize("who", [SARA, ADMIN])
def test_clerk_and_admin_add_a_meeting(web: Web, who: str) -> None:
    client = web.client(who)
    token = csrf_of(client, "/meetings")
    response = client.post("/meetings", data={"csrf_token": token, "body": "run",
                                              "day": "2025-03-13", "time": "13:30"})  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/meetings?added=RUN+2025-03-13#sammantraden"
    page = client.get(response.headers["location"])
    assert "Sammanträdet RUN 2025-03-13 är inlagt." in page.text
    [meeting] = list_meetings(db=web.db)
    assert (meeting.body, meeting.day, meeting.time) == ("RUN", date(2025, 3, 13), "13:30")


def test_a_handlaggare_may_not_add_a_meeting(web: Web) -> None:
    client = web.client(ANNA)
    page = client.get("/meetings")
    assert "Bara nämndsekreterare och administratörer" in page.text
    token = csrf_of(client, "/board")
    response = client.post("/meetings", data={"csrf_token": token, "body": "RUN",
                                              "day": "2025-03-13"})  # fmt: skip
    assert response.status_code == 403
    assert "får inte lägga in sammanträden" in alert_of(response.text)
    assert list_meetings(db=web.db) == []


def test_adding_a_meeting_needs_the_csrf_token(web: Web) -> None:
    client = web.client(SARA)
    for data in ({"body": "RUN", "day": "2025-03-13"},
                 {"csrf_token": "fel", "body": "RUN", "day": "2025-03-13"}):  # fmt: skip
        response = client.post("/meetings", data=data)
        assert response.status_code == 403
        assert "säkerhetstoken" in alert_of(response.text)
    assert list_meetings(db=web.db) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "RUN", "day": "2025-02-30"}, "ogiltigt datum '2025-02-30', skriv ÅÅÅÅ-MM-DD"),
        ({"body": "RUN", "day": ""}, "ogiltigt datum"),
        ({"body": "R U N", "day": "2025-03-13"}, "ogiltig nämnd"),
        ({"body": "RUN", "day": "2025-03-13", "time": "25:00"}, "ogiltig tid"),
    ],
)
def test_bad_meeting_input_is_shown_and_nothing_saved(
    web: Web, data: dict[str, str], message: str
) -> None:
    client = web.client(SARA)
    token = csrf_of(client, "/meetings")
    response = client.post("/meetings", data={"csrf_token": token, **data})
    assert response.status_code == 400
    assert message in alert_of(response.text)
    assert f'value="{data["day"]}"' in response.text  # what was typed is kept
    assert list_meetings(db=web.db) == []


def test_a_meeting_already_planned_is_a_conflict(web: Web) -> None:
    add_meeting(web, "2025-03-13")
    client = web.client(SARA)
    token = csrf_of(client, "/meetings")
    response = client.post("/meetings", data={"csrf_token": token, "body": "RUN",
                                              "day": "2025-03-13"})  # fmt: skip
    assert response.status_code == 409
    assert "har redan ett sammanträde 2025-03-13" in alert_of(response.text)
    assert len(list_meetings(db=web.db)) == 1


# --- my deadlines -----------------------------------------------------------------------------


def test_my_deadlines_and_meetings(filled: Web) -> None:
    page = filled.client(ANNA).get("/deadlines")
    assert page.status_code == 200
    assert "<h1>Mina frister</h1>" in page.text
    assert "Tjänsteskrivelsen ska vara klar" in page.text
    assert "Presidiets genomgång" in page.text
    assert "2025-03-27" in page.text  # presidium review: two weeks before 2025-04-10
    assert '<a href="/cases/RUN/1/2025">' in page.text
    assert 'href="/meetings/RUN/2025-04-10"' in page.text
    assert "RUN/2/2025" not in page.text  # bo's case
    other = filled.client("bo@example.se").get("/deadlines")
    assert "Inga frister." in other.text
    assert "Inga av dina ärenden står på en dagordning." in other.text


def test_done_deadlines_only_with_all(filled: Web) -> None:
    client = filled.client(ANNA)
    marked = client.post("/cases/RUN/1/2025/deadlines/done", data={
        "csrf_token": csrf_of(client, "/deadlines"), "rule": "presidium_review",
        "occurrence": "2025-04-10", "back": "deadlines"})  # fmt: skip
    assert marked.status_code == 303 and marked.headers["location"] == "/deadlines?marked=done"
    assert "Presidiets genomgång" not in client.get("/deadlines").text
    everything = client.get("/deadlines?all=1")
    assert "Presidiets genomgång" in everything.text and ">klar<" in everything.text
    # Taken off the agenda, the meeting's deadlines no longer apply at all.
    unschedule_case(db=filled.db, dnr="RUN/1/2025", body="RUN", day=date(2025, 4, 10),
                    clock=filled.clock, rules_for=filled.workflows.deadline_rules())  # fmt: skip
    assert "Presidiets genomgång" not in client.get("/deadlines?all=1").text


def test_an_end_date_deadline_follows_an_edit(web: Web) -> None:
    add_case(web, "RUN/3/2025", "Pågående projekt", handlaggare=ANNA, stage="bp_genomforande",
             end_date="2025-12-31")  # fmt: skip
    client = web.client(ANNA)
    assert "Projektet slutar snart" in client.get("/deadlines").text
    assert "2025-12-01" in client.get("/deadlines").text
    edit_case(db=web.db, dnr="RUN/3/2025", changes={"end_date": "2025-10-31"}, actor=ANNA,
              clock=web.clock, workflows=web.workflows)  # fmt: skip
    page = client.get("/deadlines").text
    assert "2025-10-01" in page and "2025-12-01" not in page  # end date − 30 days


# --- outbox -----------------------------------------------------------------------------------


def add_mail(web: Web, n: int, subject: str) -> None:
    with web.db.write() as session:
        enqueue(session=session, recipient=ANNA, subject=subject, body_text="Hej",
                key=f"test-{n}", now=web.clock.now() + timedelta(minutes=n),
                domain="example.se")  # fmt: skip


def test_outbox_for_clerks_newest_first(web: Web) -> None:
    from caseflow.mail.outbox import list_messages, mark_failed

    add_mail(web, 1, "Första påminnelsen")
    add_mail(web, 2, "Andra påminnelsen")
    first = list_messages(db=web.db)[0]
    mark_failed(db=web.db, message_id=first.message_id, error="550 ingen sådan brevlåda")
    page = web.client(SARA).get("/outbox")
    assert page.status_code == 200
    assert page.text.index("Andra påminnelsen") < page.text.index("Första påminnelsen")
    assert "550 ingen sådan brevlåda" in page.text
    assert "väntar 1, skickat 0, misslyckat 1" in page.text
    failed = web.client(ADMIN).get("/outbox?status=failed")
    assert "Första påminnelsen" in failed.text and "Andra påminnelsen" not in failed.text
    bad = web.client(ADMIN).get("/outbox?status=nope")
    assert bad.status_code == 400
    assert "okänd status 'nope'" in alert_of(bad.text)


@pytest.mark.parametrize("who", [ANNA, "bo@example.se"])
def test_outbox_is_closed_to_others(web: Web, who: str) -> None:
    add_mail(web, 1, "Hemligt ämne")
    response = web.client(who).get("/outbox")
    assert response.status_code == 403
    assert "får inte se utkorgen" in alert_of(response.text)
    assert "Hemligt ämne" not in response.text


# --- portfolio --------------------------------------------------------------------------------


def test_portfolio_page(filled: Web) -> None:
    client = filled.client(ANNA)
    page = client.get("/portfolio?as_of=2025-02-12")
    assert page.status_code == 200
    assert "Projekt med extern finansiering" in page.text
    assert "Rapporten per 2025-02-12" in page.text
    assert "Annas projekt<br><br>RUN/1/2025" in page.text and "Bos projekt" in page.text
    assert '<th scope="col">Projektets syfte</th>' in page.text
    assert 'href="/portfolio/report.docx?as_of=2025-02-12"' in page.text
    one = client.get("/portfolio", params={"area": AREA})
    assert one.status_code == 200
    assert "Annas projekt" in one.text and "Bos projekt" not in one.text
    today = local_date(filled.clock.now()).isoformat()
    assert f"Rapporten per {today}" in one.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_of": "12/2/2025"}, "ogiltigt datum '12/2/2025', skriv ÅÅÅÅ-MM-DD"),
        ({"area": "Ingenstans"}, "inget projekt i området 'Ingenstans'"),
    ],
)
def test_portfolio_bad_parameters(filled: Web, query: dict[str, str], message: str) -> None:
    response = filled.client(ANNA).get("/portfolio", params=query)
    assert response.status_code == 400
    assert message in alert_of(response.text)
    download = filled.client(ANNA).get("/portfolio/report.xlsx", params=query)
    assert download.status_code == 400
    assert message in alert_of(download.text)


def test_portfolio_downloads(filled: Web) -> None:
    import docx
    import openpyxl

    client = filled.client("bo@example.se")
    media = {
        "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }  # fmt: skip
    files = {}
    for fmt, kind in media.items():
        response = client.get(f"/portfolio/report.{fmt}", params={"as_of": "2025-02-12"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == kind
        assert response.headers["content-disposition"] == (
            f'attachment; filename="portfoljrapport-2025-02-12.{fmt}"'
        )
        files[fmt] = response.content
    assert "Annas projekt" in files["html"].decode() and "Annas projekt" in files["md"].decode()
    document = docx.Document(io.BytesIO(files["docx"]))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any("Annas projekt" in t for t in texts)
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    values = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert any("Annas projekt" in v for v in values)
    assert client.get("/portfolio/report.pdf").status_code == 404


# --- account and calendar feed ----------------------------------------------------------------


def new_feed(client: TestClient) -> str:
    token = csrf_of(client, "/account")
    page = client.post("/account/calendar", data={"csrf_token": token})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    found = FEED.search(page.text)
    assert found is not None
    return found.group(1)


def test_account_page(web: Web) -> None:
    page = web.client("bo@example.se").get("/account")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "<dd>Bo</dd>" in page.text and "<dd>bo@example.se</dd>" in page.text
    assert "<dd>Beslutsfattare</dd>" in page.text
    assert "Du har ingen kalenderadress." in page.text
    assert 'action="/account/calendar/revoke"' not in page.text


def test_calendar_feed_lifecycle(filled: Web) -> None:
    from icalendar import Calendar

    client = filled.client(ANNA)
    path = new_feed(client)
    account = client.get("/account")
    assert "Du har en kalenderadress, skapad" in account.text
    assert path not in account.text  # shown once only

    feed = filled.client().get(path)  # no session
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(feed.content)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert "Sammanträde RUN" in summaries
    assert "Presidiets genomgång – RUN/1/2025" in summaries

    replacement = new_feed(client)
    assert replacement != path
    assert filled.client().get(path).status_code == 404
    assert filled.client().get(replacement).status_code == 200

    token = csrf_of(client, "/account")
    revoked = client.post("/account/calendar/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303
    assert "Kalenderadressen är avstängd" in client.get(revoked.headers["location"]).text
    assert filled.client().get(replacement).status_code == 404
    assert "Du har ingen kalenderadress." in client.get("/account").text


def test_unknown_feed_is_404(web: Web) -> None:
    assert web.client().get("/calendar/nosuchtoken.ics").status_code == 404
    assert web.client().get("/calendar/" + "x" * 300 + ".ics").status_code == 404


def test_session_token_is_not_a_calendar_token(web: Web) -> None:
    client = web.client(ANNA)
    session = client.cookies.get("caseflow_session")
    assert session is not None
    assert web.client().get(f"/calendar/{session}.ics").status_code == 404


@pytest.mark.parametrize("path", ["/account/calendar", "/account/calendar/revoke"])
def test_calendar_forms_need_the_csrf_token(web: Web, path: str) -> None:
    from caseflow.cases.accounts import issue_token

    raw = issue_token(db=web.db, email=ANNA, kind="calendar", clock=web.clock)
    client = web.client(ANNA)
    for data in ({}, {"csrf_token": "fel"}):
        response = client.post(path, data=data)
        assert response.status_code == 403
        assert "säkerhetstoken" in alert_of(response.text)
    assert web.client().get(f"/calendar/{raw}.ics").status_code == 200  # not revoked
    assert "Du har en kalenderadress" in client.get("/account").text  # no new one either
