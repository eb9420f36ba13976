"""``/api/v1/imports`` and ``/api/v1/exports``: registry files in and out, validated exactly as the CLI does."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate
from werkzeug.exceptions import UnsupportedMediaType

from agreements.validation import Problem
from registry.access import require_account, roles, signed_in
from registry.api.blueprint import Blueprint
from registry.extensions import db
from registry.services.accounts import Role
from registry.services.errors import RegistryValidationError
from registry.services.exporting import export_registry
from registry.services.importing import Counts, import_documents
from schemas.files import Format, RegistryFileError, parse_registry_text

imports = Blueprint("imports", __name__, url_prefix="/api/v1/imports", description="Loading registry files")
exports = Blueprint("exports", __name__, url_prefix="/api/v1/exports", description="Exporting the registry")
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
SOURCE = "request body"


class CountsSchema(Schema):
    """Created, updated and unchanged."""

    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()


class ImportSummarySchema(Schema):
    """What the import stored."""

    organisations = fields.Nested(CountsSchema)
    agreements = fields.Nested(CountsSchema)
    revisions = fields.Nested(CountsSchema)


class ExportQuerySchema(Schema):
    """``?format=yaml|json``."""

    class Meta:
        unknown = RAISE

    format = fields.String(load_default="yaml", validate=validate.OneOf(["yaml", "json"]))


def _format() -> Format:
    if request.mimetype == "application/json":
        return "json"
    if request.mimetype in YAML_TYPES:
        return "yaml"
    raise UnsupportedMediaType("Send a registry file as application/json or application/yaml.")


@imports.route("")
class Imports(MethodView):
    """Loading a registry file."""

    @roles(Role.ADMIN)
    @imports.doc(  # type: ignore[untyped-decorator]
        requestBody={
            "required": True,
            "content": {
                "application/yaml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    )
    @imports.response(201, ImportSummarySchema)  # type: ignore[untyped-decorator]
    def post(self) -> dict[str, Counts]:
        """Load organisations and agreements (and exported history) from one registry file, all or nothing.

        Every problem is reported with its path and, for YAML, its line; nothing is stored unless all is well.
        """
        fmt = _format()
        text = request.get_data(as_text=True)
        try:
            document = parse_registry_text(text, SOURCE, fmt)
            summary = import_documents(session=db.session, documents=[document], actor=require_account().actor)
        except RegistryFileError as exc:
            problems = [
                Problem(p.path, f"line {p.line}: {p.message}" if p.line is not None else p.message)
                for p in exc.problems
            ]
            raise RegistryValidationError(problems, message="The file has problems; nothing was stored.") from exc
        return {
            "organisations": summary.organisations,
            "agreements": summary.agreements,
            "revisions": summary.revisions,
        }


@exports.route("")
class Exports(MethodView):
    """Exporting the registry."""

    @signed_in
    @exports.arguments(ExportQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @exports.response(200, content_type="application/yaml")  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any]) -> Response:
        """Every organisation and every revision of every agreement, as one file that imports again unchanged."""
        fmt: Format = "json" if query["format"] == "json" else "yaml"
        text = export_registry(session=db.session, fmt=fmt)
        mimetype = "application/json" if fmt == "json" else "application/yaml"
        return Response(
            text,
            mimetype=mimetype,
            headers={"Content-Disposition": f'attachment; filename="isa-registry.{fmt}"'},
        )
