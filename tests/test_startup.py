"""`caseflow --help` stays cheap: building the command line imports no database, web, settings
or password library (timings: benchmarks/bench_startup.py)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic_settings", "argon2", "fastapi", "rich")


def test_the_command_line_is_built_without_the_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from caseflow.cli.app import app\n"
        "from caseflow.cli.main import register_commands\n"
        "import typer.main\n"
        "register_commands()\n"
        "typer.main.get_command(app)\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "", f"imported at start-up: {done.stdout.strip()}"
