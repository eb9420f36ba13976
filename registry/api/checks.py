"""``/api/v1/checks``: may this share go ahead? The same checker the CLI and the pages use."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from agreements.answer import ShareAnswer
from agreements.question import QuestionError, ShareQuestion
from registry.access import signed_in
from registry.extensions import db
from registry.services.checking import check_proposed_share
from schemas.question import ShareAnswerSchema, ShareQuestionSchema

blp = Blueprint("checks", __name__, url_prefix="/api/v1/checks", description="Checking a proposed share")


@blp.route("")
class Checks(MethodView):
    """Share checks."""

    @signed_in
    @blp.arguments(ShareQuestionSchema)  # type: ignore[untyped-decorator]
    @blp.response(200, ShareAnswerSchema)  # type: ignore[untyped-decorator]
    def post(self, question: ShareQuestion) -> ShareAnswer:
        """Check a proposed share: covered, not covered or escalate, with reasons, obligations and routes.

        ``as_of`` defaults to today (UK). Terms the registry does not know are a 422 naming the field.
        """
        try:
            return check_proposed_share(
                session=db.session,
                question=question,
                grace_months=current_app.config.get("REVIEW_GRACE_MONTHS"),
                snapshots=db.snapshots,
            )
        except QuestionError as exc:
            abort(
                422,
                message="The question names terms the registry does not know.",
                errors={"json": {p.path: [p.message] for p in exc.problems}},
            )
            raise  # abort always raises; this keeps type checkers content
