"""CLI: `meetings …` (the board's calendar) and `case schedule`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from caseflow.cli.app import app, check_output, obj, out, write_output
from caseflow.cli.options import ActorOpt, JsonOpt, PublicOpt, case_app
from caseflow.domain.textformat import count_of
from caseflow.errors import InputError

meetings_app = typer.Typer(help="Nämndens sammanträden och dagordningar.", no_args_is_help=True)
app.add_typer(meetings_app, name="meetings")

BodyOpt = Annotated[str, typer.Option("--body", help="Nämnd (t.ex. RUN).")]


@meetings_app.command("add")
def meetings_add(
    ctx: typer.Context,
    day: str,
    body: BodyOpt = "RUN",
    time: Annotated[str | None, typer.Option("--time", help="Klockslag TT:MM.")] = None,
) -> None:
    """Lägg till ett sammanträde."""
    from caseflow.meetings.changes import plan_warnings
    from caseflow.meetings.service import add_meetings, check_meeting

    context = obj(ctx)
    meeting = check_meeting(body, day, time, where="sammanträde")
    add_meetings(db=context.db, meetings=[meeting], clock=context.clock)
    out(f"lade till {meeting[0]} {meeting[1]}" + (f" kl. {meeting[2]}" if meeting[2] else ""))
    warn(plan_warnings([meeting], clock=context.clock))


def warn(warnings: list[str] | tuple[str, ...]) -> None:
    """One `varning:` line on stderr per warning (the command still succeeded)."""
    for text in warnings:
        typer.echo(f"varning: {text}", err=True)


@meetings_app.command("import")
def meetings_import(ctx: typer.Context, file: Path, body: BodyOpt = "RUN") -> None:
    """Importera ett års sammanträdesplan (YAML eller CSV), allt eller inget."""
    from caseflow.meetings.changes import plan_warnings
    from caseflow.meetings.service import add_meetings, read_plan

    context = obj(ctx)
    plan = read_plan(file, body=body)
    count = add_meetings(db=context.db, meetings=plan, clock=context.clock)
    out(f"lade till {count} sammanträden")
    warn(plan_warnings(plan, clock=context.clock))


@meetings_app.command("list")
def meetings_list(
    ctx: typer.Context,
    body: Annotated[str | None, typer.Option("--body", help="Bara denna nämnd.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Lista sammanträden."""
    from caseflow.meetings.service import list_meetings

    rows = list_meetings(db=obj(ctx).db, body=body.upper() if body else None)
    if as_json:
        data = [
            {
                "body": m.body,
                "date": m.day.isoformat(),
                "time": m.time,
                "cases": m.cases,
                "cancelled": m.cancelled,
                "cancel_reason": m.cancel_reason,
                "minutes_posted_on": (
                    m.minutes_posted_on.isoformat() if m.minutes_posted_on else None
                ),
            }
            for m in rows
        ]
        out(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for m in rows:
        cancelled = "\tinställt" if m.cancelled else ""
        cases = count_of(m.cases, "ärende", "ärenden")
        out(f"{m.body}\t{m.day}\t{m.time or ''}\t{cases}{cancelled}")


@meetings_app.command("agenda")
def meetings_agenda(ctx: typer.Context, day: str, body: BodyOpt = "RUN") -> None:
    """Ärendena på ett sammanträdes dagordning och delegationsbeslut att anmäla."""
    from caseflow.meetings.service import agenda, check_meeting, list_meetings
    from caseflow.memo.store import unreported

    context = obj(ctx)
    name, parsed, _ = check_meeting(body, day, None, where="sammanträde")
    cases = agenda(db=context.db, body=name, day=parsed)
    info = next(m for m in list_meetings(db=context.db, body=name) if m.day == parsed)
    out(f"Dagordning {name} {parsed}" + (" (inställt)" if info.cancelled else ""))
    for case in cases:
        out(f"  {case.diarienummer}\t{case.title}")
    if not cases:
        out("  (inga ärenden)")
    decisions = unreported(db=context.db, up_to=parsed)
    out("Anmälan av delegationsbeslut")
    for d in decisions:
        out(f"  {d.decided_on}\t{d.diarienummer}\t{d.title}\tpunkt {d.delegation_point}")
    if not decisions:
        out("  (inga)")


TimeOpt = Annotated[str | None, typer.Option("--time", help="Ny tid TT:MM (tom: ingen tid).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Flytta till detta datum.")]


@meetings_app.command("edit")
def meetings_edit(
    ctx: typer.Context, day: str, body: BodyOpt = "RUN", to: ToOpt = None, time: TimeOpt = None,
    actor: ActorOpt = "cli",
) -> None:  # fmt: skip
    """Flytta ett sammanträde eller ändra dess tid; ärendenas påminnelser planeras om."""
    from caseflow.meetings.changes import edit_meeting
    from caseflow.meetings.service import check_meeting

    context = obj(ctx)
    name, parsed, _ = check_meeting(body, day, None, where="sammanträde")
    new_day = check_meeting(name, to, None, where="--to")[1] if to is not None else None
    clear = time is not None and not time.strip()
    new_time = check_meeting(name, parsed, time, where="--time")[2] if time and not clear else None
    change = edit_meeting(db=context.db, body=name, day=parsed, to=new_day, time=new_time,
                          clear_time=clear, actor=actor, clock=context.clock,
                          rules_for=context.workflows.deadline_rules(),
                          settings=context.settings)  # fmt: skip
    reminders = count_of(change.reminders_changed, "påminnelse", "påminnelser")
    out(f"{name} {parsed} är nu {change.day}" + (f" kl. {change.time}" if change.time else "")
        + f"; {count_of(len(change.cases), 'ärende', 'ärenden')} på dagordningen, "
        f"{reminders} planerades om")  # fmt: skip
    for dnr, title in change.cases:
        out(f"  {dnr}\t{title}")
    _told(change.notified)
    warn(change.warnings)


def _told(notified: int) -> None:
    from caseflow.meetings.notices import told

    if notified:
        out(told(notified).strip().rstrip("."))


@meetings_app.command("cancel")
def meetings_cancel(
    ctx: typer.Context, day: str, body: BodyOpt = "RUN",
    reason: Annotated[str | None, typer.Option("--reason", help="Varför det ställs in.")] = None,
    actor: ActorOpt = "cli",
) -> None:  # fmt: skip
    """Ställ in ett sammanträde (det sparas som inställt); ärendena på det listas."""
    from caseflow.meetings.changes import cancel_meeting
    from caseflow.meetings.service import check_meeting

    context = obj(ctx)
    name, parsed, _ = check_meeting(body, day, None, where="sammanträde")
    change = cancel_meeting(db=context.db, body=name, day=parsed, reason=reason, actor=actor,
                            clock=context.clock, rules_for=context.workflows.deadline_rules(),
                            settings=context.settings)  # fmt: skip
    out(f"{name} {parsed} är inställt; {count_of(len(change.cases), 'ärende', 'ärenden')} stod på "
        f"dagordningen och {count_of(change.reminders_changed, 'påminnelse', 'påminnelser')} "
        "ställdes in")  # fmt: skip
    for dnr, title in change.cases:
        out(f"  {dnr}\t{title}")
    _told(change.notified)


@meetings_app.command("reopen")
def meetings_reopen(
    ctx: typer.Context, day: str, body: BodyOpt = "RUN", actor: ActorOpt = "cli"
) -> None:
    """Återuppta ett inställt sammanträde; ärendenas påminnelser planeras igen."""
    from caseflow.meetings.changes import reopen_meeting
    from caseflow.meetings.service import check_meeting

    context = obj(ctx)
    name, parsed, _ = check_meeting(body, day, None, where="sammanträde")
    change = reopen_meeting(db=context.db, body=name, day=parsed, actor=actor,
                            clock=context.clock, rules_for=context.workflows.deadline_rules(),
                            settings=context.settings)  # fmt: skip
    reminders = count_of(change.reminders_changed, "påminnelse", "påminnelser")
    out(f"{name} {parsed} blir av igen; {count_of(len(change.cases), 'ärende', 'ärenden')} på "
        f"dagordningen, {reminders} planerades")  # fmt: skip
    for dnr, title in change.cases:
        out(f"  {dnr}\t{title}")
    _told(change.notified)
    warn(change.warnings)


@meetings_app.command("order")
def meetings_order(ctx: typer.Context, day: str, dnrs: list[str], body: BodyOpt = "RUN") -> None:
    """Ändra dagordningens ordning: de angivna ärendena först, i den ordningen."""
    from caseflow.meetings.changes import order_agenda
    from caseflow.meetings.service import check_meeting

    context = obj(ctx)
    name, parsed, _ = check_meeting(body, day, None, where="sammanträde")
    order = order_agenda(db=context.db, body=name, day=parsed, dnrs=dnrs)
    out(f"Dagordning {name} {parsed}")
    for number, dnr in enumerate(order, start=1):
        out(f"  {number}. {dnr}")


@meetings_app.command("export")
def meetings_export(
    ctx: typer.Context,
    day: str,
    kind: Annotated[str, typer.Option("--kind", help="kallelse eller protokollsutdrag.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Wordfil att skriva.")],
    body: BodyOpt = "RUN",
    first: Annotated[int, typer.Option("--first-paragraph", help="Första §-numret.")] = 1,
    public: PublicOpt = False,
) -> None:
    """Skriv sammanträdets kallelse med föredragningslista eller protokollsutdrag (Word)."""
    from caseflow.meetings.export import KINDS, export_meeting
    from caseflow.meetings.service import check_meeting

    check_output(output)
    context = obj(ctx)
    if kind not in KINDS:
        raise InputError(f"okänd handling {kind!r}; välj kallelse eller protokollsutdrag")
    name, parsed, _ = check_meeting(body, day, None, where="sammanträde")
    exported = export_meeting(db=context.db, memos_dir=context.settings.memos_dir, body=name,
                              day=parsed, kind=kind, clock=context.clock, first_paragraph=first,
                              secrecy=context.records.secrecy if public else None)  # fmt: skip
    write_output(output, exported.data)
    out(f"skrev {output}")


@case_app.command("schedule")
def case_schedule(
    ctx: typer.Context,
    dnr: str,
    meeting: Annotated[str, typer.Option("--meeting", help="Sammanträdets datum.")],
    body: BodyOpt = "RUN",
    actor: ActorOpt = "cli",
) -> None:
    """Sätt ärendet på ett sammanträdes dagordning."""
    from caseflow.meetings.service import check_meeting, schedule_case

    context = obj(ctx)
    name, day, _ = check_meeting(body, meeting, None, where="--meeting")
    rules = context.workflows.deadline_rules()
    added = schedule_case(db=context.db, dnr=dnr, body=name, day=day, actor=actor,
                          clock=context.clock, rules_for=rules)  # fmt: skip
    out(f"{dnr} {'står nu' if added.changed else 'stod redan'} på dagordningen {name} {day}")
    for warning in added.warnings():
        typer.echo(f"varning: {warning}", err=True)


@case_app.command("unschedule")
def case_unschedule(
    ctx: typer.Context,
    dnr: str,
    meeting: Annotated[str, typer.Option("--meeting", help="Sammanträdets datum.")],
    body: BodyOpt = "RUN",
) -> None:
    """Ta bort ärendet från ett sammanträdes dagordning (dess påminnelser ställs in)."""
    from caseflow.meetings.service import check_meeting, unschedule_case

    context = obj(ctx)
    name, day, _ = check_meeting(body, meeting, None, where="--meeting")
    removed = unschedule_case(db=context.db, dnr=dnr, body=name, day=day, clock=context.clock,
                              rules_for=context.workflows.deadline_rules())  # fmt: skip
    out(f"{dnr} {'togs bort från' if removed else 'stod inte på'} dagordningen {name} {day}")
