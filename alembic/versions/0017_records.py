"""Records: registered documents (handlingar) per case with running numbers, their file
versions (bytes in the file store, keyed by SHA-256), secrecy marks and requests for documents.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 23:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "handlings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("counterpart", sa.String(length=300), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("doc_type", sa.String(length=64), nullable=False),
        sa.Column("is_final", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("final_state", sa.String(length=16), nullable=True),
        sa.Column("finalized_by", sa.String(length=254), nullable=True),
        _when("finalized_at", nullable=True),
        sa.Column("memo_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        _when("created_at"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["memo_id"], ["memo_renders.id"]),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "number", name="uq_handlings_case_number"),
    )
    op.create_index("ix_handlings_case_id", "handlings", ["case_id"])
    op.create_index("ix_handlings_registered_on", "handlings", ["registered_on", "case_id"])
    op.create_table(
        "handling_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handling_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        _when("created_at"),
        sa.ForeignKeyConstraint(["handling_id"], ["handlings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handling_id", "version", name="uq_handling_files_version"),
    )
    op.create_index("ix_handling_files_handling_id", "handling_files", ["handling_id"])
    op.create_index("ix_handling_files_sha256", "handling_files", ["sha256"])
    op.create_table(
        "secrecy_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("handling_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("osl", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("marked_by", sa.String(length=254), nullable=False),
        _when("marked_at"),
        sa.Column("lifted_by", sa.String(length=254), nullable=True),
        _when("lifted_at", nullable=True),
        sa.Column("lift_reason", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["handling_id"], ["handlings.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_secrecy_marks_case_id", "secrecy_marks", ["case_id"])
    op.create_index("ix_secrecy_marks_handling_id", "secrecy_marks", ["handling_id"])
    op.create_table(
        "disclosure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("handling_id", sa.Integer(), nullable=True),
        sa.Column("requester", sa.String(length=300), nullable=True),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("message", sa.String(length=2000), nullable=True),
        _when("received_at"),
        sa.Column("recorded_by", sa.String(length=254), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_reason", sa.String(length=2000), nullable=True),
        sa.Column("decided_by", sa.String(length=254), nullable=True),
        _when("decided_at", nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["handling_id"], ["handlings.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_disclosure_requests_case_id", "disclosure_requests", ["case_id"])
    op.create_index("ix_disclosure_requests_handling_id", "disclosure_requests", ["handling_id"])


def downgrade() -> None:
    op.drop_table("disclosure_requests")
    op.drop_table("secrecy_marks")
    op.drop_table("handling_files")
    op.drop_table("handlings")
