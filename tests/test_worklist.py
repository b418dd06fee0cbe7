"""Worklists per role (issue 12 item 5): the handläggare's open cases with an overdue deadline
first, the beslutsfattare's memos awaiting decision, the nämndsekreterare's next meetings with
their agendas' readiness, the delegation decisions to report and the reminders sent to them —
from the service, on the start page, in the API and on the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from caseflow.cases.engine import create_case
from caseflow.cases.worklist import worklist
from caseflow.domain.casedoc import CaseDoc
from caseflow.meetings.service import add_meetings, schedule_case
from caseflow.memo.decisions import annul
from caseflow.memo.service import finalize_memo, render_memo
from caseflow.reminders.mail import queue_due
from caseflow.settings import PROJECT_ROOT, Settings
from tests.conftest import Run
from tests.webkit import Web, csrf_of

MEMOS = PROJECT_ROOT / "memos"
ANNA, BO, SARA = "anna@example.se", "bo@example.se", "sara@example.se"
LATE, LATER, NOTHING, OTHERS = "RUN/1/2025", "RUN/2/2025", "RUN/3/2025", "RUN/4/2025"
PAST, SOON, SPRING, SUMMER = (
    date(2024, 12, 11),
    date(2025, 1, 22),
    date(2025, 4, 9),
    date(2025, 6, 4),
)


def build(web: Web) -> None:
    """Clock: 2025-01-06. LATE is on the agenda of 22 January (two deadlines already passed),
    LATER on 9 April, NOTHING on no agenda; OTHERS is someone else's, on 4 June, without memo."""
    db, clock, workflows = web.db, web.clock, web.workflows
    for dnr, title, officer in (
        (LATE, "Sen ansökan", ANNA),
        (LATER, "Vårens projekt", ANNA),
        (NOTHING, "Bara en idé", ANNA),
        (OTHERS, "Någon annans", None),
    ):
        doc = CaseDoc.model_validate({"diarienummer": dnr, "title": title, "handlaggare": officer,
                                      "owner": "Bergs kommun", "owner_is_region": False,
                                      "decision_basis": ["Ansökan"],
                                      "start_date": "2025-03-01", "end_date": "2026-12-31",
                                      "funders": [{"code": "statens_kulturrad",
                                                   "amount_sek": 100000}]})  # fmt: skip
        create_case(db=db, workflows=workflows, doc=doc, actor=ANNA, clock=clock)
    add_meetings(db=db, meetings=[("RUN", d, "09:00") for d in (PAST, SOON, SPRING, SUMMER)],
                 clock=clock)  # fmt: skip
    rules = workflows.deadline_rules()
    for dnr, day in ((LATE, SOON), (LATER, SPRING), (OTHERS, SUMMER)):
        schedule_case(db=db, dnr=dnr, body="RUN", day=day, actor=ANNA, clock=clock,
                      rules_for=rules)  # fmt: skip
    # LATER: a partner decision memo signed by Bo, decided and to be reported at PAST.
    render_memo(db=db, memos_dir=MEMOS, clock=clock, dnr=LATER, fmt="md",
                memo_date=date(2024, 12, 2), actor=ANNA, signatory_email=BO)  # fmt: skip
    finalize_memo(db=db, memos_dir=MEMOS, clock=clock, dnr=LATER, signed_by=BO,
                  decided_on=date(2024, 12, 3))  # fmt: skip
    # …and written again as Word after the decision: the same memo, not a new one to decide.
    render_memo(db=db, memos_dir=MEMOS, clock=clock, dnr=LATER, fmt="docx",
                memo_date=date(2024, 12, 2), actor=ANNA, signatory_email=BO)  # fmt: skip
    # LATE: a memo naming Bo, awaiting his decision; NOTHING: one naming the board's signatory.
    render_memo(db=db, memos_dir=MEMOS, clock=clock, dnr=LATE, fmt="md",
                memo_date=date(2025, 1, 6), actor=ANNA, signatory_email=BO)  # fmt: skip
    render_memo(db=db, memos_dir=MEMOS, clock=clock, dnr=NOTHING, fmt="md",
                memo_date=date(2025, 1, 6), actor=ANNA)  # fmt: skip


def test_each_role_gets_its_own_list(web_any: Web) -> None:
    build(web_any)
    today = date(2025, 1, 6)
    officer = worklist(db=web_any.db, email=ANNA, today=today)
    assert officer.awaiting is None and officer.meetings is None and officer.to_report is None
    assert officer.cases is not None
    assert [c.diarienummer for c in officer.cases] == [LATE, LATER, NOTHING]  # overdue first
    late = officer.cases[0]
    assert late.overdue == 2 and late.next_state == "overdue"
    assert late.next_label == "Sista dag för ansökan om medfinansiering"
    assert officer.cases[1].overdue == 0 and officer.cases[1].next_state == "upcoming"
    assert officer.cases[2].next_due is None

    decider = worklist(db=web_any.db, email=BO, today=today)
    assert decider.cases is None and decider.meetings is None
    assert decider.awaiting is not None
    assert [(a.diarienummer, a.mine) for a in decider.awaiting] == [(LATE, True), (NOTHING, False)]
    assert decider.awaiting[0].written_by == "Anna"  # a name, not an e-mail address
    annul(db=web_any.db, dnr=LATER, reason="fel belopp", actor=BO, clock=web_any.clock)
    again = worklist(db=web_any.db, email=BO, today=today).awaiting
    assert again is not None and LATER in [a.diarienummer for a in again]

    secretary = worklist(db=web_any.db, email=SARA, today=today)
    assert secretary.cases is None and secretary.awaiting is None
    assert secretary.meetings is not None
    assert [m.day for m in secretary.meetings] == [SOON, SPRING, SUMMER]  # not the past one
    soon, spring, summer = secretary.meetings
    assert [(i.diarienummer, i.memo_kind is not None) for i in soon.items] == [(LATE, True)]
    assert spring.items[0].decided is False  # annulled above
    assert summer.missing == 1 and summer.items[0].handlaggare is None
    assert secretary.report_at is not None and secretary.report_at.day == PAST
    assert secretary.to_report == []  # the only delegation decision was annulled


def test_delegation_decisions_to_report_and_reminders_sent_to_the_secretary(
    web_any: Web,
) -> None:
    build(web_any)
    web_any.clock.advance(timedelta(days=3))  # 9 January: the presidium review of 22 January
    summary = queue_due(db=web_any.db, settings=Settings(database_url=web_any.db.url),
                        workflows=web_any.workflows, clock=web_any.clock)  # fmt: skip
    assert summary.messages > 0
    found = worklist(db=web_any.db, email=SARA, today=date(2025, 1, 9))
    assert [d.diarienummer for d in found.to_report or []] == [LATER]
    assert found.reminders and all(r.status == "pending" for r in found.reminders)
    assert any("Presidiets genomgång" in r.subject for r in found.reminders)
    assert worklist(db=web_any.db, email=BO, today=date(2025, 1, 9)).reminders == []


def test_the_start_page_shows_each_role_its_list(web_any: Web) -> None:
    build(web_any)
    anna = web_any.client(ANNA).get("/").text
    assert "Mina ärenden" in anna and "Memon som väntar på beslut" not in anna
    assert anna.index(LATE) < anna.index(LATER) < anna.index(NOTHING)
    assert "1 ärende har en försenad frist" in anna and "(försenad)" in anna
    assert OTHERS not in anna

    bo = web_any.client(BO).get("/").text
    assert "Memon som väntar på beslut" in bo and "Mina ärenden" not in bo
    assert bo.index(LATE) < bo.index(NOTHING) and f"{LATER}" not in bo
    assert "<strong>Du</strong>" in bo

    sara = web_any.client(SARA).get("/").text
    assert "Nästa sammanträden" in sara and "Delegationsbeslut att anmäla" in sara
    assert "1 utan memo" in sara and "Memo saknas" in sara
    assert f'href="/meetings/RUN/{PAST.isoformat()}#anmalan"' in sara
    assert "Anmäl 1 beslut vid sammanträdet RUN 2024-12-11" in sara
    assert "@" not in sara.split("<main", 1)[1].split("</main>", 1)[0]  # names, not e-mails

    admin = web_any.client("admin@example.se").get("/").text
    for heading in ("Mina ärenden", "Memon som väntar på beslut", "Nästa sammanträden"):
        assert heading in admin


def test_the_worklist_in_the_api(web_any: Web) -> None:
    build(web_any)
    got = web_any.api(SARA).get("/api/v1/worklist")
    assert got.status_code == 200
    data = got.json()
    assert data["cases"] is None and data["awaiting"] is None
    assert [m["day"] for m in data["meetings"]] == ["2025-01-22", "2025-04-09", "2025-06-04"]
    assert data["to_report"][0]["diarienummer"] == LATER
    assert data["report_at"] == {"body": "RUN", "day": "2024-12-11"}
    officer = web_any.api(ANNA).get("/api/v1/worklist").json()
    assert [c["diarienummer"] for c in officer["cases"]] == [LATE, LATER, NOTHING]
    assert officer["cases"][0]["next_state"] == "overdue"
    assert web_any.client().get("/api/v1/worklist").status_code == 401


@pytest.mark.parametrize("as_json", [False, True])
def test_the_worklist_on_the_command_line(cli: Run, as_json: bool) -> None:
    run = cli
    assert run("person", "add", ANNA, "--name", "Anna Andersson", "--role", "handlaggare")[0] == 0
    code, _, _ = run("case", "new", LATE, "--title", "Sen ansökan", "--handlaggare", ANNA)
    assert code == 0
    args = ["worklist", "--actor", ANNA] + (["--json"] if as_json else [])
    code, out, err = run(*args)
    assert code == 0, err
    if as_json:
        assert [c["diarienummer"] for c in json.loads(out)["cases"]] == [LATE]
    else:
        assert "Mina ärenden" in out and LATE in out and "Sen ansökan" in out
    code, _, err = run("worklist", "--actor", "okand@example.se")
    assert code == 1 and err.startswith("fel: ") and "okand@example.se" in err


def test_scheduling_after_every_deadline_has_passed_says_so_in_one_message(web_any: Web) -> None:
    """Found by the browser test of the chain: three missed deadlines made the page's message
    longer than its 300 characters, and the redirect answered raw JSON."""
    build(web_any)
    anna = web_any.client(ANNA)
    token = csrf_of(anna, f"/cases/{NOTHING}")
    today = date(2025, 1, 6)
    add_meetings(db=web_any.db, meetings=[("RUN", today, None)], clock=web_any.clock)
    response = anna.post(f"/cases/{NOTHING}/schedule", data={
        "csrf_token": token, "meeting": f"RUN {today}", "action": "add"})  # fmt: skip
    assert response.status_code == 303
    page = anna.get(response.headers["location"])
    assert page.status_code == 200
    assert "Satt på dagordningen (RUN 2025-01-06). Varning, redan passerade frister: " in page.text
    assert "Presidiets genomgång 2024-12-23" in page.text
