"""``/api/v1/agreements``: list, read, create, amend, move through the lifecycle, sign, compare and audit."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask.views import MethodView

from agreements.model import Agreement, AgreementRevision
from registry.access import EDITORS, require_account, roles, signed_in
from registry.api.blueprint import Blueprint
from registry.api.http import etag, if_match_revision, optional_if_match_revision, page_bounds, pagination_header
from registry.api.schemas import (
    AgreementLintSchema,
    AgreementListQuerySchema,
    AgreementSummarySchema,
    AmendmentRequestSchema,
    ChangeEntrySchema,
    CopyRequestSchema,
    DiffQuerySchema,
    LintQuerySchema,
    PageOnlyQuerySchema,
    RevisionDiffSchema,
    RevisionQuerySchema,
    RevisionSummarySchema,
    SignatureSchema,
    SignRequestSchema,
    TransitionRequestSchema,
)
from registry.extensions import db
from registry.services.accounts import Role
from registry.services.agreements import get_agreement, list_revisions
from registry.services.checking import lint_stored_agreements
from registry.services.editing import (
    amend_agreement,
    change_status,
    create_agreement,
    create_from_template,
    list_signatures,
    sign_agreement,
)
from registry.services.history import AgreementFilters, agreement_changes, diff_revisions, find_agreements
from schemas.agreement import AgreementRevisionSchema, AgreementSchema
from schemas.question import today_in_the_uk

blp = Blueprint("agreements", __name__, url_prefix="/api/v1/agreements", description="Information sharing agreements")
Reply = tuple[Any, int, dict[str, str]]
EDITOR_ROLES = tuple(sorted(EDITORS))


def _stored(revision: AgreementRevision, status: int = 200) -> Reply:
    headers = {"ETag": etag(revision.revision)}
    if status == 201:
        headers["Location"] = url_for("agreements.AgreementById", agreement_id=revision.agreement.id)
    return revision, status, headers


@blp.route("")
class Agreements(MethodView):
    """The collection of agreements."""

    @signed_in
    @blp.arguments(AgreementListQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, AgreementSummarySchema(many=True))  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any]) -> Reply:
        """List agreements as they currently stand, by title: filter by kind, status, party, data category
        or review date; ``X-Pagination`` gives the total and the pages."""
        offset, limit = page_bounds(query)
        filters = AgreementFilters(
            kind=query.get("kind"),
            status=query.get("status"),
            party=query.get("party"),
            data_category=query.get("data_category"),
            review_due_before=query.get("review_due_before"),
        )
        items, total = find_agreements(session=db.session, filters=filters, offset=offset, limit=limit)
        return items, 200, pagination_header(query, total)

    @roles(*EDITOR_ROLES)
    @blp.arguments(AgreementSchema)  # type: ignore[untyped-decorator]
    @blp.response(201, AgreementRevisionSchema)  # type: ignore[untyped-decorator]
    def post(self, agreement: Agreement) -> Reply:
        """Create an agreement from scratch, as an unsigned draft (revision 1)."""
        return _stored(create_agreement(session=db.session, agreement=agreement, account=require_account()), 201)


@blp.route("/<agreement_id>")
class AgreementById(MethodView):
    """One agreement."""

    @signed_in
    @blp.arguments(RevisionQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, AgreementRevisionSchema)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> Reply:
        """Get an agreement at its current revision, or at ``?revision=N``; the ETag is the revision."""
        return _stored(get_agreement(session=db.session, agreement_id=agreement_id, revision=query.get("revision")))

    @roles(*EDITOR_ROLES)
    @blp.arguments(AmendmentRequestSchema)  # type: ignore[untyped-decorator]
    @blp.response(200, AgreementRevisionSchema)  # type: ignore[untyped-decorator]
    def put(self, body: dict[str, Any], agreement_id: str) -> Reply:
        """Amend an agreement: a new revision. Send ``If-Match`` with the ETag you read (428 without, 412 if stale).

        An amendment to the terms of a signed agreement sends it back for signature; changing only
        contact details keeps the signatures. Status and signatures change through transitions and signing.
        """
        expected = if_match_revision()
        stored = amend_agreement(
            session=db.session,
            agreement_id=agreement_id,
            agreement=body["agreement"],
            change_summary=body["change_summary"],
            account=require_account(),
            expected_revision=expected,
        )
        return _stored(stored)


@blp.route("/<agreement_id>/copies")
class AgreementCopies(MethodView):
    """New agreements started from this one."""

    @roles(*EDITOR_ROLES)
    @blp.arguments(CopyRequestSchema)  # type: ignore[untyped-decorator]
    @blp.response(201, AgreementRevisionSchema)  # type: ignore[untyped-decorator]
    def post(self, body: dict[str, Any], agreement_id: str) -> Reply:
        """Start a new draft from this agreement (a standard MASH, MARAC or MAPPA one, say): unsigned and undated."""
        stored = create_from_template(
            session=db.session,
            source_id=agreement_id,
            new_id=body["id"],
            title=body["title"],
            account=require_account(),
        )
        return _stored(stored, 201)


@blp.route("/<agreement_id>/transitions")
class AgreementTransitions(MethodView):
    """Lifecycle changes."""

    @roles(*EDITOR_ROLES)
    @blp.arguments(TransitionRequestSchema)  # type: ignore[untyped-decorator]
    @blp.response(200, AgreementRevisionSchema)  # type: ignore[untyped-decorator]
    def post(self, body: dict[str, Any], agreement_id: str) -> Reply:
        """Move the agreement along its lifecycle (draft → awaiting signatures → active → suspended, expired,
        terminated or superseded), as the lifecycle allows; 409 names the statuses it can go to.
        ``If-Match`` is optional here; when sent, a stale one is 412."""
        stored = change_status(
            session=db.session,
            agreement_id=agreement_id,
            to=body["to"],
            reason=body["reason"],
            account=require_account(),
            expected_revision=optional_if_match_revision(),
        )
        return _stored(stored)


@blp.route("/<agreement_id>/signatures")
class AgreementSignatures(MethodView):
    """Signatures for the parties."""

    @signed_in
    @blp.response(200, SignatureSchema(many=True))  # type: ignore[untyped-decorator]
    def get(self, agreement_id: str) -> Any:
        """List the signatures given through the registry, oldest first."""
        return list_signatures(session=db.session, agreement_id=agreement_id)

    @roles(Role.SIGNATORY)
    @blp.arguments(SignRequestSchema)  # type: ignore[untyped-decorator]
    @blp.response(201, AgreementRevisionSchema)  # type: ignore[untyped-decorator]
    def post(self, body: dict[str, Any], agreement_id: str) -> Reply:
        """Sign for your own organisation the revision you read (412 if its terms have changed since).
        When every party has signed the agreement becomes active, in force from its effective date."""
        stored = sign_agreement(
            session=db.session,
            agreement_id=agreement_id,
            revision=body["revision"],
            job_title=body["job_title"],
            account=require_account(),
        )
        return _stored(stored, 201)


@blp.route("/<agreement_id>/revisions")
class AgreementRevisions(MethodView):
    """The revision history."""

    @signed_in
    @blp.response(200, RevisionSummarySchema(many=True))  # type: ignore[untyped-decorator]
    def get(self, agreement_id: str) -> Any:
        """List every revision of the agreement, oldest first."""
        return list_revisions(session=db.session, agreement_id=agreement_id)


@blp.route("/<agreement_id>/diff")
class AgreementDiff(MethodView):
    """Comparing revisions."""

    @signed_in
    @blp.arguments(DiffQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, RevisionDiffSchema)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> Any:
        """Compare two revisions field by field (``?from=N&to=M``); list items are matched by their ids."""
        return diff_revisions(
            session=db.session,
            agreement_id=agreement_id,
            from_revision=query["from_revision"],
            to_revision=query["to_revision"],
        )


@blp.route("/<agreement_id>/changes")
class AgreementChanges(MethodView):
    """The change log."""

    @signed_in
    @blp.arguments(PageOnlyQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, ChangeEntrySchema(many=True))  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> Reply:
        """The agreement's change log, oldest first: who, when, which request, the record before and after."""
        offset, limit = page_bounds(query)
        entries, total = agreement_changes(session=db.session, agreement_id=agreement_id, offset=offset, limit=limit)
        return entries, 200, pagination_header(query, total)


@blp.route("/<agreement_id>/lint")
class AgreementLintById(MethodView):
    """Lint findings for one agreement."""

    @signed_in
    @blp.arguments(LintQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, AgreementLintSchema)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> Any:
        """Lint the agreement's current revision as on ``?as_of=YYYY-MM-DD`` (default today)."""
        results = lint_stored_agreements(
            session=db.session,
            as_of=query.get("as_of") or today_in_the_uk(),
            agreement_ids=[agreement_id],
            grace_months=current_app.config.get("REVIEW_GRACE_MONTHS"),
        )
        return results[0]
