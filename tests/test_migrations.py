"""Alembic migrations and the SQLModel models describe the same schema, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from caseflow.cli.db import alembic_config, upgrade_database
from caseflow.store.db import Database
from tests.conftest import PG_URL


def _check_roundtrip(database: Database) -> None:
    config = alembic_config(database)
    command.upgrade(config, "head")
    command.check(config)  # raises if autogenerate finds any difference to the models
    assert {"cases", "case_events", "case_funders", "people"} <= set(
        inspect(database.engine).get_table_names()
    )
    command.downgrade(config, "base")
    assert "cases" not in inspect(database.engine).get_table_names()
    command.upgrade(config, "head")
    command.check(config)


def test_sqlite_migrations_match_models(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'm.db'}")
    _check_roundtrip(database)
    database.dispose()


@pytest.mark.skipif(PG_URL is None, reason="CASEFLOW_TEST_DATABASE_URL not set")
def test_postgresql_migrations_match_models(pg_database: Database) -> None:
    _check_roundtrip(pg_database)


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade_database(database)
    upgrade_database(database)
    database.dispose()
