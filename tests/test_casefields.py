"""The one field list (caseflow/domain/casefields.py) and everything that must agree with it.

Where a place is derived from the list these tests pin the derivation; where it is written by
hand (CaseDoc's types, the Case table, the portfolio sheet and report) they fail naming the
field that is missing or different.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import AutoString

from caseflow.domain.casedoc import EDITABLE_FIELDS, CaseDoc, FunderDoc, Outcome
from caseflow.domain.casefields import CASE_FIELDS, CASE_KEYS, FIELDS
from caseflow.portfolio.report import ReportProject
from caseflow.portfolio.sheet import COLUMNS
from caseflow.store.casemap import PLAIN_FIELDS, case_to_dict, new_case
from caseflow.store.models import Case
from caseflow.web.api.models import CaseOut, CaseSummary
from caseflow.web.forms import LABELS, display
from tests.webkit import Web

#: Case columns that are no field of the case JSON: the key, the diarienummer's three parts
#: (the JSON's `diarienummer`), the optimistic lock, the worker's flag and the timestamps.
COLUMNS_NOT_FIELDS = {
    "id", "dnr_prefix", "dnr_serial", "dnr_year", "row_version", "reminders_stale",
    "created_at", "updated_at", "notes_text",
}  # fmt: skip
#: Fields without a column of their own: the diarienummer (three columns above) and the funders
#: (table case_funders).
FIELDS_NOT_COLUMNS = {"diarienummer", "funders"}

NOW = datetime(2025, 1, 6, 9, tzinfo=UTC)
_DOC_TYPES: dict[str, Any] = {
    "date": date, "amount": int, "bool": bool, "lines": list[str], "dnr_list": list[str],
    "funders": list[FunderDoc], "outcome": Outcome, "version": int,
}  # fmt: skip
_COLUMN_TYPES: dict[str, Any] = {
    "date": sa.Date, "amount": sa.BigInteger, "bool": sa.Boolean, "lines": sa.JSON,
    "dnr_list": sa.JSON, "version": sa.Integer,
}  # fmt: skip


def _optional(kind: Any, nullable: bool) -> Any:
    return kind | None if nullable else kind


def test_names_are_unique_and_the_order_is_the_documented_one() -> None:
    assert len(FIELDS) == len(CASE_FIELDS)
    assert CASE_KEYS[0] == "diarienummer" and CASE_KEYS[-1] == "workflow_version"


def test_case_doc_has_every_declared_field_with_its_type_in_order() -> None:
    assert list(CaseDoc.model_fields) == list(CASE_KEYS)
    hints = typing.get_type_hints(CaseDoc)
    for spec in CASE_FIELDS:
        may_omit = not (spec.required or spec.is_list or spec.default is not None)
        expected = _optional(_DOC_TYPES.get(spec.kind, str), may_omit)
        assert hints[spec.name] == expected, f"CaseDoc.{spec.name}: {hints[spec.name]}"


def test_case_doc_takes_defaults_and_bounds_from_the_declaration() -> None:
    doc = CaseDoc(diarienummer="RUN/1/2025", title="x")
    for spec in CASE_FIELDS:
        if not spec.required:
            assert getattr(doc, spec.name) == ([] if spec.is_list else spec.default), spec.name
        info = CaseDoc.model_fields[spec.name]
        lengths = [m.max_length for m in info.metadata if hasattr(m, "max_length")]
        assert lengths == ([spec.max_length] if spec.max_length else []), spec.name
        least = [m.ge for m in info.metadata if hasattr(m, "ge")]
        most = [m.le for m in info.metadata if hasattr(m, "le")]
        assert (least, most) == (([spec.bounds[0]], [spec.bounds[1]]) if spec.bounds else ([], []))


def test_every_declared_field_has_its_column_and_every_column_its_field() -> None:
    columns = {c.name: c for c in Case.__table__.columns}  # type: ignore[attr-defined]
    stored = {f.name for f in CASE_FIELDS if f.column}
    assert {f.name for f in CASE_FIELDS if not f.column} == FIELDS_NOT_COLUMNS
    assert not stored - set(columns), f"fields without a Case column: {stored - set(columns)}"
    extra = set(columns) - stored - COLUMNS_NOT_FIELDS
    assert not extra, f"Case columns missing from casefields.py: {extra}"
    for name in sorted(stored):
        spec, column = FIELDS[name], columns[name]
        assert column.nullable == spec.nullable, f"cases.{name}: nullable {column.nullable}"
        wanted = _COLUMN_TYPES.get(spec.kind, (sa.String, AutoString))
        assert isinstance(column.type, wanted), f"cases.{name}: {column.type!r}, not {wanted}"
        length = getattr(column.type, "length", None)
        if spec.kind == "text":
            assert length == spec.max_length, f"cases.{name}: length {length}"
        if spec.kind == "long_text":  # unbounded in the database: the declaration bounds it
            assert length is None and spec.max_length, f"cases.{name}: length {length}"


def test_plain_fields_are_the_columns_an_edit_or_import_sets() -> None:
    assert set(EDITABLE_FIELDS) <= set(PLAIN_FIELDS) | FIELDS_NOT_COLUMNS
    assert not {"stage", "outcome", "workflow", "workflow_version"} & set(PLAIN_FIELDS)


def test_case_json_follows_the_declaration() -> None:
    doc = CaseDoc(diarienummer="RUN/1/2025", title="x", funders=[FunderDoc(code="esf")])
    case = new_case(doc, stage="idea", workflow_version=2, now=NOW)
    data = case_to_dict(case)
    assert list(data) == list(CASE_KEYS)
    assert data["funders"][0]["code"] == "esf"


def test_the_form_shows_every_editable_field_with_its_label() -> None:
    assert list(EDITABLE_FIELDS) == [f.name for f in CASE_FIELDS if f.editable]
    assert set(LABELS) == set(EDITABLE_FIELDS)
    assert next(iter(LABELS)) == "title"
    assert LABELS["total_budget_sek"] == "Total budget (kr)"
    assert LABELS["other_diarienummer"] == "Andra diarienummer (kommaseparerade)"
    assert display("decision_basis", ["a", "b"]) == "a\nb"
    assert display("owner_is_region", False) == "false"


def test_case_out_has_the_api_fields_and_refuses_an_unknown_one() -> None:
    assert list(CaseOut.model_fields) == [
        *(f.name for f in CASE_FIELDS if f.api), "row_version", "updated_at", "masked",
    ]  # fmt: skip
    doc = CaseDoc(diarienummer="RUN/1/2025", title="x")
    case = new_case(doc, stage="idea", workflow_version=2, now=NOW)
    answer = {**case_to_dict(case), "row_version": 1, "updated_at": NOW}
    CaseOut.model_validate(answer)
    with pytest.raises(ValidationError, match="not_declared"):
        CaseOut.model_validate({**answer, "not_declared": 1})
    assert set(CaseSummary.model_fields) - {"updated_at", "masked"} <= set(CASE_KEYS)
    del answer["anchoring_body"]
    with pytest.raises(ValidationError, match="anchoring_body"):
        CaseOut.model_validate(answer)


def test_the_sheet_and_the_report_carry_the_declared_fields() -> None:
    derived = {"decision_point", "stage_label"}  # computed from the stage, not stored
    sheet = {key for key, _ in COLUMNS} - derived
    assert sheet == {f.name for f in CASE_FIELDS if f.sheet}
    report = {f.name for f in dataclasses.fields(ReportProject)} - derived
    assert report == {f.name for f in CASE_FIELDS if f.report}


#: A value of each kind that is valid and not the default; a new kind needs one here.
SAMPLES: dict[str, Any] = {
    "dnr": "RUN/11/2025", "dnr_list": ["RUN/12/2025"], "text": "Kort text",
    "long_text": "Längre text.\nTvå rader.", "date": "2025-02-01", "amount": 1_200_000,
    "bool": False, "email": "anna@example.se", "lines": ["Ansökan", "Budget"],
    "funders": [{"code": "esf", "amount_sek": 400_000, "status": "applied",
                 "decision_date": "2025-03-01", "case_id": "ESF-1"}],
    "stage": "idea", "outcome": None, "workflow": "regional_project", "version": 2,
}  # fmt: skip
FULL_CASE = {f.name: SAMPLES[f.kind] for f in CASE_FIELDS}


def test_the_api_returns_every_declared_field(web: Web) -> None:
    assert [k for k, v in FULL_CASE.items() if v is None] == ["outcome"]  # a new case is open
    api = web.api("anna@example.se")
    assert api.post("/api/v1/cases", json=FULL_CASE).status_code == 201
    answer = api.get("/api/v1/cases/RUN/11/2025").json()
    assert list(answer) == [
        *(f.name for f in CASE_FIELDS if f.api),
        "row_version",
        "updated_at",
        "masked",
    ]
    for spec in CASE_FIELDS:
        assert answer[spec.name] == FULL_CASE[spec.name], spec.name
