"""Meetings: the day the minutes were posted (anslaget), from which the appeal period runs.

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-30 02:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("minutes_posted_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("minutes_posted_by", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("minutes_posted_by")
        batch.drop_column("minutes_posted_on")
