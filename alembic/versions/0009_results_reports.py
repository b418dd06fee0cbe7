"""The yearly results report (förordning 2024:99): results_reports and results_answers.

Revision ID: 0009
Revises: 0007 (0008 is being added in parallel; the chain is fixed at merge)
Create Date: 2026-11-30 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "results_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("form_edition", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region", "year", name="uq_results_reports_region_year"),
    )
    op.create_table(
        "results_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("choice", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["results_reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "slot", name="uq_results_answers_report_slot"),
    )
    op.create_index("ix_results_answers_report_id", "results_answers", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_results_answers_report_id", table_name="results_answers")
    op.drop_table("results_answers")
    op.drop_table("results_reports")
