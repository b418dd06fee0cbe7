"""Input refused before it can overflow date arithmetic or break a driver: far dates, huge
versions, lone surrogates, control characters in list filters."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from caseflow.cases.caselist import FILTER_LABELS, CaseFilter
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.checks import check_text
from caseflow.errors import InputError
from caseflow.meetings.service import check_meeting


@pytest.mark.parametrize(
    "extra",
    [
        {"end_date": "9999-12-31"},
        {"start_date": "0001-01-01"},
        {"anchoring_date": "1899-12-31"},
        {"funders": [{"code": "esf", "decision_date": "2200-01-01"}]},
        {"workflow_version": 2**70},
        {"title": "a\ud800b"},
        {"purpose": "nul\x00"},
    ],
)
def test_case_doc_refuses_values_the_engine_cannot_handle(extra: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        CaseDoc.model_validate({"diarienummer": "RUN/1/2025", "title": "T", **extra})


def test_dates_at_the_bounds_are_fine() -> None:
    doc = CaseDoc(diarienummer="RUN/1/2025", title="T", start_date=date(1900, 1, 1),
                  end_date=date(2199, 12, 31))  # fmt: skip
    assert doc.end_date == date(2199, 12, 31)


def test_meeting_dates_are_bounded() -> None:
    with pytest.raises(InputError, match="mellan 1900-01-01 och 2199-12-31"):
        check_meeting("RUN", "0001-01-01", None, where="plan.yaml:3")


def test_lone_surrogates_are_refused_in_free_text() -> None:
    with pytest.raises(InputError, match="motivering: otillåtet"):
        check_text("bra\udc00", field="motivering")


@pytest.mark.parametrize("name", ["q", "stage", "area", "funder", "owner", "handlaggare"])
def test_list_filters_refuse_control_characters(name: str) -> None:
    label = FILTER_LABELS[name]  # the message names the field as the form does
    with pytest.raises(InputError, match=f"^{label}: otillåtet kontrolltecken"):
        CaseFilter(**{name: "a\x00b"}).checked()
