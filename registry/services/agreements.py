"""Agreements: saving revisions, reading any revision back, and starting a new agreement from an old one."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import and_, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from agreements.model import (
    Agreement,
    AgreementKind,
    AgreementRevision,
    AgreementStatus,
    Organisation,
    Review,
    can_change_status,
)
from agreements.validation import Problem, validate_agreement
from agreements.vocabulary import Vocabulary
from registry.mapping import (
    agreement_content,
    category_rows,
    content_hash,
    new_agreement_row,
    party_rows,
    revision_to_row,
    row_to_organisation,
    row_to_revision,
    set_current_revision,
)
from registry.models import AgreementPartyRow, AgreementRevisionRow, AgreementRow, OrganisationRow
from registry.services.common import (
    current_vocabulary,
    log_change,
    stored_agreement_ids,
    stored_organisation_ids,
    utcnow,
)
from registry.services.errors import RegistryConflictError, RegistryNotFoundError, RegistryValidationError
from schemas.files import AgreementHistory

Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class AgreementSummary:
    """What a list of agreements shows about each one (its current revision)."""

    id: str
    title: str
    kind: AgreementKind
    status: AgreementStatus
    version: str
    current_revision: int
    owner_id: str
    effective_from: date | None
    review_due: date | None
    expires_on: date | None
    party_count: int


@dataclass(frozen=True)
class RevisionSummary:
    """One line of an agreement's revision history."""

    revision: int
    version: str
    status: AgreementStatus
    effective_from: date | None
    recorded_at: datetime
    recorded_by: str
    change_note: str | None


@dataclass(frozen=True)
class AgreementDetail:
    """An agreement at one revision, with its history and the organisations it names."""

    revision: AgreementRevision
    current_revision: int
    revisions: tuple[RevisionSummary, ...]
    organisations: dict[str, Organisation]

    def organisation_name(self, organisation_id: str) -> str:
        """The organisation's name, or its id when it is not on record."""
        organisation = self.organisations.get(organisation_id)
        return organisation.name if organisation is not None else organisation_id


def agreement_problems(
    agreement: Agreement,
    *,
    vocabulary: Vocabulary,
    organisation_ids: Collection[str],
    agreement_ids: Collection[str],
    current_status: AgreementStatus | None,
) -> list[Problem]:
    """Everything that stops ``agreement`` being stored as the next revision after one in ``current_status``."""
    problems = validate_agreement(agreement, vocabulary, organisation_ids)
    if (
        agreement.parent_id is not None
        and agreement.parent_id != agreement.id
        and (agreement.parent_id not in agreement_ids)
    ):
        problems.append(Problem("parent_id", f"unknown parent agreement {agreement.parent_id!r}"))
    if current_status is not None and not can_change_status(current_status, agreement.status):
        problems.append(
            Problem("status", f"an agreement cannot go from {current_status.value} to {agreement.status.value}")
        )
    return problems


def save_agreement(
    *, session: Session, agreement: Agreement, actor: str, change_note: str | None = None
) -> AgreementRevision:
    """Store a changed agreement as its next revision and return it; an unchanged one returns the current revision."""
    current = _current_revision_row(session, agreement.id)
    if current is not None and current.content_hash == content_hash(agreement_content(agreement)):
        return row_to_revision(current)
    problems = agreement_problems(
        agreement,
        vocabulary=current_vocabulary(),
        organisation_ids=stored_organisation_ids(session),
        agreement_ids=stored_agreement_ids(session),
        current_status=AgreementStatus(current.status) if current is not None else None,
    )
    if problems:
        raise RegistryValidationError(problems)
    try:
        # The status change was checked against ``current``: store only if it is still the current revision.
        if current is not None and not claim_revision(session, agreement.id, current.revision):
            raise RegistryConflictError(f"{agreement.id} was changed by someone else meanwhile; nothing was saved")
        stored, _ = store_agreement(
            session=session, agreement=agreement, actor=actor, change_note=change_note, at=utcnow()
        )
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise RegistryConflictError(f"{agreement.id} was stored by someone else meanwhile; nothing was saved") from exc
    except BaseException:
        session.rollback()
        raise
    return stored


def claim_revision(session: Session, agreement_id: str, revision: int) -> bool:
    """Compare-and-set: lock the agreement if ``revision`` is still its current one (False if it has moved).

    Setting ``current_revision`` to itself changes nothing but takes SQLite's write lock or PostgreSQL's row
    lock (where a concurrent writer's commit makes the condition false), held until the caller commits.
    """
    claimed = session.execute(
        update(AgreementRow)
        .where(col(AgreementRow.id) == agreement_id, col(AgreementRow.current_revision) == revision)
        .values(current_revision=revision)
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def store_agreement(
    *, session: Session, agreement: Agreement, actor: str, change_note: str | None, at: datetime
) -> tuple[AgreementRevision, Outcome]:
    """Write an already-validated agreement as a new revision unless unchanged; no commit."""
    row = session.get(AgreementRow, agreement.id)
    current = _current_revision_row(session, agreement.id)
    if current is not None and current.content_hash == content_hash(agreement_content(agreement)):
        return row_to_revision(current), "unchanged"
    revision = AgreementRevision(
        agreement=agreement,
        revision=1 if current is None else current.revision + 1,
        recorded_at=at,
        recorded_by=actor,
        change_note=change_note,
    )
    write_revision(session=session, revision=revision, row=row, action="create" if row is None else "update", at=at)
    return revision, "created" if row is None else "updated"


def write_revision(
    *, session: Session, revision: AgreementRevision, row: AgreementRow | None, action: str, at: datetime
) -> AgreementRow:
    """Add one revision exactly as given, move the agreement to it and log the change; no commit."""
    before = None
    if row is None:
        row = new_agreement_row(revision)
        session.add(row)
        # The revision row refers to the agreement row: make sure it exists first.
        session.flush()
    else:
        previous = session.get(AgreementRevisionRow, (row.id, row.current_revision))
        before = _snapshot(previous) if previous is not None else None
        set_current_revision(row, revision)
        session.add(row)
    revision_row = revision_to_row(revision)
    session.add(revision_row)
    session.flush()
    session.add_all(party_rows(revision.agreement, revision.revision))
    session.add_all(category_rows(revision.agreement, revision.revision))
    log_change(
        session,
        actor=revision.recorded_by,
        action=action,
        object_type="agreement",
        object_id=row.id,
        before=before,
        after=_snapshot(revision_row),
        at=at,
    )
    return row


def _snapshot(row: AgreementRevisionRow) -> dict[str, Any]:
    return {"revision": row.revision, "agreement": row.content}


def _current_revision_row(session: Session, agreement_id: str) -> AgreementRevisionRow | None:
    row = session.get(AgreementRow, agreement_id)
    if row is None:
        return None
    return session.get(AgreementRevisionRow, (agreement_id, row.current_revision))


def get_agreement(*, session: Session, agreement_id: str, revision: int | None = None) -> AgreementRevision:
    """An agreement at a revision (the current one by default); ``RegistryNotFoundError`` if there is none."""
    return row_to_revision(_revision_row(session, agreement_id, revision))


def _revision_row(session: Session, agreement_id: str, revision: int | None) -> AgreementRevisionRow:
    row = session.get(AgreementRow, agreement_id)
    if row is None:
        raise RegistryNotFoundError(f"no agreement {agreement_id!r}")
    number = row.current_revision if revision is None else revision
    revision_row = session.get(AgreementRevisionRow, (agreement_id, number))
    if revision_row is None:
        raise RegistryNotFoundError(f"agreement {agreement_id!r} has no revision {number}")
    return revision_row


def list_agreements(*, session: Session) -> list[AgreementSummary]:
    """Every agreement as it currently stands, by title."""
    party_count = func.count(col(AgreementPartyRow.organisation_id))
    statement = (
        select(AgreementRow, party_count)
        .outerjoin(
            AgreementPartyRow,
            and_(
                col(AgreementPartyRow.agreement_id) == col(AgreementRow.id),
                col(AgreementPartyRow.revision) == col(AgreementRow.current_revision),
            ),
        )
        .group_by(col(AgreementRow.id))
        .order_by(col(AgreementRow.title), col(AgreementRow.id))
    )
    return [
        AgreementSummary(
            id=row.id,
            title=row.title,
            kind=AgreementKind(row.kind),
            status=AgreementStatus(row.status),
            version=row.version,
            current_revision=row.current_revision,
            owner_id=row.owner_id,
            effective_from=row.effective_from,
            review_due=row.review_due,
            expires_on=row.expires_on,
            party_count=count,
        )
        for row, count in session.exec(statement).all()
    ]


def list_revisions(*, session: Session, agreement_id: str) -> list[RevisionSummary]:
    """An agreement's revisions, oldest first; ``RegistryNotFoundError`` if there is no such agreement."""
    if session.get(AgreementRow, agreement_id) is None:
        raise RegistryNotFoundError(f"no agreement {agreement_id!r}")
    rows = session.exec(
        select(AgreementRevisionRow)
        .where(AgreementRevisionRow.agreement_id == agreement_id)
        .order_by(col(AgreementRevisionRow.revision))
    ).all()
    return [
        RevisionSummary(
            revision=row.revision,
            version=row.version,
            status=AgreementStatus(row.status),
            effective_from=row.effective_from,
            recorded_at=row.recorded_at,
            recorded_by=row.recorded_by,
            change_note=row.change_note,
        )
        for row in rows
    ]


def describe_agreement(*, session: Session, agreement_id: str, revision: int | None = None) -> AgreementDetail:
    """Everything the agreement page shows: the revision, the list of revisions and the organisations named."""
    revision_row = _revision_row(session, agreement_id, revision)
    stored = row_to_revision(revision_row)
    agreement = stored.agreement
    named = set(agreement.party_ids()) | {agreement.owner}
    organisations = session.exec(select(OrganisationRow).where(col(OrganisationRow.id).in_(named))).all()
    current = session.get(AgreementRow, agreement_id)
    assert current is not None  # _revision_row found it
    return AgreementDetail(
        revision=stored,
        current_revision=current.current_revision,
        revisions=tuple(list_revisions(session=session, agreement_id=agreement_id)),
        organisations={row.id: row_to_organisation(row) for row in organisations},
    )


def agreement_history(*, session: Session) -> list[AgreementHistory]:
    """Every revision of every agreement, grouped by agreement (by id), oldest revision first."""
    rows = session.exec(
        select(AgreementRevisionRow).order_by(
            col(AgreementRevisionRow.agreement_id), col(AgreementRevisionRow.revision)
        )
    ).all()
    grouped: dict[str, list[AgreementRevision]] = {}
    for row in rows:
        grouped.setdefault(row.agreement_id, []).append(row_to_revision(row))
    return [AgreementHistory(agreement_id=key, revisions=tuple(value)) for key, value in grouped.items()]


def copy_as_template(*, session: Session, source_id: str, new_id: str, title: str, actor: str) -> AgreementRevision:
    """Start a new draft agreement from another's current revision: unsigned, undated, version 0.1."""
    source = get_agreement(session=session, agreement_id=source_id)
    if session.get(AgreementRow, new_id) is not None:
        raise RegistryValidationError([Problem("id", f"an agreement with id {new_id!r} already exists")])
    old = source.agreement
    draft = dataclasses.replace(
        old,
        id=new_id,
        title=title,
        status=AgreementStatus.DRAFT,
        version="0.1",
        # A copy is a new agreement: nobody has signed it and none of the source's dates apply to it.
        parties=tuple(dataclasses.replace(party, signatory=None) for party in old.parties),
        effective_from=None,
        review_due=None,
        expires_on=None,
        review=dataclasses.replace(old.review, last_reviewed_on=None) if old.review else Review(),
        amendments=(),
    )
    return save_agreement(
        session=session,
        agreement=draft,
        actor=actor,
        change_note=f"copied from {source_id} revision {source.revision} (version {old.version})",
    )
