"""ReportFacts: the read-only view of a results report that its workflow's guards judge
(`caseflow.workflow.report_guards.ReportSubject`), built from the form and the answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from caseflow.results.count import count_form
from caseflow.results.form import FormSpec


def thousands(number: int) -> str:
    """`15230` → "15 230" (Swedish, non-breaking space)."""
    return f"{number:,}".replace(",", "\u00a0")


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """Satisfies `ReportSubject`."""

    over_limit: tuple[str, ...]
    unanswered_choices: tuple[str, ...]
    empty_answers: tuple[str, ...]


def report_facts(
    form: FormSpec, texts: Mapping[str, str], choices: Mapping[str, str | None]
) -> ReportFacts:
    """What the guards need: sections over their limit (in Swedish), check-box slots without a
    tick, slots without text. `texts`/`choices` are by slot; a missing slot is unanswered."""
    over = tuple(
        f"avsnitt {c.number} ({c.title}) har {thousands(c.used)} tecken, "
        f"{thousands(-c.remaining)} över gränsen {thousands(c.limit)}"
        for c in count_form(form, texts)
        if c.over
    )
    unticked = []
    empty = []
    for question in form.questions:
        for slot in question.slots:
            part = question.part(slot)
            if part is not None and choices.get(slot) not in part.options:
                unticked.append(slot)
            if not texts.get(slot, "").strip():
                empty.append(slot)
    return ReportFacts(over, tuple(unticked), tuple(empty))
