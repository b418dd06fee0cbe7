"""The records tables: Handling, HandlingFile (versions), SecrecyMark, DisclosureRequest.

Store layer (listed with `store/` in tests/test_architecture.py); `alembic/env.py` imports it so
the tables are on `SQLModel.metadata`. No `from __future__ import annotations`: SQLModel
reads the annotations.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from caseflow.store.models import UTCDateTime  # also puts `cases` etc. on the metadata

#: Directions of a handling (stored codes; Swedish labels in `records.vocabulary`).
INCOMING = "inkommande"
DRAWN_UP = "upprattad"
OUTGOING = "utgaende"
DIRECTIONS = (INCOMING, DRAWN_UP, OUTGOING)

#: Final states (a drawn-up document gets new versions until it is final).
DISPATCHED = "expedierad"
ADOPTED = "faststalld"
FINAL_STATES = (DISPATCHED, ADOPTED)


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Handling(SQLModel, table=True):
    """A registered document (allmän handling) of a case, number `n` within it: `RUN/479/2024-3`.

    `final_state` None: a drawn-up document still being worked on (new versions allowed);
    incoming documents are final from registration (`final_state` = "inkommen" is not used:
    `is_final` says it). `memo_id`/`decision_id` link the automatically registered ones.
    """

    __tablename__ = "handlings"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "number", name="uq_handlings_case_number"),
        sa.Index("ix_handlings_registered_on", "registered_on", "case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    number: int  # running number within the case, from 1
    direction: str = Field(max_length=16)  # inkommande | upprattad | utgaende
    document_date: date  # received (inkommande) or drawn up / sent
    registered_on: date  # the diarium date (Europe/Stockholm)
    counterpart: str | None = Field(default=None, max_length=300)  # sender or recipient
    subject: str = Field(max_length=500)
    doc_type: str = Field(max_length=64)  # a code from records/document_types.yaml
    is_final: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    )
    final_state: str | None = Field(default=None, max_length=16)  # expedierad | faststalld
    finalized_by: str | None = Field(default=None, max_length=254)
    finalized_at: datetime | None = utc_column(nullable=True)
    memo_id: int | None = Field(default=None, foreign_key="memo_renders.id")
    decision_id: int | None = Field(default=None, foreign_key="decisions.id")
    created_by: str = Field(max_length=254)
    created_at: datetime = utc_column()


class HandlingFile(SQLModel, table=True):
    """One version of a handling's file; the bytes sit in the file store under `sha256`."""

    __tablename__ = "handling_files"
    __table_args__ = (
        sa.UniqueConstraint("handling_id", "version", name="uq_handling_files_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    handling_id: int = Field(foreign_key="handlings.id", index=True)
    version: int  # 1, 2, … (only a drawn-up document that is not final gets more than one)
    sha256: str = Field(max_length=64, index=True)
    size: int = Field(sa_type=sa.BigInteger)
    media_type: str = Field(max_length=100)
    original_filename: str = Field(max_length=255)
    created_by: str = Field(max_length=254)
    created_at: datetime = utc_column()


class SecrecyMark(SQLModel, table=True):
    """A secrecy mark (sekretessmarkering) under an OSL provision: on a handling
    (`handling_id`), or on one field of a case (`handling_id` None, `field` the case key).
    Lifting keeps the row and records who, when and why."""

    __tablename__ = "secrecy_marks"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    handling_id: int | None = Field(default=None, foreign_key="handlings.id", index=True)
    field: str | None = Field(default=None, max_length=64)
    osl: str = Field(max_length=40)  # e.g. "OSL 31:16"
    reason: str = Field(max_length=2000)
    marked_by: str = Field(max_length=254)
    marked_at: datetime = utc_column()
    lifted_by: str | None = Field(default=None, max_length=254)
    lifted_at: datetime | None = utc_column(nullable=True)
    lift_reason: str | None = Field(default=None, max_length=2000)


class DisclosureRequest(SQLModel, table=True):
    """A request for a document (begäran om utlämnande av allmän handling). The requester may
    stay anonymous (TF 2:18); `outcome` is set when it is decided."""

    __tablename__ = "disclosure_requests"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    handling_id: int | None = Field(default=None, foreign_key="handlings.id", index=True)
    requester: str | None = Field(default=None, max_length=300)
    contact: str | None = Field(default=None, max_length=300)
    message: str | None = Field(default=None, max_length=2000)
    received_at: datetime = utc_column()
    recorded_by: str = Field(max_length=254)  # an officer, or "allmänheten" for the public page
    outcome: str | None = Field(default=None, max_length=16)  # lamnas_ut | maskerad | avslag
    outcome_reason: str | None = Field(default=None, max_length=2000)
    decided_by: str | None = Field(default=None, max_length=254)
    decided_at: datetime | None = utc_column(nullable=True)
