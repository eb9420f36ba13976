"""Bounds every request meets before any view (or the access check) sees it: the URL's length, the JSON body's shape.

A JSON body is parsed by ``schemas.jsonio.load_json_document``, with the rules registry files are read by: a key
given twice, nesting deeper than a registry file ever needs, ``NaN`` or a number no field can hold
is refused with a 400 naming the problem, before the standard library's recursive parser (which a
100,000-level body would overflow) or a view sees it. The parsed body is what ``request.get_json``
returns afterwards, and what the API's arguments parser takes (``registry.api.blueprint``): the body is
parsed once.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, HTTPException

from registry.api import FILE_BODY_ENDPOINTS
from schemas.jsonio import load_json_document
from schemas.limits import FileSyntaxError


class RequestURITooLong(HTTPException):
    """414: Werkzeug has no exception of its own for it."""

    code = 414
    description = "The URL is longer than this registry accepts."


def url_length() -> int:
    """The length of the request's path and query string as the client sent them (percent-encoded)."""
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return len(raw)
    query = environ.get("QUERY_STRING", "")
    return len(environ.get("SCRIPT_NAME", "")) + len(environ.get("PATH_INFO", "")) + (len(query) + 1 if query else 0)


def limit_url_length() -> None:
    """414 for a URL longer than ``MAX_URL_LENGTH``: no page or query needs one, and parsing it costs memory."""
    limit: int = current_app.config["MAX_URL_LENGTH"]
    if url_length() > limit:
        raise RequestURITooLong(f"The URL is longer than this registry accepts ({limit} characters).")


def _unreadable(problem: str) -> BadRequest:
    """A 400 in the API's shape: the message, and the problem under ``errors.json`` as a schema's would be."""
    error = BadRequest(f"The JSON body cannot be read: {problem}.")
    error.data = {"messages": {"json": [problem]}}  # type: ignore[attr-defined]
    return error


def parse_json_body() -> None:
    """Parse a JSON body strictly; 400 naming what is wrong with it (never a 500, never a silently dropped key)."""
    if request.method not in {"POST", "PUT", "PATCH", "DELETE"} or not request.is_json:
        return
    if request.endpoint in FILE_BODY_ENDPOINTS:
        # A registry file's reader reports its problems with their lines (a 422), as the CLI does.
        return
    body = request.get_data(cache=True)
    if not body:
        return
    try:
        data = load_json_document(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _unreadable("the body is not valid UTF-8") from exc
    except FileSyntaxError as exc:
        raise _unreadable(f"line {exc.line}: {exc}" if exc.line is not None else str(exc)) from exc
    # What request.get_json() returns from now on (Flask caches the parsed body here).
    request._cached_json = (data, data)


def init_app(app: Flask) -> None:
    """Register the checks: the URL's length before everything else, the body after the access check.

    Call after ``access.init_app``, so a stranger's body is not even parsed.
    """
    app.before_request_funcs.setdefault(None, []).insert(0, limit_url_length)
    app.before_request(parse_json_body)
