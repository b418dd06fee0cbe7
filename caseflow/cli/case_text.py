"""`case show` as text: the case's lines from its JSON (masked where it must be)."""

from __future__ import annotations

from typing import Any

from caseflow.domain.funders import FUNDERS
from caseflow.store.models import Case


def case_lines(doc: dict[str, Any], case: Case, stage_label: str) -> list[str]:
    """The case as text: values from `doc` (the case JSON, masked where it must be)."""
    from caseflow.domain.funders import FUNDER_STATUS_LABELS
    from caseflow.domain.textformat import format_sek
    from caseflow.records.vocabulary import MASK

    def day(name: str) -> str:
        value = doc[name]
        return MASK if value is None and getattr(case, name) is not None else value or "?"

    lines = [
        f"{case.diarienummer}  {doc['title']}",
        f"  Steg:             {stage_label} ({case.stage})"
        + (f", utfall {case.outcome}" if case.outcome else ""),
    ]
    if doc["other_diarienummer"]:
        lines.append(f"  Övriga dnr:       {', '.join(doc['other_diarienummer'])}")
    period = f"{day('start_date')} – {day('end_date')}"
    own = doc["owner_is_region"]
    owner = doc["owner"] or ("Regionen" if own else "–")
    budget = doc["total_budget_sek"]
    masked = budget is None and case.total_budget_sek is not None
    lines += [
        f"  Syfte:            {doc['purpose'] or '–'}",
        f"  Period:           {period}",
        f"  Projektägare:     {owner}"
        + ("" if doc["owner_is_region"] else " (annan projektägare)"),
        f"  Total budget:     {MASK if masked else format_sek(budget)}",
    ]
    for f in case.funders:
        extra = f", beslut {f.decision_date}" if f.decision_date else ""
        extra += f", id {f.funder_case_id}" if f.funder_case_id else ""
        lines.append(
            f"  Finansiär:        {FUNDERS.get(f.code, f.code)}: {format_sek(f.amount_sek)} "
            f"({FUNDER_STATUS_LABELS.get(f.status, f.status)}{extra})"
        )
    lines += [
        f"  Egen finansiering: {doc['own_financing'] or '–'}",
        f"  Område:           {doc['area'] or '–'}",
        f"  Prioritering:     {doc['priority'] or '–'}",
        f"  Uppföljning:      {_follow_up(doc)}",
        f"  Slutrapport:      {day('final_report_date').replace('?', '–')}",
        f"  Handläggare:      {doc['handlaggare'] or '–'}",
        f"  Arbetsflöde:      {case.workflow} v{case.workflow_version}, "
        f"radversion {case.row_version}",
    ]
    return lines


def _follow_up(doc: dict[str, Any]) -> str:
    parts = [p for p in (doc["follow_up_status"], doc["follow_up_comment"]) if p]
    return ": ".join(parts) or "–"
