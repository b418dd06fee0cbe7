"""The e-mail outbox: rows written in the caller's transaction, claimed and marked by the worker.

Mail is never sent here (see `caseflow.mail.delivery`); this module only stores, leases and records.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, update
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel import col, select

from caseflow.domain.checks import check_email, check_text
from caseflow.errors import InputError, NotFoundError
from caseflow.store.models import OutboxMessage

if TYPE_CHECKING:
    from sqlmodel import Session

    from caseflow.store.db import Database

STATUSES = ("pending", "sent", "failed")
MAX_ATTEMPTS = 10
"""After this many attempts, a temporary error marks the message failed."""
MAX_SUBJECT = 300
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=6)
_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*$")
_LINE_BREAKS = {"\u2028", "\u2029"}


def make_message_id(*, key: str, domain: str) -> str:
    """The stable Message-ID for `key`: `<first 32 hex digits of sha256(key)@domain>`.

    Raises:
        InputError: empty key, or a domain that is not a plain host name.
    """
    if not key:
        raise InputError("meddelandenyckel saknas")
    if not _DOMAIN.match(domain) or len(domain) > 150:
        raise InputError(f"ogiltig domän för Message-ID: {domain!r}")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain.lower()}>"


def mail_domain(mail_from: str) -> str:
    """The domain part of a sender address (`Caseflow <caseflow@region.se>` → `region.se`)."""
    address = mail_from.rsplit("<", 1)[-1].rstrip("> ").strip()
    return address.rpartition("@")[2] or "localhost"


def check_subject(subject: str) -> str:
    """Return the subject stripped.

    Raises:
        InputError: empty, longer than 300 characters, or holding a line break or any other
            control character (so no header can be injected).
    """
    subject = subject.strip()
    for char in subject:
        if unicodedata.category(char) == "Cc" or char in _LINE_BREAKS:
            raise InputError(f"ämne: radbrytning eller kontrolltecken {char!r} är inte tillåtet")
    if not subject:
        raise InputError("ämne saknas")
    if len(subject) > MAX_SUBJECT:
        raise InputError(f"ämne: får vara högst {MAX_SUBJECT} tecken (fick {len(subject)})")
    return subject


def enqueue(
    *,
    session: Session,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    key: str,
    now: datetime,
    domain: str,
) -> OutboxMessage:
    """Add an e-mail to the outbox inside the caller's transaction; never commits.

    The Message-ID is derived from `key` (see `make_message_id`), so enqueueing the same key
    again, even concurrently, adds nothing and returns the row already stored (whatever its
    recipient and text). The message is due at `now`.

    Raises:
        InputError: invalid recipient, a subject with line breaks or control characters, a
            body with control characters (tab and line breaks are fine), empty key, bad domain.
    """
    recipient = check_email(recipient)
    subject = check_subject(subject)
    body_text = check_text(body_text, field="brödtext")
    if body_html is not None:
        body_html = check_text(body_html, field="HTML-text")
    message_id = make_message_id(key=key, domain=domain)
    values = {
        "message_id": message_id, "recipient": recipient, "subject": subject,
        "body_text": body_text, "body_html": body_html, "status": "pending", "attempts": 0,
        "next_attempt_at": now, "last_error": None, "created_at": now, "sent_at": None,
    }  # fmt: skip
    # ON CONFLICT DO NOTHING: a concurrent enqueue of the same key waits for the other
    # transaction and then adds nothing, instead of failing with a unique violation.
    session.exec(_insert_if_new(session, values))
    return session.exec(select(OutboxMessage).where(OutboxMessage.message_id == message_id)).one()


@dataclass(frozen=True)
class Mail:
    """One e-mail for `enqueue_many`."""

    recipient: str
    subject: str
    body_text: str
    body_html: str | None
    key: str


def enqueue_many(*, session: Session, mails: Sequence[Mail], now: datetime, domain: str) -> int:
    """`enqueue` for a batch: validated the same way, written with one INSERT … ON CONFLICT DO
    NOTHING (keys already stored add nothing). Returns how many were given.

    Raises:
        InputError: as `enqueue`, naming the first bad mail.
    """
    rows = []
    for mail in mails:
        rows.append({
            "message_id": make_message_id(key=mail.key, domain=domain),
            "recipient": check_email(mail.recipient), "subject": check_subject(mail.subject),
            "body_text": check_text(mail.body_text, field="brödtext"),
            "body_html": None if mail.body_html is None
            else check_text(mail.body_html, field="HTML-text"),
            "status": "pending", "attempts": 0, "next_attempt_at": now, "last_error": None,
            "created_at": now, "sent_at": None,
        })  # fmt: skip
    if rows:
        session.connection().execute(_insert_if_new(session, None), rows)
    return len(rows)


def _insert_if_new(session: Session, values: Mapping[str, object] | None) -> UpdateBase:
    """INSERT … ON CONFLICT (message_id) DO NOTHING; without `values`, for executemany."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(table) if values is None else pg_insert(table).values(**values)
        return pg.on_conflict_do_nothing(index_elements=["message_id"])
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    lite = sqlite_insert(table) if values is None else sqlite_insert(table).values(**values)
    return lite.on_conflict_do_nothing(index_elements=["message_id"])


def claim_due(*, db: Database, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]:
    """Lease up to `limit` pending messages due at `now`, oldest (first enqueued) first.

    In one short transaction each claimed row gets `attempts + 1` and `next_attempt_at = now +
    lease`, so no other claimer takes it while it is being sent; a worker that dies leaves it
    pending and it is due again when the lease runs out. PostgreSQL skips rows another claimer
    has locked (`FOR UPDATE SKIP LOCKED`); SQLite's `BEGIN IMMEDIATE` serialises claimers.
    The lease must be longer than sending one batch takes.

    Ordering by id lets SQLite walk `ix_outbox_status` for `pending` in id order and stop after
    `limit` due rows: fast whether the table holds a million pending rows or a million sent
    ones, with the existing single-column indexes.

    Returns:
        The claimed rows as they are after the claim (detached from any session).
    """
    if limit <= 0:
        return []
    with db.write() as session:
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", col(OutboxMessage.next_attempt_at) <= now)
            .order_by(col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(session.exec(query).all())
        until = now + lease
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = until
    return rows


def renew_lease(
    *, db: Database, held: Mapping[str, tuple[int, datetime]], until: datetime
) -> set[str]:
    """Extend to `until` the lease of each message still held as its claim left it (`held`:
    Message-ID → (attempts, lease end)); one that another claimer took after the lease ran out,
    or that is no longer pending, is left alone.

    Returns:
        The Message-IDs still held (now leased until `until`).
    """
    kept: set[str] = set()
    with db.write() as session:
        for message_id, (attempts, lease_end) in held.items():
            result = session.exec(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.message_id) == message_id,
                    col(OutboxMessage.status) == "pending",
                    col(OutboxMessage.attempts) == attempts,
                    col(OutboxMessage.next_attempt_at) == lease_end,
                )
                .values(next_attempt_at=until)
            )
            if result.rowcount:
                kept.add(message_id)
    return kept


def mark_sent(*, db: Database, message_id: str, now: datetime) -> None:
    """Record that the server accepted the message."""
    _update(db, message_id, status="sent", sent_at=now, last_error=None)


def mark_retry(
    *, db: Database, message_id: str, now: datetime, error: str, delay: timedelta
) -> None:
    """Keep the message pending; it is due again at `now + delay`. `error` is kept."""
    _update(db, message_id, status="pending", next_attempt_at=now + delay, last_error=error)


def mark_failed(*, db: Database, message_id: str, error: str) -> None:
    """Give up on the message; `error` (e.g. the server's answer) is kept for the officer."""
    _update(db, message_id, status="failed", last_error=error)


def _update(db: Database, message_id: str, **values: object) -> None:
    with db.write() as session:
        session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.message_id) == message_id)
            .values(**values)
        )


def list_messages(
    *, db: Database, status: str | None = None, limit: int | None = None, newest_first: bool = False
) -> list[OutboxMessage]:
    """Messages, oldest (or newest) first; only those with `status` if given; at most `limit`.

    Raises:
        InputError: an unknown status.
    """
    if status is not None and status not in STATUSES:
        raise InputError(f"okänd status {status!r}; välj {', '.join(STATUSES)}")
    order = (col(OutboxMessage.created_at), col(OutboxMessage.id))
    query = select(OutboxMessage).order_by(*(c.desc() for c in order) if newest_first else order)
    if limit is not None:
        query = query.limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    with db.read() as session:
        return list(session.exec(query).all())


def count_messages(*, db: Database) -> dict[str, int]:
    """How many messages have each status (every status present, zero if none)."""
    query = select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
    counts = dict.fromkeys(STATUSES, 0)
    with db.read() as session:
        for status, count in session.exec(query).all():
            counts[status] = int(count)
    return counts


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` attempts: 1 min × 2^(attempts − 1),
    at most 6 hours (1, 2, 4 … 256 min, then 6 h)."""
    exponent = max(attempts - 1, 0)
    if exponent >= 20:
        return MAX_DELAY
    return min(FIRST_DELAY * (1 << exponent), MAX_DELAY)


def should_give_up(attempts: int) -> bool:
    """After a temporary error: true once `attempts` reached MAX_ATTEMPTS."""
    return attempts >= MAX_ATTEMPTS


def get_message(*, db: Database, number: int) -> OutboxMessage:
    """The message with id `number`.

    Raises:
        NotFoundError: no such message.
    """
    with db.read() as session:
        message = session.get(OutboxMessage, number)
    if message is None:
        raise NotFoundError(f"meddelande {number} finns inte i utkorgen")
    return message


def resend(*, db: Database, number: int, now: datetime) -> OutboxMessage:
    """Put a failed (or already sent) message back in the queue, due now, its attempts reset;
    the worker sends it again with the same Message-ID (a recipient's client shows one copy).

    Raises:
        NotFoundError: no such message.
        InputError: the message is still waiting to be sent.
    """
    with db.write() as session:
        message = session.get(OutboxMessage, number, with_for_update=True)
        if message is None:
            raise NotFoundError(f"meddelande {number} finns inte i utkorgen")
        if message.status == "pending":
            raise InputError(f"meddelande {number} väntar redan på att skickas")
        message.status, message.attempts, message.next_attempt_at = "pending", 0, now
        message.last_error = None
        session.add(message)
        session.flush()
        session.refresh(message)
        session.expunge(message)
        return message
