"""Reading an agreement's past: finding agreements by filter, comparing revisions, and the change log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from agreements.model import AgreementKind, AgreementStatus
from agreements.validation import Problem, unknown_term
from registry.models import (
    AgreementCategoryRow,
    AgreementPartyRow,
    AgreementRevisionRow,
    AgreementRow,
    ChangeLogRow,
    OrganisationRow,
)
from registry.services.agreements import AgreementSummary
from registry.services.common import current_vocabulary, stored_organisation_ids
from registry.services.errors import RegistryNotFoundError, RegistryValidationError

# How list items in an agreement document are matched between revisions: by their own id, not position.
LIST_KEYS = {"parties": "organisation_id", "flows": "id", "purposes": "purpose", "contacts": "name"}


@dataclass(frozen=True)
class AgreementFilters:
    """What a list of agreements may be narrowed by; None means any."""

    kind: AgreementKind | None = None
    status: AgreementStatus | None = None
    party: str | None = None
    data_category: str | None = None
    review_due_before: date | None = None


def find_agreements(
    *, session: Session, filters: AgreementFilters, offset: int = 0, limit: int | None = None
) -> tuple[list[AgreementSummary], int]:
    """The agreements matching ``filters`` as they currently stand, by title, one page of them, and how many match.

    ``data_category`` finds agreements with a flow that permits it: one naming it or a broader category.
    A category or party the registry does not know is a validation error naming the filter, not an empty list.
    """
    problems = []
    vocabulary = current_vocabulary()
    if filters.data_category is not None and filters.data_category not in vocabulary.data_categories:
        message = unknown_term("data category", filters.data_category, vocabulary.data_categories)
        problems.append(Problem("data_category", message))
    if filters.party is not None and session.get(OrganisationRow, filters.party) is None:
        problems.append(Problem("party", unknown_term("organisation", filters.party, stored_organisation_ids(session))))
    if problems:
        raise RegistryValidationError(problems, message="The filters name terms the registry does not know.")
    current = and_(
        col(AgreementPartyRow.agreement_id) == col(AgreementRow.id),
        col(AgreementPartyRow.revision) == col(AgreementRow.current_revision),
    )
    conditions: list[Any] = []
    if filters.kind is not None:
        conditions.append(col(AgreementRow.kind) == filters.kind.value)
    if filters.status is not None:
        conditions.append(col(AgreementRow.status) == filters.status.value)
    if filters.review_due_before is not None:
        conditions.append(col(AgreementRow.review_due) < filters.review_due_before)
    if filters.party is not None:
        conditions.append(
            col(AgreementRow.id).in_(
                select(AgreementPartyRow.agreement_id)
                .join(AgreementRow, current)
                .where(AgreementPartyRow.organisation_id == filters.party)
            )
        )
    if filters.data_category is not None:
        # The categories a flow may name to carry this one (restricted records are never inherited).
        names = vocabulary.permitting(filters.data_category)
        conditions.append(
            col(AgreementRow.id).in_(
                select(AgreementCategoryRow.agreement_id)
                .join(
                    AgreementRow,
                    and_(
                        col(AgreementCategoryRow.agreement_id) == col(AgreementRow.id),
                        col(AgreementCategoryRow.revision) == col(AgreementRow.current_revision),
                    ),
                )
                .where(col(AgreementCategoryRow.data_category).in_(sorted(names)))
            )
        )
    total = session.exec(select(func.count()).select_from(AgreementRow).where(*conditions)).one()
    party_count = func.count(col(AgreementPartyRow.organisation_id))
    statement = (
        select(AgreementRow, party_count)
        .outerjoin(AgreementPartyRow, current)
        .where(*conditions)
        .group_by(col(AgreementRow.id))
        .order_by(col(AgreementRow.title), col(AgreementRow.id))
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    items = [
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
    return items, total


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two revisions."""

    path: str
    change: str  # added, removed or changed
    before: Any
    after: Any


@dataclass(frozen=True)
class RevisionDiff:
    """Every field that differs between two revisions of an agreement."""

    agreement_id: str
    from_revision: int
    to_revision: int
    changes: tuple[FieldChange, ...]


def diff_documents(before: Any, after: Any, path: str = "") -> list[FieldChange]:
    """Field-by-field differences between two agreement documents; list items with ids are matched by id."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[FieldChange] = []
        for key in sorted(set(before) | set(after)):
            child = f"{path}.{key}" if path else key
            if key not in before:
                changes.append(FieldChange(child, "added", None, after[key]))
            elif key not in after:
                changes.append(FieldChange(child, "removed", before[key], None))
            else:
                changes.extend(_diff_value(key, before[key], after[key], child))
        return changes
    if before != after:
        return [FieldChange(path, "changed", before, after)]
    return []


def _diff_value(key: str, before: Any, after: Any, path: str) -> list[FieldChange]:
    id_field = LIST_KEYS.get(key)
    if (
        id_field is not None
        and isinstance(before, list)
        and isinstance(after, list)
        and all(isinstance(item, dict) and id_field in item for item in before + after)
    ):
        old = {item[id_field]: item for item in before}
        new = {item[id_field]: item for item in after}
        changes: list[FieldChange] = []
        for item_id in list(old) + [i for i in new if i not in old]:
            child = f"{path}[{item_id}]"
            if item_id not in new:
                changes.append(FieldChange(child, "removed", old[item_id], None))
            elif item_id not in old:
                changes.append(FieldChange(child, "added", None, new[item_id]))
            else:
                changes.extend(diff_documents(old[item_id], new[item_id], child))
        return changes
    if isinstance(before, dict) and isinstance(after, dict):
        return diff_documents(before, after, path)
    if before != after:
        return [FieldChange(path, "changed", before, after)]
    return []


def diff_revisions(*, session: Session, agreement_id: str, from_revision: int, to_revision: int) -> RevisionDiff:
    """What changed, field by field, from one stored revision to another (either order)."""
    rows = {}
    for number in (from_revision, to_revision):
        row = session.get(AgreementRevisionRow, (agreement_id, number))
        if row is None:
            if session.get(AgreementRow, agreement_id) is None:
                raise RegistryNotFoundError(f"no agreement {agreement_id!r}")
            raise RegistryNotFoundError(f"agreement {agreement_id!r} has no revision {number}")
        rows[number] = row
    changes = diff_documents(rows[from_revision].content, rows[to_revision].content)
    return RevisionDiff(agreement_id, from_revision, to_revision, tuple(changes))


@dataclass(frozen=True)
class ChangeEntry:
    """One change-log entry: who did what, when, on which request, and the record before and after."""

    id: int
    at: datetime
    actor: str
    action: str
    request_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def agreement_changes(
    *, session: Session, agreement_id: str, offset: int = 0, limit: int | None = None
) -> tuple[list[ChangeEntry], int]:
    """An agreement's change log, oldest first, one page of it, and how many entries it has."""
    if session.get(AgreementRow, agreement_id) is None:
        raise RegistryNotFoundError(f"no agreement {agreement_id!r}")
    where = (col(ChangeLogRow.object_type) == "agreement", col(ChangeLogRow.object_id) == agreement_id)
    total = session.exec(select(func.count()).select_from(ChangeLogRow).where(*where)).one()
    statement = select(ChangeLogRow).where(*where).order_by(col(ChangeLogRow.id)).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    entries = [
        ChangeEntry(r.id or 0, r.at, r.actor, r.action, r.request_id, r.before, r.after)
        for r in session.exec(statement).all()
    ]
    return entries, total
