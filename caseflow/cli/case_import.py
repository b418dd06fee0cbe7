"""CLI: `cases import` — a JSON file of any size streamed into one transaction (all or nothing)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from caseflow.cli.app import obj, out
from caseflow.cli.options import ActorOpt, JsonOpt, cases_app
from caseflow.errors import InputError

if TYPE_CHECKING:
    from caseflow.cases.bulk import Item
    from caseflow.domain.jsonstream import JsonStream


@cases_app.command("import")
def cases_import(
    ctx: typer.Context, file: Path, actor: ActorOpt = "cli", as_json: JsonOpt = False
) -> None:
    """Importera ärenden från JSON (allt eller inget; även mycket stora filer)."""
    from caseflow.cases.bulk import bulk_import
    from caseflow.cli.progress import progress_bar
    from caseflow.domain.jsonstream import JsonStream

    context = obj(ctx)
    streams: list[JsonStream] = []

    def source() -> Iterator[Item]:
        stream = JsonStream(file, keys=("people", "cases"))
        streams[:] = [stream]
        return _items(stream, file)

    with progress_bar(f"Importerar {file.name}", total=None, shown=not as_json) as advance:

        def progress(cases: int) -> None:
            stream = streams[0]
            advance(100 * stream.position / stream.size if stream.size else 100.0, cases)

        summary = bulk_import(db=context.db, workflows=context.workflows, source=source,
                              actor=actor, clock=context.clock, progress=progress)  # fmt: skip
    created, unchanged = summary.total("created"), summary.total("unchanged")
    if as_json:
        data = {"people_added": summary.people_added, "created": created, "unchanged": unchanged}
        out(json.dumps(data, ensure_ascii=False))
        return
    if summary.people_added:
        added = summary.people_added
        out(f"lade till {added} {'person' if added == 1 else 'personer'}")
    out(f"importerade {created} nya, {unchanged} oförändrade")


def _items(stream: JsonStream, file: Path) -> Iterator[Item]:
    """The people and cases of a `cases import` file as import items, each where it starts."""
    from caseflow.cases.bulk import CaseItem, PersonItem
    from caseflow.domain.casedoc import parse_case_doc

    shape = f'{file}: väntade en lista av ärenden eller {{"cases": [...]}}'
    seen_cases = False
    for element in stream:
        at = f"{file}:{element.line}"
        if element.key == "people":
            yield PersonItem(element.value, f"{at}: people[{element.index}]")
            continue
        seen_cases = True
        doc = parse_case_doc(element.value, where=f"{at}: cases[{element.index}]")
        yield CaseItem(doc, at)
    if "people" in stream.other:
        raise InputError(f"{file}: people: väntade en lista")
    if not seen_cases and not stream.streamed & {None, "cases"}:
        raise InputError(shape)
