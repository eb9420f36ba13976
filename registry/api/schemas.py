"""Response and query shapes that exist only in the API (records themselves use ``schemas/``)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from schemas.lint import FindingSchema


class RevisionQuerySchema(Schema):
    """``?revision=N``: which revision of an agreement to show (the current one when absent)."""

    class Meta:
        unknown = RAISE

    revision = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Revision number"})


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
