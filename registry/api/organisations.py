"""``/api/v1/organisations``: the organisations agreements name."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from agreements.model import Organisation
from registry.access import signed_in
from registry.extensions import db
from registry.services.organisations import list_organisations
from schemas.agreement import OrganisationSchema

blp = Blueprint("organisations", __name__, url_prefix="/api/v1/organisations", description="Organisations")


@blp.route("")
class Organisations(MethodView):
    """The collection of organisations."""

    @signed_in
    @blp.response(200, OrganisationSchema(many=True))  # type: ignore[untyped-decorator]
    def get(self) -> list[Organisation]:
        """List every organisation, by name."""
        return list_organisations(session=db.session)
