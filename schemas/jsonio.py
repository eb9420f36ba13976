"""Reading JSON registry files with the same guarantees as YAML: lines for every value, no repeated keys.

The standard library's parser keeps the last of two equal keys, recurses once per level of
nesting and gives no positions. A linear pass over the tokens first records the line of every
path (``flows[2].purposes``), rejects a repeated key or nesting deeper than ``MAX_DEPTH`` with its
line, and only then is the text parsed. ``NaN``, ``Infinity`` and absurdly long numbers, which
JSON does not have or no field can hold, are refused too. Every problem is a ``JsonSyntaxError``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from schemas.limits import MAX_DEPTH, MAX_NUMBER_CHARS, FileSyntaxError, quoted


class JsonSyntaxError(FileSyntaxError):
    """A file that is not well-formed JSON, or holds what a registry file may not, with the line of the fault."""


# A string (escapes included), one punctuation character, or a run of anything else (numbers,
# literals, white space). A lone quote is an unterminated string: the parser reports it.
_TOKEN = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|[{}\[\]:,]|[^"{}\[\]:,]+|"')
_LONG_NUMBER = re.compile(rf"[-+0-9.eE]{{{MAX_NUMBER_CHARS + 1},}}")


@dataclass
class _Container:
    path: str
    is_object: bool
    index: int = 0
    keys: set[str] = field(default_factory=set)
    expecting_key: bool = True
    key: str | None = None

    def child(self) -> str:
        if self.is_object:
            return f"{self.path}.{self.key}" if self.path else str(self.key)
        return f"{self.path}[{self.index}]"


def _scan(text: str) -> dict[str, int]:
    """The line of every path; raise on a repeated key or deep nesting. Stops quietly at a syntax error."""
    lines: dict[str, int] = {}
    stack: list[_Container] = []
    line, position = 1, 0
    for match in _TOKEN.finditer(text):
        start = match.start()
        line += text.count("\n", position, start)
        position = start
        token = match.group()
        top = stack[-1] if stack else None
        if token in "{[":
            path = top.child() if top is not None else ""
            lines.setdefault(path, line)
            if len(stack) >= MAX_DEPTH:
                raise JsonSyntaxError(f"nested more than {MAX_DEPTH} levels deep", line)
            stack.append(_Container(path, token == "{"))
        elif token in "}]":
            if not stack:
                return lines
            stack.pop()
        elif token == ":":
            if top is not None:
                top.expecting_key = False
        elif token == ",":
            if top is not None:
                top.index += 1
                top.expecting_key = True
        elif token.startswith('"') and len(token) > 1:
            if top is not None and top.is_object and top.expecting_key:
                try:
                    key = json.loads(token)
                except ValueError:
                    return lines
                if key in top.keys:
                    raise JsonSyntaxError(f"key {quoted(key)} appears twice", line)
                top.keys.add(key)
                top.key = key
                lines[top.child()] = line
            elif top is not None and not top.is_object:
                lines[top.child()] = line
        elif token == '"':
            return lines
        elif token.strip():
            at = line + token[: len(token) - len(token.lstrip())].count("\n")
            if _LONG_NUMBER.search(token):
                raise JsonSyntaxError(f"a number longer than {MAX_NUMBER_CHARS} characters", at)
            if top is not None and not top.is_object:
                lines[top.child()] = at
    return lines


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {quoted(text)} is too large")
    return value


def load_json(text: str) -> tuple[Any, dict[str, int]]:
    """Parse JSON text into plain data and a map from path (``flows[2].purposes``) to line."""
    lines = _scan(text)
    try:
        data = json.loads(text, parse_constant=_constant, parse_float=_float)
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(f"not valid JSON: {exc.msg}", exc.lineno) from exc
    except RecursionError as exc:  # pragma: no cover - _scan refuses deep nesting first
        raise JsonSyntaxError(f"nested more than {MAX_DEPTH} levels deep", None) from exc
    except ValueError as exc:
        # NaN, Infinity or 1e999, refused by the hooks above; the parser gives no position for them.
        raise JsonSyntaxError(f"not valid JSON: {exc}", None) from exc
    return data, lines


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise ValueError("a key appears twice")
    return document


def _short_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError("a number too long")
    return int(text)


def _short_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError("a number too long")
    return _float(text)


def _within_depth(value: Any, room: int) -> bool:
    """True when ``value`` nests no more than ``room`` containers deep."""
    if isinstance(value, dict):
        return room > 0 and all(_within_depth(v, room - 1) for v in value.values())
    if isinstance(value, list):
        return room > 0 and all(_within_depth(v, room - 1) for v in value)
    return True


def load_json_document(text: str) -> Any:
    """Parse one JSON document (a request body) with ``load_json``'s guarantees, without the map of lines.

    A request body is parsed on every API call, and the token scan that finds lines costs more than the
    rest of a check. Here the standard library's C parser does the work, with hooks refusing a repeated
    key, ``NaN``/``Infinity`` and over-long numbers, and the nesting is measured on the result. Whatever
    it refuses is read again by ``load_json``, whose error names the line: one set of rules, one message.
    """
    try:
        data = json.loads(
            text,
            object_pairs_hook=_unique_object,
            parse_constant=_constant,
            parse_float=_short_float,
            parse_int=_short_int,
        )
        if _within_depth(data, MAX_DEPTH):
            return data
    except (ValueError, RecursionError):
        pass
    load_json(text)
    # load_json accepted what the hooks refused: they disagree, so refuse rather than guess.
    raise JsonSyntaxError("not valid JSON", None)  # pragma: no cover - a test holds the two readers equal
