"""The retention tables: holds (nothing held is disposed of) and the disposal log (what was
disposed of, when, by whose decision, under which rule, and the metadata that remains).

Store layer (listed in tests/test_architecture.py); `alembic/env.py` imports it. No
`from __future__ import annotations`: SQLModel reads the annotations.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import JSON, Column, Field, SQLModel

import caseflow.records.models  # noqa: F401  (the handlings table the log refers to)
from caseflow.records.models import utc_column


class RetentionHold(SQLModel, table=True):
    """A hold (e.g. a legal hold): the case's documents, or one document, are not disposed of
    while the hold is not lifted."""

    __tablename__ = "retention_holds"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    handling_id: int | None = Field(default=None, foreign_key="handlings.id", index=True)
    reason: str = Field(max_length=2000)
    placed_by: str = Field(max_length=254)
    placed_at: datetime = utc_column()
    lifted_by: str | None = Field(default=None, max_length=254)
    lifted_at: datetime | None = utc_column(nullable=True)
    lift_reason: str | None = Field(default=None, max_length=2000)


class DisposalLog(SQLModel, table=True):
    """One disposed-of document: its files' bytes are removed; this row and the handling's own
    row (number, date, counterpart, subject, type, file names, sizes, SHA-256) remain."""

    __tablename__ = "disposal_log"

    id: int | None = Field(default=None, primary_key=True)
    handling_id: int = Field(foreign_key="handlings.id", unique=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    number: str = Field(max_length=40)  # RUN/479/2024-3
    subject: str = Field(max_length=500)
    doc_type: str = Field(max_length=64)
    rule: str = Field(max_length=100)
    legal_basis: str = Field(max_length=500)
    due_on: date
    disposed_at: datetime = utc_column()
    decided_by: str = Field(max_length=254)
    decision: str = Field(max_length=500)  # the recorded decision (e.g. a gallringsbeslut)
    files: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
