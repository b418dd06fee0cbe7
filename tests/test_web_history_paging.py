"""The case page shows the latest history entries and the whole history on demand (issue 15)."""

from __future__ import annotations

import re

from caseflow.cases.engine import create_case, edit_case
from caseflow.domain.casedoc import CaseDoc
from caseflow.web.pages.cases import HISTORY_PAGE
from tests.webkit import Web

DNR = "RUN/5/2025"


def _entries(html: str) -> list[str]:
    history = html[html.index('id="historik"') :]
    return re.findall(r'<li><span class="when">', history)


def test_the_case_page_shows_the_latest_history_and_all_on_demand(web: Web) -> None:
    doc = CaseDoc(diarienummer=DNR, title="Titel 0", handlaggare="anna@example.se")
    create_case(db=web.db, workflows=web.workflows, doc=doc, actor="test", clock=web.clock)
    for i in range(1, HISTORY_PAGE + 5):
        edit_case(db=web.db, dnr=DNR, changes={"title": f"Titel {i}"}, actor="test",
                  clock=web.clock, workflows=web.workflows)  # fmt: skip
    total = HISTORY_PAGE + 5  # the creation and the edits
    client = web.client("anna@example.se")
    page = client.get(f"/cases/{DNR}").text
    assert len(_entries(page)) == HISTORY_PAGE
    assert f'<ol class="history" reversed start="{total}">' in page
    assert f"Visar de senaste {HISTORY_PAGE} av {total} händelser." in page
    assert f"Titel {HISTORY_PAGE + 4}</span>" in page  # the newest edit is shown
    whole = client.get(f"/cases/{DNR}?historik=alla").text
    assert len(_entries(whole)) == total
    assert "Visa alla" not in whole[whole.index('id="historik"') :]
