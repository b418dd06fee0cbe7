"""CLI: `reminders list|done|skip|plan|run-once`: deadlines as things to do, and sending."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from caseflow.cli.app import app, obj, out
from caseflow.cli.options import ActorOpt, NowOpt, clock_at, parse_date_option
from caseflow.domain.textformat import count_of

reminders_app = typer.Typer(help="Påminnelser om frister.", no_args_is_help=True)
app.add_typer(reminders_app, name="reminders")


@reminders_app.command("list")
def reminders_list(
    ctx: typer.Context,
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="Bara de som påminns senast detta datum.")
    ] = None,
    include_done: Annotated[
        bool, typer.Option("--all", help="Även klara och ej aktuella frister.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv JSON.")] = False,
) -> None:
    """Frister för öppna ärenden efter datum, med läge (kommande, att göra, försenad …)."""
    from caseflow.domain.workdays import local_date
    from caseflow.reminders.deadlines import list_deadlines

    given = parse_date_option("--due-before", due_before)
    context = obj(ctx)
    today = local_date(context.clock.now())
    with context.db.reading() as conn:
        rows = list_deadlines(conn, today=today, include_done=include_done,
                              due_before=date.fromisoformat(given) if given else None)  # fmt: skip
    if as_json:
        out(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        late = " (sen påminnelse)" if r.late else ""
        out(f"{r.due_on}\t{r.diarienummer}\t{r.label}\t{r.state_label}{late}\t"
            f"påminnelse {r.remind_on}\t{r.handlaggare or '–'}")  # fmt: skip
    if not rows:
        out("inga frister")


RuleArg = Annotated[str, typer.Argument(help="Fristens regel (t.ex. final_report) eller namn.")]


@reminders_app.command("done")
def reminders_done(
    ctx: typer.Context,
    dnr: str,
    rule: RuleArg,
    on: Annotated[
        str | None, typer.Option("--on", help="Dagen fristen blev klar (ÅÅÅÅ-MM-DD, i dag).")
    ] = None,
    actor: ActorOpt = "cli",
) -> None:
    """Markera ärendets tidigaste öppna frist av en regel som klar (syns i historiken)."""
    from caseflow.reminders.deadlines import mark_deadline

    given = parse_date_option("--on", on)
    context = obj(ctx)
    marked = mark_deadline(db=context.db, dnr=dnr, rule=rule, mark="done", actor=actor,
                           clock=context.clock,
                           on=date.fromisoformat(given) if given else None)  # fmt: skip
    out(f"{marked.diarienummer}: {marked.label} ({marked.due_on}) är klar")


@reminders_app.command("skip")
def reminders_skip(
    ctx: typer.Context,
    dnr: str,
    rule: RuleArg,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Varför fristen inte är aktuell (krävs).")
    ] = None,
    actor: ActorOpt = "cli",
) -> None:
    """Markera ärendets tidigaste öppna frist av en regel som ej aktuell, med ett skäl."""
    from caseflow.reminders.deadlines import mark_deadline

    context = obj(ctx)
    marked = mark_deadline(db=context.db, dnr=dnr, rule=rule, mark="not_applicable",
                           actor=actor, clock=context.clock, reason=reason)  # fmt: skip
    out(f"{marked.diarienummer}: {marked.label} ({marked.due_on}) är inte aktuell")


@reminders_app.command("entered")
def reminders_entered(
    ctx: typer.Context,
    dnr: str,
    on: Annotated[str, typer.Option("--on", help="Dagen ärendet gick in i sitt steg.")],
    actor: ActorOpt = "cli",
) -> None:
    """Ange dagen ärendet i verkligheten gick in i sitt steg (fristerna räknas därifrån)."""
    from caseflow.reminders.deadlines import record_entered

    given = parse_date_option("--on", on)
    assert given is not None
    context = obj(ctx)
    stage = record_entered(
        db=context.db,
        dnr=dnr,
        on=date.fromisoformat(given),
        actor=actor,
        clock=context.clock,
        rules_for=context.workflows.deadline_rules(),
    )
    label = context.workflows.stage_labels().get(stage, stage)
    out(f"{dnr}: gick in i {label} {given}; fristerna är omplanerade")


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
def reminders_run_once(ctx: typer.Context, now: NowOpt = None) -> None:
    """En körning för cron: köa påminnelser som ska skickas och skicka utkorgen."""
    from caseflow.cli.mailer import build_mailer
    from caseflow.mail.delivery import send_due
    from caseflow.reminders.mail import queue_due

    context = obj(ctx)
    clock = clock_at(context.clock, now)
    queued = queue_due(db=context.db, settings=context.settings, workflows=context.workflows,
                       clock=clock)  # fmt: skip
    lonely = f" ({queued.without_recipient} utan mottagare)" if queued.without_recipient else ""
    out(
        f"köade {count_of(queued.reminders, 'påminnelse', 'påminnelser')} som "
        f"{queued.messages} e-brev{lonely}"
    )
    mailer = build_mailer(context.settings)
    sent = send_due(db=context.db, mailer=mailer, mail_from=context.settings.mail_from, clock=clock)
    out(str(sent))
