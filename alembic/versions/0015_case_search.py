"""Search: a full-text index over the cases the database keeps in step by itself.

SQLite: the contentless FTS5 table `cases_search` (`unicode61`, which folds Å/Ä/Ö and keeps
diacritics) with a `dnr` column (diarienummer and other diarienummer) and a `body` column (title,
purpose, follow-up comment, owner), filled by triggers on `cases` — every write path, imports
included, goes through them. PostgreSQL: a GIN index on the same text as a weighted `tsvector`
(`simple` configuration; A = diarienummer, B = words). Existing rows are back-filled.

Revision ID: 0015
Revises: 0011 (re-linked at merge)
Create Date: 2026-11-29 21:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _dnr(row: str) -> str:
    return (
        f"{row}.dnr_prefix || ' ' || {row}.dnr_serial || ' ' || {row}.dnr_year || ' ' || "
        f"coalesce({row}.other_diarienummer, '')"
    )


def _body(row: str) -> str:
    return " || ' ' || ".join(
        f"coalesce({row}.{name}, '')" for name in ("title", "purpose", "follow_up_comment", "owner")
    )


_INSERT = "INSERT INTO cases_search(rowid, dnr, body) VALUES (new.id, {dnr}, {body});"
_DELETE = (
    "INSERT INTO cases_search(cases_search, rowid, dnr, body) "
    "VALUES ('delete', old.id, {dnr}, {body});"
)
_FIELDS = "dnr_prefix, dnr_serial, dnr_year, other_diarienummer, title, purpose, follow_up_comment, owner"
_INSERT_NEW = _INSERT.format(dnr=_dnr("new"), body=_body("new"))
_DELETE_OLD = _DELETE.format(dnr=_dnr("old"), body=_body("old"))

PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, cases.dnr_prefix || ' ' ||"
    " cases.dnr_serial::text || ' ' || cases.dnr_year::text || ' ' ||"
    " translate(cases.other_diarienummer::text, '/-', '  ')), 'A') ||"
    " setweight(to_tsvector('simple'::regconfig, coalesce(cases.title, '') || ' ' ||"
    " coalesce(cases.purpose, '') || ' ' || coalesce(cases.follow_up_comment, '') || ' ' ||"
    " coalesce(cases.owner, '')), 'B'))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_cases_search ON cases USING gin ({PG_VECTOR})")
        return
    op.execute(
        "CREATE VIRTUAL TABLE cases_search USING fts5(dnr, body, content='', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        f"INSERT INTO cases_search(rowid, dnr, body) SELECT c.id, {_dnr('c')}, {_body('c')} "
        "FROM cases AS c"
    )
    op.execute(f"CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN {_INSERT_NEW} END")
    op.execute(f"CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN {_DELETE_OLD} END")
    op.execute(
        f"CREATE TRIGGER cases_search_update AFTER UPDATE OF {_FIELDS} ON cases "
        f"BEGIN {_DELETE_OLD} {_INSERT_NEW} END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_cases_search")
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS cases_search_{name}")
    op.execute("DROP TABLE IF EXISTS cases_search")
