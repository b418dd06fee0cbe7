"""Every CLI path that fails on the user's input or environment: exit 1, one `fel:` line on
stderr, no traceback, nothing changed. Real SQLite files throughout."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from caseflow.settings import PROJECT_ROOT
from tests.conftest import Run, cli_runner

EXAMPLE = PROJECT_ROOT / "examples" / "RUN-479-2024.json"
PERSON = ["person", "add", "anna@region.se", "--name", "Anna", "--role", "handlaggare"]


def assert_user_error(result: tuple[int, str, str], *words: str) -> str:
    code, _out, err = result
    assert code == 1, result
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fel: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def with_case(cli: Run, tmp_path: Path) -> Run:
    """The command line on a database holding RUN/479/2024 (memo-ready) and its people."""
    assert cli("cases", "import", str(EXAMPLE))[0] == 0
    return cli


@pytest.mark.parametrize(
    "args",
    [
        ["cases", "export", "--format", "json", "-o", "no/such/dir/x.json"],
        ["workflow", "diagram", "regional_project", "-o", "no/such/x.md"],
        ["portfolio", "report", "-o", "no/such/x.md"],
        ["memo", "render", "RUN/479/2024", "--date", "2024-11-22", "-o", "no/such/x.docx"],
        ["memo", "draft", "RUN/479/2024", "-o", "no/such/x.txt"],
        ["calendar", "--body", "RUN", "-o", "no/such/x.ics"],
        ["calendar", "--person", "anna@region.se", "-o", "no/such/x.ics"],
    ],
)
def test_writing_into_a_missing_folder(
    with_case: Run, args: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_user_error(with_case(*args), "no/such", "finns inte")
    assert not (tmp_path / "no").exists()
    code, out, _ = with_case("memo", "list", "RUN/479/2024", "--json")
    assert code == 0 and json.loads(out) == []  # the failed render was not stored


def test_writing_onto_a_folder(with_case: Run, tmp_path: Path) -> None:
    assert_user_error(with_case("cases", "export", "-o", str(tmp_path)), "mapp")


UNMIGRATED = [
    ["case", "list"],
    ["case", "show", "RUN/1/2025"],
    ["case", "new", "RUN/1/2025", "--title", "T"],
    ["case", "history", "RUN/1/2025"],
    ["cases", "export"],
    ["cases", "import", str(EXAMPLE)],
    ["person", "list"],
    PERSON,
    ["user", "list"],
    ["meetings", "list"],
    ["meetings", "add", "2025-03-05"],
    ["reminders", "list"],
    ["reminders", "plan"],
    ["outbox", "list"],
    ["portfolio", "snapshots"],
    ["decisions", "unreported"],
    ["memo", "list", "RUN/1/2025"],
    ["calendar", "--body", "RUN", "-o", "x.ics"],
]


@pytest.mark.parametrize("args", UNMIGRATED, ids=lambda a: " ".join(a[:2]))
def test_an_unmigrated_database_says_run_db_upgrade(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    run = cli_runner(f"sqlite:///{tmp_path / 'new.db'}", capsys)
    assert_user_error(run(*args), "caseflow db upgrade")
    assert not (tmp_path / "new.db").exists()  # no empty database file left behind
    # an existing file that was never migrated (e.g. left empty by an older version)
    (tmp_path / "empty.db").touch()
    run = cli_runner(f"sqlite:///{tmp_path / 'empty.db'}", capsys)
    assert_user_error(run(*args), "inte migrerad")


def test_an_outdated_database_says_run_db_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database one migration behind (a table of the last migration missing)."""
    path = tmp_path / "old.db"
    run = cli_runner(f"sqlite:///{path}", capsys)
    assert run("db", "upgrade")[0] == 0
    assert run(*PERSON)[0] == 0
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE auth_tokens")
    assert_user_error(run("user", "token", "anna@region.se"), "caseflow db upgrade")


def test_a_missing_database_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli_runner(f"sqlite:///{tmp_path / 'no' / 'such.db'}", capsys)
    assert_user_error(run("db", "upgrade"), "finns inte")


def _read_only_url(path: Path) -> str:
    return f"sqlite:///file:{path}?mode=ro&uri=true"


@pytest.mark.parametrize(
    "args",
    [PERSON, ["case", "new", "RUN/2/2025", "--title", "T"], ["meetings", "add", "2025-03-05"]],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_read_only_database(
    cli: Run, args: list[str], sqlite_db: object, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opened read-only through SQLite's URI (works as root too, unlike chmod)."""
    path = Path(str(sqlite_db.url).removeprefix("sqlite:///"))  # type: ignore[attr-defined]
    assert cli("person", "list")[0] == 0  # the WAL files exist, as after any use
    run = cli_runner(_read_only_url(path), capsys)
    assert run("case", "list")[0] == 0  # reading works
    assert_user_error(run(*args), "skrivskyddad")
    assert "anna@region.se" not in cli("person", "list")[1]


def test_a_read_only_database_file(sqlite_db: object) -> None:
    """A database file and folder without write permission. Root writes to them anyway, so as
    root (as in CI) the command runs as `nobody` through setpriv; otherwise as ourselves."""
    source = Path(str(sqlite_db.url).removeprefix("sqlite:///"))  # type: ignore[attr-defined]
    folder = Path(tempfile.mkdtemp(prefix="caseflow-ro-"))
    path = folder / "caseflow.db"
    shutil.copy(source, path)
    path.chmod(0o444)
    folder.chmod(0o555)
    command = [sys.executable, "-m", "caseflow", "--db", f"sqlite:///{path}", *PERSON]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to run the command as nobody"
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    try:
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("fel: ") and done.stderr.count("\n") == 1, done.stderr
    assert "skrivskyddad" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [PERSON, ["case", "new", "RUN/2/2025", "--title", "T"], ["meetings", "add", "2025-03-05"],
     ["cases", "import", str(EXAMPLE)]],
    ids=lambda a: " ".join(a[:2]),
)  # fmt: skip
def test_a_locked_database(
    cli: Run, args: list[str], sqlite_db: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection holds the write lock past the busy timeout."""
    monkeypatch.setattr("caseflow.store.db.BUSY_TIMEOUT_MS", 50)
    path = Path(str(sqlite_db.url).removeprefix("sqlite:///"))  # type: ignore[attr-defined]
    sqlite_db.dispose()  # type: ignore[attr-defined]
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        assert_user_error(cli(*args), "upptagen")
    finally:
        holder.rollback()
        holder.close()
    assert "anna@region.se" not in cli("person", "list")[1]


def test_a_bad_setting(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEFLOW_SMTP_PORT", "tjugofem")
    assert_user_error(cli("person", "list"), "CASEFLOW_SMTP_PORT")


def test_an_unreadable_input_file(cli: Run, tmp_path: Path) -> None:
    assert_user_error(cli("cases", "import", str(tmp_path / "none.json")), "none.json")
    assert_user_error(cli("portfolio", "import", str(tmp_path / "none.xlsx")), "none.xlsx")
    assert_user_error(cli("meetings", "import", str(tmp_path / "none.yaml")), "none.yaml")
