"""CLI: `results export`, the filled form as Word, PDF (Word converted by LibreOffice) or Excel."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from caseflow.cli.app import check_output, obj, out, write_output
from caseflow.cli.results import RegionOpt, YearArg, results_app
from caseflow.errors import CaseflowError, InputError
from caseflow.results.defaults import DEFAULT_REGION

FORMATS = ("docx", "pdf", "xlsx")


def docx_to_pdf(data: bytes) -> bytes:
    """Convert a Word document with LibreOffice (`soffice --headless`), as the memos are.

    Raises:
        CaseflowError: LibreOffice is missing or the conversion fails.
    """
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        raise CaseflowError("PDF kräver LibreOffice (soffice), som inte finns på den här datorn")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "resultatredovisning.docx"
        source.write_bytes(data)
        try:
            subprocess.run(
                [program, f"-env:UserInstallation=file://{Path(tmp) / 'profil'}", "--headless",
                 "--convert-to", "pdf", "--outdir", tmp, str(source)],
                check=True, capture_output=True, timeout=180,
            )  # fmt: skip
            return source.with_suffix(".pdf").read_bytes()
        except (subprocess.SubprocessError, OSError) as err:
            raise CaseflowError(f"LibreOffice kunde inte göra PDF: {err}") from None


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
            data = docx_to_pdf(data)
    write_output(output, data)
    out(f"skrev {output} ({len(data)} byte)")
