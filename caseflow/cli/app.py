"""The `caseflow` command line (Typer). Thin: parse, call engine/repo, print.

Exit codes: 0 success, 1 a user error (one clear line on stderr), 2 wrong usage.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main

from caseflow.clock import SystemClock
from caseflow.errors import CaseflowError

if TYPE_CHECKING:  # imported when first used, so `caseflow --help` starts fast
    from caseflow.records.context import Records
    from caseflow.settings import Settings
    from caseflow.store.db import Database
    from caseflow.workflow.registry import WorkflowRegistry

app = typer.Typer(
    help="caseflow – ärendehantering för regionala utvecklingsprojekt.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: importing rich's formatting costs ~0.7 s per start
)


@dataclass
class AppContext:
    """What every command needs, built on first use per invocation and passed in."""

    overrides: dict[str, Any] = field(default_factory=dict)
    clock: SystemClock = field(default_factory=SystemClock)
    _settings: Settings | None = None
    _db: Database | None = None
    _workflows: WorkflowRegistry | None = None
    _records: Records | None = None
    #: Set by the commands that make a database (`db upgrade`, `db restore`); any other command
    #: on a SQLite file that does not exist fails instead of leaving an empty file behind.
    may_create: bool = False

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from pydantic import ValidationError

            from caseflow.settings import load_settings

            try:
                self._settings = load_settings(**self.overrides)
            except ValidationError as err:
                from caseflow.domain.validation import message_of

                problems = "; ".join(
                    f"CASEFLOW_{'_'.join(str(p) for p in e['loc']).upper()}: {message_of(e)}"
                    for e in err.errors()
                )
                raise CaseflowError(f"ogiltig inställning: {problems}") from None
        return self._settings

    @property
    def db(self) -> Database:
        if self._db is None:
            from caseflow.store.db import Database

            url = self.settings.database_url
            missing = missing_sqlite_file(url)
            if missing is not None and not self.may_create:
                raise CaseflowError(
                    f"databasfilen {missing} finns inte; skapa den med `caseflow db upgrade`, "
                    "eller peka CASEFLOW_DATABASE_URL på en befintlig databas "
                    "(demon: CASEFLOW_DATABASE_URL=sqlite:///demo.db)"
                )
            self._db = Database(url)
        return self._db

    @property
    def workflows(self) -> WorkflowRegistry:
        if self._workflows is None:
            from caseflow.workflow.registry import load_registry

            self._workflows = load_registry(self.settings.workflows_dir)
        return self._workflows

    @property
    def records(self) -> Records:
        """The file store and records configuration (built on first use)."""
        if self._records is None:
            from caseflow.records.context import build_records

            self._records = build_records(self.settings)
        return self._records

    def close(self) -> None:
        """Release the database's connections (run when the command ends)."""
        if self._db is not None:
            self._db.dispose()
            self._db = None


def missing_sqlite_file(url: str) -> str | None:
    """The path of a SQLite database file that does not exist yet (None: it exists, or the
    database is in memory or not SQLite)."""
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:") or Path(path).exists():
        return None
    return path


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
    context = AppContext({"database_url": db, "workflows_dir": workflows_dir,
                          "memos_dir": memos_dir})  # fmt: skip
    ctx.obj = context
    ctx.call_on_close(context.close)


def obj(ctx: typer.Context) -> AppContext:
    context = ctx.find_root().obj
    assert isinstance(context, AppContext)
    return context


def out(text: str = "") -> None:
    """Print to standard output (the one place the CLI prints results)."""
    typer.echo(text)


def check_output(path: Path) -> Path:
    """Check, before any work is done or stored, that `path` names a file in an existing folder.

    Raises:
        CaseflowError: the folder is missing, or the path is a folder.
    """
    folder = path.parent
    if not folder.is_dir():
        raise CaseflowError(f"{path}: mappen {folder} finns inte")
    if path.is_dir():
        raise CaseflowError(f"{path}: är en mapp, inte en fil")
    return path


def write_output(path: Path, data: bytes | str) -> None:
    """Write a produced file (text as UTF-8).

    Raises:
        CaseflowError: the file cannot be written (folder missing, no permission …).
    """
    check_output(path)
    try:
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as err:
        from caseflow.domain.inputfile import os_error_sv

        raise CaseflowError(f"{path}: kan inte skriva filen ({os_error_sv(err)})") from None


def environment_error(err: BaseException) -> str | None:
    """The `fel:` line for an error the user's files or database cause, or None (a bug)."""
    if isinstance(err, OSError):
        from caseflow.domain.inputfile import os_error_sv

        where = f"{err.filename}: " if err.filename else ""
        return f"{where}{os_error_sv(err)}"
    if "sqlalchemy" in sys.modules:
        from caseflow.store.db import describe_database_error

        return describe_database_error(err)
    return None
