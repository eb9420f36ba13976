"""What every schema shares: unknown fields raise, lists become tuples, empty values are not written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, missing, post_dump


class DomainSchema(Schema):
    """A schema that builds a frozen domain object and writes only what is set."""

    class Meta:
        unknown = RAISE

    @post_dump
    def _drop_unset(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        # An export should read like a hand-written file: absent means "not stated".
        return {key: value for key, value in data.items() if value is not None}


def tuples(data: Mapping[str, Any]) -> dict[str, Any]:
    """Turn list values into tuples so frozen dataclasses compare and hash by value."""
    return {key: tuple(value) if isinstance(value, list) else value for key, value in data.items()}


def flatten_errors(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Turn marshmallow's nested error dict into ``(path, message)`` pairs like ``flows[2].purposes``."""
    out: list[tuple[str, str]] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            out.extend(flatten_errors(value, path))
    elif isinstance(messages, list | tuple):
        for item in messages:
            out.extend(flatten_errors(item, prefix))
    else:
        out.append((prefix, str(messages)))
    return out


def validation_problems(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    """The problems in a marshmallow error, flattened to paths."""
    return flatten_errors(error.messages, prefix)


def _identity_value(field: fields.Field[Any], value: Any) -> Any:
    if isinstance(field, fields.Nested) and isinstance(value, Mapping):
        return identity_document(field.schema, value)
    if isinstance(field, fields.List) and isinstance(value, list):
        return [_identity_value(field.inner, item) for item in value]
    return value


def _is_default(field: fields.Field[Any], value: Any) -> bool:
    if field.required:
        return False
    if value in ({}, []):
        return True
    default = field.load_default
    if default is missing:
        return False
    default = default() if callable(default) and not isinstance(default, type(value)) else default
    return bool(value == default or value == getattr(default, "value", default))


def identity_document(schema: Schema, data: Mapping[str, Any]) -> dict[str, Any]:
    """The document without the optional fields that hold their defaults: what a record's identity is hashed on.

    A field added to a schema later, with a default, then leaves every stored identity unchanged, so an
    old export still re-imports and no spurious revision is made.
    """
    out: dict[str, Any] = {}
    for key, value in data.items():
        field = schema.fields.get(key)
        if field is None:
            out[key] = value
            continue
        reduced = _identity_value(field, value)
        if not _is_default(field, reduced):
            out[key] = reduced
    return out
