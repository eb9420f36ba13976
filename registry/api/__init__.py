"""The JSON API (flask-smorest), versioned under ``/api/v1``."""

from __future__ import annotations

from flask import Flask, request
from flask_smorest import Api
from werkzeug.exceptions import UnsupportedMediaType

from registry.access import is_api_request
from registry.api import (
    agreements,
    authzen,
    checks,
    documents,
    files,
    health,
    lint,
    organisations,
    tokens,
    users,
    vocabulary,
)

# Endpoints whose body is a file (YAML or JSON, or a PDF to verify) rather than a JSON document.
FILE_BODY_ENDPOINTS: frozenset[str] = frozenset({"imports.Imports", "verifications.Verifications"})


def register(api: Api) -> None:
    """Attach every API blueprint."""
    api.register_blueprint(health.blp)
    api.register_blueprint(agreements.blp)
    api.register_blueprint(documents.blp)
    api.register_blueprint(documents.verifications)
    api.register_blueprint(organisations.blp)
    api.register_blueprint(checks.blp)
    api.register_blueprint(authzen.blp)
    api.register_blueprint(vocabulary.blp)
    api.register_blueprint(lint.blp)
    api.register_blueprint(files.imports)
    api.register_blueprint(files.exports)
    api.register_blueprint(users.blp)
    api.register_blueprint(tokens.blp)


def require_json_body() -> None:
    """A body sent to the API must be JSON (415 otherwise), except where an endpoint takes a file."""
    if not is_api_request() or request.method not in {"POST", "PUT", "PATCH"}:
        return
    if request.endpoint in FILE_BODY_ENDPOINTS:
        return
    if (request.content_length or request.headers.get("Transfer-Encoding")) and not request.is_json:
        raise UnsupportedMediaType("Send the body as JSON with 'Content-Type: application/json'.")


def init_app(app: Flask) -> None:
    """Register the API-wide request checks (after the access check, so strangers learn nothing).

    Also checks, at start-up, that documents can be signed as the environment requires (``documents.init_app``).
    """
    app.before_request(require_json_body)
    documents.init_app(app)
