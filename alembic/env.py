"""Alembic environment: target_metadata is SQLModel.metadata; the URL is passed in."""

from __future__ import annotations

import os

from alembic import context
from sqlmodel import SQLModel

import caseflow.records.models  # registers the records tables
import caseflow.retention.models  # registers the retention tables
import caseflow.store.models  # noqa: F401  (registers the tables)
from caseflow.store.db import Database

config = context.config
target_metadata = SQLModel.metadata


def _database() -> Database:
    given = config.attributes.get("database")
    if isinstance(given, Database):
        return given
    url = os.environ.get("CASEFLOW_DATABASE_URL", "sqlite:///caseflow.db")
    return Database(url)


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """The search index (migration 0015: SQLite's FTS5 table and its shadow tables, PostgreSQL's
    expression index) is not a model: autogenerate leaves it alone."""
    search = name is not None and name.startswith(("cases_search", "ix_cases_search"))
    return not (reflected and search)


def run_migrations_offline() -> None:
    url = config.attributes.get("url") or os.environ.get("CASEFLOW_DATABASE_URL")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    database = _database()
    with database.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=database.is_sqlite,
            compare_type=True,
            include_object=_include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
