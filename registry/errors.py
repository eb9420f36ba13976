"""One error policy: JSON for the API (flask-smorest's shape), an HTML page everywhere else.

Service errors carry their own status and problems (``path → message``); database failures
become a 503 that says what to run; nothing reaches the client as a bare 500 with a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from flask import Flask, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError, ProgrammingError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from registry.access import is_api_request
from registry.extensions import api
from registry.services.errors import (
    DatabaseUnavailableError,
    RegistryConflictError,
    RegistryError,
    RegistryValidationError,
    is_lost_race,
)

INIT_COMMAND = "flask --app wsgi registry init-db"


@dataclass(frozen=True)
class _PageError:
    """What the error page shows."""

    code: int
    name: str
    description: str


def error_payload(status: int, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The API's error body, as flask-smorest writes its own: code, status, message and errors by location."""
    payload: dict[str, Any] = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
    if errors:
        payload["errors"] = errors
    return payload


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    """Answer an HTTP error in the form the client asked for: JSON under ``/api/``, a page elsewhere."""
    if isinstance(error, RequestEntityTooLarge):
        error = RequestEntityTooLarge(
            f"The body is larger than this registry accepts ({current_app.config['MAX_CONTENT_LENGTH']} bytes)."
        )
    if is_api_request():
        payload, status, headers = api.handle_http_exception(error)
        # smorest keeps only the headers passed through abort(); Werkzeug's own (Allow, WWW-Authenticate) matter too.
        merged = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        merged.update(headers or {})
        if "message" not in payload and error.description:
            payload["message"] = error.description
        return payload, status, merged
    return render_template("error.html", error=error), error.code or 500


def handle_registry_error(error: RegistryError) -> ResponseReturnValue:
    """A service's refusal, with its status and problems."""
    if is_api_request():
        errors = {"json": error.problem_map()} if error.problems else None
        response = jsonify(error_payload(error.status, error.message, errors))
        response.status_code = error.status
        if error.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="isa-registry"'
        return response
    page = _PageError(error.status, HTTPStatus(error.status).phrase, "; ".join(error.lines()))
    return render_template("error.html", error=page), error.status


def database_error(error: DBAPIError) -> RegistryError:
    """What a database failure means: a clash with a concurrent change, not set up (run init-db), or unreachable."""
    text = str(error.orig if error.orig is not None else error).lower()
    if isinstance(error, IntegrityError) or is_lost_race(error):
        return RegistryConflictError("Another change was being saved at the same time; nothing was saved. Try again.")
    if "no such table" in text or "does not exist" in text or "no such column" in text or "undefined" in text:
        return DatabaseUnavailableError(f"The registry database is not set up (or not upgraded): run `{INIT_COMMAND}`.")
    return DatabaseUnavailableError(
        "The registry database cannot be reached: check DATABASE_URL and that the database server is running."
    )


def handle_database_error(error: DBAPIError) -> ResponseReturnValue:
    """An uninitialised or unreachable database is a 503 naming what to do, never a 500."""
    current_app.logger.warning("database error: %s", error)
    return handle_registry_error(database_error(error))


def handle_data_error(error: DataError) -> ResponseReturnValue:
    """A value the database cannot hold (a number out of range): the request's fault, so a 422."""
    current_app.logger.info("value out of range: %s", error)
    return handle_registry_error(RegistryValidationError([], message="A value in the request is out of range."))


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    """Anything else: logged with its traceback, answered as a plain 500 in the client's format."""
    current_app.logger.exception("unhandled error", exc_info=error)
    return handle_http_exception(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers; call after ``Api.init_app`` so they replace flask-smorest's (its issue #640)."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(RegistryError, handle_registry_error)
    app.register_error_handler(OperationalError, handle_database_error)
    app.register_error_handler(ProgrammingError, handle_database_error)
    app.register_error_handler(IntegrityError, handle_database_error)
    app.register_error_handler(DataError, handle_data_error)
    if not app.testing:
        # In tests an unexpected error should fail the test loudly instead.
        app.register_error_handler(Exception, handle_unexpected)
