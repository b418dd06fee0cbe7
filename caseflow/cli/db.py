"""CLI: `db upgrade|backup|restore`, `person add|list`, `workflow check|diagram`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from caseflow.cli.app import app, check_output, obj, out, write_output
from caseflow.errors import CaseflowError, WorkflowSpecError

if TYPE_CHECKING:
    from alembic.config import Config

    from caseflow.store.db import Database

db_app = typer.Typer(help="Databasen.", no_args_is_help=True)
person_app = typer.Typer(help="Personer (handläggare, beslutsfattare …).", no_args_is_help=True)
workflow_app = typer.Typer(help="Arbetsflöden (workflows/*.yaml).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(person_app, name="person")
app.add_typer(workflow_app, name="workflow")


def alembic_config(database: Database) -> Config:
    """An Alembic config for the project's migrations (the checkout's `alembic/`, else the
    wheel's copy), bound to `database`; built in code, so no alembic.ini is read."""
    from alembic.config import Config

    from caseflow.resources import data_dir

    config = Config()
    config.set_main_option("script_location", str(data_dir("alembic")))
    config.set_main_option("path_separator", "os")
    config.attributes["database"] = database
    return config


def upgrade_database(database: Database) -> None:
    """Run every pending migration."""
    from alembic import command

    command.upgrade(alembic_config(database), "head")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Kör databasmigreringarna (Alembic) till senaste version."""
    context = obj(ctx)
    context.may_create = True
    upgrade_database(context.db)
    out(f"databasen är uppdaterad: {context.settings.database_url}")


@db_app.command("backup")
def db_backup(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="Ny fil för kopian.")]
) -> None:
    """Säkerhetskopiera SQLite-databasen medan server och arbetare kör (SQLite:s backup-API).

    PostgreSQL: använd pg_dump."""
    from caseflow.store.backup import backup_sqlite

    db = obj(ctx).db
    if not db.is_sqlite:
        _postgresql_hint()
    counts = backup_sqlite(db, file)
    out(f"skrev {file} ({counts.get('cases', 0)} ärenden, {sum(counts.values())} rader)")


@db_app.command("restore")
def db_restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="En kopia från caseflow db backup.")],
    force: Annotated[
        bool, typer.Option("--force", help="Skriv över en databas som redan har innehåll.")
    ] = False,
) -> None:
    """Återställ SQLite-databasen från en säkerhetskopia (kontrolleras först).

    PostgreSQL: använd pg_restore."""
    from alembic.script import ScriptDirectory

    from caseflow.store.backup import restore_sqlite

    context = obj(ctx)
    context.may_create = True
    db = context.db
    if not db.is_sqlite:
        _postgresql_hint()
    head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    counts = restore_sqlite(db, file, head=head or "", force=force)
    out(f"återställde från {file} ({counts.get('cases', 0)} ärenden, {sum(counts.values())} rader)")


def _postgresql_hint() -> NoReturn:
    """PostgreSQL has its own tools: say which, on one line without `fel:`, and exit 1."""
    from caseflow.store.backup import POSTGRESQL_TOOLS

    typer.echo(POSTGRESQL_TOOLS, err=True)
    raise typer.Exit(1)


@person_app.command("add")
def person_add(
    ctx: typer.Context,
    email: str,
    name: Annotated[str, typer.Option("--name", help="Namn.")],
    role: Annotated[list[str], typer.Option("--role", help="Roll (kan upprepas).")],
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
) -> None:
    """Lägg till en person med roller (handlaggare, beslutsfattare, namndsekreterare, admin)."""
    from caseflow.cases.engine import add_person

    context = obj(ctx)
    person = add_person(
        db=context.db, email=email, name=name, roles=role, phone=phone, unit=unit, title=title,
        clock=context.clock,
    )  # fmt: skip
    out(f"lade till {person.name} <{person.email}> ({', '.join(person.roles)})")


@person_app.command("list")
def person_list(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Lista personer."""
    from caseflow.store.repo import list_people

    with obj(ctx).db.read() as session:
        people = list_people(session=session)
        rows = [
            {"email": p.email, "name": p.name, "phone": p.phone, "unit": p.unit,
             "title": p.title, "roles": p.roles}
            for p in people
        ]  # fmt: skip
    if as_json:
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for p in people:
        out(f"{p.email:<35} {p.name:<30} {', '.join(p.roles)}")


@workflow_app.command("check")
def workflow_check(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="En fil; annars alla i workflows/.")] = None,
) -> None:
    """Validera arbetsflöden och visa ärenden i steg som den aktuella versionen saknar."""
    from caseflow.workflow.registry import compile_file

    context = obj(ctx)
    files = [file] if file else sorted(context.settings.workflows_dir.glob("*.yaml"))
    if not files:
        raise WorkflowSpecError(f"{context.settings.workflows_dir}: inga arbetsflöden hittades")
    errors = []
    compiled = []
    for path in files:
        try:
            wf = compile_file(path)
        except WorkflowSpecError as err:
            errors.append(str(err))
            continue
        compiled.append(wf)
        out(
            f"{path}: OK ({wf.name} version {wf.version}, {len(wf.spec.states)} tillstånd, "
            f"{len(wf.spec.transitions)} händelser)"
        )
    stranded = _stranded_cases(context.db, compiled) if compiled else []
    for line in stranded:
        out(line)
    if errors:
        raise WorkflowSpecError("\n".join(errors))
    if stranded:
        raise CaseflowError(f"{len(stranded)} steg med ärenden saknas i aktuell version")


def _stranded_cases(database: Database, workflows: list) -> list[str]:  # type: ignore[type-arg]
    """Cases sitting in states the current workflow versions no longer have."""
    from sqlalchemy import inspect

    from caseflow.store.repo import count_cases_by_stage

    if database.is_sqlite:
        path = database.engine.url.database
        if path and path != ":memory:" and not Path(path).exists():
            return []
    if not inspect(database.engine).has_table("cases"):
        return []
    lines = []
    with database.read() as session:
        for wf in workflows:
            for stage, count in sorted(
                count_cases_by_stage(session=session, workflow=wf.name).items()
            ):
                if not wf.has_state(stage):
                    lines.append(
                        f"{count} ärende(n) i {wf.name} står i steget {stage!r}, "
                        f"som version {wf.version} inte har"
                    )
    return lines


@workflow_app.command("diagram")
def workflow_diagram(
    ctx: typer.Context,
    name: str,
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
) -> None:
    """Rita arbetsflödet som ett Mermaid-diagram."""
    if output:
        check_output(output)
    text = obj(ctx).workflows.any(name).diagram()
    if output:
        write_output(output, text + "\n")
        out(f"skrev {output}")
    else:
        out(text)
