"""`caseflow db backup` while a writer process commits, and `caseflow db restore` with nothing
missing (every table's rows counted); the checks a restore makes first; PostgreSQL's pointer to
pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caseflow.settings import PROJECT_ROOT
from caseflow.store.backup import check_backup, table_counts
from caseflow.store.db import Database
from tests.conftest import Run, cli_runner

WRITER = """
import sys
from pathlib import Path
from caseflow.cases.engine import add_person, create_case, edit_case
from caseflow.clock import SystemClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.store.db import Database
from caseflow.workflow.registry import load_registry

db, count = Database(sys.argv[1]), int(sys.argv[2])
workflows, clock = load_registry(Path(sys.argv[3])), SystemClock()
for i in range(1, count + 1):
    dnr = f"RUN/{i}/2026"
    doc = CaseDoc(diarienummer=dnr, title=f"Kommunal satsning {i}", owner="Bergs kommun",
                  owner_is_region=False)
    create_case(db=db, workflows=workflows, doc=doc, actor="skrivare", clock=clock)
    edit_case(db=db, dnr=dnr, changes={"purpose": f"Syfte {i}"}, actor="skrivare", clock=clock)
    if i % 10 == 0:
        add_person(db=db, email=f"p{i}@region.se", name=f"Person {i}", roles=["handlaggare"],
                   clock=clock)
    print(i, flush=True)
"""


def _start_writer(url: str, count: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(count), str(PROJECT_ROOT / "workflows")],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip


def _cases(db: Database) -> int:
    return table_counts(db)["cases"]


def _fresh(tmp_path: Path, name: str, template: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    shutil.copy(template, tmp_path / name)
    return cli_runner(f"sqlite:///{tmp_path / name}", capsys)


def test_backup_while_a_writer_commits_then_restore_with_nothing_missing(
    sqlite_db: Database, sqlite_template: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    cli = cli_runner(sqlite_db.url, capsys)
    writer = _start_writer(sqlite_db.url, 400, tmp_path / "writer.log")
    try:
        deadline = time.monotonic() + 60
        while _cases(sqlite_db) < 30:
            assert writer.poll() is None, (tmp_path / "writer.log").read_text()
            assert time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.05)
        committed = _cases(sqlite_db)  # everything committed before the backup starts
        code, out, err = cli("db", "backup", str(tmp_path / "medan.db"))
        assert code == 0, err
        assert writer.poll() is None, "the writer finished before the backup: not concurrent"
    finally:
        assert writer.wait(180) == 0, (tmp_path / "writer.log").read_text()
    during = check_backup(tmp_path / "medan.db", head=None)
    assert during["cases"] >= committed and f"({during['cases']} ärenden" in out
    # One snapshot between two of the writer's commits (create, edit, every tenth a person):
    # only the last case may lack its edit, and its person.
    cases = during["cases"]
    assert 2 * cases - 1 <= during["case_events"] <= 2 * cases
    assert during["people"] in {cases // 10, (cases - 1) // 10}

    live = table_counts(sqlite_db)
    assert live["cases"] == 400 and live["people"] == 40
    assert cli("db", "backup", str(tmp_path / "efter.db"))[0] == 0
    assert check_backup(tmp_path / "efter.db", head=None) == live  # every table, every row

    for name, backup, expected in (("a.db", "efter.db", live), ("b.db", "medan.db", during)):
        other = _fresh(tmp_path, name, sqlite_template, capsys)
        code, out, err = other("db", "restore", str(tmp_path / backup))
        assert code == 0, err
        assert table_counts(Database(f"sqlite:///{tmp_path / name}")) == expected
        code, out, _ = other("case", "show", "RUN/17/2026", "--json")
        assert code == 0 and '"purpose": "Syfte 17"' in out


def test_cp_of_a_database_in_wal_mode_can_miss_commits_the_backup_has(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Why the command exists: with a connection open, recent commits sit in the WAL file."""
    cli = cli_runner(sqlite_db.url, capsys)
    keep = sqlite3.connect(sqlite_db.engine.url.database or "")  # holds the WAL open
    keep.execute("PRAGMA wal_autocheckpoint=0")
    keep.execute("SELECT count(*) FROM people").fetchone()  # opens the WAL: not the last reader
    assert cli("person", "add", "ny@region.se", "--name", "Ny", "--role", "handlaggare")[0] == 0
    shutil.copy(sqlite_db.engine.url.database or "", tmp_path / "cp.db")
    assert cli("db", "backup", str(tmp_path / "kopia.db"))[0] == 0
    keep.close()
    assert check_backup(tmp_path / "kopia.db", head=None)["people"] == 1
    with sqlite3.connect(tmp_path / "cp.db") as copied:
        assert copied.execute("SELECT count(*) FROM people").fetchone()[0] == 0


def test_restore_checks_the_file_and_will_not_overwrite_data_unasked(
    cli: Run, sqlite_db: Database, tmp_path: Path
) -> None:
    assert cli("person", "add", "anna@region.se", "--name", "Anna", "--role", "handlaggare")[0] == 0
    assert cli("case", "new", "RUN/3/2026", "--title", "Ljusdals bredband")[0] == 0
    assert cli("db", "backup", str(tmp_path / "k.db"))[0] == 0
    code, _, err = cli("db", "backup", str(tmp_path / "k.db"))
    assert code == 1 and err == f"fel: {tmp_path / 'k.db'} finns redan; välj ett nytt filnamn\n"

    assert cli("case", "new", "RUN/4/2026", "--title", "Efter kopian")[0] == 0
    before = table_counts(sqlite_db)
    code, _, err = cli("db", "restore", str(tmp_path / "k.db"))
    assert code == 1 and err.startswith("fel: ") and "innehåller redan data (2 ärenden, 1 " in err
    assert err.count("\n") == 1 and table_counts(sqlite_db) == before

    (tmp_path / "text.db").write_text("inte en databas", encoding="utf-8")
    old = tmp_path / "gammal.db"
    shutil.copy(tmp_path / "k.db", old)
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0008'")
    for name, message in (("text.db", "är ingen SQLite-databas"), ("saknas.db", "finns inte"),
                          ("gammal.db", "har databasversion 0008, inte den senaste")):  # fmt: skip
        code, _, err = cli("db", "restore", str(tmp_path / name), "--force")
        assert code == 1 and err.startswith("fel: ") and message in err, err
        assert table_counts(sqlite_db) == before

    code, out, err = cli("db", "restore", str(tmp_path / "k.db"), "--force")
    assert code == 0, err
    assert table_counts(sqlite_db)["cases"] == 1
    assert cli("case", "show", "RUN/4/2026")[0] == 1
    assert cli("case", "new", "RUN/5/2026", "--title", "Efter återställningen")[0] == 0


def test_postgresql_points_to_pg_dump(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cli = cli_runner("postgresql+psycopg://caseflow@127.0.0.1:1/caseflow", capsys)
    for command in ("backup", "restore"):
        code, out, err = cli("db", command, str(tmp_path / "x.db"))
        assert code == 1 and out == "" and not err.startswith("fel:")
        assert err.count("\n") == 1 and "pg_dump" in err and "pg_restore" in err
    assert not (tmp_path / "x.db").exists()
