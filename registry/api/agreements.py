"""``/api/v1/agreements``: the agreements in the registry and any revision of one."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from agreements.model import AgreementRevision
from registry.access import signed_in
from registry.api.schemas import AgreementLintSchema, AgreementSummarySchema, LintQuerySchema, RevisionQuerySchema
from registry.extensions import db
from registry.services.agreements import AgreementSummary, get_agreement, list_agreements
from registry.services.checking import AgreementLint, lint_stored_agreements
from schemas.agreement import AgreementRevisionSchema
from schemas.question import today_in_the_uk

blp = Blueprint("agreements", __name__, url_prefix="/api/v1/agreements", description="Information sharing agreements")


@blp.route("")
class Agreements(MethodView):
    """The collection of agreements."""

    @signed_in
    @blp.response(200, AgreementSummarySchema(many=True))  # type: ignore[untyped-decorator]
    def get(self) -> list[AgreementSummary]:
        """List every agreement as it currently stands."""
        return list_agreements(session=db.session)


@blp.route("/<agreement_id>")
class AgreementById(MethodView):
    """One agreement."""

    @signed_in
    @blp.arguments(RevisionQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, AgreementRevisionSchema)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> AgreementRevision:
        """Get an agreement at its current revision, or at ``?revision=N``."""
        return get_agreement(session=db.session, agreement_id=agreement_id, revision=query.get("revision"))


@blp.route("/<agreement_id>/lint")
class AgreementLintById(MethodView):
    """Lint findings for one agreement."""

    @signed_in
    @blp.arguments(LintQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, AgreementLintSchema)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> AgreementLint:
        """Lint the agreement's current revision as on ``?as_of=YYYY-MM-DD`` (default today)."""
        results = lint_stored_agreements(
            session=db.session,
            as_of=query.get("as_of") or today_in_the_uk(),
            agreement_ids=[agreement_id],
            grace_months=current_app.config.get("REVIEW_GRACE_MONTHS"),
        )
        return results[0]
