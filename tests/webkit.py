"""Web test support: an app on a test database with demo accounts, and logged-in clients."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from caseflow.cases.accounts import SESSION_TTL, issue_token
from caseflow.cases.engine import add_person
from caseflow.clock import FakeClock
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.store.models import Person
from caseflow.store.repo import require_person
from caseflow.web.app import create_app
from caseflow.web.security import SESSION_COOKIE
from caseflow.workflow.registry import WorkflowRegistry

PASSWORD = "rätt-lösenord-123"
#: The test accounts: e-mail → roles.
ACCOUNTS: dict[str, list[str]] = {
    "anna@example.se": ["handlaggare"],
    "bo@example.se": ["beslutsfattare"],
    "sara@example.se": ["namndsekreterare"],
    "admin@example.se": ["admin"],
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@cache
def password_hash() -> str:
    """One argon2 hash of PASSWORD for every test account (hashing is slow on purpose)."""
    from caseflow.cases.accounts import _hasher

    return _hasher.hash(PASSWORD)


@dataclass
class Web:
    app: FastAPI
    db: Database
    clock: FakeClock
    workflows: WorkflowRegistry
    clients: list[TestClient] = field(default_factory=list)

    def client(self, email: str | None = None) -> TestClient:
        """A client; with `email`, logged in as that account (a real session token)."""
        client = TestClient(self.app, follow_redirects=False)
        self.clients.append(client)
        if email is not None:
            token = issue_token(db=self.db, email=email, kind="session", clock=self.clock,
                                ttl=SESSION_TTL)  # fmt: skip
            client.cookies.set(SESSION_COOKIE, token)
        return client

    def api(self, email: str) -> TestClient:
        """A client sending `email`'s new API token as a bearer token."""
        token = issue_token(db=self.db, email=email, kind="api", clock=self.clock)
        client = TestClient(self.app, follow_redirects=False,
                            headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        self.clients.append(client)
        return client

    def person(self, email: str) -> Person:
        with self.db.read() as session:
            return require_person(session=session, email=email)


def csrf_of(client: TestClient, path: str = "/board") -> str:
    """The CSRF token a page shows to this client's session."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    found = CSRF.search(response.text)
    assert found is not None, "no csrf_token on the page"
    return found.group(1)


def alert_of(html: str) -> str:
    """The text of the page's error box (role=alert), tags removed."""
    found = re.search(r'role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert found is not None, "no error shown"
    return html_module.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def make_web(db: Database, workflows: WorkflowRegistry, clock: FakeClock, **settings: Any) -> Web:
    for email, roles in ACCOUNTS.items():
        title = "Områdeschef" if "beslutsfattare" in roles else None
        add_person(db=db, email=email, name=email.split("@")[0].title(), roles=roles,
                   clock=clock, title=title)  # fmt: skip
    with db.write() as session:
        for email in ACCOUNTS:
            person = require_person(session=session, email=email)
            person.password_hash = password_hash()
            session.add(person)
    app = create_app(Settings(database_url=db.url, **settings), clock=clock, db=db,
                     workflows=workflows)  # fmt: skip
    return Web(app, db, clock, workflows)


@pytest.fixture
def web(sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> Iterator[Web]:
    """The web app on a fresh SQLite database with the ACCOUNTS."""
    env = make_web(sqlite_db, workflows, clock)
    yield env
    for client in env.clients:
        client.close()


@pytest.fixture
def web_any(database: Database, workflows: WorkflowRegistry, clock: FakeClock) -> Iterator[Web]:
    """As `web`, on SQLite and (when configured) PostgreSQL."""
    env = make_web(database, workflows, clock)
    yield env
    for client in env.clients:
        client.close()
