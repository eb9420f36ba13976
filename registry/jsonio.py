"""JSON in and out of the app through orjson: the answer to a check is several kilobytes, written on every check.

Keys stay sorted (as Flask's default provider sorts them); dates, datetimes and dataclasses go through
Flask's own conversion, so responses mean exactly what they did with the standard library.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider with orjson doing the work."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialise ``obj``; anything orjson does not know goes to Flask's default conversion."""
        if kwargs:
            # Someone asked for an option orjson does not have (indent, say): the standard library has it.
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode("utf-8")

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON text; malformed text raises ``ValueError`` (a ``json.JSONDecodeError``) as before."""
        if kwargs:
            return super().loads(s, **kwargs)
        return orjson.loads(s)
