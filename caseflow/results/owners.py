"""Who owns which section of a results report: the officers who write it and get the report's
deadline reminders (`results/reminders`). A section may have several owners, an officer
several sections; an owner is a registered person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, delete, select

from caseflow.clock import Clock
from caseflow.domain.checks import check_email
from caseflow.errors import (
    InputError,
    NotFoundError,
    PermissionDeniedError,
    UnknownPersonError,
)
from caseflow.results.defaults import DEFAULT_REGION
from caseflow.results.form import load_form
from caseflow.results.service import load_report
from caseflow.store.db import Database
from caseflow.store.models import Person, ResultsReport, ResultsSectionOwner

OWNER_ROLES = frozenset({"handlaggare", "beslutsfattare", "namndsekreterare", "admin"})
"""The roles that may name a section's owners (in the web and the API)."""


def check_may_assign(roles: tuple[str, ...] | list[str]) -> None:
    """Raises PermissionDeniedError unless `roles` may name a section's owners."""
    if not OWNER_ROLES & set(roles):
        raise PermissionDeniedError(
            "bara handläggare, beslutsfattare, nämndsekreterare och administratörer kan ändra "
            "vem som äger ett avsnitt"
        )


@dataclass(frozen=True)
class SectionOwner:
    section: int
    email: str
    name: str
    assigned_by: str
    assigned_at: datetime


def _section(report: ResultsReport, section: int) -> int:
    form = load_form(report.form_edition)
    numbers = [s.number for s in form.sections]
    if section not in numbers:
        raise InputError(
            f"avsnitt {section} finns inte i blanketten {form.edition}; välj ett av "
            f"{', '.join(str(n) for n in numbers)}"
        )
    return section


def owners_in(session: Session, report: ResultsReport) -> list[SectionOwner]:
    """The report's owners by section and address (in the caller's transaction)."""
    assert report.id is not None
    return owners_of(session, [report.id]).get(report.id, [])


def owners_of(session: Session, report_ids: Sequence[int]) -> dict[int, list[SectionOwner]]:
    """The owners of each of the reports (one query), by section and address."""
    rows = session.exec(
        select(ResultsSectionOwner, Person.name)
        .join(Person, col(Person.email) == col(ResultsSectionOwner.email), isouter=True)
        .where(col(ResultsSectionOwner.report_id).in_(report_ids))
        .order_by(col(ResultsSectionOwner.section), col(ResultsSectionOwner.email))
    ).all()
    found: dict[int, list[SectionOwner]] = {}
    for r, name in rows:
        found.setdefault(r.report_id, []).append(
            SectionOwner(r.section, r.email, name or r.email, r.assigned_by, r.assigned_at)
        )
    return found


def add_owner(
    *,
    db: Database,
    year: int,
    section: int,
    email: str,
    actor: str,
    clock: Clock,
    region: str = DEFAULT_REGION,
) -> list[SectionOwner]:
    """Make `email` (a registered person) an owner of `section`; already one: nothing changes.

    Returns:
        The report's owners afterwards.

    Raises:
        NotFoundError: no report. InputError: no such section or a bad address.
        UnknownPersonError: no person with that address.
    """
    address = check_email(email)
    with db.write() as session:
        report = load_report(session, region, year, lock=True)
        _section(report, section)
        if session.exec(select(Person.id).where(Person.email == address)).first() is None:
            raise UnknownPersonError(
                f"okänd person {address!r}; lägg till personen med `person add` först"
            )
        exists = session.exec(
            select(ResultsSectionOwner.id).where(
                ResultsSectionOwner.report_id == report.id,
                ResultsSectionOwner.section == section,
                ResultsSectionOwner.email == address,
            )
        ).first()
        if exists is None:
            assert report.id is not None
            session.add(
                ResultsSectionOwner(
                    report_id=report.id,
                    section=section,
                    email=address,
                    assigned_by=actor,
                    assigned_at=clock.now(),
                )  # fmt: skip
            )
            session.flush()
        return owners_in(session, report)


def remove_owner(
    *, db: Database, year: int, section: int, email: str, region: str = DEFAULT_REGION
) -> list[SectionOwner]:
    """Take `email` off `section`'s owners.

    Raises:
        NotFoundError: no report, or the address does not own the section. InputError: no such
        section or a bad address.
    """
    address = check_email(email)
    with db.write() as session:
        report = load_report(session, region, year, lock=True)
        _section(report, section)
        result = session.exec(
            delete(ResultsSectionOwner).where(
                col(ResultsSectionOwner.report_id) == report.id,
                col(ResultsSectionOwner.section) == section,
                col(ResultsSectionOwner.email) == address,
            )
        )
        if not result.rowcount:
            raise NotFoundError(f"{address} äger inte avsnitt {section} ({year})")
        return owners_in(session, report)


def list_owners(*, db: Database, year: int, region: str = DEFAULT_REGION) -> list[SectionOwner]:
    """The report's section owners, by section.

    Raises:
        NotFoundError: no report for that year.
    """
    with db.read() as session:
        return owners_in(session, load_report(session, region, year))
