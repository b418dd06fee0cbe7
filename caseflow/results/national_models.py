"""The national compilation's table: one row per table row, "inga insatser i tabellform" mark
and section-8 answer (`kind`), per reporting year.

Store layer (listed with `store/` in tests/test_architecture.py); `alembic/env.py` imports it so
the table is on `SQLModel.metadata`. No `from __future__ import annotations`: SQLModel reads the
annotations. The full-text index (SQLite FTS5 `national_results_search` kept by triggers;
PostgreSQL's generated `search_vector` = `to_tsvector('swedish', …)` with a GIN index) is made
by migration 0024.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from caseflow.store.models import UTCDateTime

ROW = "row"  # a row of a section's table (sections 1–7)
NONE = "none"  # the region reported "inga insatser i tabellform" in the section
PROSE = "prose"  # a region's answer to one of section 8's questions
KINDS = (ROW, NONE, PROSE)

#: PostgreSQL's words of an entry: the generated column of migration 0024 (GIN-indexed;
#: `to_tsvector('swedish', region || ' ' || text)`), not a model field.
PG_VECTOR = "national_results.search_vector"


def _text() -> Any:
    return Field(default="", sa_column=Column(sa.Text(), nullable=False, server_default=""))


class NationalResult(SQLModel, table=True):
    """One entry of the national compilation of a year."""

    __tablename__ = "national_results"
    __table_args__ = (
        sa.Index("ix_national_results_year_section", "year", "section", "position"),
        sa.Index("ix_national_results_year_region", "year", "region"),
    )

    id: int | None = Field(default=None, primary_key=True)
    year: int
    kind: str = Field(max_length=8)  # row | none | prose
    section: int  # 1–7 tables, 8 the anslag 1:1 prose
    region: str = Field(max_length=64)  # the compilation's name: "Jämtland Härjedalen"
    position: int  # the entry's place in the file (its order within the year)
    line: int  # where it starts in the imported file
    question: str = Field(default="", max_length=8)  # "8.1" … "8.6" for prose
    insats: str = _text()
    prestationer: str = _text()
    effekter: str = _text()
    mal: str = _text()
    text: str = _text()  # the row's full text (the columns are a best-effort split of it)
    source: str = Field(default="", max_length=300)  # the imported file's name
    imported_by: str = Field(default="", max_length=254)
    imported_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
