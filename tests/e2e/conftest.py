"""Browser test fixtures: the real app under uvicorn on a loopback port, headless Chromium.

One server and one browser per session (starting them is the slow part); every test opens its
own browser context, so cookies never leak from one test to the next. Without Chromium (or,
for the accessibility tests, without node_modules/axe-core) the tests skip, unless
CASEFLOW_REQUIRE_BROWSER=1 (set by .ci/run), which makes them fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from caseflow.cases.accounts import add_user
from caseflow.cases.engine import create_case, fire
from caseflow.cases.people import add_person
from caseflow.cli.db import upgrade_database
from caseflow.clock import SystemClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.meetings.service import add_meetings, schedule_case
from caseflow.memo.service import render_memo
from caseflow.results.national_service import import_compilation
from caseflow.results.service import create_report
from caseflow.settings import PROJECT_ROOT, Settings
from caseflow.store.db import Database
from caseflow.web.app import create_app
from caseflow.workflow.registry import load_registry

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

REQUIRE = os.environ.get("CASEFLOW_REQUIRE_BROWSER") == "1"
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts" / "e2e"
PASSWORD = "rätt-lösenord-123"
HANDLAGGARE = "anna@example.se"  # the officer of the end-to-end flow
REVIEWER = "greta@example.se"  # every role, so the axe run sees every form of a page
#: A case for the axe run: in Planering, `send_application` blocked, on a meeting's agenda.
AXE_CASE = "RUN/900/2025"
MEETING_BODY = "RUN"
AXE_RESULTS_YEAR = 2024
#: Chromium's flags: Playwright itself adds --headless and --no-sandbox (needed as root);
#: /dev/shm is small in containers; no GPU, extensions, first-run or background traffic.
CHROMIUM_ARGS = [
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """CASEFLOW_CHROMIUM if set, else Debian's chromium (apt-get install chromium)."""
    given = os.environ.get("CASEFLOW_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").is_file():
        found = "/usr/bin/chromium"
    return found


def missing_or_skip(what: str, hint: str) -> None:
    """Skip (fail with CASEFLOW_REQUIRE_BROWSER=1): a tool the browser tests need is missing."""
    message = f"{what} not found ({hint})"
    if REQUIRE:  # CI installs it (.ci/run) and sets CASEFLOW_REQUIRE_BROWSER=1
        pytest.fail(f"the browser tests are required (CASEFLOW_REQUIRE_BROWSER=1) but {message}")
    pytest.skip(message)


@dataclass
class LiveServer:
    """The app on http://127.0.0.1:PORT over `db` (a fresh, migrated SQLite file)."""

    url: str
    db: Database
    meeting_day: date

    def log_in(self, page: Page, email: str, *, next_path: str = "/board") -> None:
        """Log in through the login form, as a user would."""
        page.goto(f"{self.url}/login?next={next_path}")
        page.get_by_label("E-postadress").fill(email)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(self.url + next_path)

    def shot(self, page: Page, name: str) -> Path:
        """A full-page screenshot in tests/artifacts/e2e/NAME.png."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def _seed(db: Database, meeting_day: date) -> None:
    """Accounts, a meeting, and the axe run's case (blocked move, a memo, on the agenda)."""
    clock = SystemClock()
    workflows = load_registry(PROJECT_ROOT / "workflows")
    add_person(db=db, email=HANDLAGGARE, name="Anna Andersson", roles=["handlaggare"],
               clock=clock, phone="063-14 30 00", unit="Samhällsutveckling")  # fmt: skip
    add_user(db=db, email=HANDLAGGARE, password=PASSWORD, roles=["handlaggare"], clock=clock)
    add_person(db=db, email=REVIEWER, name="Greta Granskare", clock=clock,
               roles=["handlaggare", "beslutsfattare", "namndsekreterare", "admin"],
               phone="063-14 30 01", title="Områdeschef")  # fmt: skip
    add_user(db=db, email=REVIEWER, password=PASSWORD, roles=["admin"], clock=clock)
    add_meetings(db=db, meetings=[(MEETING_BODY, meeting_day, "09:00")], clock=clock)
    doc = CaseDoc(
        diarienummer=AXE_CASE, title="Tillgänglig besöksnäring", handlaggare=HANDLAGGARE,
        purpose="Fler besökare året runt.", area="Besöksnäring", owner="Destination Jämtland",
        total_budget_sek=800_000, decision_basis=["Ansökan 2025-01-10"],
        funders=[{"code": "tillvaxtverket_nationella", "amount_sek": 400_000}],
    )  # fmt: skip
    create_case(db=db, workflows=workflows, doc=doc, actor=HANDLAGGARE, clock=clock)
    fire(db=db, workflows=workflows, dnr=AXE_CASE, trigger="start_planning", actor=HANDLAGGARE,
         clock=clock)  # fmt: skip
    schedule_case(db=db, dnr=AXE_CASE, body=MEETING_BODY, day=meeting_day, actor=HANDLAGGARE,
                  clock=clock, rules_for=workflows.deadline_rules())  # fmt: skip
    render_memo(db=db, memos_dir=PROJECT_ROOT / "memos", clock=clock, dnr=AXE_CASE, fmt="md",
                memo_date=date.today(), actor=HANDLAGGARE)  # fmt: skip
    # The results report the axe run reads (the browser test writes its own, RESULTS_YEAR).
    create_report(db=db, year=AXE_RESULTS_YEAR, actor=HANDLAGGARE, clock=clock)
    # The national compilation the axe run and the national page's test read (3 regions).
    national = PROJECT_ROOT / "tests" / "fixtures" / "national_small.txt"
    import_compilation(db=db, text_=national.read_text(encoding="utf-8"), source=national.name,
                       actor=HANDLAGGARE, clock=clock)  # fmt: skip


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn serving create_app() in a thread, on a socket bound here (no port race)."""
    import uvicorn

    path = tmp_path_factory.mktemp("e2e") / "caseflow.db"
    url = f"sqlite:///{path}"
    db = Database(url)
    upgrade_database(db)
    meeting_day = date.today() + timedelta(days=70)
    _seed(db, meeting_day)
    app = create_app(Settings(database_url=url), db=db)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            ws="none")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}", db, meeting_day)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    db.dispose()


# Package scope: the sync Playwright API keeps an event loop running in this thread until it
# stops; tests after tests/e2e call asyncio.run() and would fail while it still runs.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Debian's /usr/bin/chromium; `playwright install` is not used)."""
    executable = chromium_path()
    if executable is None:
        missing_or_skip("chromium", "apt-get install chromium")
    assert executable is not None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_or_skip("Python playwright", "pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context (own cookies) with Swedish locale; the app's CSP applies."""
    ctx = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def axe_js() -> Path:
    if not AXE_JS.is_file():
        missing_or_skip("node_modules/axe-core/axe.min.js", "npm ci")
    return AXE_JS
