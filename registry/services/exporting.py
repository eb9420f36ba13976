"""Exporting the whole registry as one file that imports again unchanged."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from registry.services.agreements import agreement_history
from registry.services.common import current_vocabulary, utcnow
from registry.services.organisations import list_organisations
from schemas.files import Format, dump_registry


def export_registry(*, session: Session, fmt: Format, exported_at: datetime | None = None) -> str:
    """Every organisation and every revision of every agreement, as YAML or JSON text."""
    return dump_registry(
        organisations=list_organisations(session=session),
        history=agreement_history(session=session),
        vocabulary_version=current_vocabulary().version,
        exported_at=exported_at or utcnow(),
        fmt=fmt,
    )
