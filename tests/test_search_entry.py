"""Search from the command line (`case list --search`), the API's `?q=` and the header's box."""

from __future__ import annotations

import json
import re

from caseflow.cases.engine import create_case
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.test_cli_errors import assert_user_error
from tests.webkit import Web

CASES = [
    ("RUN/479/2024", {"title": "Förberedande studie, Älvdalen"}),
    ("RUN/47/2024", {"title": "Återbruk i Östersund", "purpose": "FÖRBEREDANDE insatser"}),
    ("KS/12/2025", {"title": "Vägar i länet", "owner": "Strömsunds kommun",
                    "owner_is_region": False}),
]  # fmt: skip


def _seed(db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    for dnr, fields in CASES:
        doc = CaseDoc.model_validate({"diarienummer": dnr, **fields})
        create_case(db=db, workflows=workflows, doc=doc, actor="t", clock=clock)


def test_cli_case_list_search(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock, cli: Run
) -> None:
    # SQLite only: the command line on PostgreSQL leaves its pool open (the search itself is
    # the list's, tested on both databases in test_search.py and through the API below).
    _seed(sqlite_db, workflows, clock)
    code, out, _ = cli("case", "list", "--search", "479")
    assert code == 0 and "RUN/479/2024" in out and "RUN/47/2024" not in out
    assert out.strip().endswith("1 ärende")
    code, out, _ = cli("case", "list", "--search", "förberedande", "--json")
    assert code == 0
    assert [c["diarienummer"] for c in json.loads(out)] == ["RUN/47/2024", "RUN/479/2024"]
    code, out, _ = cli("case", "list", "--search", "STRÖMSUNDS", "--json")
    assert [c["diarienummer"] for c in json.loads(out)] == ["KS/12/2025"]
    code, out, _ = cli("case", "list", "--search", "ingenting sådant", "--json")
    assert (code, json.loads(out)) == (0, [])
    assert_user_error(cli("case", "list", "--search", "  "), "sökningen")
    assert_user_error(cli("case", "list", "--search", "x" * 201), "sökningen", "200")


def test_api_q_uses_the_same_search(web_any: Web) -> None:
    _seed(web_any.db, web_any.workflows, web_any.clock)
    api = web_any.api("bo@example.se")
    found = api.get("/api/v1/cases", params={"q": "RUN/47"}).json()
    assert sorted(c["diarienummer"] for c in found["items"]) == ["RUN/47/2024", "RUN/479/2024"]
    found = api.get("/api/v1/cases", params={"q": "ÄLVDALEN förb"}).json()
    assert [c["diarienummer"] for c in found["items"]] == ["RUN/479/2024"]


def test_the_header_has_a_search_box_on_every_page(web: Web) -> None:
    _seed(web.db, web.workflows, web.clock)
    client = web.client("bo@example.se")
    for path in ("/board", "/cases", "/meetings", "/cases/RUN/47/2024"):
        html = client.get(path).text
        header = html.split("<header", 1)[1].split("</header>", 1)[0]
        assert re.search(r'<form class="site-search" method="get" action="/cases" role="search"',
                         header), path  # fmt: skip
        assert 'name="q"' in header and 'for="site-q"' in header
    html = client.get("/cases", params={"q": "ÖSTERSUND"}).text
    assert 'value="ÖSTERSUND"' in html.split("</header>", 1)[0]  # the box keeps the query
    rows = re.findall(r'<td><a href="/cases/[^"]+">([^<]+)</a></td>', html)
    assert rows == ["RUN/47/2024"]
