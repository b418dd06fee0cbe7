"""The results report's section owners and the reminders queued for its deadlines.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30 02:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "results_section_owners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("assigned_by", sa.String(length=254), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["results_reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "section", "email", name="uq_results_section_owners"),
    )
    op.create_index(
        "ix_results_section_owners_report_id", "results_section_owners", ["report_id"]
    )
    op.create_table(
        "results_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("occurrence", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("remind_on", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["results_reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "report_id", "rule", "recipient", name="uq_results_reminders"
        ),
    )
    op.create_index("ix_results_reminders_report_id", "results_reminders", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_results_reminders_report_id", table_name="results_reminders")
    op.drop_table("results_reminders")
    op.drop_index("ix_results_section_owners_report_id", table_name="results_section_owners")
    op.drop_table("results_section_owners")
