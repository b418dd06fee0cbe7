"""CLI: `register` — the diarium for a period, for the registrator or public (masked)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from caseflow.cli.app import app, obj, out, write_output
from caseflow.cli.options import parse_date_option
from caseflow.errors import InputError

FORMATS = ("text", "csv", "json")


@app.command("register")
def register(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="Första dag (ÅÅÅÅ-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Sista dag (ÅÅÅÅ-MM-DD).")],
    public: Annotated[
        bool, typer.Option("--public", help="Som allmänheten ser det: sekretess maskerad.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="text, csv eller json.")] = "text",
    board: Annotated[
        str | None, typer.Option("--board", help="Nämnd: diarienumrets prefix, t.ex. RUN.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Skriv till fil i stället.")
    ] = None,
) -> None:
    """Diariet: handlingar registrerade under perioden, per ärende."""
    from caseflow.records.register import register_rows, to_csv, to_json

    if fmt not in FORMATS:
        raise InputError(f"--format: okänt format {fmt!r}; välj text, csv eller json")
    first = date.fromisoformat(parse_date_option("--from", start) or start)
    last = date.fromisoformat(parse_date_option("--to", end) or end)
    context = obj(ctx)
    rows = register_rows(db=context.db, types=context.records.types, start=first, end=last,
                         board=board, public=public)  # fmt: skip
    if fmt == "csv":
        text = to_csv(rows)
    elif fmt == "json":
        text = to_json(rows, start=first, end=last, board=board, public=public)
    else:
        lines = [f"{r.registered_on}\t{r.number}\t{r.case_title}\t{r.doc_type_label}\t"
                 f"{r.subject}\t{r.counterpart or '–'}" + (f"\t{r.osl}" if r.osl else "")
                 for r in rows]  # fmt: skip
        text = "\n".join(lines) if lines else f"inga handlingar registrerade {first}–{last}"
    if output is not None:
        write_output(output, text)
        out(f"skrev {output} ({len(rows)} handlingar)")
        return
    out(text.rstrip("\n"))
