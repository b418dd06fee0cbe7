"""Registering people (officers, decision makers) with their roles."""

from __future__ import annotations

from collections.abc import Sequence

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
    address = check_email(email)
    name = check_text(name, field="namn", max_length=200)
    if not name:
        raise InputError("namn saknas (--name)")
    if not roles:
        raise InputError("minst en roll krävs (--role)")
    checked = sorted({check_role(r) for r in roles})

    def optional(value: str | None, field: str, limit: int) -> str | None:
        return check_text(value, field=field, max_length=limit) or None if value else None

    taken = f"personen {address} finns redan"
    with db.write(duplicate=taken) as session:
        if get_person(session=session, email=address) is not None:
            raise DuplicateError(taken)
        person = Person(
            email=address, name=name, phone=optional(phone, "telefon", 50),
            unit=optional(unit, "enhet", 200), title=optional(title, "titel", 200),
            roles=checked, created_at=clock.now(),
        )  # fmt: skip
        session.add(person)
        return person
