"""Request and response shapes that exist only in the API (records themselves use ``schemas/``)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from agreements.model import AgreementKind, AgreementStatus
from registry.api.http import PageQuerySchema
from schemas.agreement import AgreementSchema
from schemas.lint import FindingSchema

# A revision number fits a 32-bit integer column on every database.
MAX_REVISION = 2_147_483_647
_ID = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", error="Use letters, digits, '.', '_' or '-' only.")


class RevisionQuerySchema(Schema):
    """``?revision=N``: which revision of an agreement to show (the current one when absent)."""

    class Meta:
        unknown = RAISE

    revision = fields.Integer(
        validate=validate.Range(min=1, max=MAX_REVISION), metadata={"description": "Revision number"}
    )


class AgreementListQuerySchema(PageQuerySchema):
    """Filters for the list of agreements, and the page."""

    class Meta:
        unknown = RAISE

    kind = fields.Enum(AgreementKind, by_value=True)
    status = fields.Enum(AgreementStatus, by_value=True)
    party = fields.String(validate=validate.Length(min=1, max=80), metadata={"description": "An organisation id"})
    data_category = fields.String(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "Agreements with a flow permitting this category (or a broader one)"},
    )
    review_due_before = fields.Date()


class PageOnlyQuerySchema(PageQuerySchema):
    """Just the page."""

    class Meta:
        unknown = RAISE


class AgreementSummarySchema(Schema):
    """An agreement as listed: its current revision's headline fields."""

    id = fields.String()
    title = fields.String()
    kind = fields.String()
    status = fields.String()
    version = fields.String()
    current_revision = fields.Integer()
    owner_id = fields.String()
    effective_from = fields.Date(allow_none=True)
    review_due = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    party_count = fields.Integer()


class LintQuerySchema(Schema):
    """``?as_of=YYYY-MM-DD``: the date to lint as on (today when absent)."""

    class Meta:
        unknown = RAISE

    as_of = fields.Date(metadata={"description": "Lint as on this date"})


class AgreementLintSchema(Schema):
    """An agreement's lint findings."""

    agreement_id = fields.String()
    version = fields.String()
    revision = fields.Integer()
    findings = fields.List(fields.Nested(FindingSchema))


class AmendmentRequestSchema(Schema):
    """An amended agreement and what changed; send the ETag you read as ``If-Match``."""

    class Meta:
        unknown = RAISE

    agreement = fields.Nested(AgreementSchema, required=True)
    change_summary = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class CopyRequestSchema(Schema):
    """A new draft agreement started from this one."""

    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=[_ID, validate.Length(min=1, max=80)])
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))


class TransitionRequestSchema(Schema):
    """Where the agreement goes in its lifecycle, and why."""

    class Meta:
        unknown = RAISE

    to = fields.Enum(AgreementStatus, by_value=True, required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class SignRequestSchema(Schema):
    """Sign for your organisation the revision you read."""

    class Meta:
        unknown = RAISE

    revision = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_REVISION))
    job_title = fields.String(required=True, validate=validate.Length(min=1, max=200))


class SignatureSchema(Schema):
    """A signature given through the registry."""

    agreement_id = fields.String()
    organisation_id = fields.String()
    user_id = fields.Integer()
    name = fields.String()
    job_title = fields.String()
    signed_at = fields.DateTime()
    signed_revision = fields.Integer()
    recorded_revision = fields.Integer()


class RevisionSummarySchema(Schema):
    """One line of an agreement's revision history."""

    revision = fields.Integer()
    version = fields.String()
    status = fields.String()
    effective_from = fields.Date(allow_none=True)
    recorded_at = fields.DateTime()
    recorded_by = fields.String()
    change_note = fields.String(allow_none=True)


class DiffQuerySchema(Schema):
    """``?from=N&to=M``: the two revisions to compare."""

    class Meta:
        unknown = RAISE

    from_revision = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1, max=MAX_REVISION))
    to_revision = fields.Integer(required=True, data_key="to", validate=validate.Range(min=1, max=MAX_REVISION))


class FieldChangeSchema(Schema):
    """One field that differs."""

    path = fields.String()
    change = fields.String(metadata={"description": "added, removed or changed"})
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class RevisionDiffSchema(Schema):
    """Every field that differs between two revisions."""

    agreement_id = fields.String()
    from_revision = fields.Integer(data_key="from")
    to_revision = fields.Integer(data_key="to")
    changes = fields.List(fields.Nested(FieldChangeSchema))


class ChangeEntrySchema(Schema):
    """A change-log entry."""

    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    request_id = fields.String(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
