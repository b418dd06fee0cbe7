"""A moved, cancelled or reopened meeting is e-mailed to the officers of the cases on it (through
the outbox, in the changing transaction), and a cancelled meeting can be reopened; on SQLite
and PostgreSQL, with a municipality-owned project and a partner case owned by two officers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from caseflow.cases.engine import add_person, create_case
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.errors import InputError
from caseflow.mail.outbox import list_messages
from caseflow.meetings.changes import cancel_meeting, edit_meeting, reopen_meeting
from caseflow.meetings.service import add_meetings, list_meetings, schedule_case
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.factories import complete_fields
from tests.test_meeting_changes import planned, told

MUNICIPAL, PARTNER, THIRD = "RUN/7/2025", "RUN/31/2025", "RUN/44/2025"
APRIL, MAY = date(2025, 4, 2), date(2025, 5, 14)
OLA, KARIN, SIV = "ola@region.se", "karin@region.se", "siv@region.se"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url="sqlite://", base_url="https://caseflow.regionjh.se/",
                    mail_from="caseflow@regionjh.se")  # fmt: skip


def build(db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    """Ola owns the municipality's project and the partner case, Karin the third; all three on
    the April meeting; Siv is the secretary who changes it."""
    for email, name in ((OLA, "Ola Handläggare"), (KARIN, "Karin Handläggare")):
        add_person(db=db, email=email, name=name, roles=["handlaggare"], clock=clock)
    add_person(db=db, email=SIV, name="Siv Sekreterare", roles=["namndsekreterare"], clock=clock)
    cases = [
        (MUNICIPAL, OLA, {"title": "Bredband i Hackås", "owner": "Östersunds kommun",
                          "owner_is_region": False}),
        (PARTNER, OLA, {"title": "Kompetens i glesbygd", "owner": "Mittuniversitetet",
                        "owner_is_region": False}),
        (THIRD, KARIN, {"title": "Energikartläggning"}),
    ]  # fmt: skip
    for dnr, officer, fields in cases:
        doc = CaseDoc.model_validate(
            {"diarienummer": dnr, **complete_fields(handlaggare=officer, **fields)}
        )
        create_case(db=db, workflows=workflows, doc=doc, actor=officer, clock=clock)
    add_meetings(db=db, meetings=[("RUN", APRIL, "09:00")], clock=clock)
    for dnr, _, _ in cases:
        schedule_case(db=db, dnr=dnr, body="RUN", day=APRIL, actor=SIV, clock=clock,
                      rules_for=workflows.deadline_rules())  # fmt: skip


def mails(db: Database) -> dict[str, tuple[str, str]]:
    return {m.recipient: (m.subject, m.body_text) for m in list_messages(db=db)}


def test_a_move_mails_each_officer_their_own_cases_once(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, settings: Settings
) -> None:
    build(database, workflows, clock)
    change = edit_meeting(db=database, body="RUN", day=APRIL, actor=SIV, to=MAY, time="13:15",
                          clock=clock, rules_for=workflows.deadline_rules(),
                          settings=settings)  # fmt: skip
    assert change.notified == 2
    sent = mails(database)
    assert set(sent) == {OLA, KARIN}  # not the secretary who moved it
    subject, text = sent[OLA]
    assert subject == "Sammanträdet RUN 2025-04-02 är flyttat till 2025-05-14"
    assert text.startswith("Hej Ola Handläggare,")
    assert (
        "Siv Sekreterare har flyttat nämndens sammanträde RUN 2025-04-02 till 2025-05-14 "
        "kl. 13:15" in text
    )
    assert "Dina ärenden på dagordningen:" in text
    assert f"- {MUNICIPAL} Bredband i Hackås" in text and f"- {PARTNER} Kompetens" in text
    assert THIRD not in text
    assert "https://caseflow.regionjh.se/cases/RUN/7/2025" in text
    assert "https://caseflow.regionjh.se/meetings/RUN/2025-05-14" in text
    subject, text = sent[KARIN]
    assert "Ditt ärende på dagordningen:" in text and THIRD in text and MUNICIPAL not in text
    html = next(m.body_html for m in list_messages(db=database) if m.recipient == KARIN)
    assert html is not None and '<a href="https://caseflow.regionjh.se/cases/RUN/44/2025">' in html
    # Setting the same time again changes nothing and tells no one.
    again = edit_meeting(db=database, body="RUN", day=MAY, actor=SIV, time="13:15", clock=clock,
                         settings=settings)  # fmt: skip
    assert again.notified == 0 and len(list_messages(db=database)) == 2


def test_the_changer_is_not_told_and_without_settings_no_one_is(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, settings: Settings
) -> None:
    build(database, workflows, clock)
    change = edit_meeting(db=database, body="RUN", day=APRIL, actor=OLA, time="10:00",
                          clock=clock, settings=settings)  # fmt: skip
    assert change.notified == 1 and set(mails(database)) == {KARIN}
    assert "kl. 10:00" in mails(database)[KARIN][1]
    edit_meeting(db=database, body="RUN", day=APRIL, actor=SIV, time="11:00", clock=clock)
    assert len(list_messages(db=database)) == 1


def test_cancel_then_reopen_mails_replans_and_records(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, settings: Settings
) -> None:
    build(database, workflows, clock)
    rules = workflows.deadline_rules()
    before = planned(database)
    assert set(before) == {MUNICIPAL, PARTNER, THIRD}
    cancelled = cancel_meeting(db=database, body="RUN", day=APRIL, actor=SIV, clock=clock,
                               reason="För få ärenden", rules_for=rules,
                               settings=settings)  # fmt: skip
    assert cancelled.notified == 2
    subject, text = mails(database)[OLA]
    assert subject == "Sammanträdet RUN 2025-04-02 är inställt"
    assert "har ställt in nämndens sammanträde RUN 2025-04-02 (För få ärenden)" in text
    assert planned(database) == {}
    done = reopen_meeting(db=database, body="RUN", day=APRIL, actor=SIV, clock=clock,
                          rules_for=rules, settings=settings)  # fmt: skip
    assert done.notified == 2 and done.reminders_changed > 0
    assert done.warnings == ()  # April 2025 is still ahead on the test clock
    with pytest.raises(InputError, match="sammanträdet RUN 2025-04-02 är inte inställt"):
        reopen_meeting(db=database, body="RUN", day=APRIL, actor=SIV, clock=clock)
    reopened = list_meetings(db=database, body="RUN")
    assert [(m.day, m.cancelled) for m in reopened] == [(APRIL, False)]
    assert planned(database) == before
    assert told(database, THIRD)[-2:] == [
        "sammanträdet RUN 2025-04-02 som ärendet står på ställdes in: För få ärenden",
        "sammanträdet RUN 2025-04-02 som ärendet står på blir av igen",
    ]
    reopen_mails = [m for m in list_messages(db=database) if "blir av igen" in m.subject]
    assert {m.recipient for m in reopen_mails} == {OLA, KARIN}
    # Open again: a case can be put on it.
    schedule_case(db=database, dnr=THIRD, body="RUN", day=APRIL, actor=SIV, clock=clock,
                  rules_for=rules)  # fmt: skip


def test_cli_reopen_and_the_mail_counts(cli: Run) -> None:
    for args in (
        ("person", "add", OLA, "--name", "Ola Handläggare", "--role", "handlaggare"),
        ("meetings", "add", "2031-04-02"),
    ):
        code, _, err = cli(*args)
        assert code == 0, err
    code, out, err = cli("meetings", "reopen", "2031-04-02")
    assert code == 1 and "fel: sammanträdet RUN 2031-04-02 är inte inställt" in err
    code, out, err = cli("meetings", "cancel", "2031-04-02", "--reason", "Sjukdom")
    assert code == 0, err
    assert out.startswith("RUN 2031-04-02 är inställt; 0 ärenden stod på dagordningen och "
                          "0 påminnelser ställdes in")  # fmt: skip
    code, out, err = cli("meetings", "reopen", "2031-04-02")
    assert code == 0, err
    assert out.startswith("RUN 2031-04-02 blir av igen; 0 ärenden på dagordningen")
    code, out, _ = cli("meetings", "list", "--json")
    assert [m["cancelled"] for m in json.loads(out)] == [False]
    code, _, err = cli("meetings", "reopen", "2031-13-02")
    assert code != 0 and "2031-13-02" in err
