"""``/api/v1/organisations``: the organisations agreements name."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView

from agreements.model import Organisation
from registry.access import EDITORS, require_account, roles, signed_in
from registry.api.blueprint import Blueprint
from registry.api.http import etag, if_match_value
from registry.extensions import db
from registry.services.organisations import (
    amend_organisation,
    create_organisation,
    get_organisation,
    list_organisations,
    organisation_etag,
)
from schemas.agreement import OrganisationSchema

blp = Blueprint("organisations", __name__, url_prefix="/api/v1/organisations", description="Organisations")
EDITOR_ROLES = tuple(sorted(EDITORS))


def _reply(organisation: Organisation, status: int = 200) -> tuple[Organisation, int, dict[str, str]]:
    headers = {"ETag": etag(organisation_etag(organisation))}
    if status == 201:
        headers["Location"] = url_for("organisations.OrganisationById", organisation_id=organisation.id)
    return organisation, status, headers


@blp.route("")
class Organisations(MethodView):
    """The collection of organisations."""

    @signed_in
    @blp.response(200, OrganisationSchema(many=True))  # type: ignore[untyped-decorator]
    def get(self) -> list[Organisation]:
        """List every organisation, by name."""
        return list_organisations(session=db.session)

    @roles(*EDITOR_ROLES)
    @blp.arguments(OrganisationSchema)  # type: ignore[untyped-decorator]
    @blp.response(201, OrganisationSchema)  # type: ignore[untyped-decorator]
    def post(self, organisation: Organisation) -> Any:
        """Add an organisation (its id must be new)."""
        return _reply(
            create_organisation(session=db.session, organisation=organisation, account=require_account()), 201
        )


@blp.route("/<organisation_id>")
class OrganisationById(MethodView):
    """One organisation."""

    @signed_in
    @blp.response(200, OrganisationSchema)  # type: ignore[untyped-decorator]
    def get(self, organisation_id: str) -> Any:
        """Get an organisation; its ETag changes whenever its record does."""
        return _reply(get_organisation(session=db.session, organisation_id=organisation_id))

    @roles(*EDITOR_ROLES)
    @blp.arguments(OrganisationSchema)  # type: ignore[untyped-decorator]
    @blp.response(200, OrganisationSchema)  # type: ignore[untyped-decorator]
    def put(self, organisation: Organisation, organisation_id: str) -> Any:
        """Replace an organisation's record. Send ``If-Match`` with the ETag you read (428 without, 412 if stale)."""
        expected = if_match_value()
        stored = amend_organisation(
            session=db.session,
            organisation_id=organisation_id,
            organisation=organisation,
            account=require_account(),
            expected_etag=expected,
        )
        return _reply(stored)
