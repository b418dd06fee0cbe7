"""The JSON API under /api/v1 (bearer tokens; OpenAPI at /api/v1/openapi.json).

The endpoints live in `cases`, `bulk` (many cases in one request), `memos`, `decisions`,
`meetings`, `meeting_changes`, `deadlines`, `worklist`, `results`, `national`, `handlings`,
`register` and `retention`; this module gathers them into the one `router` the application
includes.
"""

from __future__ import annotations

from fastapi import APIRouter

from caseflow.web.api import (
    bulk,
    cases,
    deadlines,
    decisions,
    handlings,
    meeting_changes,
    meetings,
    memos,
    national,
    register,
    results,
    retention,
    worklist,
)
from caseflow.web.api.common import PREFIX

router = APIRouter()
for _part in (bulk, cases, memos, decisions, meetings, meeting_changes, deadlines, worklist,
              results, national, handlings, register, retention):  # fmt: skip
    router.include_router(_part.router, prefix=PREFIX)
