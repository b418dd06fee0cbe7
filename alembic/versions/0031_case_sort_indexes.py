"""Cases: an index for each of the list's sorts within a stage.

The list is mostly read one stage at a time (the board's columns lead to it), sorted by
diarienummer, project name, end date, handläggare, last change or stage. On PostgreSQL at
1,000,000 cases (docs/benchmarks.md), without an index for the sort the planner either sorted
every match (stage + area matching 147,517: by title 1,061 ms, by end date 288 ms) or walked an
index in the sort's order looking for its matches, which for a narrow filter passes over most
cases (the early stages hold the newest cases: stage idea + one area, 2,228 cases, by
diarienummer 255 ms, 800,000 rows passed over; an index on the end date alone made that sort
1,058 ms). With the stage leading each index every sort of a stage filter takes ~1-10 ms.
(stage) becomes (stage, id), the order of the sort by stage.

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-30 05:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_SORTS = {
    "ix_cases_stage_dnr": ["stage", "dnr_year", "dnr_prefix", "dnr_serial"],
    "ix_cases_stage_title": ["stage", "title", "id"],
    "ix_cases_stage_end_date": ["stage", "end_date", "id"],
    "ix_cases_stage_handlaggare": ["stage", "handlaggare", "id"],
}


def upgrade() -> None:
    for name, columns in _SORTS.items():
        op.create_index(name, "cases", columns)
    op.drop_index("ix_cases_stage", table_name="cases")
    op.create_index("ix_cases_stage", "cases", ["stage", "id"])


def downgrade() -> None:
    op.drop_index("ix_cases_stage", table_name="cases")
    op.create_index("ix_cases_stage", "cases", ["stage"])
    for name in _SORTS:
        op.drop_index(name, table_name="cases")
