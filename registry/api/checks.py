"""``/api/v1/checks``: may this share go ahead? The same checker the CLI and the pages use.

Questions are read only through ``schemas.question.ShareQuestionSchema`` and answers written in the shape
``ShareAnswerSchema`` defines (by ``answer_document``, held equal to it by a test, because the schema's own
dump is most of a check's cost), so the question's and the answer's shapes are each defined in one place.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, current_app
from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from agreements.answer import ShareAnswer
from agreements.question import QuestionError, ShareQuestion
from registry.access import registry_version_at_sign_in, signed_in
from registry.api.blueprint import Blueprint
from registry.extensions import db
from registry.services.checking import check_proposed_share
from registry.services.errors import RegistryValidationError
from schemas.question import ShareAnswerSchema, ShareQuestionSchema, answer_document

blp = Blueprint("checks", __name__, url_prefix="/api/v1/checks", description="Checking a proposed share")
MAX_BATCH = 100


def json_response(document: dict[str, Any]) -> Response:
    """A 200 holding ``document`` as JSON, keys sorted as the app's JSON provider sorts them."""
    return current_app.response_class(orjson.dumps(document, option=orjson.OPT_SORT_KEYS), mimetype="application/json")


def answer(question: ShareQuestion, path: str = "") -> ShareAnswer:
    """The checker's answer from this process's snapshot of the registry; unknown terms are a 422 naming the field."""
    try:
        return check_proposed_share(
            session=db.session,
            question=question,
            grace_months=current_app.config.get("REVIEW_GRACE_MONTHS"),
            snapshots=db.snapshots,
            # Checks only read: the version read with the caller's token is still this request's view.
            known_version=registry_version_at_sign_in(),
        )
    except QuestionError as exc:
        raise RegistryValidationError(
            [p.under(path) if path else p for p in exc.problems],
            message="The question names terms the registry does not know.",
        ) from exc


class ExplainQuerySchema(Schema):
    """``?explain=true`` adds how every agreement fared (``evaluations``, ``nearest``) to the answer."""

    class Meta:
        unknown = RAISE

    explain = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Add every agreement the discloser is party to and how it fared (for governance "
            "leads and auditors; the decision and its reasons are the same either way)."
        },
    )


class BatchRequestSchema(Schema):
    """Up to 100 questions, answered together from one view of the registry."""

    class Meta:
        unknown = RAISE

    questions = fields.List(
        fields.Nested(ShareQuestionSchema), required=True, validate=validate.Length(min=1, max=MAX_BATCH)
    )


class BatchResponseSchema(Schema):
    """The answers, in the order of the questions."""

    answers = fields.List(fields.Nested(ShareAnswerSchema))


EXPLAIN_QUERY = ExplainQuerySchema()


@blp.route("")
class Checks(MethodView):
    """Share checks."""

    @signed_in
    # Instances, not classes: webargs would otherwise build a new schema for every request.
    @blp.arguments(EXPLAIN_QUERY, location="query", as_kwargs=True)  # type: ignore[untyped-decorator]
    @blp.arguments(ShareQuestionSchema())  # type: ignore[untyped-decorator]
    @blp.response(200, ShareAnswerSchema)  # type: ignore[untyped-decorator]
    def post(self, question: ShareQuestion, explain: bool) -> Response:
        """Check a proposed share: covered, not covered or escalate, with reasons, obligations and routes.

        ``as_of`` defaults to today (UK). Terms the registry does not know are a 422 naming the field.
        """
        return json_response(answer_document(answer(question), explain=explain))


@blp.route("/batch")
class BatchChecks(MethodView):
    """Many share checks at once."""

    @signed_in
    @blp.arguments(EXPLAIN_QUERY, location="query", as_kwargs=True)  # type: ignore[untyped-decorator]
    @blp.arguments(BatchRequestSchema)  # type: ignore[untyped-decorator]
    @blp.response(200, BatchResponseSchema)  # type: ignore[untyped-decorator]
    def post(self, body: dict[str, Any], explain: bool) -> Response:
        """Check up to 100 proposed shares; a malformed question is a 422 naming ``questions[i]`` and its field."""
        answers = [
            answer_document(answer(q, f"questions[{i}]"), explain=explain) for i, q in enumerate(body["questions"])
        ]
        return json_response({"answers": answers})
