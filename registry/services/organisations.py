"""Organisations: the records that agreements name as owners and parties."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from agreements.model import Organisation
from agreements.validation import Problem, validate_organisation
from registry.mapping import (
    content_hash,
    organisation_record,
    organisation_to_row,
    row_to_organisation,
    update_organisation_row,
)
from registry.models import OrganisationRow
from registry.services.accounts import Account, Role
from registry.services.common import current_vocabulary, log_change, utcnow
from registry.services.errors import (
    PermissionDeniedError,
    RegistryConflictError,
    RegistryNotFoundError,
    RegistryValidationError,
    StaleRevisionError,
)

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


def organisation_etag(organisation: Organisation) -> str:
    """The organisation's entity tag: a hash of its record, so any change gives a new one."""
    return content_hash(organisation_record(organisation))[:20]


def _may_edit_organisations(account: Account) -> None:
    if account.role not in (Role.ADMIN, Role.GOVERNANCE_LEAD):
        raise PermissionDeniedError(f"a {account.role.value} cannot change organisations")


def create_organisation(*, session: Session, organisation: Organisation, account: Account) -> Organisation:
    """Add a new organisation; its id must be new. Commits, with a change-log row."""
    _may_edit_organisations(account)
    if session.get(OrganisationRow, organisation.id) is not None:
        raise RegistryConflictError(
            f"an organisation with id {organisation.id!r} already exists",
            [Problem("id", f"an organisation with id {organisation.id!r} already exists")],
        )
    problems = validate_organisation(organisation, current_vocabulary())
    if problems:
        raise RegistryValidationError(problems)
    try:
        store_organisation(session=session, organisation=organisation, actor=account.actor, at=utcnow())
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise RegistryConflictError(
            f"an organisation with id {organisation.id!r} was created at the same time"
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return organisation


def amend_organisation(
    *, session: Session, organisation_id: str, organisation: Organisation, account: Account, expected_etag: str | None
) -> Organisation:
    """Replace an organisation's record; ``expected_etag`` is the one the change was made from (412 if stale).

    A governance lead amends their own organisation's record only; an admin any.
    """
    _may_edit_organisations(account)
    row = session.get(OrganisationRow, organisation_id)
    if row is None:
        raise RegistryNotFoundError(f"no organisation {organisation_id!r}")
    if account.role is Role.GOVERNANCE_LEAD and account.organisation_id != organisation_id:
        raise PermissionDeniedError(f"a governance lead of {account.organisation_id} cannot amend {organisation_id}")
    current = row_to_organisation(row)
    if expected_etag is not None and expected_etag != organisation_etag(current):
        raise StaleRevisionError(
            f"{organisation_id} has changed since you read it: read it again",
            [Problem("If-Match", "not the organisation's current entity tag")],
        )
    if organisation.id != organisation_id:
        raise RegistryValidationError([Problem("id", f"the organisation's id must stay {organisation_id!r}")])
    problems = validate_organisation(organisation, current_vocabulary())
    if problems:
        raise RegistryValidationError(problems)
    after = organisation_record(organisation)
    if after == row.record:
        return current
    at = utcnow()
    try:
        # Compare-and-set on the time of the last change: of two amendments from one version, one is stored.
        moved = session.execute(
            update(OrganisationRow)
            .where(col(OrganisationRow.id) == organisation_id, col(OrganisationRow.updated_at) == row.updated_at)
            .values(
                name=organisation.name,
                type=organisation.type,
                public_authority=organisation.public_authority,
                competent_authority=organisation.competent_authority,
                record=after,
                updated_at=at,
            )
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleRevisionError(f"{organisation_id} was changed by someone else at the same time; nothing saved")
        log_change(
            session,
            actor=account.actor,
            action="update",
            object_type="organisation",
            object_id=organisation_id,
            before=dict(row.record),
            after=after,
            at=at,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.expire(row)
    return organisation
