"""The results report's lifecycle (workflows/results_report.yaml): its status is a workflow
state (the old "utkast" becomes "draft"), a row version for moves, and the history of moves.
The per-project deadline rule `results_report` left regional_project.yaml (version 5): the
report's deadlines are one set per region and year now, so the rule's still planned reminder
rows are cancelled here (rows already sent, or marked, are kept as they are, as history).

Revision ID: 0018
Revises: 0016 (the lead re-links the chain at merge)
Create Date: 2026-11-29 23:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("results_reports") as batch:
        batch.add_column(
            sa.Column("row_version", sa.Integer(), nullable=False, server_default="1")
        )
    op.execute("UPDATE results_reports SET status = 'draft' WHERE status = 'utkast'")
    op.create_table(
        "results_report_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("trigger", sa.String(length=64), nullable=False),
        sa.Column("from_stage", sa.String(length=64), nullable=False),
        sa.Column("to_stage", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["results_reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_results_report_events_report_id", "results_report_events", ["report_id"]
    )
    op.execute(
        "UPDATE reminders SET status = 'cancelled', updated_at = CURRENT_TIMESTAMP "
        "WHERE rule = 'results_report' AND status = 'planned'"
    )


def downgrade() -> None:
    # Cancelled `results_report` reminders stay cancelled: re-planning recreates them if the
    # per-project rule is put back in the workflow.
    op.drop_index("ix_results_report_events_report_id", table_name="results_report_events")
    op.drop_table("results_report_events")
    op.execute("UPDATE results_reports SET status = 'utkast' WHERE status = 'draft'")
    with op.batch_alter_table("results_reports") as batch:
        batch.drop_column("row_version")
