"""CLI: `worklist` — what waits for a person, per role (as the web's start page)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from caseflow.cli.app import app, obj, out
from caseflow.cli.options import JsonOpt
from caseflow.domain.textformat import count_of

if TYPE_CHECKING:
    from caseflow.cases.worklist import Worklist


@app.command("worklist")
def worklist_command(
    ctx: typer.Context,
    actor: Annotated[
        str, typer.Option("--actor", envvar="CASEFLOW_ACTOR", help="Vems arbetslista (e-post).")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Arbetslistan: mina ärenden, memon som väntar på beslut, sammanträden och anmälan."""
    from caseflow.cases.worklist import worklist
    from caseflow.domain.workdays import local_date

    context = obj(ctx)
    found = worklist(db=context.db, email=actor, today=local_date(context.clock.now()))
    if as_json:
        out(json.dumps(found.as_json(), ensure_ascii=False, indent=2))
        return
    for line in _lines(found):
        out(line)


def _lines(w: Worklist) -> list[str]:
    lines: list[str] = []
    if w.cases is not None:
        lines.append("Mina ärenden (försenade först, sedan efter nästa frist):")
        for c in w.cases:
            due = f"{c.next_label} {c.next_due}" if c.next_due else "ingen frist"
            late = f"\t{c.overdue} försenade" if c.overdue else ""
            lines.append(f"  {c.diarienummer}\t{c.title}\t{due}{late}")
        if not w.cases:
            lines.append("  inga öppna ärenden")
    if w.awaiting is not None:
        lines.append("Memon som väntar på beslut:")
        for a in w.awaiting:
            who = "du" if a.mine else (a.signatory or "ej angiven")
            lines.append(f"  {a.diarienummer}\t{a.title}\tmemo {a.memo_date}\tundertecknare: {who}")
        if not w.awaiting:
            lines.append("  inga")
    if w.meetings is not None:
        lines.append("Nästa sammanträden:")
        for m in w.meetings:
            ready = f", {m.missing} utan memo" if m.missing else ""
            lines.append(
                f"  {m.body} {m.day}: {count_of(len(m.items), 'ärende', 'ärenden')}{ready}"
            )
            for i in m.items:
                memo = f"memo {i.memo_date}" if i.memo_kind else "memo saknas"
                lines.append(f"    {i.diarienummer}\t{i.title}\t{memo}")
        if not w.meetings:
            lines.append("  inga kommande sammanträden")
        lines.append("Delegationsbeslut att anmäla:")
        for d in w.to_report or []:
            lines.append(
                f"  {d.decided_on}\t{d.diarienummer}\t{d.title}\tpunkt {d.delegation_point}"
            )
        if not w.to_report:
            lines.append("  inga")
        lines.append("Påminnelser till dig:")
        for r in w.reminders:
            lines.append(f"  {r.created_at.date()}\t{r.subject}")
        if not w.reminders:
            lines.append("  inga")
    if not lines:
        lines.append("din roll har ingen arbetslista")
    return lines
