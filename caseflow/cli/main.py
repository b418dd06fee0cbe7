"""The `caseflow` entry point: registers every command module on `app`, runs it, and turns
user and environment errors into one `fel:` line and exit 1.

Command modules import `cli.app` (the app, `AppContext`, output helpers) and `cli.options`; only
this module imports the command modules, so the CLI has no import cycle.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import typer
import typer.main

from caseflow.cli.app import app, environment_error
from caseflow.errors import CaseflowError


def register_commands() -> None:
    """Import the CLI modules: each adds its commands to `app` when imported."""
    from caseflow.cli import (  # noqa: F401  (registers the sub-commands)
        archive,
        calendar,
        case,
        case_import,
        db,
        decisions,
        handling,
        meetings,
        memo,
        notes,
        outbox,
        portfolio,
        register,
        reminders,
        results,
        results_draft,
        results_export,
        results_flow,
        results_national,
        results_owners,
        retention,
        web,
        worklist,
    )


@cache
def command() -> Any:
    """The Click command built from `app`, once per process (building it inspects every
    command's signature: a quarter of a second each time `main` is called in-process)."""
    register_commands()
    return typer.main.get_command(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; user errors become one line on stderr and exit 1."""
    try:
        command()(args=argv, prog_name="caseflow")
    except CaseflowError as err:
        typer.echo(f"fel: {err}", err=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as err:
        message = environment_error(err)
        if message is None:
            raise
        typer.echo(f"fel: {message}", err=True)
        raise SystemExit(1) from None
