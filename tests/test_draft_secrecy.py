"""The case page's draft of the Ärendebeskrivning quotes the case's fields: a role that may not
see a marked one is refused (in Swedish, nothing saved or downloaded); a role with access drafts
as before. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from caseflow.memo.service import load_case
from caseflow.records.config import SecrecyConfig
from caseflow.records.context import Records
from tests.test_field_secrecy import ANNA, CASE_DNR, PURPOSE, marked_case
from tests.webkit import Web, csrf_of

URL = f"/cases/{CASE_DNR}"


def test_a_role_without_access_cannot_draft_from_marked_fields(
    web_any: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = web_any
    marked_case(web)  # purpose, owner and budget marked
    anna = web.client(ANNA)
    token = csrf_of(anna, URL)
    strict = SecrecyConfig(version=1, roles_with_access=["registrator"],
                           roles_that_mark=["registrator"])  # fmt: skip
    monkeypatch.setattr(Records, "secrecy", property(lambda self: strict))
    for action in ("save", "docx", "md"):
        answer = anna.post(f"{URL}/memo/draft", data={"csrf_token": token, "draft_as": action})
        assert answer.status_code == 403, (action, answer.status_code)
        assert "är sekretessmarkerat" in answer.text and PURPOSE not in answer.text
    case, _ = load_case(web.db, CASE_DNR)
    assert case["background"] is None
    monkeypatch.undo()
    shown = anna.post(f"{URL}/memo/draft", data={"csrf_token": token, "draft_as": "md"})
    assert shown.status_code == 200 and PURPOSE in shown.content.decode("utf-8")
