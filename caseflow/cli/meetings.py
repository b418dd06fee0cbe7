"""CLI: `meetings …` (the board's calendar) and `case schedule`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from caseflow.cli.app import app, obj, out
from caseflow.cli.options import ActorOpt, case_app
from caseflow.meetings.service import (
    add_meetings,
    agenda,
    check_meeting,
    list_meetings,
    read_plan,
    schedule_case,
    unschedule_case,
)
from caseflow.memo.store import unreported

meetings_app = typer.Typer(help="Nämndens sammanträden och dagordningar.", no_args_is_help=True)
app.add_typer(meetings_app, name="meetings")

BodyOpt = Annotated[str, typer.Option("--body", help="Nämnd (t.ex. RUN).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Skriv JSON.")]


@meetings_app.command("add")
def meetings_add(
    ctx: typer.Context,
    day: str,
    body: BodyOpt = "RUN",
    time: Annotated[str | None, typer.Option("--time", help="Klockslag TT:MM.")] = None,
) -> None:
    """Lägg till ett sammanträde."""
    context = obj(ctx)
    meeting = check_meeting(body, day, time, where="sammanträde")
    add_meetings(db=context.db, meetings=[meeting], clock=context.clock)
    out(f"lade till {meeting[0]} {meeting[1]}" + (f" kl. {meeting[2]}" if meeting[2] else ""))


@meetings_app.command("import")
def meetings_import(ctx: typer.Context, file: Path, body: BodyOpt = "RUN") -> None:
    """Importera ett års sammanträdesplan (YAML eller CSV), allt eller inget."""
    context = obj(ctx)
    plan = read_plan(file, body=body)
    count = add_meetings(db=context.db, meetings=plan, clock=context.clock)
    out(f"lade till {count} sammanträden")


@meetings_app.command("list")
def meetings_list(
    ctx: typer.Context,
    body: Annotated[str | None, typer.Option("--body", help="Bara denna nämnd.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Lista sammanträden."""
    rows = list_meetings(db=obj(ctx).db, body=body.upper() if body else None)
    if as_json:
        data = [
            {"body": m.body, "date": m.day.isoformat(), "time": m.time, "cases": m.cases}
            for m in rows
        ]
        out(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for m in rows:
        out(f"{m.body}\t{m.day}\t{m.time or ''}\t{m.cases} ärenden")


@meetings_app.command("agenda")
def meetings_agenda(ctx: typer.Context, day: str, body: BodyOpt = "RUN") -> None:
    """Ärendena på ett sammanträdes dagordning och delegationsbeslut att anmäla."""
    context = obj(ctx)
    name, parsed, _ = check_meeting(body, day, None, where="sammanträde")
    cases = agenda(db=context.db, body=name, day=parsed)
    out(f"Dagordning {name} {parsed}")
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


@case_app.command("schedule")
def case_schedule(
    ctx: typer.Context,
    dnr: str,
    meeting: Annotated[str, typer.Option("--meeting", help="Sammanträdets datum.")],
    body: BodyOpt = "RUN",
    actor: ActorOpt = "cli",
) -> None:
    """Sätt ärendet på ett sammanträdes dagordning."""
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
    context = obj(ctx)
    name, day, _ = check_meeting(body, meeting, None, where="--meeting")
    removed = unschedule_case(db=context.db, dnr=dnr, body=name, day=day, clock=context.clock,
                              rules_for=context.workflows.deadline_rules())  # fmt: skip
    out(f"{dnr} {'togs bort från' if removed else 'stod inte på'} dagordningen {name} {day}")
