"""``/api/v1/health``: is this instance up and can it reach its database? The one public route."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from registry.access import public
from registry.api.blueprint import Blueprint
from registry.extensions import db
from registry.services.common import registry_version

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="Health check for load balancers")


class HealthSchema(Schema):
    """The instance is up and its database answers."""

    status = fields.String(metadata={"example": "ok"})
    registry_version = fields.Integer()


@blp.route("")
class Health(MethodView):
    """The health check."""

    @public
    @blp.doc(security=[])  # type: ignore[untyped-decorator]
    @blp.response(200, HealthSchema)  # type: ignore[untyped-decorator]
    def get(self) -> dict[str, Any]:
        """Say whether the instance and its database are up (503 when the database is unavailable)."""
        _, version = registry_version(db.session)
        return {"status": "ok", "registry_version": version}
