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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement, Select
from sqlalchemy.sql.compiler import SQLCompiler

_Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    order: tuple[str, ...] | None  # bind names in order (positional paramstyles), else None
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]  # names whose values need converting
    results: tuple[_Processor, ...]  # one per selected column
    defaults: dict[str, Any]  # literal values in the statement (`status == "planned"`)


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
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            )
        order = tuple(compiled.positiontup) if compiled.positiontup is not None else None
        defaults = {n: b.effective_value for n, b in compiled.binds.items() if not b.required}
        return _Compiled(compiled.string, order, tuple(binds), results, defaults)


class CursorTransaction:
    """One transaction on a DBAPI cursor: `execute` and `first` take a `Prepared` statement and
    its parameters by name, convert them as SQLAlchemy would and send the statement directly."""

    def __init__(self, cursor: Any, dialect: Dialect) -> None:
        self.cursor = cursor
        self.dialect = dialect

    def execute(self, statement: Prepared, params: Mapping[str, Any]) -> int:
        """Run `statement`; the number of rows it changed (writes)."""
        self._send(statement.compiled(self.dialect), params)
        return int(self.cursor.rowcount)

    def first(self, statement: Prepared, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row of a SELECT, converted as SQLAlchemy would, or None."""
        compiled = statement.compiled(self.dialect)
        self._send(compiled, params)
        row = self.cursor.fetchone()
        if row is None:
            return None
        return tuple(p(v) if p else v for p, v in zip(compiled.results, row, strict=True))

    def all(self, statement: Prepared, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        compiled = statement.compiled(self.dialect)
        self._send(compiled, params)
        processors = compiled.results
        return [
            tuple(p(v) if p else v for p, v in zip(processors, row, strict=True))
            for row in self.cursor.fetchall()
        ]

    def _send(self, compiled: _Compiled, params: Mapping[str, Any]) -> None:
        if compiled.defaults:
            params = {**compiled.defaults, **params}
        if compiled.binds:
            values = dict(params)
            for name, processor in compiled.binds:
                values[name] = processor(values[name])
        else:
            values = params  # type: ignore[assignment]
        args: Sequence[Any] | Mapping[str, Any]
        args = values if compiled.order is None else [values[n] for n in compiled.order]
        self.cursor.execute(compiled.sql, args)
