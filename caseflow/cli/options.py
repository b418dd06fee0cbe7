"""Options and sub-command groups shared by several CLI modules."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from caseflow.cli.app import app
from caseflow.errors import InputError

if TYPE_CHECKING:
    from caseflow.clock import Clock

case_app = typer.Typer(help="Ett ärende.", no_args_is_help=True)
funder_app = typer.Typer(help="Ärendets finansiärer.", no_args_is_help=True)
cases_app = typer.Typer(help="Många ärenden: export och import.", no_args_is_help=True)
app.add_typer(case_app, name="case")
app.add_typer(cases_app, name="cases")
case_app.add_typer(funder_app, name="funder")

PublicOpt = Annotated[
    bool,
    typer.Option(
        "--public",
        help="Som allmänheten (och roller utan behörighet) ser det: sekretessmarkerade fält "
        "maskerade.",
    ),
]
ActorOpt = Annotated[
    str, typer.Option("--actor", envvar="CASEFLOW_ACTOR", help="Vem som gör ändringen (e-post).")
]


def parse_date_option(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(f"{name}: ogiltigt datum {value!r}, skriv ÅÅÅÅ-MM-DD") from None


decisions_app = typer.Typer(help="Fattade beslut.", no_args_is_help=True)
app.add_typer(decisions_app, name="decisions")

JsonOpt = Annotated[bool, typer.Option("--json", help="Skriv JSON.")]
NowOpt = Annotated[
    str | None,
    typer.Option("--now", help="Kör som om klockan vore detta (ÅÅÅÅ-MM-DDTTT:MM, test)."),
]


def clock_at(clock: Clock, now: str | None) -> Clock:
    """The run's clock: `clock`, or with `--now` a clock stopped at that moment (Stockholm time
    unless the moment names its zone)."""
    if now is None:
        return clock
    from datetime import datetime

    from caseflow.clock import FakeClock
    from caseflow.domain.checks import check_day
    from caseflow.domain.textformat import STOCKHOLM

    try:
        moment = datetime.fromisoformat(now)
    except ValueError:
        raise InputError(f"--now: ogiltig tidpunkt {now!r}, skriv ÅÅÅÅ-MM-DDTTT:MM") from None
    check_day(moment.date(), field="--now")  # 0001-01-01 has no UTC moment to become
    return FakeClock(moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM))
