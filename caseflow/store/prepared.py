"""Statements for the hottest paths, compiled once per dialect and run on the DBAPI cursor.

A Core statement executed through SQLAlchemy costs ~50–60 µs of Python per call (cache-key
generation, parameter processing, result set-up) on top of the driver's own ~10 µs; a move
sends a handful. `Prepared` keeps SQLAlchemy as the one place SQL and type conversions are
defined — the SQL text, parameter order and each column's bind and result processors come
from the statement compiled for the connection's dialect — and skips the per-call machinery.
`CursorTransaction` is one write transaction on a pooled connection (see
`Database.cursor_transaction`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement, Select
from sqlalchemy.sql.compiler import SQLCompiler

from caseflow.store.models import UTCDateTime

_Processor = Callable[[Any], Any] | None


_MISSING = object()


def _sqlite_utc(value: str | None) -> datetime | None:
    """`UTCDateTime`'s value from SQLite's stored text (UTC, no offset) as an aware datetime: what
    SQLAlchemy's processor and `UTCDateTime.process_result_value` give, in a fifth of the time
    (a list page converts fifty)."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value + "+00:00")
    except ValueError:  # the text carries an offset of its own
        return datetime.fromisoformat(value).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    order: tuple[str, ...] | None  # bind names in order (positional paramstyles), else None
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]  # names whose values need converting
    results: tuple[_Processor, ...]  # one per selected column
    defaults: dict[str, Any]  # literal values in the statement (`status == "planned"`)
    # Positional paramstyles: (name, processor or None, default or _MISSING) in bind order.
    positional: tuple[tuple[str, _Processor, Any], ...] | None
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]  # result columns with a processor

    def arguments(self, params: Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
        """The driver's arguments for `params`, converted as SQLAlchemy would."""
        if self.positional is not None:
            return [
                (p(params[n]) if p else params[n])
                if d is _MISSING or n in params
                else (p(d) if p else d)
                for n, p, d in self.positional
            ]
        if self.defaults:
            params = {**self.defaults, **params}
        if not self.binds:
            return params
        values = dict(params)
        for name, processor in self.binds:
            values[name] = processor(values[name])
        return values

    def row(self, row: Sequence[Any]) -> tuple[Any, ...]:
        """A fetched row with each column's result processor applied."""
        if not self.converted:
            return tuple(row)
        out = list(row)
        for index, processor in self.converted:
            out[index] = processor(out[index])
        return tuple(out)


class Prepared:
    """A Core statement with named bind parameters, compiled on first use per dialect."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = cast(SQLCompiler, self.statement.compile(dialect=dialect))
        binds = []
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                binds.append((name, processor))
        results: tuple[_Processor, ...] = ()
        if isinstance(self.statement, Select):
            results = tuple(
                _sqlite_utc
                if dialect.name == "sqlite" and isinstance(column.type, UTCDateTime)
                else column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            )
        order = tuple(compiled.positiontup) if compiled.positiontup is not None else None
        defaults = {n: b.effective_value for n, b in compiled.binds.items() if not b.required}
        processors = dict(binds)
        positional = None
        if order is not None:
            positional = tuple((n, processors.get(n), defaults.get(n, _MISSING)) for n in order)
        converted = tuple((i, p) for i, p in enumerate(results) if p is not None)
        return _Compiled(
            compiled.string, order, tuple(binds), results, defaults, positional, converted
        )


class CursorTransaction:
    """One transaction on a DBAPI cursor: `execute` and `first` take a `Prepared` statement and
    its parameters by name, convert them as SQLAlchemy would and send the statement directly."""

    def __init__(self, cursor: Any, dialect: Dialect) -> None:
        self.cursor = cursor
        self.dialect = dialect

    def execute(self, statement: Prepared, params: Mapping[str, Any]) -> int:
        """Run `statement`; the number of rows it changed (writes)."""
        compiled = statement.compiled(self.dialect)
        self.cursor.execute(compiled.sql, compiled.arguments(params))
        return int(self.cursor.rowcount)

    def first(self, statement: Prepared, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row of a SELECT, converted as SQLAlchemy would, or None."""
        compiled = statement.compiled(self.dialect)
        self.cursor.execute(compiled.sql, compiled.arguments(params))
        row = self.cursor.fetchone()
        return None if row is None else compiled.row(row)

    def all(self, statement: Prepared, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        compiled = statement.compiled(self.dialect)
        self.cursor.execute(compiled.sql, compiled.arguments(params))
        return [compiled.row(row) for row in self.cursor.fetchall()]


@contextmanager
def cursor_in(conn: Connection) -> Iterator[CursorTransaction]:
    """A `CursorTransaction` on `conn`'s DBAPI connection, inside `conn`'s own transaction (a
    page's ORM session and its prebuilt statements then read the same snapshot)."""
    cursor = conn.connection.cursor()
    try:
        yield CursorTransaction(cursor, conn.dialect)
    finally:
        cursor.close()
