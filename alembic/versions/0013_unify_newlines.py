"""Line breaks stored as LF: text written before the form, API and import unified them may hold
CRLF (browsers send a textarea's lines so) or a lone CR; both become LF, so an unchanged text
compares equal and exports carry no `\\r`. Data only: no schema change, no history event.

Revision ID: 0013
Revises: 0008
Create Date: 2026-11-29 21:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The cases' free-text columns (kinds text and long_text in caseflow/domain/casefields.py).
TEXT_COLUMNS = (
    "title", "purpose", "area", "priority", "owner", "own_financing", "follow_up_status",
    "follow_up_comment", "background", "anchoring_body",
)  # fmt: skip


def upgrade() -> None:
    cases = sa.table("cases", *(sa.column(name, sa.Text) for name in TEXT_COLUMNS))
    for name in TEXT_COLUMNS:
        column = cases.c[name]
        unified = sa.func.replace(sa.func.replace(column, "\r\n", "\n"), "\r", "\n")
        op.execute(cases.update().where(column.like("%\r%")).values({name: unified}))


def downgrade() -> None:
    """Nothing to undo: LF is as valid as the CRLF it replaced."""
