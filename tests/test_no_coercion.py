"""The case JSON takes numbers and dates as written, never by pydantic's lax coercion: `true` is
no amount, `1_000` and `١٢٣` are no integers, a unix timestamp is no date — through the case
JSON, `cases import` and the API alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from caseflow.domain.casedoc import CaseDoc, parse_case_doc
from caseflow.errors import InputError
from tests.conftest import Run
from tests.webkit import Web

BASE = {"diarienummer": "RUN/66/2026", "title": "Strömsunds fiberprojekt",
        "owner": "Strömsunds kommun", "owner_is_region": False}  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "message"),
    [({"total_budget_sek": True}, "total_budget_sek: måste vara ett heltal (fick True)"),
     ({"total_budget_sek": "1_000"}, "total_budget_sek: måste vara ett heltal"),
     ({"total_budget_sek": "\u0661\u0662\u0663"}, "total_budget_sek: måste vara ett heltal"),
     ({"workflow_version": False}, "workflow_version: måste vara ett heltal"),
     ({"start_date": 1_767_225_600}, "start_date: ogiltigt datum, skriv ÅÅÅÅ-MM-DD"),
     ({"end_date": "1767225600"}, "end_date: ogiltigt datum"),
     ({"anchoring_date": 20260101.0}, "anchoring_date: ogiltigt datum"),
     ({"funders": [{"code": "esf", "amount_sek": True}]}, "funders.0.amount_sek: måste vara"),
     ({"funders": [{"code": "esf", "decision_date": 86_400}]},
      "funders.0.decision_date: ogiltigt")],
)  # fmt: skip
def test_lax_values_are_refused(extra: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_case_doc({**BASE, **extra}, where="fil.json")


def test_plain_values_still_read() -> None:
    doc = CaseDoc.model_validate({
        **BASE, "total_budget_sek": 1_200_000, "start_date": "2026-03-01", "workflow_version": "2",
        "funders": [{"code": "esf", "amount_sek": "300000"}],
    })  # fmt: skip
    assert (doc.total_budget_sek, str(doc.start_date), doc.workflow_version) == (
        1_200_000, "2026-03-01", 2)  # fmt: skip
    assert doc.funders[0].amount_sek == 300_000


def test_import_and_api_refuse_a_boolean_budget(cli: Run, web: Web, tmp_path: Path) -> None:
    path = tmp_path / "arenden.json"
    path.write_text(json.dumps({"cases": [{**BASE, "total_budget_sek": True}]}), encoding="utf-8")
    code, _, err = cli("cases", "import", str(path))
    assert code == 1 and "total_budget_sek: måste vara ett heltal" in err
    api = web.api("anna@example.se")
    response = api.post("/api/v1/cases", json={**BASE, "start_date": 1_767_225_600})
    assert response.status_code in (400, 422) and "ogiltigt datum" in response.text
    assert api.get("/api/v1/cases/RUN/66/2026").status_code == 404
