"""`python -m caseflow` runs the CLI."""

from __future__ import annotations

from caseflow.cli.main import main

main()
