"""Search: partial diarienummer, Swedish case-folding, several words, an index that follows every
write (edit, import, delete), on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import text

from caseflow.cases.caselist import CaseFilter, find_cases
from caseflow.cases.engine import create_case, edit_case, import_cases
from caseflow.cases.search import fts5_query, parse_query, tsquery
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import BACKENDS


def _add(
    db: Database, workflows: WorkflowRegistry, clock: FakeClock, dnr: str, **fields: Any
) -> None:
    doc = CaseDoc.model_validate({"diarienummer": dnr, "title": "Ett projekt", **fields})
    create_case(db=db, workflows=workflows, doc=doc, actor="t", clock=clock)


def _found(db: Database, q: str) -> list[str]:
    with db.reading() as conn:
        return [r.diarienummer for r in find_cases(conn, CaseFilter(q=q, per_page=200)).rows]


@pytest.fixture
def cases(database: Database, workflows: WorkflowRegistry, clock: FakeClock) -> Database:
    _add(database, workflows, clock, "RUN/479/2024",
         title="FÖRBEREDANDE studie om Älvdalens besöksnäring",
         other_diarienummer=["TRV/7731/2023"])  # fmt: skip
    _add(database, workflows, clock, "RUN/47/2024", title="Kompetensförsörjning i Östersund",
         purpose="Ett förberedande arbete för ÅTERBRUK av byggmaterial")  # fmt: skip
    _add(database, workflows, clock, "RUN/1479/2025", title="Café Éclair och ärendets väg",
         follow_up_comment="Slutrapporten ÄR försenad")  # fmt: skip
    _add(database, workflows, clock, "KS/479/2023", title="Vägar i länet",
         owner="Strömsunds kommun", owner_is_region=False)  # fmt: skip
    return database


def test_partial_diarienummer(cases: Database) -> None:
    assert _found(cases, "479") == ["KS/479/2023", "RUN/479/2024"]
    assert _found(cases, "479/2024") == ["RUN/479/2024"]
    assert _found(cases, "RUN/479") == ["RUN/479/2024"]
    assert _found(cases, "run/479/2024") == ["RUN/479/2024"]
    assert _found(cases, "ks/479") == ["KS/479/2023"]
    assert _found(cases, "1479") == ["RUN/1479/2025"]  # not a suffix: "479" is not in 1479


def test_the_last_part_is_a_prefix_the_others_whole(cases: Database) -> None:
    # "47" is typed on the way to "479": the serial matches from its start.
    assert _found(cases, "47") == ["KS/479/2023", "RUN/47/2024", "RUN/479/2024"]
    assert _found(cases, "47/2024") == ["RUN/47/2024"]  # a whole serial once a year follows
    assert _found(cases, "RUN/47") == ["RUN/47/2024", "RUN/479/2024"]
    assert _found(cases, "RUN/4790") == []


def test_other_diarienummer(cases: Database) -> None:
    assert _found(cases, "7731") == ["RUN/479/2024"]
    assert _found(cases, "trv/7731/2023") == ["RUN/479/2024"]
    assert _found(cases, "TRV/77") == ["RUN/479/2024"]


def test_swedish_case_folding(cases: Database) -> None:
    assert _found(cases, "förberedande") == ["RUN/47/2024", "RUN/479/2024"]
    assert _found(cases, "FÖRBEREDANDE") == ["RUN/47/2024", "RUN/479/2024"]
    assert _found(cases, "älvdalens") == ["RUN/479/2024"]
    assert _found(cases, "ÖSTERSUND") == ["RUN/47/2024"]
    assert _found(cases, "återbruk") == ["RUN/47/2024"]  # in the purpose
    assert _found(cases, "éclair") == ["RUN/1479/2025"]
    assert _found(cases, "CAFÉ") == ["RUN/1479/2025"]
    assert _found(cases, "slutrapporten är") == ["RUN/1479/2025"]  # the follow-up comment
    assert _found(cases, "forberedande") == []  # Ö is a letter of its own, not O with dots


def test_several_words_must_all_match(cases: Database) -> None:
    assert _found(cases, "förberedande studie") == ["RUN/479/2024"]
    assert _found(cases, "förb åter") == ["RUN/47/2024"]  # each word from its start
    assert _found(cases, "förberedande vägar") == []
    assert _found(cases, "förberedande 479") == ["RUN/479/2024"]
    assert _found(cases, "beredande") == []  # words match from their start, not inside


def test_municipality_owned_case_found_by_owner(cases: Database) -> None:
    assert _found(cases, "strömsunds") == ["KS/479/2023"]
    assert _found(cases, "STRÖMSUNDS KOMMUN") == ["KS/479/2023"]


def test_query_syntax_is_not_injected(cases: Database) -> None:
    for q in ('"', "AND", "förb* OR", "NEAR(a b)", "body:", "a & b | !c", "':*", "-", "%", "_"):
        _found(cases, q)  # never a database error
    assert _found(cases, "%") == []
    assert _found(cases, "förberedande OR") == []  # OR is a word here, not an operator


def test_index_follows_an_edit(cases: Database, clock: FakeClock) -> None:
    edit_case(db=cases, dnr="RUN/479/2024", changes={"title": "Gränsöverskridande samverkan"},
              actor="t", clock=clock)  # fmt: skip
    assert _found(cases, "förberedande") == ["RUN/47/2024"]  # the old title is gone
    assert _found(cases, "GRÄNSÖVERSKRIDANDE") == ["RUN/479/2024"]
    edit_case(db=cases, dnr="KS/479/2023", changes={"owner": "Bergs kommun"}, actor="t",
              clock=clock)  # fmt: skip
    assert _found(cases, "strömsunds") == []
    assert _found(cases, "bergs") == ["KS/479/2023"]


def test_index_follows_an_import(
    cases: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    docs = [
        CaseDoc.model_validate({"diarienummer": "RUN/479/2024", "title": "Ny rubrik för Åre"}),
        CaseDoc.model_validate({"diarienummer": "RUN/800/2026",
                                "title": "Fjällräddning i Härjedalen"}),
    ]  # fmt: skip
    import_cases(db=cases, workflows=workflows, docs=docs, actor="t", clock=clock, update=True)
    assert _found(cases, "åre") == ["RUN/479/2024"]
    assert _found(cases, "älvdalens") == []
    assert _found(cases, "HÄRJEDALEN") == ["RUN/800/2026"]
    assert _found(cases, "800") == ["RUN/800/2026"]


def test_index_follows_a_write_outside_the_engine(cases: Database) -> None:
    with cases.transaction() as conn:
        conn.execute(text("UPDATE cases SET title = 'Skärgårdens vatten' WHERE dnr_serial = 47"))
    assert _found(cases, "skärgårdens") == ["RUN/47/2024"]
    assert _found(cases, "kompetensförsörjning") == []
    if not cases.is_sqlite:
        return  # PostgreSQL's index is on the table's own columns: nothing to delete from
    # Cases are never deleted (their events are append-only); the delete trigger still holds.
    raw = sqlite3.connect(cases.engine.url.database or "")
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("DELETE FROM cases WHERE dnr_serial = 47")
    raw.commit()
    raw.close()
    assert _found(cases, "skärgårdens") == []
    assert _found(cases, "förberedande") == ["RUN/479/2024"]


def test_search_combines_with_filters(cases: Database) -> None:
    with cases.reading() as conn:
        page = find_cases(conn, CaseFilter(q="479", owner="Strömsunds kommun"))
    assert [r.diarienummer for r in page.rows] == ["KS/479/2023"]


@pytest.mark.parametrize("database", [b for b in BACKENDS if b == "postgresql"], indirect=True)
def test_postgresql_query_uses_the_index(database: Database) -> None:
    from caseflow.cases.search import PG_VECTOR

    with database.reading() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(text(
            f"EXPLAIN SELECT id FROM cases WHERE {PG_VECTOR} @@ to_tsquery('simple', 'x:*B')"
        )))  # fmt: skip
    assert "ix_cases_search" in plan


def test_query_translation() -> None:
    terms = parse_query('RUN/479 Förb "x')
    assert terms.numbers == (("run", "479"),)
    assert terms.words == ("förb", "x")
    assert fts5_query(terms) == 'dnr : ("run" + "479"*) AND body : ("förb"* AND "x"*)'
    assert tsquery(terms) == "('run':A <-> '479':*A) & 'förb':*B & 'x':*B"
    assert not parse_query(" - / ")


def test_the_query_reads_the_column_the_migration_stores() -> None:
    """PostgreSQL: the query matches the generated column of migration 0022 (title, purpose,
    comment, owner and the notes' text as words), not an expression recomputed per row."""
    from caseflow.cases.search import PG_VECTOR
    from caseflow.settings import PROJECT_ROOT

    namespace: dict[str, Any] = {}
    source = (PROJECT_ROOT / "alembic" / "versions" / "0022_case_notes.py").read_text()
    exec(compile(source.split("\n\ndef upgrade")[0], "0022", "exec"), namespace)
    column = PG_VECTOR.removeprefix("cases.")
    assert f"ADD COLUMN {column} tsvector GENERATED ALWAYS" in source
    vector = namespace["_pg_vector"]((*namespace["_WORDS"], "notes_text"))
    assert "coalesce(cases.notes_text, '')" in vector and "cases.dnr_prefix" in vector


def test_a_broad_search_finds_the_same_in_the_other_plan(
    cases: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caseflow.cases import search

    narrow = [_found(cases, q) for q in ("förberedande", "479", "ett")]
    monkeypatch.setattr(search, "BROAD", 0)  # every search takes SQLite's walk-the-list plan
    assert [_found(cases, q) for q in ("förberedande", "479", "ett")] == narrow
