"""CLI: `serve` (the web UI and API) and `user …` (web accounts and API tokens)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from caseflow.cli.app import app, obj, out
from caseflow.errors import CaseflowError, InputError

if TYPE_CHECKING:
    from caseflow.store.db import Database

user_app = typer.Typer(help="Konton för webben och API-token.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _read_password(password_file: Path | None) -> str:
    if password_file is not None:
        from caseflow.domain.inputfile import read_input_text

        try:
            text = read_input_text(password_file, limit=4096)
        except InputError as err:
            reason = str(err).removeprefix(f"{password_file}: ")
            raise InputError(f"{password_file}: kan inte läsa lösenordsfilen: {reason}") from None
    else:
        if sys.stdin.isatty():
            import getpass

            text = getpass.getpass("Lösenord: ")
        else:
            text = sys.stdin.read()
    lines = text.splitlines()
    if len(lines) > 1:
        raise InputError("lösenordet ska stå på en enda rad")
    return lines[0] if lines else ""


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    email: str,
    role: Annotated[list[str], typer.Option("--role", help="Roll (kan upprepas).")],
    name: Annotated[str | None, typer.Option("--name", help="Namn (annars från adressen).")] = None,
    password_file: Annotated[
        Path | None,
        typer.Option("--password-file", help="Läs lösenordet från filen (annars standard in)."),
    ] = None,
) -> None:
    """Skapa ett konto (lösenordet läses från standard in eller --password-file)."""
    from caseflow.cases.accounts import add_user

    context = obj(ctx)
    person = add_user(db=context.db, email=email, password=_read_password(password_file),
                      roles=role, clock=context.clock, name=name)  # fmt: skip
    out(f"konto skapat för {person.email} ({', '.join(person.roles)})")


@user_app.command("token")
def user_token(ctx: typer.Context, email: str) -> None:
    """Skriv ut en ny API-token (Authorization: Bearer …); den visas bara nu."""
    from caseflow.cases.accounts import issue_token

    context = obj(ctx)
    out(issue_token(db=context.db, email=email, kind="api", clock=context.clock))


@user_app.command("revoke")
def user_revoke(
    ctx: typer.Context,
    email: str,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Bara session, api eller calendar (annars alla)."),
    ] = None,
) -> None:
    """Återkalla en persons inloggningar och token."""
    from caseflow.cases.accounts import revoke_all

    context = obj(ctx)
    if kind is not None and kind not in ("session", "api", "calendar"):
        raise InputError(f"--kind: okänd typ {kind!r}; välj session, api eller calendar")
    n = revoke_all(db=context.db, email=email, now=context.clock.now(), kind=kind)
    out(f"{n} token återkallade för {email}")


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """Lista personer och om de har ett konto."""
    from caseflow.store.repo import list_people

    with obj(ctx).db.read() as session:
        for p in list_people(session=session):
            login = "konto" if p.password_hash else "inget konto"
            out(f"{p.email}\t{p.name}\t{', '.join(p.roles)}\t{login}")


#: The factory every server process calls when `serve` runs more than one.
APP_FACTORY = "caseflow.web.app:app_from_environment"
#: Settings the command line may override (`--db`, `--workflows`, `--memos`) → their variables.
_OVERRIDDEN = {"database_url": "CASEFLOW_DATABASE_URL", "workflows_dir": "CASEFLOW_WORKFLOWS_DIR",
               "memos_dir": "CASEFLOW_MEMOS_DIR"}  # fmt: skip


def _check_shared_sqlite(db: Database, workers: int) -> None:
    """Several processes may share a SQLite file in WAL mode (readers never wait; writers queue
    on the file lock, busy_timeout); never a database in memory, which each process would have
    on its own.

    Raises:
        CaseflowError: the database cannot be shared by `workers` processes.
    """
    from sqlalchemy.engine import make_url

    name = make_url(db.url).database or ""
    if not name or name == ":memory:" or "mode=memory" in db.url:
        raise CaseflowError(
            f"--workers {workers}: en SQLite-databas i minnet finns bara i en process; "
            "ange en databasfil eller PostgreSQL (CASEFLOW_DATABASE_URL), eller kör en process"
        )
    with db.engine.connect() as conn:
        mode = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar() or "").lower()
    if mode != "wal":
        raise CaseflowError(
            f"--workers {workers}: SQLite-filen {name} kan inte delas av flera processer, "
            f"den går inte i WAL-läge (läget är {mode or 'okänt'}; filsystemet kanske inte "
            "tillåter det); kör en process eller använd PostgreSQL"
        )


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Adress att lyssna på.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Antal serverprocesser på samma port (var och en med egen databaspool; "
            "SQLite delas i WAL-läge, PostgreSQL rekommenderas).",
        ),
    ] = 1,
    secure_cookies: Annotated[
        bool,
        typer.Option("--secure-cookies", help="Sätt Secure på cookies (bakom TLS-proxy)."),
    ] = False,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Proxyer (adresser, kommaseparerade) vars X-Forwarded-* litas på; "
            "utan det används anslutningens egen adress.",
        ),
    ] = None,
) -> None:
    """Starta webbgränssnittet och API:t (/api/v1) i en eller flera serverprocesser."""
    import uvicorn

    from caseflow.web.app import create_app

    context = obj(ctx)
    if workers > 1 and context.db.is_sqlite:
        _check_shared_sqlite(context.db, workers)
    context.db.optimize()  # planner statistics for the list's indexes (SQLite)
    # Built here even for several processes: a broken setting or workflow fails now, as `fel:`.
    web_app = create_app(context.settings, db=context.db, secure_cookies=secure_cookies)
    where = f"http://{host}:{port}/"
    many = f" med {workers} serverprocesser" if workers > 1 else ""
    out(f"caseflow lyssnar på {where}{many} (avsluta med Ctrl-C)")
    # Only the proxies named here may say who the client is (X-Forwarded-For): the login
    # throttle counts failures per client address. Without the option no header is trusted
    # (uvicorn's own default would trust 127.0.0.1, or $FORWARDED_ALLOW_IPS).
    options: dict[str, Any] = {
        "host": host, "port": port, "proxy_headers": forwarded_allow_ips is not None,
        "forwarded_allow_ips": forwarded_allow_ips or None, "access_log": False,
        "log_level": "warning",
    }  # fmt: skip
    if workers == 1:
        from caseflow.web.gcpolicy import apply_server_policy

        apply_server_policy()  # start-up objects frozen: see web/gcpolicy.py
        uvicorn.run(web_app, **options)
        return
    # Several processes: uvicorn's supervisor binds the port and starts `workers` fresh
    # processes (spawned, nothing inherited but the environment), each building the app from
    # the settings; what the command line overrode is handed on in the environment.
    context.db.dispose()
    for key, variable in _OVERRIDDEN.items():
        if context.overrides.get(key) is not None:
            os.environ[variable] = str(getattr(context.settings, key))
    if secure_cookies:
        os.environ["CASEFLOW_SECURE_COOKIES"] = "true"
    uvicorn.run(APP_FACTORY, factory=True, workers=workers, **options)
