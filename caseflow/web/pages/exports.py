"""Download the case list as filtered (csv or xlsx, the portfolio's column names)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from caseflow.cases.caselist import CaseFilter, matching_ids
from caseflow.domain.workdays import local_date
from caseflow.errors import InputError
from caseflow.portfolio.export import EXPORT_FORMATS, export_projects, render_export
from caseflow.records.fieldmask import case_docs
from caseflow.store.models import Case
from caseflow.web.downloads import download
from caseflow.web.security import PageUser, page_user, web

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]
Text = Annotated[str | None, Query(max_length=300)]


@router.get("/cases/export.{fmt}")
async def export_list(
    request: Request, user: User, fmt: str, q: Text = None, stage: Text = None,
    area: Text = None, funder: Text = None, owner: Text = None, handlaggare: Text = None,
    sort: Annotated[str, Query(max_length=20)] = "diarienummer",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
) -> Response:  # fmt: skip
    """Every case the list's filters match (not only the page shown), in the list's order."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"okänt format för nedladdning; välj {' eller '.join(EXPORT_FORMATS)}")

    def clean(value: str | None) -> str | None:
        return value.strip() or None if value else None

    f = CaseFilter(q=clean(q), stage=clean(stage), area=clean(area), funder=clean(funder),
                   owner=clean(owner), handlaggare=clean(handlaggare), sort=sort,
                   descending=order == "desc")  # fmt: skip
    context = web(request)
    with context.db.read() as session:
        masked = not context.records.secrecy.may_see(tuple(user.roles))
        ids = matching_ids(session.connection(), f, masked=masked)
        by_id = {c.id: c for c in _cases(session, ids)}
        cases = case_docs(session=session, cases=[by_id[i] for i in ids if i in by_id],
                          secrecy=context.records.secrecy, roles=user.roles)  # fmt: skip
    today = local_date(context.clock.now())
    data = render_export(export_projects(cases, context.workflows), fmt, as_of=today)
    return download(data, fmt=fmt, filename=f"ärenden-{today.isoformat()}.{fmt}")


def _cases(session: object, ids: list[int]) -> list[Case]:
    from sqlmodel import Session, col, select

    assert isinstance(session, Session)
    found: list[Case] = []
    for start in range(0, len(ids), 1000):  # bounded IN lists
        chunk = ids[start : start + 1000]
        found += session.exec(select(Case).where(col(Case.id).in_(chunk))).all()
    return found
