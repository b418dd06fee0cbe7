"""CLI: `retention plan|run|hold|release|log` — the information management plan's disposal
dates, disposal runs after a recorded decision, and holds."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from caseflow.cli.app import AppContext, app, obj, out
from caseflow.cli.options import ActorOpt

if TYPE_CHECKING:
    from caseflow.retention.plan import RetentionPlan
    from caseflow.retention.service import PlannedDocument

retention_app = typer.Typer(
    help="Gallring enligt informationshanteringsplanen.", no_args_is_help=True
)
app.add_typer(retention_app, name="retention")


def load_retention_plan(context: AppContext) -> RetentionPlan:
    """`records/retention.yaml` checked against the document types and the workflows."""
    from caseflow.records.config import load_document_types
    from caseflow.retention.plan import load_plan

    records_dir = context.settings.records_dir
    types = load_document_types(records_dir / "document_types.yaml")
    return load_plan(records_dir / "retention.yaml", known_doc_types=types.codes,
                     known_case_types=context.workflows.names())  # fmt: skip


def _line(item: PlannedDocument) -> str:
    if item.disposed_at is not None:
        when = f"gallrad {item.disposed_at.date().isoformat()}"
    elif item.disposal_date is not None:
        when = f"gallras {item.disposal_date.isoformat()}"
    elif item.rule.disposable:
        when = f"gallras {item.rule.years} år efter avslut (ärendet är öppet)"
    else:
        when = "bevaras"
    held = "  [spärrad]" if item.held else ""
    return f"{item.number:<20} {item.subject[:40]:<40} {when}  ({item.rule.id}){held}"


@retention_app.command("plan")
def retention_plan(
    ctx: typer.Context,
    dnr: Annotated[str | None, typer.Argument(help="Bara det här ärendet.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv JSON.")] = False,
) -> None:
    """Visa varje handlings regel och gallringsdatum."""
    from caseflow.retention.service import plan_documents

    context = obj(ctx)
    plan = load_retention_plan(context)
    items = plan_documents(db=context.db, plan=plan, workflows=context.workflows, dnr=dnr)
    if as_json:
        out(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=2))
        return
    for item in items:
        out(_line(item))
    out(f"{len(items)} handlingar")


@retention_app.command("run")
def retention_run(
    ctx: typer.Context,
    actor: ActorOpt = "",
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Gallra nu (utan: visa bara vad som skulle gallras).")
    ] = False,
    decision: Annotated[
        str, typer.Option("--decision", help="Beslutet om gallring, t.ex. dess diarienummer.")
    ] = "",
) -> None:
    """Lista handlingar som ska gallras; med --confirm (och --decision, --actor) gallras de."""
    from caseflow.domain.workdays import local_date
    from caseflow.records.config import load_document_types
    from caseflow.records.context import build_files
    from caseflow.retention.service import due_documents, run_disposal

    context = obj(ctx)
    plan = load_retention_plan(context)
    due, held = due_documents(db=context.db, plan=plan, workflows=context.workflows,
                              today=local_date(context.clock.now()))  # fmt: skip
    for item in held:
        out(f"spärrad, gallras inte: {_line(item)}")
    if not confirm:
        for item in due:
            out(_line(item))
        out(
            f"{len(due)} handlingar ska gallras; kör med --confirm --decision BESLUT för att gallra"
        )
        return
    store = build_files(context.settings)
    types = load_document_types(context.settings.records_dir / "document_types.yaml")
    written = run_disposal(
        db=context.db, plan=plan, workflows=context.workflows, types=types,
        remove_bytes=store.delete,
        actor=actor, decision=decision, clock=context.clock,
    )  # fmt: skip
    for row in written:
        out(f"gallrad: {row.number}  {row.subject}  ({row.rule})")
    out(f"{len(written)} handlingar gallrade; loggade med beslut {decision!r} av {actor}")


@retention_app.command("hold")
def retention_hold(
    ctx: typer.Context,
    dnr: Annotated[str, typer.Argument(help="Ärendets diarienummer.")],
    reason: Annotated[str, typer.Option("--reason", help="Skälet till spärren.")],
    actor: ActorOpt = "",
    handling: Annotated[
        int | None, typer.Option("--handling", min=1, help="Bara handling nr N i ärendet.")
    ] = None,
) -> None:
    """Spärra ett ärende (eller en handling) mot gallring."""
    from caseflow.retention.service import place_hold

    context = obj(ctx)
    hold = place_hold(db=context.db, dnr=dnr, reason=reason, actor=actor, clock=context.clock,
                      handling=handling)  # fmt: skip
    out(f"spärr nr {hold.id} lagd")


@retention_app.command("release")
def retention_release(
    ctx: typer.Context,
    hold_id: Annotated[int, typer.Argument(help="Spärrens nummer.")],
    reason: Annotated[str, typer.Option("--reason", help="Varför spärren hävs.")],
    actor: ActorOpt = "",
) -> None:
    """Häv en spärr."""
    from caseflow.retention.service import lift_hold

    context = obj(ctx)
    lift_hold(db=context.db, hold_id=hold_id, reason=reason, actor=actor, clock=context.clock)
    out(f"spärr nr {hold_id} hävd")


@retention_app.command("log")
def retention_log(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Skriv JSON.")] = False
) -> None:
    """Gallringsloggen: vad som gallrats, när, enligt vilken regel och vems beslut."""
    from caseflow.retention.service import disposal_log

    rows = disposal_log(db=obj(ctx).db)
    if as_json:
        out(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        out(f"{r.disposed_at.date().isoformat()}  {r.number:<20} {r.rule}  beslut {r.decision} "
            f"av {r.decided_by}  ({len(r.files)} filer)")  # fmt: skip
    out(f"{len(rows)} gallrade handlingar")
