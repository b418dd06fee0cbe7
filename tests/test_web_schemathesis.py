"""Property-based fuzzing of /api/v1 from its own OpenAPI document (schemathesis): whatever a
client sends, the API answers 2xx/4xx, never 5xx.

Each operation runs three bounded, derandomized Hypothesis searches against the ASGI app on a
seeded SQLite database, authenticated as a user holding every role (so role checks do not stop
requests early): valid inputs, invalid inputs (schemathesis's negative mode), and valid inputs
with the path pinned to a real case, meeting, funder and trigger, which reaches the engine's own
validation. The test counts the calls and the answers, so it cannot pass without running.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.generation import GenerationMode

from caseflow.cases.accounts import issue_token
from caseflow.cases.engine import add_person, import_cases
from caseflow.domain.casedoc import CaseDoc
from caseflow.meetings.service import add_meetings
from caseflow.memo.service import render_memo
from caseflow.settings import PROJECT_ROOT
from caseflow.web.api import router as api
from tests.webkit import Web

EXAMPLES = 25  # per operation and search: 18 operations x 3 searches x 25 ≈ 1,300 requests
FUZZER = "fuzz@example.se"
#: Path parameters that name things the seeded database has (withdraw: the move that can be made
#: once, with any reason).
REAL = {"prefix": "RUN", "serial": "479", "year": "2024", "code": "anslag_1_1",
        "trigger": "withdraw", "body": "RUN", "day": "2025-02-20"}  # fmt: skip


def _operations() -> list[tuple[str, str]]:
    app = FastAPI(openapi_url="/api/v1/openapi.json")
    app.include_router(api.router)
    paths = app.openapi()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


OPERATIONS = _operations()


@pytest.fixture
def fuzz_web(web: Web) -> Web:
    """RUN/479/2024 with its people and a memo, a meeting, and a user with every role."""
    data = json.loads((PROJECT_ROOT / "examples" / "RUN-479-2024.json").read_text("utf-8"))
    for person in data["people"]:
        add_person(db=web.db, clock=web.clock, **person)
    docs = [CaseDoc.model_validate(c) for c in data["cases"]]
    import_cases(db=web.db, workflows=web.workflows, docs=docs, actor="test", clock=web.clock)
    add_meetings(db=web.db, meetings=[("RUN", date(2025, 2, 20), None)], clock=web.clock)
    add_person(db=web.db, email=FUZZER, name="Fuzz", clock=web.clock, title="Tester",
               roles=["handlaggare", "beslutsfattare", "namndsekreterare", "admin"])  # fmt: skip
    render_memo(db=web.db, memos_dir=PROJECT_ROOT / "memos", clock=web.clock, dnr="RUN/479/2024",
                fmt="md", memo_date=date(2024, 11, 22), actor="test")  # fmt: skip
    return web


def test_the_operations_are_found() -> None:
    assert len(OPERATIONS) >= 18
    assert ("PATCH", "/api/v1/cases/{prefix}/{serial}/{year}") in OPERATIONS


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_request_makes_a_server_error(fuzz_web: Web, method: str, path: str) -> None:
    token = issue_token(db=fuzz_web.db, email=FUZZER, kind="api", clock=fuzz_web.clock)
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_web.app)
    operation = schema[path][method]
    pinned = {name: REAL[name] for name in REAL if "{" + name + "}" in path}
    searches: list[tuple[str, Any]] = [
        ("valid", operation.as_strategy(GenerationMode.POSITIVE)),
        ("invalid", operation.as_strategy(GenerationMode.NEGATIVE)),
    ]
    if pinned:
        searches.append(
            ("pinned", operation.as_strategy(GenerationMode.POSITIVE, path_parameters=pinned))
        )
    outcomes: Counter[tuple[str, str]] = Counter()

    for name, strategy in searches:

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=strategy)
        def search(case: Any) -> None:
            response = case.call(headers=headers)
            outcomes[name, _outcome(response)] += 1  # noqa: B023  (runs before the next name)
            case.validate_response(response, checks=[not_a_server_error], headers=headers)

        search()

    assert sum(outcomes.values()) >= 2 * EXAMPLES, outcomes  # it ran
    # Valid requests carry the token (negative mode also mangles the Authorization header) ...
    assert not [key for key in outcomes if key[1] == "401" and key[0] != "invalid"], outcomes
    # ... and some got past FastAPI's validation: answered by the engine, or a success.
    assert any(kind in ("ok", "engine") for _, kind in outcomes), outcomes


def _outcome(response: Any) -> str:
    """ok (2xx), engine (a caseflow error: 4xx with a Swedish sentence), or the status."""
    if 200 <= response.status_code < 300:
        return "ok"
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    if response.status_code in (400, 403, 404, 409) and isinstance(detail, str):
        return "engine"
    return str(response.status_code)


def test_a_server_error_would_be_caught(fuzz_web: Web) -> None:
    """The check above can fail: an operation that answers 5xx is reported (and an exception
    in an endpoint reaches the test as itself)."""
    app = fuzz_web.app

    @app.get("/api/v1/broken", tags=["test"])
    def broken(n: int) -> JSONResponse:
        return JSONResponse({"detail": "trasig"}, status_code=500)

    app.openapi_schema = None
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    strategy = schema["/api/v1/broken"]["GET"].as_strategy()
    hits: list[Any] = []

    @settings(max_examples=3, deadline=None, database=None, derandomize=True)
    @given(case=strategy, _=st.none())
    def search(case: Any, _: None) -> None:
        hits.append(case)
        response = case.call()
        case.validate_response(response, checks=[not_a_server_error])

    with pytest.raises(FailureGroup) as raised:
        search()
    assert [type(e) for e in raised.value.exceptions] == [ServerError]
    assert hits, "the broken operation was never called"
