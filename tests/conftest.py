"""Fixtures: a migrated database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from caseflow.cli.db import upgrade_database
from caseflow.clock import FakeClock
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry, load_registry

PG_URL = os.environ.get("CASEFLOW_TEST_DATABASE_URL")
REQUIRE_PG = os.environ.get("CASEFLOW_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
TABLES = (
    "case_events, case_funders, decisions, memo_renders, agenda_items, meetings, outbox, "
    "reminders, auth_tokens, cases, people, portfolio_snapshots"
)
_pg_tests_run = 0


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrations run once per session)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite:///{path}")
    upgrade_database(database)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[Database]:
    """The PostgreSQL test database, reset and migrated once per session."""
    assert PG_URL is not None
    database = Database(PG_URL)
    with database.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade_database(database)
    yield database
    database.dispose()


def make_sqlite(template: Path, directory: Path) -> Database:
    path = directory / "caseflow.db"
    shutil.copy(template, path)
    return Database(f"sqlite:///{path}")


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[Database]:
    """A migrated, empty database: SQLite, and PostgreSQL if CASEFLOW_TEST_DATABASE_URL is set."""
    global _pg_tests_run
    if request.param == "sqlite":
        database = make_sqlite(sqlite_template, tmp_path)
        yield database
        database.dispose()
        return
    database = request.getfixturevalue("pg_database")
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    _pg_tests_run += 1
    yield database


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    database = make_sqlite(sqlite_template, tmp_path)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def workflows() -> WorkflowRegistry:
    return load_registry(PROJECT_ROOT / "workflows")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))


Run = Callable[..., tuple[int, str, str]]


def cli_runner(url: str, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run `caseflow --db URL …` in-process: (exit code, stdout, stderr)."""
    from caseflow.cli.app import main

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exit_:
            main(["--db", url, *args])
        captured = capsys.readouterr()
        code = exit_.value.code
        return (code if isinstance(code, int) else 1), captured.out, captured.err

    return run


@pytest.fixture
def cli(
    sqlite_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    """The command line on a fresh migrated SQLite file (CASEFLOW_ACTOR unset)."""
    monkeypatch.delenv("CASEFLOW_ACTOR", raising=False)
    return cli_runner(sqlite_db.url, capsys)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if REQUIRE_PG and _pg_tests_run == 0 and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(
        f"PostgreSQL tests run: {_pg_tests_run} (url: {PG_URL or 'not set'})"
    )
    if REQUIRE_PG and _pg_tests_run == 0:
        terminalreporter.write_line("FAILED: PostgreSQL was required but no PostgreSQL test ran")


from tests.webkit import web, web_any  # noqa: E402,F401  (fixtures)
