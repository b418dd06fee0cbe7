"""PostgreSQL races end in the documented answer, never a traceback or HTTP 500 (#16.1).

Each test lines up N processes (forked from the test, with the modules already imported so the
race is tight and the test quick; each builds its own engine and connections) on a barrier, and
then each runs the real command line (`caseflow.cli.main.main`, as the `caseflow` script does)
or a real app's HTTP request at the same moment against the PostgreSQL test database. SQLite's
write lock serialises writers, so only PostgreSQL's unique violations and serialization
failures are at stake: the tests run on PostgreSQL only.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import queue
import traceback
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from tests.conftest import BACKENDS, Run, cli_runner

N = 8
TIMEOUT = 90.0
ON_POSTGRES = pytest.mark.parametrize(
    "database", [b for b in BACKENDS if b == "postgresql"], indirect=True
)
SMALL = PROJECT_ROOT / "tests" / "fixtures" / "portfolio_small.txt"


@dataclass(frozen=True)
class Result:
    """What one process's command gave: its exit code ("raw" for an escaped exception),
    standard output, standard error and, for an escaped exception, the traceback."""

    code: int | str
    out: str
    err: str
    trace: str = ""


def _warm_up() -> None:
    """Import and build what the commands need before forking, so the race is tight."""
    import caseflow.cases.engine
    import caseflow.meetings.service
    import caseflow.portfolio.files
    import caseflow.web.app  # noqa: F401
    from caseflow.cli.main import command

    command()


def _cli_child(url: str, argv: list[str], barrier: Any, results: Any) -> None:
    """Runs in its own process: `caseflow --db URL ARGV` once the barrier opens."""
    from caseflow.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    barrier.wait(TIMEOUT)
    code: int | str = 0
    trace = ""
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main(["--db", url, *argv])
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        code, trace = "raw", traceback.format_exc()
    results.put(Result(code, out.getvalue(), err.getvalue(), trace))


def _http_child(app: Any, token: str, path: str, barrier: Any, results: Any) -> None:
    """Runs in its own process: the app (as one server worker of its own) answers `PUT path`.

    The app was built before the fork, its pool emptied: each worker connects itself."""
    with TestClient(app, raise_server_exceptions=False) as client:
        barrier.wait(TIMEOUT)
        response = client.put(path, headers=bearer(token))
    results.put(Result(response.status_code, response.text, ""))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def race(target: Any, args_per_process: Sequence[tuple[Any, ...]]) -> list[Result]:
    """Run `target(*args, barrier, results)` in one forked process per args; their results.

    The children never touch the test's own engine (its pooled connections stay the parent's)
    and leave through os._exit, as multiprocessing's forked children do."""
    _warm_up()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(args_per_process))
    results = ctx.Queue()
    processes = [
        ctx.Process(target=target, args=(*args, barrier, results), name=f"race-{i}")
        for i, args in enumerate(args_per_process)
    ]
    for p in processes:
        p.start()
    outcomes: list[Result] = []
    try:
        for _ in processes:
            outcomes.append(results.get(timeout=TIMEOUT * 2))
    except queue.Empty:
        pytest.fail(f"processes did not report within {TIMEOUT * 2}s: {outcomes}")
    finally:
        for p in processes:
            p.join(TIMEOUT)
            if p.is_alive():
                p.kill()
                p.join()
        results.close()
        results.join_thread()
    raw = [r for r in outcomes if r.code == "raw" or r.code == 500 or "Traceback" in r.err]
    assert not raw, "a racing process crashed:\n" + "\n".join(r.trace or r.err for r in raw)
    return outcomes


def cli_race(url: str, argv: list[str], n: int = N) -> list[Result]:
    return race(_cli_child, [(url, argv)] * n)


@pytest.fixture
def run(database: Database, capsys: pytest.CaptureFixture[str]) -> Run:
    return cli_runner(database.url, capsys)


def _registered(run: Run) -> None:
    code, _, err = run("case", "new", "RUN/479/2024", "--title", "Strategisk planering")
    assert code == 0, err
    code, _, err = run("meetings", "add", "2027-01-13")
    assert code == 0, err


def count(database: Database, sql: str) -> int:
    with database.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


@ON_POSTGRES
def test_schedule_of_one_case_from_many_processes(database: Database, run: Run) -> None:
    _registered(run)
    results = cli_race(database.url, ["case", "schedule", "RUN/479/2024", "--meeting",
                                      "2027-01-13"])  # fmt: skip
    assert all(r.code == 0 for r in results), results
    added = [r for r in results if "stod redan" not in r.out]
    assert len(added) == 1, [r.out for r in results]
    assert count(database, "SELECT count(*) FROM agenda_items") == 1


@ON_POSTGRES
def test_schedule_through_the_api_from_many_processes(database: Database, run: Run) -> None:
    from caseflow.cases.accounts import issue_token
    from caseflow.cases.engine import add_person
    from caseflow.clock import SystemClock
    from caseflow.settings import Settings
    from caseflow.web.app import create_app

    _registered(run)
    clock = SystemClock()
    add_person(db=database, email="sara@example.se", name="Sara", roles=["namndsekreterare"],
               clock=clock)  # fmt: skip
    token = issue_token(db=database, email="sara@example.se", kind="api", clock=clock)
    path = "/api/v1/meetings/RUN/2027-01-13/cases/RUN/479/2024"
    app = create_app(Settings(database_url=database.url))
    with TestClient(app) as client:  # the first request's lazy imports, before the fork
        assert client.get(path.rsplit("/cases/", 1)[0], headers=bearer(token)).status_code == 200
    app.state.ctx.db.engine.dispose()  # each worker opens its own connections
    results = race(_http_child, [(app, token, path)] * N)
    assert all(r.code == 200 for r in results), results
    changed = [json.loads(r.out)["changed"] for r in results]
    assert changed.count(True) == 1, changed
    assert count(database, "SELECT count(*) FROM agenda_items") == 1


@ON_POSTGRES
def test_overlapping_cases_import(database: Database, tmp_path: Path) -> None:
    source = PROJECT_ROOT / "examples" / "demo_cases.json"
    results = cli_race(database.url, ["cases", "import", str(source)])
    assert all(r.code == 0 for r in results), results
    created = [r.out for r in results if "3 nya" in r.out]
    assert len(created) == 1, [r.out for r in results]
    assert all("0 nya, 3 oförändrade" in r.out for r in results if "3 nya" not in r.out)
    assert count(database, "SELECT count(*) FROM cases") == 3
    assert count(database, "SELECT count(*) FROM case_events") == 3


@ON_POSTGRES
def test_overlapping_portfolio_import_update(database: Database, run: Run, tmp_path: Path) -> None:
    assert run("portfolio", "import", str(SMALL))[0] == 0
    changed = tmp_path / "portfolio.txt"
    # Every project's budget changes, so each process has updates to make.
    changed.write_text(SMALL.read_text(encoding="utf-8").replace("000 tkr", "001 tkr"),
                       encoding="utf-8")  # fmt: skip
    before = count(database, "SELECT count(*) FROM case_events")
    results = cli_race(database.url, ["portfolio", "import", "--update", str(changed)])
    assert all(r.code == 0 for r in results), results
    updated = [r.out for r in results if "uppdaterade 0," not in r.out.splitlines()[0]]
    assert len(updated) == 1, [r.out for r in results]
    after = count(database, "SELECT count(*) FROM case_events")
    assert after > before
    assert after - before == count(database, "SELECT count(*) FROM case_events WHERE kind = "
                                             "'import' AND row_version > 1")  # fmt: skip


@ON_POSTGRES
def test_several_db_upgrade_at_once(database: Database) -> None:
    schema = "race_upgrade"
    with database.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(database.url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        results = cli_race(url.render_as_string(hide_password=False), ["db", "upgrade"], n=3)
        assert all(r.code == 0 for r in results), results
        with database.engine.connect() as conn:
            heads = conn.exec_driver_sql(f"SELECT version_num FROM {schema}.alembic_version").all()
            expected = conn.exec_driver_sql("SELECT version_num FROM public.alembic_version").all()
        assert heads == expected
    finally:
        with database.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
