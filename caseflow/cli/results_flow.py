"""CLI: `results fire|moves`, the results report's lifecycle (workflows/results_report.yaml)."""

from __future__ import annotations

from typing import Annotated

import typer

from caseflow.cli.app import obj, out
from caseflow.cli.results import RegionOpt, YearArg, results_app
from caseflow.results.defaults import DEFAULT_REGION

SUBJECT = "results_report"
VersionOpt = Annotated[
    int | None,
    typer.Option("--expect-version", help="Avbryt om redovisningens version inte är denna."),
]


@results_app.command("fire")
def results_fire(
    ctx: typer.Context,
    year: YearArg,
    trigger: Annotated[str, typer.Argument(help="Händelsen, t.ex. send_to_review eller adopt.")],
    actor: Annotated[str, typer.Option("--actor", envvar="CASEFLOW_ACTOR", help="Din e-post.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Motivering.")] = None,
    expect_version: VersionOpt = None,
    region: RegionOpt = DEFAULT_REGION,
) -> None:
    """Flytta redovisningen ett steg: granskning, fastställelse, inskickad."""
    from caseflow.results.lifecycle import fire_report

    context = obj(ctx)
    workflow = context.workflows.for_subject(SUBJECT)
    move = fire_report(
        db=context.db, workflow=workflow, year=year, trigger=trigger, actor=actor,
        reason=reason, expected_version=expect_version, region=region, clock=context.clock,
    )  # fmt: skip
    before, after = (workflow.state(s) for s in (move.from_stage, move.to_stage))
    out(f"resultatredovisningen {year}: {before.label if before else move.from_stage} → "
        f"{after.label if after else move.to_stage} (version {move.row_version})")  # fmt: skip


@results_app.command("moves")
def results_moves(
    ctx: typer.Context,
    year: YearArg,
    actor: Annotated[
        str | None, typer.Option("--actor", envvar="CASEFLOW_ACTOR", help="Visa för denna person.")
    ] = None,
    region: RegionOpt = DEFAULT_REGION,
) -> None:
    """Visa redovisningens steg, möjliga händelser (med hinder) och historik."""
    from caseflow.domain.workdays import local_date
    from caseflow.results.lifecycle import report_deadlines_of, report_history, report_moves
    from caseflow.results.service import get_report
    from caseflow.workflow.deadlines import STATE_LABELS, deadline_state

    context = obj(ctx)
    workflow = context.workflows.for_subject(SUBJECT)
    report = get_report(db=context.db, year=year, region=region)
    state = workflow.state(report.status)
    out(f"Resultatredovisning {year} – {region}: {state.label if state else report.status} "
        f"(version {report.row_version})")  # fmt: skip
    moves = report_moves(db=context.db, workflow=workflow, year=year, actor=actor, region=region)
    out("Möjliga händelser:" if moves else "Möjliga händelser: inga (redovisningen är inskickad)")
    for move in moves:
        status = "möjlig" if move.is_allowed else "hindras: " + "; ".join(move.problems)
        out(f"  {move.trigger} – {move.label}: {status}")
    today = local_date(context.clock.now())
    deadlines = report_deadlines_of(db=context.db, workflow=workflow, year=year, today=today,
                                    region=region)  # fmt: skip
    out("Frister:" if deadlines else "Frister: inga kvar")
    for deadline in deadlines:
        when = deadline_state(due_on=deadline.on, remind_on=deadline.remind_on, mark=None,
                              today=today)  # fmt: skip
        out(f"  {deadline.on.isoformat()} {deadline.label} ({STATE_LABELS[when]})")
    history = report_history(db=context.db, year=year, region=region)
    out("Historik:" if history else "Historik: inga flyttar ännu")
    for item in history:
        labels = [workflow.state(s) for s in (item.from_stage, item.to_stage)]
        stages = (item.from_stage, item.to_stage)
        names = [lab.label if lab else s for lab, s in zip(labels, stages, strict=True)]
        why = f" – {item.reason}" if item.reason else ""
        out(f"  {item.at:%Y-%m-%d %H.%M} {item.actor}: {names[0]} → {names[1]}{why}")
