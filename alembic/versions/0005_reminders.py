"""Reminders: the deadlines of each case, planned from the workflow's rules.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("remind_on", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "rule", "due_on", name="uq_reminders_case_rule_due"),
    )
    op.create_index("ix_reminders_case_id", "reminders", ["case_id"])
    op.create_index("ix_reminders_status_remind_on", "reminders", ["status", "remind_on"])


def downgrade() -> None:
    op.drop_index("ix_reminders_status_remind_on", table_name="reminders")
    op.drop_index("ix_reminders_case_id", table_name="reminders")
    op.drop_table("reminders")
