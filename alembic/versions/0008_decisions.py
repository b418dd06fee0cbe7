"""Decisions as records: the memo's signatory, annulment, anmälan at a meeting, and one live
decision per memo render (a partial unique index; earlier duplicates are annulled first).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("annulled_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("memo_renders") as batch:
        batch.add_column(sa.Column("signatory_email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("signatory_name", sa.String(length=200), nullable=True))
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("reported_meeting_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reported_paragraph", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("reported_by", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("annulled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("annulled_by", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("annul_reason", sa.String(), nullable=True))
        batch.create_foreign_key(
            "fk_decisions_reported_meeting_id_meetings", "meetings", ["reported_meeting_id"], ["id"]
        )
    _annul_duplicates()
    op.create_index("uq_decisions_memo_live", "decisions", ["memo_id"], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)  # fmt: skip


def _annul_duplicates() -> None:
    """Before the index: of several live decisions of one render, the first stays; the others
    are annulled, saying so (they were registered more than once by mistake)."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, memo_id FROM decisions WHERE memo_id IS NOT NULL ORDER BY id")
    ).all()
    first: dict[int, int] = {}
    now = datetime.now(UTC)
    for decision_id, memo_id in rows:
        if memo_id not in first:
            first[memo_id] = decision_id
            continue
        conn.execute(
            sa.text("UPDATE decisions SET annulled_at = :now, annulled_by = 'migrering 0008', "
                    "annul_reason = :why WHERE id = :id"),
            {"now": now, "id": decision_id,
             "why": f"dubblett av beslut {first[memo_id]} (samma memo registrerat flera gånger)"},
        )  # fmt: skip


def downgrade() -> None:
    op.drop_index("uq_decisions_memo_live", table_name="decisions")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_constraint("fk_decisions_reported_meeting_id_meetings", type_="foreignkey")
        for name in ("annul_reason", "annulled_by", "annulled_at", "reported_at", "reported_by",
                     "reported_paragraph", "reported_meeting_id"):  # fmt: skip
            batch.drop_column(name)
    with op.batch_alter_table("memo_renders") as batch:
        batch.drop_column("signatory_name")
        batch.drop_column("signatory_email")
