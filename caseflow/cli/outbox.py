"""CLI: `outbox list|resend|send-once` (the e-mail queue) and `worker` (sends in the background)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from caseflow.cli.app import app, obj, out
from caseflow.domain.textformat import count_of

if TYPE_CHECKING:
    from caseflow.store.models import OutboxMessage

outbox_app = typer.Typer(help="Utkorgen: e-post som väntar på att skickas.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")

#: The outbox's statuses (caseflow.mail.outbox.STATUSES, not imported: `--help` stays fast).
STATUS_LABELS = {"pending": "väntar", "sent": "skickat", "failed": "misslyckat"}


def _row(message: OutboxMessage) -> dict[str, object]:
    return {
        "number": message.id, "message_id": message.message_id, "recipient": message.recipient,
        "subject": message.subject, "status": message.status, "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at.isoformat(), "last_error": message.last_error,
        "created_at": message.created_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }  # fmt: skip


@outbox_app.command("list")
def outbox_list(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option("--status", help=f"Bara meddelanden med status {'|'.join(STATUS_LABELS)}."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv JSON.")] = False,
) -> None:
    """Lista e-post i utkorgen, äldst först."""
    from caseflow.domain.textformat import format_local
    from caseflow.mail.outbox import list_messages

    messages = list_messages(db=obj(ctx).db, status=status)
    if as_json:
        out(json.dumps([_row(m) for m in messages], ensure_ascii=False, indent=2))
        return
    for m in messages:
        if m.status == "sent" and m.sent_at is not None:
            when = f"skickat {format_local(m.sent_at)}"
        elif m.status == "pending":
            when = f"nästa försök {format_local(m.next_attempt_at)}"
        else:
            when = STATUS_LABELS.get(m.status, m.status)
        line = f"{m.id:>6}  {format_local(m.created_at)}  {m.recipient:<28} {m.subject}  [{when}"
        line += f", {m.attempts} försök]" if m.attempts else "]"
        if m.last_error and m.status != "sent":
            line += f"  fel: {m.last_error}"
        out(line)
    out(count_of(len(messages), "meddelande", "meddelanden"))


@outbox_app.command("resend")
def outbox_resend(
    ctx: typer.Context,
    number: Annotated[
        int, typer.Argument(min=1, help="Meddelandets nummer (första kolumnen i `outbox list`).")
    ],
) -> None:
    """Lägg ett misslyckat eller redan skickat meddelande i kö igen; arbetaren skickar det
    med samma Message-ID."""
    from caseflow.mail.outbox import resend

    context = obj(ctx)
    message = resend(db=context.db, number=number, now=context.clock.now())
    out(f"meddelande {message.id} till {message.recipient} ligger i kö igen")


@outbox_app.command("send-once")
def outbox_send_once(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Högst så många meddelanden.")] = 100,
) -> None:
    """Skicka det som står på tur nu (en omgång) och skriv vad som hände."""
    from caseflow.cli.mailer import build_mailer
    from caseflow.mail.delivery import send_due

    context = obj(ctx)
    mailer = build_mailer(context.settings)
    summary = send_due(db=context.db, mailer=mailer, mail_from=context.settings.mail_from,
                       clock=context.clock, limit=limit)  # fmt: skip
    out(str(summary))


@app.command("worker")
def worker(
    ctx: typer.Context,
    interval: Annotated[
        float, typer.Option("--interval", min=0.1, help="Sekunder mellan körningarna.")
    ] = 30.0,
    lease: Annotated[
        float,
        typer.Option(
            "--lease",
            help="Sekunder ett hämtat meddelande är reserverat, minst 60 (förnyas under sändning).",
        ),
    ] = 300.0,
) -> None:
    """Kör bakgrundsarbetaren: planerar och köar påminnelser och skickar utkorgen tills
    SIGTERM eller Ctrl-C."""
    from caseflow.cli.mailer import build_mailer
    from caseflow.mail.delivery import check_lease
    from caseflow.worker import run_worker
    from caseflow.workflow.registry import cached_registry

    context = obj(ctx)
    check_lease(timedelta(seconds=lease))  # before starting: refused with one line, exit 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    context.workflows  # noqa: B018  (a broken workflow folder is refused now, as `fel:`)
    folder = context.settings.workflows_dir
    run_worker(
        settings=context.settings, db=context.db, clock=context.clock,
        mailer=build_mailer(context.settings),
        interval_seconds=interval, lease=timedelta(seconds=lease),
        workflows=lambda: cached_registry(folder),  # reloaded when a file changes (mtime)
    )  # fmt: skip
