"""The case list's search and filters for a role without access to marked fields: a case is
found only by what the searcher may see (not by a word inside a marked field, nor by a filter on
a marked column), in the list page, its download, the API and `case list --search --public`.
A role with access finds it. SQLite and PostgreSQL."""

from __future__ import annotations

import json

from caseflow.cases.caselist import CaseFilter, find_cases, search_ids
from caseflow.cases.search import parse_query, words_match
from tests.conftest import Run
from tests.factories import make_case
from tests.test_cli_errors import EXAMPLE
from tests.test_field_secrecy import ANNA, CASE_DNR, RUT, SARA, URL, marked_case
from tests.webkit import Web

OPEN_DNR = "RUN/480/2024"


def found(web: Web, who: str, **params: str) -> list[str]:
    items = web.api(who).get("/api/v1/cases", params=params).json()["items"]
    return sorted(item["diarienummer"] for item in items)


def test_words_match_only_the_given_texts() -> None:
    terms = parse_query("hemlig projekt")
    assert words_match(terms, ["Ett projekt", "Hemliga saker"])
    assert not words_match(terms, ["Ett projekt", None])
    assert words_match(parse_query("RUN/479"), [])  # no words: nothing to check again


def test_a_word_in_a_marked_field_finds_nothing_for_a_role_without_access(web_any: Web) -> None:
    web = web_any
    marked_case(web)  # purpose "Stödja Företaget AB:s hemliga produktutveckling", owner marked
    make_case(web.db, web.workflows, web.clock, OPEN_DNR, title="Hemliga trädgårdar",
              purpose="Öppet syfte")  # fmt: skip
    assert found(web, ANNA, q="produktutveckling") == [CASE_DNR]
    assert found(web, SARA, q="produktutveckling") == []
    assert found(web, SARA, q="företaget") == []  # purpose and owner both marked
    assert found(web, SARA, q="hemliga") == [OPEN_DNR]  # the open case's title
    assert found(web, ANNA, q="hemliga") == [CASE_DNR, OPEN_DNR]
    assert found(web, SARA, q="projekt") == [CASE_DNR]  # the title is not marked
    assert found(web, SARA, q="projekt hemliga") == []  # one word seen, one hidden
    assert found(web, SARA, q="RUN/479") == [CASE_DNR]  # the diarienummer is never marked
    # a filter on a marked column finds the case only for a role with access
    assert found(web, SARA, owner="Företaget AB") == []
    assert found(web, ANNA, owner="Företaget AB") == [CASE_DNR]
    assert found(web, SARA, area="Näringsliv") == [CASE_DNR]  # area is not marked

    sara, anna = web.client(SARA), web.client(ANNA)
    page = sara.get("/cases", params={"q": "produktutveckling"})
    assert page.status_code == 200 and CASE_DNR not in page.text
    assert CASE_DNR in anna.get("/cases", params={"q": "produktutveckling"}).text
    listed = sara.get("/cases/export.csv", params={"q": "företaget"})
    assert listed.status_code == 200 and CASE_DNR not in listed.content.decode("utf-8-sig")
    seen = anna.get("/cases/export.csv", params={"q": "företaget"})
    assert CASE_DNR in seen.content.decode("utf-8-sig")

    # lifting the mark makes the word findable again
    lifted = web.api(RUT).post(f"{URL}/fields/purpose/open",
                               json={"reason": "Uppgiften är offentlig"})  # fmt: skip
    assert lifted.status_code == 200, lifted.text
    assert found(web, SARA, q="produktutveckling") == [CASE_DNR]


def test_the_service_functions_take_masked(web_any: Web) -> None:
    web = web_any
    marked_case(web)
    with web.db.reading() as conn:
        assert search_ids(conn, "produktutveckling") != set()
        assert search_ids(conn, "produktutveckling", masked=True) == set()
        page = find_cases(conn, CaseFilter(owner="Företaget AB"), masked=True)
        assert page.rows == [] and page.total == 0
        assert find_cases(conn, CaseFilter(owner="Företaget AB")).total == 1


def test_cli_search_public(cli: Run) -> None:
    assert cli("cases", "import", str(EXAMPLE))[0] == 0
    dnr = json.loads(cli("case", "list", "--json")[1])[0]["diarienummer"]
    assert cli("case", "edit", dnr, "--set", "purpose=Hemlig xylofonfabrik")[0] == 0
    assert cli("person", "add", "rut@region.se", "--name", "Rut", "--role", "registrator")[0] == 0
    code, _, err = cli("handling", "secret", dnr, "--field", "purpose", "--osl", "OSL 31:16",
                       "--reason", "Affärsförhållanden", "--actor", "rut@region.se")  # fmt: skip
    assert code == 0, err
    seen = json.loads(cli("case", "list", "--json", "--search", "xylofonfabrik")[1])
    assert [d["diarienummer"] for d in seen] == [dnr]
    hidden = json.loads(cli("case", "list", "--json", "--public", "--search", "xylofonfabrik")[1])
    assert hidden == []
