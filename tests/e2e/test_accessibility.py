"""axe-core (node_modules, `npm ci`) on every page of the web UI: WCAG 2.0/2.1 A and AA rules.

A violation of impact serious or critical fails the test; the message lists every violation
(also the moderate and minor ones) with the CSS targets of its nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import AXE_CASE, HANDLAGGARE, MEETING_BODY, PASSWORD, REVIEWER, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def axe_context(browser: Browser, axe_js: Path) -> Iterator[BrowserContext]:
    """A context that ignores the app's CSP (`script-src 'self'`): Playwright's add_script_tag
    inserts axe as an inline script, which that policy would block. Only the axe tests use it;
    the flow tests run under the real CSP."""
    ctx = browser.new_context(bypass_csp=True, locale="sv-SE",
                              viewport={"width": 1280, "height": 900})  # fmt: skip
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def run_axe(page: Page, axe_js: Path) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (axe.run's `violations`)."""
    page.add_script_tag(path=str(axe_js))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    assert len(result["passes"]) >= 5, "axe checked almost nothing: is the page empty?"
    print(
        f"\naxe on {page.url}: {len(result['passes'])} rules passed, "
        f"{len(result['violations'])} violated, {len(result['incomplete'])} to review by hand"
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']!r}")
    return "\n".join(lines)


def _login(server: LiveServer, page: Page) -> None:
    page.goto(server.url + "/login")


def _login_error(server: LiveServer, page: Page) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("E-postadress").fill(HANDLAGGARE)
    page.get_by_label("Lösenord").fill("fel-lösenord-" + PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("alert").wait_for()


def _board(server: LiveServer, page: Page) -> None:
    server.log_in(page, REVIEWER)


def _cases_filtered(server: LiveServer, page: Page) -> None:
    server.log_in(page, REVIEWER)
    page.goto(server.url + "/cases?q=bes%C3%B6k")
    page.get_by_label("Steg").select_option(label="Planering")  # htmx swaps the rows
    page.wait_for_url("**stage=bp_planering**")
    page.get_by_role("table").get_by_role("link", name=AXE_CASE).wait_for()


def _case_new(server: LiveServer, page: Page) -> None:
    server.log_in(page, REVIEWER)
    page.goto(server.url + "/cases/new")


def _case_new_error(server: LiveServer, page: Page) -> None:
    _case_new(server, page)
    page.get_by_label("Diarienummer").fill(AXE_CASE)
    page.get_by_label("Projektnamn").fill("Finns redan")
    page.get_by_role("button", name="Skapa ärendet").click()
    page.get_by_role("alert").wait_for()


def _case_blocked(server: LiveServer, page: Page) -> None:
    server.log_in(page, REVIEWER)
    page.goto(f"{server.url}/cases/{AXE_CASE}")
    page.locator("#why-send_application").wait_for()


def _case_confirm(server: LiveServer, page: Page) -> None:
    """A move that ends the case, its confirm step open (reason, check box, button)."""
    _case_blocked(server, page)
    page.get_by_text("Återkalla → Avslutat …").click()
    page.get_by_role("button", name="Bekräfta: Återkalla").wait_for()


def _case_error(server: LiveServer, page: Page) -> None:
    _case_blocked(server, page)
    page.get_by_label("Total budget (kr)").fill("tio tusen")
    page.get_by_role("button", name="Spara uppgifterna").click()
    page.get_by_role("alert").wait_for()


def _error_page(server: LiveServer, page: Page) -> None:
    server.log_in(page, REVIEWER)
    response = page.goto(server.url + "/cases/RUN/999/2099")
    assert response is not None and response.status == 404


def _other(path: str) -> Callable[[LiveServer, Page], None]:
    """One of the other pages (meetings, deadlines, outbox, portfolio, account)."""

    def visit(server: LiveServer, page: Page) -> None:
        server.log_in(page, REVIEWER)
        target = path.format(body=MEETING_BODY, day=server.meeting_day.isoformat())
        response = page.goto(server.url + target)
        assert response is not None and response.status == 200, target

    return visit


PAGES: dict[str, Callable[[LiveServer, Page], None]] = {
    "login": _login,
    "login-error": _login_error,
    "start": _other("/"),
    "board": _board,
    "cases-filtered": _cases_filtered,
    "case-new": _case_new,
    "case-new-error": _case_new_error,
    "case-blocked-move": _case_blocked,
    "case-confirm-move": _case_confirm,
    "case-error": _case_error,
    "error-page": _error_page,
    "meetings": _other("/meetings"),
    "meeting": _other("/meetings/{body}/{day}"),
    "deadlines": _other("/deadlines"),
    "outbox": _other("/outbox"),
    "portfolio": _other("/portfolio"),
    "account": _other("/account"),
    "results": _other("/results"),
    "results-report": _other("/results/2024"),
    "results-national": _other("/results/national?section="),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violations(
    name: str, live_server: LiveServer, axe_context: BrowserContext, axe_js: Path
) -> None:
    page = axe_context.new_page()
    PAGES[name](live_server, page)
    violations = run_axe(page, axe_js)
    live_server.shot(page, f"axe-{name}")
    if violations:
        print(f"\naxe on {name} ({page.url}):\n{describe(violations)}")
    serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"axe on {name} ({page.url}):\n{describe(violations)}"


REFLOW_PATHS = ["/", "/board", "/cases", "/cases/new", f"/cases/{AXE_CASE}", "/cases/RUN/999/2099",
                "/meetings", "/meetings/{body}/{day}", "/deadlines", "/outbox", "/portfolio",
                "/account", "/results", "/results/2024", "/results/national?section="]  # fmt: skip
#: Elements, outside data tables, that stick out of the viewport (tables may scroll sideways).
OVERFLOWING = """width => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('table'))
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''))"""


def test_pages_reflow_at_320_css_pixels(live_server: LiveServer, browser: Browser) -> None:
    """WCAG 1.4.10: at 320 px (1280 px zoomed to 400 %) nothing but a data table needs sideways
    scrolling."""
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = ctx.new_page()
        live_server.log_in(page, REVIEWER)
        wide: dict[str, list[str]] = {}
        for path in REFLOW_PATHS:
            target = path.format(body=MEETING_BODY, day=live_server.meeting_day.isoformat())
            response = page.goto(live_server.url + target)
            assert response is not None
            if response.status == 404 and "json" in response.headers.get("content-type", ""):
                continue  # a page not built yet
            offenders = page.evaluate(OVERFLOWING, 320)
            if offenders:
                wide[target] = offenders[:10]
                live_server.shot(page, "reflow-320" + target.replace("/", "_"))
        assert not wide, f"wider than 320 px: {wide}"
    finally:
        ctx.close()
