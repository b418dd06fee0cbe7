"""CLI: `case note DNR TEXT` — a note on a case (who, when; in the history; found by search)."""

from __future__ import annotations

from typing import Annotated

import typer

from caseflow.cli.app import obj, out
from caseflow.cli.options import ActorOpt, case_app


@case_app.command("note")
def case_note(
    ctx: typer.Context,
    dnr: str,
    text: Annotated[str, typer.Argument(help="Anteckningen (högst 4 000 tecken).")],
    actor: ActorOpt = "cli",
) -> None:
    """Skriv en anteckning i ärendet (sparas i historiken med vem och när; sökbar)."""
    from caseflow.cases.notes import add_note

    context = obj(ctx)
    note = add_note(db=context.db, dnr=dnr, text=text, actor=actor, clock=context.clock)
    out(f"{note.diarienummer}: anteckningen är sparad")
