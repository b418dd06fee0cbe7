"""A case as its JSON object, and a person as a dict, read with prebuilt Core statements on a
DBAPI cursor (`store.prepared`): the same values `casemap.case_to_dict` and `Person.model_dump`
give from ORM rows, without loading ORM objects (the memo service reads them per render).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, func, select, type_coerce
from sqlmodel import SQLModel

import caseflow.store.models  # noqa: F401  (registers the tables)
from caseflow.domain.casefields import CASE_FIELDS
from caseflow.domain.dnr import Diarienummer
from caseflow.domain.facts import CaseFacts, FunderFacts
from caseflow.store.casemap import _json_value
from caseflow.store.prepared import CursorTransaction, Prepared

_CASES = SQLModel.metadata.tables["cases"]
_FUNDERS = SQLModel.metadata.tables["case_funders"]
_PEOPLE = SQLModel.metadata.tables["people"]
_EVENTS = SQLModel.metadata.tables["case_events"]

_CASE_NAMES = tuple(column.name for column in _CASES.columns)
_SELECT_CASE = Prepared(
    select(*_CASES.columns).where(
        _CASES.c.dnr_prefix == bindparam("prefix"),
        _CASES.c.dnr_serial == bindparam("serial"),
        _CASES.c.dnr_year == bindparam("year"),
    )
)
_SELECT_FUNDERS = Prepared(
    select(
        _FUNDERS.c.code, _FUNDERS.c.amount_sek, _FUNDERS.c.status, _FUNDERS.c.decision_date,
        _FUNDERS.c.funder_case_id,
    )
    .where(_FUNDERS.c.case_id == bindparam("case_id"))
    .order_by(_FUNDERS.c.position)
)  # fmt: skip
_PERSON_NAMES = tuple(column.name for column in _PEOPLE.columns)
_SELECT_PERSON = Prepared(select(*_PEOPLE.columns).where(_PEOPLE.c.email == bindparam("email")))


def read_case_dict(
    *, tx: CursorTransaction, dnr: Diarienummer
) -> tuple[int, dict[str, Any]] | None:
    """The case's id and its documented JSON object (as `case_to_dict`), or None."""
    found = read_case_facts(tx=tx, dnr=dnr)
    return None if found is None else (found[0].id, found[1])


def read_case_facts(
    *, tx: CursorTransaction, dnr: Diarienummer
) -> tuple[CaseFacts, dict[str, Any], datetime] | None:
    """The case's facts (for its moves' guards, with funders), its documented JSON object (as
    `case_to_dict`) and its `updated_at`, from one read of the row and one of its funders;
    None: no such case."""
    row = tx.first(_SELECT_CASE, {"prefix": dnr.prefix, "serial": dnr.serial, "year": dnr.year})
    if row is None:
        return None
    columns = dict(zip(_CASE_NAMES, row, strict=True))
    case_id = int(columns["id"])
    funders = tx.all(_SELECT_FUNDERS, {"case_id": case_id})
    out: dict[str, Any] = {}
    for spec in CASE_FIELDS:
        if spec.kind == "funders":
            out[spec.name] = [
                {"code": code, "amount_sek": amount, "status": status,
                 "decision_date": _json_value(decided), "case_id": funder_case}
                for code, amount, status, decided, funder_case in funders
            ]  # fmt: skip
        elif spec.name == "diarienummer":
            out[spec.name] = (
                f"{columns['dnr_prefix']}/{columns['dnr_serial']}/{columns['dnr_year']}"
            )
        elif spec.is_list:
            out[spec.name] = list(columns[spec.name])
        else:
            out[spec.name] = _json_value(columns[spec.name])
    c = columns
    facts = CaseFacts(
        case_id, str(dnr), c["stage"], c["row_version"], c["workflow"], c["title"], c["purpose"],
        c["start_date"], c["end_date"], c["total_budget_sek"], c["final_report_date"],
        tuple(FunderFacts(code, status, decided) for code, _, status, decided, _ in funders),
    )  # fmt: skip
    return facts, out, columns["updated_at"]


def read_person_dict(*, tx: CursorTransaction, email: str) -> dict[str, Any] | None:
    """The person with this e-mail as `Person.model_dump()` gives it, or None."""
    row = tx.first(_SELECT_PERSON, {"email": email})
    return None if row is None else dict(zip(_PERSON_NAMES, row, strict=True))


# The roles as the database gives them (SQLite: JSON text, parsed by `_roles` once per distinct
# text; PostgreSQL: a list): a page reads every person, and few role sets exist.
_SELECT_PEOPLE = Prepared(
    select(
        _PEOPLE.c.email, _PEOPLE.c.name, _PEOPLE.c.title, type_coerce(_PEOPLE.c.roles, String)
    ).order_by(_PEOPLE.c.name, _PEOPLE.c.email)
)


@lru_cache(maxsize=64)
def _parsed_roles(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def _roles(value: str | list[str]) -> tuple[str, ...]:
    return _parsed_roles(value) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True, slots=True)
class PersonLine:
    """A person as pages name and offer them."""

    email: str
    name: str
    title: str | None
    roles: tuple[str, ...]


def read_people(*, tx: CursorTransaction) -> list[PersonLine]:
    """Every person (e-mail, name, title, roles), by name: one read for a page that names
    people, offers signatories and handläggare and checks its user's roles."""
    return [
        PersonLine(email, name, title, _roles(roles))
        for email, name, title, roles in tx.all(_SELECT_PEOPLE, {})
    ]


def names_of(people: list[PersonLine]) -> dict[str, str]:
    """Each person's name by lower-cased e-mail address (how pages name people)."""
    return {p.email.lower(): p.name for p in people}


def signatories_of(people: list[PersonLine]) -> list[tuple[str, str]]:
    """(e-mail, "name, title") of every person with the beslutsfattare role and a title, by
    e-mail: who may sign a memo (the case page's choices)."""
    return sorted((p.email, f"{p.name}, {p.title}") for p in people
                  if "beslutsfattare" in p.roles and p.title)  # fmt: skip


def officers_of(people: list[PersonLine]) -> list[tuple[str, str]]:
    """(e-mail, name) of every person with the handläggare role, by name (as
    `cases.people.officers`)."""
    return [(p.email, p.name) for p in people if "handlaggare" in p.roles]


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """A history entry as the case page shows it: `CaseEvent`'s columns, read without the ORM
    (history is append-only: database triggers refuse updates and deletes)."""

    id: int
    case_id: int
    at: datetime
    actor: str
    kind: str
    trigger: str | None
    from_stage: str | None
    to_stage: str | None
    reason: str | None
    changes: dict[str, Any] | None
    row_version: int


_EVENT_COLUMNS = [getattr(_EVENTS.c, name) for name in HistoryEvent.__slots__]
_SELECT_HISTORY = Prepared(
    select(*_EVENT_COLUMNS).where(_EVENTS.c.case_id == bindparam("case_id"))
    .order_by(_EVENTS.c.id.desc()).limit(bindparam("limit"))
)  # fmt: skip
_SELECT_ALL_HISTORY = Prepared(
    select(*_EVENT_COLUMNS).where(_EVENTS.c.case_id == bindparam("case_id"))
    .order_by(_EVENTS.c.id.desc())
)  # fmt: skip
_COUNT_HISTORY = Prepared(
    select(func.count()).select_from(_EVENTS).where(_EVENTS.c.case_id == bindparam("case_id"))
)


def read_history(
    *, tx: CursorTransaction, case_id: int, limit: int | None
) -> tuple[list[HistoryEvent], int]:
    """The case's latest `limit` history entries (None: all), newest first, and how many it
    has."""
    if limit is None:
        rows = tx.all(_SELECT_ALL_HISTORY, {"case_id": case_id})
    else:
        rows = tx.all(_SELECT_HISTORY, {"case_id": case_id, "limit": limit})
    events = [HistoryEvent(*row) for row in rows]
    if limit is None or len(events) < limit:
        return events, len(events)
    found = tx.first(_COUNT_HISTORY, {"case_id": case_id})
    return events, int(found[0]) if found else len(events)
