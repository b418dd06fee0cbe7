"""Notes on a case, found by search; PostgreSQL's search text stored instead of recomputed.

- `cases.notes_text`: the text of the case's notes (each note is a `note` event with who and
  when; this column is what search reads), written in the note's transaction.
- SQLite: the FTS5 triggers of migration 0015 take `notes_text` into the `body` column; the index
  is rebuilt.
- PostgreSQL: the expression index of 0015 is replaced by a stored generated `tsvector` column
  `cases.search_vector` with a GIN index. The expression index had to recompute `to_tsvector`
  for every candidate row (a weighted query rechecks the heap), which made a broad word search
  over 100,000 cases take 0.2–0.9 s; the stored column is read instead. The configuration stays
  `simple`: searches match word beginnings (`förbered` finds `förberedande`), which the
  `swedish` stemmer would change into stems that a prefix does not always begin.

Revision ID: 0022
Revises: 0020
Create Date: 2026-11-30 00:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0022"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORDS = ("title", "purpose", "follow_up_comment", "owner")


def _dnr(row: str) -> str:
    return (
        f"{row}.dnr_prefix || ' ' || {row}.dnr_serial || ' ' || {row}.dnr_year || ' ' || "
        f"coalesce({row}.other_diarienummer, '')"
    )


def _body(row: str, words: Sequence[str]) -> str:
    return " || ' ' || ".join(f"coalesce({row}.{name}, '')" for name in words)


def _sqlite_triggers(words: Sequence[str]) -> None:
    insert = "INSERT INTO cases_search(rowid, dnr, body) VALUES (new.id, {dnr}, {body});"
    delete = (
        "INSERT INTO cases_search(cases_search, rowid, dnr, body) "
        "VALUES ('delete', old.id, {dnr}, {body});"
    )
    new = insert.format(dnr=_dnr("new"), body=_body("new", words))
    old = delete.format(dnr=_dnr("old"), body=_body("old", words))
    fields = ", ".join(("dnr_prefix", "dnr_serial", "dnr_year", "other_diarienummer", *words))
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS cases_search_{name}")
    op.execute("INSERT INTO cases_search(cases_search) VALUES ('delete-all')")
    op.execute(
        f"INSERT INTO cases_search(rowid, dnr, body) SELECT c.id, {_dnr('c')}, "
        f"{_body('c', words)} FROM cases AS c"
    )
    op.execute(f"CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN {new} END")
    op.execute(f"CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN {old} END")
    op.execute(
        f"CREATE TRIGGER cases_search_update AFTER UPDATE OF {fields} ON cases BEGIN {old} {new} END"
    )


def _pg_vector(words: Sequence[str]) -> str:
    body = " || ' ' || ".join(f"coalesce(cases.{name}, '')" for name in words)
    return (
        "(setweight(to_tsvector('simple'::regconfig, cases.dnr_prefix || ' ' ||"
        " cases.dnr_serial::text || ' ' || cases.dnr_year::text || ' ' ||"
        " translate(cases.other_diarienummer::text, '/-', '  ')), 'A') ||"
        f" setweight(to_tsvector('simple'::regconfig, {body}), 'B'))"
    )


def upgrade() -> None:
    op.add_column("cases", sa.Column("notes_text", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_cases_search")
        vector = _pg_vector((*_WORDS, "notes_text"))
        op.execute(
            f"ALTER TABLE cases ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) "
            "STORED"
        )
        op.execute("CREATE INDEX ix_cases_search_vector ON cases USING gin (search_vector)")
        return
    _sqlite_triggers((*_WORDS, "notes_text"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_cases_search_vector")
        op.execute("ALTER TABLE cases DROP COLUMN IF EXISTS search_vector")
        op.execute(f"CREATE INDEX ix_cases_search ON cases USING gin ({_pg_vector(_WORDS)})")
    else:
        _sqlite_triggers(_WORDS)
    # A plain DROP COLUMN (SQLite >= 3.35): a batch copy of `cases` would drop the table, which
    # foreign keys from its events and documents forbid once it holds rows.
    op.execute("ALTER TABLE cases DROP COLUMN notes_text")
