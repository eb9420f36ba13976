"""Schemas for organisations, agreements and stored revisions: the one shape for YAML, JSON and the API."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_dump, post_load, validate, validates_schema

from agreements import model
from schemas.base import AwareDateTime, Date, DomainSchema, tuples
from schemas.limits import MAX_NAME

# The shape of an agreement document. Stored with each revision; bumped when a field changes meaning or a
# required field is added (an optional field with a default changes no identity: ``identity_document``).
AGREEMENT_SCHEMA_VERSION = 2

_ID = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    error="Use letters, digits, '.', '_' or '-' only, starting with a letter or digit.",
)
_TEXT = validate.Length(min=1, error="Must not be empty.")
_SHORT = validate.Length(max=MAX_NAME, error="Longer than {max} characters.")


def _id(**kwargs: Any) -> fields.String:
    return fields.String(validate=[_ID, validate.Length(max=80)], **kwargs)


def _text(**kwargs: Any) -> fields.String:
    """Free text: a summary, a note, a description (``DomainSchema`` caps every text at MAX_LONG_TEXT)."""
    return fields.String(validate=_TEXT, **kwargs)


def _name(**kwargs: Any) -> fields.String:
    """A name, a title, a reference or a term: at most MAX_NAME characters."""
    return fields.String(validate=[_TEXT, _SHORT], **kwargs)


def _ids(**kwargs: Any) -> fields.List[Any]:
    return fields.List(fields.String(validate=[_TEXT, _SHORT]), **kwargs)


def _enum(enum: type[Any], **kwargs: Any) -> fields.Enum[Any]:
    return fields.Enum(enum, by_value=True, **kwargs)


class ContactSchema(DomainSchema):
    """A named contact in a role."""

    role = _enum(model.ContactRole, required=True)
    name = _name(required=True)
    job_title = _name(allow_none=True)
    email = fields.Email(allow_none=True)
    telephone = _name(allow_none=True)
    organisation_id = _id(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Contact:
        return model.Contact(**data)


class IdentifierSchema(DomainSchema):
    """An identifier in a named register."""

    scheme = _name(required=True)
    value = _name(required=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Identifier:
        return model.Identifier(**data)


class OrganisationSchema(DomainSchema):
    """An organisation's own record."""

    id = _id(required=True)
    name = _name(required=True)
    type = _name(required=True)
    public_authority = fields.Boolean(required=True)
    competent_authority = fields.Boolean(load_default=False)
    identifiers = fields.List(fields.Nested(IdentifierSchema), load_default=list)
    contacts = fields.List(fields.Nested(ContactSchema), load_default=list)
    address = _text(allow_none=True)
    website = fields.URL(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Organisation:
        return model.Organisation(**tuples(data))


class SignatorySchema(DomainSchema):
    """Who signed for a party and when."""

    name = _name(required=True)
    job_title = _name(required=True)
    signed_on = Date(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Signatory:
        return model.Signatory(**data)


class PartySchema(DomainSchema):
    """An organisation's participation in an agreement."""

    organisation_id = _id(required=True)
    roles = fields.List(
        _enum(model.PartyRole), required=True, validate=validate.Length(min=1, error="Name at least one role.")
    )
    public_authority = fields.Boolean(required=True)
    competent_authority = fields.Boolean(load_default=False)
    apd_reference = _name(allow_none=True)
    dpia_reference = _name(allow_none=True)
    signatory = fields.Nested(SignatorySchema, allow_none=True)
    controller = _id(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Party:
        return model.Party(**tuples(data))


class AgreementPurposeSchema(DomainSchema):
    """A purpose the agreement serves and the gateways relied on."""

    purpose = _name(required=True)
    gateways = _ids(load_default=list)
    description = _text(allow_none=True)
    consent_required = fields.Boolean(load_default=False)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.AgreementPurpose:
        return model.AgreementPurpose(**tuples(data))


class EndpointSchema(DomainSchema):
    """One end of a flow: ``{organisation: id}``, ``{organisation_type: id}`` or ``{any_party: true}``."""

    organisation = _name()
    organisation_type = _name()
    any_party = fields.Boolean()

    @validates_schema
    def _exactly_one(self, data: dict[str, Any], **_: Any) -> None:
        given = [key for key in ("organisation", "organisation_type") if data.get(key) is not None]
        if data.get("any_party"):
            given.append("any_party")
        if len(given) != 1:
            raise ValidationError("Give exactly one of organisation, organisation_type or any_party: true.")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Endpoint:
        return model.Endpoint(**data)

    @post_dump
    def _drop_false(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("any_party") is False:
            del data["any_party"]
        return data


class Art6EntrySchema(DomainSchema):
    """An Art 6(1) basis with its source in law."""

    basis = _name(required=True)
    source = _text(required=True)
    gateways = _ids(load_default=list)
    purposes = _ids(load_default=list)
    parties = _ids(load_default=list)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Art6Entry:
        return model.Art6Entry(**tuples(data))


class Art9EntrySchema(DomainSchema):
    """An Art 9(2) condition with its Schedule 1 condition."""

    condition = _name(required=True)
    schedule1 = _name(allow_none=True)
    source = _text(allow_none=True)
    purposes = _ids(load_default=list)
    parties = _ids(load_default=list)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Art9Entry:
        return model.Art9Entry(**tuples(data))


class Art10EntrySchema(DomainSchema):
    """An Art 10 route for criminal offence data."""

    route = _name(required=True)
    schedule1 = _name(allow_none=True)
    via_paragraph_36 = fields.Boolean(load_default=False)
    source = _text(allow_none=True)
    purposes = _ids(load_default=list)
    parties = _ids(load_default=list)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Art10Entry:
        return model.Art10Entry(**tuples(data))


class LawfulBasesSchema(DomainSchema):
    """The Art 6, Art 9 and Art 10 grounds."""

    art6 = fields.List(fields.Nested(Art6EntrySchema), load_default=list)
    art9 = fields.List(fields.Nested(Art9EntrySchema), load_default=list)
    art10 = fields.List(fields.Nested(Art10EntrySchema), load_default=list)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.LawfulBases:
        return model.LawfulBases(**tuples(data))


class NotToldSchema(DomainSchema):
    """A case-by-case exemption from telling someone, with its ground."""

    subject_type = _id(required=True)
    ground = _text(required=True)
    exemption = _id(allow_none=True)
    note = _text(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.NotTold:
        return model.NotTold(**data)


class ConsentModelSchema(DomainSchema):
    """The consent model."""

    default = _enum(model.ConsentDefault, required=True)
    override_grounds = fields.List(_enum(model.ConsentOverrideGround), load_default=list)
    do_not_inform = _ids(load_default=list)
    not_told = fields.List(fields.Nested(NotToldSchema), load_default=list)
    capacity = _text(allow_none=True)
    child_competence = _text(allow_none=True)
    recording = _text(allow_none=True)
    notes = _text(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.ConsentModel:
        return model.ConsentModel(**tuples(data))


class ReservedDecisionSchema(DomainSchema):
    """A decision reserved to a panel or role."""

    purpose = _name(required=True)
    decided_by = _name(required=True)
    description = _text(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.ReservedDecision:
        return model.ReservedDecision(**data)


class RestrictionsSchema(DomainSchema):
    """Limits on use and onward disclosure."""

    use_limitation = _text(allow_none=True)
    prohibited_purposes = _ids(load_default=list)
    onward_disclosure = _enum(model.OnwardDisclosure, load_default=model.OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT)
    onward_disclosure_note = _text(allow_none=True)
    reserved_decisions = fields.List(fields.Nested(ReservedDecisionSchema), load_default=list)
    no_bulk_sharing = fields.Boolean(load_default=False)
    use_only_for = _ids(load_default=list)
    except_where_required_by_law = fields.Boolean(load_default=False)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Restrictions:
        return model.Restrictions(**tuples(data))


class FlowSchema(DomainSchema):
    """One permitted movement of data."""

    id = _id(required=True)
    description = _text(allow_none=True)
    source = fields.List(
        fields.Nested(EndpointSchema),
        data_key="from",
        required=True,
        validate=validate.Length(min=1, error="Name at least one sender."),
    )
    recipient = fields.List(
        fields.Nested(EndpointSchema),
        data_key="to",
        required=True,
        validate=validate.Length(min=1, error="Name at least one recipient."),
    )
    purposes = _ids(required=True, validate=validate.Length(min=1, error="Name at least one purpose."))
    data_subjects = _ids(required=True, validate=validate.Length(min=1, error="Name at least one data subject type."))
    data_categories = _ids(required=True, validate=validate.Length(min=1, error="Name at least one data category."))
    frequency = _enum(model.Frequency, load_default=model.Frequency.CASE_BY_CASE)
    methods = fields.List(_enum(model.TransferMethod), load_default=list)
    lawful_bases = fields.Nested(LawfulBasesSchema, allow_none=True)
    restrictions = fields.Nested(RestrictionsSchema, allow_none=True)
    not_carried = _ids(load_default=list)
    minimisation_note = _text(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Flow:
        return model.Flow(**tuples(data))


class RetentionRuleSchema(DomainSchema):
    """A retention period and disposal method."""

    period = _text(required=True)
    disposal = _text(required=True)
    organisation_id = _id(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.RetentionRule:
        return model.RetentionRule(**data)


class SecuritySchema(DomainSchema):
    """Security arrangements."""

    classification = _name(allow_none=True)
    transfer_methods = fields.List(_enum(model.TransferMethod), load_default=list)
    encryption = _text(allow_none=True)
    access_control = _text(allow_none=True)
    breach_procedure = _text(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Security:
        return model.Security(**tuples(data))


class ReviewSchema(DomainSchema):
    """Review frequency, reminders and the lapse grace period."""

    frequency_months = fields.Integer(load_default=12, validate=validate.Range(min=1, max=120))
    reminder_months_before = fields.Integer(load_default=3, validate=validate.Range(min=0, max=24))
    lapse_grace_months = fields.Integer(load_default=3, validate=validate.Range(min=0, max=24))
    last_reviewed_on = Date(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Review:
        return model.Review(**data)


class TerminationSchema(DomainSchema):
    """Termination arrangements."""

    notice_days = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=3650))
    data_on_termination = _enum(model.DataOnTermination, load_default=model.DataOnTermination.RETAIN_UNDER_OWN_POLICY)
    notes = _text(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Termination:
        return model.Termination(**data)


class ControllershipSchema(DomainSchema):
    """Separate or joint controllers, and the decision."""

    arrangement = _enum(model.ControllerArrangement, required=True)
    decision = _text(required=True)
    contact_point = _text(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Controllership:
        return model.Controllership(**data)


class IndividualRightsSchema(DomainSchema):
    """How individuals' rights are handled."""

    subject_access = _text(required=True)
    rectification = _text(required=True)
    privacy_notices = _text(required=True)
    complaints = _text(required=True)
    objection_and_restriction = _text(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.IndividualRights:
        return model.IndividualRights(**data)


class AmendmentSchema(DomainSchema):
    """An entry in the amendments log."""

    version = _name(required=True)
    date = Date(required=True)
    summary = _text(required=True)
    approved_by = _name(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Amendment:
        return model.Amendment(**data)


class AgreementSchema(DomainSchema):
    """A whole agreement, as a governance lead writes it."""

    id = _id(required=True)
    title = _name(required=True)
    version = fields.String(required=True, validate=[_TEXT, validate.Length(max=40)])
    kind = _enum(model.AgreementKind, required=True)
    status = _enum(model.AgreementStatus, required=True)
    owner = _id(required=True)
    summary = _text(allow_none=True)
    effective_from = Date(allow_none=True)
    review_due = Date(allow_none=True)
    expires_on = Date(allow_none=True)
    parent_id = _id(allow_none=True)
    governance_body = _text(allow_none=True)
    contacts = fields.List(fields.Nested(ContactSchema), load_default=list)
    parties = fields.List(
        fields.Nested(PartySchema), required=True, validate=validate.Length(min=1, error="Name at least one party.")
    )
    purposes = fields.List(
        fields.Nested(AgreementPurposeSchema),
        required=True,
        validate=validate.Length(min=1, error="Name at least one purpose."),
    )
    data_subjects = _ids(required=True)
    flows = fields.List(fields.Nested(FlowSchema), required=True)
    lawful_bases = fields.Nested(LawfulBasesSchema, required=True)
    consent_model = fields.Nested(ConsentModelSchema, required=True)
    restrictions = fields.Nested(RestrictionsSchema, load_default=model.Restrictions)
    retention = fields.List(fields.Nested(RetentionRuleSchema), load_default=list)
    security = fields.Nested(SecuritySchema, load_default=model.Security)
    review = fields.Nested(ReviewSchema, load_default=model.Review)
    termination = fields.Nested(TerminationSchema, load_default=model.Termination)
    amendments = fields.List(fields.Nested(AmendmentSchema), load_default=list)
    controllership = fields.Nested(ControllershipSchema, allow_none=True)
    rights = fields.Nested(IndividualRightsSchema, allow_none=True)
    notes = _text(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.Agreement:
        return model.Agreement(**tuples(data))


class AgreementRevisionSchema(DomainSchema):
    """One stored revision of an agreement, as written in an export."""

    revision = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    recorded_at = AwareDateTime(required=True)
    recorded_by = _name(required=True)
    change_note = _text(allow_none=True)
    agreement = fields.Nested(AgreementSchema, required=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> model.AgreementRevision:
        return model.AgreementRevision(**data)
