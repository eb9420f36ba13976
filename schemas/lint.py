"""Schema for lint findings as written by the CLI and the API."""

from __future__ import annotations

from marshmallow import fields

from agreements.lint import LintCode, Severity
from schemas.base import DomainSchema


class FindingSchema(DomainSchema):
    """One lint finding."""

    code = fields.Enum(LintCode, by_value=True)
    severity = fields.Enum(Severity, by_value=True)
    path = fields.String()
    message = fields.String()
