"""Row numbers in page paths (a memo, a document, a hold) are bounded to the databases' INTEGER
as the API's are: a number past it is refused before any query (not a driver overflow and a
500 on PostgreSQL); a number in range that names nothing is 404. SQLite and PostgreSQL."""

from __future__ import annotations

from tests.factories import make_case
from tests.webkit import Web, csrf_of

DNR = "RUN/479/2024"
HUGE = "99999999999"


def test_page_row_numbers_are_bounded(web_any: Web) -> None:
    web = web_any
    make_case(web.db, web.workflows, web.clock, DNR)
    anna, admin = web.client("anna@example.se"), web.client("admin@example.se")
    for path in (f"/cases/{DNR}/memos/{HUGE}", f"/cases/{DNR}/handlings/{HUGE}",
                 f"/cases/{DNR}/handlings/{HUGE}/file", f"/cases/{DNR}/handlings/0"):  # fmt: skip
        answer = anna.get(path)
        assert answer.status_code == 422, (path, answer.status_code)
    assert anna.get(f"/cases/{DNR}/handlings/7").status_code == 404
    assert anna.get(f"/cases/{DNR}/memos/7").status_code == 404
    csrf = csrf_of(admin, "/gallring")
    for path in (f"/cases/{DNR}/handlings/{HUGE}/secret", f"/gallring/holds/{HUGE}/lift"):
        answer = admin.post(path, data={"csrf_token": csrf, "reason": "x"})
        assert answer.status_code == 422, (path, answer.status_code)
    assert admin.post("/gallring/holds/5/lift",
                      data={"csrf_token": csrf, "reason": "x"}).status_code == 404  # fmt: skip
    for path in (f"/outbox/{HUGE}", "/outbox/0"):
        answer = admin.get(path)
        assert answer.status_code == 422, (path, answer.status_code)
    resent = admin.post(f"/outbox/{HUGE}/resend", data={"csrf_token": csrf})
    assert resent.status_code == 422, resent.status_code
    assert admin.get("/outbox/7").status_code == 404
