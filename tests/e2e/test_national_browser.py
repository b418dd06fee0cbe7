"""The national compilation's page in headless Chromium: search by section and words, the own
region's row first and marked, section 8's prose, the download links following the search."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from caseflow.clock import SystemClock
from caseflow.results.national_service import import_compilation

from .conftest import HANDLAGGARE, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

SMALL = Path(__file__).parent.parent / "fixtures" / "national_small.txt"


def test_searching_the_national_compilation(live_server: LiveServer, page: Page) -> None:
    from playwright.sync_api import expect

    server = live_server
    # conftest's seed imported it already; importing again replaces the year (all or nothing)
    import_compilation(db=server.db, text_=SMALL.read_text(encoding="utf-8"), source=SMALL.name,
                       actor=HANDLAGGARE, clock=SystemClock())  # fmt: skip
    server.log_in(page, HANDLAGGARE, next_path="/results")
    page.get_by_role("link", name="Nationell sammanställning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nationell sammanställning av regionernas resultatredovisningar"
    )
    first = page.locator("#nat-cap1").locator("xpath=..").locator("tbody tr").first
    expect(first).to_have_class("own")
    expect(first.get_by_role("rowheader")).to_contain_text("Jämtland HärjedalenEgen region")
    page.get_by_label("Avsnitt", exact=True).select_option("1")
    page.get_by_label("Ord i texten").fill("laddinfrastruktur")
    page.get_by_role("search", name="Sök i sammanställningen").get_by_role("button").click()
    expect(page).to_have_url(f"{server.url}/results/national?region=&section=1&q=laddinfrastruktur")
    rows = page.locator("table.national tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("rowheader")).to_have_text("Östergötland")
    expect(rows.first).to_contain_text("Ladda Östergötland")
    expect(page.get_by_role("heading", name="8 Fördelning av anslag 1:1")).to_have_count(0)
    csv = page.get_by_role("link", name="csv", exact=True)
    expect(csv).to_have_attribute(
        "href", "/results/national/export.csv?section=1&q=laddinfrastruktur"
    )
    server.shot(page, "national-search")
    page.get_by_label("Avsnitt", exact=True).select_option("8")
    page.get_by_label("Region", exact=True).select_option("Blekinge")
    page.get_by_label("Ord i texten").fill("karlskrona")
    page.get_by_role("search", name="Sök i sammanställningen").get_by_role("button").click()
    expect(page.get_by_role("heading", level=3)).to_have_text("Blekinge")
    expect(page.locator("dd")).to_have_text("Merparten går till Karlskrona.")
