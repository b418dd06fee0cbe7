"""SQLModel tables: Case, CaseFunder, CaseEvent (append-only history), Person, PortfolioSnapshot.

No `from __future__ import annotations` here: SQLModel resolves Relationship annotations at
class creation, and postponed annotations break that.
"""

from datetime import UTC, date, datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import JSON, Column, Field, Relationship, SQLModel


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: caseflow stores timezone-aware UTC only")
        return value.astimezone(UTC)

    def process_result_value(
        self, value: Optional[datetime], dialect: Dialect
    ) -> Optional[datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Person(SQLModel, table=True):
    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=50)
    unit: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=200)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _utc_column()
    password_hash: str | None = Field(default=None, max_length=200)  # argon2; None: no login


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        sa.UniqueConstraint("dnr_prefix", "dnr_serial", "dnr_year", name="uq_cases_diarienummer"),
        # The web list's default order and filters (caselist.py).
        sa.Index("ix_cases_dnr_order", "dnr_year", "dnr_prefix", "dnr_serial"),
        sa.Index("ix_cases_area_stage", "area", "stage"),
        sa.Index("ix_cases_owner_stage", "owner", "stage"),
        sa.Index("ix_cases_handlaggare_stage", "handlaggare", "stage"),
        sa.Index("ix_cases_stage_updated", "stage", "updated_at"),
        # The list's sorts within a stage (migration 0031: without them a stage filter either
        # sorted every match or walked an order index past most cases to find its own).
        sa.Index("ix_cases_stage_dnr", "stage", "dnr_year", "dnr_prefix", "dnr_serial"),
        sa.Index("ix_cases_stage_title", "stage", "title", "id"),
        sa.Index("ix_cases_stage_end_date", "stage", "end_date", "id"),
        sa.Index("ix_cases_stage_handlaggare", "stage", "handlaggare", "id"),
        sa.Index("ix_cases_stage", "stage", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dnr_prefix: str = Field(max_length=20)
    dnr_serial: int
    dnr_year: int
    other_diarienummer: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    title: str = Field(max_length=500)
    purpose: str | None = None
    area: str | None = Field(default=None, max_length=300)
    priority: str | None = Field(default=None, max_length=300)
    strategy: str | None = Field(default=None, max_length=300)
    start_date: date | None = None
    end_date: date | None = None
    owner: str | None = Field(default=None, max_length=300)
    owner_is_region: bool = True
    total_budget_sek: int | None = Field(default=None, sa_type=sa.BigInteger)
    own_financing: str | None = None
    follow_up_status: str | None = Field(default=None, max_length=200)
    follow_up_comment: str | None = None
    final_report_date: date | None = None
    handlaggare: str | None = Field(default=None, max_length=254, index=True)
    background: str | None = None  # the memo's Ärendebeskrivning as the officer edited it
    # The text of the case's notes (`note` events), kept for search by `cases.notes.add_note`.
    notes_text: str | None = None
    decision_basis: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    copies: list[str] = Field(  # "Utdrag till": who receives a copy of the decision
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    anchoring_body: str | None = Field(default=None, max_length=300)
    anchoring_date: date | None = None
    stage: str = Field(max_length=64)  # indexed with id (ix_cases_stage, above)
    outcome: str | None = Field(default=None, max_length=32)
    workflow: str = Field(max_length=64)
    workflow_version: int
    row_version: int = 1
    # Set by a move whose stage change affects deadlines; the worker re-plans and clears it.
    reminders_stale: bool = Field(
        default=False, sa_column=Column(sa.Boolean, nullable=False, server_default=sa.false())
    )
    created_at: datetime = _utc_column()
    updated_at: datetime = _utc_column()

    funders: list["CaseFunder"] = Relationship(
        back_populates="case",
        sa_relationship_kwargs={"order_by": "CaseFunder.position", "cascade": "all, delete-orphan"},
    )

    @property
    def diarienummer(self) -> str:
        return f"{self.dnr_prefix}/{self.dnr_serial}/{self.dnr_year}"


class CaseFunder(SQLModel, table=True):
    __tablename__ = "case_funders"
    __table_args__ = (sa.UniqueConstraint("case_id", "code", name="uq_case_funders_case_code"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    position: int = 0
    code: str = Field(max_length=64)
    amount_sek: int | None = Field(default=None, sa_type=sa.BigInteger)
    status: str = Field(default="planned", max_length=16)
    decision_date: date | None = None
    funder_case_id: str | None = Field(default=None, max_length=100)

    case: Case | None = Relationship(back_populates="funders")


class CaseEvent(SQLModel, table=True):
    """One entry of a case's history. Never updated or deleted (database triggers enforce it)."""

    __tablename__ = "case_events"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    at: datetime = _utc_column()
    actor: str = Field(max_length=254)
    kind: str = Field(max_length=16)  # create | import | edit | transition
    trigger: str | None = Field(default=None, max_length=64)
    from_stage: str | None = Field(default=None, max_length=64)
    to_stage: str | None = Field(default=None, max_length=64)
    reason: str | None = None
    changes: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    row_version: int


class PortfolioSnapshot(SQLModel, table=True):
    """The portfolio as presented to the board: every case (closed ones too) as the case JSON."""

    __tablename__ = "portfolio_snapshots"

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=200, unique=True)
    taken_at: datetime = _utc_column()
    taken_by: str = Field(max_length=254)
    as_of: date  # the meeting date the report was presented for
    cases: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    case_count: int


class MemoRender(SQLModel, table=True):
    """One rendered memo: what was produced, from which template, by whom."""

    __tablename__ = "memo_renders"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str = Field(max_length=64)
    format: str = Field(max_length=8)
    template_version: str = Field(max_length=100)
    content_hash: str = Field(max_length=64)
    memo_date: date
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=254)
    created_at: datetime = _utc_column()
    # Who the memo names as signatory: a person (--signatory) or the board's default (name only).
    # Only they may sign its decision; both None on renders stored before revision 0008.
    signatory_email: str | None = Field(default=None, max_length=254)
    signatory_name: str | None = Field(default=None, max_length=200)


class MemoFile(SQLModel, table=True):
    """A rendered memo's bytes, keyed by their SHA-256 (a render's `content_hash`); identical
    renders share one row. Renders stored before revision 0016 have none."""

    __tablename__ = "memo_files"

    content_hash: str = Field(primary_key=True, max_length=64)
    data: bytes = Field(sa_column=Column(sa.LargeBinary, nullable=False))


class Decision(SQLModel, table=True):
    """A signed decision; a delegation decision is reported at the board's next meeting.

    One live (not annulled) decision per memo render, enforced by a partial unique index.
    """

    __tablename__ = "decisions"
    __table_args__ = (
        sa.Index(
            "uq_decisions_memo_live",
            "memo_id",
            unique=True,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        ),  # fmt: skip
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    memo_id: int | None = Field(default=None, foreign_key="memo_renders.id")
    kind: str = Field(max_length=64)
    delegation_point: str | None = Field(default=None, max_length=16)
    decided_on: date
    signed_by: str = Field(max_length=254)
    created_at: datetime = _utc_column()
    reported_on: date | None = None  # the meeting it was reported at (anmäld)
    reported_meeting_id: int | None = Field(default=None, foreign_key="meetings.id")
    reported_paragraph: str | None = Field(default=None, max_length=20)  # "§ 12" in the minutes
    reported_by: str | None = Field(default=None, max_length=254)
    reported_at: datetime | None = _utc_column(nullable=True)
    annulled_at: datetime | None = _utc_column(nullable=True)
    annulled_by: str | None = Field(default=None, max_length=254)
    annul_reason: str | None = None


class Meeting(SQLModel, table=True):
    """A board meeting (sammanträde) from the year's plan."""

    __tablename__ = "meetings"
    __table_args__ = (sa.UniqueConstraint("body", "day", name="uq_meetings_body_day"),)

    id: int | None = Field(default=None, primary_key=True)
    body: str = Field(max_length=50)  # e.g. RUN
    day: date = Field(index=True)
    time: str | None = Field(default=None, max_length=5)  # "09:00", Europe/Stockholm
    created_at: datetime = _utc_column()
    # Cancelled (inställt): kept, with the reason; no longer offered for scheduling.
    cancelled_at: datetime | None = _utc_column(nullable=True)
    cancelled_by: str | None = Field(default=None, max_length=254)
    cancel_reason: str | None = Field(default=None, max_length=500)
    # The day the minutes were posted (anslaget) on the notice board; the appeal period of the
    # decisions reported at the meeting runs three weeks from it.
    minutes_posted_on: date | None = None
    minutes_posted_by: str | None = Field(default=None, max_length=254)


class AgendaItem(SQLModel, table=True):
    """A case on a meeting's agenda."""

    __tablename__ = "agenda_items"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "case_id", name="uq_agenda_meeting_case"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    added_by: str = Field(max_length=254)
    added_at: datetime = _utc_column()
    position: int | None = None  # order on the agenda (1, 2, …); None only before 0010


class OutboxMessage(SQLModel, table=True):
    """An e-mail to send, written in the transaction that decided to send it; delivered after
    commit by the worker. `message_id` is stable, so a resend after a crash is recognisable."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=200, unique=True)
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body_text: str
    body_html: str | None = None
    status: str = Field(default="pending", max_length=16, index=True)  # pending|sent|failed
    attempts: int = 0
    next_attempt_at: datetime = _utc_column(index=True)
    last_error: str | None = None
    created_at: datetime = _utc_column()
    sent_at: datetime | None = _utc_column(nullable=True)


class Reminder(SQLModel, table=True):
    """A deadline of a case from a workflow rule, and when to remind about it. Planned and
    re-planned in the transaction of the change that moves its basis; `queued` once its
    e-mails are in the outbox. `occurrence` keeps the row (and its mark: done or not applicable,
    by whom, when) when re-planning moves its date."""

    __tablename__ = "reminders"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "rule", "occurrence", name="uq_reminders_case_rule_occ"),
        sa.Index("ix_reminders_status_remind_on", "status", "remind_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    rule: str = Field(max_length=64)
    label: str = Field(max_length=200)
    due_on: date
    remind_on: date
    status: str = Field(default="planned", max_length=16)  # planned | cancelled | queued
    updated_at: datetime = _utc_column()
    occurrence: str = Field(
        default="", sa_column=Column(sa.String(40), nullable=False, server_default="")
    )
    reminded_at: datetime | None = _utc_column(nullable=True)  # when its e-mails were queued
    late: bool = Field(  # queued after its reminder day had passed
        default=False, sa_column=Column(sa.Boolean, nullable=False, server_default=sa.false())
    )
    mark: str | None = Field(default=None, max_length=16)  # done | not_applicable
    marked_by: str | None = Field(default=None, max_length=254)
    marked_at: datetime | None = _utc_column(nullable=True)
    done_on: date | None = None
    mark_reason: str | None = Field(default=None, max_length=2000)


class ReminderPlan(SQLModel, table=True):
    """The fingerprint of the facts a case's reminders were last planned from by the periodic
    pass (rules, day, stage, dates, meetings): a pass that finds it unchanged skips the case."""

    __tablename__ = "reminder_plans"

    case_id: int = Field(foreign_key="cases.id", primary_key=True)
    # What the planner read, as text the database builds (rules' digest, day, stage, dates,
    # entering events' last id and count, meeting days): compared in SQL (`replan_all`).
    fingerprint: str = Field(sa_column=Column(sa.Text, nullable=False))


class AuthToken(SQLModel, table=True):
    """A login session, an API token or a calendar feed token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"
    __table_args__ = (sa.UniqueConstraint("token_hash", name="uq_auth_tokens_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)  # session | api | calendar
    token_hash: str = Field(max_length=64)
    created_at: datetime = _utc_column()
    expires_at: datetime | None = _utc_column(nullable=True)
    revoked_at: datetime | None = _utc_column(nullable=True)


class ResultsReport(SQLModel, table=True):
    """A region's yearly results report under förordning (2024:99), on one form edition."""

    __tablename__ = "results_reports"
    __table_args__ = (sa.UniqueConstraint("region", "year", name="uq_results_reports_region_year"),)

    id: int | None = Field(default=None, primary_key=True)
    region: str = Field(max_length=200)
    year: int  # the year reported on; due 21 February the year after
    form_edition: str = Field(max_length=32)
    status: str = Field(default="draft", max_length=32)  # a state of workflows/results_report.yaml
    created_by: str = Field(max_length=254)
    created_at: datetime = _utc_column()
    row_version: int = Field(  # bumped by every move, so two moves at once cannot both pass
        default=1, sa_column=Column(sa.Integer, nullable=False, server_default="1")
    )


class ResultsReportEvent(SQLModel, table=True):
    """One move of a results report through its workflow: who, when, from where to where."""

    __tablename__ = "results_report_events"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="results_reports.id", index=True, ondelete="CASCADE")
    at: datetime = _utc_column()
    actor: str = Field(max_length=254)
    trigger: str = Field(max_length=64)
    from_stage: str = Field(max_length=64)
    to_stage: str = Field(max_length=64)
    reason: str | None = None
    row_version: int


class ResultsAnswer(SQLModel, table=True):
    """The answer in one slot of a report ("1.1", or a part such as "5.1a"): text, check box,
    who wrote it when, and a row version so two officers never overwrite each other unseen."""

    __tablename__ = "results_answers"
    __table_args__ = (
        sa.UniqueConstraint("report_id", "slot", name="uq_results_answers_report_slot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="results_reports.id", index=True, ondelete="CASCADE")
    slot: str = Field(max_length=16)
    text: str = Field(default="", sa_column=Column(sa.Text(), nullable=False))
    choice: str | None = Field(default=None, max_length=32)
    version: int = 1
    updated_by: str = Field(max_length=254)
    updated_at: datetime = _utc_column()


class ResultsSectionOwner(SQLModel, table=True):
    """An officer who owns (writes) one section of a report; the report's reminders go to them."""

    __tablename__ = "results_section_owners"
    __table_args__ = (
        sa.UniqueConstraint("report_id", "section", "email", name="uq_results_section_owners"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="results_reports.id", index=True, ondelete="CASCADE")
    section: int
    email: str = Field(max_length=254)
    assigned_by: str = Field(max_length=254)
    assigned_at: datetime = _utc_column()


class ResultsReminder(SQLModel, table=True):
    """A report deadline's reminder queued for one recipient (written in the transaction that
    puts its e-mail in the outbox, so it is never queued twice nor lost)."""

    __tablename__ = "results_reminders"
    __table_args__ = (
        sa.UniqueConstraint("report_id", "rule", "recipient", name="uq_results_reminders"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="results_reports.id", index=True, ondelete="CASCADE")
    rule: str = Field(max_length=64)
    occurrence: str = Field(max_length=64)
    recipient: str = Field(max_length=254)
    due_on: date
    remind_on: date
    late: bool = False
    queued_at: datetime = _utc_column()


class LoginThrottle(SQLModel, table=True):
    """Failed logins per key ("account:<e-mail>" or "client:<address>"), shared by every
    server process: consecutive failures, the last one, and until when attempts must wait."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=300)
    failures: int = Field(default=0)
    last_failure: datetime = _utc_column()
    blocked_until: datetime | None = _utc_column(nullable=True)
