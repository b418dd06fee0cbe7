"""The national compilation through the CLI (import, list, export; bad input), the API and the
page (search form, own region first and marked, section 8's prose, downloads)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from caseflow.results.national_service import import_compilation, list_national
from caseflow.store.db import Database
from tests.conftest import FakeClock, Run, cli_runner
from tests.webkit import Web, alert_of

SMALL = Path(__file__).parent / "fixtures" / "national_small.txt"
ANNA = "anna@example.se"


def test_cli_import_list_and_export(cli: Run, tmp_path: Path) -> None:
    code, out, err = cli("results", "national", "import", str(SMALL))
    assert code == 0, err
    assert out.startswith(
        "läste in sammanställningen för 2023: 5 tabellrader, 18 svar i avsnitt 8, 3 regioner\n"
    )
    assert "avsnitt 1: 3 rader\n  Blekinge 1, Jämtland Härjedalen 1, Östergötland 1\n" in out
    assert "inga insatser i tabellform, avsnitt 5: Jämtland Härjedalen\n" in out
    assert "regioner som saknas: Dalarna, Gotland" in out
    assert 'obs: rad 50: "Blekinge …" i avsnitt 1 lästes som text' in out
    code, out, _ = cli("results", "national", "import", str(SMALL), "--year", "2023")
    assert code == 0 and "(ersatte 24 tidigare poster)" in out
    code, out, _ = cli("results", "national", "list", "--section", "1")
    assert code == 0 and out.startswith("Nationell sammanställning 2023: 3 poster\n")
    lines = out.splitlines()
    assert lines[1] == "1 Jämtland Härjedalen (egen region): Regionalt serviceprogram 2023–2030"
    code, out, _ = cli("results", "national", "list", "--search", "laddinfrastruktur", "--json")
    data = json.loads(out)
    assert data["own_region"] == "Jämtland Härjedalen"
    assert [(e["region"], e["section"], e["own"]) for e in data["entries"]] == [
        ("Östergötland", 1, False)
    ]
    code, out, _ = cli("results", "national", "list", "--region", "Region Blekinge", "--section",
                       "8", "--json")  # fmt: skip
    assert [e["question"] for e in json.loads(out)["entries"]] == [f"8.{q}" for q in range(1, 7)]
    target = tmp_path / "nationell.xlsx"
    code, out, _ = cli("results", "national", "export", "-o", str(target), "--section", "5")
    assert code == 0 and out.startswith(f"skrev {target} (3 poster")
    rows = list(load_workbook(io.BytesIO(target.read_bytes())).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert [r[3] for r in rows[1:]] == ["Jämtland Härjedalen", "Blekinge", "Östergötland"]
    assert rows[1][2] == "inga insatser i tabellform"
    as_csv = tmp_path / "n.csv"
    code, _, _ = cli("results", "national", "export", "--format", "csv", "-o", str(as_csv))
    assert code == 0 and as_csv.read_bytes().startswith("\ufeffÅr;".encode())


def test_cli_bad_input_is_one_fel_line_and_changes_nothing(cli: Run, tmp_path: Path) -> None:
    assert cli("results", "national", "import", str(SMALL))[0] == 0
    not_it = tmp_path / "protokoll.txt"
    not_it.write_text("Protokoll fört vid sammanträde\n\nRegion Blekinge\n", encoding="utf-8")
    code, out, err = cli("results", "national", "import", str(not_it))
    assert code == 1 and out == ""
    assert err.startswith('fel: protokoll.txt: rad 1: ingen tabell med rubriken "Region Namn')
    empty = tmp_path / "tom.txt"
    empty.write_text("", encoding="utf-8")
    code, _, err = cli("results", "national", "import", str(empty))
    assert code == 1 and err.startswith("fel: tom.txt: filen är tom")
    code, _, err = cli("results", "national", "import", str(tmp_path / "saknas.txt"))
    assert code == 1 and err.startswith("fel: ")
    code, _, err = cli("results", "national", "list", "--region", "Lappland")
    assert code == 1 and err.startswith("fel: okänd region 'Lappland'")
    code, _, err = cli("results", "national", "export", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and err.startswith("fel: okänt format 'pdf'")
    code, out, _ = cli("results", "national", "list", "--json")
    assert len(json.loads(out)["entries"]) == 24  # the first import is untouched


def test_cli_import_on_every_backend(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli_runner(database.url, capsys)
    code, out, _ = run("results", "national", "import", str(SMALL))
    assert code == 0 and "5 tabellrader" in out
    assert len(list_national(db=database).entries) == 24


def test_api_filters_and_own_region(web_any: Web) -> None:
    anna = web_any.api(ANNA)
    empty = anna.get("/api/v1/national-results").json()
    assert empty == {"year": None, "years": [], "own_region": "Jämtland Härjedalen", "entries": []}
    import_compilation(db=web_any.db, text_=SMALL.read_text(encoding="utf-8"), source="n.txt",
                       actor=ANNA, clock=web_any.clock)  # fmt: skip
    data = anna.get("/api/v1/national-results", params={"section": 1, "own_first": "true"}).json()
    assert data["year"] == 2023
    assert [(e["region"], e["own"]) for e in data["entries"]] == [
        ("Jämtland Härjedalen", True), ("Blekinge", False), ("Östergötland", False),
    ]  # fmt: skip
    found = anna.get("/api/v1/national-results", params={"search": "Karlskrona"}).json()
    assert [(e["region"], e["question"]) for e in found["entries"]] == [("Blekinge", "8.6")]
    assert found["entries"][0]["question_text"].startswith("Beskrivning på vilket sätt")
    bad = anna.get("/api/v1/national-results", params={"region": "Lappland"})
    assert bad.status_code == 400 and "okänd region" in bad.json()["detail"]
    assert anna.get("/api/v1/national-results", params={"section": 9}).status_code == 422
    assert web_any.client().get("/api/v1/national-results").status_code == 401


def test_the_page_searches_marks_the_own_region_and_downloads(web: Web, clock: FakeClock) -> None:
    anna = web.client(ANNA)
    assert "Ingen nationell sammanställning är inläst" in anna.get("/results/national").text
    assert 'href="/results/national"' in anna.get("/results").text
    import_compilation(db=web.db, text_=SMALL.read_text(encoding="utf-8"), source="n.txt",
                       actor=ANNA, clock=clock)  # fmt: skip
    first = anna.get("/results/national").text  # section 1 until the user chooses
    assert '<option value="1" selected>' in first and 'id="nat-s5"' not in first
    page = anna.get("/results/national", params={"section": ""}).text
    assert "Redovisningsår 2023" in page and page.count('class="own"') == 2  # a row, section 8
    section_1 = page.split('id="nat-s1"')[1].split('id="nat-s5"')[0]
    assert section_1.index("Jämtland Härjedalen<br><strong") < section_1.index(">Blekinge<")
    assert "Inga insatser i tabellform: Jämtland Härjedalen." in page
    assert "8.3 Beskrivning av hur anslaget har bidragit" in page
    assert 'href="/results/national/export.csv"' in page
    hits = anna.get("/results/national", params={"q": "servicepunkter", "section": "1"}).text
    assert "Servicepunkter på landsbygden" in hits and "Ladda Östergötland" not in hits
    assert 'href="/results/national/export.xlsx?section=1&amp;q=servicepunkter"' in hits
    assert '<option value="1" selected>' in hits
    none = anna.get("/results/national", params={"q": "zzzyxw"}).text
    assert "Inget i sammanställningen matchar sökningen." in none
    bad = anna.get("/results/national", params={"region": "Lappland"})
    assert bad.status_code == 400 and "okänd region" in alert_of(bad.text)
    csv = anna.get("/results/national/export.csv", params={"region": "Östergötland"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    body = csv.content.decode("utf-8")
    assert body.count("\r\n") == 1 + 2 + 6 and "Östergötland" in body and "Blekinge;" not in body
    xlsx = anna.get("/results/national/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert anna.get("/results/national/export.pdf").status_code == 400
    assert anna.get("/results/2025").status_code != 422  # the report route still takes years
