"""A case's handläggare is a registered person: the engine refuses an unregistered e-mail (so
the CLI, the API, the web form and imports all do, in Swedish, naming the field), and the case
forms pick among the people with the handläggare role; Område and Prioritering are offered from
memos/board.yaml and the values the cases hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from caseflow.cases.engine import create_case, edit_case, import_cases
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.errors import InputError
from caseflow.memo.service import load_case
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.factories import DECIDER, OFFICER, add_people
from tests.webkit import Web, alert_of, csrf_of

DNR = "RUN/5/2025"
STRANGER = "okand@region.se"


def _doc(**fields: object) -> CaseDoc:
    return CaseDoc.model_validate({"diarienummer": DNR, "title": "Ett projekt", **fields})


def test_the_engine_refuses_an_unregistered_handlaggare(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    add_people(database, clock)
    with pytest.raises(InputError, match=f"{DNR}: handläggare: {STRANGER} är inte registrerad"):
        create_case(db=database, workflows=workflows, doc=_doc(handlaggare=STRANGER),
                    actor=OFFICER, clock=clock)  # fmt: skip
    with pytest.raises(InputError, match="är inte registrerad"):
        import_cases(db=database, workflows=workflows, actor=OFFICER, clock=clock,
                     docs=[_doc(handlaggare=STRANGER)])  # fmt: skip
    create_case(db=database, workflows=workflows, doc=_doc(handlaggare=OFFICER), actor=OFFICER,
                clock=clock)  # fmt: skip
    with pytest.raises(InputError, match="är inte registrerad"):
        edit_case(db=database, dnr=DNR, changes={"handlaggare": STRANGER}, actor=OFFICER,
                  clock=clock)  # fmt: skip
    with pytest.raises(InputError, match="är inte registrerad"):
        import_cases(db=database, workflows=workflows, actor=OFFICER, clock=clock, update=True,
                     docs=[_doc(handlaggare=STRANGER)])  # fmt: skip
    case, _ = load_case(database, DNR)
    assert case["handlaggare"] == OFFICER  # nothing changed
    # Registered with another role: allowed (the forms offer handläggare only).
    edit_case(db=database, dnr=DNR, changes={"handlaggare": DECIDER}, actor=OFFICER, clock=clock)
    edit_case(db=database, dnr=DNR, changes={"handlaggare": None}, actor=OFFICER, clock=clock)
    assert load_case(database, DNR)[0]["handlaggare"] is None  # none at all is allowed


def test_the_command_line_refuses_it_in_one_line(cli: Run, tmp_path: Path) -> None:
    code, _, err = cli("case", "new", DNR, "--title", "Ett projekt", "--handlaggare", STRANGER)
    assert code == 1 and err.strip().splitlines() == [
        f"fel: {DNR}: handläggare: {STRANGER} är inte registrerad; välj en registrerad "
        "handläggare (en administratör registrerar nya personer)"
    ]
    file = tmp_path / "cases.json"
    people = [{"email": STRANGER, "name": "Ny Handläggare", "roles": ["handlaggare"]}]
    file.write_text(json.dumps({"people": people, "cases": [
        {"diarienummer": DNR, "title": "Ett projekt", "handlaggare": STRANGER}]}),
        encoding="utf-8")  # fmt: skip
    code, _, err = cli("cases", "import", str(file))
    assert code == 0, err  # the file registers the person first
    code, out, _ = cli("case", "show", DNR, "--json")
    assert json.loads(out)["handlaggare"] == STRANGER


def test_the_api_refuses_it(web_any: Web) -> None:
    api = web_any.api("anna@example.se")
    got = api.post("/api/v1/cases", json={"diarienummer": DNR, "title": "Ett projekt",
                                          "handlaggare": STRANGER})  # fmt: skip
    assert got.status_code == 400
    assert "handläggare: okand@region.se är inte registrerad" in got.json()["detail"]


def test_the_form_picks_among_registered_officers(web_any: Web) -> None:
    doc = _doc(handlaggare="anna@example.se", area="Turism och besöksnäring")
    create_case(db=web_any.db, workflows=web_any.workflows, clock=web_any.clock,
                actor="anna@example.se", doc=doc)  # fmt: skip
    anna = web_any.client("anna@example.se")
    page = anna.get(f"/cases/{DNR}").text
    picker = re.search(r'<select id="f-handlaggare".*?</select>', page, re.S)
    assert picker is not None
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', picker.group(0))
    # Only people with the handläggare role, by name; the case's own chosen.
    assert options == [("", "", "Ingen handläggare"), ("anna@example.se", " selected", "Anna")]
    areas = re.search(r'<datalist id="val-area">(.*?)</datalist>', page, re.S)
    assert areas is not None
    offered = re.findall(r'<option value="([^"]*)">', areas.group(1))
    assert offered[0] == ("Regionalt utvecklingsansvar - Utvecklingskraft i hela Jämtland "
                          "Härjedalen")  # fmt: skip
    assert "Turism och besöksnäring" in offered  # a value a case holds
    assert 'list="val-priority"' in page and "Barns och ungas rätt till kultur" in page
    assert "Handläggare: Anna" in page  # the header names the officer

    token = csrf_of(anna, f"/cases/{DNR}")
    response = anna.post(f"/cases/{DNR}/edit", data={"csrf_token": token,
                                                     "handlaggare": STRANGER})  # fmt: skip
    assert response.status_code == 400
    assert alert_of(response.text) == (f"Fel: {DNR}: handläggare: {STRANGER} är inte registrerad; "
                                       "välj en registrerad handläggare (en administratör "
                                       "registrerar nya personer)")  # fmt: skip
    assert load_case(web_any.db, DNR)[0]["handlaggare"] == "anna@example.se"

    new = anna.get("/cases/new").text
    assert re.search(r'<select id="handlaggare" name="handlaggare">', new)
    assert '<option value="anna@example.se" selected>Anna</option>' in new
    assert "bo@example.se" not in new  # a beslutsfattare is not offered
    token = csrf_of(anna, "/cases/new")
    form = {"csrf_token": token, "diarienummer": "RUN/6/2025", "title": "Nytt",
            "handlaggare": STRANGER}  # fmt: skip
    refused = anna.post("/cases/new", data=form)
    assert refused.status_code == 400 and "är inte registrerad" in alert_of(refused.text)
