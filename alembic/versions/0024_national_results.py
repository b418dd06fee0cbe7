"""The national compilation of the regions' results reports (issue 13 item 6).

`national_results`: rows of sections 1–7, "inga insatser i tabellform" marks and section 8's
prose per region and question, per year. Full text: SQLite, the contentless FTS5 table
`national_results_search` (`unicode61`: case-folds Å/Ä/Ö and keeps the diacritics) kept by
triggers; PostgreSQL, the stored generated column `search_vector` =
`to_tsvector('swedish', region || ' ' || text)` with a GIN index.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 02:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: PostgreSQL: the words as a stored generated column (`search_vector`, as `cases` has since
#: 0022), GIN-indexed. An expression index alone made the planner scan and recompute
#: `to_tsvector` for every row (~0.4 ms each on these long texts: 300 ms a search).
PG_VECTOR = "to_tsvector('swedish'::regconfig, (region::text || ' ' || text))"


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False, server_default="")


def upgrade() -> None:
    op.create_table(
        "national_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("section", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=8), nullable=False),
        _text("insats"),
        _text("prestationer"),
        _text("effekter"),
        _text("mal"),
        _text("text"),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("imported_by", sa.String(length=254), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_national_results_year_section", "national_results", ["year", "section", "position"]
    )
    op.create_index("ix_national_results_year_region", "national_results", ["year", "region"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE national_results ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({PG_VECTOR}) STORED"
        )
        op.execute(
            "CREATE INDEX ix_national_results_search ON national_results USING gin (search_vector)"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE national_results_search USING fts5(body, content='', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        "CREATE TRIGGER national_results_search_insert AFTER INSERT ON national_results BEGIN "
        "INSERT INTO national_results_search(rowid, body) VALUES (new.id, new.region || ' ' || new.text); END"
    )
    op.execute(
        "CREATE TRIGGER national_results_search_delete AFTER DELETE ON national_results BEGIN "
        "INSERT INTO national_results_search(national_results_search, rowid, body) "
        "VALUES ('delete', old.id, old.region || ' ' || old.text); END"
    )
    op.execute(
        "CREATE TRIGGER national_results_search_update AFTER UPDATE OF region, text "
        "ON national_results BEGIN "
        "INSERT INTO national_results_search(national_results_search, rowid, body) "
        "VALUES ('delete', old.id, old.region || ' ' || old.text); "
        "INSERT INTO national_results_search(rowid, body) VALUES (new.id, new.region || ' ' || new.text); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS national_results_search_insert")
        op.execute("DROP TRIGGER IF EXISTS national_results_search_delete")
        op.execute("DROP TRIGGER IF EXISTS national_results_search_update")
        op.execute("DROP TABLE IF EXISTS national_results_search")
    op.drop_table("national_results")
