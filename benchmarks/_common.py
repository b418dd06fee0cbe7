"""Shared pieces of the benchmark scripts: the lifecycle, case documents, seeding, machine info.

Imported by the scripts in this folder as `_common` (a script's own folder is on `sys.path`).
"""

from __future__ import annotations

import json
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
RESULTS_DIR = PROJECT_ROOT / "benchmarks" / "results"
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


def machine_facts() -> dict[str, Any]:
    """Where and on what the figures were taken, for the run's JSON file."""
    import sqlite3
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    one, five, fifteen = os.getloadavg()
    return {
        "commit": git("rev-parse", "--short", "HEAD") or "unknown",
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no", "--", "caseflow")),
        "machine": f"{cpu}, {machine_line()}, sqlite {sqlite3.sqlite_version}",
        "load": f"{one:.2f} {five:.2f} {fifteen:.2f}",
    }


def record(
    path: str, value: float, unit: str, *, ceiling: float | None = None,
    ceiling_label: str = "", ratio: float | None = None, target: str = "",
    met: bool | None = None, **extra: Any,
) -> None:  # fmt: skip
    """Add one figure, with the ceiling it is held against, to the run's JSON file when
    CASEFLOW_BENCH_OUT names one (`make bench`); otherwise do nothing."""
    out = os.environ.get("CASEFLOW_BENCH_OUT")
    if not out:
        return
    with open(out, encoding="utf-8") as handle:
        data = json.load(handle)
    data["rows"].append({
        "path": path, "value": value, "unit": unit, "ceiling": ceiling,
        "ceiling_label": ceiling_label, "ratio": ratio, "target": target, "met": met,
        "load_after": load_line(), **extra,
    })  # fmt: skip
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, default=str)
        handle.write("\n")
