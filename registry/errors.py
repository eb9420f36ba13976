"""One error policy: JSON for the API (as flask-smorest writes it), an HTML page everywhere else."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, NotFound

from registry.extensions import api
from registry.services.errors import RegistryNotFoundError

API_PREFIX = "/api/"


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    """Answer an HTTP error in the form the client asked for: JSON under ``/api/``, a page elsewhere."""
    if request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/"):
        response: ResponseReturnValue = api.handle_http_exception(error)
        return response
    return render_template("error.html", error=error), error.code or 500


def handle_not_found(error: RegistryNotFoundError) -> ResponseReturnValue:
    """A record a service could not find is a 404, whoever asked."""
    return handle_http_exception(NotFound(str(error)))


def init_app(app: Flask) -> None:
    """Register the handlers; call after ``Api.init_app`` so they replace flask-smorest's (its issue #640)."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(RegistryNotFoundError, handle_not_found)
