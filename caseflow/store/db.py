"""The database adapter: one Database per process, with read and write sessions.

SQLite runs in WAL mode; write transactions start with `BEGIN IMMEDIATE`, so a writer holds the
lock from its first read and concurrent writers queue (busy_timeout) instead of failing mid-way.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)
from sqlmodel import Session, create_engine

from caseflow.errors import CaseflowError, ConcurrentWriteError, ConflictError, DuplicateError
from caseflow.store.prepared import CursorTransaction

T = TypeVar("T")
_WRITE = "caseflow_write"
#: How long a SQLite writer waits for another writer's lock before giving up.
BUSY_TIMEOUT_MS = 30_000
BUSY = "databasen är upptagen av en annan skrivning; försök igen"
CONCURRENT = "en annan ändring av samma uppgifter gjordes samtidigt; inget ändrades, försök igen"
#: PostgreSQL's answers to a race: serialization failure, deadlock, unique and foreign-key
#: violation (a concurrent transaction inserted the same key, or removed the referenced row).
RACE_SQLSTATES = frozenset({"40001", "40P01", "23505", "23503"})
#: How many times `write_retrying` runs its work before the race is reported.
RETRY_ATTEMPTS = 6
#: Connections `cursor_transaction`/`cursor_reading` keep checked out for the next (SQLite).
_HOT_CONNECTIONS = 2


def _hide_password(url: str) -> str:
    """`url` with any password between `:` and `@` replaced by ***."""
    head, sep, tail = url.rpartition("@")
    if not sep or "://" not in head or ":" not in head.split("://", 1)[1]:
        return url[:200]
    scheme, rest = head.split("://", 1)
    return f"{scheme}://{rest.split(':', 1)[0]}:***@{tail}"[:200]


def normalise_url(url: str) -> str:
    """Use psycopg 3 for `postgresql://` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Database:
    """Owns the SQLAlchemy engine. `read()` and `write()` yield sessions; `write()` commits."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalise_url(url)
        try:
            parsed = make_url(self.url)
            parsed.get_dialect()
        except (ArgumentError, NoSuchModuleError):
            raise CaseflowError(
                f"ogiltig databas-URL {_hide_password(url)!r}; skriv t.ex. sqlite:///caseflow.db "
                "eller postgresql://användare@värd/databas"
            ) from None
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            database = parsed.database or ""
            if parsed.query.get("uri") == "true" and database.startswith("file:"):
                database = database.removeprefix("file:").split("?", 1)[0]
            if database and database != ":memory:" and not Path(database).parent.exists():
                raise CaseflowError(f"databasens mapp finns inte: {Path(database).parent}")
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self._write_engine = self.engine.execution_options(**{_WRITE: True})
        # Pool connections kept checked out between cursor transactions (SQLite): a move skips
        # the pool's checkout and checkin (locks, reset-on-return), ~15 % of its CPU.
        self._hot: list[Any] = []
        self._disposed = False

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; rolled back at the end."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A Core connection in a read-only (deferred, on SQLite) transaction, rolled back at the
        end: readers never queue behind writers for the write lock."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self, *, duplicate: str | None = None) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back if it raises.

        With `duplicate`, a unique-constraint violation (a concurrent insert of the same key that
        passed the caller's own check) becomes a DuplicateError with that message.

        Any other race PostgreSQL reports (a unique or foreign-key violation no check could
        foresee, a serialization failure, a deadlock) becomes a ConcurrentWriteError: nothing
        was changed, and trying again is safe. `write_retrying` does that itself.
        """
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except IntegrityError as err:
                session.rollback()
                if duplicate is not None and _is_unique_violation(err):
                    raise DuplicateError(duplicate) from err
                _raise_if_race(err)
                raise
            except OperationalError as err:
                session.rollback()
                _raise_if_busy(err)
                _raise_if_race(err)
                raise
            except DBAPIError as err:
                session.rollback()
                _raise_if_race(err)
                raise
            except BaseException:
                session.rollback()
                raise

    def write_retrying(self, work: Callable[[Session], T], *, attempts: int = RETRY_ATTEMPTS) -> T:
        """Run `work(session)` in one write transaction, again from the start (a new
        transaction that reads the winner's data) when it loses a race to a concurrent one.

        For work whose outcome is decided by what it reads (put a case on an agenda unless it
        is there, import unless the same case exists): the retry then gives the documented
        answer ("already on the agenda", "unchanged"). A ConflictError (a row version that
        moved under it) is such a lost race too; after `attempts` of them the last is raised.
        Never for work that checks a version the user saw: that conflict is the answer.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as session:
                    return work(session)
            except ConflictError:  # ConcurrentWriteError, or a row version that moved
                if attempt == attempts:
                    raise
                time.sleep(random.uniform(0.005, 0.03) * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A Core connection in one write transaction: committed on success, else rolled back."""
        try:
            with self._write_engine.begin() as conn:
                yield conn
        except OperationalError as err:
            _raise_if_busy(err)
            _raise_if_race(err)
            raise
        except DBAPIError as err:
            _raise_if_race(err)
            raise

    @contextmanager
    def cursor_transaction(self) -> Iterator[CursorTransaction]:
        """One write transaction on a pooled DBAPI connection, for `Prepared` statements (the
        move's hot path): `BEGIN IMMEDIATE` on SQLite, committed on success, else rolled back.
        Driver errors are raised as SQLAlchemy's (`OperationalError`, `IntegrityError`, …), a
        busy SQLite file as the same CaseflowError as `transaction()`."""
        with self._cursor(write=True) as tx:
            yield tx

    @contextmanager
    def cursor_reading(self) -> Iterator[CursorTransaction]:
        """One read transaction on a pooled DBAPI connection, for `Prepared` statements (deferred
        `BEGIN` on SQLite, so readers never queue behind a writer), rolled back at the end: every
        statement sees the same snapshot. Errors are raised as by `cursor_transaction`."""
        with self._cursor(write=False) as tx:
            yield tx

    @contextmanager
    def _cursor(self, *, write: bool) -> Iterator[CursorTransaction]:
        dialect = self.engine.dialect
        hot = self._hot
        try:
            raw = hot.pop()  # list.pop is atomic: one thread per connection
        except IndexError:
            raw = self.engine.raw_connection()
        kept = False
        try:
            cursor = raw.cursor()
            try:
                if self.is_sqlite:
                    cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                yield CursorTransaction(cursor, dialect)
                if write:
                    raw.commit()
                else:
                    raw.rollback()
            except BaseException:
                raw.rollback()
                raise
            finally:
                cursor.close()
            # Ended cleanly on a healthy connection: keep it for the next one (SQLite only,
            # where a file connection cannot go stale; PostgreSQL's pool pings on checkout).
            if self.is_sqlite and len(hot) < _HOT_CONNECTIONS and not self._disposed:
                hot.append(raw)
                kept = True
        except dialect.loaded_dbapi.Error as err:
            wrapped = DBAPIError.instance(None, None, err, dialect.loaded_dbapi.Error)
            if isinstance(wrapped, OperationalError) and "locked" in str(err):
                raise CaseflowError(BUSY) from err
            if isinstance(wrapped, DBAPIError):
                _raise_if_race(wrapped)
            raise wrapped from err
        finally:
            if not kept:
                raw.close()  # back to the pool

    def optimize(self) -> None:
        """Refresh the query planner's statistics on SQLite (PostgreSQL's autovacuum does it):
        a full ANALYZE the first time, later `PRAGMA optimize` (cheap when nothing changed)."""
        if not self.is_sqlite:
            return
        try:
            with self.engine.connect() as conn:
                found = conn.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
                ).first()
                conn.exec_driver_sql("PRAGMA optimize" if found else "ANALYZE")
                conn.commit()
        except OperationalError as err:
            # Statistics only speed queries up: a full disk or a read-only file must not keep
            # `serve` from starting (the server answers what it can, and says what it cannot).
            if describe_database_error(err) is None:
                raise

    def analyze(self, tables: Sequence[str]) -> None:
        """Refresh the query planner's statistics of `tables` now, after a bulk load: until
        PostgreSQL's autovacuum gets to them its plans guess (the register of a year took 885 ms
        instead of ~40 ms right after 100,000 cases were loaded), and SQLite has none at all."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                # A sample of each index (as `PRAGMA optimize` takes), not a scan of every row:
                # a full scan reads the whole file through the memory map, which then counts in
                # the process's memory (an import of 100,000 cases peaked at 208 MB, not 103).
                conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
                for table in tables:
                    conn.exec_driver_sql(f'ANALYZE "{table}"')
                conn.exec_driver_sql("PRAGMA analysis_limit=0")
            else:
                conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{t}"' for t in tables))
            conn.commit()

    def dispose(self) -> None:
        self._disposed = True
        while self._hot:
            self._hot.pop().close()
        self.engine.dispose()
        self._disposed = False


def _raise_if_busy(err: OperationalError) -> None:
    """SQLite's "database is locked" after busy_timeout becomes a clear user error."""
    if "locked" in str(err.orig):
        raise CaseflowError(BUSY) from err


def _sqlstate(err: DBAPIError) -> str | None:
    state = getattr(err.orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def _is_unique_violation(err: DBAPIError) -> bool:
    return _sqlstate(err) == "23505" or "UNIQUE constraint failed" in str(err.orig)


def is_race(err: BaseException) -> bool:
    """True for a database error that only a concurrent transaction causes."""
    return isinstance(err, DBAPIError) and (
        _sqlstate(err) in RACE_SQLSTATES or _is_unique_violation(err)
    )


def _raise_if_race(err: DBAPIError) -> None:
    """A lost race (see RACE_SQLSTATES) becomes a ConcurrentWriteError."""
    if is_race(err):
        raise ConcurrentWriteError(CONCURRENT) from err


def describe_database_error(err: BaseException) -> str | None:
    """A one-line Swedish message for a database error the user's setup causes (tables
    missing, a read-only or locked file, a full disk, no server), or None for anything else.
    Takes SQLAlchemy's errors and the sqlite3 module's own (the backup uses it directly)."""
    import sqlite3

    if isinstance(err, DBAPIError):
        text, sqlstate = str(err.orig), getattr(err.orig, "sqlstate", None)
    elif isinstance(err, sqlite3.Error):
        text, sqlstate = str(err), None
    else:
        return None
    if "no such table" in text or "no such column" in text or sqlstate in ("42P01", "42703"):
        return "databasen är inte migrerad till den här versionen; kör `caseflow db upgrade`"
    if "readonly database" in text or sqlstate == "25006":
        return "databasen är skrivskyddad; inget ändrades"
    if "disk is full" in text or "disk I/O error" in text or sqlstate in ("53100", "58030"):
        return (
            "disken är full eller kan inte skrivas; inget ändrades (frigör utrymme och försök igen)"
        )
    if "locked" in text:
        return BUSY
    if "unable to open database file" in text:
        return ("kan inte öppna databasfilen (finns mappen, får den läsas och skrivas, och är "
                "filsystemet skrivbart?)")  # fmt: skip
    if isinstance(err, OperationalError | sqlite3.OperationalError):
        first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
        return f"kan inte använda databasen: {first}"
    return None


#: Rows of each index SQLite's ANALYZE samples after a bulk load (`Database.analyze`).
ANALYSIS_LIMIT = 1000


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN, instead of pysqlite's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Reads through a 256 MB memory map instead of copies into the 2 MB page cache: a list
        # page over 100,000 cases reads thousands of rows (bench_web: 5.6 → 3.3 ms per query).
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        # On the driver's connection: through SQLAlchemy's execute this BEGIN was a third of
        # what a short read transaction costs.
        connection.connection.driver_connection.execute(  # type: ignore[union-attr]
            "BEGIN IMMEDIATE" if write else "BEGIN"
        )
