"""Reading the shipped vocabulary file into a domain ``Vocabulary``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate

from agreements import vocabulary as v
from schemas.base import DomainSchema, flatten_errors, tuples
from schemas.yamlio import line_for, load_yaml

_TERM_ID = validate.Regexp(r"^[a-z0-9][a-z0-9-]*$", error="Term ids are lowercase words joined by '-'.")


class _TermSchema(DomainSchema):
    id = fields.String(required=True, validate=_TERM_ID)
    label = fields.String(required=True, validate=validate.Length(min=1))
    description = fields.String(required=True, validate=validate.Length(min=1))
    dpv = fields.URL(allow_none=True)


class DataCategorySchema(_TermSchema):
    """A data category term."""

    parent = fields.String(allow_none=True)
    special_category = fields.Boolean(load_default=False)
    criminal_offence = fields.Boolean(load_default=False)
    process = fields.String(
        allow_none=True,
        validate=validate.OneOf(["mash", "marac", "mappa"], error="A record is owned by the MASH, MARAC or MAPPA."),
    )

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.DataCategory:
        return v.DataCategory(**data)


class PurposeSchema(_TermSchema):
    """A purpose term."""

    gateways = fields.List(fields.String(), load_default=list)
    protects = fields.Enum(v.ProtectedGroup, by_value=True, allow_none=True)
    protective = fields.Boolean(load_default=False)
    law_enforcement = fields.Boolean(load_default=False)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.Purpose:
        return v.Purpose(**tuples(data))


class OrganisationTypeSchema(_TermSchema):
    """An organisation type term."""

    public_authority = fields.Boolean(load_default=True)
    competent_authority = fields.Boolean(load_default=False)
    health_or_social_care = fields.Boolean(load_default=False)
    can_act_to_protect = fields.Boolean(load_default=False)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.OrganisationType:
        return v.OrganisationType(**data)


class DataSubjectTypeSchema(_TermSchema):
    """A data subject type term."""

    child = fields.Boolean(load_default=False)
    deceased = fields.Boolean(load_default=False)
    adult_at_risk = fields.Boolean(load_default=False)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.DataSubjectType:
        return v.DataSubjectType(**data)


class _CitedTermSchema(_TermSchema):
    citation = fields.String(required=True, validate=validate.Length(min=1))


class Art6BasisSchema(_CitedTermSchema):
    """An Art 6(1) basis term."""

    public_authority_may_rely_for_tasks = fields.Boolean(load_default=True)
    in_force_from = fields.Date(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.Art6Basis:
        return v.Art6Basis(**data)


class Art9ConditionSchema(_CitedTermSchema):
    """An Art 9(2) condition term."""

    requires_schedule1_part = fields.Enum(v.Schedule1Part, by_value=True, allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.Art9Condition:
        return v.Art9Condition(**data)


class Schedule1ConditionSchema(_CitedTermSchema):
    """A DPA 2018 Schedule 1 condition term."""

    part = fields.Enum(v.Schedule1Part, by_value=True, required=True)
    paragraph = fields.String(required=True)
    apd_required = fields.Boolean(required=True)
    apd_exception = fields.String(allow_none=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.Schedule1Condition:
        return v.Schedule1Condition(**data)


class Art10RouteSchema(_CitedTermSchema):
    """An Art 10 route term."""

    requires_schedule1_condition = fields.Boolean(load_default=False)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.Art10Route:
        return v.Art10Route(**data)


class StatutoryGatewaySchema(_CitedTermSchema):
    """A statutory gateway term."""

    kind = fields.Enum(v.GatewayKind, by_value=True, required=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.StatutoryGateway:
        return v.StatutoryGateway(**data)


class Annex1ConditionSchema(_CitedTermSchema):
    """A UK GDPR Annex 1 (recognised legitimate interest) condition term."""

    paragraph = fields.String(required=True, validate=validate.Length(min=1))

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.Annex1Condition:
        return v.Annex1Condition(**data)


class Schedule8ConditionSchema(_CitedTermSchema):
    """A DPA 2018 Schedule 8 (Part 3 sensitive processing) condition term."""

    paragraph = fields.String(required=True, validate=validate.Length(min=1))
    apd_required = fields.Boolean(load_default=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.Schedule8Condition:
        return v.Schedule8Condition(**data)


class Schedule2ExemptionSchema(_CitedTermSchema):
    """A DPA 2018 Schedule 2 exemption term."""

    part = fields.String(required=True, validate=validate.Length(min=1))
    paragraph = fields.String(required=True, validate=validate.Length(min=1))
    case_by_case = fields.Boolean(load_default=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.Schedule2Exemption:
        return v.Schedule2Exemption(**data)


class PolicyDocumentSchema(_CitedTermSchema):
    """A required policy document term (an appropriate policy document)."""

    retain_months_after_processing = fields.Integer(allow_none=True, validate=validate.Range(min=0))

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.PolicyDocument:
        return v.PolicyDocument(**data)


class VocabularySchema(DomainSchema):
    """The whole vocabulary file."""

    version = fields.String(required=True)
    data_categories = fields.List(fields.Nested(DataCategorySchema), required=True)
    purposes = fields.List(fields.Nested(PurposeSchema), required=True)
    organisation_types = fields.List(fields.Nested(OrganisationTypeSchema), required=True)
    data_subject_types = fields.List(fields.Nested(DataSubjectTypeSchema), required=True)
    art6_bases = fields.List(fields.Nested(Art6BasisSchema), required=True)
    art9_conditions = fields.List(fields.Nested(Art9ConditionSchema), required=True)
    schedule1_conditions = fields.List(fields.Nested(Schedule1ConditionSchema), required=True)
    art10_routes = fields.List(fields.Nested(Art10RouteSchema), required=True)
    statutory_gateways = fields.List(fields.Nested(StatutoryGatewaySchema), required=True)
    # Added in vocabulary 2026.2; optional so a file written before them still loads.
    annex1_conditions = fields.List(fields.Nested(Annex1ConditionSchema), load_default=list)
    schedule8_conditions = fields.List(fields.Nested(Schedule8ConditionSchema), load_default=list)
    schedule2_exemptions = fields.List(fields.Nested(Schedule2ExemptionSchema), load_default=list)
    policy_documents = fields.List(fields.Nested(PolicyDocumentSchema), load_default=list)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> v.Vocabulary:
        return v.Vocabulary.build(**data)


class VocabularyFileError(ValueError):
    """The vocabulary file is malformed; lists every problem with its path and line."""


def _check_references(raw: dict[str, Any], vocabulary: v.Vocabulary) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for set_name in vocabulary.term_sets():
        seen: set[str] = set()
        for index, item in enumerate(raw.get(set_name, [])):
            if item["id"] in seen:
                problems.append((f"{set_name}[{index}].id", f"duplicate id {item['id']!r}"))
            seen.add(item["id"])
    for index, item in enumerate(raw.get("data_categories", [])):
        parent = item.get("parent")
        if parent is not None and parent not in vocabulary.data_categories:
            problems.append((f"data_categories[{index}].parent", f"unknown data category {parent!r}"))
    for index, item in enumerate(raw.get("purposes", [])):
        for g_index, gateway in enumerate(item.get("gateways", [])):
            if gateway not in vocabulary.statutory_gateways:
                problems.append((f"purposes[{index}].gateways[{g_index}]", f"unknown statutory gateway {gateway!r}"))
    return problems


def parse_vocabulary(text: str, source: str = "vocabulary.yaml") -> v.Vocabulary:
    """Parse and check vocabulary YAML; raise ``VocabularyFileError`` naming every bad path."""
    raw, lines = load_yaml(text)
    try:
        vocabulary: v.Vocabulary = VocabularySchema().load(raw)
        problems = _check_references(raw, vocabulary)
    except ValidationError as exc:
        problems = flatten_errors(exc.messages)
    except ValueError as exc:  # a cycle in the category hierarchy
        problems = [("data_categories", str(exc))]
    if problems:
        listed = "\n".join(f"{source}:{line_for(path, lines)}: {path}: {message}" for path, message in problems)
        raise VocabularyFileError(f"the vocabulary file has {len(problems)} problem(s):\n{listed}")
    return vocabulary


@cache
def load_vocabulary() -> v.Vocabulary:
    """The vocabulary shipped in ``agreements/library/vocabulary.yaml`` (read once per process)."""
    text = resources.files("agreements").joinpath("library/vocabulary.yaml").read_text(encoding="utf-8")
    return parse_vocabulary(text)
