"""Reading and writing YAML so that it goes through the same schemas as JSON.

PyYAML turns ``2025-04-01`` into a ``date`` and ``no`` into ``False``; JSON would give
strings. To keep one path for both, this loader resolves only JSON's scalar types
(strings, integers, floats, booleans spelt true/false, null), and records the line of
every value so an error can say where in the file it is.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class _JsonLikeLoader(yaml.SafeLoader):
    """A SafeLoader whose implicit scalar types are JSON's, not YAML 1.1's."""


_JsonLikeLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN\x00"),
):
    _JsonLikeLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


class YamlSyntaxError(ValueError):
    """A file that is not well-formed YAML, with the line of the fault."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def _duplicate_key_check(node: yaml.Node) -> None:
    """Reject a mapping that repeats a key: YAML would silently keep the last one."""
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise YamlSyntaxError(f"key {key!r} appears twice", key_node.start_mark.line + 1)
            seen.add(key)
            _duplicate_key_check(value_node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _duplicate_key_check(item)


def _lines(node: yaml.Node, path: str, out: dict[str, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = f"{path}.{key_node.value}" if path else str(key_node.value)
            out[child] = key_node.start_mark.line + 1
            _lines(value_node, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, f"{path}[{index}]", out)


def load_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML text into plain data and a map from path (``flows[2].purposes``) to line."""
    try:
        node = yaml.compose(text, Loader=_JsonLikeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlSyntaxError(f"not valid YAML: {exc.problem or exc}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"not valid YAML: {exc}", None) from exc
    if node is None:
        return None, {}
    _duplicate_key_check(node)
    lines: dict[str, int] = {}
    _lines(node, "", lines)
    loader = _JsonLikeLoader("")
    try:
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    return data, lines


def line_for(path: str, lines: dict[str, int]) -> int | None:
    """The line of the nearest enclosing value that the file actually has."""
    candidate = path
    while candidate:
        if candidate in lines:
            return lines[candidate]
        candidate = _parent_path(candidate)
    return lines.get("")


def _parent_path(path: str) -> str:
    for index in range(len(path) - 1, -1, -1):
        if path[index] in ".[":
            return path[:index]
    return ""


class _BlockDumper(yaml.SafeDumper):
    """Dumps lists indented under their key, the way people write agreement files."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """Serialise plain data (as produced by a schema's ``dump``) to readable YAML."""
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)
