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
    "disposal_log, retention_holds, disclosure_requests, secrecy_marks, handling_files, handlings, "
    "case_events, case_funders, decisions, memo_renders, agenda_items, meetings, outbox, "
    "reminders, auth_tokens, cases, people, portfolio_snapshots, results_answers, "
    "results_reminders, results_section_owners, results_report_events, results_reports, "
    "login_throttle, national_results"
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


def empty_postgres(database: Database) -> None:
    """Empty every table of the PostgreSQL test database."""
    with database.engine.begin() as conn:
        # The history refuses TRUNCATE (a trigger); replica mode fires no ordinary trigger.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))


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
    empty_postgres(database)
    _pg_tests_run += 1
    yield database


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    database = make_sqlite(sqlite_template, tmp_path)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def _storage_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("filer")


@pytest.fixture(autouse=True)
def _file_storage(_storage_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered documents' files go to a temporary folder, never the working folder (the
    default for a PostgreSQL database)."""
    monkeypatch.setenv("CASEFLOW_STORAGE_DIR", str(_storage_root))


@pytest.fixture(scope="session")
def workflows() -> WorkflowRegistry:
    return load_registry(PROJECT_ROOT / "workflows")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))


Run = Callable[..., tuple[int, str, str]]


def cli_runner(url: str, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run `caseflow --db URL …` in-process: (exit code, stdout, stderr)."""
    from caseflow.cli.main import main

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


#: The fast subset (`pytest -m fast`, `make test-fast`): modules of pure and SQLite unit tests.
#: Not here: browser (e2e), schemathesis, the wheel, subprocess-heavy modules (concurrency,
#: outbox worker, serve), the hypothesis state machine, and the larger CLI and web suites.
FAST_MODULES = frozenset({
    "test_architecture.py", "test_calendar_ics.py", "test_caselist.py", "test_cli_errors.py",
    "test_deadlines.py", "test_docs.py", "test_engine.py", "test_input_bounds.py",
    "test_meetings.py", "test_memo_render.py", "test_portfolio_import.py",
    "test_report_render.py", "test_resources.py", "test_snapshots.py", "test_spec.py",
    "test_startup.py", "test_textformat.py", "test_web_downloads.py", "test_workdays.py",
})  # fmt: skip
#: Tests in those modules that start LibreOffice or a server: not fast.
NOT_FAST = frozenset(
    {"test_libreoffice_converts_the_memo", "test_docx_converts_to_pdf_with_libreoffice"}
)


def _fast_only(config: pytest.Config) -> bool:
    return str(config.getoption("markexpr", "")).strip() == "fast"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With `-m fast`, modules outside the subset are not even imported (collection is most of
    the time otherwise)."""
    if not _fast_only(config):
        return None
    if collection_path.is_dir():
        return collection_path.name == "e2e" or None
    if collection_path.name.startswith("test_") and collection_path.suffix == ".py":
        return collection_path.name not in FAST_MODULES or None
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the fast subset: tests of FAST_MODULES except PostgreSQL parameters, tests marked
    slow and the LibreOffice conversions."""
    for item in items:
        if item.path.name not in FAST_MODULES or item.path.parent.name != "tests":
            continue
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and "postgresql" in callspec.params.values()
        name = getattr(item, "originalname", item.name)
        if on_postgres or "pg_database" in getattr(item, "fixturenames", ()):
            continue
        if item.get_closest_marker("slow") or name in NOT_FAST:
            continue
        item.add_marker(pytest.mark.fast)


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
