"""The JSON API under /api/v1 (bearer tokens; OpenAPI at /api/v1/openapi.json).

The endpoints live in `api_cases`, `api_memos` and `api_calendar`; this module gathers them into
the one `router` the application includes.
"""

from __future__ import annotations

from fastapi import APIRouter

from caseflow.web import api_calendar, api_cases, api_memos
from caseflow.web.api_common import PREFIX

router = APIRouter()
for _part in (api_cases, api_memos, api_calendar):
    router.include_router(_part.router, prefix=PREFIX)
