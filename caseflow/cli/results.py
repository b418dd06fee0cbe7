"""CLI: `results new|import-answers|answer|show`, the yearly results report (förordning 2024:99)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from caseflow.cli.app import app, obj, out
from caseflow.cli.options import ActorOpt
from caseflow.results.defaults import DEFAULT_EDITION, DEFAULT_REGION

results_app = typer.Typer(help="Resultatredovisningen enligt förordning (2024:99).")
app.add_typer(results_app, name="results", no_args_is_help=True)

YearArg = Annotated[int, typer.Argument(help="Året som redovisas, t.ex. 2024.")]
RegionOpt = Annotated[str, typer.Option("--region", help="Regionen som redovisar.")]


def read_text_file(path: Path) -> str:
    """A UTF-8 text file's content.

    Raises:
        InputError: missing, unreadable or not UTF-8.
    """
    from caseflow.domain.inputfile import read_input_text

    return read_input_text(path)


@results_app.command("new")
def results_new(
    ctx: typer.Context,
    year: YearArg,
    form: Annotated[str, typer.Option("--form", help="Blankettutgåva.")] = DEFAULT_EDITION,
    region: RegionOpt = DEFAULT_REGION,
    actor: ActorOpt = "cli",
    with_prefill: Annotated[
        bool, typer.Option("--prefill", help="Fyll i förslagen ur årets ärenden.")
    ] = False,
) -> None:
    """Skapa årets resultatredovisning som utkast."""
    from caseflow.results.prefill import prefill_report
    from caseflow.results.service import create_report

    context = obj(ctx)
    report = create_report(
        db=context.db, year=year, form_edition=form, region=region, actor=actor,
        clock=context.clock,
    )  # fmt: skip
    form_ = report.form
    state = context.workflows.for_subject("results_report").state(report.status)
    out(f"skapade resultatredovisningen för {report.year} ({report.region}), blankett "
        f"{form_.edition}: {len(form_.questions)} frågor, "
        f"{state.label.lower() if state else report.status}")  # fmt: skip
    if with_prefill:
        written = prefill_report(
            db=context.db, workflow=context.workflows.for_subject("results_report"), year=year,
            running_stages=context.workflows.running_stages(), actor=actor, region=region,
            clock=context.clock,
        )  # fmt: skip
        out(f"förslag ur ärendena i {', '.join(written) or 'inga frågor'}")


@results_app.command("import-answers")
def results_import_answers(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Förra årets ifyllda blankett som text.")],
    year: Annotated[int, typer.Option("--year", help="Året vars redovisning fylls i.")],
    region: RegionOpt = DEFAULT_REGION,
    actor: ActorOpt = "cli",
) -> None:
    """Fyll en tom redovisning med svaren ur en ifylld blankett (allt eller inget)."""
    from caseflow.results.service import import_previous_answers

    context = obj(ctx)
    text = read_text_file(file)
    outcome = import_previous_answers(
        db=context.db, year=year, text=text, region=region, actor=actor, clock=context.clock
    )
    imported = outcome.imported
    out(f"placerade {len(imported.placed)} svar: {', '.join(imported.placed)}")
    for printed, canonical in imported.renumbered:
        out(f"  {canonical}: numret var {printed or 'borta'} i filen")
    for warning in imported.warnings:
        out(f"  varning: {warning}")
    out("ej placerade: inga")


@results_app.command("answer")
def results_answer(
    ctx: typer.Context,
    year: YearArg,
    question: Annotated[str, typer.Argument(help="Frågans nummer, t.ex. 1.1 eller 5.1a.")],
    file: Annotated[Path | None, typer.Option("--file", help="Svaret som UTF-8-text.")] = None,
    choice: Annotated[str | None, typer.Option("--choice", help="Kryss: Ja, Nej …")] = None,
    expect_version: Annotated[
        int | None,
        typer.Option("--expect-version", help="Avbryt om svarets version inte är denna (0: nytt)."),
    ] = None,
    region: RegionOpt = DEFAULT_REGION,
    actor: ActorOpt = "cli",
) -> None:
    """Spara svaret på en fråga."""
    from caseflow.results.service import get_report, save_answer

    context = obj(ctx)
    text = read_text_file(file) if file is not None else None
    answer = save_answer(
        db=context.db, workflow=context.workflows.for_subject("results_report"), year=year,
        slot=question, text=text, choice=choice,
        expected_version=expect_version, region=region, actor=actor, clock=context.clock,
    )  # fmt: skip
    report = get_report(db=context.db, year=year, region=region)
    section = report.form.section_of(answer.slot)
    count = next(c for c in report.counts if c.number == section.number)
    state = "ÖVER GRÄNSEN" if count.over else "kvar"
    out(f"sparade {answer.slot} (version {answer.version}); avsnitt {section.number}: "
        f"{count.used} av {count.limit} tecken, {count.remaining} {state}")  # fmt: skip


@results_app.command("show")
def results_show(
    ctx: typer.Context,
    year: YearArg,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv JSON.")] = False,
    region: RegionOpt = DEFAULT_REGION,
) -> None:
    """Visa redovisningen: avsnitt med teckengräns och räkning, frågor med svar."""
    from caseflow.results.owners import list_owners
    from caseflow.results.service import get_report, report_to_dict

    context = obj(ctx)
    report = get_report(db=context.db, year=year, region=region)
    state = context.workflows.for_subject("results_report").state(report.status)
    owners = [(o.section, o.email, o.name)
              for o in list_owners(db=context.db, year=year, region=region)]  # fmt: skip
    data = report_to_dict(report, state.label if state else None, owners)
    if as_json:
        out(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out(f"Resultatredovisning {data['year']} – {data['region']} (blankett {data['form']}, "
        f"{data['status_label'].lower()})")  # fmt: skip
    for section in data["sections"]:
        mark = "  ÖVER GRÄNSEN" if section["over_limit"] else ""
        out(f"\n{section['number']}. {section['title']}: {section['count']} av "
            f"{section['limit']} tecken, {section['remaining']} kvar{mark}")  # fmt: skip
        if section["owners"]:
            out("Ägare: " + ", ".join(f"{o['name']} <{o['email']}>" for o in section["owners"]))
        for question in section["questions"]:
            out(f"\n{question['number']} {question['text']}")
            for slot in question["answers"]:
                if slot["text"]:
                    out(f"  {slot['slot']} {slot['text']} [{slot['choice'] or 'ej ikryssad'}]")
                out(f"  (version {slot['version']}) {slot['answer'] or '–'}")
