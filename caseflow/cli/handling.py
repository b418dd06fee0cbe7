"""CLI: `handling add|list|version|final|get|secret|open|request|decide|requests` — registered
documents of a case and requests for them (utlämnande)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caseflow.cli.app import AppContext, app, check_output, obj, out, write_output
from caseflow.cli.options import ActorOpt, JsonOpt, parse_date_option
from caseflow.errors import InputError

if TYPE_CHECKING:
    from caseflow.records.disclosure import RequestView
    from caseflow.records.views import HandlingView

handling_app = typer.Typer(help="Ärendets handlingar (diarieföring).", no_args_is_help=True)
app.add_typer(handling_app, name="handling")

FieldOpt = Annotated[
    str | None,
    typer.Option("--field", help="Ett fält i ärendet (t.ex. purpose) i stället för en handling."),
]


def read_input(context: AppContext, path: Path) -> tuple[bytes, str]:
    """The file's bytes and its bare name; refuses a file over the size limit before reading.

    Raises:
        InputError: missing, a folder, unreadable, too large.
    """
    from caseflow.records.filetype import check_size

    try:
        if path.is_dir():
            raise InputError(f"{path}: är en mapp, inte en fil")
        check_size(path.name, path.stat().st_size, max_bytes=context.records.max_bytes)
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: kan inte läsa filen: {err.strerror}") from None
    return data, path.name


def show(h: HandlingView) -> str:
    secret = f"\tsekretess {h.secret.osl}" if h.secret else ""
    current = h.current
    file = f"\t{current.filename} (v{current.version})" if current else "\t–"
    party = h.counterpart or "–"
    return (f"{h.number}\t{h.registered_on}\t{h.direction_label}\t{h.doc_type_label}\t"
            f"{h.subject}\t{party}\t{h.state_label}{file}{secret}")  # fmt: skip


@handling_app.command("add")
def handling_add(
    ctx: typer.Context,
    dnr: str,
    file: Path,
    direction: Annotated[
        str,
        typer.Option("--direction", help="in (inkommande), out (utgående), internal (upprättad)."),
    ],
    subject: Annotated[str, typer.Option("--subject", help="Vad handlingen gäller.")],
    counterpart: Annotated[
        str | None, typer.Option("--counterpart", help="Avsändare eller mottagare.")
    ] = None,
    doc_type: Annotated[
        str, typer.Option("--type", help="Dokumenttyp (records/document_types.yaml).")
    ] = "ovrigt",
    on: Annotated[
        str | None, typer.Option("--date", help="Inkom eller upprättades (ÅÅÅÅ-MM-DD).")
    ] = None,
    allow_duplicate: Annotated[
        bool,
        typer.Option("--allow-duplicate", help="Registrera en fil som redan finns på ärendet."),
    ] = False,
    actor: ActorOpt = "cli",
) -> None:
    """Registrera en handling på ärendet; skriver ut handlingens nummer (RUN/479/2024-3)."""
    from caseflow.records.repo import add_handling

    context = obj(ctx)
    given = parse_date_option("--date", on)
    data, name = read_input(context, file)
    records = context.records
    view = add_handling(
        db=context.db, files=records.files, types=records.types, dnr=dnr, direction=direction,
        subject=subject, doc_type=doc_type, actor=actor, clock=context.clock, data=data,
        filename=name, counterpart=counterpart,
        document_date=date.fromisoformat(given) if given else None,
        allow_duplicate=allow_duplicate, max_bytes=records.max_bytes,
    )  # fmt: skip
    out(view.number)


@handling_app.command("list")
def handling_list(ctx: typer.Context, dnr: str, as_json: JsonOpt = False) -> None:
    """Ärendets handlingar i nummerordning."""
    from caseflow.records.repo import list_handlings

    context = obj(ctx)
    rows = list_handlings(db=context.db, types=context.records.types, dnr=dnr)
    if as_json:
        out(json.dumps([h.as_json() for h in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        out(f"{dnr.upper()} har inga registrerade handlingar")
    for h in rows:
        out(show(h))


@handling_app.command("version")
def handling_version(ctx: typer.Context, number: str, file: Path, actor: ActorOpt = "cli") -> None:
    """Lägg till en ny version av en upprättad handling som inte är slutlig."""
    from caseflow.records.repo import add_version

    context = obj(ctx)
    data, name = read_input(context, file)
    view = add_version(db=context.db, files=context.records.files, types=context.records.types,
                       number=number, data=data, filename=name, actor=actor, clock=context.clock,
                       max_bytes=context.records.max_bytes)  # fmt: skip
    current = view.current
    out(f"{view.number}: version {current.version if current else '?'} ({name})")


@handling_app.command("final")
def handling_final(
    ctx: typer.Context,
    number: str,
    state: Annotated[str, typer.Option("--state", help="expedierad eller fastställd.")],
    actor: ActorOpt = "cli",
) -> None:
    """Gör en upprättad handling slutlig: expedierad eller fastställd."""
    from caseflow.records.repo import finalize_handling

    context = obj(ctx)
    view = finalize_handling(db=context.db, types=context.records.types, number=number,
                             state=state, actor=actor, clock=context.clock)  # fmt: skip
    out(f"{view.number}: {view.state_label.lower()}")


@handling_app.command("get")
def handling_get(
    ctx: typer.Context,
    number: str,
    output: Annotated[Path, typer.Option("-o", "--output", help="Filen som skrivs.")],
    version: Annotated[
        int | None, typer.Option("--version", help="Version (annars senaste).")
    ] = None,
) -> None:
    """Skriv handlingens fil (senaste eller angiven version)."""
    from caseflow.records.repo import get_handling, read_file

    context = obj(ctx)
    check_output(output)
    view = get_handling(db=context.db, types=context.records.types, number=number)
    chosen = (
        next((f for f in view.files if f.version == version), None) if version else view.current
    )
    if chosen is None:
        which = f"version {version}" if version else "någon fil"
        raise InputError(f"{view.number} har inte {which}")
    write_output(output, read_file(files=context.records.files, sha256=chosen.sha256))
    out(f"skrev {output} ({chosen.filename}, version {chosen.version})")


@handling_app.command("secret")
def handling_secret(
    ctx: typer.Context,
    number: str,
    osl: Annotated[str, typer.Option("--osl", help='Bestämmelse i OSL, t.ex. "OSL 31:16".')],
    reason: Annotated[str, typer.Option("--reason", help="Varför uppgifterna är sekretess.")],
    field: FieldOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """Sekretessmarkera en handling (NUMMER) eller ett fält i ett ärende (DIARIENUMMER --field)."""
    from caseflow.records.secrecy import Target, mark_secret

    context = obj(ctx)
    target = Target(dnr=number, field=field) if field else Target(number=number)
    mark = mark_secret(db=context.db, secrecy=context.records.secrecy, target=target, osl=osl,
                       reason=reason, actor=actor, clock=context.clock)  # fmt: skip
    what = f"{number.upper()} fältet {field}" if field else number.upper()
    out(f"{what}: sekretessmarkerad enligt {mark.osl}")


@handling_app.command("open")
def handling_open(
    ctx: typer.Context,
    number: str,
    reason: Annotated[str, typer.Option("--reason", help="Varför markeringen hävs.")],
    field: FieldOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """Häv sekretessmarkeringen av en handling eller ett fält (händelsen sparas i historiken)."""
    from caseflow.records.secrecy import Target, lift_secret

    context = obj(ctx)
    target = Target(dnr=number, field=field) if field else Target(number=number)
    mark = lift_secret(db=context.db, secrecy=context.records.secrecy, target=target,
                       reason=reason, actor=actor, clock=context.clock)  # fmt: skip
    what = f"{number.upper()} fältet {field}" if field else number.upper()
    out(f"{what}: sekretessmarkeringen ({mark.osl}) är hävd")


@handling_app.command("basis")
def handling_basis(ctx: typer.Context, number: str, actor: ActorOpt = "cli") -> None:
    """Lägg handlingen till ärendets beslutsunderlag (memot skriver ut den som en handling)."""
    from caseflow.records.basis import attach_to_basis

    context = obj(ctx)
    lines = attach_to_basis(db=context.db, number=number, actor=actor, clock=context.clock,
                            workflows=context.workflows)  # fmt: skip
    out(f"beslutsunderlaget har {len(lines)} rader; sista: {lines[-1]}")


DecisionOpt = Annotated[
    str | None,
    typer.Option(
        "--decision",
        help="Beslutet: lämnas ut, lämnas ut med maskering eller avslås (avslag kräver --reason).",
    ),
]
ReasonOpt = Annotated[
    str | None, typer.Option("--reason", help="Motivering (krävs vid avslag, kan överklagas).")
]


def _request_line(view: RequestView) -> str:
    who = view.requester or "anonym"
    line = f"begäran nr {view.id} om {view.number} från {who}: {view.outcome_label}"
    return line + (f" ({view.outcome_reason})" if view.outcome_reason else "")


@handling_app.command("request")
def handling_request(
    ctx: typer.Context,
    number: str,
    requester: Annotated[
        str | None, typer.Option("--requester", help="Vem som begär (kan vara anonym).")
    ] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="E-post eller adress.")] = None,
    message: Annotated[str | None, typer.Option("--message", help="Vad som begärs.")] = None,
    decision: DecisionOpt = None,
    reason: ReasonOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """Registrera en begäran om utlämnande av handlingen NUMMER; med --decision prövas den
    samtidigt (av --actor, som ska ha en roll som får pröva)."""
    from caseflow.records.disclosure import parse_outcome, request_and_decide, request_document

    context = obj(ctx)
    if decision is None:
        if reason is not None:
            raise InputError("--reason hör till --decision")
        view = request_document(db=context.db, number=number, clock=context.clock,
                                recorded_by=actor, requester=requester, contact=contact,
                                message=message)  # fmt: skip
        out(f"begäran nr {view.id} om {view.number} registrerad; pröva den med "
            f"caseflow handling decide {view.id} --decision …")  # fmt: skip
        return
    view = request_and_decide(db=context.db, number=number, clock=context.clock, actor=actor,
                              outcome=parse_outcome(decision), reason=reason,
                              requester=requester, contact=contact, message=message)  # fmt: skip
    out(_request_line(view))


@handling_app.command("decide")
def handling_decide(
    ctx: typer.Context,
    request_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1, help="Begärans nummer.")],
    decision: DecisionOpt = None,
    reason: ReasonOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """Pröva en registrerad begäran om utlämnande (--actor ska ha en roll som får pröva)."""
    from caseflow.records.disclosure import decide_request, parse_outcome, require_decider

    context = obj(ctx)
    if decision is None:
        raise InputError("--decision: ange lämnas ut, lämnas ut med maskering eller avslås")
    outcome = parse_outcome(decision)
    who = require_decider(db=context.db, actor=actor)
    view = decide_request(db=context.db, request_id=request_id, outcome=outcome, actor=who,
                          clock=context.clock, reason=reason)  # fmt: skip
    out(_request_line(view))


@handling_app.command("requests")
def handling_requests(
    ctx: typer.Context,
    undecided: Annotated[
        bool, typer.Option("--undecided", help="Bara de som inte är prövade.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Lista begäran om utlämnande, äldst först."""
    from caseflow.records.disclosure import list_requests

    rows = list_requests(db=obj(ctx).db, undecided_only=undecided)
    if as_json:
        out(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return
    for row in rows:
        out(_request_line(row))
    out(f"{len(rows)} {'begäran' if len(rows) == 1 else 'begäranden'}")
