"""CLI: `calendar` — meetings and deadlines as iCalendar (RFC 5545) with stable UIDs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from caseflow.cli.app import app, check_output, obj, out, write_output
from caseflow.domain.textformat import count_of
from caseflow.errors import InputError


@app.command("calendar")
def calendar(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="Filen som skrivs (.ics).")],
    person: Annotated[
        str | None, typer.Option("--person", help="En handläggares frister och sammanträden.")
    ] = None,
    body: Annotated[
        str | None, typer.Option("--body", help="En nämnds kalender (t.ex. RUN).")
    ] = None,
) -> None:
    """Sammanträden och frister som kalenderfil (iCalendar) med stabila UID."""
    from caseflow.domain.checks import check_email
    from caseflow.domain.workdays import local_date
    from caseflow.meetings.calendar import calendar_for

    if (person is None) == (body is None):
        raise InputError("ange antingen --person EMAIL eller --body NÄMND")
    check_output(output)
    data, count = calendar_for(
        db=obj(ctx).db, base_url=obj(ctx).settings.base_url,
        person=check_email(person) if person is not None else None, body=body,
        today=local_date(obj(ctx).clock.now()),
    )  # fmt: skip
    write_output(output, data)
    out(f"skrev {output} ({count_of(count, 'händelse', 'händelser')})")
