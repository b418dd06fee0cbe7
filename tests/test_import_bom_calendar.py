"""Small findings of the probe: `cases import` reads a UTF-8 BOM like the other importers, and a
calendar for a person nobody registered is an error, not an empty file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Run

CASES = {"cases": [{"diarienummer": "RUN/71/2026", "title": "Åre kommuns skidspår",
                    "owner": "Åre kommun", "owner_is_region": False}]}  # fmt: skip


def test_cases_import_and_case_new_accept_a_bom(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "arenden.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(CASES, ensure_ascii=False).encode("utf-8"))
    code, _, err = cli("cases", "import", str(path))
    assert code == 0, err
    one = tmp_path / "ett.json"
    single = {**CASES["cases"][0], "diarienummer": "RUN/72/2026"}
    one.write_bytes(b"\xef\xbb\xbf" + json.dumps(single, ensure_ascii=False).encode("utf-8"))
    code, _, err = cli("case", "new", "--from-json", str(one))
    assert code == 0, err
    code, out, _ = cli("cases", "export", "--format", "json")
    titles = [c["title"] for c in json.loads(out)["cases"]]
    assert titles == ["Åre kommuns skidspår", "Åre kommuns skidspår"]


def test_calendar_for_an_unknown_person_is_an_error(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "okand.ics"
    code, out, err = cli("calendar", "--person", "okand@region.se", "-o", str(path))
    assert code == 1 and out == ""
    assert err.startswith("fel: ") and "okänd person 'okand@region.se'" in err
    assert err.count("\n") == 1 and not path.exists()
    assert cli("person", "add", "okand@region.se", "--name", "Ny", "--role", "handlaggare")[0] == 0
    assert cli("calendar", "--person", "okand@region.se", "-o", str(path))[0] == 0
