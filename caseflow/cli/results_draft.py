"""CLI: `results prefill|accept`, drafting the results report from the cases of the year."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from caseflow.cli.app import obj, out
from caseflow.cli.options import ActorOpt
from caseflow.cli.results import RegionOpt, YearArg, results_app
from caseflow.results.defaults import DEFAULT_REGION


@results_app.command("prefill")
def results_prefill(
    ctx: typer.Context,
    year: YearArg,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv JSON.")] = False,
    region: RegionOpt = DEFAULT_REGION,
) -> None:
    """Visa förslag till svar ur årets ärenden (ändrar inget)."""
    from caseflow.results.prefill import prefill

    context = obj(ctx)
    draft = prefill(db=context.db, year=year, region=region,
                    running_stages=context.workflows.running_stages())  # fmt: skip
    if as_json:
        data = {
            "year": draft.year,
            "suggestions": [asdict(s) for s in draft.suggestions.values()],
            "unplaced": [asdict(s) for s in draft.unplaced],
            "programmes": [asdict(p) for p in draft.programmes],
            "warnings": draft.warnings,
        }
        out(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out(f"Förslag till resultatredovisningen {year} ur ärendena (ta in med `results accept`):")
    for slot in sorted(draft.suggestions, key=_order):
        suggestion = draft.suggestions[slot]
        out(f"\n{slot} ({len(suggestion.sources)} ärenden):\n{suggestion.text}")
    if draft.unplaced:
        out("\nAtt placera (prioritering eller område saknas i konfigurationen):")
        for item in draft.unplaced:
            out(f"  {item.text}")
    for warning in draft.warnings:
        out(f"varning: {warning}")


def _order(slot: str) -> tuple[int, int, str]:
    section, rest = slot.split(".", 1)
    digits = "".join(ch for ch in rest if ch.isdigit())
    return int(section), int(digits or 0), rest[len(digits) :]


@results_app.command("accept")
def results_accept(
    ctx: typer.Context,
    year: YearArg,
    question: Annotated[str, typer.Argument(help="Frågan vars förslag tas in, t.ex. 2.6.")],
    region: RegionOpt = DEFAULT_REGION,
    actor: ActorOpt = "cli",
) -> None:
    """Ta in förslaget i svaret (läggs efter det som står, ersätter aldrig)."""
    from caseflow.results.prefill import accept_suggestion

    context = obj(ctx)
    answer = accept_suggestion(
        db=context.db, workflow=context.workflows.for_subject("results_report"), year=year,
        slot=question, running_stages=context.workflows.running_stages(), actor=actor,
        region=region, clock=context.clock,
    )  # fmt: skip
    out(f"tog in förslaget i {answer.slot} (version {answer.version})")
