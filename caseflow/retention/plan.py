"""The information management plan (informationshanteringsplan) as data: for each document
type and case type, whether its documents are kept (`bevaras`) or disposed of (`gallras`) a
number of years after the case closed, and on what legal basis. Pure.

A document's rule is its document type's, else its case type's; a document whose type and case
type the plan does not name is kept (nothing is disposed of without a rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caseflow.errors import InputError
from caseflow.workflow.yamlpos import LocatedYaml, YamlSyntaxError, load_located

KEEP, DISPOSE = "bevaras", "gallras"


class RetentionPlanError(InputError):
    """The retention plan file is invalid (names file and line)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSpec(_Strict):
    code: str = Field(min_length=1, max_length=64)
    label: str | None = Field(default=None, max_length=200)
    retention: Literal["bevaras", "gallras"]
    years: int | None = Field(default=None, ge=0, le=200)
    legal_basis: str = Field(min_length=1, max_length=500)


class PlanSpec(_Strict):
    version: Literal[1]
    case_types: list[RuleSpec] = Field(default_factory=list)
    document_types: list[RuleSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    """One rule of the plan, `id` = "dokumenttyp:avtal" or "ärendetyp:regional_project"."""

    id: str
    retention: str
    years: int | None
    legal_basis: str

    @property
    def disposable(self) -> bool:
        return self.retention == DISPOSE

    def describe(self) -> str:
        if self.disposable:
            return f"gallras {self.years} år efter avslut"
        return "bevaras"


KEEP_BY_DEFAULT = Rule(
    id="ingen regel", retention=KEEP, years=None,
    legal_basis="Planen saknar regel: handlingen bevaras tills planen säger annat",
)  # fmt: skip


@dataclass(frozen=True)
class RetentionPlan:
    case_types: Mapping[str, Rule]
    document_types: Mapping[str, Rule]

    def rule_for(self, *, doc_type: str | None, case_type: str) -> Rule:
        if doc_type is not None and doc_type in self.document_types:
            return self.document_types[doc_type]
        return self.case_types.get(case_type, KEEP_BY_DEFAULT)


def disposal_date(rule: Rule, closed_on: date | None) -> date | None:
    """When a document under `rule` may be disposed of: `years` after the case closed (the
    same day; 29 February becomes 28 February). None: kept, or the case is still open."""
    if not rule.disposable or closed_on is None or rule.years is None:
        return None
    try:
        return closed_on.replace(year=closed_on.year + rule.years)
    except ValueError:
        return closed_on.replace(year=closed_on.year + rule.years, day=28)


def load_plan(
    path: Path, *, known_doc_types: Iterable[str], known_case_types: Iterable[str]
) -> RetentionPlan:
    """Read and check the plan.

    Raises:
        RetentionPlanError: every problem, one per line, as `FILE:LINE: message`.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise RetentionPlanError(f"{path}: kan inte läsa filen: {err.strerror}") from err
    return parse_plan(text, source=path, known_doc_types=set(known_doc_types),
                      known_case_types=set(known_case_types))  # fmt: skip


def parse_plan(
    text: str, *, source: Path, known_doc_types: set[str], known_case_types: set[str]
) -> RetentionPlan:
    try:
        located = load_located(text)
    except YamlSyntaxError as err:
        raise RetentionPlanError(f"{source}:{err.line or '?'}: {err}") from err
    if not isinstance(located.data, Mapping):
        raise RetentionPlanError(f"{source}:1: planen måste vara en YAML-mappning")
    try:
        spec = PlanSpec.model_validate(located.data)
    except ValidationError as err:
        raise RetentionPlanError(_format(err, located, source)) from err
    problems: list[str] = []
    rules: dict[str, dict[str, Rule]] = {"case_types": {}, "document_types": {}}
    known = {"case_types": known_case_types, "document_types": known_doc_types}
    prefix = {"case_types": "ärendetyp", "document_types": "dokumenttyp"}
    for section in ("case_types", "document_types"):
        for index, item in enumerate(getattr(spec, section)):
            where = f"{source}:{located.line_of((section, index)) or '?'}"
            if item.code not in known[section]:
                problems.append(f"{where}: {prefix[section]} {item.code!r} finns inte")
            if item.code in rules[section]:
                problems.append(f"{where}: {item.code!r} står två gånger")
            if item.retention == DISPOSE and item.years is None:
                problems.append(f"{where}: {item.code}: gallras kräver years (antal år)")
            if item.retention == KEEP and item.years is not None:
                problems.append(f"{where}: {item.code}: bevaras tar inget years")
            rules[section][item.code] = Rule(
                id=f"{prefix[section]}:{item.code}", retention=item.retention,
                years=item.years, legal_basis=item.legal_basis,
            )  # fmt: skip
    if problems:
        raise RetentionPlanError("\n".join(problems))
    return RetentionPlan(case_types=rules["case_types"], document_types=rules["document_types"])


def _format(err: ValidationError, located: LocatedYaml, source: Path) -> str:
    out = []
    for item in err.errors():
        loc = tuple(item["loc"])
        where = ".".join(str(part) for part in loc) or "(roten)"
        message = "okänd nyckel" if item["type"] == "extra_forbidden" else item["msg"]
        out.append(f"{source}:{located.line_of(loc) or '?'}: {where}: {message}")
    return "\n".join(out)
