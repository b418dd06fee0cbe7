"""CLI: `decisions annul|report|posted|list` — a decision's life after `memo finalize`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from caseflow.cli.app import obj, out
from caseflow.cli.options import ActorOpt, JsonOpt, decisions_app


@decisions_app.command("annul")
def decisions_annul(
    ctx: typer.Context,
    dnr: str,
    reason: Annotated[str, typer.Option("--reason", help="Varför beslutet upphävs.")],
    actor: ActorOpt = "cli",
) -> None:
    """Upphäv ärendets senaste gällande beslut (beslutsfattare eller admin)."""
    from caseflow.memo.decisions import annul

    context = obj(ctx)
    decision = annul(db=context.db, dnr=dnr, reason=reason, actor=actor, clock=context.clock)
    out(f"{dnr}: beslut {decision.id} ({decision.decided_on}) är upphävt; ett nytt beslut kan "
        "registreras med `caseflow memo finalize`")  # fmt: skip


@decisions_app.command("report")
def decisions_report(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Option("--meeting", help="Sammanträdets datum.")],
    body: Annotated[str, typer.Option("--body", help="Nämnd (t.ex. RUN).")] = "RUN",
    paragraph: Annotated[
        str | None, typer.Option("--paragraph", help="Paragraf i protokollet, t.ex. 12.")
    ] = None,
    actor: ActorOpt = "cli",
) -> None:
    """Anmäl delegationsbesluten (fattade senast sammanträdesdagen) vid sammanträdet."""
    from caseflow.meetings.service import check_meeting
    from caseflow.memo.decisions import report

    context = obj(ctx)
    name, day, _ = check_meeting(body, meeting, None, where="--meeting")
    rows = report(db=context.db, body=name, day=day, paragraph=paragraph, actor=actor,
                  clock=context.clock)  # fmt: skip
    if not rows:
        out(f"inga delegationsbeslut att anmäla vid {name} {day}")
        return
    for r in rows:
        out(f"  {r.decided_on}\t{r.diarienummer}\t{r.title}\tpunkt {r.delegation_point}")
    out(f"anmälde {len(rows)} delegationsbeslut vid {name} {day}"
        + (f" ({rows[0].paragraph})" if rows[0].paragraph else ""))  # fmt: skip


@decisions_app.command("posted")
def decisions_posted(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Option("--meeting", help="Sammanträdets datum.")],
    on: Annotated[str, typer.Option("--on", help="Dagen då protokollet anslogs.")],
    body: Annotated[str, typer.Option("--body", help="Nämnd (t.ex. RUN).")] = "RUN",
    actor: ActorOpt = "cli",
) -> None:
    """Registrera dagen då sammanträdets protokoll anslogs; överklagandetiden räknas från den."""
    from caseflow.meetings.service import check_meeting
    from caseflow.memo.decisions import post_minutes

    context = obj(ctx)
    name, day, _ = check_meeting(body, meeting, None, where="--meeting")
    posted = check_meeting(name, on, None, where="--on")[1]
    rows = post_minutes(db=context.db, body=name, day=day, posted_on=posted, actor=actor,
                        clock=context.clock)  # fmt: skip
    out(f"protokollet från {name} {day} anslogs {posted}")
    for r in rows:
        out(f"  {r.diarienummer}\t{r.title}\t{r.appeal_text}")


@decisions_app.command("list")
def decisions_list(
    ctx: typer.Context,
    unreported_only: Annotated[
        bool, typer.Option("--unreported", help="Bara delegationsbeslut som inte anmälts.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Alla beslut: vem, när, anmält vid vilket sammanträde eller ej anmält, upphävda."""
    from caseflow.memo.decisions import list_decisions

    rows = list_decisions(db=obj(ctx).db, unreported_only=unreported_only)
    if as_json:
        out(json.dumps([r.as_json() | {"status": r.status} for r in rows], ensure_ascii=False,
                       indent=2))  # fmt: skip
        return
    if not rows:
        out("inga beslut")
    for r in rows:
        point = f"punkt {r.delegation_point}" if r.delegation_point else "–"
        why = f" – {r.annul_reason}" if r.annul_reason else ""
        why += f"; {r.appeal_text}" if r.appeal_text else ""
        out(f"{r.id}\t{r.decided_on}\t{r.diarienummer}\t{r.kind}\t{point}\t{r.signed_by}\t"
            f"{r.status}{why}")  # fmt: skip
