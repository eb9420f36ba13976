"""What every schema shares: unknown fields raise, lists become tuples, empty values are not written.

Every schema also refuses, before any field is read, what no field may hold: text with a NUL
character (PostgreSQL cannot store it) or an unpaired surrogate (not Unicode text), text longer
than ``MAX_LONG_TEXT``, a list longer than its field allows (``MAX_LIST`` unless the field says
``metadata={"max_items": n}``) and a flood of unknown field names. Errors name the field and
never quote the input back at length. A record with such a problem is reported for it alone (its
other fields are read once it is fixed); its sibling records are still read and reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, missing, post_dump, pre_load

from schemas.limits import EARLIEST_DATE, LATEST_DATE, MAX_LIST, MAX_LONG_TEXT, MAX_NAME, quoted

_SURROGATE = re.compile("[\ud800-\udfff]")
# Errors reported for the entries of one list, and unknown names reported one by one, at most.
_MAX_ERRORS_PER_LIST = 10
_MAX_UNKNOWN_LISTED = 10


def text_problem(value: str, longest: int = MAX_LONG_TEXT) -> str | None:
    """What is wrong with a piece of text no field may hold, or None."""
    if len(value) > longest:
        return f"Longer than {longest} characters ({len(value)})."
    if "\x00" in value:
        return "Must not contain a NUL character (\\x00)."
    if _SURROGATE.search(value):
        return "Must not contain an unpaired surrogate: not valid Unicode text."
    return None


def _max_items(field: fields.Field[Any] | None) -> int | None:
    if not isinstance(field, fields.List):
        return None
    return int(field.metadata.get("max_items", MAX_LIST))


def _list_problems(value: list[Any], field: fields.Field[Any] | None) -> Any:
    """The problems with a raw list: too long, or text entries no field may hold."""
    most = _max_items(field)
    if most is not None and len(value) > most:
        return [f"Give at most {most} entries (this list has {len(value)})."]
    found: dict[int, list[str]] = {}
    for index, item in enumerate(value):
        problem = text_problem(item) if isinstance(item, str) else None
        if problem is not None:
            found[index] = [problem]
            if len(found) == _MAX_ERRORS_PER_LIST:
                break
    return found or None


class DomainSchema(Schema):
    """A schema that builds a frozen domain object and writes only what is set."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _refuse_what_no_field_may_hold(self, data: Any, **_: Any) -> Any:
        # One place for the bounds every text and list shares, checked before any field is read.
        if not isinstance(data, Mapping):
            return data
        by_key = self._fields_by_key()
        errors: dict[str, Any] = {}
        unknown: list[Any] = []
        for key, value in data.items():
            field = by_key.get(key)
            if field is None:
                unknown.append(key)
                if not isinstance(key, str) or text_problem(key, MAX_NAME) is not None:
                    # A key that could not be shown in an error path (huge, NUL) is refused as a whole.
                    raise ValidationError(f"Unknown field name {quoted(key)}.")
                continue
            if isinstance(value, str):
                problem = text_problem(value)
                if problem is not None:
                    errors[key] = [problem]
            elif isinstance(value, list):
                problems = _list_problems(value, field)
                if problems is not None:
                    errors[key] = problems
        if self.unknown == RAISE and len(unknown) > _MAX_UNKNOWN_LISTED:
            shown = ", ".join(quoted(key) for key in unknown[:3])
            errors["_schema"] = [f"{len(unknown)} unknown fields, such as {shown}."]
        if errors:
            raise ValidationError(errors)
        return data

    def _fields_by_key(self) -> dict[str, fields.Field[Any]]:
        # A nested schema is one instance for every record it reads: build the map once.
        found: dict[str, fields.Field[Any]] | None = self.__dict__.get("_by_key")
        if found is None:
            found = {field.data_key or name: field for name, field in self.load_fields.items()}
            self.__dict__["_by_key"] = found
        return found

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


def _in_range(day: date) -> None:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(f"Must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}.")


class Date(fields.Date):
    """A date between ``EARLIEST_DATE`` and ``LATEST_DATE``: year 9999 would break every review-date sum."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> date:
        day: date = super()._deserialize(value, attr, data, **kwargs)
        _in_range(day)
        return day


class AwareDateTime(fields.AwareDateTime):
    """A date and time with its offset, on a day between ``EARLIEST_DATE`` and ``LATEST_DATE``."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> datetime:
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        _in_range(moment.date())
        return moment
