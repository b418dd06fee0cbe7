"""Login throttling kept in the database (`login_throttle`: failures and a delay per account and
per client address, shared by every server process), and the history table refusing TRUNCATE
on PostgreSQL too (UPDATE and DELETE were refused since 0001; SQLite has no TRUNCATE).

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 23:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    if op.get_bind().dialect.name != "sqlite":
        # The function from 0001 raises "case_events is append-only" for any trigger.
        op.execute(
            "CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS case_events_no_truncate ON case_events")
    op.drop_table("login_throttle")
