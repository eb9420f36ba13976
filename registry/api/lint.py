"""``/api/v1/lint``: lint an agreement document before it is stored (stored ones: ``/agreements/{id}/lint``)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields

from agreements.model import Agreement
from registry.access import signed_in
from registry.api.blueprint import Blueprint
from registry.api.schemas import LintQuerySchema
from registry.extensions import db
from registry.services.checking import lint_draft
from schemas.agreement import AgreementSchema
from schemas.lint import FindingSchema
from schemas.question import today_in_the_uk

blp = Blueprint("lint", __name__, url_prefix="/api/v1/lint", description="Linting agreement documents")


class DraftLintSchema(Schema):
    """The findings for a document."""

    agreement_id = fields.String()
    findings = fields.List(fields.Nested(FindingSchema))


@blp.route("")
class Lint(MethodView):
    """Lint a document."""

    @signed_in
    @blp.arguments(LintQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.arguments(AgreementSchema)  # type: ignore[untyped-decorator]
    @blp.response(200, DraftLintSchema)  # type: ignore[untyped-decorator]
    def post(self, query: dict[str, Any], agreement: Agreement) -> dict[str, Any]:
        """Lint an agreement document (as ``?as_of=``, default today) against the vocabulary and the stored
        organisations, without storing it; the document itself must be well formed (422 otherwise)."""
        findings = lint_draft(
            session=db.session,
            agreement=agreement,
            as_of=query.get("as_of") or today_in_the_uk(),
            grace_months=current_app.config.get("REVIEW_GRACE_MONTHS"),
        )
        return {"agreement_id": agreement.id, "findings": findings}
