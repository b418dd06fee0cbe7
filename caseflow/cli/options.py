"""Options and sub-command groups shared by several CLI modules."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from caseflow.cli.app import app
from caseflow.errors import InputError

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
