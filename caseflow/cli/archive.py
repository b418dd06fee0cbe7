"""CLI: `archive export|check` — closed cases as E-ARK SIPs for the e-archive (FGS 2.0)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from caseflow.cli.app import app, obj, out

archive_app = typer.Typer(
    help="E-arkiv: avslutade ärenden som arkivpaket (FGS 2.0 / E-ARK).", no_args_is_help=True
)
app.add_typer(archive_app, name="archive")


@archive_app.command("export")
def archive_export(
    ctx: typer.Context,
    dnrs: Annotated[list[str], typer.Argument(help="Avslutade ärendens diarienummer.")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Mapp där paketen skrivs.")],
    batch: Annotated[
        bool, typer.Option("--batch", help="Ett arkivpaket med alla ärendena (en leverans).")
    ] = False,
) -> None:
    """Skriv varje ärende som ett arkivpaket (en mapp per ärende) i mappen -o, eller med
    --batch alla ärendena i ett paket."""
    from caseflow.archive.model import Producer
    from caseflow.archive.service import export_cases
    from caseflow.cli.retention import load_retention_plan
    from caseflow.errors import CaseflowError
    from caseflow.records.config import load_document_types
    from caseflow.records.context import build_files

    context = obj(ctx)
    if out_dir.exists() and not out_dir.is_dir():
        raise CaseflowError(f"{out_dir}: är en fil, inte en mapp")
    if not out_dir.parent.is_dir():
        raise CaseflowError(f"{out_dir}: mappen {out_dir.parent} finns inte")
    settings = context.settings
    store = build_files(settings)
    written = export_cases(
        db=context.db, dnrs=dnrs, out_dir=out_dir, workflows=context.workflows,
        types=load_document_types(settings.records_dir / "document_types.yaml"),
        plan=load_retention_plan(context), read_bytes=store.get,
        producer=Producer(organisation=settings.archive_creator,
                          identification_code=settings.archive_creator_id),
        now=context.clock.now(), batch=batch,
    )  # fmt: skip
    for path in written:
        out(str(path))
    if batch:
        out(f"1 arkivpaket skrivet med {len(dnrs)} ärenden")
    else:
        out(f"{len(written)} arkivpaket skrivna")


@archive_app.command("check")
def archive_check(
    package: Annotated[Path, typer.Argument(help="Ett arkivpakets mapp.")],
) -> None:
    """Läs ett arkivpaket och kontrollera varje fil mot dess kontrollsumma."""
    from caseflow.archive.reader import read_cases

    for case in read_cases(package):
        out(f"{case.diarienummer}: {len(case.documents)} handlingar, alla filer stämmer")
