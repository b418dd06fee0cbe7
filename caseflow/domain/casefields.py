"""Every field of a case, declared once: the case JSON, the edit form, the API and the table
follow this list (derived from it, or checked against it by tests/test_casefields.py).

`docs/adding-a-field.md` says which files a new field touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

#: What a field holds, which decides how it is parsed, shown and stored:
#: text (one line, bounded), long_text (paragraphs, bounded by max_length), date (ISO date), amount
#: (whole kronor, 0..MAX_SEK), bool, email, lines (list of text, one per line in the form, at most
#: max_length lines of MAX_LINE_LENGTH characters), dnr (a diarienummer), dnr_list
#: (comma-separated diarienummer, at most max_length), funders (the financing plan,
#: table case_funders), stage (a workflow state), outcome (how a closed case ended),
#: workflow (a workflow's name), version (a positive 32-bit integer).
Kind = Literal[
    "text", "long_text", "date", "amount", "bool", "email", "lines", "dnr", "dnr_list",
    "funders", "stage", "outcome", "workflow", "version",
]  # fmt: skip

MAX_SEK = 10**13  # ten trillion kronor: far above any project, well inside a 64-bit integer
#: Free text: every text, long_text and lines field declares a max_length (README "Limits");
#: a long_text column is VARCHAR without a length (unbounded on PostgreSQL, TEXT on SQLite),
#: so the bound is the declaration's, not the column's.
MAX_LONG_TEXT = 20_000
MAX_LINE_LENGTH = 1_000  # one line of a lines field
MAX_LINES = 100  # lines of a lines field, diarienummer of a dnr_list field
MAX_VERSION = 2**31 - 1  # row and workflow versions are 32-bit columns
#: Dates a case may carry: the diarienummer years; outside them deadline arithmetic overflows.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)

#: What the form appends to a label, so the officer knows how to write the value.
FORM_HINTS: dict[str, str] = {
    "dnr_list": " (kommaseparerade)",
    "lines": " (ett per rad)",
    "email": " (e-post)",
    "amount": " (kr)",
}


@dataclass(frozen=True, kw_only=True)
class CaseField:
    """One field of the case JSON.

    `required`: the case JSON must give it (else `default`, a fresh list for list kinds).
    `editable`: `case edit --set`, the web form and PATCH may change it.
    `column`: stored in the `cases` column of the same name (else see tests/test_casefields.py).
    `api`, `sheet`, `report`: shown by GET /api/v1/cases/…, a column of its own in the portfolio
    spreadsheet (csv/xlsx), a value of the portfolio report's project rows.
    """

    name: str
    kind: Kind
    label: str  # Swedish, as the case page shows it
    required: bool = False
    default: Any = None
    max_length: int | None = None
    editable: bool = True
    column: bool = True
    api: bool = True
    sheet: bool = False
    report: bool = False

    @property
    def is_list(self) -> bool:
        return self.kind in ("lines", "dnr_list", "funders")

    @property
    def nullable(self) -> bool:
        """Whether a stored case may hold null here (stage and version are set on creation)."""
        return not (
            self.required or self.is_list or self.default is not None
            or self.kind in ("stage", "version")
        )  # fmt: skip

    @property
    def form_label(self) -> str:
        return self.label + FORM_HINTS.get(self.kind, "")

    @property
    def bounds(self) -> tuple[int, int] | None:
        """(least, greatest) for an integer field."""
        return {"amount": (0, MAX_SEK), "version": (1, MAX_VERSION)}.get(self.kind)


def _f(name: str, kind: Kind, label: str, **options: Any) -> CaseField:
    return CaseField(name=name, kind=kind, label=label, **options)


# In the order of the case JSON's keys (README "The case JSON").
CASE_FIELDS: tuple[CaseField, ...] = (
    _f("diarienummer", "dnr", "Diarienummer", required=True, editable=False, column=False,
       sheet=True, report=True),
    _f("other_diarienummer", "dnr_list", "Andra diarienummer", max_length=MAX_LINES, report=True),
    _f("title", "text", "Projektnamn", required=True, max_length=500, sheet=True, report=True),
    _f("purpose", "long_text", "Syfte", max_length=MAX_LONG_TEXT, sheet=True, report=True),
    _f("area", "text", "Område", max_length=300, sheet=True, report=True),
    _f("priority", "text", "Prioritering", max_length=300, sheet=True, report=True),
    _f("strategy", "text", "Strategi eller plan som projektet bidrar till", max_length=300),
    _f("start_date", "date", "Startdatum", sheet=True, report=True),
    _f("end_date", "date", "Slutdatum", sheet=True, report=True),
    _f("owner", "text", "Projektägare", max_length=300, sheet=True, report=True),
    _f("owner_is_region", "bool", "Regionen äger projektet", default=True, sheet=True,
       report=True),
    _f("total_budget_sek", "amount", "Total budget", sheet=True, report=True),
    _f("funders", "funders", "Externa finansiärer", editable=False, column=False, sheet=True,
       report=True),
    _f("own_financing", "long_text", "Egen medfinansiering", max_length=MAX_LONG_TEXT, sheet=True,
       report=True),
    _f("follow_up_status", "text", "Uppföljningsstatus", max_length=200, sheet=True, report=True),
    _f("follow_up_comment", "long_text", "Uppföljningskommentar", max_length=MAX_LONG_TEXT,
       sheet=True, report=True),
    _f("final_report_date", "date", "Slutrapport inlämnad"),
    _f("stage", "stage", "Steg", editable=False, sheet=True, report=True),
    _f("outcome", "outcome", "Utfall", editable=False),
    _f("handlaggare", "email", "Handläggare"),
    _f("background", "long_text", "Ärendebeskrivning", max_length=MAX_LONG_TEXT),
    _f("decision_basis", "lines", "Beslutsunderlag", max_length=MAX_LINES),
    _f("copies", "lines", "Utdrag till", max_length=MAX_LINES),
    _f("anchoring_body", "text", "Förankrat i", max_length=300),
    _f("anchoring_date", "date", "Förankrat datum"),
    _f("workflow", "workflow", "Arbetsflöde", default="regional_project", editable=False),
    _f("workflow_version", "version", "Arbetsflödesversion", editable=False),
)  # fmt: skip

FIELDS: dict[str, CaseField] = {f.name: f for f in CASE_FIELDS}
#: The keys of the case JSON, in order.
CASE_KEYS: tuple[str, ...] = tuple(FIELDS)
#: Fields `case edit --set` (and the form, and PATCH) may change; stage/outcome move only
#: through triggers, funders through `case funder set`.
EDITABLE_FIELDS: tuple[str, ...] = tuple(f.name for f in CASE_FIELDS if f.editable)


def fields_of(kind: Kind) -> tuple[str, ...]:
    """The names of the fields of one kind, in JSON order."""
    return tuple(f.name for f in CASE_FIELDS if f.kind == kind)
