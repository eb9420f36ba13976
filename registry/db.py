"""The database engine of each app and a SQLModel session per request.

Nothing here is kept in process memory beyond the engine's connection pool, so any number
of worker processes can serve the same database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

if TYPE_CHECKING:
    from registry.services.checking import SnapshotCache

_EXTENSION = "registry.db"
_SNAPSHOTS = "registry.snapshots"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys switched on, in-memory SQLite one shared connection."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if url in ("sqlite://", "sqlite:///:memory:"):
        # Every connection to in-memory SQLite is a new empty database; share one.
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _foreign_keys_on(dbapi_connection: Any, _record: Any) -> None:
        # SQLite ignores REFERENCES clauses unless asked, on every connection.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


class Database:
    """The Flask extension that owns the engine and the per-request session."""

    def init_app(self, app: Flask) -> None:
        """Create this app's engine and close the request's session when the request ends."""
        from registry.services.checking import SnapshotCache

        app.extensions[_EXTENSION] = make_engine(app.config["DATABASE_URL"])
        app.extensions[_SNAPSHOTS] = SnapshotCache()
        app.teardown_appcontext(_close_session)

    @property
    def snapshots(self) -> SnapshotCache:
        """The current app's compiled registry snapshot, keyed by the registry version."""
        cache: SnapshotCache = current_app.extensions[_SNAPSHOTS]
        return cache

    def warm(self, app: Flask) -> bool:
        """Build the snapshot now (a server's start-up) so the first check does not pay for it.

        Returns False, quietly, when the database is not reachable or not set up yet: the first request
        then gets the 503 that says what to run.
        """
        from sqlalchemy.exc import DBAPIError

        with app.app_context():
            try:
                app.extensions[_SNAPSHOTS].get(self.session)
            except DBAPIError as exc:
                app.logger.warning("registry snapshot not warmed: %s", exc.__class__.__name__)
                return False
        return True

    @property
    def engine(self) -> Engine:
        """The current app's engine."""
        engine: Engine = current_app.extensions[_EXTENSION]
        return engine

    @property
    def session(self) -> Session:
        """The session of the current request (or app context), opened on first use."""
        if "db_session" not in g:
            # The change log records the request a change came in on.
            g.db_session = Session(self.engine, expire_on_commit=False, info={"request_id": g.get("request_id")})
        session: Session = g.db_session
        return session

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A session for a CLI command: committed when the block succeeds, rolled back when it raises."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
