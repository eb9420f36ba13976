"""The JSON API (flask-smorest), versioned under ``/api/v1``."""

from __future__ import annotations

from flask_smorest import Api

from registry.api import agreements, checks, organisations


def register(api: Api) -> None:
    """Attach every API blueprint."""
    api.register_blueprint(agreements.blp)
    api.register_blueprint(organisations.blp)
    api.register_blueprint(checks.blp)
