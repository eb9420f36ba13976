"""Small helpers every service shares: the clock, the vocabulary and the change log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from agreements.vocabulary import Vocabulary
from registry.models import AgreementRow, ChangeLogRow, OrganisationRow
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
    """Add a change-log row; it is written with the change it describes, in the same transaction."""
    session.add(
        ChangeLogRow(
            at=at,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
        )
    )
