"""``/api/v1/authzen/access/v1/evaluation``: the share check in the shape of the OpenID AuthZEN Authorization API 1.0.

subject = the discloser, resource = the recipient and the data categories, action = the purpose,
context = every other fact of the native question, taken verbatim. The native question is built from
those parts and read through ``ShareQuestionSchema`` like any other, so its shape is defined once; the
decision is ``true`` only when the answer is *covered*, and the full native answer is in ``context``.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from agreements.answer import Decision
from agreements.validation import Problem
from registry.access import signed_in
from registry.api.blueprint import Blueprint
from registry.api.checks import EXPLAIN_QUERY, answer, json_response
from registry.services.errors import RegistryValidationError
from schemas.base import flatten_errors
from schemas.question import ShareAnswerSchema, ShareQuestionSchema, answer_document

blp = Blueprint(
    "authzen",
    __name__,
    url_prefix="/api/v1/authzen/access/v1",
    description="The share check as an OpenID AuthZEN 1.0 access evaluation",
)
RECIPIENT_ORGANISATION = "organisation"
# Where each native field comes from in the AuthZEN request, for error paths.
PLACES = {
    "discloser": "subject.id",
    "recipient": "resource.id",
    "recipient_type": "resource.id",
    "data_categories": "resource.properties.data_categories",
    "purpose": "action.name",
}


class _Entity(Schema):
    class Meta:
        unknown = RAISE

    type = fields.String(required=True, validate=validate.Length(min=1))
    id = fields.String(required=True, validate=validate.Length(min=1))
    properties = fields.Dict(keys=fields.String(), load_default=dict)


class SubjectSchema(_Entity):
    """The discloser: ``{"type": "organisation", "id": "<organisation id>"}``."""


class ResourcePropertiesSchema(Schema):
    """What is to be shared."""

    class Meta:
        unknown = RAISE

    data_categories = fields.List(fields.String(), required=True)


class ResourceSchema(Schema):
    """The recipient (``type`` "organisation" and its id, or any other type naming a recipient type) and the data."""

    class Meta:
        unknown = RAISE

    type = fields.String(required=True, validate=validate.Length(min=1))
    id = fields.String(required=True, validate=validate.Length(min=1))
    properties = fields.Nested(ResourcePropertiesSchema, required=True)


class ActionSchema(Schema):
    """The purpose: ``{"name": "<purpose id>"}``."""

    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1))
    properties = fields.Dict(keys=fields.String(), load_default=dict)


class EvaluationRequestSchema(Schema):
    """An AuthZEN access evaluation request."""

    class Meta:
        unknown = RAISE

    subject = fields.Nested(SubjectSchema, required=True)
    resource = fields.Nested(ResourceSchema, required=True)
    action = fields.Nested(ActionSchema, required=True)
    context = fields.Dict(keys=fields.String(), load_default=dict, metadata={"description": "The other facts"})


class EvaluationContextSchema(Schema):
    """Why: the native answer in full."""

    answer = fields.Nested(ShareAnswerSchema)


class EvaluationResponseSchema(Schema):
    """An AuthZEN access evaluation response: ``decision`` is true only when the share is covered."""

    decision = fields.Boolean(required=True)
    context = fields.Nested(EvaluationContextSchema)


def native_question(body: dict[str, Any]) -> dict[str, Any]:
    """The native question: the context's facts verbatim, with the parties, data and purpose put in."""
    context = body["context"]
    clashes = [Problem(f"context.{key}", f"give this as {place}") for key, place in PLACES.items() if key in context]
    if clashes:
        raise RegistryValidationError(clashes, message="The context repeats what the request already says.")
    resource = body["resource"]
    recipient = "recipient" if resource["type"] == RECIPIENT_ORGANISATION else "recipient_type"
    return {
        **context,
        "discloser": body["subject"]["id"],
        recipient: resource["id"],
        "data_categories": resource["properties"]["data_categories"],
        "purpose": body["action"]["name"],
    }


def _place(path: str) -> str:
    head, dot, rest = path.partition(".")
    bracket = head.find("[")
    key = head if bracket < 0 else head[:bracket]
    if key in PLACES:
        return PLACES[key] + head[len(key) :] + (dot + rest if dot else "")
    return f"context.{path}" if path else "context"


@blp.route("/evaluation")
class Evaluation(MethodView):
    """AuthZEN access evaluation."""

    @signed_in
    @blp.arguments(EXPLAIN_QUERY, location="query", as_kwargs=True)  # type: ignore[untyped-decorator]
    @blp.arguments(EvaluationRequestSchema)  # type: ignore[untyped-decorator]
    @blp.response(200, EvaluationResponseSchema)  # type: ignore[untyped-decorator]
    def post(self, body: dict[str, Any], explain: bool) -> Response:
        """May the subject (discloser) share the resource (data categories, with the recipient) for the action
        (purpose)? ``decision`` is true only when covered; ``context.answer`` is the native answer (``?explain=true``
        adds how every agreement fared)."""
        try:
            question = ShareQuestionSchema().load(native_question(body))
        except ValidationError as exc:
            problems = [Problem(_place(path), message) for path, message in flatten_errors(exc.messages)]
            raise RegistryValidationError(problems, message="The request is not a share question.") from exc
        try:
            result = answer(question)
        except RegistryValidationError as exc:
            raise RegistryValidationError([Problem(_place(p.path), p.message) for p in exc.problems]) from exc
        return json_response(
            {
                "decision": result.decision is Decision.COVERED,
                "context": {"answer": answer_document(result, explain=explain)},
            }
        )
