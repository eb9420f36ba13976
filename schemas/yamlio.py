"""Reading and writing YAML so that it goes through the same schemas as JSON.

PyYAML turns ``2025-04-01`` into a ``date`` and ``no`` into ``False``; JSON would give
strings. To keep one path for both, this loader resolves only JSON's scalar types
(strings, integers, floats, booleans spelt true/false, null), and records the line of
every value so an error can say where in the file it is.

Registry files are data, so the loader refuses what YAML offers beyond JSON before it builds
anything: anchors and aliases (a 405-byte "billion laughs" file would otherwise expand to
gigabytes when walked), tags such as ``!!python/object``, keys that are lists or mappings,
nesting deeper than ``MAX_DEPTH`` and numbers too long to be real. Each is a
``YamlSyntaxError`` with the line, never a traceback.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import AliasEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from schemas.limits import MAX_DEPTH, MAX_NUMBER_CHARS, FileSyntaxError, quoted

_STR = "tag:yaml.org,2002:str"
_NUMBERS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


class YamlSyntaxError(FileSyntaxError):
    """A file that is not well-formed YAML, or uses YAML a registry file may not, with the line of the fault."""


def _line(event: yaml.Event | Node) -> int:
    mark = event.start_mark
    return int(mark.line) + 1 if mark is not None else 0


class _JsonLikeResolver(yaml.resolver.Resolver):
    """Resolves only JSON's implicit scalar types, not YAML 1.1's (``no``, ``2025-04-01``, ``0x1F``)."""


_JsonLikeResolver.yaml_implicit_resolvers = {}
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
    _JsonLikeResolver.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


class _JsonLikeComposer(yaml.composer.Composer):
    """Composes only JSON-like data: each node is checked as its first event is met, before anything is built."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        """Compose one node, refusing aliases, anchors, tags, complex keys and deep nesting as they are met."""
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, AliasEvent):
            raise YamlSyntaxError("aliases (*name) are not allowed in a registry file", _line(event))
        if event.anchor is not None:
            raise YamlSyntaxError("anchors (&name) are not allowed in a registry file", _line(event))
        is_key = isinstance(parent, MappingNode) and index is None
        if is_key and not isinstance(event, ScalarEvent):
            raise YamlSyntaxError("a key must be plain text, not a list or a mapping", _line(event))
        tag = getattr(event, "tag", None)
        if tag is not None and not (tag in ("!!str", _STR) and isinstance(event, ScalarEvent)):
            raise YamlSyntaxError(f"the tag {quoted(tag)} is not allowed in a registry file", _line(event))
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise YamlSyntaxError(f"nested more than {MAX_DEPTH} levels deep", _line(event))
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        assert node is not None  # an event was peeked above, so a node was composed
        if isinstance(node, ScalarNode):
            if is_key:
                # JSON's keys are always strings: ``true:`` or ``1:`` is the key "true" or "1".
                node.tag = _STR
            elif node.tag in _NUMBERS and len(node.value) > MAX_NUMBER_CHARS:
                raise YamlSyntaxError(f"a number longer than {MAX_NUMBER_CHARS} characters", _line(node))
        return node


class _JsonLikeLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _JsonLikeComposer,
    yaml.constructor.SafeConstructor,
    _JsonLikeResolver,
):
    """The pure-Python loader: PyYAML's reader, scanner and parser with the checks above."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _JsonLikeComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _JsonLikeResolver.__init__(self)


def _fast_loader() -> type | None:
    """The same loader on libyaml's scanner and parser (several times faster); composing stays in Python."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        return None

    class _FastJsonLikeLoader(
        _JsonLikeComposer,
        CParser,
        yaml.constructor.SafeConstructor,
        _JsonLikeResolver,
    ):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _JsonLikeComposer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            _JsonLikeResolver.__init__(self)

    return _FastJsonLikeLoader


_Loader: type = _fast_loader() or _JsonLikeLoader


def _duplicate_key_check(node: yaml.Node) -> None:
    """Reject a mapping that repeats a key: YAML would silently keep the last one."""
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise YamlSyntaxError(f"key {quoted(key)} appears twice", key_node.start_mark.line + 1)
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
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        if "maximum nesting depth" in str(exc.problem):
            # libyaml reads ahead and meets its own limit (1,000) before the composer meets MAX_DEPTH.
            raise YamlSyntaxError(f"nested more than {MAX_DEPTH} levels deep", line) from exc
        raise YamlSyntaxError(f"not valid YAML: {exc.problem or exc}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"not valid YAML: {exc}", None) from exc
    if node is None:
        return None, {}
    # Safe to walk now: the node is a tree (no aliases), at most MAX_DEPTH deep.
    _duplicate_key_check(node)
    lines: dict[str, int] = {}
    _lines(node, "", lines)
    loader = _JsonLikeLoader("")
    try:
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(f"not valid YAML: {exc.problem or exc}", mark.line + 1 if mark else None) from exc
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        raise YamlSyntaxError(f"not valid YAML: {exc}", None) from exc
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
