"""The case history for a role without access: a marked field's old and new values and the
reasons given for secrecy marks and their lifting are masked on the case page, in the API and
in `case history --public`; a role with access (and the CLI without --public) sees them.
SQLite and PostgreSQL."""

from __future__ import annotations

import json

from tests.conftest import Run
from tests.test_cli_errors import EXAMPLE
from tests.test_field_secrecy import ANNA, CASE_DNR, PURPOSE, SARA, URL, marked_case
from tests.webkit import Web

REASON = "Affärsförhållanden"


def test_mark_reasons_are_masked_in_the_history_for_a_role_without_access(web_any: Web) -> None:
    web = web_any
    marked_case(web)  # three marks with the reason "Affärsförhållanden"
    hidden = web.api(SARA).get(URL + "/history").json()
    marks = [e for e in hidden if e["kind"] == "secrecy_mark"]
    assert len(marks) == 3 and {e["changes"]["reason"] for e in marks} == {"[sekretess]"}
    assert {e["changes"]["osl"] for e in marks} == {"OSL 31:16"}  # the provision is public
    assert REASON not in json.dumps(hidden, ensure_ascii=False)
    seen = web.api(ANNA).get(URL + "/history").json()
    assert {e["changes"]["reason"] for e in seen if e["kind"] == "secrecy_mark"} == {REASON}

    page = web.client(SARA).get(f"/cases/{CASE_DNR}", params={"history_all": "true"})
    assert page.status_code == 200 and REASON not in page.text
    assert REASON in web.client(ANNA).get(f"/cases/{CASE_DNR}", params={"history_all": "true"}).text


def test_cli_case_history_public(cli: Run) -> None:
    assert cli("cases", "import", str(EXAMPLE))[0] == 0
    dnr = json.loads(cli("case", "list", "--json")[1])[0]["diarienummer"]
    assert cli("case", "edit", dnr, "--set", f"purpose={PURPOSE}")[0] == 0
    assert cli("person", "add", "rut@region.se", "--name", "Rut", "--role", "registrator")[0] == 0
    code, _, err = cli("handling", "secret", dnr, "--field", "purpose", "--osl", "OSL 31:16",
                       "--reason", "Företagets affärsplan", "--actor", "rut@region.se")  # fmt: skip
    assert code == 0, err
    whole = cli("case", "history", dnr)[1]
    assert PURPOSE in whole and "Företagets affärsplan" in whole
    public = cli("case", "history", dnr, "--public")[1]
    assert PURPOSE not in public and "Företagets affärsplan" not in public
    assert "[sekretess]" in public and "OSL 31:16" in public
    raw = cli("case", "history", dnr, "--public", "--json")[1]
    assert PURPOSE not in raw and "Företagets affärsplan" not in raw
    events = json.loads(raw)
    edit = next(e for e in events if e["kind"] == "edit" and "purpose" in e["changes"])
    assert edit["changes"]["purpose"][1] == "[sekretess]"
