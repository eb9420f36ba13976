"""Table rows ⇄ domain objects: the only place the two meet, always through the schemas."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime
from typing import Any

from agreements.model import Agreement, AgreementRevision, Organisation
from registry.models import AgreementCategoryRow, AgreementPartyRow, AgreementRevisionRow, AgreementRow, OrganisationRow
from schemas.agreement import AGREEMENT_SCHEMA_VERSION, AgreementSchema, OrganisationSchema
from schemas.base import identity_document

# One schema of each kind per thread, made on first use: making a schema copies its fields (nested schemas too),
# which cost more than loading a stored agreement did. Per thread, because a schema may keep what it works out
# between calls and the server answers on several threads.
_schemas = threading.local()


def _agreement_schema() -> AgreementSchema:
    schema: AgreementSchema | None = getattr(_schemas, "agreement", None)
    if schema is None:
        schema = _schemas.agreement = AgreementSchema()
    return schema


def _organisation_schema() -> OrganisationSchema:
    schema: OrganisationSchema | None = getattr(_schemas, "organisation", None)
    if schema is None:
        schema = _schemas.organisation = OrganisationSchema()
    return schema


def organisation_record(organisation: Organisation) -> dict[str, Any]:
    """The organisation as its schema writes it: what the ``record`` column holds."""
    record: dict[str, Any] = _organisation_schema().dump(organisation)
    return record


def organisation_to_row(organisation: Organisation, *, updated_at: datetime) -> OrganisationRow:
    """A new row for an organisation."""
    row = OrganisationRow(
        id=organisation.id,
        name=organisation.name,
        type=organisation.type,
        public_authority=organisation.public_authority,
        competent_authority=organisation.competent_authority,
        record={},
        updated_at=updated_at,
    )
    update_organisation_row(row, organisation, updated_at=updated_at)
    return row


def update_organisation_row(row: OrganisationRow, organisation: Organisation, *, updated_at: datetime) -> None:
    """Copy an organisation into an existing row."""
    row.name = organisation.name
    row.type = organisation.type
    row.public_authority = organisation.public_authority
    row.competent_authority = organisation.competent_authority
    row.record = organisation_record(organisation)
    row.updated_at = updated_at


def row_to_organisation(row: OrganisationRow) -> Organisation:
    """The organisation a row holds."""
    organisation: Organisation = _organisation_schema().load(row.record)
    return organisation


def agreement_content(agreement: Agreement) -> dict[str, Any]:
    """The agreement as its schema writes it: what a revision's ``content`` column holds."""
    content: dict[str, Any] = _agreement_schema().dump(agreement)
    return content


def content_hash(content: dict[str, Any]) -> str:
    """A revision's identity: SHA-256 of the canonical JSON of its content without fields at their defaults.

    Equal content always hashes equal, and a field the schema gains later (absent from old documents,
    at its default in new ones) changes no stored identity.
    """
    identity = identity_document(_agreement_schema(), content)
    canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def revision_to_row(revision: AgreementRevision) -> AgreementRevisionRow:
    """A new row for a stored revision."""
    agreement = revision.agreement
    content = agreement_content(agreement)
    return AgreementRevisionRow(
        agreement_id=agreement.id,
        revision=revision.revision,
        version=agreement.version,
        status=agreement.status.value,
        effective_from=agreement.effective_from,
        review_due=agreement.review_due,
        expires_on=agreement.expires_on,
        content=content,
        content_hash=content_hash(content),
        schema_version=AGREEMENT_SCHEMA_VERSION,
        recorded_at=revision.recorded_at,
        recorded_by=revision.recorded_by,
        change_note=revision.change_note,
    )


def row_to_agreement(row: AgreementRevisionRow) -> Agreement:
    """The agreement as it stood at a revision."""
    agreement: Agreement = _agreement_schema().load(row.content)
    return agreement


def row_to_revision(row: AgreementRevisionRow) -> AgreementRevision:
    """The stored revision a row holds."""
    return AgreementRevision(
        agreement=row_to_agreement(row),
        revision=row.revision,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        change_note=row.change_note,
    )


def party_rows(agreement: Agreement, revision: int) -> list[AgreementPartyRow]:
    """The party index rows of one revision."""
    return [
        AgreementPartyRow(agreement_id=agreement.id, revision=revision, organisation_id=organisation_id)
        for organisation_id in sorted(agreement.party_ids())
    ]


def category_rows(agreement: Agreement, revision: int) -> list[AgreementCategoryRow]:
    """The data-category index rows of one revision: every category any flow names."""
    names = sorted({category for flow in agreement.flows for category in flow.data_categories})
    return [AgreementCategoryRow(agreement_id=agreement.id, revision=revision, data_category=name) for name in names]


def new_agreement_row(revision: AgreementRevision) -> AgreementRow:
    """A new agreement row whose listing fields come from ``revision``."""
    row = AgreementRow(
        id=revision.agreement.id,
        current_revision=revision.revision,
        title="",
        kind="",
        status="",
        version="",
        owner_id="",
    )
    set_current_revision(row, revision)
    return row


def set_current_revision(row: AgreementRow, revision: AgreementRevision) -> None:
    """Point an agreement row at ``revision`` and copy its listing fields."""
    agreement = revision.agreement
    row.current_revision = revision.revision
    row.title = agreement.title
    row.kind = agreement.kind.value
    row.status = agreement.status.value
    row.version = agreement.version
    row.owner_id = agreement.owner
    row.parent_id = agreement.parent_id
    row.effective_from = agreement.effective_from
    row.review_due = agreement.review_due
    row.expires_on = agreement.expires_on
