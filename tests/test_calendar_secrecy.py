"""The calendar feed masks a marked case title in its deadlines unless the feed's owner has a
role with access; a board's calendar masks as the public sees it; without `secrecy` (the CLI's
file, the database's holder) titles are as stored. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from caseflow.meetings.calendar import calendar_for
from caseflow.meetings.service import add_meetings, schedule_case
from caseflow.records.config import SecrecyConfig
from tests.factories import make_case
from tests.test_field_secrecy import ANNA, CASE_DNR, RUT, URL
from tests.webkit import Web

TITLE = "Hemlighetsfullt projekt"


def test_deadline_titles_in_the_feed(web_any: Web) -> None:
    from caseflow.cases.engine import add_person

    web = web_any
    make_case(web.db, web.workflows, web.clock, CASE_DNR, title=TITLE, handlaggare=ANNA)
    add_person(db=web.db, email=RUT, name="Rut", roles=["registrator"], clock=web.clock)
    answer = web.api(RUT).post(f"{URL}/fields/title/secret", json={"osl": "OSL 31:16",
                                                                   "reason": "x"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    day = date(2025, 3, 12)
    add_meetings(db=web.db, meetings=[("RUN", day, "09:00")], clock=web.clock)
    schedule_case(db=web.db, dnr=CASE_DNR, body="RUN", day=day, actor=ANNA, clock=web.clock,
                  rules_for=web.workflows.deadline_rules())  # fmt: skip
    secrecy = SecrecyConfig(version=1, roles_that_mark=["registrator"],
                            roles_with_access=["registrator", "handlaggare"])  # fmt: skip
    base = "http://x"

    def feed(**kw: object) -> str:
        data, count = calendar_for(db=web.db, base_url=base, today=day, **kw)  # type: ignore[arg-type]
        assert count > 0
        return data.decode("utf-8").replace("\r\n ", "")

    assert TITLE in feed(person=ANNA, secrecy=secrecy)  # a handläggare has access
    board = feed(body="RUN", secrecy=secrecy)
    assert TITLE not in board and "[sekretess]" in board
    assert TITLE in feed(body="RUN")  # the CLI's file, as stored
    # the same feed where the handläggare role has no access
    strict = SecrecyConfig(version=1, roles_that_mark=["registrator"],
                           roles_with_access=["registrator"])  # fmt: skip
    anna = feed(person=ANNA, secrecy=strict)
    assert TITLE not in anna and "[sekretess]" in anna
