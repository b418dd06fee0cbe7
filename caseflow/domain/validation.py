"""Pydantic's validation messages in Swedish: one table for every boundary (API, workflow
files, results forms, settings, the case JSON's fallback), so no English message reaches a user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from pydantic_core.core_schema import ErrorType

MESSAGES = {
    "missing": "saknas",
    "extra_forbidden": "okänt fält",
    "int_parsing": "måste vara ett heltal",
    "int_type": "måste vara ett heltal",
    "int_from_float": "måste vara ett heltal",
    "greater_than_equal": "måste vara minst {ge}",
    "greater_than": "måste vara större än {gt}",
    "less_than_equal": "får vara högst {le}",
    "less_than": "måste vara mindre än {lt}",
    "date_parsing": "ogiltigt datum, skriv ÅÅÅÅ-MM-DD",
    "date_from_datetime_parsing": "ogiltigt datum, skriv ÅÅÅÅ-MM-DD",
    "date_from_datetime_inexact": "ogiltigt datum, skriv ÅÅÅÅ-MM-DD",
    "date_type": "ogiltigt datum, skriv ÅÅÅÅ-MM-DD",
    "bool_parsing": "måste vara true eller false",
    "bool_type": "måste vara true eller false",
    "string_type": "måste vara text",
    "string_unicode": "otillåtet tecken i texten (ett ensamt surrogattecken)",
    "string_too_short": "måste ha minst {min_length} tecken",
    "string_too_long": "får vara högst {max_length} tecken",
    "too_long": "får ha högst {max_length} poster",
    "string_pattern_mismatch": "har fel form",
    "literal_error": "ogiltigt värde; välj {expected}",
    "enum": "ogiltigt värde; välj {expected}",
    "list_type": "måste vara en lista",
    "dict_type": "måste vara ett JSON-objekt",
    "model_type": "måste vara ett JSON-objekt",
    "model_attributes_type": "måste vara ett JSON-objekt",
    "json_invalid": "ogiltig JSON (vid tecken {at})",
    "json_type": "ogiltig JSON",
}
#: Any other kind of problem (pydantic has many; none should reach a user in English).
FALLBACK = "ogiltigt värde"


def message_of(item: Mapping[str, Any]) -> str:
    """The Swedish message for one pydantic error item (its `type` and `ctx`)."""
    kind = str(item.get("type", ""))
    ctx = {k: str(v).replace(" or ", " eller ") for k, v in (item.get("ctx") or {}).items()}
    template = MESSAGES.get(kind)
    if template is None:
        # Our own errors (PydanticCustomError, ValueError in validators) are already Swedish.
        custom = kind in {"value_error", "assertion_error"} or kind not in _PYDANTIC_KINDS
        return str(item.get("msg", FALLBACK)).removeprefix("Value error, ") if custom else FALLBACK
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return FALLBACK


#: pydantic's own kinds of error (its English messages); any other kind is one of ours.
_PYDANTIC_KINDS = frozenset(get_args(ErrorType))
