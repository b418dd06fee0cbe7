"""Free text is bounded where it enters (the case JSON's declared lengths, for CLI, web and API
alike) and a request body over 2 MB is answered 413 by the server before anything parses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from caseflow.cases.engine import create_case
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc, parse_case_doc
from caseflow.domain.casefields import CASE_FIELDS, MAX_LINE_LENGTH, MAX_LINES, MAX_LONG_TEXT
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import InputError
from caseflow.store.db import Database
from caseflow.store.repo import get_case
from caseflow.web.limits import MAX_BODY_BYTES
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.webkit import Web, alert_of, csrf_of

DNR = "RUN/61/2026"
BASE = {"diarienummer": DNR, "title": "Kommunal laddinfrastruktur", "owner": "Bräcke kommun",
        "owner_is_region": False}  # fmt: skip


def test_every_free_text_field_declares_a_maximum() -> None:
    free = [f for f in CASE_FIELDS if f.kind in ("text", "long_text", "lines", "dnr_list")]
    assert free and all(f.max_length for f in free), [f.name for f in free if not f.max_length]
    assert {f.max_length for f in free if f.kind == "long_text"} == {MAX_LONG_TEXT}


@pytest.mark.parametrize("name", ["purpose", "background", "own_financing", "follow_up_comment"])
def test_long_text_is_bounded(name: str) -> None:
    assert getattr(CaseDoc.model_validate({**BASE, name: "å" * MAX_LONG_TEXT}), name)
    with pytest.raises(InputError, match=f"{name}: får vara högst {MAX_LONG_TEXT} tecken"):
        parse_case_doc({**BASE, name: "å" * (MAX_LONG_TEXT + 1)}, where="fil.json")


@pytest.mark.parametrize(
    ("value", "message"),
    [({"decision_basis": ["Ansökan"] * (MAX_LINES + 1)}, f"högst {MAX_LINES} poster"),
     ({"copies": ["x" * (MAX_LINE_LENGTH + 1)]}, f"en rad får vara högst {MAX_LINE_LENGTH}"),
     ({"other_diarienummer": [f"RUN/{i}/2025" for i in range(1, MAX_LINES + 2)]},
      f"other_diarienummer: får ha högst {MAX_LINES} poster")],
)  # fmt: skip
def test_lists_are_bounded(value: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_case_doc({**BASE, **value}, where="fil.json")
    with pytest.raises(ValidationError):
        CaseDoc.model_validate({**BASE, **value})


def test_the_longest_texts_are_stored_whole(database: Database, clock: FakeClock,
                                           workflows: WorkflowRegistry) -> None:  # fmt: skip
    longest = {name: ("å" * (MAX_LONG_TEXT - 1)) + name[0] for name in
               ("purpose", "background", "own_financing", "follow_up_comment")}  # fmt: skip
    doc = CaseDoc.model_validate({**BASE, **longest, "copies": ["ö" * MAX_LINE_LENGTH]})
    create_case(db=database, workflows=workflows, doc=doc, actor="t", clock=clock)
    with database.read() as session:
        case = get_case(session=session, dnr=parse_dnr(DNR))
        assert case is not None
        assert {name: getattr(case, name) for name in longest} == longest
        assert case.copies == ["ö" * MAX_LINE_LENGTH]


def test_cli_edit_refuses_a_purpose_over_the_limit(cli: Run) -> None:
    assert cli("case", "new", DNR, "--title", "Laddinfrastruktur")[0] == 0
    before = cli("cases", "export", "--format", "json")[1]
    code, _, err = cli("case", "edit", DNR, "--set", "purpose=" + "a" * (MAX_LONG_TEXT + 1))
    assert code == 1 and err.startswith("fel: ") and f"högst {MAX_LONG_TEXT} tecken" in err
    assert err.count("\n") == 1
    assert cli("cases", "export", "--format", "json")[1] == before


def test_api_refuses_long_text_and_creates_nothing(web: Web) -> None:
    api = web.api("anna@example.se")
    response = api.post("/api/v1/cases", json={**BASE, "purpose": "p" * (MAX_LONG_TEXT + 1)})
    assert response.status_code == 422, response.text
    assert f"högst {MAX_LONG_TEXT} tecken" in response.text
    assert api.get(f"/api/v1/cases/{DNR}").status_code == 404


def test_api_refuses_long_lists_in_swedish(web: Web) -> None:
    api = web.api("anna@example.se")
    response = api.post("/api/v1/cases", json={**BASE, "copies": ["Kommun"] * (MAX_LINES + 1)})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == f"copies: får ha högst {MAX_LINES} poster"
    response = api.post("/api/v1/cases", json={**BASE, "copies": ["k" * (MAX_LINE_LENGTH + 1)]})
    assert response.status_code == 422
    assert f"en rad får vara högst {MAX_LINE_LENGTH} tecken" in response.text
    assert api.get(f"/api/v1/cases/{DNR}").status_code == 404


def test_api_body_over_the_limit_is_413_before_parsing(web: Web) -> None:
    api = web.api("anna@example.se")
    huge = {**BASE, "purpose": "p" * (MAX_BODY_BYTES + 10)}
    response = api.post("/api/v1/cases", json=huge)
    assert response.status_code == 413
    assert response.json() == {"detail": "förfrågan är för stor: högst 2 MB"}
    assert api.get(f"/api/v1/cases/{DNR}").status_code == 404


def test_a_streamed_body_without_length_is_cut_off_at_the_limit(web: Web) -> None:
    api = web.api("anna@example.se")

    def chunks() -> Iterator[bytes]:
        yield b'{"diarienummer": "RUN/61/2026", "title": "T", "purpose": "'
        for _ in range(8):  # 4 MB in all, with no Content-Length
            yield b"p" * (512 * 1024)
        yield b'"}'

    response = api.post("/api/v1/cases", content=chunks(),
                        headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 413
    assert api.get(f"/api/v1/cases/{DNR}").status_code == 404


def test_a_form_over_the_limit_is_413_and_a_long_field_shows_the_form_again(web: Web) -> None:
    doc = CaseDoc.model_validate({**BASE, "handlaggare": "anna@example.se"})
    create_case(db=web.db, workflows=web.workflows, doc=doc, actor="t", clock=web.clock)
    client = web.client("anna@example.se")
    url = f"/cases/{DNR}"
    token = csrf_of(client, url)
    response = client.post(f"{url}/edit", data={"csrf_token": token,
                                                 "purpose": "x" * (MAX_LONG_TEXT + 1)})  # fmt: skip
    assert response.status_code == 400
    assert f"högst {MAX_LONG_TEXT} tecken" in alert_of(response.text)
    response = client.post(f"{url}/edit", data={"csrf_token": token,
                                                 "purpose": "x" * (3 * 1024 * 1024)})  # fmt: skip
    assert response.status_code == 413 and "för stor" in response.text
