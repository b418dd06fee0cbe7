"""Registering people (officers, decision makers) with their roles, and the check that a case's
handläggare is one of them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from caseflow.clock import Clock
from caseflow.domain.checks import check_email, check_text
from caseflow.domain.roles import check_role
from caseflow.errors import DuplicateError, InputError
from caseflow.store.db import Database
from caseflow.store.models import Person
from caseflow.store.repo import get_person


def add_person(
    *,
    db: Database,
    email: str,
    name: str,
    roles: Sequence[str],
    clock: Clock,
    phone: str | None = None,
    unit: str | None = None,
    title: str | None = None,
) -> Person:
    """Register a person.

    Raises:
        InputError: bad e-mail, empty name or unknown role. DuplicateError: e-mail taken.
    """
    person = person_row(email=email, name=name, roles=roles, now=clock.now(), phone=phone,
                        unit=unit, title=title)  # fmt: skip
    taken = f"personen {person.email} finns redan"
    with db.write(duplicate=taken) as session:
        if get_person(session=session, email=person.email) is not None:
            raise DuplicateError(taken)
        session.add(person)
        return person


def person_row(
    *, email: str, name: str, roles: Sequence[str], now: datetime, phone: str | None = None,
    unit: str | None = None, title: str | None = None,
) -> Person:  # fmt: skip
    """A checked Person row, not yet added (as `add_person` and `cases import` register one).

    Raises:
        InputError: bad e-mail, empty name or unknown role.
    """
    address = check_email(email)
    name = check_text(name, field="namn", max_length=200)
    if not name:
        raise InputError("namn saknas (--name)")
    if not roles:
        raise InputError("minst en roll krävs (--role)")
    checked = sorted({check_role(r) for r in roles})

    def optional(value: str | None, field: str, limit: int) -> str | None:
        return check_text(value, field=field, max_length=limit) or None if value else None

    return Person(
        email=address, name=name, phone=optional(phone, "telefon", 50),
        unit=optional(unit, "enhet", 200), title=optional(title, "titel", 200),
        roles=checked, created_at=now,
    )  # fmt: skip


def check_handlaggare(*, session: Session, email: str | None, dnr: str) -> None:
    """A case's handläggare must be a registered person (None: the case has none); the forms
    offer those with the handläggare role, but a case may be handled by someone with another
    role (a beslutsfattare handling a case of their own). Raises InputError naming the case and
    the field."""
    if email is None:
        return
    person = get_person(session=session, email=email)
    if person is None:
        raise InputError(
            f"{dnr}: handläggare: {email} är inte registrerad; välj en registrerad handläggare "
            "(en administratör registrerar nya personer)"
        )


def officers(*, session: Session) -> list[tuple[str, str]]:
    """(e-mail, name) of every registered person with the handläggare role, by name: the case
    form's choices for Handläggare."""
    from sqlmodel import col, select

    people = session.exec(select(Person).order_by(col(Person.name), col(Person.email))).all()
    return [(p.email, p.name) for p in people if "handlaggare" in p.roles]
