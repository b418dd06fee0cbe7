"""Shared pieces of the benchmark scripts: the lifecycle, case documents, seeding, machine info.

Imported by the scripts in this folder as `_common` (a script's own folder is on `sys.path`).
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from caseflow.cases.engine import add_person, import_cases
from caseflow.clock import Clock
from caseflow.domain.casedoc import CaseDoc
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry, load_registry

WORKFLOWS_DIR = PROJECT_ROOT / "workflows"
WORKFLOW = "regional_project"
OFFICER = "anna@region.se"

#: The moves each benchmark case makes: idea → bp_planering → application_sent →
#: bp_genomforande → follow_up. Every guard on the way passes for `case_fields()`.
LIFECYCLE: tuple[str, ...] = ("start_planning", "send_application", "grant", "start_follow_up")

#: The stage each trigger of LIFECYCLE leaves from, and the one after the last move.
STAGE_BEFORE: dict[str, str] = {
    "idea": "start_planning",
    "bp_planering": "send_application",
    "application_sent": "grant",
    "bp_genomforande": "start_follow_up",
}
DONE_STAGE = "follow_up"


def case_fields() -> dict[str, Any]:
    """Case JSON that passes every guard up to `grant` (as tests/factories.py complete_fields)."""
    return {
        "title": "Strategisk planering",
        "purpose": "Kartläggning och förankring",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "total_budget_sek": 600000,
        "handlaggare": OFFICER,
        "funders": [
            {"code": "tillvaxtverket_nationella", "amount_sek": 300000, "status": "granted",
             "decision_date": "2025-02-01", "case_id": "N2025-1"},
            {"code": "anslag_1_1", "amount_sek": 300000, "status": "applied",
             "decision_date": None, "case_id": None},
        ],
    }  # fmt: skip


def dnr(prefix: str, serial: int, year: int = 2025) -> str:
    return f"{prefix}/{serial}/{year}"


def case_docs(prefix: str, count: int, year: int = 2025) -> list[CaseDoc]:
    """`count` valid case documents `PREFIX/1/YEAR` … `PREFIX/count/YEAR`, stage idea."""
    fields = case_fields()
    return [
        CaseDoc.model_validate({"diarienummer": dnr(prefix, i, year), **fields})
        for i in range(1, count + 1)
    ]


def _chunks(items: Sequence[CaseDoc], size: int) -> Iterator[Sequence[CaseDoc]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def seed(db: Database, workflows: WorkflowRegistry, clock: Clock, docs: Sequence[CaseDoc]) -> None:
    """Add the officer (if missing) and import `docs` in transactions of 500 cases."""
    from caseflow.store.repo import get_person

    with db.read() as session:
        known = get_person(session=session, email=OFFICER) is not None
    if not known:
        add_person(
            db=db, email=OFFICER, name="Anna Handläggare", roles=["handlaggare"], clock=clock
        )
    for chunk in _chunks(docs, 500):
        import_cases(db=db, workflows=workflows, docs=chunk, actor=OFFICER, clock=clock)


def registry() -> WorkflowRegistry:
    return load_registry(WORKFLOWS_DIR)


def machine_line() -> str:
    """One line describing where the figures were taken."""
    return (
        f"python {platform.python_version()} ({sys.implementation.name}) on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}"
    )


def load_line() -> str:
    """The 1/5/15-minute load averages: other work on the machine skews the figures."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def git_line() -> str:
    """The commit measured, and whether the working tree had changes."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "caseflow")
    return f"caseflow at {commit}" + (" (+ uncommitted changes in caseflow/)" if dirty else "")
