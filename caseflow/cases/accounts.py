"""Web accounts: argon2 passwords and opaque tokens (login sessions, API, calendar feeds).

A token is 32 random bytes shown once; the database keeps only its SHA-256, so a leaked
database gives no working token. Every token can be revoked; sessions also expire.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, func, or_, select, update
from sqlmodel import col

from caseflow.cases.people import add_person
from caseflow.clock import Clock
from caseflow.domain.checks import check_email, check_text
from caseflow.domain.roles import check_role
from caseflow.errors import DuplicateError, InputError
from caseflow.store.db import Database
from caseflow.store.models import AuthToken, Person
from caseflow.store.prepared import CursorTransaction, Prepared
from caseflow.store.repo import get_person, require_person

TOKEN_KINDS = ("session", "api", "calendar")
SESSION_TTL = timedelta(hours=12)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the e-mail is unknown, so a wrong address costs as long as a wrong
    password; computed on first use (an argon2 hash at import slowed every CLI start)."""
    return _hasher.hash("caseflow-no-such-user")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as."""

    id: int
    email: str
    name: str
    roles: tuple[str, ...]

    def has(self, *roles: str) -> bool:
        return bool(set(self.roles) & set(roles))


def check_password(password: str) -> str:
    """Raises InputError unless the password is 10–1024 characters without line breaks."""
    if "\n" in password or "\r" in password:
        raise InputError("lösenordet får inte innehålla radbrytningar")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"lösenordet måste ha minst {MIN_PASSWORD} tecken")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"lösenordet får ha högst {MAX_PASSWORD} tecken")
    return password


def add_user(
    *,
    db: Database,
    email: str,
    password: str,
    roles: Sequence[str],
    clock: Clock,
    name: str | None = None,
) -> Person:
    """Give a person a login; registers the person first if unknown (name from the address).

    Raises:
        InputError: bad address, role or password. DuplicateError: the person already has a login.
    """
    address = check_email(email)
    check_password(password)
    for role in roles:
        check_role(role)
    with db.read() as session:
        person = get_person(session=session, email=address)
    if person is None:
        local = address.split("@", 1)[0].replace(".", " ").replace("_", " ")
        add_person(db=db, email=address, name=name or local.title(), roles=roles, clock=clock)
    digest = _hasher.hash(password)
    with db.write() as session:
        person = require_person(session=session, email=address)
        if person.password_hash is not None:
            raise DuplicateError(f"{address} har redan ett konto")
        person.password_hash = digest
        person.roles = sorted({*person.roles, *roles})
        if name:
            person.name = check_text(name, field="namn", max_length=200)
        session.add(person)
        return person


def authenticate(*, db: Database, email: str, password: str) -> Principal | None:
    """The principal if the password matches, else None (same work for unknown addresses)."""
    address = email.strip().lower()
    with db.read() as session:
        person = get_person(session=session, email=address) if len(address) <= 254 else None
    stored = person.password_hash if person is not None else None
    try:
        _hasher.verify(stored or _dummy_hash(), password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if person is None or stored is None or person.id is None:
        return None
    return Principal(person.id, person.email, person.name, tuple(person.roles))


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(
    *, db: Database, email: str, kind: str, clock: Clock, ttl: timedelta | None = None
) -> str:
    """A new token of `kind` for the person; returns the raw token (stored only hashed).

    Raises:
        UnknownPersonError. InputError: unknown kind.
    """
    if kind not in TOKEN_KINDS:
        raise InputError(f"okänd tokentyp {kind!r}")
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    with db.write() as session:
        person = require_person(session=session, email=email)
        assert person.id is not None
        session.add(
            AuthToken(
                person_id=person.id, kind=kind, token_hash=_digest(raw), created_at=now,
                expires_at=now + ttl if ttl else None,
            )
        )  # fmt: skip
    return raw


@cache
def _token_lookup(kinds: tuple[str, ...]) -> Prepared:
    """The session/API token check for `kinds`, built once (it runs on every request)."""
    return Prepared(
        select(Person.id, Person.email, Person.name, Person.roles, AuthToken.expires_at)  # type: ignore[call-overload]
        .join(AuthToken, col(AuthToken.person_id) == col(Person.id))
        .where(
            col(AuthToken.token_hash) == bindparam("token_hash"),
            or_(*(col(AuthToken.kind) == kind for kind in kinds)),
            col(AuthToken.revoked_at).is_(None),
        )
    )


def resolve_token(
    *, db: Database, raw: str, kinds: Sequence[str], now: datetime,
    tx: CursorTransaction | None = None,
) -> Principal | None:  # fmt: skip
    """The principal a live (not revoked, not expired) token of one of `kinds` belongs to
    (read in `tx`, a read transaction the caller goes on using, else in one of its own)."""
    if not raw or len(raw) > 200:
        return None
    lookup = _token_lookup(tuple(kinds))
    params = {"token_hash": _digest(raw)}
    if tx is not None:
        row = tx.first(lookup, params)
    else:
        with db.cursor_reading() as own:
            row = own.first(lookup, params)
    if row is None:
        return None
    person_id, email, name, roles, expires_at = row
    if expires_at is not None and expires_at <= now:
        return None
    return Principal(person_id, email, name, tuple(roles))


def revoke_token(*, db: Database, raw: str, now: datetime) -> None:
    """Revoke one token (logout, a calendar URL replaced)."""
    with db.write() as session:
        session.execute(
            update(AuthToken)
            .where(col(AuthToken.token_hash) == _digest(raw), col(AuthToken.revoked_at).is_(None))
            .values(revoked_at=now)
        )


def revoke_all(*, db: Database, email: str, now: datetime, kind: str | None = None) -> int:
    """Revoke every live token of the person (of `kind` if given); returns how many."""
    with db.write() as session:
        person = require_person(session=session, email=email)
        stmt = update(AuthToken).where(
            col(AuthToken.person_id) == person.id, col(AuthToken.revoked_at).is_(None)
        )
        if kind is not None:
            stmt = stmt.where(col(AuthToken.kind) == kind)
        return int(session.execute(stmt.values(revoked_at=now)).rowcount)  # type: ignore[attr-defined]


def live_tokens(*, db: Database, person_id: int, kind: str) -> tuple[int, datetime | None]:
    """How many live (unrevoked) tokens of `kind` the person has, and when the newest was made."""
    stmt = select(func.count(), func.max(AuthToken.created_at)).where(
        col(AuthToken.person_id) == person_id,
        col(AuthToken.kind) == kind,
        col(AuthToken.revoked_at).is_(None),
    )
    with db.read() as session:
        count, newest = session.execute(stmt).one()
    return int(count), newest


def csrf_token(session_token: str) -> str:
    """The form token bound to a login session (derived, so nothing more is stored)."""
    return hmac.new(session_token.encode(), b"caseflow-csrf", hashlib.sha256).hexdigest()


def csrf_matches(session_token: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(session_token), given)
