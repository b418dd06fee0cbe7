"""The demo's data ships in examples/: the board's 26-project portfolio as facts (csv under the
report's column names), so `make demo` on a clone without ../shared has the real thing."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.portfolio.files import read_portfolio
from caseflow.settings import PROJECT_ROOT
from caseflow.workflow.registry import WorkflowRegistry

PORTFOLIO = PROJECT_ROOT / "examples" / "portfolio.csv"
SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "000_308d4dfeb992105d.txt"


def test_the_shipped_portfolio_holds_the_boards_26_projects(workflows: WorkflowRegistry) -> None:
    docs = read_portfolio(PORTFOLIO, workflows.default)
    assert len(docs) == 26
    assert len({d.diarienummer for d in docs}) == 26
    assert "RUN/408/2025" in {d.diarienummer for d in docs}
    assert all(d.area and d.title for d in docs)
    assert sum(len(d.funders) for d in docs) > 26  # financing is data, not text
    demo = (PROJECT_ROOT / "examples" / "demo.sh").read_text(encoding="utf-8")
    assert "examples/portfolio.csv" in demo and "../shared" not in demo


def test_the_shipped_portfolio_is_the_seed_report_read(workflows: WorkflowRegistry) -> None:
    """Where the seed report is beside the checkout (as in CI), the csv holds exactly what the
    report's text reads as (regenerate it with `caseflow portfolio import` + `case list
    --format csv` when the report changes)."""
    seed = SEED if SEED.is_file() else Path("/work/shared/seeds") / SEED.name
    if not seed.is_file():
        pytest.skip("the seed report is not beside this checkout")
    from_text = [d.model_dump(mode="json") for d in read_portfolio(seed, workflows.default)]
    shipped = [d.model_dump(mode="json") for d in read_portfolio(PORTFOLIO, workflows.default)]
    assert shipped == from_text
