"""A lifecycle that protects itself, money that adds up, a readable history: on a real database
(SQLite, and PostgreSQL when configured), on cases built here (a municipality-owned project
whose application is rejected, an ERUF project granted and completed)."""

from __future__ import annotations

from typing import Any

import pytest

from caseflow.cases.engine import create_case, edit_case, fire, import_cases, set_funder
from caseflow.cases.funding import remove_funder
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.history import describe, labels_of
from caseflow.errors import GuardFailedError, InputError, PermissionDeniedError
from caseflow.store.db import Database
from caseflow.store.repo import list_events, require_case
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import DECIDER, OFFICER, add_people

KOMMUN = "RUN/31/2026"  # a project owned by a municipality, its application to ERUF refused
ERUF = "RUN/32/2026"


def _kommun_case(db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    doc = CaseDoc.model_validate({
        "diarienummer": KOMMUN, "title": "Vattenvägar i Storfjällets kommun",
        "purpose": "Förstudie om båttrafik på sjöarna.\nEtapp två om bryggor.",
        "owner": "Storfjällets kommun", "owner_is_region": False,
        "start_date": "2026-03-01", "end_date": "2027-02-28", "total_budget_sek": 1_200_000,
        "stage": "application_sent",
        "funders": [
            {"code": "eruf_regionalt", "amount_sek": 700_000, "status": "applied"},
            {"code": "anslag_1_1", "amount_sek": 200_000, "status": "planned"},
        ],
    })  # fmt: skip
    create_case(db=db, workflows=workflows, doc=doc, actor=OFFICER, clock=clock)


@pytest.fixture
def ready(database: Database, workflows: WorkflowRegistry, clock: FakeClock) -> Database:
    add_people(database, clock)
    _kommun_case(database, workflows, clock)
    return database


def _case(db: Database, dnr: str = KOMMUN) -> Any:
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        return case, list_events(session=session, case_id=case.id)


def _reject(db: Database, workflows: WorkflowRegistry, clock: FakeClock, **kw: Any) -> Any:
    args: dict[str, Any] = {"actor": DECIDER, "reason": "ERUF avslog ansökan 2026-01-20"}
    args.update(kw)
    return fire(db=db, workflows=workflows, dnr=KOMMUN, trigger="reject", clock=clock, **args)


def test_reject_needs_a_funder_that_said_no_and_a_reason(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    before = _case(ready)[0].row_version
    with pytest.raises(GuardFailedError) as err:
        _reject(ready, workflows, clock)
    assert err.value.problems == [
        "ingen finansiär har status avslag; ange finansiärens avslag först"
    ]
    assert str(err.value).startswith("Avslag går inte ännu: ingen finansiär har status avslag")
    set_funder(db=ready, dnr=KOMMUN, funder={"code": "eruf_regionalt", "status": "rejected",
               "decision_date": "2025-12-19"}, actor=OFFICER, clock=clock)  # fmt: skip
    with pytest.raises(InputError, match="^”Avslag” kräver en motivering$"):
        _reject(ready, workflows, clock, reason="  \r\n ")
    case, _ = _case(ready)
    assert (case.stage, case.row_version) == ("application_sent", before + 1)
    result = _reject(ready, workflows, clock, reason="ERUF avslog\r\nansökan")
    assert (result.to_stage, result.outcome) == ("closed", "rejected")
    _, events = _case(ready)
    assert events[-1].reason == "ERUF avslog\nansökan"  # stored with LF


def test_a_closed_case_is_read_only_until_a_decision_maker_reopens_it(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    set_funder(db=ready, dnr=KOMMUN, funder={"code": "eruf_regionalt", "status": "rejected"},
               actor=OFFICER, clock=clock)  # fmt: skip
    _reject(ready, workflows, clock)
    closed, events = _case(ready)
    refused = "är avslutat och kan inte ändras"
    with pytest.raises(InputError, match=refused):
        edit_case(db=ready, dnr=KOMMUN, changes={"title": "Nytt namn"}, actor=OFFICER,
                  clock=clock)  # fmt: skip
    with pytest.raises(InputError, match=refused):
        set_funder(db=ready, dnr=KOMMUN, funder={"code": "anslag_1_1", "status": "granted",
                   "decision_date": "2025-12-01"}, actor=OFFICER, clock=clock)  # fmt: skip
    with pytest.raises(InputError, match=refused):
        remove_funder(db=ready, dnr=KOMMUN, code="anslag_1_1", actor=OFFICER, clock=clock)
    assert _case(ready)[0].row_version == closed.row_version
    assert len(_case(ready)[1]) == len(events)

    with pytest.raises(PermissionDeniedError, match="kräver rollen beslutsfattare eller admin"):
        fire(db=ready, workflows=workflows, dnr=KOMMUN, trigger="reopen", actor=OFFICER,
             clock=clock, reason="Ny utlysning")  # fmt: skip
    with pytest.raises(InputError, match="kräver en motivering"):
        fire(db=ready, workflows=workflows, dnr=KOMMUN, trigger="reopen", actor=DECIDER,
             clock=clock)  # fmt: skip
    opened = fire(db=ready, workflows=workflows, dnr=KOMMUN, trigger="reopen", actor=DECIDER,
                  clock=clock, reason="ERUF öppnade en ny utlysning")  # fmt: skip
    assert (opened.from_stage, opened.to_stage, opened.outcome) == ("closed", "bp_planering", None)
    case, events = _case(ready)
    assert (case.stage, case.outcome) == ("bp_planering", None)
    assert (events[-1].trigger, events[-1].actor, events[-1].reason) == (
        "reopen", DECIDER, "ERUF öppnade en ny utlysning",
    )  # fmt: skip
    # open again: editable
    edit_case(db=ready, dnr=KOMMUN, changes={"title": "Vattenvägar, etapp 2"}, actor=OFFICER,
              clock=clock)  # fmt: skip
    assert _case(ready)[0].title == "Vattenvägar, etapp 2"


def test_funder_amounts_are_bounded_by_the_budget_and_grants_lie_in_the_past(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    before = _case(ready)[0].row_version
    with pytest.raises(InputError) as err:
        set_funder(db=ready, dnr=KOMMUN, funder={"code": "esf", "amount_sek": 99_000_000_000},
                   actor=OFFICER, clock=clock)  # fmt: skip
    assert str(err.value) == (
        "ESF Europeiska Socialfonden (ESF+): beloppet 99\u00a0000\u00a0000\u00a0000\u00a0kr är "
        "större än ärendets totala budget 1\u00a0200\u00a0000\u00a0kr; rätta beloppet eller den "
        "totala budgeten"
    )
    with pytest.raises(InputError, match="beslutsdatum 2150-01-01 ligger i framtiden"):
        set_funder(db=ready, dnr=KOMMUN, funder={"code": "eruf_regionalt", "status": "granted",
                   "decision_date": "2150-01-01"}, actor=OFFICER, clock=clock)  # fmt: skip
    assert _case(ready)[0].row_version == before
    # the whole budget, a planned date in the future and a grant decided today are fine
    today = clock.now().date().isoformat()
    set_funder(db=ready, dnr=KOMMUN, funder={"code": "esf", "amount_sek": 1_200_000,
               "status": "planned", "decision_date": "2150-01-01"}, actor=OFFICER,
               clock=clock)  # fmt: skip
    set_funder(db=ready, dnr=KOMMUN, funder={"code": "eruf_regionalt", "status": "granted",
               "decision_date": today}, actor=OFFICER, clock=clock)  # fmt: skip
    assert _case(ready)[0].row_version == before + 2


def test_removing_a_funder_is_recorded_with_what_it_held(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    with pytest.raises(InputError, match="har ingen finansiär 'Erasmus' att ta bort"):
        remove_funder(db=ready, dnr=KOMMUN, code="erasmus", actor=OFFICER, clock=clock)
    with pytest.raises(InputError, match="okänd finansiärskod"):
        remove_funder(db=ready, dnr=KOMMUN, code="guld", actor=OFFICER, clock=clock)
    result = remove_funder(db=ready, dnr=KOMMUN, code="eruf_regionalt", actor=OFFICER,
                           clock=clock, reason="Söks inte i år")  # fmt: skip
    case, events = _case(ready)
    assert [(f.code, f.position) for f in case.funders] == [("anslag_1_1", 0)]
    assert result.changes == {"funders.eruf_regionalt": [
        {"code": "eruf_regionalt", "amount_sek": 700_000, "status": "applied",
         "decision_date": None, "case_id": None}, None]}  # fmt: skip
    assert (events[-1].kind, events[-1].reason) == ("edit", "Söks inte i år")
    entry = describe(events[-1], labels_of([w.spec for w in workflows.all()]))
    assert entry.text() == (
        "Ändrade finansieringsplanen: Finansiär ERUF, Europeiska Regionala Utvecklingsfonden, "
        "regionalt program: 700\u00a0000\u00a0kr, sökt → borttagen"
    )


def test_history_reads_in_swedish_with_old_and_new_values(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    edit_case(db=ready, dnr=KOMMUN, changes={"total_budget_sek": 1_350_000, "owner_is_region":
              True, "purpose": "Förstudie.\r\nEtapp två."}, actor=OFFICER, clock=clock)  # fmt: skip
    set_funder(db=ready, dnr=KOMMUN, funder={"code": "eruf_regionalt", "status": "rejected",
               "decision_date": "2025-11-03"}, actor=OFFICER, clock=clock)  # fmt: skip
    _reject(ready, workflows, clock)
    _, events = _case(ready)
    labels = labels_of([w.spec for w in workflows.all()])
    lines = [describe(e, labels).text() for e in events]
    assert lines == [
        "Ärendet registrerades i steget Ansökan inskickad",
        "Ändrade uppgifter: Syfte: Förstudie om båttrafik på sjöarna. Etapp två om bryggor. → "
        "Förstudie. Etapp två.; Regionen äger projektet: Nej → Ja; "
        "Total budget: 1\u00a0200\u00a0000\u00a0kr → 1\u00a0350\u00a0000\u00a0kr",
        "Ändrade finansieringsplanen: ERUF, Europeiska Regionala Utvecklingsfonden, regionalt "
        "program: status: sökt → avslag; ERUF, Europeiska Regionala Utvecklingsfonden, regionalt "
        "program: beslutsdatum: – → 2025-11-03",
        "Avslag: Ansökan inskickad → Avslutat",
    ]
    assert all("_" not in line for line in lines), "a code in the history"
    assert events[1].changes["purpose"][1] == "Förstudie.\nEtapp två."  # LF stored


def test_an_imported_case_is_summarised_and_crlf_never_stored(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    doc = CaseDoc.model_validate({
        "diarienummer": ERUF, "title": "Besöksnäring\r\nåret runt", "stage": "bp_genomforande",
        "purpose": "Rad ett\r\nRad två\rRad tre", "decision_basis": ["Ansökan\r\nbilaga"],
    })  # fmt: skip
    import_cases(db=database, workflows=workflows, docs=[doc], actor="import", clock=clock)
    case, events = _case(database, ERUF)
    assert (case.title, case.purpose) == ("Besöksnäring\nåret runt", "Rad ett\nRad två\nRad tre")
    assert case.decision_basis == ["Ansökan\nbilaga"]
    labels = labels_of([w.spec for w in workflows.all()])
    assert describe(events[0], labels).text() == "Ärendet importerades i steget Genomförande"


def test_migration_0013_turns_stored_crlf_into_lf(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from caseflow.cli.db import alembic_config

    _kommun_case(database, workflows, clock)
    config = alembic_config(database)
    before = ScriptDirectory.from_config(config).get_revision("0013").down_revision
    assert isinstance(before, str)
    command.downgrade(config, before)
    with database.engine.begin() as conn:  # as a browser's form stored it before the fix
        conn.execute(
            text("UPDATE cases SET purpose = :p, background = :b, own_financing = NULL"),
            {"p": "Förstudie.\r\nEtapp två.", "b": "Rad ett\rRad två"},
        )
    command.upgrade(config, "head")
    case, events = _case(database)
    assert (case.purpose, case.background) == ("Förstudie.\nEtapp två.", "Rad ett\nRad två")
    assert case.title == "Vattenvägar i Storfjällets kommun" and case.own_financing is None
    assert case.row_version == 1 and len(events) == 1  # data repaired, nothing recorded
    # a browser posts the text back with CRLF: nothing changed, nothing recorded
    result = edit_case(db=database, dnr=KOMMUN, changes={"purpose": "Förstudie.\r\nEtapp två.",
                       "background": "Rad ett\r\nRad två"}, actor=OFFICER, clock=clock)  # fmt: skip
    assert (result.changes, result.row_version) == ({}, 1)


def test_a_funder_added_reads_as_one_line(
    ready: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    set_funder(db=ready, dnr=KOMMUN, funder={"code": "energimyndigheten", "amount_sek": 150_000,
               "status": "granted", "decision_date": "2024-10-01"}, actor=OFFICER,
               clock=clock)  # fmt: skip
    set_funder(db=ready, dnr=KOMMUN, funder={"code": "energimyndigheten", "amount_sek": 175_000},
               actor=OFFICER, clock=clock)  # fmt: skip
    _, events = _case(ready)
    labels = labels_of([w.spec for w in workflows.all()])
    assert [describe(e, labels).text() for e in events[-2:]] == [
        "Ändrade finansieringsplanen: Finansiär Energimyndigheten: – → 150\u00a0000\u00a0kr, "
        "beviljad, beslut 2024-10-01",
        "Ändrade finansieringsplanen: Energimyndigheten: belopp: 150\u00a0000\u00a0kr → "
        "175\u00a0000\u00a0kr",
    ]
