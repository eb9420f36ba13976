"""Schemas for a share question (in) and the checker's answer (out), shared by the CLI, the API and the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from agreements import answer, question
from schemas.base import Date, DomainSchema

UK = ZoneInfo("Europe/London")


def today_in_the_uk() -> date:
    """Today's date where the practitioner is, which is what "today" means in an agreement."""
    return datetime.now(UK).date()


def _enum(enum: type[Any], **kwargs: Any) -> fields.Enum[Any]:
    return fields.Enum(enum, by_value=True, **kwargs)


_TEXT = validate.Length(min=1, max=200)
MAX_PEOPLE = 20
MAX_CATEGORIES = 60


class PersonSchema(DomainSchema):
    """Someone involved in the share: their role, type, age, capacity, consent, and which data is about them."""

    type = fields.String(required=True, validate=_TEXT)
    role = _enum(question.PersonRole, load_default=question.PersonRole.BOTH)
    ref = fields.String(allow_none=True, validate=_TEXT)
    age = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=question.OLDEST_AGE))
    date_of_birth = Date(allow_none=True)
    care_and_support_needs = fields.Boolean(load_default=False)
    unable_to_protect_self = fields.Boolean(load_default=False)
    has_capacity = fields.Boolean(allow_none=True)
    deceased = fields.Boolean(allow_none=True)
    consent = _enum(question.ConsentStatus, load_default=question.ConsentStatus.NOT_SOUGHT)
    consent_not_sought_reason = _enum(question.NotSoughtReason, allow_none=True)
    must_not_be_told = fields.Boolean(load_default=False)
    data_categories = fields.List(
        fields.String(validate=_TEXT),
        load_default=list,
        validate=validate.Length(max=MAX_CATEGORIES),
        metadata={"max_items": MAX_CATEGORIES},
    )

    @validates_schema
    def _reason_only_when_not_sought(self, data: dict[str, Any], **_: Any) -> None:
        if (
            data.get("consent_not_sought_reason") is not None
            and data.get("consent", question.ConsentStatus.NOT_SOUGHT) is not question.ConsentStatus.NOT_SOUGHT
        ):
            raise ValidationError("Only give a reason when consent was not sought.", "consent_not_sought_reason")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> question.Person:
        data["data_categories"] = tuple(data["data_categories"])
        try:
            return question.Person(**data)
        except question.QuestionError as error:
            raise ValidationError({p.path.removeprefix("person."): [p.message] for p in error.problems}) from None


class OnePersonSchema(DomainSchema):
    """The short form's one person: the data is about them and the share protects them."""

    type = fields.String(required=True, validate=_TEXT)
    age = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=question.OLDEST_AGE))
    date_of_birth = Date(allow_none=True)
    child = fields.Boolean(allow_none=True)
    care_and_support_needs = fields.Boolean(load_default=False)
    unable_to_protect_self = fields.Boolean(load_default=False)
    has_capacity = fields.Boolean(allow_none=True)
    deceased = fields.Boolean(allow_none=True)


class ShareQuestionSchema(DomainSchema):
    """A proposed share. ``as_of`` defaults to today in the UK.

    Either ``people`` (each with their own role and consent) or, for the simple case of one person,
    the short form: ``subject`` with a top-level ``consent`` and ``consent_not_sought_reason``.
    """

    discloser = fields.String(required=True, validate=_TEXT)
    recipient = fields.String(allow_none=True, validate=_TEXT)
    recipient_type = fields.String(allow_none=True, validate=_TEXT)
    people = fields.List(
        fields.Nested(PersonSchema),
        validate=validate.Length(min=1, max=MAX_PEOPLE),
        metadata={"max_items": MAX_PEOPLE},
    )
    subject = fields.Nested(OnePersonSchema)
    consent = _enum(question.ConsentStatus)
    consent_not_sought_reason = _enum(question.NotSoughtReason, allow_none=True)
    data_categories = fields.List(
        fields.String(validate=_TEXT),
        required=True,
        validate=validate.Length(min=1, max=MAX_CATEGORIES, error="Name between {min} and {max} data categories."),
        # Checked before any entry is read: 200,000 unknown categories give one short error, not 200,000.
        metadata={"max_items": MAX_CATEGORIES},
    )
    purpose = fields.String(required=True, validate=_TEXT)
    risks = fields.List(
        _enum(question.RiskFact), load_default=list, validate=validate.Length(max=20), metadata={"max_items": 20}
    )
    urgency = _enum(question.Urgency, load_default=question.Urgency.ROUTINE)
    bulk = fields.Boolean(load_default=False)
    as_of = Date(allow_none=True)
    received_from = fields.String(allow_none=True, validate=_TEXT)
    received_under = fields.String(allow_none=True, validate=_TEXT)
    originator_agreed = fields.Boolean(load_default=False)
    statutory_request = fields.String(allow_none=True, validate=_TEXT)
    mappa_level = fields.Integer(allow_none=True, strict=True, validate=validate.OneOf([1, 2, 3]))

    @validates_schema
    def _unambiguous(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("recipient") is None) == (data.get("recipient_type") is None):
            raise ValidationError(
                "Give either a registered recipient or, for someone outside the registry, a recipient_type.",
                "recipient",
            )
        if ("people" in data) == ("subject" in data):
            raise ValidationError(
                "Describe the people involved in 'people', or one person in the short form 'subject'; not both.",
                "people",
            )
        if "people" in data:
            for name in ("consent", "consent_not_sought_reason"):
                if name in data:
                    raise ValidationError("With 'people', give each person's consent in their own entry.", name)
        else:
            if "consent" not in data:
                raise ValidationError("Say whether consent was obtained, refused or not sought.", "consent")
            if (
                data.get("consent_not_sought_reason") is not None
                and data["consent"] is not question.ConsentStatus.NOT_SOUGHT
            ):
                raise ValidationError("Only give a reason when consent was not sought.", "consent_not_sought_reason")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> question.ShareQuestion:
        try:
            return self._question(data)
        except question.QuestionError as error:
            raise ValidationError(
                {p.path.replace("person.", "subject."): [p.message] for p in error.problems}
            ) from None

    @staticmethod
    def _question(data: dict[str, Any]) -> question.ShareQuestion:
        if "subject" in data:
            subject = dict(data.pop("subject"))
            child = subject.pop("child", None)
            if child is True and subject.get("age") is None and subject.get("date_of_birth") is None:
                # The short form's "child: true" says the person is under 18 without giving an age.
                subject["age"] = question.AGE_OF_MAJORITY - 1
            elif child is False and subject.get("age") is None and subject.get("date_of_birth") is None:
                subject["age"] = question.AGE_OF_MAJORITY
            data["people"] = [
                question.Person(
                    **subject,
                    consent=data.pop("consent"),
                    consent_not_sought_reason=data.pop("consent_not_sought_reason", None),
                )
            ]
        data["people"] = tuple(data["people"])
        data["data_categories"] = tuple(data["data_categories"])
        data["risks"] = frozenset(data["risks"])
        data["as_of"] = data.get("as_of") or today_in_the_uk()
        return question.ShareQuestion(**data)


class InstructionSchema(DomainSchema):
    """The one line to act on."""

    kind = _enum(answer.InstructionKind)
    text = fields.String()


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
    instruction = fields.Nested(InstructionSchema)
    summary = fields.String()
    reasons = fields.List(fields.Nested(ReasonSchema))
    obligations = fields.List(fields.Nested(ObligationSchema))
    escalations = fields.List(fields.Nested(EscalationSchema))
    evaluations = fields.List(fields.Nested(AgreementEvaluationSchema))
    nearest = fields.Nested(AgreementEvaluationSchema, allow_none=True)
    route = fields.String(allow_none=True)
    agreement_fixes = fields.List(fields.String())


# The answer is written on every check; the schemas above walk ~130 fields through marshmallow for it
# (0.6 ms, most of a check over HTTP). These functions write the same document directly; a test holds
# ``answer_document(a) == ShareAnswerSchema().dump(a)`` over every answer the case tables produce.
def _citation_document(citation: answer.Citation) -> dict[str, Any]:
    document: dict[str, Any] = {}
    if citation.agreement_id is not None:
        document["agreement_id"] = citation.agreement_id
    if citation.version is not None:
        document["version"] = citation.version
    if citation.revision is not None:
        document["revision"] = citation.revision
    if citation.flow_id is not None:
        document["flow_id"] = citation.flow_id
    if citation.provision is not None:
        document["provision"] = citation.provision
    return document


def _reason_document(reason: answer.Reason) -> dict[str, Any]:
    return {
        "code": reason.code.value,
        "message": reason.message,
        "citation": _citation_document(reason.citation),
    }


def _evaluation_document(evaluation: answer.AgreementEvaluation) -> dict[str, Any]:
    document: dict[str, Any] = {"agreement_id": evaluation.agreement_id}
    if evaluation.version is not None:
        document["version"] = evaluation.version
    if evaluation.revision is not None:
        document["revision"] = evaluation.revision
    document["status_on_date"] = evaluation.status_on_date
    document["covers"] = evaluation.covers
    if evaluation.flow_id is not None:
        document["flow_id"] = evaluation.flow_id
    document["failures"] = [_reason_document(r) for r in evaluation.failures]
    document["passes"] = [_reason_document(r) for r in evaluation.passes]
    document["would_make_covered"] = list(evaluation.would_make_covered)
    return document


def answer_document(share_answer: answer.ShareAnswer, *, explain: bool = True) -> dict[str, Any]:
    """The answer as ``ShareAnswerSchema`` writes it, written directly (what the API sends on every check).

    Without ``explain`` it leaves out ``evaluations`` and ``nearest`` (how every agreement fared), which the
    checker works out only when asked: the decision, instruction, reasons and obligations never depend on them.
    """
    document: dict[str, Any] = {
        "decision": share_answer.decision.value,
        "instruction": {"kind": share_answer.instruction.kind.value, "text": share_answer.instruction.text},
        "summary": share_answer.summary,
        "reasons": [_reason_document(r) for r in share_answer.reasons],
        "obligations": [{"code": o.code, "message": o.message} for o in share_answer.obligations],
        "escalations": [
            {"to": e.to.value, "why": e.why}
            if e.contact is None
            else {"to": e.to.value, "why": e.why, "contact": e.contact}
            for e in share_answer.escalations
        ],
    }
    if explain:
        document["evaluations"] = [_evaluation_document(e) for e in share_answer.evaluations]
        if share_answer.nearest is not None:
            document["nearest"] = _evaluation_document(share_answer.nearest)
    if share_answer.route is not None:
        document["route"] = share_answer.route
    document["agreement_fixes"] = list(share_answer.agreement_fixes)
    return document
