"""The web UI end to end in headless Chromium: log in, create a case, fill it in, move it, write
a memo, read the history; and the keyboard path (skip link, focus). Screenshots of every step
go to tests/artifacts/e2e/. Locators are by role and label, so they also test the labels."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import HANDLAGGARE, PASSWORD, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

DNR = "RUN/479/2025"
TITLE = "Cykelleder i fjällen"
SEND = "Skicka ansökan → Ansökan inskickad"
BLOCKED_BEFORE = [
    "projektets syfte saknas",
    "startdatum saknas",
    "slutdatum saknas",
    "total budget saknas",
    "minst en extern finansiär saknas",
]


def _status(page: Page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("status")).to_have_text(text)


def test_a_case_from_login_to_application_sent_with_memo_and_history(
    live_server: LiveServer, page: Page, tmp_path: Path
) -> None:
    from docx import Document
    from playwright.sync_api import expect

    server = live_server
    server.log_in(page, HANDLAGGARE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tavla")
    server.shot(page, "flow-01-board")

    page.get_by_role("link", name="Nytt ärende").click()
    expect(page).to_have_url(server.url + "/cases/new")
    page.get_by_label("Diarienummer").fill(DNR)
    page.get_by_label("Projektnamn").fill(TITLE)
    expect(page.get_by_label("Handläggare", exact=True)).to_have_value(HANDLAGGARE)
    server.shot(page, "flow-02-new-case")
    page.get_by_role("button", name="Skapa ärendet").click()

    expect(page).to_have_url(f"{server.url}/cases/{DNR}?created=1")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{DNR} {TITLE}")
    _status(page, "Ärendet är skapat. Fyll i uppgifterna nedan.")
    expect(page.locator(".stage strong").first).to_have_text("Idé")
    server.shot(page, "flow-03-created")

    page.get_by_role("button", name="Starta planering → Planering").click()
    _status(page, "Flyttat till Planering.")
    send = page.get_by_role("button", name=SEND)
    expect(send).to_be_disabled()
    expect(page.locator("#why-send_application li")).to_have_text(BLOCKED_BEFORE)
    # aria-describedby ties the reasons to the disabled button for screen readers.
    expect(send).to_have_accessible_description(re.compile("projektets syfte saknas"))
    server.shot(page, "flow-04-send-blocked")

    fields = page.get_by_role("region", name="Uppgifter")
    fields.get_by_label("Syfte", exact=True).fill("Sammanhängande cykelleder mellan byarna.")
    fields.get_by_label("Startdatum", exact=True).fill("2025-03-01")
    fields.get_by_label("Slutdatum", exact=True).fill("2026-12-31")
    fields.get_by_label("Total budget (kr)").fill("1200000")
    server.shot(page, "flow-05-fields-filled")
    fields.get_by_role("button", name="Spara uppgifterna").click()
    _status(page, "Sparat: 4 fält ändrade.")
    expect(page.locator("#why-send_application li")).to_have_text(
        ["minst en extern finansiär saknas"]
    )

    funder = page.get_by_role("group", name="Lägg till eller ändra finansiär")
    funder.get_by_label("Finansiär", exact=True).select_option(
        label="Tillväxtverkets nationella medel"
    )
    funder.get_by_label("Belopp (kr)").fill("600000")
    funder.get_by_label("Status").select_option(label="sökt")
    funder.get_by_role("button", name="Spara finansiär").click()
    _status(page, "Finansieringen sparad.")
    plan = page.get_by_role("table", name="Finansiärer")
    row = plan.get_by_role("row", name=re.compile("Tillväxtverkets nationella medel"))
    expect(row).to_contain_text("600 000")
    server.shot(page, "flow-06-funder")

    expect(send).to_be_enabled()
    send.click()
    _status(page, "Flyttat till Ansökan inskickad.")
    expect(page.locator(".stage strong").first).to_have_text("Ansökan inskickad")
    server.shot(page, "flow-07-application-sent")

    memo = page.get_by_role("group", name="Skriv memo")
    expect(memo.get_by_label("Format")).to_have_value("docx")
    memo.get_by_role("button", name="Skriv och ladda ner memo").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("saknas: beslutsunderlag")
    server.shot(page, "flow-08-memo-missing-facts")

    fields = page.get_by_role("region", name="Uppgifter")
    fields.get_by_label("Beslutsunderlag (ett per rad)").fill(
        "Ansökan till Tillväxtverket 2025-02-01\nBudget 2025-02-01"
    )
    fields.get_by_role("button", name="Spara uppgifterna").click()
    _status(page, "Sparat: 1 fält ändrat.")

    memo = page.get_by_role("group", name="Skriv memo")
    with page.expect_download() as info:
        memo.get_by_role("button", name="Skriv och ladda ner memo").click()
    download = info.value
    assert download.suggested_filename == "delegationsbeslut-RUN-479-2025.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = "\n".join(p.text for p in Document(str(saved)).paragraphs)
    assert DNR in text and TITLE in text, text[:2000]

    page.reload()
    renders = page.get_by_role("table", name="Skrivna memon")
    expect(renders.get_by_role("row")).to_have_count(2)  # header + the docx
    expect(renders.get_by_role("row").nth(1)).to_contain_text("Delegationsbeslut")
    with page.expect_download() as again:
        renders.get_by_role("link", name="Ladda ner").click()
    assert again.value.suggested_filename == download.suggested_filename
    assert Path(again.value.path()).read_bytes() == saved.read_bytes()  # the very same bytes

    history = page.get_by_role("region", name="Historik")
    moved = history.get_by_role("listitem").filter(has_text="Skicka ansökan:")
    expect(moved).to_contain_text("Anna Andersson: Skicka ansökan: Planering → Ansökan inskickad")
    edited = history.get_by_role("listitem").filter(has_text="Ändrade uppgifter").last
    expect(edited).to_contain_text("Total budget: – → 1 200 000 kr")
    expect(history).not_to_contain_text("total_budget_sek")
    expect(history.get_by_role("listitem").last).to_contain_text(
        "Ärendet registrerades i steget Idé"
    )
    history.scroll_into_view_if_needed()
    server.shot(page, "flow-09-history")


def test_reject_asks_for_a_reason_and_the_closed_case_is_read_only(
    live_server: LiveServer, page: Page
) -> None:
    from playwright.sync_api import expect

    from caseflow.cases.engine import create_case
    from caseflow.clock import SystemClock
    from caseflow.domain.casedoc import CaseDoc
    from caseflow.settings import PROJECT_ROOT
    from caseflow.workflow.registry import load_registry

    from .conftest import REVIEWER

    dnr = "RUN/481/2025"
    doc = CaseDoc.model_validate({
        "diarienummer": dnr, "title": "Kommunal hamnutveckling", "owner": "Åre kommun",
        "owner_is_region": False, "stage": "application_sent", "total_budget_sek": 500_000,
        "funders": [{"code": "eruf_regionalt", "amount_sek": 250_000, "status": "rejected",
                     "decision_date": "2025-01-15"}],
    })  # fmt: skip
    create_case(db=live_server.db, workflows=load_registry(PROJECT_ROOT / "workflows"), doc=doc,
                actor=REVIEWER, clock=SystemClock())  # fmt: skip
    live_server.log_in(page, REVIEWER, next_path=f"/cases/{dnr}")
    moves = page.get_by_role("region", name="Möjliga flyttar")
    expect(moves.get_by_role("button", name=re.compile("^Avslag"))).to_have_count(0)
    moves.get_by_text("Avslag → Avslutat …").click()
    confirm = moves.get_by_role("button", name="Bekräfta: Avslag")
    expect(confirm).to_be_visible()
    live_server.shot(page, "lifecycle-01-reject-confirm")
    confirm.click()  # the browser itself refuses: reason and check box are required
    expect(page.locator(".stage strong").first).to_have_text("Ansökan inskickad")
    moves.get_by_label("Motivering för ”Avslag” (krävs, sparas i historiken)").fill(
        "ERUF avslog ansökan"
    )
    moves.get_by_label("Jag bekräftar att ärendet avslutas med ”Avslag”").check()
    confirm.click()
    _status(page, "Flyttat till Avslutat.")
    fields = page.get_by_role("region", name="Uppgifter")
    expect(fields).to_contain_text("Ärendet är avslutat och kan inte ändras.")
    expect(fields.get_by_role("button", name="Spara uppgifterna")).to_have_count(0)
    expect(page.get_by_role("group", name="Lägg till eller ändra finansiär")).to_have_count(0)
    history = page.get_by_role("region", name="Historik")
    expect(history.get_by_role("listitem").first).to_contain_text(
        "Avslag: Ansökan inskickad → Avslutat – ”ERUF avslog ansökan”"
    )
    live_server.shot(page, "lifecycle-02-closed")
    moves = page.get_by_role("region", name="Möjliga flyttar")
    moves.get_by_text("Öppna ärendet igen → Planering …").click()
    moves.get_by_label("Motivering för ”Öppna ärendet igen” (krävs, sparas i historiken)").fill(
        "Ny utlysning"
    )
    moves.get_by_label("Jag bekräftar att ärendet öppnas igen").check()
    moves.get_by_role("button", name="Bekräfta: Öppna ärendet igen").click()
    _status(page, "Flyttat till Planering.")
    expect(page.get_by_role("button", name="Spara uppgifterna")).to_be_visible()


def test_keyboard_login_skip_link_and_visible_focus(live_server: LiveServer, page: Page) -> None:
    from playwright.sync_api import expect

    server = live_server
    page.goto(server.url + "/login?next=/board")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-postadress")).to_be_focused()
    page.keyboard.type(HANDLAGGARE)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Lösenord")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/board")

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # it is moved on screen when it has focus
    server.shot(page, "keyboard-01-skip-link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(server.url + "/board#main")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # past the header: the first link in the main content
    first = page.get_by_role("link", name="Visa bara mina ärenden")
    expect(first).to_be_focused()
    style = first.evaluate(
        "e => [e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,"
        " getComputedStyle(e).outlineWidth]"
    )
    assert style[0] is True and style[1] != "none" and style[2] != "0px", style
    server.shot(page, "keyboard-02-focus-in-main")
