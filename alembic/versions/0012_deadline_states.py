"""Deadlines as things to do: a stable occurrence key per (case, rule), done / not applicable
marks (who, when, reason), and when and whether late a reminder was queued.

Existing rows take their due date as occurrence; the next re-plan adopts them by (rule, date)
and gives them the planner's key, so nothing planned or sent is lost or sent again.

Revision ID: 0012
Revises: 0008
Create Date: 2026-11-29 21:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("occurrence", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("mark", sa.String(16), nullable=True))
        batch.add_column(sa.Column("marked_by", sa.String(254), nullable=True))
        batch.add_column(sa.Column("marked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("done_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("mark_reason", sa.String(2000), nullable=True))
    op.execute(
        "UPDATE reminders SET occurrence = 'd' || CAST(due_on AS VARCHAR(10)), "
        "reminded_at = CASE WHEN status = 'queued' THEN updated_at END"
    )
    with op.batch_alter_table("reminders") as batch:
        batch.drop_constraint("uq_reminders_case_rule_due", type_="unique")
        batch.create_unique_constraint(
            "uq_reminders_case_rule_occ", ["case_id", "rule", "occurrence"]
        )


def downgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.drop_constraint("uq_reminders_case_rule_occ", type_="unique")
        batch.create_unique_constraint("uq_reminders_case_rule_due", ["case_id", "rule", "due_on"])
        for name in ("mark_reason", "done_on", "marked_at", "marked_by", "mark", "late",
                     "reminded_at", "occurrence"):  # fmt: skip
            batch.drop_column(name)
