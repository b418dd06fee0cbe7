"""`caseflow handling …` and `caseflow register` on real SQLite files: a document registered,
listed, versioned, attached to the memo's Beslutsunderlag, marked secret and seen masked in
the public register; every bad input one `fel:` line, exit 1, nothing changed."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.recordkit import docx_bytes, jpeg_bytes, pdf_bytes, png_bytes, xlsx_bytes
from tests.test_cli_errors import EXAMPLE, assert_user_error

DNR = "RUN/479/2024"
REGISTRAR = "rut@region.se"
#: Documents are registered on the (real) day the command runs.
PERIOD = (
    "--from", (date.today() - timedelta(days=2)).isoformat(),
    "--to", (date.today() + timedelta(days=2)).isoformat(),
)  # fmt: skip


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "filer"
    monkeypatch.setenv("CASEFLOW_STORAGE_DIR", str(folder))
    return folder


@pytest.fixture
def run(cli: Run, storage: Path) -> Run:
    assert cli("cases", "import", str(EXAMPLE))[0] == 0
    assert (
        cli("person", "add", REGISTRAR, "--name", "Rut Registrator", "--role", "registrator")[0]
        == 0
    )
    return cli


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def add(run: Run, file: str, *extra: str) -> tuple[int, str, str]:
    return run(
        "handling",
        "add",
        DNR,
        file,
        "--direction",
        "in",
        "--subject",
        "Ansökan om medfinansiering",
        "--counterpart",
        "Mittuniversitetet",
        "--type",
        "ansokan",
        "--date",
        "2025-01-03",
        "--actor",
        REGISTRAR,
        *extra,
    )


def test_register_list_version_and_get_a_document(run: Run, tmp_path: Path) -> None:
    code, out, err = add(run, write(tmp_path, "ansokan.pdf", pdf_bytes()))
    assert (code, out.strip()) == (0, f"{DNR}-1"), err
    kinds = [
        ("budget.xlsx", xlsx_bytes()),
        ("karta.png", png_bytes()),
        ("foto.jpg", jpeg_bytes()),
        ("brev.txt", "Hej, här är vårt svar.".encode()),
    ]
    for name, data in kinds:
        assert add(run, write(tmp_path, name, data))[0] == 0, name
    code, out, _ = run(
        "handling",
        "add",
        DNR,
        write(tmp_path, "ts.docx", docx_bytes("v1")),
        "--direction",
        "internal",
        "--subject",
        "Tjänsteskrivelse",
        "--type",
        "tjansteskrivelse",
    )
    assert out.strip() == f"{DNR}-6"
    code, out, err = run(
        "handling", "version", f"{DNR}-6", write(tmp_path, "ts2.docx", docx_bytes("v2"))
    )
    assert code == 0 and "version 2" in out, err
    code, out, _ = run("handling", "final", f"{DNR}-6", "--state", "fastställd")
    assert code == 0 and "fastställd" in out
    assert_user_error(
        run("handling", "version", f"{DNR}-6", write(tmp_path, "ts3.docx", docx_bytes("v3"))),
        "är slutlig",
    )
    code, listed, _ = run("handling", "list", DNR)
    lines = listed.strip().splitlines()
    assert len(lines) == 6
    assert (
        lines[0].startswith(f"{DNR}-1\t")
        and "Inkommande\tAnsökan\tAnsökan om medfinansiering" in lines[0]
    )
    assert "Fastställd\tts2.docx (v2)" in lines[5]
    rows = json.loads(run("handling", "list", DNR, "--json")[1])
    assert [r["files"][0]["media_type"] for r in rows[:4]] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/png",
        "image/jpeg",
    ]
    target = tmp_path / "ut.docx"
    code, out, _ = run("handling", "get", f"{DNR}-6", "-o", str(target), "--version", "1")
    assert code == 0 and target.read_bytes() == Path(tmp_path / "ts.docx").read_bytes()


@pytest.mark.parametrize(
    ("name", "data", "extra", "words"),
    [
        ("tom.pdf", b"", [], ["tom.pdf", "filen är tom"]),
        ("fel.docx", pdf_bytes(), [], ["innehållet är PDF", "Word"]),
        ("program.pdf", b"MZ\x90\x00\x03\x00binary", [], ["ingen filtyp som tas emot"]),
        ("a.pdf", pdf_bytes(), ["--type", "okand"], ["okänd typ 'okand'"]),
        ("a.pdf", pdf_bytes(), ["--date", "2025-13-01"], ["--date", "ogiltigt datum"]),
        ("a.pdf", pdf_bytes(), ["--date", "2099-01-01"], ["ligger i framtiden"]),
    ],
)
def test_bad_files_and_options_change_nothing(
    run: Run,
    tmp_path: Path,
    storage: Path,
    name: str,
    data: bytes,
    extra: list[str],
    words: list[str],
) -> None:
    assert_user_error(add(run, write(tmp_path, name, data), *extra), *words)
    assert run("handling", "list", DNR)[1].strip() == f"{DNR} har inga registrerade handlingar"
    assert not storage.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    run: Run, tmp_path: Path, storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEFLOW_MAX_FILE_BYTES", "1000")
    big = write(tmp_path, "stor.pdf", pdf_bytes() + b"%" * 2000)
    assert_user_error(add(run, big), "stor.pdf", "större än gränsen", "1000 byte")
    assert not storage.exists()


def test_other_bad_input(run: Run, tmp_path: Path) -> None:
    file = write(tmp_path, "a.pdf", pdf_bytes())
    assert_user_error(
        run("handling", "add", DNR, file, "--direction", "upp", "--subject", "x"),
        "riktning",
        "'upp'",
    )
    assert_user_error(
        run("handling", "add", "RUN/1/2024", file, "--direction", "out", "--subject", "x"),
        "RUN/1/2024 finns inte",
    )
    assert_user_error(
        run(
            "handling",
            "add",
            DNR,
            str(tmp_path / "saknas.pdf"),
            "--direction",
            "out",
            "--subject",
            "x",
        ),
        "saknas.pdf",
        "kan inte läsa",
    )
    assert_user_error(run("handling", "list", "RUN-479"), "ogiltigt diarienummer")
    assert_user_error(
        run(
            "handling",
            "secret",
            "RUN/479/2024",
            "--osl",
            "OSL 31:16",
            "--reason",
            "x",
            "--actor",
            REGISTRAR,
        ),
        "ogiltigt handlingsnummer",
    )
    assert_user_error(run("register", "--from", "2025-02-01", "--to", "2025-01-01"), "före")
    assert_user_error(
        run("register", "--from", "2025-01-01", "--to", "2025-01-31", "--format", "xml"),
        "--format",
        "xml",
    )


def test_the_same_file_twice_only_when_the_officer_says_so(
    run: Run, tmp_path: Path, storage: Path
) -> None:
    file = write(tmp_path, "a.pdf", pdf_bytes())
    assert add(run, file)[1].strip() == f"{DNR}-1"
    assert_user_error(
        add(run, file), f"redan registrerad på ärendet som {DNR}-1", "--allow-duplicate"
    )
    assert add(run, file, "--allow-duplicate")[1].strip() == f"{DNR}-2"
    assert len([p for p in storage.rglob("*") if p.is_file()]) == 1


def test_secret_document_is_masked_in_the_public_register(run: Run, tmp_path: Path) -> None:
    add(run, write(tmp_path, "a.pdf", pdf_bytes("Affärsplan")))
    add(run, write(tmp_path, "b.pdf", pdf_bytes("Budget")))
    assert_user_error(
        run(
            "handling", "secret", f"{DNR}-1", "--osl", "OSL 31:16", "--reason", "affärsförhållanden"
        ),
        "okänd person 'cli'",
    )
    assert_user_error(
        run(
            "handling",
            "secret",
            f"{DNR}-1",
            "--osl",
            "kapitel 31",
            "--reason",
            "x",
            "--actor",
            REGISTRAR,
        ),
        "--osl",
        "OSL 31:16",
    )
    code, out, err = run(
        "handling",
        "secret",
        f"{DNR}-1",
        "--osl",
        "osl 30 kap. 23 §",
        "--reason",
        "Projektägarens affärsförhållanden",
        "--actor",
        REGISTRAR,
    )
    assert code == 0 and "sekretessmarkerad enligt OSL 30:23" in out, err
    assert_user_error(
        run(
            "handling",
            "secret",
            f"{DNR}-1",
            "--osl",
            "OSL 30:23",
            "--reason",
            "igen",
            "--actor",
            REGISTRAR,
        ),
        "redan sekretessmarkerad",
    )
    period = PERIOD
    internal = run("register", *period, "--format", "csv")[1]
    public = run("register", *period, "--public", "--format", "csv")[1]
    rows = list(csv.reader(io.StringIO(public), delimiter=";"))
    assert rows[0][:3] == ["diarienummer", "ärende", "handling"]
    assert rows[1][2] == f"{DNR}-1" and rows[1][7] == "[sekretess]" and rows[1][8] == "[sekretess]"
    assert rows[1][9] == "OSL 30:23"
    assert rows[2][7] == "Ansökan om medfinansiering" and rows[2][9] == ""
    assert "Mittuniversitetet" not in rows[1] and "Mittuniversitetet" in internal
    data = json.loads(run("register", *period, "--public", "--format", "json")[1])
    [case] = data["cases"]
    assert case["diarienummer"] == DNR and [d["masked"] for d in case["documents"]] == [True, False]
    assert "affärsförhållanden" not in json.dumps(data, ensure_ascii=False)

    code, out, _ = run(
        "handling", "open", f"{DNR}-1", "--reason", "Utlämnad efter prövning", "--actor", REGISTRAR
    )
    assert code == 0 and "hävd" in out
    assert_user_error(
        run("handling", "open", f"{DNR}-1", "--reason", "igen", "--actor", REGISTRAR),
        "ingen sekretessmarkering",
    )
    rows = list(
        csv.reader(
            io.StringIO(run("register", *period, "--public", "--format", "csv")[1]), delimiter=";"
        )
    )
    assert rows[1][7] == "Ansökan om medfinansiering"
    history = run("case", "history", DNR)[1]
    assert "Sekretessmarkerade handling RUN/479/2024-1 enligt OSL 30:23" in history
    assert "Hävde sekretessmarkeringen (OSL 30:23) av handling RUN/479/2024-1: Utlämnad" in history


def test_a_case_field_marked_secret_is_masked_in_the_public_register(
    run: Run, tmp_path: Path
) -> None:
    add(run, write(tmp_path, "a.pdf", pdf_bytes()))
    code, out, err = run(
        "handling",
        "secret",
        DNR,
        "--field",
        "title",
        "--osl",
        "OSL 31:16",
        "--reason",
        "Uppgift om affärsförhållanden",
        "--actor",
        REGISTRAR,
    )
    assert code == 0, err
    assert_user_error(
        run(
            "handling",
            "secret",
            DNR,
            "--field",
            "stage",
            "--osl",
            "OSL 31:16",
            "--reason",
            "x",
            "--actor",
            REGISTRAR,
        ),
        "--field",
        "'stage'",
    )
    public = json.loads(run("register", *PERIOD, "--public", "--format", "json")[1])
    assert public["cases"][0]["title"] == "[sekretess]"
    internal = json.loads(run("register", *PERIOD, "--format", "json")[1])
    assert internal["cases"][0]["title"] != "[sekretess]"


def test_a_document_in_the_memos_beslutsunderlag(run: Run, tmp_path: Path) -> None:
    add(run, write(tmp_path, "a.pdf", pdf_bytes()))
    code, out, err = run("handling", "basis", f"{DNR}-1")
    assert code == 0 and out.strip().endswith(f"sista: {DNR}-1"), err
    assert_user_error(run("handling", "basis", f"{DNR}-1"), "finns redan i beslutsunderlaget")
    memo = tmp_path / "memo.md"
    code, _, err = run("memo", "render", DNR, "--date", "2025-01-06", "-o", str(memo))
    assert code == 0, err
    text = memo.read_text(encoding="utf-8")
    assert "Utkast: Ansökan Tillväxtverket" in text  # the text lines stay
    assert f"Ansökan om medfinansiering ({DNR}-1, inkom 2025-01-03 från Mittuniversitetet)" in text
    run(
        "handling",
        "secret",
        f"{DNR}-1",
        "--osl",
        "OSL 31:16",
        "--reason",
        "x",
        "--actor",
        REGISTRAR,
    )
    code, _, err = run("memo", "render", DNR, "--date", "2025-01-06", "-o", str(memo))
    text = memo.read_text(encoding="utf-8")
    assert f"Handling {DNR}-1 (sekretess enligt OSL 31:16)" in text
    assert "Mittuniversitetet)" not in text
