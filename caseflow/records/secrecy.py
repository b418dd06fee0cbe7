"""Secrecy marks (sekretessmarkeringar) under an OSL provision, on a handling or on a field of
a case: mark, lift (a recorded event, with who, when and why), and the marks in force.

Who may mark and lift, and who sees marked content, come from `records/secrecy.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from caseflow.clock import Clock
from caseflow.domain.casefields import FIELDS
from caseflow.domain.checks import check_text
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import DuplicateError, InputError, PermissionDeniedError
from caseflow.records.config import SecrecyConfig
from caseflow.records.models import SecrecyMark
from caseflow.records.rows import event_row, require_handling
from caseflow.records.views import Mark, mark_of
from caseflow.records.vocabulary import format_number, parse_number
from caseflow.store.db import Database
from caseflow.store.models import Case
from caseflow.store.repo import require_case, require_person

MARK, LIFT = "secrecy_mark", "secrecy_lift"
#: Case fields that may carry a mark: text, amounts and dates (not the diarienummer, the stage
#: or other fields the system itself sets).
MARKABLE_KINDS = ("text", "long_text", "lines", "amount", "date", "email")
_OSL = re.compile(
    r"^(?:OSL\s*)?(\d{1,2})\s*(?::|\s*kap\.?\s*)\s*(\d{1,3}\s?[a-z]?)\s*§?"
    r"(?:\s*(?:st\.?|stycket)?\s*(\d)\s*(?:st\.?|stycket)?)?$",
    re.IGNORECASE,
)


def check_osl(value: str) -> str:
    """A provision of offentlighets- och sekretesslagen (2009:400), normalised: `OSL 31:16`,
    `osl 30 kap. 23 §` → `OSL 30:23`; a paragraph's stycke is kept (`OSL 31:16 st 1`).

    Raises:
        InputError: not a chapter:section reference.
    """
    match = _OSL.match(value.strip())
    if match is None:
        raise InputError(
            f"--osl: ogiltig hänvisning {value!r}; skriv kapitel:paragraf i offentlighets- och "
            "sekretesslagen, t.ex. OSL 31:16"
        )
    chapter, section, part = match.group(1), match.group(2).replace(" ", ""), match.group(3)
    return f"OSL {int(chapter)}:{section}" + (f" st {part}" if part else "")


def check_field(name: str) -> str:
    """Raises InputError unless `name` is a case field a mark may cover."""
    spec = FIELDS.get(name)
    if spec is None or spec.kind not in MARKABLE_KINDS:
        allowed = ", ".join(f.name for f in FIELDS.values() if f.kind in MARKABLE_KINDS)
        raise InputError(f"--field: {name!r} kan inte sekretessmarkeras; välj ett av {allowed}")
    return name


@dataclass(frozen=True, slots=True)
class Target:
    """What a mark covers: a handling (`number`) or a field of the case `dnr`."""

    number: str | None = None
    dnr: str | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        if (self.number is None) == (self.dnr is None) or (self.dnr is None) != (
            self.field is None
        ):
            raise InputError("ange en handling (nummer) eller ett ärende och ett fält (--field)")


def mark_secret(
    *, db: Database, secrecy: SecrecyConfig, target: Target, osl: str, reason: str, actor: str,
    clock: Clock,
) -> Mark:  # fmt: skip
    """Mark a handling or a case field secret under `osl`, with a reason.

    Raises:
        InputError (provision, reason, field), UnknownCaseError, NotFoundError,
        UnknownPersonError, PermissionDeniedError, DuplicateError (already marked).
    """
    provision = check_osl(osl)
    why = check_text(reason, field="--reason", max_length=2000)
    if not why:
        raise InputError("--reason: en sekretessmarkering behöver ett skäl")
    now = clock.now()
    with db.write() as s:
        case, handling_id, what = _resolve(s, target)
        _require_marker(s, secrecy, actor)
        if _active(s, case, handling_id, target.field) is not None:
            raise DuplicateError(f"{what} är redan sekretessmarkerad; häv markeringen först")
        assert case.id is not None
        row = SecrecyMark(case_id=case.id, handling_id=handling_id, field=target.field,
                          osl=provision, reason=why, marked_by=actor.strip().lower(),
                          marked_at=now)  # fmt: skip
        s.add(row)
        s.add(event_row(case, MARK, actor, now, _changes(target, provision, why)))
        s.flush()
        return mark_of(row)


def lift_secret(
    *, db: Database, secrecy: SecrecyConfig, target: Target, reason: str, actor: str,
    clock: Clock,
) -> Mark:  # fmt: skip
    """Lift the mark in force on a handling or case field (the row stays, with who, when, why).

    Raises:
        InputError (reason, nothing marked), UnknownCaseError, NotFoundError,
        UnknownPersonError, PermissionDeniedError.
    """
    why = check_text(reason, field="--reason", max_length=2000)
    if not why:
        raise InputError("--reason: att häva en sekretessmarkering kräver ett skäl")
    now = clock.now()
    with db.write() as s:
        case, handling_id, what = _resolve(s, target)
        _require_marker(s, secrecy, actor)
        row = _active(s, case, handling_id, target.field)
        if row is None:
            raise InputError(f"{what} har ingen sekretessmarkering att häva")
        row.lifted_by, row.lifted_at, row.lift_reason = actor.strip().lower(), now, why
        s.add(row)
        s.add(event_row(case, LIFT, actor, now, _changes(target, row.osl, why)))
        s.flush()
        return mark_of(row)


def field_marks(*, session: Session, case_ids: list[int]) -> dict[int, dict[str, Mark]]:
    """The case-field marks in force: case id → field → mark."""
    found: dict[int, dict[str, Mark]] = {}
    if not case_ids:
        return found
    stmt = select(SecrecyMark).where(
        col(SecrecyMark.case_id).in_(case_ids),
        col(SecrecyMark.handling_id).is_(None),
        col(SecrecyMark.lifted_at).is_(None),
    )
    for row in session.exec(stmt).all():
        if row.field:
            found.setdefault(row.case_id, {})[row.field] = mark_of(row)
    return found


def case_marks(*, db: Database, dnr: str) -> dict[str, Mark]:
    """The case's field marks in force (field → mark)."""
    with db.read() as s:
        case = require_case(session=s, dnr=parse_dnr(dnr))
        assert case.id is not None
        return field_marks(session=s, case_ids=[case.id]).get(case.id, {})


def _resolve(s: Session, target: Target) -> tuple[Case, int | None, str]:
    if target.number is not None:
        case, row = require_handling(session=s, number=target.number, for_update=True)
        return case, row.id, f"handling {format_number(case.diarienummer, row.number)}"
    assert target.dnr is not None and target.field is not None
    name = check_field(target.field)
    case = require_case(session=s, dnr=parse_dnr(target.dnr), for_update=True)
    return case, None, f"{case.diarienummer}: fältet {FIELDS[name].label.lower()}"


def _require_marker(s: Session, secrecy: SecrecyConfig, actor: str) -> None:
    person = require_person(session=s, email=actor)
    if not secrecy.may_mark(person.roles):
        has = ", ".join(person.roles) or "inga roller"
        raise PermissionDeniedError(
            f"{person.email} får inte sekretessmarkera eller häva markeringar: kräver rollen "
            f"{' eller '.join(secrecy.roles_that_mark)} (har {has})"
        )


def _active(
    s: Session, case: Case, handling_id: int | None, field: str | None
) -> SecrecyMark | None:
    stmt = select(SecrecyMark).where(
        SecrecyMark.case_id == case.id, col(SecrecyMark.lifted_at).is_(None)
    )
    if handling_id is not None:
        stmt = stmt.where(SecrecyMark.handling_id == handling_id)
    else:
        stmt = stmt.where(col(SecrecyMark.handling_id).is_(None), SecrecyMark.field == field)
    return s.exec(stmt.with_for_update()).first()


def _changes(target: Target, osl: str, reason: str) -> dict[str, object]:
    if target.number is not None:
        dnr, seq = parse_number(target.number)
        return {"number": format_number(dnr, seq), "osl": osl, "reason": reason}
    field = target.field or ""
    return {
        "field": field,
        "field_label": FIELDS[field].label.lower(),
        "osl": osl,
        "reason": reason,
    }
