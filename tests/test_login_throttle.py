"""Login throttling (#16.7): an exponential delay per account and per client address, kept in
the database (so it holds across server processes), and X-Forwarded-For trusted only from the
proxies given to `caseflow serve --forwarded-allow-ips`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from caseflow.cases.throttle import POLICIES, delay_after
from caseflow.clock import FakeClock
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.web.app import create_app
from caseflow.workflow.registry import WorkflowRegistry
from tests.webkit import CSRF, PASSWORD, Web, make_web

WRONG = "fel-lösenord-000"


@pytest.fixture
def two(database: Database, workflows: WorkflowRegistry, clock: FakeClock) -> Iterator[Web]:
    """The web app on SQLite and PostgreSQL, with the test accounts."""
    env = make_web(database, workflows, clock)
    yield env
    for client in env.clients:
        client.close()


def login(client: TestClient, email: str, password: str) -> Any:
    page = client.get("/login")
    token = CSRF.search(page.text)
    assert token is not None
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token.group(1)})  # fmt: skip


def test_the_delay_doubles_per_failure_up_to_its_cap() -> None:
    account = POLICIES["account"]
    assert [delay_after(n, account) for n in range(1, 3)] == [None, None]
    seconds = [delay_after(n, account) for n in range(3, 8)]
    assert seconds == [timedelta(seconds=s) for s in (1, 2, 4, 8, 16)]
    assert delay_after(40, account) == timedelta(minutes=15)
    assert delay_after(10**6, POLICIES["client"]) == timedelta(minutes=1)


def test_failures_are_shared_by_every_server_process(two: Web) -> None:
    """Two apps with their own Database objects, as two server processes: the failures made
    through one make the other wait, and the rightful user is in once the delay has passed."""
    other_db = Database(two.db.url)
    other = create_app(Settings(database_url=two.db.url), clock=two.clock, db=other_db,
                       workflows=two.workflows)  # fmt: skip
    first, second = two.client(), TestClient(other, follow_redirects=False)
    try:
        for client in (first, second, first):
            assert login(client, "anna@example.se", WRONG).status_code == 400
        waiting = login(second, "anna@example.se", PASSWORD)  # even the right password waits
        assert waiting.status_code == 429
        assert waiting.headers["Retry-After"] == "2"  # one second, rounded up
        assert "Försök igen om 2 s" in waiting.text
        two.clock.advance(timedelta(seconds=2))
        assert login(first, "anna@example.se", WRONG).status_code == 400  # the 4th: 2 s
        two.clock.advance(timedelta(seconds=1))
        assert login(second, "anna@example.se", PASSWORD).status_code == 429
        two.clock.advance(timedelta(seconds=1))
        assert login(second, "anna@example.se", PASSWORD).status_code == 303
        # the success cleared the account: three more failures before the next delay
        for _ in range(2):
            assert login(first, "anna@example.se", WRONG).status_code == 400
        assert login(first, "anna@example.se", PASSWORD).status_code == 303
    finally:
        second.close()
        other_db.dispose()


def test_attempts_while_waiting_do_not_lengthen_the_wait(two: Web) -> None:
    client = two.client()
    for _ in range(3):
        login(client, "anna@example.se", WRONG)
    for _ in range(10):
        assert login(client, "anna@example.se", WRONG).status_code == 429
    two.clock.advance(timedelta(seconds=1))
    assert login(client, "anna@example.se", PASSWORD).status_code == 303


def test_one_address_is_slowed_not_locked_out(two: Web) -> None:
    """Twenty failures for different accounts from one address: everyone behind it waits a
    moment (at most a minute), nobody is locked out, and the accounts tried are not blocked
    from elsewhere."""
    client = two.client()
    for i in range(20):
        assert login(client, f"gissning{i}@example.se", WRONG).status_code == 400
    waiting = login(client, "bo@example.se", PASSWORD)
    assert waiting.status_code == 429
    assert 0 < int(waiting.headers["Retry-After"]) <= 60
    two.clock.advance(timedelta(seconds=2))
    assert login(client, "bo@example.se", PASSWORD).status_code == 303


# --- X-Forwarded-For through a real `caseflow serve`


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db: Database, *options: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "CASEFLOW_DATABASE_URL": db.url}
    env.pop("FORWARDED_ALLOW_IPS", None)
    command = [str(Path(sys.executable).parent / "caseflow"), "serve", "--port", str(port),
               *options]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=2):
                return server, base
        except (urllib.error.URLError, ConnectionError):
            assert server.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the server did not answer in 30 s"
            time.sleep(0.2)


def _spray(base: str, count: int) -> list[int]:
    """`count` failed logins for different accounts, each claiming another X-Forwarded-For."""
    codes = []
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    for i in range(count):
        with opener.open(f"{base}/login", timeout=10) as page:
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode())
        assert token is not None
        form = {"email": f"gissning{i}@example.se", "password": WRONG,
                "csrf_token": token.group(1)}  # fmt: skip
        request = urllib.request.Request(
            f"{base}/login", data=urllib.parse.urlencode(form).encode(),
            headers={"X-Forwarded-For": f"203.0.113.{i + 1}"},
        )  # fmt: skip
        try:
            with opener.open(request, timeout=10) as response:
                codes.append(response.status)
        except urllib.error.HTTPError as err:
            codes.append(err.code)
            err.close()
    return codes


@pytest.mark.parametrize(
    ("options", "throttled"),
    [((), True), (("--forwarded-allow-ips", "127.0.0.1"), False)],
)  # fmt: skip
def test_x_forwarded_for_is_trusted_only_from_given_proxies(
    sqlite_db: Database, options: tuple[str, ...], throttled: bool
) -> None:
    server, base = _serve(sqlite_db, *options)
    try:
        codes = _spray(base, 26)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert codes[:20] == [400] * 20
    # Untrusted, the header is ignored: all came from 127.0.0.1, which waits after 20
    # failures (1 s, 2 s, 4 s …: a slow machine may let the first short waits pass unseen).
    # From a trusted proxy each attempt is its own client address, none of them waiting.
    assert (429 in codes[20:]) == throttled, codes
