"""Removing a funder from a case's financing plan: one transaction, recorded in the history."""

from __future__ import annotations

from caseflow.cases.engine import EditResult, _check_version, check_open, funder_doc
from caseflow.cases.writes import bump
from caseflow.clock import Clock
from caseflow.domain.checks import check_text
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.funders import FUNDERS, check_funder_code
from caseflow.errors import InputError
from caseflow.store.db import Database
from caseflow.store.models import CaseEvent
from caseflow.store.repo import require_case


def remove_funder(
    *,
    db: Database,
    dnr: str,
    code: str,
    actor: str,
    clock: Clock,
    reason: str | None = None,
    expected_version: int | None = None,
) -> EditResult:
    """Take the funder `code` out of the case's financing plan; the event keeps what it held
    (`funders.CODE`: [the funder, None]) and the reason.

    Raises:
        UnknownCaseError, ConflictError, InputError (unknown code, a funder the case does not
        have, a closed case).
    """
    check_funder_code(code)
    if reason is not None:
        reason = check_text(reason, field="motivering", max_length=2000) or None
    now = clock.now()
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr), for_update=True)
        _check_version(case, expected_version)
        check_open(case)
        row = next((f for f in case.funders if f.code == code), None)
        if row is None:
            raise InputError(
                f"ärendet {case.diarienummer} har ingen finansiär {FUNDERS[code]!r} att ta bort"
            )
        before = funder_doc(row)
        case.funders.remove(row)
        for position, kept in enumerate(case.funders):
            kept.position = position
        session.flush()
        version = bump(session, case, {}, now)
        assert case.id is not None
        diff = {f"funders.{code}": [before, None]}
        session.add(
            CaseEvent(
                case_id=case.id, at=now, actor=actor, kind="edit", from_stage=case.stage,
                to_stage=case.stage, reason=reason, changes=diff, row_version=version,
            )
        )  # fmt: skip
        return EditResult(case.diarienummer, diff, version)
