"""Turning the case form's fields into the same values the CLI's `--set` gives."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from caseflow.domain.casedoc import parse_field_value
from caseflow.domain.casefields import CASE_FIELDS, FIELDS
from caseflow.errors import InputError

# The form opens with the project name (the page's heading), then follows the case JSON.
_FORM_FIELDS = sorted((f for f in CASE_FIELDS if f.editable), key=lambda f: f.name != "title")
#: The editable fields in form order, with their labels.
LABELS: dict[str, str] = {f.name: f.form_label for f in _FORM_FIELDS}
#: Each form field's kind: the template picks the input (date, number keyboard, e-mail, yes/no).
KINDS: dict[str, str] = {f.name: f.kind for f in _FORM_FIELDS}
TEXTAREAS = {f.name for f in _FORM_FIELDS if f.kind in ("long_text", "lines")}
REQUIRED = {f.name for f in _FORM_FIELDS if f.required}
#: A long text's bound (Syfte: 20,000 characters) as the textarea's maxlength, so the browser
#: stops there too; the server refuses longer text whatever the browser does.
MAX_LENGTHS: dict[str, int] = {
    f.name: f.max_length for f in _FORM_FIELDS if f.kind == "long_text" and f.max_length
}


def display(name: str, value: Any) -> str:
    """A field's current value as the form shows it (parse_field_value reads it back)."""
    if value is None:
        return ""
    kind = FIELDS[name].kind
    if kind == "dnr_list":
        return ", ".join(value)
    if kind == "lines":
        return "\n".join(value)
    if kind == "bool":
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
