"""Sorting the case list for a role without access to marked fields: a case whose sort column
(title, handläggare, end date) is marked sorts as if its value were the mask — after the others,
in diarienummer order, in either direction — and not where its hidden value would place it. In
the API, the list page, its download and `find_cases` (prebuilt and per-request statements).
A role with access sees the real order. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

from caseflow.cases.caselist import CaseFilter, find_cases, matching_ids
from tests.factories import make_case
from tests.test_field_secrecy import ANNA, RUT, SARA
from tests.webkit import Web

# dnr → (title, handläggare, end date); 481 and 482 get their three fields marked. Their hidden
# values sort 482 ("Beta") before 481 ("Mitt") and both between the open cases 480 and 483.
CASES = {
    "RUN/480/2024": ("Alfa", "a@example.se", "2025-01-01"),
    "RUN/481/2024": ("Mitt", "m@example.se", "2026-06-01"),
    "RUN/482/2024": ("Beta", "b@example.se", "2025-06-01"),
    "RUN/483/2024": ("Zeta", "z@example.se", "2027-12-31"),
}
MARKED = ("RUN/481/2024", "RUN/482/2024")
SORTS = ("title", "handlaggare", "end_date")


def cases_with_marks(web: Web) -> None:
    from caseflow.cases.engine import add_person

    for dnr, (title, officer, end) in CASES.items():
        add_person(db=web.db, email=officer, name=officer.split("@")[0].upper(),
                   roles=["handlaggare"], clock=web.clock)  # fmt: skip
        make_case(web.db, web.workflows, web.clock, dnr, title=title, handlaggare=officer,
                  area="Näringsliv", purpose="Gemensamt syfte", start_date="2024-01-01",
                  end_date=end)  # fmt: skip
    add_person(db=web.db, email=RUT, name="Rut", roles=["registrator"], clock=web.clock)
    rut = web.api(RUT)
    for dnr in MARKED:
        for field in SORTS:
            answer = rut.post(
                f"/api/v1/cases/{dnr}/fields/{field}/secret",
                json={"osl": "OSL 31:16", "reason": "Affärsförhållanden"},
            )
            assert answer.status_code == 200, answer.text


def api_order(web: Web, who: str, **params: str) -> list[str]:
    answer = web.api(who).get("/api/v1/cases", params=params)
    assert answer.status_code == 200, answer.text
    return [item["diarienummer"] for item in answer.json()["items"]]


def real_order(sort: str, descending: bool) -> list[str]:
    index = SORTS.index(sort)
    return sorted(CASES, key=lambda dnr: CASES[dnr][index], reverse=descending)


def test_a_masked_case_sorts_last_in_dnr_order_for_a_role_without_access(web_any: Web) -> None:
    web = web_any
    cases_with_marks(web)
    for sort in SORTS:
        for order in ("asc", "desc"):
            open_ = [d for d in real_order(sort, order == "desc") if d not in MARKED]
            assert api_order(web, SARA, sort=sort, order=order) == [*open_, *MARKED], (sort, order)
            assert api_order(web, ANNA, sort=sort, order=order) == real_order(sort, order == "desc")
            # a filter (prebuilt statements) and a search (built per request) alike
            assert api_order(web, SARA, sort=sort, order=order, area="Näringsliv") == [
                *open_, *MARKED,
            ]  # fmt: skip
            assert api_order(web, SARA, sort=sort, order=order, q="gemensamt") == [*open_, *MARKED]
    # sorts on columns no mark covers are unchanged
    assert api_order(web, SARA, sort="diarienummer") == list(CASES)


def test_the_list_page_and_its_download_sort_masked_cases_last(web_any: Web) -> None:
    web = web_any
    cases_with_marks(web)
    sara, anna = web.client(SARA), web.client(ANNA)
    page = sara.get("/cases", params={"sort": "title"}).text
    shown = sorted(CASES, key=page.index)
    assert shown == ["RUN/480/2024", "RUN/483/2024", *MARKED]
    page = anna.get("/cases", params={"sort": "title"}).text
    assert sorted(CASES, key=page.index) == real_order("title", False)

    listed = sara.get("/cases/export.csv", params={"sort": "end_date", "order": "desc"})
    assert listed.status_code == 200
    text = listed.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text else ","))
    dnrs = [cell for row in rows for cell in row if cell in CASES]
    assert dnrs == ["RUN/483/2024", "RUN/480/2024", *MARKED]


def test_find_cases_and_matching_ids_take_masked_for_the_sort(web_any: Web) -> None:
    web = web_any
    cases_with_marks(web)
    f = CaseFilter(sort="title")
    with web.db.reading() as conn:
        masked = [r.diarienummer for r in find_cases(conn, f, masked=True).rows]
        seen = [r.diarienummer for r in find_cases(conn, f).rows]
        ids = matching_ids(conn, f, masked=True)
        by_id = {r.id: r.diarienummer for r in find_cases(conn, CaseFilter()).rows}
    assert masked == ["RUN/480/2024", "RUN/483/2024", *MARKED]
    assert seen == real_order("title", False)
    assert [by_id[i] for i in ids] == masked
