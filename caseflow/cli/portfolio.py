"""CLI: `portfolio …` — import the board's report, produce it again, snapshots and their diff."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caseflow.cli.app import AppContext, app, check_output, obj, out, write_output
from caseflow.cli.options import ActorOpt, JsonOpt, PublicOpt, parse_date_option
from caseflow.errors import InputError

if TYPE_CHECKING:
    from caseflow.cases.bulk import BulkSummary
    from caseflow.portfolio.report import PortfolioDiff

if TYPE_CHECKING:
    from caseflow.portfolio.snapshots import StageNames

portfolio_app = typer.Typer(
    help="Nämndens projektportfölj: import, rapport, ögonblicksbilder.", no_args_is_help=True
)
app.add_typer(portfolio_app, name="portfolio")


@portfolio_app.command("import")
def portfolio_import(
    ctx: typer.Context,
    file: Path,
    update: Annotated[
        bool, typer.Option("--update", help="För in ändringar i befintliga ärenden.")
    ] = False,
    actor: ActorOpt = "cli",
    as_json: JsonOpt = False,
) -> None:
    """Importera rapporten (.txt), ett kalkylark (.xlsx/.csv) eller rapportens .md (allt eller
    inget)."""
    from caseflow.cases.bulk import CaseItem, bulk_import
    from caseflow.cli.progress import progress_bar
    from caseflow.portfolio.files import portfolio_rows, row_doc

    context = obj(ctx)
    # A report's rows name no workflow: they are read as new cases would start (the default).
    wf = context.workflows.default
    rows = portfolio_rows(file, wf)  # read and split here; each row validated in its batch
    with progress_bar(f"Importerar {file.name}", total=len(rows), shown=not as_json) as advance:
        summary = bulk_import(
            db=context.db, workflows=context.workflows, actor=actor, clock=context.clock,
            update=update, progress=lambda done: advance(done, done),
            source=lambda: (CaseItem(row_doc(where, case, wf), where) for where, case in rows),
        )  # fmt: skip
    if as_json:
        counts = {kind: summary.total(kind) for kind in ("created", "updated", "unchanged")}
        out(json.dumps(counts, ensure_ascii=False))
        return
    for line in summary_lines(summary):
        out(line)


def summary_lines(summary: BulkSummary) -> list[str]:
    """`nya 3, uppdaterade 0, oförändrade 23`, then the same per area."""
    names = {"created": "nya", "updated": "uppdaterade", "unchanged": "oförändrade"}
    counts = {
        area: Counter({names[kind]: n for kind, n in counter.items()})
        for area, counter in summary.counts.items()
    }

    def line(counter: Counter[str]) -> str:
        return ", ".join(f"{k} {counter[k]}" for k in ("nya", "uppdaterade", "oförändrade"))

    total = sum(counts.values(), Counter())
    lines = [f"importerade {summary.total()} projekt: {line(total)}"]
    lines += [f"  {area or '(utan område)'}: {line(c)}" for area, c in counts.items()]
    return lines


def stage_names(context: AppContext) -> StageNames:
    """What the report shows for a case's stage (its decision point, else its label)."""
    from caseflow.portfolio.snapshots import StageNames

    return StageNames(context.workflows, decision_point=True)


@portfolio_app.command("report")
def portfolio_report(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="Filen som skrivs.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="html, docx, xlsx eller md (annars filändelsen)."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Rapportens datum (ÅÅÅÅ-MM-DD), annars i dag.")
    ] = None,
    area: Annotated[str | None, typer.Option("--area", help="Bara detta område.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Visa förändringar sedan denna ögonblicksbild.")
    ] = None,
    public: PublicOpt = False,
) -> None:
    """Skriv portföljrapporten (grupperad på område och prioritering)."""
    from caseflow.domain.textformat import STOCKHOLM
    from caseflow.portfolio.render import FORMATS, render_report
    from caseflow.portfolio.service import current_cases
    from caseflow.portfolio.service import portfolio_report as build_report_of
    from caseflow.portfolio.snapshots import diff_portfolios, load_snapshot

    context = obj(ctx)
    check_output(output)
    chosen = (fmt or output.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise InputError(f"okänt format {chosen!r}; välj ett av {', '.join(FORMATS)}")
    given = parse_date_option("--as-of", as_of)
    day = date.fromisoformat(given) if given else context.clock.now().astimezone(STOCKHOLM).date()
    cases = current_cases(context.db, secrecy=context.records.secrecy if public else None)
    diff: PortfolioDiff | None = None
    if since is not None:
        before = load_snapshot(db=context.db, label=since)
        if public:
            from caseflow.records.fieldmask import mask_stored_docs

            before = mask_stored_docs(db=context.db, secrecy=context.records.secrecy, roles=(),
                                      docs=before)  # fmt: skip
        diff = diff_portfolios(
            before, cases, label_from=since, label_to=f"{day}", stage_names=stage_names(context)
        )
    report = build_report_of(cases=cases, workflows=context.workflows, as_of=day, area=area,
                             diff=diff, where="--area")  # fmt: skip
    data = render_report(report, chosen)
    write_output(output, data)
    out(f"skrev {output} ({chosen}, {len(report.projects)} projekt, {len(data):,} byte)")


@portfolio_app.command("snapshot")
def portfolio_snapshot(
    ctx: typer.Context,
    label: Annotated[str, typer.Option("--label", help='T.ex. "RUN 2025-02-12".')],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Mötets datum (ÅÅÅÅ-MM-DD), annars i dag.")
    ] = None,
    actor: ActorOpt = "cli",
) -> None:
    """Spara portföljen som den presenterades (för diff och --since)."""
    from caseflow.portfolio.snapshots import take_snapshot

    context = obj(ctx)
    day = parse_date_option("--as-of", as_of)
    info = take_snapshot(
        db=context.db, label=label, actor=actor, clock=context.clock,
        as_of=date.fromisoformat(day) if day else None,
    )  # fmt: skip
    word = "ärende" if info.case_count == 1 else "ärenden"
    out(f"sparade ögonblicksbilden {info.label!r} med {info.case_count} {word}")


@portfolio_app.command("snapshots")
def portfolio_snapshots(ctx: typer.Context) -> None:
    """Lista sparade ögonblicksbilder."""
    from caseflow.portfolio.snapshots import list_snapshots

    for info in list_snapshots(db=obj(ctx).db):
        out(f"{info.label}\t{info.as_of}\t{info.case_count} ärenden\t{info.taken_by}")


@portfolio_app.command("diff")
def portfolio_diff(
    ctx: typer.Context, label_a: str, label_b: str, public: PublicOpt = False
) -> None:
    """Vad som ändrats mellan två ögonblicksbilder."""
    from caseflow.portfolio.snapshots import diff_portfolios, load_snapshot

    context = obj(ctx)
    before = load_snapshot(db=context.db, label=label_a)
    after = load_snapshot(db=context.db, label=label_b)
    if public:
        from caseflow.records.fieldmask import mask_stored_docs

        before, after = (
            mask_stored_docs(db=context.db, secrecy=context.records.secrecy, roles=(), docs=docs)
            for docs in (before, after)
        )
    diff = diff_portfolios(
        before, after, label_from=label_a, label_to=label_b, stage_names=stage_names(context)
    )
    for line in diff_lines(diff):
        out(line)


def diff_lines(diff: PortfolioDiff) -> list[str]:
    if diff.is_empty:
        return [f"inga förändringar mellan {diff.label_from} och {diff.label_to}"]
    lines = [f"Förändringar från {diff.label_from} till {diff.label_to}"]
    sections = (
        ("Nya projekt", diff.new), ("Borttagna projekt", diff.removed),
        ("Ändrade projekt", diff.changed),
        (f"Uppföljningskommentar inte uppdaterad sedan {diff.label_from}", diff.stale_comments),
    )  # fmt: skip
    for heading, items in sections:
        if not items:
            continue
        lines.append(f"{heading} ({len(items)}):")
        for item in items:
            lines.append(f"  {item.diarienummer} {item.title}")
            lines += [f"    {change}" for change in item.changes]
    return lines
