"""The rest of the probe's tracebacks (#16.9) and English messages (#16.10): each input is one
Swedish `fel:` line and exit 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel, Field, ValidationError

from caseflow.domain.validation import message_of
from caseflow.settings import PROJECT_ROOT
from tests.conftest import Run
from tests.webkit import Web

ENGLISH = re.compile(r"\b(Input should|should be|Value error|valid|less than|greater than|"
                     r"Field required|Extra inputs)\b")  # fmt: skip


def one_swedish_line(code: int, err: str) -> None:
    assert code == 1, err
    assert err.startswith("fel: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and not ENGLISH.search(err), err


def test_calendar_body_with_a_line_break(cli: Run, tmp_path: Path) -> None:
    assert cli("meetings", "add", "2027-01-13")[0] == 0
    code, _, err = cli("calendar", "-o", str(tmp_path / "x.ics"), "--body", "RUN\r\nX")
    one_swedish_line(code, err)
    assert "ogiltig nämnd" in err
    assert not (tmp_path / "x.ics").exists()


@pytest.mark.parametrize("moment", ["0001-01-01", "9999-12-31T23:59"])
def test_reminders_now_out_of_range(cli: Run, moment: str) -> None:
    code, _, err = cli("reminders", "run-once", "--now", moment)
    one_swedish_line(code, err)
    assert "--now: datumet måste ligga mellan" in err


def test_a_workflow_version_too_large_to_store(cli: Run, tmp_path: Path) -> None:
    source = (PROJECT_ROOT / "workflows" / "regional_project.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "regional_project.yaml"
    bad.write_text(re.sub(r"(?m)^version: .*$", "version: " + "1" + "0" * 23, source),
                   encoding="utf-8")  # fmt: skip
    code, _, err = cli("workflow", "check", str(bad))
    one_swedish_line(code, err)
    assert f"{bad}:" in err and "version: får vara högst 2147483647" in err


def test_workflow_type_errors_are_in_swedish(cli: Run, tmp_path: Path) -> None:
    source = (PROJECT_ROOT / "workflows" / "regional_project.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "regional_project.yaml"
    bad.write_text(re.sub(r"(?m)^version: .*$", "version: [1]", source), encoding="utf-8")
    code, _, err = cli("workflow", "check", str(bad))
    one_swedish_line(code, err)
    assert "version: måste vara ett heltal" in err


def test_a_bad_setting_is_in_swedish(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEFLOW_SMTP_PORT", "många")
    code, _, err = cli("case", "list")
    one_swedish_line(code, err)
    assert "CASEFLOW_SMTP_PORT: måste vara ett heltal" in err


def test_no_pydantic_kind_reaches_a_user_in_english() -> None:
    class Model(BaseModel):
        url: str = Field(pattern=r"^x$")
        count: int = Field(ge=0, le=9)
        ratio: float

    try:
        Model.model_validate({"url": "y", "count": 10, "ratio": "z", "other": 1})
    except ValidationError as err:
        messages = [message_of(item) for item in err.errors()]
    assert messages == ["har fel form", "får vara högst 9", "ogiltigt värde"]


def test_api_answers_its_own_errors_in_swedish(web: Web) -> None:
    api = web.api("anna@example.se")
    deep = api.post("/api/v1/cases", content=b"[" * 200_000 + b"]" * 200_000,
                    headers={"content-type": "application/json"})  # fmt: skip
    assert deep.status_code == 400
    assert deep.json()["detail"].startswith("begärans innehåll kunde inte läsas")
    missing = api.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "adressen finns inte i API:t (se /api/v1/openapi.json)"}
    wrong = api.patch("/api/v1/meetings")
    assert wrong.status_code == 405
    assert wrong.json() == {"detail": "metoden går inte att använda på den här adressen"}
    assert "allow" in wrong.headers


@pytest.mark.parametrize("url", ["foo://x", "nonsense", "postgresql+nope://u:hemligt@h/x"])
def test_a_bad_database_url(
    url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import cli_runner

    code, _, err = cli_runner(url, capsys)("case", "list")
    one_swedish_line(code, err)
    assert "ogiltig databas-URL" in err and "hemligt" not in err


def test_a_row_number_beyond_the_databases_integer_is_422_not_500(web: Web) -> None:
    api = web.api("anna@example.se")
    huge = "99999999999999999999"
    assert api.get(f"/api/v1/cases/RUN/1/2024/memos/{huge}").status_code == 422
    assert api.get(f"/api/v1/cases/RUN/1/2024/handlings/{huge}").status_code == 422
