"""The Alembic migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect
from sqlmodel import SQLModel

from registry import migrate
from registry.extensions import db


def test_upgrade_head_on_an_empty_database_leaves_no_drift(empty_app: Flask) -> None:
    with empty_app.app_context():
        engine = db.engine
        assert migrate.current_revision(engine) is None

        assert migrate.upgrade(engine) == migrate.head_revision()

        assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []


def test_downgrade_to_base_and_up_again(empty_app: Flask) -> None:
    with empty_app.app_context():
        engine = db.engine
        migrate.upgrade(engine)

        assert migrate.downgrade(engine, "base") is None
        assert not set(SQLModel.metadata.tables) & set(inspect(engine).get_table_names())

        assert migrate.upgrade(engine) == migrate.head_revision()
