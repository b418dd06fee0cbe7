"""The outbox end to end: enqueue in the caller's transaction, claim, deliver to a real SMTP
server (aiosmtpd on loopback), retry, fail, and a worker killed with SIGKILL mid-batch.
(tests/test_delivery.py runs the delivery rules over every mailer.)

DB-backed tests run on every backend of the `database` fixture (SQLite, and PostgreSQL when
CASEFLOW_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select

import caseflow.cli.outbox  # noqa: F401  (registers `outbox` and `worker` on the app)
from caseflow.clock import FakeClock, SystemClock
from caseflow.errors import InputError
from caseflow.mail.delivery import SendSummary, deliver, send_due
from caseflow.mail.outbox import (
    MAX_ATTEMPTS,
    backoff,
    claim_due,
    count_messages,
    enqueue,
    list_messages,
    make_message_id,
)
from caseflow.mail.smtp import SmtpMailer
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.store.models import OutboxMessage
from caseflow.worker import run_worker
from tests.conftest import BACKENDS, Run, cli_runner
from tests.smtp_sink import Sink, free_port, start_server

DOMAIN = "region.se"
SUBJECT = "Påminnelse: slutrapport för RUN/479/2024 – åäö ÅÄÖ"
LEASE = timedelta(minutes=5)


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def sink(port: int) -> Iterator[Sink]:
    controller = start_server(Sink(), port)
    yield controller.handler
    controller.stop()


@pytest.fixture
def settings(port: int) -> Settings:
    return Settings(
        smtp_host="127.0.0.1", smtp_port=port, mail_from=f"Caseflow <caseflow@{DOMAIN}>"
    )


def smtp_send(*, db: Database, settings: Settings, clock: FakeClock) -> SendSummary:
    """One `send_due` pass through the SMTP mailer `settings` describe."""
    mailer = SmtpMailer.from_settings(settings)
    return send_due(db=db, mailer=mailer, mail_from=settings.mail_from, clock=clock)


def add(db: Database, now: Any, recipients: list[str], *, prefix: str = "m") -> list[str]:
    """Enqueue one message per recipient in one transaction; return their Message-IDs."""
    with db.write() as session:
        return [
            enqueue(session=session, recipient=to, subject=SUBJECT, body_text=f"Hej {i}!\nRad två.",
                    body_html=f"<p>Hej {i}!</p>", key=f"{prefix}:{i}", now=now,
                    domain=DOMAIN).message_id
            for i, to in enumerate(recipients)
        ]  # fmt: skip


def row(db: Database, message_id: str) -> OutboxMessage:
    with db.read() as session:
        return session.exec(
            select(OutboxMessage).where(OutboxMessage.message_id == message_id)
        ).one()


# --- enqueue -------------------------------------------------------------------------------


def test_enqueue_same_key_twice_keeps_one_row(database: Database, clock: FakeClock) -> None:
    first = add(database, clock.now(), ["anna@region.se"], prefix="påminnelse")
    with database.write() as session:
        again = enqueue(session=session, recipient="bo@region.se", subject="Annat", body_text="x",
                        key="påminnelse:0", now=clock.now(), domain=DOMAIN)  # fmt: skip
    assert again.message_id == first[0] == make_message_id(key="påminnelse:0", domain=DOMAIN)
    assert again.recipient == "anna@region.se"
    assert len(list_messages(db=database)) == 1
    assert first[0].startswith("<") and first[0].endswith(f"@{DOMAIN}>")


def test_enqueue_is_part_of_the_callers_transaction(database: Database, clock: FakeClock) -> None:
    with pytest.raises(RuntimeError), database.write() as session:
        enqueue(session=session, recipient="anna@region.se", subject="Hej", body_text="x",
                key="k", now=clock.now(), domain=DOMAIN)  # fmt: skip
        raise RuntimeError("the move failed")
    assert list_messages(db=database) == []


@pytest.mark.parametrize(
    ("recipient", "subject"),
    [
        ("anna@region.se", "Hej\r\nBcc: x@y.se"),
        ("anna@region.se", "Hej\nBcc: x@y.se"),
        ("anna@region.se", "Hej\u2028Bcc: x@y.se"),
        ("anna@region.se", "Hej\x00"),
        ("anna@region.se", "x" * 301),
        ("anna@region.se", "   "),
        ("anna@region.se\r\nBcc: x@y.se", "Hej"),
        ("inte en adress", "Hej"),
    ],
)
def test_header_injection_and_bad_input_are_refused(
    sqlite_db: Database, clock: FakeClock, recipient: str, subject: str
) -> None:
    with pytest.raises(InputError), sqlite_db.write() as session:
        enqueue(session=session, recipient=recipient, subject=subject, body_text="x", key="k",
                now=clock.now(), domain=DOMAIN)  # fmt: skip
    assert list_messages(db=sqlite_db) == []


def test_backoff_doubles_from_one_minute_up_to_six_hours() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert backoff(9) == timedelta(minutes=256)
    assert backoff(10) == backoff(1000) == timedelta(hours=6)


# --- claiming ------------------------------------------------------------------------------


def test_concurrent_claimers_never_take_the_same_message(
    database: Database, clock: FakeClock
) -> None:
    expected = add(database, clock.now(), [f"p{i}@region.se" for i in range(120)])
    claimed: list[list[str]] = [[] for _ in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def claimer(index: int) -> None:
        try:
            barrier.wait()
            while batch := claim_due(db=database, now=clock.now(), limit=7, lease=LEASE):
                claimed[index] += [m.message_id for m in batch]
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    every = [m for ids in claimed for m in ids]
    assert len(every) == len(set(every)) == len(expected)
    assert set(every) == set(expected)


# SKIP LOCKED is PostgreSQL's (SQLite serialises claimers instead): only the postgresql backend,
# which runs whenever CASEFLOW_TEST_DATABASE_URL is set (CI requires it).
@pytest.mark.parametrize("database", [b for b in BACKENDS if b == "postgresql"], indirect=True)
def test_postgresql_claim_skips_rows_another_claimer_holds(
    database: Database, clock: FakeClock
) -> None:
    first, *rest = add(database, clock.now(), ["a@region.se", "b@region.se", "c@region.se"])
    result: list[list[str]] = []
    with database.engine.connect() as conn, conn.begin() as transaction:
        conn.exec_driver_sql(f"SELECT id FROM outbox WHERE message_id = '{first}' FOR UPDATE")
        thread = threading.Thread(
            target=lambda: result.append(
                [
                    m.message_id
                    for m in claim_due(db=database, now=clock.now(), limit=10, lease=LEASE)
                ]  # fmt: skip
            )
        )
        thread.start()
        thread.join(10)
        blocked = thread.is_alive()
        transaction.rollback()
    thread.join(10)
    assert not blocked, "claim_due waited for a locked row instead of skipping it"
    assert result == [rest]


def test_claim_takes_the_oldest_due_messages_first(database: Database, clock: FakeClock) -> None:
    ids = add(database, clock.now(), [f"p{i}@region.se" for i in range(5)])
    clock.advance(timedelta(minutes=1))
    add(database, clock.now() + timedelta(hours=1), ["sen@region.se"], prefix="later")
    assert [m.message_id for m in claim_due(db=database, now=clock.now(), limit=2,
                                            lease=LEASE)] == ids[:2]  # fmt: skip
    rest = claim_due(db=database, now=clock.now(), limit=10, lease=LEASE)
    assert [m.message_id for m in rest] == ids[2:]  # not `later`: it is not due yet


def test_a_claim_not_finished_is_due_again_when_the_lease_runs_out(
    database: Database, clock: FakeClock
) -> None:
    [message_id] = add(database, clock.now(), ["anna@region.se"])
    assert [m.attempts for m in claim_due(db=database, now=clock.now(), limit=10, lease=LEASE)]
    assert claim_due(db=database, now=clock.now(), limit=10, lease=LEASE) == []
    clock.advance(LEASE)
    [again] = claim_due(db=database, now=clock.now(), limit=10, lease=LEASE)
    assert (again.message_id, again.attempts, again.status) == (message_id, 2, "pending")


# --- delivery ------------------------------------------------------------------------------


def test_delivered_with_stable_message_id_utf8_subject_and_both_parts(
    database: Database, clock: FakeClock, sink: Sink, settings: Settings
) -> None:
    [message_id] = add(database, clock.now(), ["anna@region.se"])
    summary = smtp_send(db=database, settings=settings, clock=clock)
    assert (summary.claimed, summary.sent, summary.retried, summary.failed) == (1, 1, 0, 0)
    [mail] = sink.messages
    assert mail["Message-ID"] == message_id
    assert mail["Subject"] == SUBJECT
    assert mail["To"] == "anna@region.se"
    assert mail["From"] == f"Caseflow <caseflow@{DOMAIN}>"
    assert mail["Date"] == "Mon, 06 Jan 2025 09:00:00 +0000"
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain is not None and html is not None
    assert isinstance(plain, EmailMessage) and isinstance(html, EmailMessage)
    assert plain.get_content() == "Hej 0!\nRad två.\n"
    assert html.get_content() == "<p>Hej 0!</p>\n"
    stored = row(database, message_id)
    assert (stored.status, stored.sent_at, stored.attempts) == ("sent", clock.now(), 1)
    assert smtp_send(db=database, settings=settings, clock=clock).claimed == 0


def test_one_connection_is_reused_for_a_batch(
    database: Database, clock: FakeClock, sink: Sink, settings: Settings
) -> None:
    add(database, clock.now(), [f"p{i}@region.se" for i in range(5)])
    assert smtp_send(db=database, settings=settings, clock=clock).sent == 5
    assert len(sink.messages) == 5
    assert sink.ehlo == 1 and len(sink.sessions) == 1


def test_temporary_refusal_is_retried_with_backoff_then_sent(
    database: Database, clock: FakeClock, sink: Sink, settings: Settings
) -> None:
    ids = add(database, clock.now(), ["a@region.se", "b@region.se", "c@region.se"])
    sink.temporary.add("b@region.se")
    summary = smtp_send(db=database, settings=settings, clock=clock)
    assert (summary.sent, summary.retried, summary.failed) == (2, 1, 0)
    assert sink.ehlo == 1  # a and c went over the connection on which b was refused
    waiting = row(database, ids[1])
    assert waiting.status == "pending" and waiting.last_error == "451 4.3.0 försök senare"
    assert waiting.next_attempt_at == clock.now() + timedelta(minutes=1)

    assert smtp_send(db=database, settings=settings, clock=clock).claimed == 0  # not due yet
    clock.advance(timedelta(minutes=1))
    assert smtp_send(db=database, settings=settings, clock=clock).retried == 1
    assert row(database, ids[1]).next_attempt_at == clock.now() + timedelta(minutes=2)

    sink.temporary.clear()
    clock.advance(timedelta(minutes=2))
    assert smtp_send(db=database, settings=settings, clock=clock).sent == 1
    done = row(database, ids[1])
    assert (done.status, done.attempts) == ("sent", 3)
    assert sorted(sink.ids()) == sorted(ids)


@pytest.mark.parametrize(
    ("stage", "answer"),
    [("rcpt", "550 5.1.1 okänd mottagare"), ("data", "554 5.6.0 meddelandet avvisas")],
)
def test_permanent_refusal_fails_with_the_servers_answer(
    database: Database, clock: FakeClock, sink: Sink, settings: Settings, stage: str, answer: str
) -> None:
    ids = add(database, clock.now(), ["okand@region.se", "anna@region.se"])
    (sink.permanent if stage == "rcpt" else sink.refused_data).add("okand@region.se")
    summary = smtp_send(db=database, settings=settings, clock=clock)
    assert (summary.sent, summary.retried, summary.failed) == (1, 0, 1)
    failed = row(database, ids[0])
    assert (failed.status, failed.last_error, failed.attempts) == ("failed", answer, 1)
    assert [m.message_id for m in list_messages(db=database, status="failed")] == [ids[0]]


def test_outbox_list_shows_the_failed_message_and_the_servers_answer(
    sqlite_db: Database, clock: FakeClock, sink: Sink, settings: Settings, cli: Run
) -> None:
    # On SQLite only: the in-process CLI never disposes its Database, and an abandoned
    # psycopg connection is a ResourceWarning (an error here).
    ids = add(sqlite_db, clock.now(), ["okand@region.se", "anna@region.se"])
    sink.permanent.add("okand@region.se")
    smtp_send(db=sqlite_db, settings=settings, clock=clock)
    code, out, _ = cli("outbox", "list", "--status", "failed")
    assert code == 0
    assert "okand@region.se" in out and "550 5.1.1 okänd mottagare" in out
    assert "anna@region.se" not in out and "1 meddelande\n" in out
    code, out, _ = cli("outbox", "list", "--json")
    assert code == 0
    assert {r["message_id"]: r["status"] for r in json.loads(out)} == {
        ids[0]: "failed", ids[1]: "sent"
    }  # fmt: skip
    code, _, err = cli("outbox", "list", "--status", "skickad")
    assert code == 1 and "okänd status" in err


def test_outbox_resend_queues_the_failed_message_again_and_it_is_delivered(
    sqlite_db: Database, clock: FakeClock, sink: Sink, settings: Settings, cli: Run
) -> None:
    ids = add(sqlite_db, clock.now(), ["okand@region.se"])
    sink.permanent.add("okand@region.se")
    smtp_send(db=sqlite_db, settings=settings, clock=clock)
    failed = json.loads(cli("outbox", "list", "--json")[1])[0]
    assert failed["status"] == "failed" and failed["message_id"] == ids[0]
    code, out, _ = cli("outbox", "list")
    assert code == 0 and out.lstrip().startswith(f"{failed['number']} ")
    code, out, err = cli("outbox", "resend", str(failed["number"]))
    assert code == 0, err
    assert out.strip() == f"meddelande {failed['number']} till okand@region.se ligger i kö igen"
    code, _, err = cli("outbox", "resend", str(failed["number"]))  # already waiting
    assert code == 1 and "väntar redan på att skickas" in err
    code, _, err = cli("outbox", "resend", "999")
    assert code == 1 and "meddelande 999 finns inte i utkorgen" in err
    sink.permanent.clear()  # the address was fixed on the server's side
    queued = row(sqlite_db, ids[0])  # due at the CLI's (real) now
    assert (queued.status, queued.attempts, queued.last_error) == ("pending", 0, None)
    summary = smtp_send(db=sqlite_db, settings=settings, clock=FakeClock(queued.next_attempt_at))
    assert summary.sent == 1
    assert row(sqlite_db, ids[0]).status == "sent"


def test_server_down_means_retry_and_nothing_lost(
    database: Database, clock: FakeClock, port: int, settings: Settings
) -> None:
    ids = add(database, clock.now(), ["a@region.se", "b@region.se"])
    summary = smtp_send(db=database, settings=settings, clock=clock)  # nothing listens on `port`
    assert (summary.sent, summary.retried, summary.failed) == (0, 2, 0)
    waiting = row(database, ids[0])
    assert waiting.status == "pending" and waiting.last_error is not None
    assert "ingen anslutning till 127.0.0.1" in waiting.last_error

    handler = Sink()
    controller = start_server(handler, port)
    try:
        clock.advance(timedelta(minutes=1))
        assert smtp_send(db=database, settings=settings, clock=clock).sent == 2
    finally:
        controller.stop()
    assert sorted(handler.ids()) == sorted(ids)
    assert count_messages(db=database) == {"pending": 0, "sent": 2, "failed": 0}


def test_gives_up_after_max_attempts_with_the_last_error(
    sqlite_db: Database, clock: FakeClock, settings: Settings
) -> None:
    [message_id] = add(sqlite_db, clock.now(), ["anna@region.se"])
    for attempt in range(1, MAX_ATTEMPTS + 1):
        summary = smtp_send(db=sqlite_db, settings=settings, clock=clock)
        assert summary.claimed == 1
        clock.advance(backoff(attempt))
    gone = row(sqlite_db, message_id)
    assert (gone.status, gone.attempts) == ("failed", MAX_ATTEMPTS)
    assert gone.last_error is not None and "ingen anslutning" in gone.last_error


def test_deliver_reports_each_result_as_soon_as_it_is_known(
    sqlite_db: Database, clock: FakeClock, sink: Sink, settings: Settings
) -> None:
    add(sqlite_db, clock.now(), ["a@region.se", "b@region.se"])
    messages = claim_due(db=sqlite_db, now=clock.now(), limit=10, lease=LEASE)
    seen: list[int] = []
    results = asyncio.run(
        deliver(
            messages,
            SmtpMailer.from_settings(settings),
            mail_from=settings.mail_from,
            on_result=lambda r: seen.append(len(sink.messages)),
        )
    )
    assert [r.ok for r in results] == [True, True]
    assert seen == [1, 2]  # the first was reported before the second was sent


# --- command line and worker ---------------------------------------------------------------


def test_send_once_prints_the_counts(
    sqlite_db: Database,
    clock: FakeClock,
    sink: Sink,
    port: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add(sqlite_db, SystemClock().now(), ["a@region.se", "b@region.se", "c@region.se"])
    sink.temporary.add("b@region.se")
    sink.permanent.add("c@region.se")
    monkeypatch.setenv("CASEFLOW_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CASEFLOW_SMTP_PORT", str(port))
    code, out, _ = cli_runner(sqlite_db.url, capsys)("outbox", "send-once")
    assert code == 0
    assert out.strip() == "skickade 1, försöker igen senare 1, misslyckades 1"


def test_run_worker_once_sends_the_outbox(
    sqlite_db: Database, clock: FakeClock, sink: Sink, settings: Settings
) -> None:
    ids = add(sqlite_db, clock.now(), [f"p{i}@region.se" for i in range(3)])
    run_worker(
        settings=settings,
        db=sqlite_db,
        clock=clock,
        once=True,
        mailer=SmtpMailer.from_settings(settings),
    )
    assert sorted(sink.ids()) == sorted(ids)


def start_worker(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`caseflow worker --interval 1 --lease 60` in a child process (the CLI with cli_outbox)."""
    code = "import caseflow.cli.outbox; from caseflow.cli.main import main; main()"
    env = {**os.environ, "CASEFLOW_SMTP_HOST": "127.0.0.1", "CASEFLOW_SMTP_PORT": str(port),
           "CASEFLOW_MAIL_FROM": f"caseflow@{DOMAIN}"}  # fmt: skip
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-c", code, "--db", url, "worker", "--interval", "1", "--lease", "60"],
            cwd=log.parent, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_worker_killed_mid_batch_loses_nothing_and_duplicates_keep_the_message_id(
    sqlite_db: Database, sink: Sink, port: int, tmp_path: Path
) -> None:
    ids = add(sqlite_db, SystemClock().now(), [f"p{i}@region.se" for i in range(50)])
    sink.delay = 0.03
    log = tmp_path / "worker.log"
    kills = 0
    worker = start_worker(sqlite_db.url, port, log)
    try:
        wait_for(lambda: len(sink.ids()) >= 10, 20, "the first messages")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        kills += 1
        assert len(sink.ids()) < 50, "the worker finished before it was killed"
        # The dead worker's lease (60 s at least) runs out: due now, as it would be a minute on.
        with sqlite_db.write() as session:
            session.exec(update(OutboxMessage).where(col(OutboxMessage.status) == "pending")
                         .values(next_attempt_at=SystemClock().now()))  # fmt: skip

        worker = start_worker(sqlite_db.url, port, log)
        wait_for(lambda: count_messages(db=sqlite_db)["pending"] == 0, 25, "every message sent")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(15) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    received = Counter(sink.ids())
    assert set(received) == set(ids)
    assert sum(n - 1 for n in received.values()) <= kills
    assert count_messages(db=sqlite_db) == {"pending": 0, "sent": 50, "failed": 0}
    assert "arbetaren har stannat" in log.read_text()
