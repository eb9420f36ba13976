"""What every schema shares: unknown fields raise, lists become tuples, empty values are not written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, post_dump


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
