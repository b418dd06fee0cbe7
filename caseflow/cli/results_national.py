"""CLI: `results national import|list|export`, the national compilation of the 21 regions'
results reports: import it, search it (region, section, words) and write it as csv/xlsx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caseflow.cli.app import check_output, obj, out, write_output
from caseflow.cli.options import ActorOpt
from caseflow.cli.results import read_text_file, results_app

if TYPE_CHECKING:
    from caseflow.results.national_service import NationalListing

national_app = typer.Typer(help="Den nationella sammanställningen av regionernas redovisningar.")
results_app.add_typer(national_app, name="national", no_args_is_help=True)

RegionFilter = Annotated[
    str | None, typer.Option("--region", help='Bara en region, t.ex. "Jämtland Härjedalen".')
]
SectionFilter = Annotated[int | None, typer.Option("--section", help="Bara ett avsnitt, 1–8.")]
SearchFilter = Annotated[str | None, typer.Option("--search", help="Ord som ska finnas i texten.")]
YearFilter = Annotated[int | None, typer.Option("--year", help="Året (annars det senast inlästa).")]
EXPORT_FORMATS = ("csv", "xlsx")


@national_app.command("import")
def national_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Sammanställningen som text (ur PDF:en).")],
    year: Annotated[
        int | None, typer.Option("--year", help="Året som redovisas (annars läst ur texten).")
    ] = None,
    actor: ActorOpt = "cli",
) -> None:
    """Läs in sammanställningen (allt eller inget; samma år ersätts)."""
    from caseflow.results.national import REGIONS
    from caseflow.results.national_service import import_compilation

    context = obj(ctx)
    text = read_text_file(file)
    summary = import_compilation(db=context.db, text_=text, source=file.name, actor=actor,
                                 clock=context.clock, year=year)  # fmt: skip
    replaced = f" (ersatte {summary.replaced} tidigare poster)" if summary.replaced else ""
    out(f"läste in sammanställningen för {summary.year}: {summary.total_rows} tabellrader, "
        f"{summary.prose} svar i avsnitt 8, {len(summary.regions)} regioner{replaced}")  # fmt: skip
    for number, by_region in summary.rows.items():
        out(f"avsnitt {number}: {sum(by_region.values())} rader")
        out("  " + ", ".join(f"{region} {count}" for region, count in by_region.items()))
    for number, regions in sorted(summary.no_tabular.items()):
        out(f"inga insatser i tabellform, avsnitt {number}: {', '.join(regions)}")
    missing = [r for r in REGIONS if r not in summary.regions]
    if missing:
        out(f"regioner som saknas: {', '.join(missing)}")
    for note in summary.notes:
        out(f"  obs: {note}")


def _listing(
    ctx: typer.Context, year: int | None, region: str | None, section: int | None,
    search: str | None,
) -> NationalListing:  # fmt: skip
    from caseflow.results.national_service import list_national

    return list_national(db=obj(ctx).db, year=year, region=region, section=section,
                         search=search, own_first=True)  # fmt: skip


@national_app.command("list")
def national_list(
    ctx: typer.Context,
    region: RegionFilter = None,
    section: SectionFilter = None,
    search: SearchFilter = None,
    year: YearFilter = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv JSON.")] = False,
) -> None:
    """Visa sammanställningens rader; den egna regionens först i varje avsnitt."""
    listing = _listing(ctx, year, region, section, search)
    if as_json:
        data = {"year": listing.year, "own_region": listing.own_region,
                "entries": [e.to_dict() for e in listing.entries]}  # fmt: skip
        out(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if listing.year is None:
        out("ingen sammanställning är inläst")
        return
    out(f"Nationell sammanställning {listing.year}: {len(listing.entries)} poster")
    for entry in listing.entries:
        mark = " (egen region)" if entry.own else ""
        if entry.kind == "prose":
            head = f"{entry.question} {entry.region}{mark}"
            body = entry.text
        elif entry.kind == "none":
            head = f"{entry.section} {entry.region}{mark}"
            body = "inga insatser i tabellform"
        else:
            head = f"{entry.section} {entry.region}{mark}: {entry.insats}"
            body = entry.prestationer or entry.effekter or entry.mal or entry.text
        first = body.split("\n", 1)[0]
        out(f"{head}\n    {first[:150]}")


@national_app.command("export")
def national_export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="Filen som skrivs.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv eller xlsx (annars filändelsen).")
    ] = None,
    region: RegionFilter = None,
    section: SectionFilter = None,
    search: SearchFilter = None,
    year: YearFilter = None,
) -> None:
    """Skriv sammanställningens rader som csv eller xlsx."""
    from caseflow.errors import InputError
    from caseflow.results.national_service import export_national

    check_output(output)
    chosen = fmt or output.suffix.lstrip(".").lower()
    if chosen not in EXPORT_FORMATS:
        raise InputError(f"okänt format {chosen!r}; välj csv eller xlsx")
    listing = _listing(ctx, year, region, section, search)
    if listing.year is None:
        raise InputError(
            "ingen sammanställning är inläst; läs in den med 'results national import'"
        )
    data = export_national(listing, chosen)
    write_output(output, data)
    out(f"skrev {output} ({len(listing.entries)} poster, {len(data)} byte)")
