"""The results report's use cases on every database backend: create, import, answer, read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from caseflow.clock import FakeClock
from caseflow.errors import ConflictError, DuplicateError, InputError, NotFoundError
from caseflow.results.form import FormError
from caseflow.results.service import (
    create_report,
    get_report,
    import_previous_answers,
    save_answer,
)
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.workflow.registry import load_registry

WF = load_registry(PROJECT_ROOT / "workflows").for_subject("results_report")
FIXTURE = Path(__file__).parent / "fixtures" / "results_exempelbotten_2024.txt"


@pytest.fixture
def db(database: Database) -> Iterator[Database]:
    """The shared fixture's database, with the results tables emptied too on PostgreSQL."""
    if not database.is_sqlite:
        with database.engine.begin() as conn:
            conn.execute(text("TRUNCATE results_answers, results_reports RESTART IDENTITY CASCADE"))
    yield database


def _new(db: Database, clock: FakeClock, year: int = 2024) -> None:
    create_report(db=db, year=year, actor="anna@region.se", clock=clock)


def test_a_new_report_is_a_draft_on_the_2024_form(db: Database, clock: FakeClock) -> None:
    _new(db, clock)
    report = get_report(db=db, year=2024)
    assert (report.status, report.form.edition, report.answers) == ("draft", "2024", {})
    assert [c.remaining for c in report.counts] == [11000, 15000, 15000, 11000, 8000, 5000]


def test_one_report_per_region_and_year(db: Database, clock: FakeClock) -> None:
    _new(db, clock)
    with pytest.raises(DuplicateError, match="finns redan en resultatredovisning för 2024"):
        _new(db, clock)
    create_report(db=db, year=2024, actor="a@x.se", clock=clock, region="Region Exempelbotten")
    with pytest.raises(FormError, match="okänd blankettutgåva"):
        create_report(db=db, year=2025, actor="a@x.se", clock=clock, form_edition="1999")
    with pytest.raises(InputError, match="ogiltigt år 24"):
        create_report(db=db, year=24, actor="a@x.se", clock=clock)


def test_answers_carry_who_when_and_a_version(db: Database, clock: FakeClock) -> None:
    _new(db, clock)
    first = save_answer(
        workflow=WF,
        db=db,
        year=2024,
        slot="1.1",
        text="Svar\r\nrad två",
        actor="a@x.se",
        clock=clock,
    )
    assert (first.text, first.version, first.updated_by) == ("Svar\nrad två", 1, "a@x.se")
    clock.advance(timedelta(minutes=5))
    second = save_answer(
        workflow=WF,
        db=db,
        year=2024,
        slot="1.1",
        text="Nytt",
        expected_version=1,
        actor="b@x.se",
        clock=clock,
    )
    assert (second.version, second.updated_by, second.updated_at) == (2, "b@x.se", clock.now())
    choice = save_answer(
        workflow=WF,
        db=db,
        year=2024,
        slot="5.1d",
        choice="Ej aktuellt",
        actor="a@x.se",
        clock=clock,
    )
    assert (choice.text, choice.choice) == ("", "Ej aktuellt")
    assert get_report(db=db, year=2024).counts[0].used == 4


def test_a_stale_version_conflicts_and_changes_nothing(db: Database, clock: FakeClock) -> None:
    _new(db, clock)
    save_answer(workflow=WF, db=db, year=2024, slot="2.1", text="A", actor="a@x.se", clock=clock)
    save_answer(
        workflow=WF,
        db=db,
        year=2024,
        slot="2.1",
        text="B",
        expected_version=1,
        actor="b@x.se",
        clock=clock,
    )
    with pytest.raises(ConflictError, match=r"svaret på 2.1 \(2024\) har ändrats av någon annan"):
        save_answer(
            workflow=WF,
            db=db,
            year=2024,
            slot="2.1",
            text="C",
            expected_version=1,
            actor="a@x.se",
            clock=clock,
        )
    with pytest.raises(ConflictError):
        save_answer(
            workflow=WF,
            db=db,
            year=2024,
            slot="2.2",
            text="C",
            expected_version=3,
            actor="a@x.se",
            clock=clock,
        )
    answers = get_report(db=db, year=2024).answers
    assert answers["2.1"].text == "B" and "2.2" not in answers


def test_two_officers_writing_different_questions_at_once_both_succeed(
    db: Database, clock: FakeClock
) -> None:
    _new(db, clock)
    errors: list[Exception] = []
    barrier = threading.Barrier(2)

    def write(slot: str) -> None:
        barrier.wait()
        try:
            save_answer(
                workflow=WF,
                db=db,
                year=2024,
                slot=slot,
                text=slot,
                expected_version=0,
                actor=slot,
                clock=clock,
            )
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=write, args=(s,)) for s in ("3.1", "3.2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {s: a.version for s, a in get_report(db=db, year=2024).answers.items()} == {
        "3.1": 1,
        "3.2": 1,
    }


def test_bad_answers_are_refused(db: Database, clock: FakeClock) -> None:
    _new(db, clock)
    cases = [
        ("9.9", "x", None, "okänd fråga '9.9'"),
        ("5.1", "x", None, "fråga 5.1 besvaras i delarna 5.1a, 5.1b, 5.1c, 5.1d"),
        ("5.1a", None, "Kanske", "välj ett av Ja, Nej, inte 'Kanske'"),
        ("1.1", None, "Ja", "fråga 1.1 har inga kryssrutor"),
        ("1.1", None, None, "ange en text eller ett kryss"),
    ]
    for slot, answer, choice, message in cases:
        with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
            save_answer(
                workflow=WF,
                db=db,
                year=2024,
                slot=slot,
                text=answer,
                choice=choice,
                actor="a",
                clock=clock,
            )
    with pytest.raises(NotFoundError, match="ingen resultatredovisning för 2023"):
        save_answer(workflow=WF, db=db, year=2023, slot="1.1", text="x", actor="a", clock=clock)
    assert get_report(db=db, year=2024).answers == {}


def test_import_fills_every_slot_once(db: Database, clock: FakeClock) -> None:
    _new(db, clock)
    outcome = import_previous_answers(
        db=db, year=2024, text=FIXTURE.read_text(encoding="utf-8"), actor="a@x.se", clock=clock
    )
    assert outcome.imported.missing == []
    report = get_report(db=db, year=2024)
    assert len(report.answers) == 31 and report.answers["5.1c"].choice == "Nej"
    assert report.answers["1.4"].text.startswith("Tolv projekt har fått stöd")
    with pytest.raises(InputError, match="har redan svar; inget importerat"):
        import_previous_answers(
            db=db, year=2024, text=FIXTURE.read_text(encoding="utf-8"), actor="a", clock=clock
        )


def test_an_incomplete_import_writes_nothing(db: Database, clock: FakeClock) -> None:
    _new(db, clock)
    partial = FIXTURE.read_text(encoding="utf-8").split("4. Tillgänglighet")[0]
    with pytest.raises(InputError, match=r"inget sparat; ej placerade frågor: 4.1, 4.2"):
        import_previous_answers(db=db, year=2024, text=partial, actor="a", clock=clock)
    assert get_report(db=db, year=2024).answers == {}
