"""The command line end to end on a real SQLite file: output, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseflow.cli.main import main
from caseflow.domain.casefields import CASE_KEYS
from caseflow.settings import PROJECT_ROOT
from tests.conftest import Run

OFFICER = "anna@region.se"


@pytest.fixture
def registered(cli: Run) -> Run:
    assert cli("person", "add", OFFICER, "--name", "Anna", "--role", "handlaggare")[0] == 0
    assert (
        cli("person", "add", "cia@region.se", "--name", "Cia", "--role", "namndsekreterare")[0] == 0
    )
    code, out, _ = cli("case", "new", "RUN/479/2024", "--title", "Strategisk planering",
                       "--handlaggare", OFFICER)  # fmt: skip
    assert code == 0 and "registrerade RUN/479/2024" in out
    return cli


def state(cli: Run) -> tuple[str, str]:
    """Everything a refused command must leave as it was: all cases and one case's history."""
    return cli("cases", "export", "--format", "json")[1], cli(
        "case", "history", "RUN/479/2024", "--json"
    )[1]


def test_register_edit_and_move_a_case(registered: Run, tmp_path: Path) -> None:
    cli = registered
    code, out, _ = cli("case", "edit", "RUN/479/2024", "--set", "purpose=Kartläggning",
                       "--set", "start_date=2025-01-01", "--set", "end_date=2025-12-31",
                       "--set", "total_budget_sek=600 000", "--actor", OFFICER)  # fmt: skip
    assert code == 0 and "total_budget_sek: None → 600000" in out
    code, out, _ = cli("case", "funder", "set", "RUN/479/2024", "anslag_1_1", "--amount", "300000",
                       "--status", "applied", "--case-id", "A-17")  # fmt: skip
    assert code == 0
    assert cli("case", "fire", "RUN/479/2024", "start_planning", "--actor", OFFICER)[0] == 0
    code, out, _ = cli("case", "triggers", "RUN/479/2024", "--json")
    moves = {m["trigger"]: m for m in json.loads(out)}
    assert moves["send_application"]["allowed"] is True
    code, out, _ = cli("case", "fire", "RUN/479/2024", "send_application", "--actor", OFFICER)
    assert (code, out.strip()) == (
        0,
        "RUN/479/2024: bp_planering → application_sent (send_application)",
    )
    shown = json.loads(cli("case", "show", "RUN/479/2024", "--json")[1])
    assert shown["stage"] == "application_sent" and shown["row_version"] == 5
    assert shown["funders"] == [
        {
            "code": "anslag_1_1",
            "amount_sek": 300000,
            "status": "applied",
            "decision_date": None,
            "case_id": "A-17",
        }
    ]
    history = json.loads(cli("case", "history", "RUN/479/2024", "--json")[1])
    assert [h["kind"] for h in history] == ["create", "edit", "edit", "transition", "transition"]
    text = cli("case", "show", "RUN/479/2024")[1]
    assert "Ansökan inskickad" in text and "600\u00a0000\u00a0kr" in text
    listed = cli("case", "list", "--stage", "application_sent")[1]
    assert "RUN/479/2024" in listed and "1 ärende\n" in listed + "\n"


def test_blocked_move_lists_reasons(registered: Run) -> None:
    cli = registered
    cli("case", "fire", "RUN/479/2024", "start_planning", "--actor", OFFICER)
    out = cli("case", "triggers", "RUN/479/2024")[1]
    assert (
        "send_application" in out and "blockerad: projektets syfte saknas; startdatum saknas" in out
    )
    code, _, err = cli("case", "fire", "RUN/479/2024", "send_application", "--actor", OFFICER)
    assert code == 1 and "total budget saknas" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("case", "new", "RUN/abc/2024", "--title", "x"), "ogiltigt diarienummer 'RUN/abc/2024'"),
        (("case", "new", "RUN/479", "--title", "x"), "ogiltigt diarienummer 'RUN/479'"),
        (("case", "new", "RUN/479/2024", "--title", "x"), "ärendet RUN/479/2024 finns redan"),
        (
            (
                "case",
                "edit",
                "RUN/479/2024",
                "--set",
                "start_date=2025-05-01",
                "--set",
                "end_date=2025-01-01",
            ),
            "slutdatum 2025-01-01 ligger före startdatum 2025-05-01",
        ),
        (
            ("case", "edit", "RUN/479/2024", "--set", "total_budget_sek=-5"),
            "får inte vara negativt",
        ),
        (
            ("case", "edit", "RUN/479/2024", "--set", "total_budget_sek=12x"),
            "måste vara ett heltal",
        ),
        (("case", "edit", "RUN/479/2024", "--set", "end_date=2025-13-01"), "ogiltigt datum"),
        (("case", "edit", "RUN/479/2024", "--set", "stage=closed"), "steget ändras bara med"),
        (
            ("case", "edit", "RUN/479/2024", "--set", "colour=red"),
            "fältet 'colour' kan inte redigeras",
        ),
        (("case", "funder", "set", "RUN/479/2024", "eruf"), "okänd finansiärskod 'eruf'"),
        (
            ("case", "funder", "set", "RUN/479/2024", "esf", "--amount", "-1"),
            "får inte vara negativt",
        ),
        (("case", "funder", "set", "RUN/479/2024", "esf", "--status", "maybe"), "status"),
        (("case", "show", "RUN/1/2020"), "ärendet RUN/1/2020 finns inte"),
        (
            ("case", "fire", "RUN/1/2020", "grant", "--actor", OFFICER),
            "ärendet RUN/1/2020 finns inte",
        ),
        (
            ("case", "fire", "RUN/479/2024", "explode", "--actor", OFFICER),
            "okänd händelse 'explode'",
        ),
        (
            ("case", "fire", "RUN/479/2024", "grant", "--actor", OFFICER),
            "'grant' är inte möjlig i steget Idé",
        ),
        (
            ("case", "fire", "RUN/479/2024", "start_planning", "--actor", "cia@region.se"),
            "cia@region.se får inte göra 'Starta planering'",
        ),
        (
            ("case", "fire", "RUN/479/2024", "start_planning", "--actor", "x@y.se"),
            "okänd person 'x@y.se'",
        ),
        (
            (
                "case",
                "fire",
                "RUN/479/2024",
                "start_planning",
                "--actor",
                OFFICER,
                "--expect-version",
                "7",
            ),
            "har ändrats av någon annan",
        ),
        (("case", "fire", "RUN/479/2024", "withdraw", "--actor", OFFICER), "kräver en motivering"),
        (
            ("person", "add", "bad-address", "--name", "X", "--role", "admin"),
            "ogiltig e-postadress",
        ),
        (("person", "add", "x@y.se", "--name", "X", "--role", "king"), "okänd roll 'king'"),
        (("person", "add", OFFICER, "--name", "X", "--role", "admin"), "finns redan"),
    ],
)
def test_bad_input_is_one_clear_line_and_changes_nothing(
    registered: Run, args: tuple[str, ...], message: str
) -> None:
    before = state(registered)
    code, out, err = registered(*args)
    assert code == 1, (out, err)
    assert err.startswith("fel: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert state(registered) == before


def test_malformed_json_names_the_position(registered: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"cases": [\n  {"diarienummer": "RUN/1/2025",\n   "title": "x",,}\n]}', encoding="utf-8"
    )
    before = state(registered)
    for args in (("cases", "import", str(bad)), ("case", "new", "--from-json", str(bad))):
        code, _, err = registered(*args)
        assert code == 1 and f"{bad}:3:" in err and "ogiltig JSON" in err
    assert state(registered) == before


def test_import_with_one_bad_case_imports_nothing(registered: Run, tmp_path: Path) -> None:
    data = {"cases": [
        {"diarienummer": "RUN/1/2025", "title": "Bra"},
        {"diarienummer": "RUN/2/2025", "title": "Dålig",
         "funders": [{"code": "esf", "amount_sek": -3}]},
    ]}  # fmt: skip
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = state(registered)
    code, _, err = registered("cases", "import", str(path))
    assert (
        code == 1 and "cases[1] (RUN/2/2025): funders.0.amount_sek: får inte vara negativt" in err
    )
    assert state(registered) == before


def test_usage_errors_exit_2(registered: Run) -> None:
    assert registered("case", "fire")[0] == 2
    assert registered("case", "new", "RUN/1/2025")[0] == 2
    assert registered("cases", "export", "--format", "xml")[0] == 2
    assert registered("no-such-command")[0] == 2


def test_export_import_round_trip_is_exact(cli: Run, tmp_path: Path, sqlite_template: Path) -> None:
    source = PROJECT_ROOT / "examples" / "demo_cases.json"
    assert cli("cases", "import", str(source))[0] == 0
    cli(
        "case",
        "funder",
        "set",
        "RUN/600/2025",
        "esf",
        "--amount",
        "1",
        "--decision-date",
        "2025-02-03",
    )
    exported = tmp_path / "export.json"
    assert cli("cases", "export", "--format", "json", "-o", str(exported))[0] == 0
    other = tmp_path / "other"
    other.mkdir()
    from tests.conftest import make_sqlite

    second = make_sqlite(sqlite_template, other)
    with pytest.raises(SystemExit) as exit_:
        main(["--db", second.url, "cases", "import", str(exported)])
    assert exit_.value.code == 0
    with pytest.raises(SystemExit):
        main(
            [
                "--db",
                second.url,
                "cases",
                "export",
                "--format",
                "json",
                "-o",
                str(tmp_path / "again.json"),
            ]
        )
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == exported.read_text(
        encoding="utf-8"
    )
    data = json.loads(exported.read_text(encoding="utf-8"))["cases"]
    # in the declared order, which tests/test_docs.py holds to the README's
    assert len(data) == 3 and list(data[0]) == list(CASE_KEYS)
    # importing the same file again changes nothing
    code, out, _ = cli("cases", "import", str(exported))
    assert code == 0 and "0 nya, 3 oförändrade" in out
    second.dispose()


def test_workflow_check_and_diagram(registered: Run, tmp_path: Path) -> None:
    code, out, _ = registered("workflow", "check")
    assert code == 0 and "regional_project.yaml: OK (regional_project version 5" in out
    assert "results_report.yaml: OK (results_report version 3, 4 tillstånd, 5 händelser)" in out
    code, out, _ = registered("workflow", "diagram", "regional_project")
    assert code == 0 and "stateDiagram-v2" in out
    code, out, _ = registered("workflow", "diagram", "results_report")
    assert code == 0 and "adopted" in out


def test_workflow_check_reports_cases_in_states_the_new_version_lacks(
    registered: Run, tmp_path: Path
) -> None:
    cli = registered
    cli("case", "new", "RUN/5/2025", "--title", "Följs upp")
    cli("person", "add", "root@region.se", "--name", "Root", "--role", "admin")
    # a case sitting in follow_up
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps([{"diarienummer": "RUN/6/2025", "title": "x", "stage": "follow_up"}])
    )
    assert cli("cases", "import", str(path))[0] == 0
    text = (PROJECT_ROOT / "workflows" / "regional_project.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 4", "version: 5")
    text = text.replace("[bp_genomforande, follow_up]", "[bp_genomforande]")  # deadline stages
    text = text.replace(
        "  - name: follow_up\n    label: Uppföljning\n    decision_point: BP – Genomförande\n"
        "    running: true\n",
        "",
    )
    text = text.replace(
        "  - trigger: start_follow_up\n    source: bp_genomforande\n    dest: follow_up\n", ""
    ).replace("    label: Starta uppföljning\n    roles: [handlaggare, admin]\n", "")
    text = text.replace(
        "    source: follow_up\n    dest: closed", "    source: bp_genomforande\n    dest: closed"
    )
    folder = tmp_path / "wf"
    folder.mkdir()
    (folder / "regional_project.yaml").write_text(text, encoding="utf-8")
    code, out, err = cli("--workflows", str(folder), "workflow", "check")  # global option
    assert "OK (regional_project version 5" in out
    assert "1 ärende(n) i regional_project står i steget 'follow_up', som version 5 inte har" in out
    assert code == 1 and "saknas i aktuell version" in err


def test_workflow_check_names_file_and_line(cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "regional_project.yaml"
    text = (PROJECT_ROOT / "workflows" / "regional_project.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("conditions: [funding_granted]", "conditions: [funding_grantd]"))
    code, _, err = cli("workflow", "check", str(bad))
    assert code == 1 and f"{bad}:" in err and "okänd guard 'funding_grantd'" in err
