"""CLI: `results export`, the filled form as Word, PDF (the Word file converted by LibreOffice in
`memo/pdf`) or Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from caseflow.cli.app import check_output, obj, out, write_output
from caseflow.cli.results import RegionOpt, YearArg, results_app
from caseflow.errors import InputError
from caseflow.results.defaults import DEFAULT_REGION

FORMATS = ("docx", "pdf", "xlsx")


@results_app.command("export")
def results_export(
    ctx: typer.Context,
    year: YearArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Filen som skrivs.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="docx, pdf eller xlsx (annars filändelsen).")
    ] = None,
    region: RegionOpt = DEFAULT_REGION,
) -> None:
    """Skriv den ifyllda blanketten som Word, PDF eller Excel (med antal tecken per avsnitt)."""
    from caseflow.memo.pdf import docx_to_pdf
    from caseflow.results.export import render_docx, render_xlsx
    from caseflow.results.service import filled_report

    check_output(output)
    chosen = fmt or output.suffix.lstrip(".").lower()
    if chosen not in FORMATS:
        raise InputError(f"okänt format {chosen!r}; välj ett av {', '.join(FORMATS)}")
    context = obj(ctx)
    report = filled_report(db=context.db, workflow=context.workflows.for_subject("results_report"),
                           year=year, region=region)  # fmt: skip
    if chosen == "xlsx":
        data = render_xlsx(report)
    else:
        data = render_docx(report)
        if chosen == "pdf":
            data = docx_to_pdf(data, name=f"resultatredovisning-{year}")
    write_output(output, data)
    out(f"skrev {output} ({len(data)} byte)")
