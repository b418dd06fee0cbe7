"""The /api/v1 request bodies and answers as pydantic models (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from caseflow.domain.casedoc import EDITABLE_FIELDS, MAX_SEK, CaseDoc, FunderStatus, Outcome
from caseflow.domain.casefields import (
    CASE_FIELDS,
    FIRST_DAY,
    LAST_DAY,
    MAX_VERSION,
    CaseField,
    fields_of,
)
from caseflow.web.api.common import Body, check_json

VERSION_MAX = MAX_VERSION


def _version() -> Any:
    return Field(default=None, ge=1, le=VERSION_MAX,
                 description="Radversionen du utgick från; ändrat sedan dess ger 409")  # fmt: skip


def _reason() -> Any:
    return Field(default=None, max_length=10_000, description="Motivering (sparas i historiken)")


# A case's dates plan its deadlines, and a date near year 1 or 9999 overflows that arithmetic
# (OverflowError, a 500); the diarienummer's own years are the sensible range.
DATE_MIN, DATE_MAX = FIRST_DAY, LAST_DAY
CASE_DATES = fields_of("date")
_DATE = TypeAdapter(date)


def _case_date() -> Any:
    return Field(default=None, ge=DATE_MIN, le=DATE_MAX)


def check_case_dates(changes: Any) -> None:
    """Raise PydanticCustomError for a case date (as the case JSON would read it) outside
    DATE_MIN–DATE_MAX; a value that is no date at all is left to the engine's own message."""
    if not isinstance(changes, dict):
        return
    for name in CASE_DATES:
        if changes.get(name) is None:
            continue
        try:
            day = _DATE.validate_python(changes[name])
        except ValidationError:
            continue
        if not DATE_MIN <= day <= DATE_MAX:
            raise PydanticCustomError(
                "date_range", "datumet måste ligga mellan {min} och {max}",
                {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat(), "path": name},
            )  # fmt: skip


# --- bodies ------------------------------------------------------------------------------------


DNR_FORM = r"^[A-ZÅÄÖ][A-ZÅÄÖ0-9-]{0,19}/[1-9][0-9]{0,6}/(19|20|21)[0-9]{2}$"


class NewCase(CaseDoc):
    """The case JSON of a new case (as `caseflow case create` reads it)."""

    # The schema shows the canonical form; CaseDoc's own check also accepts e.g. `run / 1 / 2025`.
    diarienummer: str = Field(json_schema_extra={"pattern": DNR_FORM,
                                                 "examples": ["RUN/479/2024"]})  # fmt: skip
    handlaggare: str | None = Field(default=None, json_schema_extra={"format": "email"})
    start_date: date | None = _case_date()
    end_date: date | None = _case_date()
    final_report_date: date | None = _case_date()
    anchoring_date: date | None = _case_date()
    # CaseDoc has no upper bound: 2**70 reaches the database and fails there (500)
    workflow_version: int | None = Field(default=None, ge=1, le=VERSION_MAX)


class EditBody(Body):
    changes: dict[str, Any] = Field(
        description="Fält → nytt JSON-värde (null tömmer fältet); valideras som ärendets JSON.",
        json_schema_extra={"propertyNames": {"enum": list(EDITABLE_FIELDS)}},
    )
    reason: str | None = _reason()
    expected_version: int | None = _version()

    @field_validator("changes", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        check_json(value)
        check_case_dates(value)
        return value


class FunderBody(Body):
    """The given keys of the funder; a key left out (or null) keeps its value."""

    amount_sek: int | None = Field(default=None, ge=0, le=MAX_SEK)
    status: FunderStatus | None = None
    decision_date: date | None = None
    case_id: str | None = Field(default=None, max_length=100, description="Finansiärens ärende-id")
    expected_version: int | None = _version()


class MoveBody(Body):
    reason: str | None = _reason()
    expected_version: int | None = _version()


class MemoBody(Body):
    format: Literal["docx", "md", "html"] = "docx"
    memo_date: date | None = Field(default=None, description="Memots datum (i dag om det saknas)")
    kind: str | None = Field(default=None, max_length=64, description="Memotyp (väljs annars)")
    signatory: str | None = Field(
        default=None, max_length=254, description="Undertecknare (e-post); annars nämndens"
    )


class DecisionBody(Body):
    decided_on: date | None = Field(default=None, description="Beslutsdatum (i dag om det saknas)")


# --- answers -----------------------------------------------------------------------------------


class CaseSummary(BaseModel):
    diarienummer: str
    masked: list[str] = Field(default_factory=list, description="Maskerade fält (sekretess)")
    title: str
    stage: str
    outcome: str | None
    area: str | None
    owner: str | None
    handlaggare: str | None
    end_date: date | None
    total_budget_sek: int | None
    updated_at: datetime


class CasePage(BaseModel):
    total: int  # exact when total_exact, else a lower bound (counting stops 1,000 rows ahead)
    total_exact: bool
    page: int
    per_page: int
    pages: int
    items: list[CaseSummary]


class FunderOut(BaseModel):
    code: str
    amount_sek: int | None
    status: FunderStatus
    decision_date: date | None
    case_id: str | None


_OUT_TYPES: dict[str, Any] = {
    "date": date, "amount": int, "bool": bool, "lines": list[str], "dnr_list": list[str],
    "funders": list[FunderOut], "outcome": Outcome, "version": int,
}  # fmt: skip


def _out_type(spec: CaseField) -> Any:
    kind = _OUT_TYPES.get(spec.kind, str)
    return kind | None if spec.nullable else kind


# Built from the declaration, so a declared field cannot be missing from the answer; and
# extra="forbid" makes a key the declaration lacks fail (a 500 and a failing test), where the
# default would silently drop it. The type checker sees a plain BaseModel.
if TYPE_CHECKING:
    CaseOut = BaseModel
else:
    CaseOut = create_model(
        "CaseOut",
        __config__=ConfigDict(extra="forbid"),
        __doc__="The case JSON (`caseflow case export`) plus its row version and last change.",
        **{spec.name: (_out_type(spec), ...) for spec in CASE_FIELDS if spec.api},
        row_version=(int, ...),
        updated_at=(datetime, ...),
        masked=(
            list[str],
            Field(
                default_factory=list,
                description="Fält under "
                "sekretessmarkering som din roll inte får se (maskerade: text som "
                "`[sekretess]`, belopp och datum som null)",
            ),
        ),
    )


class EditOut(BaseModel):
    diarienummer: str
    changes: dict[str, list[Any]] = Field(description="Fält → [före, efter]")
    row_version: int


class MoveOut(BaseModel):
    trigger: str
    label: str
    dest: str
    allowed: bool
    problems: list[str] = Field(description="Varför flytten inte går (tom om den går)")
    reason_required: bool
    roles: list[str]
    outcome: str | None


class TransitionOut(BaseModel):
    diarienummer: str
    trigger: str
    from_stage: str
    to_stage: str
    outcome: str | None
    row_version: int
    at: datetime


class EventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    kind: str = Field(description="create, import, edit eller transition")
    trigger: str | None
    from_stage: str | None
    to_stage: str | None
    reason: str | None
    changes: dict[str, Any] | None
    row_version: int


class MemoRenderOut(BaseModel):
    id: int
    kind: str
    format: str
    template_version: str
    content_hash: str
    memo_date: date
    warnings: list[str]
    created_by: str
    created_at: datetime


class DecisionOut(BaseModel):
    id: int
    diarienummer: str
    memo_id: int | None
    kind: str
    delegation_point: str | None = Field(description="Satt för delegationsbeslut (anmäls)")
    decided_on: date
    signed_by: str
    created_at: datetime


class UnreportedOut(BaseModel):
    id: int
    diarienummer: str
    title: str
    kind: str
    delegation_point: str
    decided_on: date
    signed_by: str


class MeetingOut(BaseModel):
    body: str
    day: date
    time: str | None
    cases: int
    created_at: datetime
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    minutes_posted_on: date | None = Field(
        default=None, description="Dagen då protokollet från sammanträdet anslogs"
    )


class AgendaOut(BaseModel):
    body: str
    day: date
    cases: list[CaseSummary]


class AgendaChange(BaseModel):
    diarienummer: str
    body: str
    day: date
    on_agenda: bool
    changed: bool
    warnings: list[str] = []  # the meeting's deadlines for the case already missed


class ReminderOut(BaseModel):
    diarienummer: str
    title: str
    rule: str
    label: str
    due_on: date
    remind_on: date
    status: str
    handlaggare: str | None
    updated_at: datetime
