"""In Chromium: no page scrolls sideways at 375 px (a phone), a form saved unchanged records
nothing, a rendered HTML memo keeps its styles under the CSP, unknown addresses are pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from caseflow.domain.dnr import parse_dnr
from caseflow.store.repo import list_events, require_case

from .conftest import AXE_CASE, HANDLAGGARE, MEETING_BODY, REVIEWER, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

#: Every page a logged-in user can reach from the menu and the case, with the reviewer (every
#: role), so each form the page can show is on it.
PAGES_375 = [
    "/board", "/board?mine=1", "/cases", "/cases?q=besök", "/cases/new", f"/cases/{AXE_CASE}",
    "/cases/RUN/999/2099", "/finns-inte", "/meetings", "/meetings/{body}/{day}", "/deadlines",
    "/deadlines?all=1", "/outbox", "/portfolio", "/account",
]  # fmt: skip
#: How far the page is wider than the window (0: no sideways scroll), and the widest elements.
MEASURE = """() => {
    const width = window.innerWidth;
    const wide = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 1
)
        .filter(e => !(e.parentElement && e.parentElement.closest('.table-scroll')))
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                  + (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''));
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        range.selectNodeContents(n);
        const parent = n.parentElement;
        if (range.getBoundingClientRect().right > width + 1 && parent
            && !parent.closest('.table-scroll')) {
            wide.push('text in ' + parent.tagName.toLowerCase());
        }
    }
    return [document.documentElement.scrollWidth - width, wide.slice(0, 8)];
}"""


def test_no_page_scrolls_sideways_at_375_px(live_server: LiveServer, browser: Browser) -> None:
    ctx = browser.new_context(viewport={"width": 375, "height": 700}, locale="sv-SE")
    try:
        page = ctx.new_page()
        live_server.log_in(page, REVIEWER)
        wide: dict[str, object] = {}
        for path in [*PAGES_375, "/login"]:
            if path == "/login":
                page.context.clear_cookies()
            target = path.format(body=MEETING_BODY, day=live_server.meeting_day.isoformat())
            response = page.goto(live_server.url + target)
            assert response is not None and "html" in response.headers["content-type"], target
            extra, elements = page.evaluate(MEASURE)
            if extra > 0:
                wide[target] = (extra, elements)
                live_server.shot(page, "scroll-375" + target.replace("/", "_").replace("?", "_"))
        assert not wide, f"pages wider than 375 px (px too wide, elements): {wide}"
    finally:
        ctx.close()


def test_a_form_saved_unchanged_records_nothing(live_server: LiveServer, page: Page) -> None:
    """The browser sends every field back (textareas with CRLF line breaks): no event, no
    change, and the page says so."""

    def events() -> int:
        with live_server.db.read() as session:
            case = require_case(session=session, dnr=parse_dnr(AXE_CASE))
            assert case.id is not None
            return len(list(list_events(session=session, case_id=case.id)))

    live_server.log_in(page, HANDLAGGARE, next_path=f"/cases/{AXE_CASE}")
    page.get_by_label("Syfte").fill("Fler besökare året runt.\nOch fler dagar per besök.")
    page.get_by_role("button", name="Spara uppgifterna").click()
    page.get_by_role("status").wait_for()
    assert "Sparat: 1 fält ändrat." in page.get_by_role("status").inner_text()
    before = events()
    page.get_by_role("button", name="Spara uppgifterna").click()
    page.wait_for_load_state()
    assert "Inget ändrat." in page.get_by_role("status").inner_text()
    assert events() == before


def test_the_html_memo_keeps_its_styles(live_server: LiveServer, page: Page) -> None:
    """The memo's inline <style> applies in the browser (the pages' CSP would block it)."""
    live_server.log_in(page, HANDLAGGARE, next_path=f"/cases/{AXE_CASE}")
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.get_by_label("Format").select_option("html")
    page.get_by_role("button", name="Skriv och ladda ner memo").click()
    page.wait_for_load_state()
    assert page.locator("style").count() == 1
    # body { max-width: 160mm; font-family: Arial … } from the memo's own style sheet
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"
    assert "arial" in page.evaluate("getComputedStyle(document.body).fontFamily").lower()
    assert not refused, refused
