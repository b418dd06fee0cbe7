# caseflow: every target sets itself up; only python3 (>= 3.11), make and git are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= demo.db

.PHONY: install demo test test-fast lint typecheck unit bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "caseflow needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

## The main job on the embedded default (SQLite): a fresh demo database with the portfolio,
## RUN/479/2024, meetings and demo accounts; then the web UI, the worker and an SMTP sink.
demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	CASEFLOW_DATABASE_URL=sqlite:///$(DEMO_DB) PATH="$(CURDIR)/$(BIN):$$PATH" bash examples/demo.sh

## Lint, type-check and run every test (PostgreSQL too when CASEFLOW_TEST_DATABASE_URL is set).
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check caseflow tests benchmarks alembic memos
	$(BIN)/ruff format --check caseflow tests benchmarks memos

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

## The fast subset (pure and SQLite unit tests, marked by tests/conftest.py): under 30 s.
test-fast: $(STAMP)
	$(BIN)/pytest -m fast -q

## Benchmarks (on demand): each run writes benchmarks/results/<UTC time>-<commit>.json (figures,
## ceilings, ratios, machine, commit) and prints its Markdown table for docs/benchmarks.md.
bench: $(STAMP)
	@out=$$($(BIN)/python benchmarks/harness.py start) && echo "results: $$out" && \
	export CASEFLOW_BENCH_OUT=$$out && \
	$(BIN)/python benchmarks/bench_moves.py && \
	$(BIN)/python benchmarks/bench_machine_memory.py && \
	$(BIN)/python benchmarks/bench_pg_concurrency.py && \
	$(BIN)/python benchmarks/bench_portfolio_import.py && \
	$(BIN)/python benchmarks/bench_report.py && \
	$(BIN)/python benchmarks/bench_memo.py && \
	$(BIN)/python benchmarks/bench_reminders.py --only-replan && \
	$(BIN)/python benchmarks/bench_web.py --ceiling && \
	$(BIN)/python benchmarks/bench_search.py && \
	$(BIN)/python benchmarks/bench_caselist.py && \
	$(BIN)/python benchmarks/bench_bulk_import.py --cases 100000 --rounds 1 && \
	$(BIN)/python benchmarks/bench_scaleout.py --cases 1000000 --rounds 2 --duration 10 && \
	$(BIN)/python benchmarks/harness.py table $$out

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
