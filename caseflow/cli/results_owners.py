"""CLI: `results owner|owners|remind`, who owns which section of the results report and the
reminders of its deadlines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from caseflow.cli.app import obj, out
from caseflow.cli.options import ActorOpt, NowOpt, clock_at
from caseflow.cli.results import RegionOpt, YearArg, results_app
from caseflow.results.defaults import DEFAULT_REGION

if TYPE_CHECKING:
    from caseflow.results.owners import SectionOwner


def _print_owners(owners: list[SectionOwner]) -> None:
    if not owners:
        out("inga ägare av avsnitt ännu")
    for owner in owners:
        out(f"  avsnitt {owner.section}: {owner.name} <{owner.email}>")


@results_app.command("owner")
def results_owner(
    ctx: typer.Context,
    year: YearArg,
    section: Annotated[int, typer.Argument(help="Avsnittet, 1–6.")],
    email: Annotated[str, typer.Option("--email", help="Handläggaren som äger avsnittet.")],
    remove: Annotated[bool, typer.Option("--remove", help="Ta bort som ägare.")] = False,
    actor: ActorOpt = "cli",
    region: RegionOpt = DEFAULT_REGION,
) -> None:
    """Ge ett avsnitt en ägare (som får redovisningens påminnelser), eller ta bort en."""
    from caseflow.results.owners import add_owner, remove_owner

    context = obj(ctx)
    if remove:
        owners = remove_owner(db=context.db, year=year, section=section, email=email,
                              region=region)  # fmt: skip
        out(f"{email} äger inte längre avsnitt {section} ({year})")
    else:
        owners = add_owner(db=context.db, year=year, section=section, email=email, actor=actor,
                           clock=context.clock, region=region)  # fmt: skip
        out(f"{email} äger avsnitt {section} ({year})")
    _print_owners(owners)


@results_app.command("owners")
def results_owners(ctx: typer.Context, year: YearArg, region: RegionOpt = DEFAULT_REGION) -> None:
    """Visa vem som äger vilket avsnitt."""
    from caseflow.results.owners import list_owners

    context = obj(ctx)
    out(f"Ägare av avsnitten, resultatredovisning {year} – {region}:")
    _print_owners(list_owners(db=context.db, year=year, region=region))


@results_app.command("remind")
def results_remind(
    ctx: typer.Context,
    send: Annotated[
        bool, typer.Option("--send/--no-send", help="Skicka utkorgen efteråt (standard).")
    ] = True,
    now: NowOpt = None,
) -> None:
    """Köa redovisningarnas förfallna påminnelser (en gång per frist och mottagare) och skicka;
    med sammandrag påslaget ett e-brev per mottagare."""
    from caseflow.cli.mailer import build_mailer
    from caseflow.mail.delivery import send_due
    from caseflow.results.reminders import queue_report_reminders

    context = obj(ctx)
    clock = clock_at(context.clock, now)
    summary = queue_report_reminders(
        db=context.db, settings=context.settings, clock=clock,
        workflow=context.workflows.for_subject("results_report"),
    )  # fmt: skip
    out(str(summary))
    if send:
        sent = send_due(db=context.db, mailer=build_mailer(context.settings),
                        mail_from=context.settings.mail_from, clock=clock)  # fmt: skip
        out(str(sent))
