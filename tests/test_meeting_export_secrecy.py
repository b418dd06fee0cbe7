"""The kallelse and protokollsutdrag produced for a role without access to marked case fields:
a marked title, owner, copy or handläggare reads `[sekretess]` and a marked case's decision text
is left out with a note (its memo may quote the marked values); produced for a role with access
(or by the CLI without --public) the documents are whole. Opened with python-docx; SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from caseflow.cases.engine import add_person
from caseflow.clock import FakeClock
from caseflow.meetings.export import WITHHELD, export_meeting
from caseflow.memo.decisions import report
from caseflow.records.config import SecrecyConfig
from caseflow.records.secrecy import Target, mark_secret
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests import test_field_secrecy as field_secrecy
from tests.conftest import Run
from tests.factories import complete_fields
from tests.test_meeting_export import CLERK, MEETING, MEMOS, MUNICIPAL, REGION, build, paragraphs
from tests.webkit import Web

RUT = "rut@region.se"
STRICT = SecrecyConfig(version=1, roles_with_access=["registrator"],
                       roles_that_mark=["registrator"])  # fmt: skip
TITLE, OWNER = "Bredband i Hackås", "Östersunds kommun"


def marked(db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    build(db, workflows, clock)
    add_person(db=db, email=RUT, name="Rut", roles=["registrator"], clock=clock)
    for field in ("title", "owner", "handlaggare"):
        mark_secret(db=db, secrecy=STRICT, target=Target(dnr=MUNICIPAL, field=field),
                    osl="OSL 31:16", reason="Affärsförhållanden", actor=RUT,
                    clock=clock)  # fmt: skip


def texts(data: bytes) -> list[str]:
    return [t for _, t in paragraphs(data)]


def test_kallelse_masks_marked_values_for_a_role_without_access(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    marked(database, workflows, clock)
    args = {"db": database, "memos_dir": MEMOS, "body": "RUN", "day": MEETING,
            "kind": "kallelse", "clock": clock, "secrecy": STRICT}  # fmt: skip
    hidden = "\n".join(texts(export_meeting(**args, roles=["handlaggare"]).data))  # type: ignore[arg-type]
    assert TITLE not in hidden and "Ola Handläggare, diarienummer" not in hidden
    assert f"[sekretess], diarienummer {MUNICIPAL}. Handläggare: [sekretess]." in hidden
    assert "Energi & klimat" in hidden  # an unmarked case is shown as it is
    # the delegation decision reported at the meeting names the case by its (marked) title
    assert f"{MUNICIPAL} [sekretess]: delegationsbeslut" in hidden
    seen = "\n".join(texts(export_meeting(**args, roles=["registrator"]).data))  # type: ignore[arg-type]
    assert f"{TITLE}, diarienummer {MUNICIPAL}. Handläggare: Ola Handläggare." in seen
    whole = "\n".join(texts(export_meeting(**{**args, "secrecy": None}).data))  # type: ignore[arg-type]
    assert TITLE in whole


def test_protokollsutdrag_masks_values_and_withholds_the_decision_text(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    marked(database, workflows, clock)
    clock.advance(timedelta(days=40))
    report(db=database, body="RUN", day=MEETING, actor=CLERK, clock=clock, paragraph="9")
    args = {"db": database, "memos_dir": MEMOS, "body": "RUN", "day": MEETING,
            "kind": "protokollsutdrag", "clock": clock, "secrecy": STRICT}  # fmt: skip
    hidden = texts(export_meeting(**args, roles=["handlaggare"]).data)  # type: ignore[arg-type]
    joined = "\n".join(hidden)
    assert TITLE not in joined and OWNER not in joined and "Hackås" not in joined
    assert "§ 2 [sekretess]" in hidden and WITHHELD in hidden
    copies_at = [i for i, t in enumerate(hidden) if t == "Utdrag till"]
    assert [hidden[i + 1] for i in copies_at][:2] == ["Region Jämtland Härjedalen", "[sekretess]"]
    assert any("Energi & klimat" in t for t in hidden)  # the unmarked case's decision stays
    seen = texts(export_meeting(**args, roles=["registrator"]).data)  # type: ignore[arg-type]
    assert f"§ 2 {TITLE}" in seen and WITHHELD not in seen and OWNER in seen
    assert any(f"projektet {TITLE}, som ägs av {OWNER}" in t for t in seen)
    assert REGION in "\n".join(seen)


def test_cli_export_public_masks(cli: Run, tmp_path: Path) -> None:
    assert cli("meetings", "add", "2020-06-03", "--time", "13:15")[0] == 0
    doc = {"diarienummer": "RUN/3/2020", **complete_fields(title="Fjällturism",
                                                          owner="Härjedalens kommun",
                                                          owner_is_region=False)}  # fmt: skip
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert cli("case", "new", "--from-json", str(path))[0] == 0
    assert cli("case", "schedule", "RUN/3/2020", "--meeting", "2020-06-03")[0] == 0
    assert cli("person", "add", RUT, "--name", "Rut", "--role", "registrator")[0] == 0
    code, _, err = cli("handling", "secret", "RUN/3/2020", "--field", "owner", "--osl",
                       "OSL 31:16", "--reason", "Affärsförhållanden", "--actor", RUT)  # fmt: skip
    assert code == 0, err
    target = tmp_path / "utdrag.docx"
    args = ("meetings", "export", "2020-06-03", "--kind", "protokollsutdrag", "-o", str(target))
    assert cli(*args, "--public")[0] == 0
    public = texts(target.read_bytes())
    assert "Härjedalens kommun" not in "\n".join(public) and "[sekretess]" in public
    assert WITHHELD in public
    assert cli(*args)[0] == 0
    assert "Härjedalens kommun" in texts(target.read_bytes())


def test_api_and_page_export_for_the_users_roles(web_any: Web) -> None:
    from datetime import date

    from caseflow.meetings.service import add_meetings, schedule_case

    web = web_any
    field_secrecy.marked_case(web)  # owner "Företaget AB" marked; Sara has no access
    day = date(2025, 3, 12)
    add_meetings(db=web.db, meetings=[("RUN", day, "09:00")], clock=web.clock)
    schedule_case(db=web.db, dnr=field_secrecy.CASE_DNR, body="RUN", day=day,
                  actor=field_secrecy.ANNA, clock=web.clock,
                  rules_for=web.workflows.deadline_rules())  # fmt: skip
    url = "/api/v1/meetings/RUN/2025-03-12/export"
    web.clock.advance(timedelta(days=400))
    for kind in ("kallelse", "protokollsutdrag"):
        hidden = web.api(field_secrecy.SARA).get(url, params={"kind": kind})
        assert hidden.status_code == 200, hidden.text
        assert "Företaget AB" not in "\n".join(texts(hidden.content))
        page = web.client(field_secrecy.SARA).get("/meetings/RUN/2025-03-12/export",
                                                  params={"kind": kind})  # fmt: skip
        assert page.status_code == 200 and "Företaget AB" not in "\n".join(texts(page.content))
    seen = web.api(field_secrecy.ANNA).get(url, params={"kind": "protokollsutdrag"})
    assert "Företaget AB" in "\n".join(texts(seen.content))
