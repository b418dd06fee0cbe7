"""The `caseflow` command line (Typer). Thin: parse, call engine/repo, print.

Exit codes: 0 success, 1 a user error (one clear line on stderr), 2 wrong usage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

from caseflow.clock import SystemClock
from caseflow.errors import CaseflowError
from caseflow.settings import Settings, load_settings
from caseflow.store.db import Database
from caseflow.workflow.registry import WorkflowRegistry, load_registry

app = typer.Typer(
    help="caseflow – ärendehantering för regionala utvecklingsprojekt.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@dataclass
class AppContext:
    """What every command needs, built once per invocation and passed in."""

    settings: Settings
    clock: SystemClock = field(default_factory=SystemClock)
    _db: Database | None = None
    _workflows: WorkflowRegistry | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.settings.database_url)
        return self._db

    @property
    def workflows(self) -> WorkflowRegistry:
        if self._workflows is None:
            self._workflows = load_registry(self.settings.workflows_dir)
        return self._workflows


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Databas-URL (annars CASEFLOW_DATABASE_URL, sqlite:///caseflow.db)."
        ),
    ] = None,
    workflows_dir: Annotated[
        Path | None, typer.Option("--workflows", help="Mapp med arbetsflöden (workflows/*.yaml).")
    ] = None,
    memos_dir: Annotated[
        Path | None, typer.Option("--memos", help="Mapp med nämndens memomallar (board.yaml).")
    ] = None,
) -> None:
    ctx.obj = AppContext(
        load_settings(database_url=db, workflows_dir=workflows_dir, memos_dir=memos_dir)
    )


def obj(ctx: typer.Context) -> AppContext:
    context = ctx.find_root().obj
    assert isinstance(context, AppContext)
    return context


def out(text: str = "") -> None:
    """Print to standard output (the one place the CLI prints results)."""
    typer.echo(text)


def write_output(path: Path, data: bytes) -> None:
    """Write a produced file.

    Raises:
        CaseflowError: the file cannot be written (folder missing, no permission …).
    """
    try:
        path.write_bytes(data)
    except OSError as err:
        raise CaseflowError(f"{path}: kan inte skriva filen ({err.strerror})") from None


def register_commands() -> None:
    """Import the CLI modules: each adds its commands to `app` when imported."""
    from caseflow.cli import (  # noqa: F401  (registers the sub-commands)
        calendar,
        case,
        db,
        meetings,
        memo,
        outbox,
        portfolio,
        reminders,
        results,
        web,
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; user errors become one line on stderr and exit 1."""
    register_commands()

    try:
        app(args=argv, prog_name="caseflow")
    except CaseflowError as err:
        typer.echo(f"fel: {err}", err=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
