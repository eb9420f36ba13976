"""Shared fixtures: an app on a fresh database per test, its session, test client and CLI runner.

``TEST_DATABASE_URL`` (set by CI to PostgreSQL) picks the engine; without it each test gets
in-memory SQLite. On that server every registry table is dropped and created again before each
test, so it is a variable of its own: a ``DATABASE_URL`` exported for a real registry is never touched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

import registry.models  # noqa: F401  (defines the tables)
from registry import create_app
from registry.services import accounts
from registry.services.accounts import Account, Role, create_token, create_user
from registry.services.organisations import save_organisation
from tests.builders import make_organisation

SERVER_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"
# Argon2 at its real cost would make every test that creates a user slow; the hashes still verify the same way.
accounts.PASSWORD_HASHER = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)


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


MakeAccount = Callable[..., tuple[Account, str]]


@pytest.fixture
def make_account(engine: Engine) -> MakeAccount:
    """``make_account(role, organisation_id=None, email=None)`` → (account, API token).

    A user of an organisational role with no organisation named gets one of their own, created here.
    """
    counter = iter(range(1, 10_000))

    def make(role: Role | str, organisation_id: str | None = None, email: str | None = None) -> tuple[Account, str]:
        role = Role(role)
        number = next(counter)
        with Session(engine, expire_on_commit=False) as session:
            if organisation_id is None and role in accounts.ORGANISATIONAL_ROLES:
                organisation_id = f"org-of-{role.value.replace('_', '-')}-{number}"
                save_organisation(
                    session=session,
                    organisation=make_organisation(id=organisation_id, name=f"Organisation {number}"),
                    actor="test",
                )
            account = create_user(
                session=session,
                email=email or f"{role.value}-{number}@example.org",
                name=f"Test {role.value.replace('_', ' ')} {number}",
                role=role.value,
                password=PASSWORD,
                organisation_id=organisation_id,
                actor="test",
            )
            _, token = create_token(session=session, user_id=account.id, name="tests", actor="test")
        return account, token

    return make


ClientAs = Callable[..., FlaskClient]


@pytest.fixture
def client_as(app: Flask, make_account: MakeAccount) -> ClientAs:
    """``client_as(role, organisation_id=None)``: a test client sending a new user's API token on every request."""

    def make(role: Role | str, organisation_id: str | None = None) -> FlaskClient:
        _, token = make_account(role, organisation_id)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return make


@pytest.fixture
def auth_client(client_as: ClientAs) -> FlaskClient:
    """A test client signed in (by API token) as an admin."""
    return client_as(Role.ADMIN)
