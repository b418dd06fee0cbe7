"""caselist's count cap, and the planner statistics the list relies on."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from caseflow.cases import caselist
from caseflow.cases.caselist import CaseFilter, find_cases
from caseflow.cases.engine import create_case
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry


def test_count_stops_ahead_of_the_page_and_says_so(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    for serial in range(1, 9):
        doc = CaseDoc(diarienummer=f"RUN/{serial}/2025", title=f"P{serial}")
        create_case(db=database, workflows=workflows, doc=doc, actor="t", clock=clock)
    with database.reading() as conn:
        exact = find_cases(conn, CaseFilter(per_page=2))
        assert (exact.total, exact.total_exact, exact.pages) == (8, True, 4)
        monkeypatch.setattr(caselist, "COUNT_AHEAD", 3)
        first = find_cases(conn, CaseFilter(per_page=2))
        assert (first.total, first.total_exact) == (3, False)
        third = find_cases(conn, CaseFilter(per_page=2, page=3))  # counts to 4 + 3 + 1 = 8
        assert (third.total, third.total_exact) == (7, False)
        assert [r.diarienummer for r in third.rows] == ["RUN/5/2025", "RUN/6/2025"]
        last = find_cases(conn, CaseFilter(per_page=2, page=4))
        assert (last.total, last.total_exact) == (8, True)


def test_optimize_gives_sqlite_planner_statistics(sqlite_db: Database) -> None:
    sqlite_db.optimize()
    with sqlite_db.reading() as conn:
        assert conn.execute(text("SELECT count(*) FROM sqlite_master "
                                 "WHERE name = 'sqlite_stat1'")).scalar_one() == 1  # fmt: skip
    sqlite_db.optimize()  # the second time: PRAGMA optimize
