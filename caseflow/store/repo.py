"""Query functions. Keyword-only, session first; they never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from caseflow.domain.dnr import Diarienummer
from caseflow.errors import UnknownCaseError, UnknownPersonError
from caseflow.store.models import Case, CaseEvent, Person


def get_case(*, session: Session, dnr: Diarienummer, for_update: bool = False) -> Case | None:
    """The case with this diarienummer (funders loaded), or None.

    `for_update` locks the row until the transaction ends (PostgreSQL; SQLite write
    transactions are already exclusive).
    """
    stmt = (
        select(Case)
        .where(
            Case.dnr_prefix == dnr.prefix, Case.dnr_serial == dnr.serial, Case.dnr_year == dnr.year
        )
        .options(selectinload(Case.funders))  # type: ignore[arg-type]
    )
    if for_update:
        stmt = stmt.with_for_update(of=Case)
    return session.exec(stmt).first()


def require_case(*, session: Session, dnr: Diarienummer, for_update: bool = False) -> Case:
    """As `get_case`.

    Raises:
        UnknownCaseError: no such case.
    """
    case = get_case(session=session, dnr=dnr, for_update=for_update)
    if case is None:
        raise UnknownCaseError(f"ärendet {dnr} finns inte")
    return case


def require_case_id(*, session: Session, dnr: Diarienummer) -> int:
    """The id of the case with this diarienummer (one indexed read, no ORM object).

    Raises:
        UnknownCaseError: no such case.
    """
    stmt = select(Case.id).where(
        Case.dnr_prefix == dnr.prefix, Case.dnr_serial == dnr.serial, Case.dnr_year == dnr.year
    )
    found = session.exec(stmt).first()
    if found is None:
        raise UnknownCaseError(f"ärendet {dnr} finns inte")
    return found


def list_cases(
    *, session: Session, stage: str | None = None, registration_order: bool = False
) -> Sequence[Case]:
    """Every case (funders loaded), ordered by year, prefix and serial, or as registered."""
    stmt = select(Case).options(selectinload(Case.funders))  # type: ignore[arg-type]
    if stage is not None:
        stmt = stmt.where(Case.stage == stage)
    if registration_order:
        stmt = stmt.order_by(col(Case.id))
    else:
        stmt = stmt.order_by(col(Case.dnr_year), col(Case.dnr_prefix), col(Case.dnr_serial))
    return session.exec(stmt).all()


def list_events(*, session: Session, case_id: int) -> Sequence[CaseEvent]:
    """A case's history, oldest first."""
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.id))
    return session.exec(stmt).all()


def get_person(*, session: Session, email: str) -> Person | None:
    return session.exec(select(Person).where(Person.email == email.strip().lower())).first()


def require_person(*, session: Session, email: str) -> Person:
    """As `get_person`.

    Raises:
        UnknownPersonError: nobody has that address.
    """
    person = get_person(session=session, email=email)
    if person is None:
        raise UnknownPersonError(
            f"okänd person {email!r}; lägg till med "
            f"`caseflow person add {email} --name ... --role ...`"
        )
    return person


def list_people(*, session: Session) -> Sequence[Person]:
    return session.exec(select(Person).order_by(col(Person.email))).all()


def count_cases_by_stage(*, session: Session, workflow: str) -> dict[str, int]:
    """How many cases of `workflow` sit in each stage."""
    from sqlalchemy import func

    stmt = (
        select(Case.stage, func.count()).where(Case.workflow == workflow).group_by(col(Case.stage))
    )
    return {stage: int(n) for stage, n in session.exec(stmt).all()}
