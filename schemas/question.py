"""Schemas for a share question (in) and the checker's answer (out), shared by the CLI, the API and the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from agreements import answer, question
from schemas.base import DomainSchema

UK = ZoneInfo("Europe/London")


def today_in_the_uk() -> date:
    """Today's date where the practitioner is, which is what "today" means in an agreement."""
    return datetime.now(UK).date()


def _enum(enum: type[Any], **kwargs: Any) -> fields.Enum[Any]:
    return fields.Enum(enum, by_value=True, **kwargs)


class SubjectFactsSchema(DomainSchema):
    """The person the data is about, and the facts the law turns on."""

    type = fields.String(required=True, validate=validate.Length(min=1))
    child = fields.Boolean(allow_none=True)
    care_and_support_needs = fields.Boolean(load_default=False)
    unable_to_protect_self = fields.Boolean(load_default=False)
    has_capacity = fields.Boolean(allow_none=True)
    deceased = fields.Boolean(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> question.SubjectFacts:
        return question.SubjectFacts(**data)


class ShareQuestionSchema(DomainSchema):
    """A proposed share. ``as_of`` defaults to today in the UK."""

    discloser = fields.String(required=True, validate=validate.Length(min=1))
    recipient = fields.String(allow_none=True, validate=validate.Length(min=1))
    recipient_type = fields.String(allow_none=True, validate=validate.Length(min=1))
    subject = fields.Nested(SubjectFactsSchema, required=True)
    data_categories = fields.List(
        fields.String(validate=validate.Length(min=1)),
        required=True,
        validate=validate.Length(min=1, error="Name at least one data category."),
    )
    purpose = fields.String(required=True, validate=validate.Length(min=1))
    consent = _enum(question.ConsentStatus, required=True)
    consent_not_sought_reason = _enum(question.NotSoughtReason, allow_none=True)
    risks = fields.List(_enum(question.RiskFact), load_default=list)
    urgency = _enum(question.Urgency, load_default=question.Urgency.ROUTINE)
    as_of = fields.Date(allow_none=True)
    received_from = fields.String(allow_none=True, validate=validate.Length(min=1))
    received_under = fields.String(allow_none=True, validate=validate.Length(min=1))
    originator_agreed = fields.Boolean(load_default=False)

    @validates_schema
    def _one_recipient(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("recipient") is None) == (data.get("recipient_type") is None):
            raise ValidationError(
                "Give either a registered recipient or, for someone outside the registry, a recipient_type.",
                "recipient",
            )
        if (
            data.get("consent_not_sought_reason") is not None
            and data.get("consent") is not question.ConsentStatus.NOT_SOUGHT
        ):
            raise ValidationError("Only give a reason when consent was not sought.", "consent_not_sought_reason")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> question.ShareQuestion:
        data["data_categories"] = tuple(data["data_categories"])
        data["risks"] = frozenset(data["risks"])
        data["as_of"] = data.get("as_of") or today_in_the_uk()
        return question.ShareQuestion(**data)


class CitationSchema(DomainSchema):
    """Where a reason comes from."""

    agreement_id = fields.String(allow_none=True)
    version = fields.String(allow_none=True)
    revision = fields.Integer(allow_none=True)
    flow_id = fields.String(allow_none=True)
    provision = fields.String(allow_none=True)


class ReasonSchema(DomainSchema):
    """A reason with its stable code."""

    code = _enum(answer.Code)
    message = fields.String()
    citation = fields.Nested(CitationSchema)


class ObligationSchema(DomainSchema):
    """Something to do if you share."""

    code = fields.String()
    message = fields.String()


class EscalationSchema(DomainSchema):
    """Who decides, and why."""

    to = _enum(answer.EscalateTo)
    why = fields.String()
    contact = fields.String(allow_none=True)


class AgreementEvaluationSchema(DomainSchema):
    """How one agreement fared."""

    agreement_id = fields.String()
    version = fields.String(allow_none=True)
    revision = fields.Integer(allow_none=True)
    status_on_date = fields.String()
    covers = fields.Boolean()
    flow_id = fields.String(allow_none=True)
    failures = fields.List(fields.Nested(ReasonSchema))
    passes = fields.List(fields.Nested(ReasonSchema))
    would_make_covered = fields.List(fields.String())


class ShareAnswerSchema(DomainSchema):
    """The checker's answer."""

    decision = _enum(answer.Decision)
    summary = fields.String()
    reasons = fields.List(fields.Nested(ReasonSchema))
    obligations = fields.List(fields.Nested(ObligationSchema))
    escalations = fields.List(fields.Nested(EscalationSchema))
    evaluations = fields.List(fields.Nested(AgreementEvaluationSchema))
    nearest = fields.Nested(AgreementEvaluationSchema, allow_none=True)
    route = fields.String(allow_none=True)
