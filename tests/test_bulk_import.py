"""The bulk paths (`cases import`, `portfolio import`, `POST /api/v1/cases/bulk`): batches of
executemany in one transaction — a bad row late in a file leaves nothing written (the people of
the file included), repeats and stored cases are found per batch, reminders are planned as the
per-case planner would, and the progress bar is drawn on a terminal only."""

from __future__ import annotations

import gc
import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from caseflow.cases import bulk
from caseflow.cases.bulk import CaseItem, bulk_import
from caseflow.clock import FakeClock, SystemClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.workdays import local_date
from caseflow.reminders.plan import replan
from caseflow.settings import PROJECT_ROOT
from caseflow.store.casemap import case_to_dict
from caseflow.store.db import Database
from caseflow.store.repo import list_cases
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run, cli_runner
from tests.test_portfolio_import import ROW, write_csv
from tests.webkit import Web

OFFICER = "handlaggare@example.se"
PERSON = {"email": OFFICER, "name": "Hanna Handläggare", "roles": ["handlaggare"]}
TABLES = ("cases", "case_events", "case_funders", "reminders", "people")


def case(i: int, **extra: Any) -> dict[str, Any]:
    """A valid case of its own: dates, a budget and two funders vary with `i`."""
    year = 2020 + i % 6
    return {
        "diarienummer": f"RUN/{i}/{year}", "title": f"Projekt {i}", "area": f"Område {i % 3}",
        "start_date": f"{year}-0{1 + i % 9}-01", "end_date": f"{year + 2}-12-31",
        "total_budget_sek": 100_000 + i, "handlaggare": OFFICER,
        "funders": [{"code": "anslag_1_1", "amount_sek": 50_000 + i, "status": "applied"},
                    {"code": "esf", "amount_sek": 1000, "status": "granted",
                     "decision_date": f"{year}-02-01"}],
        **extra,
    }  # fmt: skip


def write_cases(path: Path, cases: list[dict[str, Any]], people: bool = True) -> Path:
    """One case a line, as `cases export` would (people first)."""
    lines = [json.dumps(c, ensure_ascii=False) for c in cases]
    head = '{"people": [' + json.dumps(PERSON) + "],\n" if people else "{"
    path.write_text(head + '"cases": [\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    return path


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                for t in TABLES}  # fmt: skip


@pytest.fixture
def run(database: Database, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Run:  # fmt: skip
    monkeypatch.delenv("CASEFLOW_ACTOR", raising=False)
    return cli_runner(database.url, capsys)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    """Batches of 50, so a file of a few hundred cases spans several of them."""
    monkeypatch.setattr(bulk, "BATCH", 50)
    monkeypatch.setattr(bulk_import, "__kwdefaults__", {**bulk_import.__kwdefaults__,
                                                        "batch": 50})  # fmt: skip
    return 50


def test_a_bad_row_late_in_the_file_writes_nothing(
    database: Database, run: Run, tmp_path: Path, small_batches: int
) -> None:
    cases = [case(i) for i in range(1, 401)]
    cases[389]["funders"][0]["amount_sek"] = -5  # in the 8th batch, after 7 were written
    path = write_cases(tmp_path / "arenden.json", cases)
    code, out, err = run("cases", "import", str(path))
    line = 2 + 390  # the people line, the "cases" line, then one case a line
    assert code == 1, out
    assert err.startswith(f"fel: {path}:{line}: cases[389] (RUN/390/2020): funders.0.amount_sek:")
    assert counts(database) == dict.fromkeys(TABLES, 0)  # the file's person is not kept either
    assert gc.isenabled()  # the collector, paused for the import, runs again after a failure
    code, _, err = run("cases", "import", str(write_cases(tmp_path / "ok.json", cases[:120])))
    assert code == 0, err
    assert gc.isenabled() and counts(database)["cases"] == 120


def test_a_repeat_in_another_batch_is_found(
    database: Database, run: Run, tmp_path: Path, small_batches: int
) -> None:
    cases = [case(i) for i in range(1, 201)] + [case(7, title="Annan titel")]
    path = write_cases(tmp_path / "arenden.json", cases)
    code, _, err = run("cases", "import", str(path))
    assert code == 1 and err == f"fel: {path}:203: RUN/7/2021 förekommer två gånger i filen\n"
    assert counts(database) == dict.fromkeys(TABLES, 0)


def test_stored_cases_are_unchanged_or_refused(
    database: Database, run: Run, tmp_path: Path, small_batches: int
) -> None:
    first = write_cases(tmp_path / "a.json", [case(i) for i in range(1, 121)])
    assert run("cases", "import", str(first))[:2] == (0, "lade till 1 person\nimporterade 120 nya"
                                                         ", 0 oförändrade\n")  # fmt: skip
    before = counts(database)
    again = write_cases(tmp_path / "b.json", [case(i) for i in range(100, 181)])
    assert run("cases", "import", str(again))[1] == "importerade 60 nya, 21 oförändrade\n"
    assert counts(database)["cases"] == 180
    changed = write_cases(tmp_path / "c.json", [case(i) for i in range(300, 380)]
                          + [case(5, title="Ny titel")])  # fmt: skip
    after = counts(database)
    code, _, err = run("cases", "import", str(changed))
    assert code == 1 and f"{changed}:83: RUN/5/2025 finns redan med andra uppgifter (title)" in err
    assert counts(database) == after and after["cases"] == before["cases"] + 60


def test_a_handlaggare_registered_later_in_the_file_is_accepted(
    database: Database, run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "arenden.json"
    path.write_text(json.dumps({"cases": [case(1)], "people": [PERSON]}), encoding="utf-8")
    assert run("cases", "import", str(path))[0] == 0
    unknown = tmp_path / "okand.json"
    unknown.write_text(json.dumps({"cases": [case(2, handlaggare="ny@example.se")]}),
                       encoding="utf-8")  # fmt: skip
    code, _, err = run("cases", "import", str(unknown))
    assert code == 1 and f"{unknown}:1: RUN/2/2022: handläggare: ny@example.se är inte" in err


def test_events_and_reminders_are_as_the_per_case_path_makes_them(
    database: Database, workflows: WorkflowRegistry, run: Run, tmp_path: Path
) -> None:
    cases = [case(i) for i in range(1, 40)]
    cases += [case(i, stage="bp_genomforande") for i in range(40, 60)]
    cases += [case(60, stage="closed", outcome="completed")]
    path = write_cases(tmp_path / "arenden.json", cases)
    assert run("cases", "import", str(path))[0] == 0
    assert counts(database)["reminders"] > 0
    now = SystemClock().now()  # the command's clock: the same day
    with database.write() as session:
        stored = list_cases(session=session)
        events = dict(session.execute(text("SELECT case_id, changes FROM case_events")).all())
        for c in stored:
            assert c.id is not None
            changes = events[c.id]
            assert (json.loads(changes) if isinstance(changes, str) else changes) == case_to_dict(c)
            rules = workflows.get(c.workflow).spec.deadlines
            # the per-case planner finds nothing to change in what the batch planned
            result = replan(session.connection(), case_id=c.id, rules=rules,
                            today=local_date(now), now=now)  # fmt: skip
            assert (result.added, result.cancelled, result.moved) == (0, 0, 0), c.diarienummer
        session.rollback()


def test_progress_is_not_drawn_without_a_terminal(run: Run, tmp_path: Path) -> None:
    path = write_cases(tmp_path / "arenden.json", [case(i) for i in range(1, 30)])
    code, out, err = run("cases", "import", str(path))
    assert (code, err) == (
        0,
        "",
    ) and out == "lade till 1 person\nimporterade 29 nya, 0 oförändrade\n"


def test_json_mode_prints_only_the_counts(run: Run, tmp_path: Path) -> None:
    path = write_cases(tmp_path / "arenden.json", [case(i) for i in range(1, 30)])
    code, out, err = run("cases", "import", str(path), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"people_added": 1, "created": 29, "unchanged": 0}


def _on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run `python -m caseflow ARGS` with a pseudo-terminal as its stdout and stderr."""
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "caseflow", *args], stdout=child,
                            stderr=child, stdin=subprocess.DEVNULL, env=env,
                            cwd=PROJECT_ROOT)  # fmt: skip
    os.close(child)
    output = b""
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(main)
    return proc.wait(60), output.decode("utf-8", "replace")


def test_progress_is_drawn_on_a_terminal(sqlite_db: Database, tmp_path: Path) -> None:
    path = write_cases(tmp_path / "arenden.json", [case(i) for i in range(1, 30)])
    code, output = _on_a_terminal(["--db", sqlite_db.url, "cases", "import", str(path)])
    assert code == 0 and "importerade 29 nya" in output, output
    assert "Importerar arenden.json" in output, output
    code, output = _on_a_terminal(["--db", sqlite_db.url, "cases", "import", str(path), "--json"])
    assert code == 0 and "Importerar" not in output, output


def test_portfolio_csv_with_a_bad_row_late_writes_nothing(
    database: Database, run: Run, tmp_path: Path, small_batches: int
) -> None:
    rows = [{**ROW, "Diarienummer": f"RUN/{i}/2025"} for i in range(1, 181)]
    rows[170]["Slutdatum"] = "2025-13-01"
    path = write_csv(tmp_path / "p.csv", rows)
    code, _, err = run("portfolio", "import", str(path))
    assert code == 1 and "p.csv:172 (RUN/171/2025): end_date: ogiltigt datum" in err, err
    assert counts(database) == dict.fromkeys(TABLES, 0)
    rows[170]["Slutdatum"] = "2026-02-28"
    write_csv(path, rows)
    code, out, _ = run("portfolio", "import", str(path), "--json")
    assert code == 0 and json.loads(out) == {"created": 180, "updated": 0, "unchanged": 0}


def test_bulk_import_reads_its_source_again_after_a_lost_race(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    """`source` is called once per attempt: a retried transaction starts from the first case."""
    calls: list[int] = []

    def source() -> list[CaseItem]:
        calls.append(1)
        return [CaseItem(CaseDoc.model_validate({"diarienummer": "RUN/1/2025", "title": "x"}))]

    summary = bulk_import(db=database, workflows=workflows, source=source, actor="t", clock=clock)
    assert summary.total("created") == 1 and calls == [1]


def test_the_api_creates_many_or_none(web_any: Web) -> None:
    api = web_any.api("anna@example.se")
    body = [{"diarienummer": f"RUN/{i}/2025", "title": f"Projekt {i}"} for i in range(1, 31)]
    response = api.post("/api/v1/cases/bulk", json=body)
    assert response.status_code == 201, response.text
    assert response.json() == {"created": 30, "unchanged": 0}
    again = api.post("/api/v1/cases/bulk", json=[*body[:5], {"diarienummer": "RUN/31/2025",
                                                            "title": "Ny"}])  # fmt: skip
    assert again.status_code == 201 and again.json() == {"created": 1, "unchanged": 5}
    before = counts(web_any.db)
    bad = [{"diarienummer": f"RUN/{i}/2026", "title": "x"} for i in range(1, 20)]
    bad.append({"diarienummer": "RUN/3/2025", "title": "Annan"})
    response = api.post("/api/v1/cases/bulk", json=bad)
    assert response.status_code == 400 and "finns redan med andra uppgifter" in response.text
    response = api.post("/api/v1/cases/bulk", json=[*bad[:19], {"diarienummer": "RUN/9/2026"}])
    assert response.status_code in (400, 422), response.text
    assert counts(web_any.db) == before
    denied = web_any.api("sara@example.se").post("/api/v1/cases/bulk", json=body[:1])
    assert denied.status_code == 403


def _planner_rows(db: Database, table: str) -> float | None:
    """The row count the planner's statistics give `table` (None: no statistics)."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            found = conn.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"))
            if found.first() is None:
                return None
            stat = conn.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})
            row = stat.first()
            return None if row is None else float(str(row[0]).split()[0])
        tuples = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table}
        )
        value = float(tuples.scalar_one())
        return None if value < 0 else value


def test_a_large_import_refreshes_the_planner_statistics(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """After an import of ANALYZE_AFTER cases or more the planner knows the tables' sizes at
    once (PostgreSQL's autovacuum would get there later; until then its plans guess)."""
    monkeypatch.setattr(bulk, "ANALYZE_AFTER", 30)
    monkeypatch.setattr(bulk_import, "__kwdefaults__", {**bulk_import.__kwdefaults__,
                                                        "analyze_after": 30})  # fmt: skip
    items = [CaseItem(CaseDoc.model_validate(case(i)), f"rad {i}") for i in range(1, 30)]
    people = [bulk.PersonItem(PERSON, "rad 0")]
    bulk_import(db=database, workflows=workflows, source=lambda: [*people, *items],
                actor="test", clock=clock)  # fmt: skip
    if database.is_sqlite:  # 29 cases: under the line, no statistics made
        assert _planner_rows(database, "cases") is None
    more = [CaseItem(CaseDoc.model_validate(case(i)), f"rad {i}") for i in range(30, 90)]
    bulk_import(db=database, workflows=workflows, source=lambda: more, actor="test", clock=clock)
    assert _planner_rows(database, "cases") == 89
    assert _planner_rows(database, "case_funders") == 178
