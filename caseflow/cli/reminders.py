"""CLI: `reminders list`."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from caseflow.cli.app import app, obj, out
from caseflow.cli.options import parse_date_option

reminders_app = typer.Typer(help="Påminnelser om frister.", no_args_is_help=True)
app.add_typer(reminders_app, name="reminders")


@reminders_app.command("list")
def reminders_list(
    ctx: typer.Context,
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="Bara de som ska skickas senast detta datum.")
    ] = None,
    include_done: Annotated[bool, typer.Option("--all", help="Även köade och inställda.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv JSON.")] = False,
) -> None:
    """Planerade påminnelser, i den ordning de ska skickas."""
    from caseflow.reminders.plan import list_reminders

    given = parse_date_option("--due-before", due_before)
    with obj(ctx).db.reading() as conn:
        rows = list_reminders(conn, due_before=date.fromisoformat(given) if given else None,
                              include_done=include_done)  # fmt: skip
    if as_json:
        data = [
            {**r.__dict__, "due_on": r.due_on.isoformat(), "remind_on": r.remind_on.isoformat(),
             "updated_at": r.updated_at.isoformat()}
            for r in rows
        ]  # fmt: skip
        out(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for r in rows:
        out(f"{r.remind_on}\t{r.diarienummer}\t{r.label} ({r.due_on})\t{r.status}\t"
            f"{r.handlaggare or '–'}")  # fmt: skip
    if not rows:
        out("inga planerade påminnelser")


@reminders_app.command("plan")
def reminders_plan(ctx: typer.Context) -> None:
    """Planera om påminnelserna för alla öppna ärenden (efter flyttar; körs även periodiskt)."""
    from caseflow.domain.workdays import local_date
    from caseflow.reminders.plan import replan_all

    context = obj(ctx)
    now = context.clock.now()
    rules = context.workflows.deadline_rules()
    with context.db.transaction() as conn:
        result = replan_all(conn, rules_for=rules, today=local_date(now), now=now)
    out(f"nya {result.added}, flyttade {result.moved}, inställda {result.cancelled}")


@reminders_app.command("run-once")
def reminders_run_once(
    ctx: typer.Context,
    now: Annotated[
        str | None,
        typer.Option("--now", help="Kör som om klockan vore detta (ÅÅÅÅ-MM-DDTTT:MM, test)."),
    ] = None,
) -> None:
    """En körning för cron: köa påminnelser som ska skickas och skicka utkorgen."""
    from datetime import datetime

    from caseflow.cli.mailer import build_mailer
    from caseflow.clock import Clock, FakeClock
    from caseflow.domain.textformat import STOCKHOLM
    from caseflow.errors import InputError
    from caseflow.mail.delivery import send_due
    from caseflow.reminders.mail import queue_due

    context = obj(ctx)
    clock: Clock = context.clock
    if now is not None:
        try:
            moment = datetime.fromisoformat(now)
        except ValueError:
            raise InputError(f"--now: ogiltig tidpunkt {now!r}, skriv ÅÅÅÅ-MM-DDTTT:MM") from None
        clock = FakeClock(moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM))
    queued = queue_due(db=context.db, settings=context.settings, workflows=context.workflows,
                       clock=clock)  # fmt: skip
    lonely = f" ({queued.without_recipient} utan mottagare)" if queued.without_recipient else ""
    out(f"köade {queued.reminders} påminnelser som {queued.messages} e-brev{lonely}")
    mailer = build_mailer(context.settings)
    sent = send_due(db=context.db, mailer=mailer, mail_from=context.settings.mail_from, clock=clock)
    out(str(sent))
