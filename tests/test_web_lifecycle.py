"""The case page, API and CLI for the lifecycle's protections, the history and the financing
plan, on cases built here: a municipality's rejected application and a partner project."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from caseflow.cases.engine import create_case
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.dnr import parse_dnr
from caseflow.store.repo import list_events, require_case
from tests.conftest import Run
from tests.webkit import Web, alert_of, csrf_of

DNR = "RUN/40/2026"
URL = f"/cases/{DNR}"
ANNA, BO = "anna@example.se", "bo@example.se"


@pytest.fixture
def kommun(web: Web) -> Web:
    """A municipality's project with two funders, its application sent, multi-line texts."""
    doc = CaseDoc.model_validate({
        "diarienummer": DNR, "title": "Laddinfrastruktur i Fjällby kommun",
        "purpose": "Kartlägga behovet.\nBygga tio laddplatser.\n\nUtvärdera.",
        "background": "Kommunen äger projektet.\nRegionen medfinansierar.",
        "decision_basis": ["Ansökan", "Budget"], "owner": "Fjällby kommun",
        "owner_is_region": False, "area": "Energi", "start_date": "2026-02-01",
        "end_date": "2027-01-31", "total_budget_sek": 900_000, "stage": "application_sent",
        "handlaggare": ANNA, "other_diarienummer": ["RUN/12/2025"],
        "funders": [
            {"code": "energimyndigheten", "amount_sek": 400_000, "status": "applied"},
            {"code": "anslag_1_1", "amount_sek": 250_000, "status": "granted",
             "decision_date": "2024-11-20"},
            {"code": "esf", "amount_sek": 100_000, "status": "rejected"},
        ],
    })  # fmt: skip
    create_case(db=web.db, workflows=web.workflows, doc=doc, actor=ANNA, clock=web.clock)
    return web


def _events(web: Web) -> list[tuple[str, str | None, str | None]]:
    with web.db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(DNR))
        assert case.id is not None
        return [
            (e.kind, e.trigger, e.reason) for e in list_events(session=session, case_id=case.id)
        ]


class _Form(HTMLParser):
    """The named fields of the form posting to `action`, as a browser would send them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif self.inside and tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif self.inside and tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif self.inside and tag == "select":
            self._select = a["name"]
        elif self._select and tag == "option" and "selected" in a:
            self.fields[self._select] = a["value"]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def _form(page: str, action: str) -> dict[str, str]:
    parser = _Form(action)
    parser.feed(page)
    return parser.fields


def test_the_form_saved_unchanged_with_crlf_records_nothing(kommun: Web) -> None:
    client = kommun.client(ANNA)
    fields = _form(client.get(URL).text, f"{URL}/edit")
    assert {"purpose", "background", "decision_basis", "owner_is_region", "csrf_token"} <= set(
        fields
    )
    # as browsers send a textarea: CRLF line breaks (the parser read the escaped text)
    sent = {k: v.replace("\n", "\r\n") for k, v in fields.items()}
    assert "\r\n" in sent["purpose"] and "\r\n" in sent["decision_basis"]
    before = _events(kommun)
    response = client.post(f"{URL}/edit", data=sent)
    assert response.status_code == 303
    assert "Inget+%C3%A4ndrat" in response.headers["location"]
    assert _events(kommun) == before
    # a real change next to the untouched CRLF texts records only that change
    sent["area"] = "Energi och klimat"
    client.post(f"{URL}/edit", data=sent)
    with kommun.db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(DNR))
        assert case.id is not None
        last = list_events(session=session, case_id=case.id)[-1]
        assert last.changes == {"area": ["Energi", "Energi och klimat"]}
        assert "\r" not in (case.purpose or "")


def test_reject_is_a_confirm_step_with_a_reason(kommun: Web) -> None:
    client = kommun.client(BO)
    page = client.get(URL).text
    moves = page[page.index('id="flyttar"') : page.index('id="falt"')]
    # grant is an ordinary button; reject and withdraw open a confirm step with a reason
    assert '<details class="confirm-move">\n  <summary>Avslag → Avslutat …</summary>' in moves
    assert 'name="confirm" value="ja" required' in moves
    assert '<button type="submit">Avslag' not in moves
    token = csrf_of(client, URL)
    one_click = client.post(f"{URL}/moves/reject", data={"csrf_token": token, "reason": "Nej"})
    assert one_click.status_code == 400
    assert (
        alert_of(one_click.text) == "Fel: bekräfta flytten: kryssa i rutan och skriv en motivering"
    )
    no_reason = client.post(f"{URL}/moves/reject", data={"csrf_token": token, "confirm": "ja"})
    assert no_reason.status_code == 400 and alert_of(no_reason.text) == (
        "Fel: ”Avslag” kräver en motivering"
    )
    assert [k for k, *_ in _events(kommun)] == ["create"]
    done = client.post(f"{URL}/moves/reject", data={
        "csrf_token": token, "confirm": "ja", "reason": "ESF avslog\r\nansökan i december",
    })  # fmt: skip
    assert done.status_code == 303
    assert _events(kommun)[-1] == ("transition", "reject", "ESF avslog\nansökan i december")
    closed = client.get(URL).text
    # read-only: no edit form, no funder form, no removal; the history says what happened
    assert f'action="{URL}/edit"' not in closed and f'action="{URL}/funders"' not in closed
    assert "/remove" not in closed
    assert "Ärendet är avslutat och kan inte ändras." in closed
    history = closed[closed.index('id="historik"') :]
    assert "Avslag: Ansökan inskickad → Avslutat" in history
    assert "Ärendet registrerades i steget Ansökan inskickad" in history
    assert "(reject)" not in history and "funders." not in history
    # the engine refuses a forged edit of the closed case
    anna = kommun.client(ANNA)
    forged = anna.post(f"{URL}/edit", data={"csrf_token": csrf_of(anna, URL), "title": "Nytt"})
    assert forged.status_code == 400 and "är avslutat och kan inte ändras" in alert_of(forged.text)


def test_reopen_is_for_decision_makers(kommun: Web) -> None:
    api_bo = kommun.api(BO)
    path = f"/api/v1{URL}"
    assert api_bo.post(path + "/moves/reject", json={"reason": "ESF sa nej"}).status_code == 200
    anna = kommun.client(ANNA)
    page = anna.get(URL).text
    assert "Öppna ärendet igen → Planering" in page and "kräver rollen beslutsfattare" in page
    refused = anna.post(f"{URL}/moves/reopen", data={
        "csrf_token": csrf_of(anna, URL), "confirm": "ja", "reason": "Ny utlysning"})  # fmt: skip
    assert refused.status_code == 403
    bo = kommun.client(BO)
    page = bo.get(URL).text
    assert "<summary>Öppna ärendet igen → Planering …</summary>" in page
    opened = bo.post(f"{URL}/moves/reopen", data={
        "csrf_token": csrf_of(bo, URL), "confirm": "ja", "reason": "Ny utlysning"})  # fmt: skip
    assert opened.status_code == 303
    page = bo.get(URL).text
    assert "Öppna ärendet igen: Avslutat → Planering" in page
    assert f'action="{URL}/edit"' in page
    assert api_bo.get(path).json()["outcome"] is None


def test_the_financing_plan_adds_up(kommun: Web) -> None:
    page = html.unescape(kommun.client(ANNA).get(URL).text)
    plan = page[page.index('id="finansiering"') : page.index('id="memon"')]
    nb = "\u00a0"
    for label, amount in [("planerad", "0"), ("sökt", f"400{nb}000"),
                          ("beviljad", f"250{nb}000"), ("avslag", f"100{nb}000")]:  # fmt: skip
        assert f'Summa {label}</th><td class="num">{amount}{nb}kr' in plan, label
    assert f'Externa finansiärer (ej avslag)</th><td class="num">650{nb}000{nb}kr' in plan
    assert f'Skillnad mot total budget</th><td class="num">250{nb}000{nb}kr' in plan
    assert (f"250{nb}000{nb}kr av den totala budgeten täcks inte av externa finansiärer"
            in plan)  # fmt: skip
    # a funder above the total budget is refused, with the amounts in kronor
    client = kommun.client(ANNA)
    too_much = client.post(f"{URL}/funders", data={
        "csrf_token": csrf_of(client, URL), "code": "energimyndigheten",
        "amount_sek": "99 000 000 000", "status": "applied"})  # fmt: skip
    assert too_much.status_code == 400
    assert alert_of(too_much.text).startswith(
        f"Fel: Energimyndigheten: beloppet 99{nb}000{nb}000{nb}000{nb}kr är större än ärendets "
        f"totala budget 900{nb}000{nb}kr"
    )
    future = client.post(f"{URL}/funders", data={
        "csrf_token": csrf_of(client, URL), "code": "anslag_1_1", "status": "granted",
        "decision_date": "2150-01-01"})  # fmt: skip
    assert future.status_code == 400 and "ligger i framtiden" in alert_of(future.text)
    assert [k for k, *_ in _events(kommun)] == ["create"]
    # more than the budget in total is a warning, not a refusal
    over = client.post(f"{URL}/funders", data={
        "csrf_token": csrf_of(client, URL), "code": "energimyndigheten",
        "amount_sek": "800000", "status": "applied"})  # fmt: skip
    assert over.status_code == 303
    page = html.unescape(client.get(URL).text)
    assert f"Finansiärernas belopp (1{nb}050{nb}000{nb}kr) överstiger den totala budgeten med " \
           f"150{nb}000{nb}kr." in page  # fmt: skip


def test_removing_a_funder_from_the_page_and_the_api(kommun: Web) -> None:
    client = kommun.client(ANNA)
    page = client.get(URL).text
    assert f'action="{URL}/funders/esf/remove"' in page
    removed = client.post(f"{URL}/funders/esf/remove", data={
        "csrf_token": csrf_of(client, URL), "reason": "Avslaget, söks inte igen"})  # fmt: skip
    assert removed.status_code == 303
    page = client.get(URL).text
    history = html.unescape(page[page.index('id="historik"') :])
    assert "Ändrade finansieringsplanen" in history
    assert "Finansiär ESF Europeiska Socialfonden (ESF+): " in history
    assert '100\u00a0000\u00a0kr, avslag</span> → <span class="new">borttagen' in history
    assert "Avslaget, söks inte igen" in history
    api = kommun.api(ANNA)
    path = f"/api/v1{URL}/funders/energimyndigheten"
    stale = api.delete(path, params={"expected_version": 1})
    assert stale.status_code == 409
    gone = api.delete(path, params={"reason": "Drog tillbaka ansökan"})
    assert gone.status_code == 200
    assert list(gone.json()["changes"]) == ["funders.energimyndigheten"]
    assert [f["code"] for f in api.get(f"/api/v1{URL}").json()["funders"]] == ["anslag_1_1"]
    again = api.delete(path)
    assert again.status_code == 400 and "har ingen finansiär" in again.json()["detail"]
    assert (
        kommun.api("sara@example.se").delete(f"/api/v1{URL}/funders/anslag_1_1").status_code == 403
    )


# --- the command line


def test_cli_reopen_remove_and_a_history_in_swedish(cli: Run, tmp_path: Path) -> None:
    for email, role in [("anna@region.se", "handlaggare"), ("bo@region.se", "beslutsfattare")]:
        assert cli("person", "add", email, "--name", email[:3], "--role", role)[0] == 0
    data = {"diarienummer": "RUN/41/2026", "title": "Partnerprojekt Nordkalotten",
            "owner": "Nordkalottrådet", "owner_is_region": False, "stage": "application_sent",
            "total_budget_sek": 2_000_000, "funders": [
                {"code": "interreg_ovriga", "amount_sek": 1_000_000,
                 "status": "applied"}]}  # fmt: skip
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert cli("case", "new", "--from-json", str(path))[0] == 0
    code, _, err = cli("case", "fire", "RUN/41/2026", "reject", "--actor", "bo@region.se",
                       "--reason", "Interreg avslog")  # fmt: skip
    assert (code, err.strip()) == (
        1, "fel: Avslag går inte ännu: ingen finansiär har status avslag; ange finansiärens "
        "avslag först",
    )  # fmt: skip
    assert cli("case", "funder", "set", "RUN/41/2026", "interreg_ovriga", "--status",
               "rejected")[0] == 0  # fmt: skip
    code, _, err = cli("case", "fire", "RUN/41/2026", "reject", "--actor", "bo@region.se")
    assert (code, err.strip()) == (1, "fel: ”Avslag” kräver en motivering")
    assert cli("case", "fire", "RUN/41/2026", "reject", "--actor", "bo@region.se",
               "--reason", "Interreg avslog")[0] == 0  # fmt: skip
    code, _, err = cli("case", "edit", "RUN/41/2026", "--set", "title=Nytt")
    assert code == 1 and "är avslutat och kan inte ändras" in err and len(err.splitlines()) == 1
    code, _, err = cli("case", "reopen", "RUN/41/2026", "--actor", "anna@region.se", "--reason",
                       "Ny utlysning")  # fmt: skip
    assert code == 1 and "kräver rollen beslutsfattare eller admin" in err
    code, out, _ = cli("case", "reopen", "RUN/41/2026", "--actor", "bo@region.se", "--reason",
                       "Ny utlysning")  # fmt: skip
    assert (code, out.strip()) == (0, "RUN/41/2026: öppnat igen, står nu i Planering")
    code, _, err = cli("case", "reopen", "RUN/41/2026", "--actor", "bo@region.se", "--reason", "x")
    assert code == 1 and "är inte avslutat" in err
    code, out, _ = cli("case", "funder", "remove", "RUN/41/2026", "interreg_ovriga",
                       "--reason", "Avslaget")  # fmt: skip
    assert code == 0 and "Interreg övriga (NPA, Aurora, Europe, …) är borttagen" in out
    code, out, _ = cli("case", "history", "RUN/41/2026")
    assert code == 0
    lines = [line.split("  ", 1)[1].strip() for line in out.strip().splitlines()]
    assert [line.split(None, 1)[1] for line in lines] == [
        "Ärendet registrerades i steget Ansökan inskickad",
        "Ändrade finansieringsplanen: Interreg övriga (NPA, Aurora, Europe, …): status: sökt → "
        "avslag",
        "Avslag: Ansökan inskickad → Avslutat – Interreg avslog",
        "Öppna ärendet igen: Avslutat → Planering – Ny utlysning",
        "Ändrade finansieringsplanen: Finansiär Interreg övriga (NPA, Aurora, Europe, …): "
        "1\u00a0000\u00a0000\u00a0kr, avslag → borttagen – Avslaget",
    ]
