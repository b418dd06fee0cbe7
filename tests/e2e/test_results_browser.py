"""The results report in headless Chromium: create the year's report, write an answer past the
section's limit and back while the live counter follows (the same count as the server's), save
it, and see the server's count agree."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from caseflow.clock import SystemClock
from caseflow.results.count import count_chars
from caseflow.results.service import create_report, get_report
from tests.office import soffice

from .conftest import HANDLAGGARE, REVIEWER, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

YEAR = "2026"
OWNED_YEAR = "2027"


def test_writing_past_the_limit_and_back_with_the_live_counter(
    live_server: LiveServer, page: Page
) -> None:
    from playwright.sync_api import expect

    server = live_server
    server.log_in(page, HANDLAGGARE, next_path="/results")
    page.get_by_label("Ny redovisning för år").fill(YEAR)
    page.get_by_role("button", name="Skapa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Resultatredovisning {YEAR} – Region Jämtland Härjedalen"
    )
    counter = page.locator("#raknare-6")
    expect(counter).to_contain_text("Antal tecken: 0 av 5\u00a0000 – 5\u00a0000 kvar")
    six_one = page.get_by_label("Svar 6.1")
    six_two = page.get_by_label("Svar 6.2")
    # The two answers share section 6's limit. "å" typed decomposed counts 1, the emoji 1
    # (JavaScript's value.length would say 2), a line break 1.
    six_one.fill("x" * 4990)
    six_two.fill("a\u030a👍\n1234567")
    expect(counter).to_contain_text("Antal tecken: 5\u00a0000 av 5\u00a0000 – 0 kvar")
    expect(counter).not_to_have_class("counter over")
    six_two.press("End")
    six_two.type("89")
    expect(counter).to_contain_text("2 över gränsen")
    expect(counter).to_have_class("counter over")
    server.shot(page, "results-over-limit")
    six_two.press("Backspace")
    six_two.press("Backspace")
    six_two.press("Backspace")
    expect(counter).to_contain_text("Antal tecken: 4\u00a0999 av 5\u00a0000 – 1 kvar")
    expect(counter).not_to_have_class("counter over")
    page.get_by_role("button", name="Spara 6.2").click()
    expect(page.get_by_role("status")).to_have_text("Svaret på 6.2 är sparat (version 1).")
    # Only 6.2 was saved: the server's count is 6.2's text alone, as the page now shows.
    saved = get_report(db=server.db, year=int(YEAR)).answers["6.2"].text
    assert count_chars(saved) == 9 and saved == "å👍\n123456"
    expect(page.locator("#raknare-6")).to_contain_text("Antal tecken: 9 av 5\u00a0000")


def test_owners_and_the_downloads_from_the_report_page(live_server: LiveServer, page: Page) -> None:
    """A section gets an owner through its form; Word and PDF download through the page's links
    on the browser's session (PDF: LibreOffice's conversion; skipped without it)."""
    from playwright.sync_api import expect

    from caseflow.results.owners import list_owners

    server = live_server
    create_report(db=server.db, year=int(OWNED_YEAR), actor=HANDLAGGARE, clock=SystemClock())
    server.log_in(page, HANDLAGGARE, next_path=f"/results/{OWNED_YEAR}")
    page.get_by_label("E-post för ägare av avsnitt 3").fill(REVIEWER)
    page.get_by_role("button", name="Lägg till ägare").nth(2).click()
    expect(page.get_by_role("status")).to_have_text(f"{REVIEWER} äger avsnitt 3.")
    expect(page.locator(".owners").nth(2)).to_contain_text(f"Ägare: Greta Granskare ({REVIEWER})")
    assert [(o.section, o.email) for o in list_owners(db=server.db, year=int(OWNED_YEAR))] == [
        (3, REVIEWER)
    ]
    with page.expect_download() as word:
        page.get_by_role("link", name="Word").click()
    assert word.value.suggested_filename == f"resultatredovisning-{OWNED_YEAR}.docx"
    soffice()
    with page.expect_download(timeout=120_000) as pdf:
        page.get_by_role("link", name="PDF").click()
    assert pdf.value.suggested_filename == f"resultatredovisning-{OWNED_YEAR}.pdf"
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
