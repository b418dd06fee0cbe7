"""The case page's retention section: each document's rule and disposal date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session
from starlette.requests import Request

from caseflow.errors import CaseflowError
from caseflow.records.fieldmask import secret_handlings, secret_handlings_of
from caseflow.records.vocabulary import MASK
from caseflow.retention.plan import RetentionPlan, load_plan
from caseflow.retention.service import PlannedDocument, case_documents, plan_documents
from caseflow.web.security import web


@lru_cache(maxsize=4)
def _plan(path: Path, mtime: float, doc_types: tuple[str, ...],
          case_types: tuple[str, ...]) -> RetentionPlan:  # fmt: skip
    del mtime  # part of the cache key: an edited plan is read again
    return load_plan(path, known_doc_types=doc_types, known_case_types=case_types)


def web_plan(request: Request) -> RetentionPlan:
    """The information management plan (`records/retention.yaml`), read again when edited.

    Raises:
        CaseflowError: the plan cannot be read or is invalid.
    """
    context = web(request)
    path = context.settings.records_dir / "retention.yaml"
    try:
        return _plan(path, path.stat().st_mtime, tuple(context.records.types.codes),
                     tuple(context.workflows.names()))  # fmt: skip
    except (OSError, CaseflowError) as err:
        raise CaseflowError(f"Informationshanteringsplanen kan inte läsas: {err}") from err


def retention_rows(
    request: Request, dnr: str, roles: Sequence[str]
) -> tuple[list[PlannedDocument], str | None]:
    """The case's documents with their rules (a secret one's subject masked unless `roles` may
    see it), or an error line when the plan is invalid."""
    context = web(request)
    try:
        plan = web_plan(request)
    except CaseflowError as err:
        return [], str(err)
    rows = plan_documents(db=context.db, plan=plan, workflows=context.workflows, dnr=dnr)
    return masked_subjects(request, rows, roles), None


def case_retention_rows(
    request: Request, session: Session, case_id: int, roles: Sequence[str]
) -> tuple[list[PlannedDocument], str | None]:
    """As `retention_rows`, for the case with this id, read in the caller's session (the case
    page's one read transaction)."""
    context = web(request)
    try:
        plan = web_plan(request)
    except CaseflowError as err:
        return [], str(err)
    rows = case_documents(session=session, plan=plan, workflows=context.workflows, case_id=case_id)
    secret = secret_handlings_of(session=session, secrecy=context.records.secrecy, roles=roles,
                                 handling_ids=[r.handling_id for r in rows])  # fmt: skip
    return [replace(r, subject=MASK) if r.handling_id in secret else r for r in rows], None


def masked_subjects(
    request: Request, rows: list[PlannedDocument], roles: Sequence[str]
) -> list[PlannedDocument]:
    """`rows` with the subjects of secret documents masked unless `roles` may see them."""
    context = web(request)
    secret = secret_handlings(db=context.db, secrecy=context.records.secrecy, roles=roles)
    return [replace(r, subject=MASK) if r.handling_id in secret else r for r in rows]
