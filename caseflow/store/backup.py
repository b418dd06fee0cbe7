"""SQLite backup and restore through SQLite's online backup API (`sqlite3.Connection.backup`).

Copying `caseflow.db` while the server runs misses what is still in the write-ahead log
(`caseflow.db-wal`); the backup API reads one consistent snapshot through SQLite itself, WAL
included, while other processes go on reading and writing. Restore writes a checked backup into
the database the same way (page by page, under SQLite's own locks).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from caseflow.errors import CaseflowError, InputError
from caseflow.store.db import BUSY_TIMEOUT_MS, Database

POSTGRESQL_TOOLS = (
    "PostgreSQL säkerhetskopieras med sina egna verktyg: pg_dump -Fc -f caseflow.dump DATABAS, "
    "och återställs med pg_restore --clean -d DATABAS caseflow.dump"
)
#: Tables whose rows a restore would not overwrite without being told to (`force`).
_DATA_TABLES = {"cases": "ärenden", "people": "personer", "meetings": "sammanträden",
                "outbox": "e-postmeddelanden"}  # fmt: skip


def sqlite_path(db: Database) -> Path:
    """The file of a SQLite database.

    Raises:
        CaseflowError: PostgreSQL (pg_dump is its tool), or an in-memory database.
    """
    if not db.is_sqlite:
        raise CaseflowError(POSTGRESQL_TOOLS)
    name = db.engine.url.database or ""
    if name.startswith("file:"):
        name = name.removeprefix("file:").split("?", 1)[0]
    if not name or name == ":memory:":
        raise InputError("en databas i minnet kan inte säkerhetskopieras")
    return Path(name)


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def backup_sqlite(db: Database, target: Path) -> dict[str, int]:
    """Write a consistent copy of the database to `target` (a new file) and check it.

    Returns:
        Rows per table in the copy.

    Raises:
        InputError: `target` exists, its folder does not, or the database file is missing.
    """
    source = sqlite_path(db)
    if not source.exists():
        raise InputError(f"databasen {source} finns inte")
    if target.exists():
        raise InputError(f"{target} finns redan; välj ett nytt filnamn")
    if not target.parent.is_dir():
        raise InputError(f"mappen {target.parent} finns inte")
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with closing(_connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)  # every page in one step: one snapshot, the WAL's commits included
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        counts = check_backup(partial, head=None)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return counts


def check_backup(path: Path, *, head: str | None) -> dict[str, int]:
    """Rows per table of a caseflow SQLite database file, after an integrity check; with
    `head`, the file must be at that migration.

    Raises:
        InputError: not a readable SQLite file, damaged, not a caseflow database, or at an older
            or unknown migration.
    """
    if not path.is_file():
        raise InputError(f"{path} finns inte")
    try:
        with closing(_connect(path, read_only=True)) as conn:
            if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise InputError(f"{path} är skadad (SQLite:s kontroll misslyckades)")
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]  # fmt: skip
            if "alembic_version" not in tables or "cases" not in tables:
                raise InputError(f"{path} är ingen caseflow-databas")
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if head is not None and (version is None or version[0] != head):
                found = version[0] if version else "ingen"
                raise InputError(
                    f"{path} har databasversion {found}, inte den senaste ({head}); "
                    "uppgradera kopian först"
                )
            return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    except sqlite3.DatabaseError as err:
        raise InputError(f"{path} är ingen SQLite-databas ({err})") from None


def table_counts(db: Database) -> dict[str, int]:
    """Rows per table of the (SQLite) database."""
    return check_backup(sqlite_path(db), head=None)


def restore_sqlite(db: Database, source: Path, *, head: str, force: bool = False) -> dict[str, int]:
    """Replace the database's contents with the backup `source` (checked first: a caseflow
    database at migration `head`). A database that already holds cases, people, meetings or
    e-mail is only overwritten with `force`.

    Returns:
        Rows per table, as restored.

    Raises:
        InputError: the backup is not acceptable, or the database holds data and not `force`.
    """
    counts = check_backup(source, head=head)
    target = sqlite_path(db)
    if target.resolve() == source.resolve():
        raise InputError(f"{source} är databasen själv")
    if target.exists() and not force:
        with closing(_connect(target, read_only=True)) as conn:
            held = {label: n for t, label in _DATA_TABLES.items() if (n := _count(conn, t))}
        if held:
            what = ", ".join(f"{n} {label}" for label, n in held.items())
            raise InputError(
                f"databasen {target} innehåller redan data ({what}); stoppa server och "
                "arbetare och bekräfta att den ska skrivas över"
            )
    with closing(_connect(source, read_only=True)) as src, closing(_connect(target)) as dst:
        src.backup(dst)
    db.dispose()  # pooled connections reopen on the restored file
    return counts


def _count(conn: sqlite3.Connection, table: str) -> int:
    try:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    except sqlite3.OperationalError:  # no such table: an empty or older database
        return 0
