"""The API's Blueprint: flask-smorest's, reading JSON bodies as ``registry.bounds`` already parsed them."""

from __future__ import annotations

import typing

import flask
import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


class ParsedJsonParser(FlaskParser):
    """webargs' Flask parser, taking the body ``registry.bounds`` parsed strictly instead of parsing it again."""

    def _raw_load_json(self, req: flask.Request) -> typing.Any:
        if not is_json_request(req):
            return core.missing
        # registry.bounds.parse_json_body has parsed (and checked) the body and cached it for get_json; a file
        # upload it leaves to its own reader is parsed here as webargs would.
        cached = getattr(req, "_cached_json", (core.missing, core.missing))[0]
        return cached if cached is not core.missing else super()._raw_load_json(req)


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint with the parser above."""

    ARGUMENTS_PARSER = ParsedJsonParser()
