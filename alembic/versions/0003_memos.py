"""Memos: the case's memo facts, rendered memos and signed decisions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("background", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(
            sa.Column("decision_basis", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(
            sa.Column("anchoring_body", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True)
        )
        batch.add_column(sa.Column("anchoring_date", sa.Date(), nullable=True))
    op.create_table(
        "memo_renders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("template_version", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("memo_date", sa.Date(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_memo_renders_case_id", "memo_renders", ["case_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("memo_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("delegation_point", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("signed_by", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["memo_id"], ["memo_renders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decisions_case_id", "decisions", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_decisions_case_id", table_name="decisions")
    op.drop_table("decisions")
    op.drop_index("ix_memo_renders_case_id", table_name="memo_renders")
    op.drop_table("memo_renders")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("anchoring_date")
        batch.drop_column("anchoring_body")
        batch.drop_column("decision_basis")
        batch.drop_column("background")
