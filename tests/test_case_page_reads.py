"""The case page reads everything it shows in one transaction on prebuilt statements (issue 15):
its history, memo renders, decisions, deadlines, agendas, the meetings it may be put on and the
people it names, on SQLite and PostgreSQL, from a partner case with a decision (not the seed)."""

from __future__ import annotations

import html
import re
from datetime import date

from caseflow.cases.engine import edit_case
from caseflow.domain.dnr import parse_dnr
from caseflow.meetings.changes import cancel_meeting
from caseflow.meetings.service import add_meetings, schedule_case
from caseflow.reminders.deadlines import list_deadlines
from caseflow.store.repo import require_case_id
from tests.test_decisions import DECIDER, DNR, OFFICER, decide, partner_case, people, render
from tests.webkit import Web

ANNA = "anna@example.se"


def _options(page: str, select_id: str) -> list[tuple[str, str]]:
    found = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert found is not None, f"no select {select_id}"
    pairs = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', found[1])
    return [(html.unescape(v), html.unescape(t)) for v, t in pairs]


def test_the_case_page_shows_what_it_reads(web_any: Web) -> None:
    web = web_any
    people(web.db, web.clock)
    partner_case(web.db, web.workflows, web.clock)
    add_meetings(db=web.db, clock=web.clock, meetings=[
        ("RUN", date(2025, 1, 5), None), ("RUN", date(2025, 2, 12), "09:00"),
        ("RUN", date(2025, 3, 12), None)])  # fmt: skip
    cancel_meeting(db=web.db, body="RUN", day=date(2025, 3, 12), actor=ANNA, clock=web.clock,
                   reason="Inga ärenden")  # fmt: skip
    schedule_case(db=web.db, dnr=DNR, body="RUN", day=date(2025, 2, 12), actor=ANNA,
                  clock=web.clock, rules_for=web.workflows.deadline_rules())  # fmt: skip
    for title in ("Kompetens i glesbygd 2", "Kompetens i glesbygd <3>"):
        edit_case(db=web.db, dnr=DNR, changes={"title": title}, actor=OFFICER, clock=web.clock,
                  workflows=web.workflows)  # fmt: skip
    render(web.db, web.clock)
    decided = decide(web.db, web.clock, date(2025, 1, 3))

    page = web.client(ANNA).get(f"/cases/{DNR}").text

    # The meetings it may be put on: not the cancelled one; the time where there is one.
    assert _options(page, "meeting") == [("RUN 2025-01-05", "RUN 2025-01-05"),
                                         ("RUN 2025-02-12", "RUN 2025-02-12 09:00")]  # fmt: skip
    assert 'href="/meetings/RUN/2025-02-12">RUN 2025-02-12 kl. 09:00</a>' in page  # its agenda
    # People: the handläggare chosen, the signatories, names instead of addresses.
    assert (OFFICER, "Ola Handläggare") in _options(page, "f-handlaggare")
    assert 'value="ola@region.se" selected>Ola Handläggare' in page
    assert (DECIDER, "Dora Beslut, Områdeschef") in _options(page, "memo-signatory")
    # The memo render, downloadable, by its author's name; the decision, by its signer's.
    memos = page[page.index('id="memo-tabell"') :]
    assert "<td>Ola Handläggare</td>" in memos and "Ladda ner</a>" in memos
    decisions = page[page.index('id="beslut-tabell"') :]
    assert f'<td class="num">{decided}</td>' in decisions and "<td>Dora Beslut</td>" in decisions
    # The history, newest first, escaped; its length.
    history = page[page.index('id="historik"') :]
    assert "Kompetens i glesbygd &lt;3&gt;" in history
    with web.db.read() as session:
        case_id = require_case_id(session=session, dnr=parse_dnr(DNR))
        total = len(session.connection().exec_driver_sql(
            f"SELECT id FROM case_events WHERE case_id = {case_id}").all())  # fmt: skip
        deadlines = list_deadlines(session.connection(), today=date(2025, 1, 6),
                                   case_id=case_id, include_done=True)  # fmt: skip
    assert f'<ol class="history" reversed start="{total}">' in page
    assert total == len(re.findall(r'<li(?: class="note")?><span class="when">', history))
    # The deadlines: the same ones the deadlines list gives.
    section = page[page.index('id="frister"') : page.index('id="historik"')]
    assert deadlines, "the partner case scheduled on a meeting has deadlines"
    for row in deadlines:
        assert html.escape(row.label, quote=False) in section
