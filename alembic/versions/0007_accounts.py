"""Web accounts (people.password_hash, auth_tokens) and the indexes of the web case list.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
    op.create_table(
        "auth_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash", name="uq_auth_tokens_hash"),
    )
    op.create_index("ix_auth_tokens_person_id", "auth_tokens", ["person_id"])
    op.create_index("ix_cases_dnr_order", "cases", ["dnr_year", "dnr_prefix", "dnr_serial"])
    op.create_index("ix_cases_area_stage", "cases", ["area", "stage"])
    op.create_index("ix_cases_owner_stage", "cases", ["owner", "stage"])
    op.create_index("ix_cases_handlaggare_stage", "cases", ["handlaggare", "stage"])
    op.create_index("ix_cases_stage_updated", "cases", ["stage", "updated_at"])


def downgrade() -> None:
    for name in ("ix_cases_stage_updated", "ix_cases_handlaggare_stage", "ix_cases_owner_stage",
                 "ix_cases_area_stage", "ix_cases_dnr_order"):
        op.drop_index(name, table_name="cases")
    op.drop_index("ix_auth_tokens_person_id", table_name="auth_tokens")
    op.drop_table("auth_tokens")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("password_hash")
