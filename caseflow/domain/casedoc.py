"""The case JSON (export/import format) as a validated value, and Swedish error messages."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from caseflow.domain.casefields import (
    EDITABLE_FIELDS,
    FIELDS,
    FIRST_DAY,
    LAST_DAY,
    MAX_LINE_LENGTH,
    MAX_SEK,
    fields_of,
)
from caseflow.domain.checks import CONTROL_CHARS, check_email, unify_newlines
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.funders import FUNDERS, check_funder_code
from caseflow.domain.validation import message_of
from caseflow.errors import InputError, InvalidDiarienummerError

FunderStatus = Literal["planned", "applied", "granted", "rejected"]
Outcome = Literal["completed", "rejected", "withdrawn"]


def _no_control(value: Any) -> Any:
    if isinstance(value, date) and not FIRST_DAY <= value <= LAST_DAY:
        raise PydanticCustomError(
            "date_range", f"datumet måste ligga mellan {FIRST_DAY} och {LAST_DAY}"
        )
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if isinstance(text, str) and (found := CONTROL_CHARS.search(text)):
            raise PydanticCustomError(
                "control_character", f"otillåtet kontrolltecken {found.group()!r} i texten"
            )
    return value


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_INT = re.compile(r"-?[0-9]+")


def _no_coercion(value: Any, annotation: Any) -> Any:
    """Refuse what pydantic's lax mode would turn into a number or a date unasked: `true` as 1,
    `1_000`, non-ASCII digits (`١٢٣`), a unix timestamp as a date."""
    kinds = set(get_args(annotation)) or {annotation}
    return _refuse_coercion(value, int in kinds and bool not in kinds, date in kinds)


#: (model, field) → (an integer field, a date field): what `_no_coercion` asks of the
#: annotation, worked out once per field instead of once per value (the bulk import validates
#: a million cases).
_KINDS: dict[tuple[type, str], tuple[bool, bool]] = {}


def _kinds_of(model: type[BaseModel], name: str) -> tuple[bool, bool]:
    found = _KINDS.get((model, name))
    if found is None:
        field = model.model_fields.get(name)
        kinds = set() if field is None else set(get_args(field.annotation)) or {field.annotation}
        found = _KINDS[(model, name)] = (int in kinds and bool not in kinds, date in kinds)
    return found


def _refuse_coercion(value: Any, integer: bool, day: bool) -> Any:
    if integer:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        digits = isinstance(value, str) and _PLAIN_INT.fullmatch(value.strip()) is not None
        if not (value is None or number or digits):
            raise PydanticCustomError("int_type", "måste vara ett heltal")
    if day and value is not None and not isinstance(value, date):
        if not isinstance(value, str) or not _ISO_DAY.fullmatch(value.strip()):
            raise PydanticCustomError("date_type", "ogiltigt datum, skriv ÅÅÅÅ-MM-DD")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _plain(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return None
        integer, day = _kinds_of(cls, info.field_name or "")
        return _refuse_coercion(value, integer, day) if integer or day else value

    @field_validator("*")
    @classmethod
    def _text(cls, value: Any) -> Any:
        if value is None or type(value) in (int, bool):
            return value
        return _no_control(unify_newlines(value))


class FunderDoc(_Strict):
    code: str
    amount_sek: int | None = Field(default=None, ge=0, le=MAX_SEK)
    status: FunderStatus = "planned"
    decision_date: date | None = None
    case_id: str | None = Field(default=None, max_length=100)

    @field_validator("code")
    @classmethod
    def _known_code(cls, value: str) -> str:
        try:
            return check_funder_code(value)
        except InputError as err:
            raise PydanticCustomError("funder_code", str(err)) from None


def declared(name: str) -> Any:
    """The pydantic Field of a declared case field: its default and bounds (casefields.py)."""
    spec = FIELDS[name]
    bounds: dict[str, Any] = {}
    if spec.max_length is not None:
        bounds["max_length"] = spec.max_length
    if spec.required and spec.kind == "text":
        bounds["min_length"] = 1
    if spec.bounds is not None:
        bounds["ge"], bounds["le"] = spec.bounds
    if spec.required:
        return Field(**bounds)
    if spec.is_list:
        return Field(default_factory=list, **bounds)
    return Field(default=spec.default, **bounds)


# The case JSON. Each field's type is written here, for the type checker; its default and bounds
# come from the declaration, and tests/test_casefields.py checks that the two agree.
class CaseDoc(_Strict):
    diarienummer: str = declared("diarienummer")
    other_diarienummer: list[str] = declared("other_diarienummer")
    title: str = declared("title")
    purpose: str | None = declared("purpose")
    area: str | None = declared("area")
    priority: str | None = declared("priority")
    strategy: str | None = declared("strategy")
    start_date: date | None = declared("start_date")
    end_date: date | None = declared("end_date")
    owner: str | None = declared("owner")
    owner_is_region: bool = declared("owner_is_region")
    total_budget_sek: int | None = declared("total_budget_sek")
    funders: list[FunderDoc] = declared("funders")
    own_financing: str | None = declared("own_financing")
    follow_up_status: str | None = declared("follow_up_status")
    follow_up_comment: str | None = declared("follow_up_comment")
    final_report_date: date | None = declared("final_report_date")
    stage: str | None = declared("stage")
    outcome: Outcome | None = declared("outcome")
    handlaggare: str | None = declared("handlaggare")
    background: str | None = declared("background")
    decision_basis: list[str] = declared("decision_basis")
    copies: list[str] = declared("copies")
    anchoring_body: str | None = declared("anchoring_body")
    anchoring_date: date | None = declared("anchoring_date")
    workflow: str = declared("workflow")
    workflow_version: int | None = declared("workflow_version")

    @field_validator("diarienummer")
    @classmethod
    def _dnr(cls, value: str) -> str:
        return _dnr_or_error(value)

    @field_validator(*fields_of("dnr_list"))
    @classmethod
    def _other_dnr(cls, values: list[str]) -> list[str]:
        return [_dnr_or_error(v) for v in values]

    @field_validator(*fields_of("lines"))
    @classmethod
    def _short_lines(cls, values: list[str]) -> list[str]:
        for line in values:
            if len(line) > MAX_LINE_LENGTH:
                raise PydanticCustomError(
                    "line_too_long",
                    f"en rad får vara högst {MAX_LINE_LENGTH} tecken (fick {len(line)})",
                )
        return values

    @field_validator(*fields_of("email"))
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        try:
            return check_email(value)
        except InputError as err:
            raise PydanticCustomError("email", str(err)) from None

    @model_validator(mode="after")
    def _consistent(self) -> CaseDoc:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise PydanticCustomError(
                "period",
                f"slutdatum {self.end_date} ligger före startdatum {self.start_date}",
            )
        codes = [f.code for f in self.funders]
        duplicated = sorted({c for c in codes if codes.count(c) > 1})
        if duplicated:
            raise PydanticCustomError(
                "funders", f"finansiären {', '.join(duplicated)} förekommer flera gånger"
            )
        return self


def _dnr_or_error(value: str) -> str:
    try:
        return str(parse_dnr(value))
    except InvalidDiarienummerError as err:
        raise PydanticCustomError("diarienummer", str(err)) from None


_MESSAGES = {
    "missing": "saknas",
    "extra_forbidden": "okänt fält",
    "greater_than_equal": "får inte vara negativt",
    "int_parsing": "måste vara ett heltal (kronor)",
    "int_from_float": "måste vara ett heltal (kronor)",
    "int_type": "måste vara ett heltal",
    "date_from_datetime_parsing": "ogiltigt datum, skriv ÅÅÅÅ-MM-DD",
    "date_parsing": "ogiltigt datum, skriv ÅÅÅÅ-MM-DD",
    "date_type": "ogiltigt datum, skriv ÅÅÅÅ-MM-DD",
    "date_from_datetime_inexact": "ogiltigt datum, skriv ÅÅÅÅ-MM-DD",
    "bool_parsing": "måste vara true eller false",
    "string_too_short": "får inte vara tomt",
    "less_than_equal": "är orimligt stort",
    "literal_error": "ogiltigt värde",
    "list_type": "måste vara en lista",
    "string_type": "måste vara text",
}


#: A funder's keys as a message names them.
_FUNDER_KEYS = {
    "code": "finansiär", "amount_sek": "belopp", "status": "status",
    "decision_date": "beslutsdatum", "case_id": "finansiärens diarienummer",
}  # fmt: skip


def field_path(loc: tuple[int | str, ...] | list[int | str], *, keys: bool = False) -> str:
    """Where a problem is, as the user knows the field: `Total budget`, `Finansiärer 2: belopp`.
    With `keys` (a JSON file, whose author wrote the keys): the key path, `funders.1.amount_sek`."""
    parts = list(loc)
    if keys:
        return ".".join(str(p) for p in parts)
    if len(parts) == 1 and parts[0] in _FUNDER_KEYS and parts[0] not in FIELDS:  # a FunderDoc
        return _FUNDER_KEYS[str(parts[0])]
    if not parts or not isinstance(parts[0], str) or parts[0] not in FIELDS:
        return ".".join(str(p) for p in parts)
    text = FIELDS[parts[0]].label
    rest = parts[1:]
    if rest and isinstance(rest[0], int):
        text += f" {rest[0] + 1}"
        rest = rest[1:]
    if rest:
        text += ": " + ".".join(_FUNDER_KEYS.get(str(p), str(p)) for p in rest)
    return text


def describe_validation(err: ValidationError, *, keys: bool = False) -> str:
    """The first problem of a ValidationError as `field: message` in Swedish (the field's
    label; with `keys`, its JSON key too)."""
    item = err.errors()[0]
    where = field_path(item["loc"], keys=keys)
    message = _MESSAGES.get(item["type"]) or message_of(item)
    if item["type"] == "string_too_long":
        message = f"får vara högst {item['ctx']['max_length']} tecken"
        item = {**item, "input": f"{len(item['input'])} tecken"}
    if item["type"] == "too_long":  # a list field
        message = f"får ha högst {item['ctx']['max_length']} poster"
        item = {**item, "input": f"{item['ctx']['actual_length']} poster"}
    if item["type"] == "literal_error":
        expected = str((item.get("ctx") or {}).get("expected", ""))
        message += f" ({expected.replace(' or ', ' eller ')})" if expected else ""
    got = item.get("input")
    suffix = (
        f" (fick {got!r})"
        if item["type"] not in {"missing", "line_too_long"} and not isinstance(got, dict)
        else ""
    )
    text = f"{where}: {message}{suffix}" if where else f"{message}{suffix}"
    extra = len(err.errors()) - 1
    return text + (f" (och {extra} fel till)" if extra else "")


def parse_case_doc(data: Any, *, where: str) -> CaseDoc:
    """Validate one case object.

    Raises:
        InputError: `where: field: problem`, in Swedish.
    """
    if not isinstance(data, dict):
        raise InputError(f"{where}: ett ärende måste vara ett JSON-objekt")
    try:
        return CaseDoc.model_validate(data)
    except ValidationError as err:
        dnr = data.get("diarienummer")
        label = f"{where} ({dnr})" if isinstance(dnr, str) else where
        raise InputError(f"{label}: {describe_validation(err, keys=True)}") from None


def check_editable(field: str) -> None:
    """Raise InputError, with a hint in Swedish, unless `field` may be edited directly."""
    if field not in EDITABLE_FIELDS:
        hint = {
            "stage": "steget ändras bara med `caseflow case fire`",
            "outcome": "utfallet sätts av händelsen som avslutar ärendet",
            "funders": "använd `caseflow case funder set`",
            "diarienummer": "diarienumret kan inte ändras",
        }.get(field, f"redigerbara fält: {', '.join(EDITABLE_FIELDS)}")
        raise InputError(f"fältet {field!r} kan inte redigeras: {hint}")


def parse_field_value(field: str, raw: str) -> Any:
    """Turn the text of `--set FIELD=VALUE` into the JSON value for `field`.

    Empty text or `null` clears the field; lists are comma-separated.

    Raises:
        InputError: the field cannot be edited this way.
    """
    check_editable(field)
    kind = FIELDS[field].kind
    text = unify_newlines(raw).strip()
    if kind == "dnr_list":
        return [part.strip() for part in text.split(",") if part.strip()]
    if kind == "lines":  # e.g. one document per line
        return [part.strip() for part in text.splitlines() if part.strip()]
    if FIELDS[field].required:
        return text
    if text == "" or text.lower() == "null":
        return None
    if kind == "bool":
        lowered = text.lower()
        if lowered in {"true", "ja", "yes", "1"}:
            return True
        if lowered in {"false", "nej", "no", "0"}:
            return False
        raise InputError(f"{FIELDS[field].label}: skriv ja eller nej (fick {raw!r})")
    if kind == "amount":
        cleaned = text.replace(" ", "").replace("\u00a0", "")
        if not re.fullmatch(r"-?\d+", cleaned):
            raise InputError(
                f"{FIELDS[field].label}: måste vara ett heltal (kronor) (fick {raw!r})"
            )
        return int(cleaned)
    return text


__all__ = [
    "EDITABLE_FIELDS", "FIRST_DAY", "FUNDERS", "LAST_DAY", "MAX_SEK", "CaseDoc", "FunderDoc",
    "parse_case_doc",
]  # fmt: skip
