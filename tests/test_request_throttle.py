"""The public register's request form (no login) is rate-limited per client address through
the login throttle's table: ten requests an hour go through, then the address waits (429, in
Swedish, with Retry-After), and nothing is recorded while it waits. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from caseflow.cases import throttle
from caseflow.clock import FakeClock
from caseflow.records.disclosure import list_requests
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.recordkit import pdf_bytes
from tests.test_records_web import DNR, PAGE, RUT, post_file, setup
from tests.webkit import Web, csrf_of, make_web

FREE = throttle.POLICIES["request"].free


@pytest.fixture
def public_any(database: Database, workflows: WorkflowRegistry, clock: FakeClock) -> Iterator[Web]:
    web = make_web(database, workflows, clock, public_register=True)
    yield web
    for client in web.clients:
        client.close()


def ask(client, token: str):  # type: ignore[no-untyped-def]
    return client.post("/diarium/begaran", data={"csrf_token": token, "number": f"{DNR}-1"})


def test_public_requests_are_limited_per_client_address(public_any: Web) -> None:
    web = public_any
    setup(web)
    rut = web.client(RUT)
    post_file(rut, csrf_of(rut, PAGE), "a.pdf", pdf_bytes())
    public = web.client()
    page = public.get("/diarium", params={"from": "2025-01-01", "to": "2025-01-31"}).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    token = found.group(1)
    for _ in range(FREE):
        assert ask(public, token).status_code == 303
    refused = ask(public, token)
    assert refused.status_code == 429
    assert "För många begäranden från din adress på kort tid. Försök igen om 1 s." in refused.text
    assert refused.headers["retry-after"] == "1"
    assert len(list_requests(db=web.db)) == FREE  # nothing recorded while it waits

    web.clock.advance(timedelta(seconds=2))
    assert ask(public, token).status_code == 303
    again = ask(public, token)
    assert again.status_code == 429 and again.headers["retry-after"] == "2"
    assert len(list_requests(db=web.db)) == FREE + 1

    # Another address is not held up, and an hour later the address starts over.
    now = web.clock.now()
    assert throttle.request_wait(db=web.db, client="192.0.2.7", now=now) is None
    assert throttle.request_wait(db=web.db, client="testclient", now=now) is not None
    web.clock.advance(timedelta(hours=1, seconds=5))
    assert ask(public, token).status_code == 303


def test_the_limit_grows_and_is_capped(database: Database) -> None:
    from datetime import UTC, datetime

    now = datetime(2025, 1, 6, 9, tzinfo=UTC)
    for _ in range(FREE + 30):
        throttle.record_request(db=database, client="198.51.100.1", now=now)
    wait = throttle.request_wait(db=database, client="198.51.100.1", now=now)
    assert wait == throttle.POLICIES["request"].cap
    assert (
        throttle.retry_after(db=database, account="a@b.se", client="198.51.100.1", now=now) is None
    )
