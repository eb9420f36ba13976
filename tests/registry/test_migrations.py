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


def test_upgrading_recomputes_stored_identities_and_marks_old_revisions(empty_app: Flask) -> None:
    """Revisions stored before the identity change keep being recognised: their hash is recomputed."""
    import hashlib
    import json
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from registry.mapping import agreement_content, content_hash
    from tests.agreements.conftest import load_standard_agreements

    agreement = load_standard_agreements()["NS-MASH-ISA"]
    content = agreement_content(agreement)
    old_hash = hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    with empty_app.app_context():
        engine = db.engine
        migrate.upgrade(engine, "8431f4ae08e3")
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.begin() as connection:
            connection.execute(
                metadata.tables["agreement"]
                .insert()
                .values(
                    id=agreement.id,
                    current_revision=1,
                    title=agreement.title,
                    kind=agreement.kind.value,
                    status=agreement.status.value,
                    version=agreement.version,
                    owner_id=agreement.owner,
                )
            )
            connection.execute(
                metadata.tables["agreement_revision"]
                .insert()
                .values(
                    agreement_id=agreement.id,
                    revision=1,
                    version=agreement.version,
                    status=agreement.status.value,
                    content=content,
                    content_hash=old_hash,
                    recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
                    recorded_by="test",
                )
            )
        migrate.upgrade(engine)
        with engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT content_hash, schema_version FROM agreement_revision")).one()
        assert stored == (content_hash(content), 1)
        assert stored[0] != old_hash
