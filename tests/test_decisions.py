"""Decisions as records: one per memo render, by its signatory, dated sensibly; annulled with a
reason; reported (anmälda) at a meeting; every step in the case's history. Built on a partner
case (delegation point 8.1), not the seed."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from caseflow.cases.engine import add_person, create_case
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import DuplicateError, InputError, NotFoundError, PermissionDeniedError
from caseflow.meetings.service import add_meetings, schedule_case
from caseflow.memo import store as memo_store
from caseflow.memo.decisions import annul, list_decisions, report
from caseflow.memo.service import finalize_memo, render_memo
from caseflow.memo.store import unreported
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.store.repo import list_events, require_case
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.factories import complete_fields
from tests.webkit import Web, alert_of, csrf_of

MEMOS = PROJECT_ROOT / "memos"
DNR = "RUN/52/2025"
OFFICER, DECIDER, OTHER, CLERK = (
    "ola@region.se", "dora@region.se", "eva@region.se", "siv@region.se",
)  # fmt: skip
MEMO_DAY = date(2025, 1, 2)


def partner_case(db: Database, workflows: WorkflowRegistry, clock: FakeClock,
                 dnr: str = DNR, officer: str = OFFICER) -> None:  # fmt: skip
    """A project Mittuniversitetet owns, the region a partner: a delegation decision, point 8.1."""
    fields = complete_fields(title="Kompetens i glesbygd", owner="Mittuniversitetet",
                             owner_is_region=False, handlaggare=officer,
                             decision_basis=["Förfrågan från Mittuniversitetet"])  # fmt: skip
    doc = CaseDoc.model_validate({"diarienummer": dnr, **fields})
    create_case(db=db, workflows=workflows, doc=doc, actor=officer, clock=clock)


def people(db: Database, clock: FakeClock) -> None:
    add_person(db=db, email=OFFICER, name="Ola Handläggare", roles=["handlaggare"], clock=clock,
               unit="Samhällsutveckling", phone="063-10 00 00")  # fmt: skip
    for email, name in ((DECIDER, "Dora Beslut"), (OTHER, "Eva Annan")):
        add_person(db=db, email=email, name=name, roles=["beslutsfattare"], clock=clock,
                   title="Områdeschef")  # fmt: skip
    add_person(db=db, email=CLERK, name="Siv Sekreterare", roles=["namndsekreterare"],
               clock=clock)  # fmt: skip


def render(db: Database, clock: FakeClock, dnr: str = DNR, signatory: str | None = DECIDER) -> None:
    render_memo(db=db, memos_dir=MEMOS, clock=clock, dnr=dnr, fmt="md", memo_date=MEMO_DAY,
                actor=OFFICER, signatory_email=signatory)  # fmt: skip


def decide(db: Database, clock: FakeClock, on: date, who: str = DECIDER, dnr: str = DNR) -> int:
    decision = finalize_memo(db=db, memos_dir=MEMOS, clock=clock, dnr=dnr, signed_by=who,
                             decided_on=on)  # fmt: skip
    assert decision.id is not None
    return decision.id


def history(db: Database, dnr: str = DNR) -> list[str]:
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        return [e.kind for e in list_events(session=session, case_id=case.id)]


def test_partner_decision_from_memo_to_anmalan(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    people(database, clock)
    partner_case(database, workflows, clock)
    render(database, clock)
    with pytest.raises(InputError, match="ska undertecknas av Dora Beslut, inte av Eva Annan"):
        decide(database, clock, date(2025, 1, 3), who=OTHER)
    with pytest.raises(PermissionDeniedError, match="kräver rollen beslutsfattare"):
        decide(database, clock, date(2025, 1, 3), who=OFFICER)
    with pytest.raises(InputError, match="före memots datum 2025-01-02"):
        decide(database, clock, date(1999, 1, 1))
    with pytest.raises(InputError, match="ligger i framtiden"):
        decide(database, clock, date(2025, 1, 7))  # the clock's day is 2025-01-06
    first = decide(database, clock, date(2025, 1, 3))
    with pytest.raises(DuplicateError, match="memot från 2025-01-02 har redan ett beslut"):
        decide(database, clock, date(2025, 1, 3))
    assert [(u.diarienummer, u.delegation_point) for u in unreported(db=database)] == [(DNR, "8.1")]

    with pytest.raises(PermissionDeniedError):
        annul(db=database, dnr=DNR, reason="fel", actor=OFFICER, clock=clock)
    with pytest.raises(InputError, match="motivering"):
        annul(db=database, dnr=DNR, reason="  ", actor=DECIDER, clock=clock)
    annul(db=database, dnr=DNR, reason="fel beslutsdatum", actor=DECIDER, clock=clock)
    assert unreported(db=database) == []
    second = decide(database, clock, date(2025, 1, 4))  # the same memo, decided anew
    assert second != first

    add_meetings(db=database, meetings=[("RUN", date(2025, 1, 5), None),
                                        ("RUN", date(2025, 1, 20), None)], clock=clock)  # fmt: skip
    assert [u.id for u in unreported(db=database, up_to=date(2025, 1, 3))] == []
    with pytest.raises(PermissionDeniedError, match="kräver rollen nämndsekreterare eller admin"):
        report(db=database, body="RUN", day=date(2025, 1, 5), actor=DECIDER, clock=clock)
    with pytest.raises(InputError, match="har inte hållits än"):
        report(db=database, body="RUN", day=date(2025, 1, 20), actor=CLERK, clock=clock)
    with pytest.raises(InputError, match="ogiltig paragraf"):
        report(db=database, body="RUN", day=date(2025, 1, 5), actor=CLERK, clock=clock,
               paragraph="tolv")  # fmt: skip
    with pytest.raises(NotFoundError):
        report(db=database, body="RUN", day=date(2025, 1, 6), actor=CLERK, clock=clock)
    [row] = report(db=database, body="RUN", day=date(2025, 1, 5), actor=CLERK, clock=clock,
                   paragraph="12")  # fmt: skip
    assert (row.id, row.reported_on, row.meeting, row.paragraph) == (
        second,
        date(2025, 1, 5),
        "RUN 2025-01-05",
        "§ 12",
    )
    assert row.status == "anmält vid RUN 2025-01-05 § 12"
    # 14 days' justering + 2 days' posting + 3 weeks: 2025-02-11, a Tuesday.
    assert row.appeal_ends_by == date(2025, 2, 11)
    assert row.appeal_text is not None and "senast till och med 2025-02-11" in row.appeal_text
    assert unreported(db=database) == []
    assert report(db=database, body="RUN", day=date(2025, 1, 5), actor=CLERK, clock=clock) == []
    with pytest.raises(InputError, match="redan anmält"):
        annul(db=database, dnr=DNR, reason="ångrar", actor=DECIDER, clock=clock)
    rows = list_decisions(db=database)
    assert [(r.id, r.status, r.annul_reason) for r in rows] == [
        (first, "upphävt", "fel beslutsdatum"), (second, "anmält vid RUN 2025-01-05 § 12", None)
    ]  # fmt: skip
    assert history(database)[1:] == ["decision", "annulment", "decision", "report"]


def test_concurrent_second_decision_is_refused_by_the_index(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Two registrations that both passed the check (a race): the unique index refuses one,
    as the same clear error."""
    people(database, clock)
    partner_case(database, workflows, clock)
    render(database, clock)
    decide(database, clock, date(2025, 1, 3))
    monkeypatch.setattr(memo_store, "live_decision", lambda **_: None)
    with pytest.raises(DuplicateError, match="memot har redan ett beslut"):
        decide(database, clock, date(2025, 1, 3))
    assert len(list_decisions(db=database)) == 1
    assert history(database).count("decision") == 1


def test_default_signatory_is_matched_by_name(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    """Without --signatory the memo names the board's signatory (memos/board.yaml)."""
    people(database, clock)
    add_person(db=database, email="elin@region.se", name="Elin  Nirjens",
               roles=["beslutsfattare"], clock=clock)  # fmt: skip
    partner_case(database, workflows, clock)
    render(database, clock, signatory=None)
    with pytest.raises(InputError, match="ska undertecknas av Elin Nirjens"):
        decide(database, clock, date(2025, 1, 3))
    decide(database, clock, date(2025, 1, 3), who="elin@region.se")


def test_cli_chain(
    sqlite_db: Database, cli: Run, workflows: WorkflowRegistry, clock: FakeClock, tmp_path: Path
) -> None:
    """On SQLite only: each CLI call opens its own engine, which the PostgreSQL fixture would
    see as leaked connections; the service tests above run on both."""
    database = sqlite_db
    people(database, clock)
    partner_case(database, workflows, clock)
    assert cli("meetings", "add", "2025-01-05")[0] == 0
    assert cli("case", "schedule", DNR, "--meeting", "2025-01-05")[0] == 0
    code, _, err = cli("memo", "render", DNR, "--date", "2025-01-02", "--signatory", DECIDER,
                       "-o", str(tmp_path / "memo.md"))  # fmt: skip
    assert code == 0, err
    code, _, err = cli("memo", "finalize", DNR, "--signed-by", DECIDER, "--date", "1999-01-01")
    assert code == 1 and err.startswith("fel: ") and "före memots datum" in err
    code, out, err = cli("memo", "finalize", DNR, "--signed-by", DECIDER, "--date", "2025-01-03")
    assert code == 0, err
    code, _, err = cli("memo", "finalize", DNR, "--signed-by", DECIDER, "--date", "2025-01-03")
    assert code == 1 and err.startswith("fel: ") and "har redan ett beslut" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    code, out, _ = cli("meetings", "agenda", "2025-01-05")
    assert code == 0 and DNR in out.split("Anmälan av delegationsbeslut")[1]
    assert "punkt 8.1" in out
    code, _, err = cli("decisions", "annul", DNR, "--reason", "fel datum")
    assert code == 1 and "okänd person 'cli'" in err
    code, out, err = cli("decisions", "annul", DNR, "--reason", "fel datum", "--actor", DECIDER)
    assert code == 0 and "är upphävt" in out, err
    assert cli("decisions", "unreported")[1].strip() == "inga oanmälda delegationsbeslut"
    assert cli("memo", "finalize", DNR, "--signed-by", DECIDER, "--date", "2025-01-04")[0] == 0
    assert len(json.loads(cli("decisions", "unreported", "--json")[1])) == 1
    code, _, err = cli("decisions", "report", "--meeting", "2025-01-05", "--actor", DECIDER)
    assert code == 1 and "kräver rollen nämndsekreterare" in err
    code, out, err = cli("decisions", "report", "--meeting", "2025-01-05", "--paragraph", "§7",
                         "--actor", CLERK)  # fmt: skip
    assert code == 0 and "anmälde 1 delegationsbeslut vid RUN 2025-01-05 (§ 7)" in out, err
    assert cli("decisions", "unreported", "--json")[1].strip() == "[]"
    assert json.loads(cli("decisions", "list", "--unreported", "--json")[1]) == []
    listed = json.loads(cli("decisions", "list", "--json")[1])
    assert [(d["status"], d["annul_reason"]) for d in listed] == [
        ("upphävt", "fel datum"), ("anmält vid RUN 2025-01-05 § 7", None)
    ]  # fmt: skip
    assert [d["appeal_ends_by"] for d in listed] == [None, "2025-02-11"]
    text = cli("decisions", "list")[1]
    assert "upphävt – fel datum" in text and "anmält vid RUN 2025-01-05 § 7" in text
    assert "överklagandetiden är tre veckor" in text and "2025-02-11" in text
    shown = cli("case", "history", DNR)[1]
    assert "registrerade beslut" in shown and "upphävde beslut" in shown
    assert "– fel datum" in shown and "anmälde beslut" in shown and "RUN 2025-01-05 § 7" in shown


# --- web and API -------------------------------------------------------------------------------

BO, SARA, ANNA = "bo@example.se", "sara@example.se", "anna@example.se"


def _web_case(web: Web) -> None:
    add_person(db=web.db, email=OFFICER, name="Ola Handläggare", roles=["handlaggare"],
               clock=web.clock, phone="063-10 00 00")  # fmt: skip
    partner_case(web.db, web.workflows, web.clock, dnr="RUN/8/2025")
    add_meetings(db=web.db, meetings=[("RUN", date(2025, 1, 5), None)], clock=web.clock)
    schedule_case(db=web.db, dnr="RUN/8/2025", body="RUN", day=date(2025, 1, 5), actor=ANNA,
                  clock=web.clock)  # fmt: skip


def test_api_refuses_a_second_decision_annuls_and_reports(web: Web) -> None:
    _web_case(web)
    anna, bo, sara = web.api(ANNA), web.api(BO), web.api(SARA)
    url = "/api/v1/cases/RUN/8/2025"
    rendered = anna.post(url + "/memos", json={"memo_date": "2025-01-02", "format": "md",
                                               "signatory": BO})  # fmt: skip
    assert rendered.status_code == 200, rendered.text
    first = bo.post(url + "/decision", json={"decided_on": "2025-01-03"})
    assert first.status_code == 201, first.text
    again = bo.post(url + "/decision", json={"decided_on": "2025-01-03"})
    assert again.status_code == 409 and "har redan ett beslut" in again.json()["detail"]
    early = bo.post(url + "/decision", json={"decided_on": "2024-12-31"})
    assert early.status_code == 400
    assert anna.post(url + "/decision/annul", json={"reason": "x"}).status_code == 403
    annulled = bo.post(url + "/decision/annul", json={"reason": "fel datum"})
    assert annulled.status_code == 200 and annulled.json()["status"] == "upphävt"
    assert bo.post(url + "/decision", json={"decided_on": "2025-01-04"}).status_code == 201
    waiting = anna.get("/api/v1/decisions", params={"unreported": "true"}).json()
    assert [d["decided_on"] for d in waiting] == ["2025-01-04"]
    meeting = "/api/v1/meetings/RUN/2025-01-05/decisions/report"
    assert bo.post(meeting, json={}).status_code == 403
    done = sara.post(meeting, json={"paragraph": "3"})
    assert done.status_code == 200, done.text
    assert [(d["meeting"], d["paragraph"]) for d in done.json()] == [("RUN 2025-01-05", "§ 3")]
    assert anna.get("/api/v1/decisions/unreported").json() == []
    events = anna.get(url + "/history").json()
    kinds = [e["kind"] for e in events if not e["kind"].startswith("handling")]
    assert kinds[-4:] == ["decision", "annulment", "decision", "report"]
    # The memo was registered, made final by the first decision; the second got its own.
    assert [e["kind"] for e in events][-3:] == ["decision", "handling", "report"]


def test_agenda_page_lists_and_reports_the_decisions(web: Web) -> None:
    _web_case(web)
    render(web.db, web.clock, dnr="RUN/8/2025", signatory=BO)
    decide(web.db, web.clock, date(2025, 1, 3), who=BO, dnr="RUN/8/2025")
    page = "/meetings/RUN/2025-01-05"
    anna = web.client(ANNA)
    shown = anna.get(page).text
    section = shown.split('id="anmalan"')[1]
    assert "RUN/8/2025" in section and "<td>8.1</td>" in section
    assert "Markera 1 beslut som anmälda" not in shown  # a handläggare may not report
    refused = anna.post(page + "/report", data={"csrf_token": csrf_of(anna, page)})
    assert refused.status_code == 403 and "anna@example.se får inte" in alert_of(refused.text)
    sara = web.client(SARA)
    token = csrf_of(sara, page)
    assert "Markera 1 beslut som anmälda" in sara.get(page).text
    assert sara.post(page + "/report", data={"paragraph": "1"}).status_code == 403  # no CSRF
    bad = sara.post(page + "/report", data={"csrf_token": token, "paragraph": "tolv"})
    assert bad.status_code == 400 and "ogiltig paragraf" in alert_of(bad.text)
    done = sara.post(page + "/report", data={"csrf_token": token, "paragraph": "§ 4"})
    assert done.status_code == 303
    after = sara.get(done.headers["location"]).text
    assert "1 delegationsbeslut anmälda vid sammanträdet." in after
    assert "Inga delegationsbeslut att anmäla." in after
    case_page = anna.get("/cases/RUN/8/2025").text
    decisions = case_page.split('id="beslut"')[1].split("</section>")[0]
    assert (
        "Anmält vid RUN 2025-01-05 § 4" in decisions and "<td>Bo</td>" in decisions
    )  # the signer by name
    assert "anmälde beslut 1 till nämnden vid sammanträdet RUN 2025-01-05 § 4" in case_page
    assert re.search(r"registrerade beslut 1 \(delegationsbeslut_samverkanspart\)", case_page)


def test_case_page_annuls_and_shows_the_reason(web: Web) -> None:
    _web_case(web)
    render(web.db, web.clock, dnr="RUN/8/2025", signatory=BO)
    decide(web.db, web.clock, date(2025, 1, 3), who=BO, dnr="RUN/8/2025")
    url = "/cases/RUN/8/2025"
    bo = web.client(BO)
    token = csrf_of(bo, url)
    assert "Ej anmält" in bo.get(url).text and "Upphäv beslut 1" in bo.get(url).text
    assert "<td>delegationsbeslut" not in bo.get(url).text  # the kind's title, not its code
    empty = bo.post(url + "/decision/annul", data={"csrf_token": token, "reason": ""})
    assert empty.status_code == 400 and "motivering" in alert_of(empty.text)
    done = bo.post(url + "/decision/annul", data={"csrf_token": token, "reason": "fel datum"})
    assert done.status_code == 303
    page = bo.get(done.headers["location"]).text
    assert "Beslut 1 är upphävt." in page and "”fel datum”" in page
    assert "upphävde beslut 1 fattat 2025-01-03" in page
    again = bo.post(url + "/memo/finalize", data={"csrf_token": token, "decided_on": "2025-01-04"})
    assert again.status_code == 303
    assert len(list_decisions(db=web.db, unreported_only=True)) == 1


@pytest.mark.parametrize(
    ("reported", "ends"),
    [
        (date(2025, 1, 5), date(2025, 2, 11)),  # an ordinary Tuesday
        (date(2025, 11, 17), date(2025, 12, 29)),  # julafton → past the holidays and the weekend
        (date(2025, 4, 22), date(2025, 5, 30)),  # Kristi himmelsfärdsdag → the Friday
    ],
)
def test_the_appeal_period_ends_on_a_working_day(reported: date, ends: date) -> None:
    from caseflow.domain.decisions import appeal_ends_by

    assert appeal_ends_by(reported) == ends


# --- the minutes' posting day --------------------------------------------------------------------


def test_the_posting_day_makes_the_appeal_period_exact(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    from caseflow.meetings.changes import cancel_meeting
    from caseflow.memo.decisions import post_minutes

    people(database, clock)
    partner_case(database, workflows, clock)
    render(database, clock)
    decide(database, clock, date(2025, 1, 3))
    add_meetings(db=database, meetings=[("RUN", date(2025, 1, 5), None),
                                        ("RUN", date(2025, 1, 2), None)], clock=clock)  # fmt: skip
    [row] = report(db=database, body="RUN", day=date(2025, 1, 5), actor=CLERK, clock=clock)
    assert row.appeal_ends_by == date(2025, 2, 11) and row.minutes_posted_on is None

    def post(on: date, who: str = CLERK, day: date = date(2025, 1, 5)) -> list[object]:
        return list(post_minutes(db=database, body="RUN", day=day, posted_on=on, actor=who,
                                 clock=clock))  # fmt: skip

    with pytest.raises(PermissionDeniedError, match="kräver rollen nämndsekreterare"):
        post(date(2025, 1, 6), who=DECIDER)
    with pytest.raises(InputError, match="kan inte ha anslagits 2025-01-04, före sammanträdet"):
        post(date(2025, 1, 4))
    with pytest.raises(InputError, match="anslagits 2025-01-07; det är 2025-01-06 i dag"):
        post(date(2025, 1, 7))
    cancel_meeting(db=database, body="RUN", day=date(2025, 1, 2), actor=CLERK, clock=clock)
    with pytest.raises(InputError, match="är inställt; det har inget protokoll"):
        post(date(2025, 1, 6), day=date(2025, 1, 2))
    assert list_decisions(db=database)[0].minutes_posted_on is None  # nothing was written
    [posted] = post(date(2025, 1, 6))
    assert isinstance(posted, type(row))
    # Three weeks from Monday 6 January: Monday 27 January.
    assert (posted.minutes_posted_on, posted.appeal_ends_by) == (date(2025, 1, 6),
                                                                 date(2025, 1, 27))  # fmt: skip
    assert posted.appeal_text == ("överklagandetiden är tre veckor från den 2025-01-06 då "
                                  "protokollet från RUN 2025-01-05 anslogs, till och med "
                                  "2025-01-27")  # fmt: skip
    # A correction: posted on the meeting day (a Sunday), so the last day, a Sunday, moves on.
    [corrected] = post(date(2025, 1, 5))
    assert corrected.appeal_ends_by == date(2025, 1, 27)
    [listed] = list_decisions(db=database)
    assert listed.as_json()["minutes_posted_on"] == "2025-01-05"
    assert listed.as_json()["appeal_ends_by"] == "2025-01-27"


@pytest.mark.parametrize(
    ("posted", "ends"),
    [
        (date(2025, 1, 7), date(2025, 1, 28)),  # a Tuesday three weeks on
        (date(2025, 12, 3), date(2025, 12, 29)),  # 24 December, julafton → Monday 29th
        (date(2025, 5, 8), date(2025, 5, 30)),  # Thursday 29 May, Kristi himmelsfärd → Friday
    ],
)
def test_the_exact_appeal_period_ends_on_a_working_day(posted: date, ends: date) -> None:
    from caseflow.domain.decisions import appeal_ends_by

    assert appeal_ends_by(date(2025, 1, 1), posted) == ends


def test_posting_day_on_the_page_the_api_and_the_cli(web: Web, cli: Run) -> None:
    _web_case(web)
    render(web.db, web.clock, dnr="RUN/8/2025", signatory=BO)
    decide(web.db, web.clock, date(2025, 1, 3), who=BO, dnr="RUN/8/2025")
    page = "/meetings/RUN/2025-01-05"
    anna, sara = web.client(ANNA), web.client(SARA)
    assert "Dagen då protokollet anslogs är inte registrerad" in anna.get(page).text
    assert 'id="posted-on"' not in anna.get(page).text  # a handläggare may not record it
    refused = anna.post(page + "/posted", data={"csrf_token": csrf_of(anna, page),
                                                "posted_on": "2025-01-06"})  # fmt: skip
    assert refused.status_code == 403
    token = csrf_of(sara, page)
    assert sara.post(page + "/report", data={"csrf_token": token}).status_code == 303
    bad = sara.post(page + "/posted", data={"csrf_token": token, "posted_on": "2025-13-01"})
    assert bad.status_code == 400 and "dag då protokollet anslogs" in alert_of(bad.text)
    done = sara.post(page + "/posted", data={"csrf_token": token, "posted_on": "2025-01-06"})
    assert done.status_code == 303
    after = sara.get(done.headers["location"]).text
    assert ("Protokollet anslogs 2025-01-06; överklagandetiden för 1 anmält beslut går ut "
            "2025-01-27.") in after  # fmt: skip
    assert "Protokollet anslogs 2025-01-06. Överklagandetiden" in after
    assert "2025-01-27" in anna.get("/cases/RUN/8/2025").text
    api = web.api(SARA)
    url = "/api/v1/meetings/RUN/2025-01-05/minutes-posted"
    assert web.api(ANNA).put(url, json={"posted_on": "2025-01-06"}).status_code == 403
    assert api.put(url, json={"posted_on": "2025-01-01"}).status_code == 400
    assert api.put(url, json={"posted_on": "6 januari"}).status_code == 422
    answer = api.put(url, json={"posted_on": "2025-01-05"})
    assert answer.status_code == 200, answer.text
    assert [(d["minutes_posted_on"], d["appeal_ends_by"]) for d in answer.json()] == [
        ("2025-01-05", "2025-01-27")
    ]
    [meeting] = api.get("/api/v1/meetings").json()
    assert meeting["minutes_posted_on"] == "2025-01-05"


def test_cli_decisions_posted(cli: Run) -> None:
    assert cli("person", "add", CLERK, "--name", "Siv", "--role", "namndsekreterare")[0] == 0
    assert cli("meetings", "add", "2025-01-05")[0] == 0
    code, _, err = cli("decisions", "posted", "--meeting", "2025-01-05", "--on", "2025-01-06")
    assert code == 1 and "okänd person 'cli'" in err
    code, _, err = cli("decisions", "posted", "--meeting", "2025-01-05", "--on", "2025-01-04",
                       "--actor", CLERK)  # fmt: skip
    assert code == 1 and "fel: protokollet från RUN 2025-01-05 kan inte ha anslagits" in err
    code, out, err = cli("decisions", "posted", "--meeting", "2025-01-05", "--on", "2025-01-06",
                         "--actor", CLERK)  # fmt: skip
    assert code == 0, err
    assert out.strip() == "protokollet från RUN 2025-01-05 anslogs 2025-01-06"
    listed = json.loads(cli("meetings", "list", "--json")[1])
    assert listed[0]["minutes_posted_on"] == "2025-01-06"
