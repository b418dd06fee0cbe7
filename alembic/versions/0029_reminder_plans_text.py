"""`reminder_plans.fingerprint` becomes text: the re-planning pass stores the summary of what the
planner read as the database builds it, and compares it there (no longer a 32-character digest).

Revision ID: 0029
Revises: 0025
Create Date: 2026-11-30 03:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0029"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The stored digests cannot be compared with the new texts: the next pass re-plans every
    # open case once (as a new day does) and stores the texts.
    op.execute("DELETE FROM reminder_plans")
    with op.batch_alter_table("reminder_plans") as batch:
        batch.alter_column("fingerprint", type_=sa.Text(),
                           existing_type=sqlmodel.sql.sqltypes.AutoString(length=32),
                           existing_nullable=False)  # fmt: skip


def downgrade() -> None:
    op.execute("DELETE FROM reminder_plans")
    with op.batch_alter_table("reminder_plans") as batch:
        batch.alter_column("fingerprint", type_=sqlmodel.sql.sqltypes.AutoString(length=32),
                           existing_type=sa.Text(), existing_nullable=False)  # fmt: skip
