"""The memo's Beslutsunderlag as a list of the case's documents: a line of the case's
`decision_basis` that is one of its handling numbers (`RUN/479/2024-3`) is printed as the
document's subject, number, date and counterpart; any other line stays text (the fallback).
A document under a secrecy mark is named by number and provision only (a memo is public)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from caseflow.clock import Clock
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import InputError
from caseflow.records.models import Handling, SecrecyMark
from caseflow.records.rows import require_handling
from caseflow.records.vocabulary import DRAWN_UP, INCOMING, format_number, parse_number
from caseflow.store.db import Database
from caseflow.store.repo import require_case

if TYPE_CHECKING:
    from caseflow.workflow.registry import WorkflowRegistry


def handling_line(row: Handling, dnr: str, osl: str | None) -> str:
    """How a document reads in the Beslutsunderlag."""
    number = format_number(dnr, row.number)
    if osl is not None:
        return f"Handling {number} (sekretess enligt {osl})"
    day = row.document_date.isoformat()
    if row.direction == INCOMING:
        when = f"inkom {day}" + (f" från {row.counterpart}" if row.counterpart else "")
    elif row.direction == DRAWN_UP:
        when = f"upprättad {day}"
    else:
        when = f"expedierad {day}" + (f" till {row.counterpart}" if row.counterpart else "")
    return f"{row.subject} ({number}, {when})"


def expand_basis(*, session: Session, case_id: int, dnr: str, lines: list[str]) -> list[str]:
    """`lines` with each of the case's handling numbers replaced by `handling_line`.

    Raises:
        InputError: a line names a handling of this case that does not exist.
    """
    wanted: dict[int, int] = {}
    for index, line in enumerate(lines):
        seq = _own_number(line, dnr)
        if seq is not None:
            wanted[index] = seq
    if not wanted:
        return list(lines)
    stmt = select(Handling).where(Handling.case_id == case_id,
                                  col(Handling.number).in_(set(wanted.values())))  # fmt: skip
    rows = {r.number: r for r in session.exec(stmt).all()}
    ids = [r.id for r in rows.values()]
    marks = select(SecrecyMark.handling_id, SecrecyMark.osl).where(
        col(SecrecyMark.handling_id).in_(ids), col(SecrecyMark.lifted_at).is_(None)
    )  # fmt: skip
    osl = dict(session.exec(marks).all())
    out = list(lines)
    for index, seq in wanted.items():
        row = rows.get(seq)
        if row is None:
            raise InputError(f"beslutsunderlag: handlingen {format_number(dnr, seq)} finns inte")
        out[index] = handling_line(row, dnr, osl.get(row.id))
    return out


def own_numbers(lines: list[str], dnr: str) -> bool:
    """Whether any of `lines` is one of the case's handling numbers (else `expand_basis` keeps
    them as they are, and nothing needs reading)."""
    return any(_own_number(line, dnr) is not None for line in lines)


def basis_of(*, db: Database, dnr: str, lines: list[str]) -> list[str]:
    """As `expand_basis`, reading the case by diarienummer."""
    with db.read() as s:
        case = require_case(session=s, dnr=parse_dnr(dnr))
        assert case.id is not None
        return expand_basis(session=s, case_id=case.id, dnr=case.diarienummer, lines=lines)


def attach_to_basis(
    *,
    db: Database,
    number: str,
    actor: str,
    clock: Clock,
    workflows: WorkflowRegistry | None = None,
) -> list[str]:
    """Add the handling `number` to its case's Beslutsunderlag (a line with its number; an
    edit of the case, in its history). Returns the new list.

    Raises:
        InputError (not a number, already listed, the case is closed), UnknownCaseError,
        NotFoundError.
    """
    from caseflow.cases.engine import edit_case

    with db.read() as s:
        case, row = require_handling(session=s, number=number)
        current = list(case.decision_basis)
        dnr = case.diarienummer
    canonical = format_number(dnr, row.number)
    if any(_own_number(line, dnr) == row.number for line in current):
        raise InputError(f"{canonical} finns redan i beslutsunderlaget")
    lines = [*current, canonical]
    edit_case(db=db, dnr=dnr, changes={"decision_basis": lines}, actor=actor, clock=clock,
              workflows=workflows)  # fmt: skip
    return lines


def _own_number(line: str, dnr: str) -> int | None:
    text = line.strip()
    if not text or "-" not in text or len(text) > 40:
        return None
    try:
        found, seq = parse_number(text)
    except InputError:
        return None
    return seq if str(found) == dnr else None
