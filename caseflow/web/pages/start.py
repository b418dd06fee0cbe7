"""Page: the start page, "Att göra" — the worklist of each role the user holds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from caseflow.cases.worklist import worklist
from caseflow.domain.workdays import local_date
from caseflow.memo.service import board
from caseflow.web.security import PageUser, page_user, web
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[PageUser, Depends(page_user)]


@router.get("/")
async def start(request: Request, user: User) -> Response:
    context = web(request)
    today = local_date(context.clock.now())
    found = worklist(db=context.db, email=user.email, today=today)
    kinds = {name: kind.title for name, kind in board(context.settings.memos_dir).kinds.items()}
    labels = context.workflows.stage_labels()
    return render(request, "start.html", {"user": user, "w": found, "today": today,
                                          "kinds": kinds, "labels": labels})  # fmt: skip
