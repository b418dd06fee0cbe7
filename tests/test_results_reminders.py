"""The results report's section owners and its deadline reminders, on every database backend and
through a real SMTP server (aiosmtpd on loopback): each deadline's reminder reaches the owners of
the sections (and the roles the rule names) once, never twice, and nothing is recorded as queued
unless its e-mail is in the outbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from caseflow.cases.engine import add_person
from caseflow.clock import FakeClock
from caseflow.domain.textformat import STOCKHOLM
from caseflow.errors import InputError, NotFoundError, UnknownPersonError
from caseflow.mail.delivery import send_due
from caseflow.mail.smtp import SmtpMailer
from caseflow.meetings.service import add_meetings
from caseflow.results.lifecycle import fire_report, report_deadlines_of
from caseflow.results.owners import add_owner, list_owners, remove_owner
from caseflow.results.reminders import queue_report_reminders, queued_reminders
from caseflow.results.service import create_report, save_answer
from caseflow.settings import PROJECT_ROOT, Settings
from caseflow.store.db import Database
from caseflow.store.models import OutboxMessage, ResultsReminder
from caseflow.worker import run_worker
from caseflow.workflow.registry import load_registry
from tests.conftest import cli_runner
from tests.factories import CLERK, DECIDER, OFFICER, add_people
from tests.smtp_sink import Sink, free_port, start_server

WORKFLOWS = load_registry(PROJECT_ROOT / "workflows")
WF = WORKFLOWS.for_subject("results_report")
REGION = "Region Jämtland Härjedalen"
SECOND = "dag@region.se"
MEETING = date(2026, 2, 11)  # a Wednesday before 21 February 2026 (a Saturday → 23 February)


class Smtp:
    def __init__(self) -> None:
        self.port = free_port()
        self.sink = Sink()
        self.controller: Controller = start_server(self.sink, self.port)
        self.mailer = SmtpMailer(host="127.0.0.1", port=self.port, timeout=10)

    def to(self, address: str) -> list[str]:
        with self.sink.lock:
            return [str(m["Subject"]) for m in self.sink.messages if str(m["To"]) == address]

    def count(self) -> int:
        with self.sink.lock:
            return len(self.sink.messages)


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    yield server
    server.controller.stop()


@pytest.fixture
def report(database: Database, clock: FakeClock) -> Database:
    add_people(database, clock)
    add_person(db=database, email=SECOND, name="Dag Handläggare", roles=["handlaggare"],
               clock=clock)  # fmt: skip
    create_report(db=database, year=2025, actor=OFFICER, clock=clock)
    add_meetings(db=database, meetings=[("RUN", MEETING, "09:00")], clock=clock)
    for section in (1, 2):
        add_owner(db=database, year=2025, section=section, email=OFFICER, actor=DECIDER,
                  clock=clock)  # fmt: skip
    add_owner(db=database, year=2025, section=3, email=SECOND, actor=DECIDER, clock=clock)
    return database


def settings(smtp: Smtp, notifications: Path | None = None) -> Settings:
    extra = {"notifications_dir": notifications} if notifications else {}
    return Settings(smtp_host="127.0.0.1", smtp_port=smtp.port, mail_from="caseflow@region.se",
                    base_url="https://caseflow.region.se", **extra)  # type: ignore[arg-type]  # fmt: skip


def at(day: date) -> FakeClock:
    return FakeClock(datetime.combine(day, time(8, 0), tzinfo=STOCKHOLM).astimezone(UTC))


def run(db: Database, smtp: Smtp, clock: FakeClock) -> tuple[int, int]:
    queued = queue_report_reminders(db=db, settings=settings(smtp), workflow=WF, clock=clock)
    sent = send_due(db=db, mailer=smtp.mailer, mail_from="caseflow@region.se", clock=clock)
    return queued.messages, sent.sent


def deadline(db: Database, rule: str) -> tuple[date, date]:
    found = report_deadlines_of(db=db, workflow=WF, year=2025, today=date(2026, 1, 1))
    item = next(d for d in found if d.rule == rule)
    return item.remind_on, item.on


def test_owners_are_set_listed_and_removed(report: Database, clock: FakeClock) -> None:
    owners = list_owners(db=report, year=2025)
    assert [(o.section, o.email, o.name) for o in owners] == [
        (1, OFFICER, "Anna Handläggare"), (2, OFFICER, "Anna Handläggare"),
        (3, SECOND, "Dag Handläggare"),
    ]  # fmt: skip
    again = add_owner(db=report, year=2025, section=3, email=SECOND.upper(), actor=DECIDER,
                      clock=clock)  # fmt: skip
    assert len(again) == 3  # already an owner: nothing added
    with pytest.raises(InputError, match="avsnitt 7 finns inte"):
        add_owner(db=report, year=2025, section=7, email=OFFICER, actor=DECIDER, clock=clock)
    with pytest.raises(UnknownPersonError, match="okänd person"):
        add_owner(db=report, year=2025, section=4, email="ingen@region.se", actor=DECIDER,
                  clock=clock)  # fmt: skip
    with pytest.raises(NotFoundError):
        add_owner(db=report, year=2024, section=4, email=OFFICER, actor=DECIDER, clock=clock)
    assert len(list_owners(db=report, year=2025)) == 3  # the refused ones changed nothing
    left = remove_owner(db=report, year=2025, section=2, email=OFFICER)
    assert [(o.section, o.email) for o in left] == [(1, OFFICER), (3, SECOND)]
    with pytest.raises(NotFoundError, match="äger inte avsnitt 2"):
        remove_owner(db=report, year=2025, section=2, email=OFFICER)


def test_each_deadline_reaches_the_section_owners_once(report: Database, smtp: Smtp) -> None:
    ready, ready_due = deadline(report, "results_draft_ready")
    assert ready_due < MEETING and ready.weekday() < 5
    assert run(report, smtp, at(date(2026, 1, 2))) == (0, 0)  # not yet due
    save_answer(db=report, workflow=WF, year=2025, slot="3.1", text="x" * 15_002, actor=SECOND,
                clock=at(ready))  # fmt: skip
    assert run(report, smtp, at(ready)) == (2, 2)
    assert len(smtp.to(OFFICER)) == 1 and len(smtp.to(SECOND)) == 1
    dag = next(m for m in smtp.sink.messages if str(m["To"]) == SECOND).get_content()
    assert "15\u00a0002 av 15\u00a0000 tecken, 2 över gränsen" in dag
    assert smtp.to(CLERK) == []  # the draft's reminder names only the owners
    assert smtp.to(OFFICER)[0].startswith("Påminnelse: Resultatredovisningen klar")
    body = next(m for m in smtp.sink.messages if str(m["To"]) == OFFICER).get_content()
    assert "1. Likvärdiga möjligheter" in body and "2. Kompetensförsörjning" in body
    assert "3. Innovation" not in body  # Dag's section, not Anna's
    assert "0 av 11\u00a0000 tecken, 11\u00a0000 kvar" in body
    assert "https://caseflow.region.se/results/2025" in body
    # A second run the same day, and the next day: nothing again.
    assert run(report, smtp, at(ready)) == (0, 0)
    assert run(report, smtp, at(ready + timedelta(days=1))) == (0, 0)
    assert smtp.count() == 2
    # The board's meeting: adoption (owners and the secretary) and the submission's notice
    # (ten working days before 23 February).
    assert run(report, smtp, at(MEETING)) == (6, 6)
    assert len(smtp.to(OFFICER)) == 3 and len(smtp.to(SECOND)) == 3 and len(smtp.to(CLERK)) == 2
    assert any("lämnas till regeringen" in s and "2026-02-23" in s for s in smtp.to(CLERK))
    assert run(report, smtp, at(MEETING)) == (0, 0)
    assert len(set(smtp.sink.ids())) == smtp.count() == 8
    rows = queued_reminders(db=report, year=2025, region=REGION)
    assert len(rows) == 8  # the submission's notice day (9 February) had passed: sent late
    assert {rule for rule, *_, late in rows if late} == {"results_submission"}


def test_a_late_reminder_goes_once_and_a_submitted_report_none(
    report: Database, smtp: Smtp, clock: FakeClock
) -> None:
    assert run(report, smtp, at(date(2026, 3, 2))) == (8, 8)  # all three passed: sent now, once
    assert all(s.startswith("Försenad frist") for s in smtp.to(SECOND))
    assert all(late for *_, late in queued_reminders(db=report, year=2025, region=REGION))
    assert run(report, smtp, at(date(2026, 3, 3))) == (0, 0)
    create_report(db=report, year=2024, actor=OFFICER, clock=clock)
    with report.write() as session:  # the 2024 report went in long ago
        from caseflow.store.models import ResultsReport

        row = session.exec(select(ResultsReport).where(ResultsReport.year == 2024)).one()
        row.status = "submitted"
    assert run(report, smtp, at(date(2026, 3, 4))) == (0, 0)


def test_nothing_is_recorded_when_the_mail_cannot_be_written(
    report: Database, smtp: Smtp, tmp_path: Path
) -> None:
    ready, _ = deadline(report, "results_draft_ready")
    with pytest.raises(InputError, match="results_deadline"):
        queue_report_reminders(db=report, settings=settings(smtp, tmp_path), workflow=WF,
                               clock=at(ready))  # fmt: skip
    with report.read() as session:
        assert session.exec(select(ResultsReminder)).all() == []
        assert session.exec(select(OutboxMessage)).all() == []
    assert run(report, smtp, at(ready)) == (2, 2)  # the next run with the templates sends


def test_without_owners_the_reports_creator_is_reminded(
    database: Database, clock: FakeClock, smtp: Smtp
) -> None:
    add_people(database, clock)
    create_report(db=database, year=2025, actor=OFFICER, clock=clock)
    add_meetings(db=database, meetings=[("RUN", MEETING, "09:00")], clock=clock)
    ready, _ = deadline(database, "results_draft_ready")
    assert run(database, smtp, at(ready)) == (1, 1)
    assert len(smtp.to(OFFICER)) == 1


def test_the_worker_queues_and_sends_the_reports_reminders(report: Database, smtp: Smtp) -> None:
    ready, _ = deadline(report, "results_draft_ready")
    for _ in range(2):
        run_worker(settings=settings(smtp), db=report, clock=at(ready), mailer=smtp.mailer,
                   once=True, workflows=WORKFLOWS)  # fmt: skip
    assert len(smtp.to(OFFICER)) == 1 and len(smtp.to(SECOND)) == 1 and smtp.count() == 2


def test_the_adopted_report_is_reminded_only_of_its_submission(
    report: Database, smtp: Smtp, clock: FakeClock
) -> None:
    from tests.test_results_lifecycle import fill

    fill(report, clock)
    fire_report(db=report, workflow=WF, year=2025, trigger="send_to_review", actor=OFFICER,
                clock=clock)  # fmt: skip
    fire_report(db=report, workflow=WF, year=2025, trigger="adopt", actor=DECIDER, clock=clock)
    assert run(report, smtp, at(date(2026, 3, 2))) == (3, 3)
    assert all("lämnas till regeringen" in s for s in smtp.to(OFFICER) + smtp.to(CLERK))


def test_the_command_line_sets_owners_and_reminds(
    report: Database, smtp: Smtp, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("CASEFLOW_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("CASEFLOW_MAIL_FROM", "caseflow@region.se")
    cli = cli_runner(report.url, capsys)
    code, out, _ = cli("results", "owner", "2025", "4", "--email", CLERK)
    assert code == 0 and "cia@region.se äger avsnitt 4 (2025)" in out
    code, out, err = cli("results", "owner", "2025", "9", "--email", CLERK)
    assert code != 0 and "fel: avsnitt 9 finns inte" in err
    code, out, _ = cli("results", "owners", "2025")
    assert "avsnitt 3: Dag Handläggare <dag@region.se>" in out and "avsnitt 9" not in out
    shown = json.loads(cli("results", "show", "2025", "--json")[1])
    assert [o["email"] for o in shown["sections"][3]["owners"]] == [CLERK]
    assert shown["sections"][2]["owners"] == [{"email": SECOND, "name": "Dag Handläggare"}]
    assert "Ägare: Dag Handläggare <dag@region.se>" in cli("results", "show", "2025")[1]
    code, out, _ = cli("results", "owner", "2025", "4", "--email", CLERK, "--remove")
    assert code == 0 and "avsnitt 4" not in out.split("\n", 1)[1]
    # Today (after February 2026) every deadline of the 2025 report has passed: sent late, once.
    code, out, err = cli("results", "remind")
    assert code == 0, err
    assert "8 påminnelser om resultatredovisningen köade" in out and "skickade 8" in out
    code, out, _ = cli("results", "remind")
    assert "0 påminnelser" in out and smtp.count() == 8


def test_two_workers_at_once_queue_each_reminder_once(report: Database, smtp: Smtp) -> None:
    import threading

    ready, _ = deadline(report, "results_draft_ready")
    barrier = threading.Barrier(2)
    counts: list[int] = []
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            summary = queue_report_reminders(db=report, settings=settings(smtp), workflow=WF,
                                             clock=at(ready))  # fmt: skip
            counts.append(summary.messages)
        except BaseException as err:  # pragma: no cover - reported below
            failures.append(err)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures and sorted(counts) == [0, 2]
    with report.read() as session:
        assert len(session.exec(select(OutboxMessage)).all()) == 2
        assert len(session.exec(select(ResultsReminder)).all()) == 2


OTHER = "Region Västernorrland"


def test_digest_mode_sends_one_mail_per_recipient(
    report: Database, smtp: Smtp, clock: FakeClock
) -> None:
    create_report(db=report, year=2025, actor=OFFICER, clock=clock, region=OTHER)  # no owners
    digest = settings(smtp).model_copy(update={"digest": True})
    ready, ready_due = deadline(report, "results_draft_ready")
    queued = queue_report_reminders(db=report, settings=digest, workflow=WF, clock=at(ready))
    # Anna owns sections 1–2 here and created the other region's report: two reminders, one
    # e-mail; Dag owns section 3: one of each.
    assert (queued.reminders, queued.messages) == (3, 2)
    assert str(queued) == "3 påminnelser om resultatredovisningen köade som 2 e-brev"
    assert send_due(db=report, mailer=smtp.mailer, mail_from="caseflow@region.se",
                    clock=at(ready)).sent == 2  # fmt: skip
    assert smtp.to(OFFICER) == [f"Påminnelser {ready}: resultatredovisningen, 2 frister"]
    assert smtp.to(SECOND) == [f"Påminnelser {ready}: resultatredovisningen, 1 frist"]
    body = next(m for m in smtp.sink.messages if str(m["To"]) == OFFICER).get_content()
    assert body.count(f"- {ready_due}: Resultatredovisningen klar") == 2
    assert f"resultatredovisning 2025, {REGION}" in body and f"2025, {OTHER}" in body
    assert "1. Likvärdiga möjligheter" in body and "3. Innovation" not in body
    assert "https://caseflow.region.se/results/2025\n" in body
    assert "https://caseflow.region.se/results/2025?region=Region%20V%C3%A4sternorrland" in body
    # Each (report, deadline, recipient) is recorded: the next run, digest or not, sends nothing.
    again = queue_report_reminders(db=report, settings=digest, workflow=WF, clock=at(ready))
    assert (again.reminders, again.messages) == (0, 0)
    assert run(report, smtp, at(ready)) == (0, 0)
    assert len(queued_reminders(db=report, year=2025, region=REGION)) == 2
    assert len(queued_reminders(db=report, year=2025, region=OTHER)) == 1
    # The board's meeting: adoption and the submission's notice for both reports, one e-mail
    # each to Anna, Dag and the secretary.
    later = queue_report_reminders(db=report, settings=digest, workflow=WF, clock=at(MEETING))
    assert later.messages == 3 and later.reminders > later.messages


def test_results_remind_takes_now_and_honours_digest(
    report: Database, smtp: Smtp, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("CASEFLOW_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("CASEFLOW_MAIL_FROM", "caseflow@region.se")
    cli = cli_runner(report.url, capsys)
    code, _, err = cli("results", "remind", "--now", "2026-13-01T08:00")
    assert code == 1 and "fel: --now: ogiltig tidpunkt '2026-13-01T08:00'" in err
    code, out, err = cli("results", "remind", "--now", "2026-01-02T08:00")
    assert code == 0, err
    assert out.startswith("0 påminnelser om resultatredovisningen köade") and smtp.count() == 0
    ready, _ = deadline(report, "results_draft_ready")
    monkeypatch.setenv("CASEFLOW_DIGEST", "true")
    code, out, err = cli("results", "remind", "--now", f"{ready}T08:00", "--no-send")
    assert code == 0, err
    assert out.strip() == "2 påminnelser om resultatredovisningen köade"  # one each: 2 mails
    rows = queued_reminders(db=report, year=2025, region=REGION)
    assert [rule for rule, *_ in rows] == ["results_draft_ready"] * 2
    code, out, err = cli("results", "remind", "--now", f"{MEETING}T08:00")
    assert code == 0, err
    assert "påminnelser om resultatredovisningen köade som 3 e-brev" in out
    assert "skickade 5" in out and smtp.count() == 5
    assert smtp.to(CLERK) == [f"Påminnelser {MEETING}: resultatredovisningen, 2 frister"]
