"""Turning the case form's fields into the same values the CLI's `--set` gives."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from caseflow.domain.casedoc import EDITABLE_FIELDS, parse_field_value
from caseflow.errors import InputError

LABELS: dict[str, str] = {
    "title": "Projektnamn",
    "other_diarienummer": "Andra diarienummer (kommaseparerade)",
    "purpose": "Syfte",
    "area": "Område",
    "priority": "Prioritering",
    "start_date": "Startdatum",
    "end_date": "Slutdatum",
    "owner": "Projektägare",
    "owner_is_region": "Regionen äger projektet",
    "total_budget_sek": "Total budget (kr)",
    "own_financing": "Egen medfinansiering",
    "follow_up_status": "Uppföljningsstatus",
    "follow_up_comment": "Uppföljningskommentar",
    "final_report_date": "Slutrapport inlämnad",
    "handlaggare": "Handläggare (e-post)",
    "background": "Ärendebeskrivning",
    "decision_basis": "Beslutsunderlag (ett per rad)",
    "anchoring_body": "Förankrat i",
    "anchoring_date": "Förankrat datum",
}
DATES = {"start_date", "end_date", "final_report_date", "anchoring_date"}
TEXTAREAS = {"purpose", "own_financing", "follow_up_comment", "background", "decision_basis"}
assert set(LABELS) == set(EDITABLE_FIELDS)


def display(name: str, value: Any) -> str:
    """A field's current value as the form shows it (parse_field_value reads it back)."""
    if value is None:
        return ""
    if name == "other_diarienummer":
        return ", ".join(value)
    if name == "decision_basis":
        return "\n".join(value)
    if name == "owner_is_region":
        return "true" if value else "false"
    return str(value)


def changes_from(form: FormData) -> dict[str, Any]:
    """The editable fields present in the form, parsed; unknown names are refused.

    Raises:
        InputError: a field that cannot be edited, or a value of the wrong kind.
    """
    changes: dict[str, Any] = {}
    for name, raw in form.multi_items():
        if name in ("csrf_token", "row_version", "reason"):
            continue
        if not isinstance(raw, str):
            raise InputError(f"fältet {name!r}: filer tas inte emot här")
        changes[name] = parse_field_value(name, raw)
    return changes


def form_version(form: FormData) -> int | None:
    """The row version the form was shown at (for the conflict check), if sent."""
    raw = form.get("row_version")
    if not isinstance(raw, str) or not raw.strip():
        return None
    if not raw.strip().isdigit():
        raise InputError("row_version: måste vara ett heltal")
    return int(raw)
