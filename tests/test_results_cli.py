"""`caseflow results …`: new, import-answers, answer, show; bad input is one `fel:` line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Run

FIXTURE = Path(__file__).parent / "fixtures" / "results_nordanby_2024.txt"


def _show(cli: Run, year: str = "2024") -> dict:
    code, out, _ = cli("results", "show", year, "--json")
    assert code == 0
    return json.loads(out)


def test_the_yearly_cycle_from_new_to_show(cli: Run, tmp_path: Path) -> None:
    code, out, _ = cli("results", "new", "2024")
    assert code == 0 and "28 frågor, utkast" in out
    code, out, _ = cli("results", "import-answers", str(FIXTURE), "--year", "2024")
    assert code == 0
    assert "placerade 31 svar: 1.1, 1.2" in out and "2.3: numret var borta i filen" in out
    assert "ej placerade: inga" in out
    answer = tmp_path / "svar.txt"
    answer.write_bytes("Nytt svar på 6.3.\r\nAndra raden.".encode())
    code, out, _ = cli(
        "results", "answer", "2024", "6.3", "--file", str(answer), "--expect-version", "1",
        "--actor", "eva@region.se",
    )  # fmt: skip
    assert code == 0 and out.startswith("sparade 6.3 (version 2); avsnitt 6:")
    data = _show(cli)
    six = data["sections"][5]
    assert (six["limit"], six["over_limit"]) == (5000, False)
    slot = six["questions"][2]["answers"][0]
    assert (slot["answer"], slot["version"], slot["updated_by"]) == (
        "Nytt svar på 6.3.\nAndra raden.", 2, "eva@region.se",
    )  # fmt: skip
    part = data["sections"][4]["questions"][0]["answers"][3]
    assert (part["slot"], part["choice"], part["options"]) == (
        "5.1d", "Ej aktuellt", ["Ja", "Nej", "Ej aktuellt"],
    )  # fmt: skip
    code, out, _ = cli("results", "show", "2024")
    assert "6. Analys, uppföljning och utvärdering:" in out and "5.1d i förekommande fall" in out


def test_going_over_a_section_limit_is_marked(cli: Run, tmp_path: Path) -> None:
    cli("results", "new", "2024")
    long = tmp_path / "lång.txt"
    long.write_text("å" * 5001, encoding="utf-8")
    code, out, _ = cli("results", "answer", "2024", "6.1", "--file", str(long))
    assert code == 0 and "5001 av 5000 tecken, -1 ÖVER GRÄNSEN" in out
    assert _show(cli)["sections"][5]["over_limit"] is True
    code, out, _ = cli("results", "show", "2024")
    assert "5001 av 5000 tecken, -1 kvar  ÖVER GRÄNSEN" in out


def test_a_stale_version_is_a_swedish_conflict(cli: Run, tmp_path: Path) -> None:
    cli("results", "new", "2024")
    answer = tmp_path / "svar.txt"
    answer.write_text("Ett", encoding="utf-8")
    assert cli("results", "answer", "2024", "1.1", "--file", str(answer))[0] == 0
    code, out, err = cli(
        "results", "answer", "2024", "1.1", "--file", str(answer), "--expect-version", "0"
    )
    assert code == 1 and out == ""
    assert err.startswith("fel: svaret på 1.1 (2024) har ändrats av någon annan (version 1")


def test_bad_input_is_one_fel_line_and_changes_nothing(cli: Run, tmp_path: Path) -> None:
    cli("results", "new", "2024")
    good = tmp_path / "svar.txt"
    good.write_text("Svar", encoding="utf-8")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Svar på frågan".encode("latin-1"))
    partial = tmp_path / "halv.txt"
    partial.write_text(
        FIXTURE.read_text(encoding="utf-8").split("3. Innovation")[0], encoding="utf-8"
    )
    answer, imp = ("results", "answer"), ("results", "import-answers")
    missing = str(tmp_path / "saknas.txt")
    cases = [
        ((*answer, "2024", "7.1", "--file", str(good)), "fel: okänd fråga '7.1'"),
        ((*answer, "2031", "1.1", "--file", str(good)), "ingen resultatredovisning för 2031"),
        ((*answer, "2024", "1.1", "--file", missing), "kan inte läsa filen"),
        ((*answer, "2024", "1.1", "--file", str(latin1)), "filen är inte UTF-8"),
        ((*imp, str(latin1), "--year", "2024"), "filen är inte UTF-8"),
        ((*imp, str(partial), "--year", "2024"), "inget sparat; ej placerade frågor: 3.1"),
        ((*imp, str(FIXTURE), "--year", "2030"), "ingen resultatredovisning för 2030"),
        (("results", "new", "2024"), "fel: det finns redan en resultatredovisning för 2024"),
        (("results", "new", "2025", "--form", "1999"), "fel: okänd blankettutgåva '1999'"),
        (("results", "show", "2023"), "fel: ingen resultatredovisning för 2023"),
    ]
    for args, message in cases:
        code, out, err = cli(*args)
        assert code == 1, args
        assert err.count("\n") == 1 and err.startswith("fel: ") and message in err, (args, err)
    assert all(
        a["version"] == 0
        for s in _show(cli)["sections"]
        for q in s["questions"]
        for a in q["answers"]
    )


def test_the_report_moves_on_the_command_line_and_says_what_blocks_it(cli: Run) -> None:
    assert cli("person", "add", "anna@region.se", "--name", "Anna", "--role", "handlaggare")[0] == 0
    assert cli("person", "add", "bo@region.se", "--name", "Bo", "--role", "beslutsfattare")[0] == 0
    cli("results", "new", "2024")
    cli("results", "import-answers", str(FIXTURE), "--year", "2024")
    code, out, _ = cli("results", "fire", "2024", "send_to_review", "--actor", "anna@region.se")
    assert (code, out.strip()) == (0, "resultatredovisningen 2024: Utkast → Granskning (version 2)")
    code, out, _ = cli("results", "moves", "2024", "--actor", "anna@region.se")
    assert code == 0 and "Resultatredovisning 2024 – Region Jämtland Härjedalen: Granskning" in out
    assert "adopt – Fastställ (nämndens beslut): hindras:" in out
    assert "kräver rollen beslutsfattare eller nämndsekreterare eller administratör" in out
    assert "anna@region.se: Utkast → Granskning" in out
    assert "2025-02-21 Resultatredovisningen ska lämnas till regeringen" in out
    code, _, err = cli("results", "fire", "2024", "publish", "--actor", "bo@region.se")
    assert code == 1 and err.startswith("fel: okänd händelse 'publish'")
    code, _, err = cli(
        "results", "fire", "2024", "return_to_draft", "--actor", "bo@region.se",
        "--expect-version", "1", "--reason", "x",
    )  # fmt: skip
    assert code == 1 and "har ändrats av någon annan (version 2, du utgick från 1)" in err
    assert _show(cli)["status"] == "review"


def test_a_new_report_prefilled_from_the_cases(cli: Run, tmp_path: Path) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{
        "diarienummer": "RUN/7/2025", "title": "Kompetenslyft", "stage": "bp_genomforande",
        "priority": "Kompetensförsörjning och kompetensutveckling i hela länet",
        "start_date": "2025-01-01", "end_date": "2026-12-31",
    }]), "utf-8")  # fmt: skip
    code, _, err = cli("cases", "import", str(cases))
    assert code == 0, err
    code, out, _ = cli("results", "prefill", "2025", "--json")
    data = json.loads(out)
    assert [s["slot"] for s in data["suggestions"]] == ["2.6", "5.1a"]
    code, out, _ = cli("results", "new", "2025", "--prefill")
    assert code == 0 and "förslag ur ärendena i 2.6, 5.1a" in out
    answer = _show(cli, "2025")["sections"][1]["questions"][5]["answers"][0]
    assert answer["answer"].startswith("Projektet ”Kompetenslyft” (RUN/7/2025) med Region")
    code, _, err = cli("results", "accept", "2025", "2.6")
    assert code == 1 and err.strip() == "fel: förslaget finns redan i svaret på 2.6"
