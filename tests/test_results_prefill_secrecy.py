"""The results report's drafting suggestions for a role without access to marked case fields:
a marked title or owner reads `[sekretess]` and a marked date is left out, in the suggestions
(service and API) and in what accepting one writes into the answer; a role with access sees the
values. SQLite and PostgreSQL."""

from __future__ import annotations

import json

from caseflow.cases.engine import add_person
from caseflow.clock import FakeClock
from caseflow.records.config import SecrecyConfig
from caseflow.records.secrecy import Target, mark_secret
from caseflow.results.prefill import accept_suggestion, prefill
from caseflow.results.service import create_report
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import make_case
from tests.test_field_secrecy import ANNA, RUT, SARA
from tests.test_results_draft import KOMPETENS, OFFICER
from tests.webkit import Web

DNR, TITLE, OWNER = "RUN/10/2025", "Yrkesvux i Hemvik", "Hemvik Utbildning AB"
STRICT = SecrecyConfig(version=1, roles_with_access=["registrator"],
                       roles_that_mark=["registrator"])  # fmt: skip


def _marked(db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    make_case(db, workflows, clock, DNR, title=TITLE, owner=OWNER, owner_is_region=False,
              start_date="2025-01-01", end_date="2025-12-31", stage="bp_genomforande",
              priority=KOMPETENS)  # fmt: skip
    add_person(db=db, email=RUT, name="Rut", roles=["registrator"], clock=clock)
    for field in ("title", "owner", "end_date"):
        mark_secret(db=db, secrecy=STRICT, target=Target(dnr=DNR, field=field),
                    osl="OSL 31:16", reason="x", actor=RUT, clock=clock)  # fmt: skip


def test_prefill_masks_marked_fields(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    _marked(database, workflows, clock)
    running = workflows.running_stages()
    seen = prefill(db=database, year=2025, running_stages=running)
    whole = json.dumps([s.text for s in seen.suggestions.values()], ensure_ascii=False)
    assert TITLE in whole and OWNER in whole
    hidden = prefill(db=database, year=2025, running_stages=running, masked=True)
    text = json.dumps([s.text for s in hidden.suggestions.values()], ensure_ascii=False)
    assert TITLE not in text and OWNER not in text and "Hemvik" not in text
    assert "[sekretess]" in text and "31 december 2025" not in text
    create_report(db=database, year=2025, actor=OFFICER, clock=clock)
    [slot] = [s for s, v in hidden.suggestions.items() if DNR in v.sources]
    answer = accept_suggestion(db=database, workflow=workflows.for_subject("results_report"),
                               year=2025, slot=slot, running_stages=running, actor=OFFICER,
                               clock=clock, masked=True)  # fmt: skip
    assert TITLE not in answer.text and "[sekretess]" in answer.text


def test_api_prefill_for_the_users_roles(web_any: Web) -> None:
    web = web_any
    make_case(web.db, web.workflows, web.clock, DNR, title=TITLE, owner=OWNER,
              owner_is_region=False, start_date="2025-01-01", end_date="2025-12-31",
              stage="bp_genomforande", priority=KOMPETENS)  # fmt: skip
    add_person(db=web.db, email=RUT, name="Rut", roles=["registrator"], clock=web.clock)
    for field in ("title", "owner"):
        answer = web.api(RUT).post(f"/api/v1/cases/{DNR}/fields/{field}/secret",
                                   json={"osl": "OSL 31:16", "reason": "x"})  # fmt: skip
        assert answer.status_code == 200, answer.text
    hidden = web.api(SARA).get("/api/v1/results/2025/prefill")
    assert hidden.status_code == 200, hidden.text
    assert TITLE not in hidden.text and OWNER not in hidden.text
    assert TITLE in web.api(ANNA).get("/api/v1/results/2025/prefill").text
