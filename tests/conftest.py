"""Shared fixtures: an app on a fresh database per test, its session, test client and CLI runner.

``TEST_DATABASE_URL`` (set by CI to PostgreSQL) picks the engine; without it each test gets
in-memory SQLite. On that server every registry table is dropped and created again before each
test, so it is a variable of its own: a ``DATABASE_URL`` exported for a real registry is never touched.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

import registry.models  # noqa: F401  (defines the tables)
from registry import create_app

SERVER_URL = os.environ.get("TEST_DATABASE_URL")


def _clear(engine: Engine) -> None:
    """Drop every registry table and Alembic's version table: an empty database."""
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _make_app(url: str, *, tables: bool) -> Flask:
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    engine: Engine = app.extensions["registry.db"]
    _clear(engine)
    if tables:
        SQLModel.metadata.create_all(engine)
    return app


@pytest.fixture
def app() -> Iterator[Flask]:
    """An app whose database has every table and no rows."""
    app = _make_app(SERVER_URL or "sqlite://", tables=True)
    yield app
    app.extensions["registry.db"].dispose()


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose database has no tables at all (a SQLite file, or the server database emptied)."""
    app = _make_app(SERVER_URL or f"sqlite:///{tmp_path / 'registry.sqlite'}", tables=False)
    yield app
    app.extensions["registry.db"].dispose()


@pytest.fixture
def engine(app: Flask) -> Engine:
    """The app's engine."""
    engine: Engine = app.extensions["registry.db"]
    return engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the app's database, as the services take it."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for pages and the API."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for ``flask registry`` commands."""
    return app.test_cli_runner()
