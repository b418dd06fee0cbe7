"""Meetings can be cancelled (kept, with who, when and why) and their agenda ordered: a position
per agenda item, filled for existing items in the order they were put on the agenda.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-29 21:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("cancelled_by", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.String(length=500), nullable=True))
    with op.batch_alter_table("agenda_items") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE agenda_items SET position = (SELECT COUNT(*) FROM agenda_items AS earlier "
        "WHERE earlier.meeting_id = agenda_items.meeting_id AND earlier.id <= agenda_items.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("agenda_items") as batch:
        batch.drop_column("position")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_by")
        batch.drop_column("cancelled_at")
