"""Small helpers every service shares: the clock, the vocabulary and the change log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, select

from agreements.vocabulary import Vocabulary
from registry.models import REGISTRY_VERSION_ID, AgreementRow, ChangeLogRow, OrganisationRow, RegistryVersionRow
from schemas import vocabulary as vocabulary_file


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, as every stored timestamp is."""
    return datetime.now(UTC)


def current_vocabulary() -> Vocabulary:
    """The vocabulary agreements are checked against."""
    # Looked up through the module so a test can substitute the vocabulary in one place.
    return vocabulary_file.load_vocabulary()


def stored_organisation_ids(session: Session) -> set[str]:
    """The id of every stored organisation."""
    return set(session.exec(select(OrganisationRow.id)).all())


def stored_agreement_ids(session: Session) -> set[str]:
    """The id of every stored agreement."""
    return set(session.exec(select(AgreementRow.id)).all())


def log_change(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: datetime,
) -> None:
    """Add a change-log row and bump the registry version: both are written with the change, in one transaction.

    The request id comes from ``session.info["request_id"]``, which the web layer sets on the request's session.
    """
    if object_type in SNAPSHOT_OBJECTS:
        bump_registry_version(session)
    session.add(
        ChangeLogRow(
            at=at,
            actor=actor,
            request_id=session.info.get("request_id"),
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
        )
    )


# Changes to these invalidate every process's compiled registry snapshot.
SNAPSHOT_OBJECTS = frozenset({"agreement", "organisation"})


def bump_registry_version(session: Session) -> None:
    """Add one to the registry version in the caller's transaction (an atomic increment, safe under concurrency)."""
    session.execute(
        update(RegistryVersionRow)
        .where(RegistryVersionRow.id == REGISTRY_VERSION_ID)  # type: ignore[arg-type]
        .values(version=RegistryVersionRow.version + 1)
    )


_VERSION_TABLE = RegistryVersionRow.__table__  # type: ignore[attr-defined]
# Core, not the ORM: this read runs on every check, and the ORM's per-statement machinery costs more than the read.
_READ_VERSION = sa_select(_VERSION_TABLE.c.epoch, _VERSION_TABLE.c.version).where(
    _VERSION_TABLE.c.id == REGISTRY_VERSION_ID
)


# Outer-joined onto another read (the bearer token's) so one query also says whether a snapshot is current.
VERSION_COLUMNS = (_VERSION_TABLE.c.epoch.label("registry_epoch"), _VERSION_TABLE.c.version.label("registry_version"))
VERSION_ROW = (_VERSION_TABLE, _VERSION_TABLE.c.id == REGISTRY_VERSION_ID)


def version_key(epoch: str | None, version: int | None) -> tuple[str, int]:
    """The (epoch, version) a snapshot is keyed by, from the row as read."""
    if epoch is None or version is None:
        # A database made without the migration's first row: every snapshot is rebuilt until something is written.
        return ("", -1)
    return (epoch, version)


def registry_version(session: Session) -> tuple[str, int]:
    """The registry's (epoch, version): one primary-key read."""
    row = session.connection().execute(_READ_VERSION).first()
    return version_key(*row) if row is not None else version_key(None, None)
