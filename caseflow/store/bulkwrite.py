"""Many rows in one `executemany` on the transaction's DBAPI cursor (the bulk import, the
re-planning pass): a `Prepared` statement's SQL with each row converted by the columns' own
bind processors, as SQLAlchemy's executemany would do it, without its per-row machinery."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from caseflow.store.prepared import Prepared


def send_many(conn: Connection, statement: Prepared, rows: list[dict[str, Any]]) -> None:
    """One executemany of `statement` on the transaction's DBAPI cursor, each row converted by
    the columns' own bind processors (as SQLAlchemy's executemany would, without its ~20 µs of
    per-row machinery). Driver errors are raised as SQLAlchemy's, so `Database.write` sees a
    unique violation as it would otherwise."""
    compiled = statement.compiled(conn.dialect)
    args: list[Any] = []
    for row in rows:
        values = dict(row)
        for name, processor in compiled.binds:
            values[name] = processor(values[name])
        args.append(values if compiled.order is None else [values[n] for n in compiled.order])
    dbapi = conn.dialect.loaded_dbapi
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(compiled.sql, args)
    except dbapi.Error as err:
        raise DBAPIError.instance(compiled.sql, None, err, dbapi.Error) from err
    finally:
        cursor.close()
