"""Portfolio snapshots keep the cases as presented (unmasked: the board's copy), so a public
output drawn from them masks them by the marks in force now: `portfolio diff --public` and
`portfolio report --since … --public` show no marked value, old or new. (The command line runs on
SQLite; the masking itself is tested on SQLite and PostgreSQL below.)"""

from __future__ import annotations

from pathlib import Path

from caseflow.cases.engine import add_person
from caseflow.clock import FakeClock
from caseflow.records.config import SecrecyConfig
from caseflow.records.fieldmask import mask_stored_docs
from caseflow.records.secrecy import Target, mark_secret
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import Run
from tests.factories import make_case
from tests.test_portfolio_cli import SMALL

DNR, RUT = "RUN/280/2023", "rut@region.se"


def test_diff_and_since_public_mask_marked_fields(cli: Run, tmp_path: Path) -> None:
    cli("portfolio", "import", str(SMALL))
    assert cli("portfolio", "snapshot", "--label", "A")[0] == 0
    assert cli("case", "edit", DNR, "--set", "end_date=2026-12-31")[0] == 0
    assert cli("case", "edit", DNR, "--set", "title=Hemliga planer")[0] == 0
    assert cli("portfolio", "snapshot", "--label", "B")[0] == 0
    assert cli("person", "add", RUT, "--name", "Rut", "--role", "registrator")[0] == 0
    for field in ("end_date", "title"):
        code, _, err = cli("handling", "secret", DNR, "--field", field, "--osl", "OSL 31:16",
                           "--reason", "x", "--actor", RUT)  # fmt: skip
        assert code == 0, err
    code, whole, _ = cli("portfolio", "diff", "A", "B")
    assert code == 0 and "2026-12-31" in whole and "Hemliga planer" in whole
    code, public, err = cli("portfolio", "diff", "A", "B", "--public")
    assert code == 0, err
    assert "2026-12-31" not in public and "2026-06-30" not in public
    assert "Hemliga planer" not in public
    path = tmp_path / "r.md"
    code, _, err = cli("portfolio", "report", "-o", str(path), "--since", "A", "--public")
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "Förändringar sedan A" in text
    assert "2026-12-31" not in text and "2026-06-30" not in text and "Hemliga planer" not in text
    assert cli("portfolio", "report", "-o", str(path), "--since", "A")[0] == 0
    assert "Hemliga planer" in path.read_text(encoding="utf-8")


def test_mask_stored_docs_by_the_marks_in_force(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    make_case(database, workflows, clock, "RUN/479/2024", purpose="Hemligt syfte")
    make_case(database, workflows, clock, "RUN/480/2024", purpose="Öppet syfte")
    add_person(db=database, email=RUT, name="Rut", roles=["registrator"], clock=clock)
    strict = SecrecyConfig(version=1, roles_with_access=["registrator"],
                           roles_that_mark=["registrator"])  # fmt: skip
    mark_secret(db=database, secrecy=strict, target=Target(dnr="RUN/479/2024", field="purpose"),
                osl="OSL 31:16", reason="x", actor=RUT, clock=clock)  # fmt: skip
    docs = [{"diarienummer": "RUN/479/2024", "purpose": "Gammalt syfte"},
            {"diarienummer": "RUN/480/2024", "purpose": "Öppet syfte"},
            {"diarienummer": "RUN/1/1999", "purpose": "Borttaget"}]  # fmt: skip
    masked = mask_stored_docs(db=database, secrecy=strict, roles=["handlaggare"], docs=docs)
    assert [d["purpose"] for d in masked] == ["[sekretess]", "Öppet syfte", "Borttaget"]
    assert mask_stored_docs(db=database, secrecy=strict, roles=["registrator"], docs=docs) == docs
