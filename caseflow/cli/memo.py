"""CLI: `memo …` (draft, render, list, finalize) and `decisions unreported`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from caseflow.cli.app import AppContext, app, check_output, obj, out, write_output
from caseflow.cli.options import ActorOpt, JsonOpt, decisions_app, parse_date_option

memo_app = typer.Typer(help="Beslutsmemon: utkast, rendering, beslut.", no_args_is_help=True)
app.add_typer(memo_app, name="memo")


def today(context: AppContext) -> date:
    from caseflow.domain.textformat import STOCKHOLM

    return context.clock.now().astimezone(STOCKHOLM).date()


@memo_app.command("draft")
def memo_draft(
    ctx: typer.Context,
    dnr: str,
    save: Annotated[
        bool, typer.Option("--save", help="Spara utkastet som ärendets ärendebeskrivning.")
    ] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Skriv till fil.")] = None,
    actor: ActorOpt = "cli",
) -> None:
    """Skriv ett utkast till ärendebeskrivning från ärendets uppgifter."""
    from caseflow.cases.engine import edit_case
    from caseflow.domain.dnr import parse_dnr
    from caseflow.memo.service import draft_description

    context = obj(ctx)
    if output is not None:
        check_output(output)
    draft = draft_description(db=context.db, memos_dir=context.settings.memos_dir, dnr=dnr)
    text = draft.text
    if draft.missing:
        typer.echo(f"saknas i utkastet: {', '.join(draft.missing)}", err=True)
    if save:
        edit_case(db=context.db, dnr=dnr, changes={"background": text}, actor=actor,
                  clock=context.clock, reason="utkast till ärendebeskrivning")  # fmt: skip
        out(f"sparade utkastet som ärendebeskrivning i {parse_dnr(dnr)}; redigera den med "
            "`caseflow memo background`")  # fmt: skip
    if output is not None:
        write_output(output, text + "\n")
        out(f"skrev {output}")
    elif not save:
        out(text)


@memo_app.command("background")
def memo_background(ctx: typer.Context, dnr: str, file: Path, actor: ActorOpt = "cli") -> None:
    """Spara en redigerad ärendebeskrivning (textfil) på ärendet."""
    from caseflow.cases.engine import edit_case

    context = obj(ctx)
    from caseflow.domain.inputfile import read_input_text

    text = read_input_text(file).strip()
    result = edit_case(db=context.db, dnr=dnr, changes={"background": text or None},
                       actor=actor, clock=context.clock)  # fmt: skip
    out(
        f"{result.diarienummer}: ärendebeskrivningen {'sparad' if result.changes else 'oförändrad'}"
    )


@memo_app.command("render")
def memo_render(
    ctx: typer.Context,
    dnr: str,
    output: Annotated[Path, typer.Option("-o", "--output", help="Filen som skrivs.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="docx, pdf, md eller html (annars filändelsen)."),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Memotyp (annars vald från ärendet).")
    ] = None,
    on: Annotated[str | None, typer.Option("--date", help="Memots datum (ÅÅÅÅ-MM-DD).")] = None,
    signatory: Annotated[
        str | None, typer.Option("--signatory", help="Undertecknare (e-post), annars nämndens.")
    ] = None,
    actor: ActorOpt = "cli",
) -> None:
    """Skriv ett beslutsmemo från ärendets uppgifter (docx, pdf, md eller html). PDF: memot
    skrivs och sparas som Word och omvandlas av LibreOffice."""
    from caseflow.errors import InputError, UnavailableError
    from caseflow.memo.pdf import NOT_INSTALLED, docx_to_pdf, office_program
    from caseflow.memo.service import render_memo

    context = obj(ctx)
    check_output(output)  # before the render is stored
    chosen = (fmt or output.suffix.lstrip(".")).lower()
    if chosen not in ("docx", "pdf", "md", "html"):
        raise InputError(f"okänt format {chosen!r}; välj ett av docx, pdf, md, html")
    pdf = chosen == "pdf"
    if pdf and office_program() is None:  # before the render is stored
        raise UnavailableError(NOT_INSTALLED)
    given = parse_date_option("--date", on)
    memo = render_memo(
        db=context.db, memos_dir=context.settings.memos_dir, clock=context.clock, dnr=dnr,
        fmt="docx" if pdf else chosen,
        memo_date=date.fromisoformat(given) if given else today(context),
        actor=actor, kind=kind, signatory_email=signatory, records=context.records,
    )  # fmt: skip
    data = docx_to_pdf(memo.data, name=memo.kind) if pdf else memo.data
    write_output(output, data)
    for warning in memo.warnings:
        typer.echo(f"varning: {warning}", err=True)
    out(f"skrev {output} ({memo.kind}, {chosen}, {len(data):,} byte)")


@memo_app.command("list")
def memo_list(ctx: typer.Context, dnr: str, as_json: JsonOpt = False) -> None:
    """Lista ärendets skrivna memon."""
    from caseflow.domain.textformat import format_local
    from caseflow.memo.store import list_renders

    rows = list_renders(db=obj(ctx).db, dnr=dnr)
    if as_json:
        out(json.dumps([r.model_dump(mode="json", exclude={"case_id"}) for r in rows],
                       ensure_ascii=False, indent=2))  # fmt: skip
        return
    for r in rows:
        out(f"{r.id}\t{format_local(r.created_at)}\t{r.kind}\t{r.format}\t{r.memo_date}\t"
            f"mall {r.template_version}\t{r.content_hash[:12]}\t{r.created_by}")  # fmt: skip


@memo_app.command("finalize")
def memo_finalize(
    ctx: typer.Context,
    dnr: str,
    signed_by: Annotated[str, typer.Option("--signed-by", help="Beslutsfattarens e-post.")],
    on: Annotated[str | None, typer.Option("--date", help="Beslutsdatum (ÅÅÅÅ-MM-DD).")] = None,
) -> None:
    """Registrera beslutet (senaste memot), undertecknat av en beslutsfattare."""
    from caseflow.memo.service import finalize_memo

    context = obj(ctx)
    given = parse_date_option("--date", on)
    decision = finalize_memo(
        db=context.db, memos_dir=context.settings.memos_dir, clock=context.clock, dnr=dnr,
        signed_by=signed_by, decided_on=date.fromisoformat(given) if given else today(context),
        records=context.records,
    )  # fmt: skip
    note = " (anmäls vid nämndens nästa sammanträde)" if decision.delegation_point else ""
    out(f"{dnr}: beslut {decision.id} registrerat {decision.decided_on}{note}")


@decisions_app.command("unreported")
def decisions_unreported(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Delegationsbeslut som ännu inte anmälts till nämnden."""
    from caseflow.memo.store import unreported

    rows = unreported(db=obj(ctx).db)
    if as_json:
        out(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        out("inga oanmälda delegationsbeslut")
    for r in rows:
        out(f"{r.decided_on}\t{r.diarienummer}\t{r.title}\tpunkt {r.delegation_point}\t"
            f"{r.signed_by}")  # fmt: skip
