"""Page views: parse, call one service, render."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from marshmallow import ValidationError

from registry.access import signed_in
from registry.api.schemas import RevisionQuerySchema
from registry.extensions import db
from registry.services.agreements import describe_agreement, list_agreements
from registry.services.organisations import list_organisations

bp = Blueprint("web", __name__)


@bp.get("/")
@signed_in
def home() -> str:
    """The home page: every agreement in the registry."""
    return render_template("home.html", agreements=list_agreements(session=db.session))


@bp.get("/agreements/<agreement_id>")
@signed_in
def agreement(agreement_id: str) -> str:
    """One agreement at its current revision or at ``?revision=N``, with its list of revisions."""
    try:
        query = RevisionQuerySchema().load(request.args)
    except ValidationError:
        abort(400, description="The revision must be a whole number from 1.")
    detail = describe_agreement(session=db.session, agreement_id=agreement_id, revision=query.get("revision"))
    return render_template("agreement.html", detail=detail, agreement=detail.revision.agreement)


@bp.get("/organisations")
@signed_in
def organisations() -> str:
    """Every organisation that agreements can name."""
    return render_template("organisations.html", organisations=list_organisations(session=db.session))
