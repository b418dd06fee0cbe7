"""CLI: `case …` (one case) and `cases export|import` (many)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from caseflow.cli.app import check_output, obj, out, write_output
from caseflow.cli.options import (
    ActorOpt,
    JsonOpt,
    PublicOpt,
    case_app,
    cases_app,
    funder_app,
    parse_date_option,
)
from caseflow.domain.funders import FUNDERS
from caseflow.errors import InputError

if TYPE_CHECKING:
    pass

VersionOpt = Annotated[
    int | None,
    typer.Option("--expect-version", help="Avbryt om ärendets radversion inte är denna."),
]


def read_json(path: Path) -> Any:
    """Parse a JSON file.

    Raises:
        InputError: unreadable file, or invalid JSON with line and column.
    """
    from caseflow.domain.inputfile import read_input_text

    text = read_input_text(path)  # a BOM is read, as the other importers do
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}:{err.lineno}:{err.colno}: ogiltig JSON: {err.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: ogiltig JSON: för djup nästling") from None


def parse_amount_option(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    cleaned = value.replace(" ", "").replace("\u00a0", "")
    try:
        amount = int(cleaned)
    except ValueError:
        raise InputError(f"{name}: ogiltigt belopp {value!r}, skriv hela kronor") from None
    if amount < 0:
        raise InputError(f"{name}: beloppet får inte vara negativt ({value})")
    return amount


@case_app.command("new")
def case_new(
    ctx: typer.Context,
    dnr: Annotated[str | None, typer.Argument(help="Diarienummer, t.ex. RUN/479/2024.")] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
    handlaggare: Annotated[str | None, typer.Option("--handlaggare")] = None,
    from_json: Annotated[Path | None, typer.Option("--from-json", help="Ärendet som JSON.")] = None,
    actor: ActorOpt = "cli",
) -> None:
    """Registrera ett nytt ärende."""
    from caseflow.cases.engine import create_case
    from caseflow.domain.casedoc import parse_case_doc
    from caseflow.domain.dnr import parse_dnr

    context = obj(ctx)
    if from_json is not None:
        if dnr or title:
            raise typer.BadParameter("ange antingen DNR/--title eller --from-json")
        doc = parse_case_doc(read_json(from_json), where=str(from_json))
    else:
        if not dnr or not title:
            raise typer.BadParameter("DNR och --title krävs (eller --from-json FILE)")
        parse_dnr(dnr)
        doc = parse_case_doc(
            {"diarienummer": dnr, "title": title, "handlaggare": handlaggare}, where="case new"
        )
    case = create_case(
        db=context.db, workflows=context.workflows, doc=doc, actor=actor, clock=context.clock
    )
    out(f"registrerade {case.diarienummer}: {case.title} ({case.stage})")


@case_app.command("edit")
def case_edit(
    ctx: typer.Context,
    dnr: str,
    assignments: Annotated[list[str], typer.Option("--set", help="FÄLT=VÄRDE (kan upprepas).")],
    actor: ActorOpt = "cli",
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    expect_version: VersionOpt = None,
) -> None:
    """Ändra fält; ändringen sparas i historiken."""
    from caseflow.cases.engine import edit_case
    from caseflow.domain.casedoc import parse_field_value

    context = obj(ctx)
    changes: dict[str, Any] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--set {item!r}: skriv FÄLT=VÄRDE")
        changes[name.strip()] = parse_field_value(name.strip(), value)
    result = edit_case(
        db=context.db, dnr=dnr, changes=changes, actor=actor, clock=context.clock,
        reason=reason, expected_version=expect_version, workflows=context.workflows,
    )  # fmt: skip
    if not result.changes:
        out(f"{result.diarienummer}: inget ändrat")
    for name, (old, new) in result.changes.items():
        out(f"{result.diarienummer}: {name}: {old!r} → {new!r}")


@funder_app.command("set")
def funder_set(
    ctx: typer.Context,
    dnr: str,
    code: Annotated[str, typer.Argument(help=f"Finansiärskod: {', '.join(FUNDERS)}.")],
    amount: Annotated[str | None, typer.Option("--amount", help="Belopp i kronor.")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="planned|applied|granted|rejected")
    ] = None,
    decision_date: Annotated[str | None, typer.Option("--decision-date")] = None,
    case_id: Annotated[
        str | None, typer.Option("--case-id", help="Finansiärens ärende-id.")
    ] = None,
    actor: ActorOpt = "cli",
    expect_version: VersionOpt = None,
) -> None:
    """Lägg till eller ändra en finansiär."""
    from caseflow.cases.engine import set_funder

    context = obj(ctx)
    funder = {
        "code": code,
        "amount_sek": parse_amount_option("--amount", amount),
        "status": status,
        "decision_date": parse_date_option("--decision-date", decision_date),
        "case_id": case_id,
    }
    result = set_funder(
        db=context.db, dnr=dnr, funder=funder, actor=actor, clock=context.clock,
        expected_version=expect_version,
    )  # fmt: skip
    if not result.changes:
        out(f"{result.diarienummer}: inget ändrat")
    for name, (old, new) in result.changes.items():
        out(f"{result.diarienummer}: {name}: {old!r} → {new!r}")


@funder_app.command("remove")
def funder_remove(
    ctx: typer.Context,
    dnr: str,
    code: Annotated[str, typer.Argument(help=f"Finansiärskod: {', '.join(FUNDERS)}.")],
    actor: ActorOpt = "cli",
    reason: Annotated[str | None, typer.Option("--reason", help="Motivering.")] = None,
    expect_version: VersionOpt = None,
) -> None:
    """Ta bort en finansiär ur finansieringsplanen (sparas i historiken)."""
    from caseflow.cases.funding import remove_funder

    context = obj(ctx)
    result = remove_funder(db=context.db, dnr=dnr, code=code, actor=actor, clock=context.clock,
                           reason=reason, expected_version=expect_version)  # fmt: skip
    out(f"{result.diarienummer}: {FUNDERS[code]} är borttagen ur finansieringsplanen")


@case_app.command("show")
def case_show(
    ctx: typer.Context, dnr: str, as_json: JsonOpt = False, public: PublicOpt = False
) -> None:
    """Visa ett ärende (med --public som allmänheten ser det)."""
    from caseflow.cli.case_text import case_lines
    from caseflow.domain.dnr import parse_dnr
    from caseflow.records.fieldmask import case_docs
    from caseflow.store.repo import require_case

    context = obj(ctx)
    secrecy = context.records.secrecy if public else None
    with context.db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        doc = case_docs(session=session, cases=[case], secrecy=secrecy, roles=())[0]
        if as_json:
            out(json.dumps({**doc, "row_version": case.row_version}, ensure_ascii=False, indent=2))
            return
        state = context.workflows.get(case.workflow).state(case.stage)
        for line in case_lines(doc, case, state.label if state else case.stage):
            out(line)


@case_app.command("list")
def case_list(
    ctx: typer.Context,
    stage: Annotated[str | None, typer.Option("--stage")] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help="Diarienummer (även delar: 479, RUN/479) eller ord."),
    ] = None,
    as_json: JsonOpt = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="csv eller xlsx: listan som kalkylark (portföljens kolumner)."
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Filen som skrivs (med --format).")
    ] = None,
    public: PublicOpt = False,
) -> None:
    """Lista ärenden, alla eller de som matchar en sökning; eller spara listan som csv/xlsx."""
    from caseflow.records.fieldmask import case_docs
    from caseflow.store.repo import list_cases

    context = obj(ctx)
    if (fmt is None) != (output is None):
        raise InputError("--format och -o hör ihop: t.ex. --format xlsx -o arenden.xlsx")
    if fmt is not None and fmt not in ("csv", "xlsx"):
        raise InputError(f"--format: okänt format {fmt!r}; välj csv eller xlsx")
    if output is not None:
        check_output(output)
    found: set[int] | None = None
    if search is not None:
        from caseflow.cases.caselist import search_ids

        with context.db.reading() as conn:
            masked = public and not context.records.secrecy.may_see(())
            found = search_ids(conn, search, masked=masked)
    with context.db.read() as session:
        cases = list_cases(session=session, stage=stage)
        if found is not None:
            cases = [c for c in cases if c.id in found]
        secrecy = context.records.secrecy if public else None
        docs = case_docs(session=session, cases=cases, secrecy=secrecy, roles=())
        if fmt is not None and output is not None:
            from caseflow.domain.textformat import STOCKHOLM
            from caseflow.portfolio.export import export_projects, render_export

            rows = export_projects(docs, context.workflows)
            today = context.clock.now().astimezone(STOCKHOLM).date()
            write_output(output, render_export(rows, fmt, as_of=today))
            out(f"skrev {len(rows)} {'ärende' if len(rows) == 1 else 'ärenden'} till {output}")
            return
        if as_json:
            out(json.dumps(docs, ensure_ascii=False, indent=2))
            return
        for case, doc in zip(cases, docs, strict=True):
            state = context.workflows.get(case.workflow).state(case.stage)
            label = state.label if state else case.stage
            out(f"{case.diarienummer:<15} {label:<18} {doc['title']}")
        out(f"{len(cases)} {'ärende' if len(cases) == 1 else 'ärenden'}")


@case_app.command("triggers")
def case_triggers(
    ctx: typer.Context,
    dnr: str,
    actor: Annotated[str | None, typer.Option("--actor", help="Visa även behörighet.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Visa möjliga förflyttningar nu och varför blockerade inte går."""
    from caseflow.cases.engine import possible_moves

    context = obj(ctx)
    case, moves = possible_moves(db=context.db, workflows=context.workflows, dnr=dnr, actor=actor)
    if as_json:
        rows = [
            {"trigger": m.trigger, "label": m.label, "dest": m.dest, "allowed": m.is_allowed,
             "problems": list(m.problems), "roles": list(m.roles)}
            for m in moves
        ]  # fmt: skip
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    out(f"{case.diarienummer} står i {case.stage}:")
    for m in moves:
        if m.is_allowed:
            out(f"  {m.trigger:<17} → {m.dest:<17} möjlig ({m.label})")
        else:
            out(f"  {m.trigger:<17} → {m.dest:<17} blockerad: {'; '.join(m.problems)}")
    if not moves:
        out("  inga (ärendet är avslutat)")


@case_app.command("fire")
def case_fire(
    ctx: typer.Context,
    dnr: str,
    trigger: str,
    actor: Annotated[str, typer.Option("--actor", envvar="CASEFLOW_ACTOR", help="Din e-post.")],
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    expect_version: VersionOpt = None,
) -> None:
    """Flytta ärendet med en händelse (trigger)."""
    from caseflow.cases.engine import fire

    context = obj(ctx)
    result = fire(
        db=context.db, workflows=context.workflows, dnr=dnr, trigger=trigger, actor=actor,
        reason=reason, clock=context.clock, expected_version=expect_version,
    )  # fmt: skip
    out(f"{result.diarienummer}: {result.from_stage} → {result.to_stage} ({result.trigger})")


@case_app.command("reopen")
def case_reopen(
    ctx: typer.Context,
    dnr: str,
    actor: Annotated[str, typer.Option("--actor", envvar="CASEFLOW_ACTOR", help="Din e-post.")],
    reason: Annotated[str, typer.Option("--reason", help="Varför ärendet öppnas igen.")],
    expect_version: VersionOpt = None,
) -> None:
    """Öppna ett avslutat ärende igen: arbetsflödets flytt för det (kräver motivering)."""
    from caseflow.cases.engine import fire
    from caseflow.domain.dnr import parse_dnr
    from caseflow.store.repo import require_case

    context = obj(ctx)
    with context.db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        number, workflow, stage = case.diarienummer, case.workflow, case.stage
    wf = context.workflows.get(workflow)
    move = next((t for t in wf.transitions_from(stage) if t.reopen), None)
    if move is None:
        raise InputError(f"ärendet {number} är inte avslutat och kan inte öppnas igen")
    result = fire(
        db=context.db, workflows=context.workflows, dnr=number, trigger=move.trigger,
        actor=actor, reason=reason, clock=context.clock, expected_version=expect_version,
    )  # fmt: skip
    state = wf.state(result.to_stage)
    label = state.label if state else result.to_stage
    out(f"{result.diarienummer}: öppnat igen, står nu i {label}")


@case_app.command("history")
def case_history(
    ctx: typer.Context, dnr: str, as_json: JsonOpt = False, public: PublicOpt = False
) -> None:
    """Visa ärendets historik."""
    from caseflow.domain.dnr import parse_dnr
    from caseflow.domain.history import describe, labels_of
    from caseflow.domain.textformat import format_local
    from caseflow.records.fieldmask import mask_history
    from caseflow.store.repo import list_events, require_case

    context = obj(ctx)
    with context.db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        events = list_events(session=session, case_id=case.id)
        if public:
            events = mask_history(session=session, secrecy=context.records.secrecy, roles=(),
                                  case_id=case.id, events=events)  # fmt: skip
        rows = [
            {"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "trigger": e.trigger,
             "from": e.from_stage, "to": e.to_stage, "reason": e.reason, "changes": e.changes,
             "row_version": e.row_version}
            for e in events
        ]  # fmt: skip
        if as_json:
            out(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        own = context.workflows.find(case.workflow)
        names = labels_of([wf.spec for wf in context.workflows.all()], own.spec if own else None)
        for e in events:
            text = describe(e, names).text() + (f" – {e.reason}" if e.reason else "")
            out(f"{format_local(e.at)}  {e.actor:<28} {text}")


@cases_app.command("export")
def cases_export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="json")] = "json",
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
) -> None:
    """Exportera alla ärenden som JSON (med deras handläggare under "people")."""
    from caseflow.store.casemap import case_to_dict
    from caseflow.store.repo import list_cases, list_people

    if fmt != "json":
        raise typer.BadParameter(f"okänt format {fmt!r}; bara json", param_hint="--format")
    if output:
        check_output(output)
    with obj(ctx).db.read() as session:
        cases = [case_to_dict(c) for c in list_cases(session=session)]
        officers = {c["handlaggare"] for c in cases if c["handlaggare"]}
        # The cases' handläggare go along, so the file imports into an empty database.
        people = [{"email": p.email, "name": p.name, "roles": p.roles, "phone": p.phone,
                   "unit": p.unit, "title": p.title}
                  for p in list_people(session=session) if p.email in officers]  # fmt: skip
    data: dict[str, Any] = {"people": people, "cases": cases}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output:
        write_output(output, text)
        out(f"skrev {len(data['cases'])} ärenden till {output}")
    else:
        typer.echo(text, nl=False)
