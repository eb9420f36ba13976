"""Organisations: the records that agreements name as owners and parties."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlmodel import Session, select

from agreements.model import Organisation
from agreements.validation import validate_organisation
from registry.mapping import organisation_record, organisation_to_row, row_to_organisation, update_organisation_row
from registry.models import OrganisationRow
from registry.services.common import current_vocabulary, log_change, utcnow
from registry.services.errors import RegistryNotFoundError, RegistryValidationError

Outcome = Literal["created", "updated", "unchanged"]


def list_organisations(*, session: Session) -> list[Organisation]:
    """Every organisation, by name."""
    rows = session.exec(select(OrganisationRow).order_by(OrganisationRow.name, OrganisationRow.id)).all()
    return [row_to_organisation(row) for row in rows]


def get_organisation(*, session: Session, organisation_id: str) -> Organisation:
    """One organisation; ``RegistryNotFoundError`` when there is none with that id."""
    row = session.get(OrganisationRow, organisation_id)
    if row is None:
        raise RegistryNotFoundError(f"no organisation {organisation_id!r}")
    return row_to_organisation(row)


def save_organisation(*, session: Session, organisation: Organisation, actor: str) -> Organisation:
    """Create or update an organisation after checking it against the vocabulary; unchanged ones are not written."""
    problems = validate_organisation(organisation, current_vocabulary())
    if problems:
        raise RegistryValidationError(problems)
    try:
        store_organisation(session=session, organisation=organisation, actor=actor, at=utcnow())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return organisation


def store_organisation(*, session: Session, organisation: Organisation, actor: str, at: datetime) -> Outcome:
    """Write an already-validated organisation without committing; say whether anything changed."""
    row = session.get(OrganisationRow, organisation.id)
    after = organisation_record(organisation)
    if row is None:
        session.add(organisation_to_row(organisation, updated_at=at))
        log_change(
            session,
            actor=actor,
            action="create",
            object_type="organisation",
            object_id=organisation.id,
            before=None,
            after=after,
            at=at,
        )
        return "created"
    if row.record == after:
        return "unchanged"
    before = dict(row.record)
    update_organisation_row(row, organisation, updated_at=at)
    session.add(row)
    log_change(
        session,
        actor=actor,
        action="update",
        object_type="organisation",
        object_id=organisation.id,
        before=before,
        after=after,
        at=at,
    )
    return "updated"
