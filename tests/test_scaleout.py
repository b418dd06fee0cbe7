"""Scale-out: several `caseflow serve` processes and several `caseflow worker` processes on one
database share everything through it: sessions, the login throttle, the reminders and the outbox,
and the cases' row versions (issue 15, item 6). Real processes on free ports, a real SMTP sink."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from caseflow.cases.accounts import add_user, csrf_token, issue_token
from caseflow.cases.engine import create_case
from caseflow.clock import SystemClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.workdays import local_date
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import PG_URL, REQUIRE_PG
from tests.serverkit import (
    CASEFLOW,
    Process,
    api,
    call,
    children,
    login,
    session_of,
    start,
    start_server,
    wait_until_serving,
)
from tests.smtp_sink import Sink, free_port
from tests.smtp_sink import start_server as start_smtp

PASSWORD = "ett långt lösenord"
ADMIN = "admin@region.se"


def _spawned(pid: int) -> list[int]:
    """uvicorn's server processes under its supervisor `pid` (multiprocessing spawn children)."""
    found = []
    for child in children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(child)
    return found


def test_serve_workers_on_a_sqlite_file(sqlite_db: Database, tmp_path: Path) -> None:
    """SQLite in WAL mode may be shared by several server processes: `--workers 2` starts two,
    and a session made through the port is good on every request whichever process answers."""
    add_user(db=sqlite_db, email=ADMIN, password=PASSWORD, roles=["admin"], clock=SystemClock())
    server = start_server(env={"CASEFLOW_DATABASE_URL": sqlite_db.url}, log=tmp_path / "s.log",
                          workers=2)  # fmt: skip
    try:
        wait_until_serving(server)
        deadline = time.monotonic() + 20
        while len(_spawned(server.popen.pid)) < 2:
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.2)
        assert "med 2 serverprocesser" in server.output()
        assert server.port is not None
        reply = login(server.port, ADMIN, PASSWORD)
        assert reply.status == 303, reply.text
        cookie = {"Cookie": f"caseflow_session={session_of(reply)}"}
        statuses = Counter(call(server.port, "GET", "/cases", headers=cookie).status
                           for _ in range(20))  # fmt: skip
        assert statuses == {200: 20}
    finally:
        assert server.stop() == 0, server.output()


def test_gunicorn_with_uvicorn_workers_as_documented(sqlite_db: Database, tmp_path: Path) -> None:
    """The alternative process manager of docs/deployment.md: gunicorn's arbiter with uvicorn
    workers, each building the app from the environment through the documented factory."""
    pytest.importorskip("uvicorn_worker", reason="the gunicorn extra: caseflow[gunicorn]")
    add_user(db=sqlite_db, email=ADMIN, password=PASSWORD, roles=["admin"], clock=SystemClock())
    port = free_port()
    gunicorn = str(Path(CASEFLOW).parent / "gunicorn")
    args = ["-k", "uvicorn_worker.UvicornWorker", "-w", "2", "-b", f"127.0.0.1:{port}",
            "--no-control-socket", "caseflow.web.app:app_from_environment()"]  # fmt: skip
    server = start(args, env={"CASEFLOW_DATABASE_URL": sqlite_db.url}, log=tmp_path / "g.log",
                   port=port, program=gunicorn)  # fmt: skip
    try:
        wait_until_serving(server, timeout=60)
        reply = login(port, ADMIN, PASSWORD)
        assert reply.status == 303, reply.text
        cookie = {"Cookie": f"caseflow_session={session_of(reply)}"}
        assert call(port, "GET", "/cases", headers=cookie).status == 200
        assert len(children(server.popen.pid)) == 2
    finally:
        assert server.stop() == 0, server.output()


def test_serve_workers_refuse_a_database_in_memory(tmp_path: Path) -> None:
    process = start(["--db", "sqlite:///:memory:", "serve", "--workers", "2", "--port", "1"],
                    env={}, log=tmp_path / "memory.log")  # fmt: skip
    assert process.popen.wait(timeout=60) == 1
    assert process.output().strip() == (
        "fel: --workers 2: en SQLite-databas i minnet finns bara i en process; ange en "
        "databasfil eller PostgreSQL (CASEFLOW_DATABASE_URL), eller kör en process"
    )


# --- two servers and two workers on one PostgreSQL database -----------------------------------


#: Without a PostgreSQL URL the test is skipped, unless CI requires PostgreSQL: then the
#: `database` fixture fails for want of it.
needs_postgres = pytest.mark.skipif(
    PG_URL is None and not REQUIRE_PG,
    reason="needs PostgreSQL: set CASEFLOW_TEST_DATABASE_URL (several hosts share one database)",
)


def _case_doc(number: int, **fields: Any) -> CaseDoc:
    return CaseDoc.model_validate({
        "diarienummer": f"RUN/{number}/2026", "title": f"Projekt {number}",
        "purpose": "Samverkan i länet", "start_date": "2026-01-01", "handlaggare": ADMIN,
        "total_budget_sek": 100_000, **fields,
    })  # fmt: skip


def _sessions_and_throttle(a: int, b: int) -> None:
    # A session made on one server is good on the other; logging out on the other ends it on both.
    reply = login(a, ADMIN, PASSWORD)
    assert reply.status == 303, reply.text
    session = session_of(reply)
    cookie = {"Cookie": f"caseflow_session={session}"}
    assert call(b, "GET", "/cases", headers=cookie).status == 200
    assert call(a, "GET", "/cases", headers=cookie).status == 200
    out = call(b, "POST", "/logout", body=f"csrf_token={csrf_token(session)}".encode(),
               headers={**cookie, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert out.status == 303
    assert call(a, "GET", "/cases", headers=cookie).status == 303  # to the login page

    # Failed logins count across both servers: the account waits after the third, whichever
    # server the attempts reach, and even the right password waits.
    target = "bo@region.se"
    failures = []
    for attempt in range(8):
        reply = login((a, b)[attempt % 2], target, "fel lösenord, fel")
        if reply.status == 429:
            break
        assert reply.status == 400, reply.text
        failures.append(attempt % 2)
    assert reply.status == 429 and "För många misslyckade inloggningar" in reply.text
    assert len(failures) >= 3 and set(failures) == {0, 1}
    other = (a, b)[(len(failures) + 1) % 2]
    assert login(other, target, PASSWORD).status == 429


def _mixed_load(a: int, b: int, token: str, cases: list[str]) -> dict[str, Counter[str]]:
    """Per case: two editors (one per server) add 1 000 to the budget with `expected_version`,
    retrying on 409; one mover withdraws and reopens the case through alternating servers."""
    done: dict[str, Counter[str]] = {dnr: Counter() for dnr in cases}
    versions: dict[str, list[int]] = {dnr: [] for dnr in cases}
    lock = threading.Lock()
    errors: list[str] = []

    def note(dnr: str, what: str, version: int) -> None:
        with lock:
            done[dnr][what] += 1
            versions[dnr].append(version)

    def editor(port: int, dnr: str) -> None:
        successes = 0
        while successes < 6:
            case = api(port, "GET", f"/cases/{dnr}", token).json()
            if case["stage"] == "closed":
                time.sleep(0.01)
                continue
            body = {"changes": {"total_budget_sek": case["total_budget_sek"] + 1000},
                    "expected_version": case["row_version"]}  # fmt: skip
            reply = api(port, "PATCH", f"/cases/{dnr}", token, body)
            if reply.status == 200:
                successes += 1
                note(dnr, "edit", reply.json()["row_version"])
            elif reply.status not in (400, 409):  # 409: another won; 400: closed meanwhile
                errors.append(f"edit {dnr}: {reply.status} {reply.text}")
                return

    def mover(dnr: str) -> None:
        for step, trigger in enumerate(("withdraw", "reopen", "withdraw", "reopen")):
            port = (a, b)[step % 2]
            while True:
                version = api(port, "GET", f"/cases/{dnr}", token).json()["row_version"]
                body = {"reason": "Prov av flera servrar", "expected_version": version}
                reply = api(port, "POST", f"/cases/{dnr}/moves/{trigger}", token, body)
                if reply.status == 200:
                    note(dnr, "move", reply.json()["row_version"])
                    break
                if reply.status != 409:
                    errors.append(f"{trigger} {dnr}: {reply.status} {reply.text}")
                    return

    threads = [
        threading.Thread(target=editor, args=(port, dnr)) for dnr in cases for port in (a, b)
    ]
    threads += [threading.Thread(target=mover, args=(dnr,)) for dnr in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    for dnr in cases:  # no two successes were given the same version
        assert len(versions[dnr]) == len(set(versions[dnr])), (dnr, sorted(versions[dnr]))
    return done


@needs_postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_two_servers_and_two_workers_share_one_postgresql(
    database: Database, workflows: WorkflowRegistry, tmp_path: Path
) -> None:
    pg = database
    clock = SystemClock()
    add_user(db=pg, email=ADMIN, password=PASSWORD, roles=["admin", "handlaggare"], clock=clock)
    add_user(db=pg, email="bo@region.se", password=PASSWORD, roles=["beslutsfattare"], clock=clock)
    token = issue_token(db=pg, email=ADMIN, kind="api", clock=clock)
    # Reminders due today: a running project ending in 30 days is reminded today ("ending_soon";
    # a weekend moves it to the Friday before: sent today as late).
    end = local_date(clock.now()) + timedelta(days=30)
    due = [f"RUN/{n}/2026" for n in range(1, 41)]
    for number in range(1, 41):
        doc = _case_doc(number, stage="bp_genomforande", end_date=end.isoformat())
        create_case(db=pg, workflows=workflows, doc=doc, actor=ADMIN, clock=clock)
    edited = [f"RUN/{n}/2026" for n in (101, 102)]
    for number in (101, 102):
        doc = _case_doc(number, stage="bp_planering", end_date="2027-12-31")
        create_case(db=pg, workflows=workflows, doc=doc, actor=ADMIN, clock=clock)
    with pg.engine.connect() as conn:
        expected = conn.execute(text(
            "SELECT count(*) FROM reminders WHERE status = 'planned' AND remind_on <= :today"
        ), {"today": local_date(clock.now())}).scalar_one()  # fmt: skip
    assert expected >= len(due)

    sink = Sink()
    smtp_port = free_port()
    controller = start_smtp(sink, smtp_port)
    env = {"CASEFLOW_DATABASE_URL": str(PG_URL), "CASEFLOW_SMTP_HOST": "127.0.0.1",
           "CASEFLOW_SMTP_PORT": str(smtp_port),
           "CASEFLOW_MAIL_FROM": "caseflow@region.se"}  # fmt: skip
    processes: list[Process] = []
    try:
        servers = [start_server(env=env, log=tmp_path / f"serve{i}.log") for i in (1, 2)]
        processes += servers
        processes += [start(["worker", "--interval", "0.5", "--lease", "60"], env=env,
                            log=tmp_path / f"worker{i}.log") for i in (1, 2)]  # fmt: skip
        for server in servers:
            wait_until_serving(server)
        a, b = (s.port for s in servers)
        assert a is not None and b is not None

        _sessions_and_throttle(a, b)
        done = _mixed_load(a, b, token, edited)

        deadline = time.monotonic() + 40
        while len(sink.ids()) < expected:
            assert time.monotonic() < deadline, [p.output() for p in processes]
            time.sleep(0.2)
        time.sleep(1.5)  # three more ticks of each worker: nothing more may arrive
    finally:
        codes = [p.stop() for p in processes]
        controller.stop()
    logs = [p.output() for p in processes]
    # uvicorn ends on SIGTERM by raising it again once it has shut down: -15 is a clean stop.
    assert all(code in (0, -15) for code in codes[:2]) and codes[2:] == [0, 0], (codes, logs)
    assert not [log for log in logs if "Traceback" in log or "ERROR" in log], logs
    assert all("arbetaren har stannat" in log for log in logs[2:]), logs

    # No reminder sent twice: one message per reminder, each received once.
    received = Counter(sink.ids())
    assert len(received) == expected and set(received.values()) == {1}, received
    with pg.engine.connect() as conn:
        outbox = conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status")).all()
        queued = conn.execute(text("SELECT count(*) FROM reminders WHERE status = 'queued'"))
        assert dict(outbox) == {"sent": expected}
        assert queued.scalar_one() == expected

    # No lost update: every acknowledged edit and move is in the row and its history.
    for dnr in edited:
        serial = int(dnr.split("/")[1])
        with pg.engine.connect() as conn:
            budget, version, stage = conn.execute(text(
                "SELECT total_budget_sek, row_version, stage FROM cases WHERE dnr_serial = :s"
            ), {"s": serial}).one()  # fmt: skip
            events = conn.execute(text(
                "SELECT e.row_version, e.kind, e.from_stage, e.to_stage FROM case_events e "
                "JOIN cases c ON c.id = e.case_id WHERE c.dnr_serial = :s ORDER BY e.id"
            ), {"s": serial}).all()  # fmt: skip
        assert done[dnr] == {"edit": 12, "move": 4}
        assert budget == 100_000 + 1000 * done[dnr]["edit"]
        assert version == 1 + done[dnr]["edit"] + done[dnr]["move"]
        assert [e.row_version for e in events] == list(range(1, version + 1))
        moves = [(e.from_stage, e.to_stage) for e in events if e.kind == "transition"]
        assert moves == [("bp_planering", "closed"), ("closed", "bp_planering")] * 2
        assert stage == "bp_planering"
