"""Retention: holds (nothing held is disposed of) and the disposal log.

Revision ID: 0023
Revises: 0022 (needs the handlings table of 0017)
Create Date: 2026-11-30 00:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "retention_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("handling_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("placed_by", sa.String(length=254), nullable=False),
        _when("placed_at"),
        sa.Column("lifted_by", sa.String(length=254), nullable=True),
        _when("lifted_at", nullable=True),
        sa.Column("lift_reason", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["handling_id"], ["handlings.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_retention_holds_case_id", "retention_holds", ["case_id"])
    op.create_index("ix_retention_holds_handling_id", "retention_holds", ["handling_id"])
    op.create_table(
        "disposal_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handling_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("doc_type", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("legal_basis", sa.String(length=500), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        _when("disposed_at"),
        sa.Column("decided_by", sa.String(length=254), nullable=False),
        sa.Column("decision", sa.String(length=500), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["handling_id"], ["handlings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handling_id"),
    )
    op.create_index("ix_disposal_log_case_id", "disposal_log", ["case_id"])


def downgrade() -> None:
    op.drop_table("disposal_log")
    op.drop_table("retention_holds")
