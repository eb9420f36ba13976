"""HTTP details the API views share: pages of a list, entity tags and ``If-Match``."""

from __future__ import annotations

import json
import math

from flask import request
from marshmallow import Schema, fields, validate

from agreements.validation import Problem
from registry.services.errors import PreconditionRequiredError, StaleRevisionError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class PageQuerySchema(Schema):
    """``?page=&page_size=``: which page of a list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


def page_bounds(query: dict[str, int]) -> tuple[int, int]:
    """(offset, limit) for the page asked for."""
    return (query["page"] - 1) * query["page_size"], query["page_size"]


def pagination_header(query: dict[str, int], total: int) -> dict[str, str]:
    """The ``X-Pagination`` header (flask-smorest's layout): total, pages, this page, neighbours."""
    pages = max(1, math.ceil(total / query["page_size"]))
    page = query["page"]
    meta: dict[str, int] = {"total": total, "total_pages": pages, "first_page": 1, "last_page": pages, "page": page}
    if page > 1:
        meta["previous_page"] = min(page - 1, pages)
    if page < pages:
        meta["next_page"] = page + 1
    return {"X-Pagination": json.dumps(meta)}


def etag(value: str | int) -> str:
    """A strong entity tag, quoted."""
    return f'"{value}"'


def if_match_value() -> str:
    """The single entity tag in ``If-Match``; 428 when it is missing or ``*``."""
    if not request.headers.get("If-Match"):
        raise PreconditionRequiredError(
            "Send 'If-Match' with the ETag you read, so a change made since is not overwritten.",
            [Problem("If-Match", "missing")],
        )
    tags = request.if_match
    if tags.star_tag:
        raise PreconditionRequiredError(
            "'If-Match: *' would overwrite whatever is there: send the ETag you read.", [Problem("If-Match", "'*'")]
        )
    values = list(tags.as_set(include_weak=False))
    if len(values) != 1:
        raise StaleRevisionError("Send exactly one strong ETag in If-Match.", [Problem("If-Match", "not one ETag")])
    return values[0]


def if_match_revision() -> int:
    """The revision number in ``If-Match`` (an agreement's ETag is its revision); 412 if it is not one."""
    value = if_match_value()
    if not value.isdigit():
        raise StaleRevisionError(
            f"If-Match {value!r} is not a revision of this agreement.", [Problem("If-Match", "not a revision")]
        )
    return int(value)


def optional_if_match_revision() -> int | None:
    """The revision in ``If-Match`` when one is sent, else None."""
    return if_match_revision() if request.headers.get("If-Match") else None
