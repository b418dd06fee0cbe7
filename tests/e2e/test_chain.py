"""The decision chain and the worklists in headless Chromium, each role logged in through the
login form: the handläggare drafts the Ärendebeskrivning, writes the memo for a beslutsfattare
and puts the case on a meeting's agenda; the beslutsfattare finds the memo on her start page
and registers the decision; the nämndsekreterare finds it on his start page as a delegation
decision to report, marks it reported at the meeting, and downloads the protokollsutdrag, which
python-docx opens. Then each role's start page (Att göra) on cases built for it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from caseflow.cases.accounts import add_user
from caseflow.cases.engine import create_case, fire
from caseflow.clock import SystemClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.workdays import local_date
from caseflow.meetings.service import add_meetings, schedule_case
from caseflow.memo.service import render_memo
from caseflow.reminders.mail import queue_due
from caseflow.settings import PROJECT_ROOT, Settings
from caseflow.store.repo import get_person
from caseflow.workflow.registry import load_registry

from .conftest import HANDLAGGARE, MEETING_BODY, PASSWORD, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

DECIDER, DECIDER_NAME = "bodil@example.se", "Bodil Beslutsfattare"
CLERK, CLERK_NAME = "sune@example.se", "Sune Sekreterare"
CHAIN = "RUN/501/2025"  # the chain's case: a partner decision (point 8.1)
CHAIN_TITLE = "Hållbar besöksnäring i Bräcke"
LATE = "RUN/502/2025"  # the officer's case whose deadlines for the next meeting have passed
WAITING = "RUN/503/2025"  # a memo naming the beslutsfattare, no decision yet
BARE = "RUN/504/2025"  # on the agenda without a memo


def stockholm_today() -> date:
    """Today where the board sits (the app's dates are Europe/Stockholm, the machine's UTC)."""
    return local_date(SystemClock().now())


@pytest.fixture(scope="module")
def people(live_server: LiveServer) -> Iterator[LiveServer]:
    """A beslutsfattare and a nämndsekreterare with logins; a meeting held today (where the
    chain's decision is reported) and one in ten days (whose deadlines are already late)."""
    db, clock = live_server.db, SystemClock()
    with db.read() as session:
        known = get_person(session=session, email=DECIDER) is not None
    if not known:
        add_user(db=db, email=DECIDER, password=PASSWORD, roles=["beslutsfattare"], clock=clock,
                 name=DECIDER_NAME)  # fmt: skip
        with db.write() as session:
            person = get_person(session=session, email=DECIDER)
            assert person is not None
            person.title = "Områdeschef Hållbar tillväxt"
            session.add(person)
        add_user(db=db, email=CLERK, password=PASSWORD, roles=["namndsekreterare"], clock=clock,
                 name=CLERK_NAME)  # fmt: skip
        today = stockholm_today()
        add_meetings(db=db, meetings=[(MEETING_BODY, today, "13:00"),
                                      (MEETING_BODY, today + timedelta(days=10), "09:00")],
                     clock=clock)  # fmt: skip
    yield live_server


def _case(server: LiveServer, dnr: str, title: str, **fields: object) -> None:
    workflows = load_registry(PROJECT_ROOT / "workflows")
    doc = CaseDoc.model_validate({
        "diarienummer": dnr, "title": title, "handlaggare": HANDLAGGARE,
        "owner": "Bräcke kommun", "owner_is_region": False,
        "purpose": "att besökare ska stanna längre i kommunen", "start_date": "2025-09-01",
        "end_date": "2027-08-31", "decision_basis": ["Förfrågan från Bräcke kommun"],
        "copies": ["Bräcke kommun", "Tillväxtverket"],
        "funders": [{"code": "tillvaxtverket_nationella", "amount_sek": 400000,
                     "status": "applied"}],
        **fields,
    })  # fmt: skip
    create_case(db=server.db, workflows=workflows, doc=doc, actor=HANDLAGGARE,
                clock=SystemClock())  # fmt: skip
    fire(db=server.db, workflows=workflows, dnr=dnr, trigger="start_planning",
         actor=HANDLAGGARE, clock=SystemClock())  # fmt: skip


def test_memo_decision_agenda_anmalan_protokollsutdrag(
    people: LiveServer, browser: object, tmp_path: Path
) -> None:
    from docx import Document
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    server = people
    _case(server, CHAIN, CHAIN_TITLE)
    today = stockholm_today().isoformat()
    contexts = []

    def as_user(email: str) -> Page:
        ctx = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)  # fmt: skip
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        page = ctx.new_page()
        server.log_in(page, email, next_path="/")
        return page

    try:
        # 1. The handläggare drafts the Ärendebeskrivning, writes the memo, schedules the case.
        officer = as_user(HANDLAGGARE)
        officer.goto(f"{server.url}/cases/{CHAIN}")
        draft = officer.get_by_role("group", name="Utkast till ärendebeskrivning")
        draft.get_by_label("Utkastet").select_option("save")
        draft.get_by_role("button", name="Skriv utkast till ärendebeskrivning").click()
        expect(officer.get_by_role("status")).to_contain_text("Utkastet till ärendebeskrivning")
        background = officer.get_by_label("Ärendebeskrivning", exact=True)
        expect(background).to_contain_text("ägs av Bräcke kommun")
        server.shot(officer, "chain-01-draft")

        memo = officer.get_by_role("group", name="Skriv memo")
        memo.get_by_label("Undertecknare").select_option(DECIDER)
        with officer.expect_download() as info:
            memo.get_by_role("button", name="Skriv och ladda ner memo").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        memo_text = "\n".join(p.text for p in Document(str(saved)).paragraphs)
        assert "punkt 8.1" in memo_text and DECIDER_NAME in memo_text

        officer.goto(f"{server.url}/cases/{CHAIN}")
        agenda = officer.get_by_role("group", name="Dagordning")
        agenda.get_by_label("Sammanträde").select_option(f"{MEETING_BODY} {today}")
        agenda.get_by_role("button", name="Sätt på dagordningen").click()
        expect(officer.get_by_role("status")).to_contain_text("Satt på dagordningen")

        # 2. The beslutsfattare finds the memo on her start page and registers the decision.
        decider = as_user(DECIDER)
        waiting = decider.get_by_role("region", name="Memon som väntar på beslut", exact=True)
        row = waiting.get_by_role("row").filter(has_text=CHAIN)
        expect(row).to_contain_text("Du")
        server.shot(decider, "chain-02-decider-worklist")
        row.get_by_role("link").click()
        decider.get_by_role("button", name=f"Registrera beslutet som {DECIDER_NAME}").click()
        expect(decider.get_by_role("status")).to_contain_text(
            "Anmäls vid nämndens nästa sammanträde"
        )
        decider.goto(server.url + "/")
        expect(
            decider.get_by_role("region", name="Memon som väntar på beslut", exact=True)
        ).not_to_contain_text(CHAIN)

        # 3. The nämndsekreterare sees it to report, on his start page and the meeting's agenda.
        clerk = as_user(CLERK)
        to_report = clerk.get_by_role("region", name="Delegationsbeslut att anmäla", exact=True)
        expect(to_report.get_by_role("row").filter(has_text=CHAIN)).to_contain_text("8.1")
        server.shot(clerk, "chain-03-clerk-worklist")
        to_report.get_by_role("link", name=f"vid sammanträdet {MEETING_BODY} {today}").click()
        anmalan = clerk.get_by_role("region", name="Anmälan av delegationsbeslut", exact=True)
        expect(anmalan.get_by_role("row").filter(has_text=CHAIN)).to_contain_text("8.1")
        expect(clerk.get_by_role("region", name="Dagordning", exact=True)).to_contain_text(
            CHAIN_TITLE
        )
        anmalan.get_by_label("Paragraf i protokollet").fill("§ 7")
        anmalan.get_by_role("button", name=re.compile(r"Markera \d+ beslut som anmälda")).click()
        expect(clerk.get_by_role("status")).to_contain_text("delegationsbeslut anmälda")
        server.shot(clerk, "chain-04-reported")
        clerk.goto(server.url + "/")
        expect(
            clerk.get_by_role("region", name="Delegationsbeslut att anmäla", exact=True)
        ).to_contain_text("Inga delegationsbeslut att anmäla")

        # 4. The protokollsutdrag, downloaded and opened.
        clerk.goto(f"{server.url}/meetings/{MEETING_BODY}/{today}")
        with clerk.expect_download() as got:
            clerk.get_by_role("link", name="Protokollsutdrag (Word)").click()
        minutes = tmp_path / got.value.suggested_filename
        got.value.save_as(minutes)
        paragraphs = [(p.style.name if p.style else "", p.text)
                      for p in Document(str(minutes)).paragraphs if p.text.strip()]  # fmt: skip
        headings = [t for style, t in paragraphs if style == "Heading 1"]
        assert f"§ 1 {CHAIN_TITLE}" in headings
        assert "§ 7 Anmälan av delegationsbeslut" in headings
        decisions = [t for style, t in paragraphs if style == "List Number"]
        assert any("samverkanspart" in t and "Bräcke kommun" in t for t in decisions), decisions
        bullets = [t for style, t in paragraphs if style == "List Bullet"]
        assert any(CHAIN in t and DECIDER_NAME in t for t in bullets), bullets
        texts = [t for _, t in paragraphs]
        copies = texts[texts.index("Utdrag till") + 1]
        assert "Bräcke kommun" in copies and "Tillväxtverket" in copies
    finally:
        for ctx in contexts:
            ctx.close()


def _rows_order(page: Page, region: str) -> list[str]:
    rows = page.get_by_role("region", name=region, exact=True).get_by_role("row").all_inner_texts()
    return [r for r in rows if "RUN/" in r]


def test_the_officer_worklist_puts_the_overdue_case_first(people: LiveServer, page: Page) -> None:
    from playwright.sync_api import expect

    server = people
    _case(server, LATE, "Sent ute")
    soon = stockholm_today() + timedelta(days=10)
    schedule_case(db=server.db, dnr=LATE, body=MEETING_BODY, day=soon, actor=HANDLAGGARE,
                  clock=SystemClock(),
                  rules_for=load_registry(PROJECT_ROOT / "workflows").deadline_rules())  # fmt: skip
    server.log_in(page, HANDLAGGARE, next_path="/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")
    mine = page.get_by_role("region", name="Mina ärenden", exact=True)
    expect(mine.get_by_role("row").filter(has_text=LATE)).to_contain_text("(försenad)")
    rows = _rows_order(page, "Mina ärenden")
    first_late = next(i for i, r in enumerate(rows) if LATE in r)
    upcoming = next(i for i, r in enumerate(rows) if "RUN/900/2025" in r)
    assert first_late < upcoming, rows
    assert page.get_by_role("region", name="Memon som väntar på beslut", exact=True).count() == 0
    server.shot(page, "worklist-handlaggare")
    mine.get_by_role("link", name=f"{LATE} Sent ute").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{LATE} Sent ute")


def test_the_decider_worklist_lists_memos_awaiting_her(people: LiveServer, page: Page) -> None:
    from playwright.sync_api import expect

    server = people
    _case(server, WAITING, "Väntar på beslut")
    render_memo(db=server.db, memos_dir=PROJECT_ROOT / "memos", clock=SystemClock(), dnr=WAITING,
                fmt="md", memo_date=stockholm_today(), actor=HANDLAGGARE,
                signatory_email=DECIDER)  # fmt: skip
    server.log_in(page, DECIDER, next_path="/")
    waiting = page.get_by_role("region", name="Memon som väntar på beslut", exact=True)
    row = waiting.get_by_role("row").filter(has_text=WAITING)
    expect(row).to_contain_text("Delegationsbeslut – samverkanspart")
    expect(row).to_contain_text("Du")
    expect(row).to_contain_text("Anna Andersson")  # who wrote it, by name
    assert page.get_by_role("region", name="Mina ärenden", exact=True).count() == 0
    server.shot(page, "worklist-beslutsfattare")
    row.get_by_role("link").click()
    expect(page).to_have_url(f"{server.url}/cases/{WAITING}#beslut")
    expect(
        page.get_by_role("button", name=f"Registrera beslutet som {DECIDER_NAME}")
    ).to_be_visible()


def test_the_clerk_worklist_shows_agendas_readiness_and_reminders(
    people: LiveServer, page: Page
) -> None:
    from playwright.sync_api import expect

    server = people
    _case(server, BARE, "Utan memo")
    soon = stockholm_today() + timedelta(days=10)
    schedule_case(db=server.db, dnr=BARE, body=MEETING_BODY, day=soon, actor=HANDLAGGARE,
                  clock=SystemClock(),
                  rules_for=load_registry(PROJECT_ROOT / "workflows").deadline_rules())  # fmt: skip
    # The presidium review of the meeting in ten days has passed: its reminder goes out now.
    queue_due(db=server.db, settings=Settings(database_url=server.db.url),
              workflows=load_registry(PROJECT_ROOT / "workflows"), clock=SystemClock())  # fmt: skip
    server.log_in(page, CLERK, next_path="/")
    meetings = page.get_by_role("region", name="Nästa sammanträden", exact=True)
    agenda = meetings.get_by_role("table").filter(has_text=f"{MEETING_BODY} {soon.isoformat()}")
    expect(agenda.get_by_role("row").filter(has_text=BARE)).to_contain_text("Memo saknas")
    expect(agenda.locator("caption")).to_contain_text("utan memo")
    axe_meeting = meetings.get_by_role("table").filter(
        has_text=f"{MEETING_BODY} {server.meeting_day.isoformat()}"
    )
    expect(axe_meeting.get_by_role("row").filter(has_text="RUN/900/2025")).not_to_contain_text(
        "Memo saknas"
    )
    reminders = page.get_by_role("region", name="Påminnelser till dig", exact=True)
    expect(reminders).to_contain_text("Presidiets genomgång")
    expect(reminders).to_contain_text(BARE)
    assert page.get_by_role("region", name="Mina ärenden", exact=True).count() == 0
    server.shot(page, "worklist-namndsekreterare")
    agenda.get_by_role("link", name=f"{MEETING_BODY} {soon.isoformat()}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Sammanträde {MEETING_BODY} {soon.isoformat()}"
    )
