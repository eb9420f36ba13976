"""Fuzzing the YAML and JSON readers: whatever the text, the only error is the reader's own, quickly.

Random documents (nesting, sizes, any unicode including NUL and unpaired surrogates, huge and
non-finite numbers) and random YAML syntax (anchors, aliases, tags, complex keys, directives)
go through ``load_yaml``/``load_json`` and through ``parse_registry_text``, the path the CLI takes.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.files import RegistryFileError, parse_registry_text
from schemas.jsonio import load_json
from schemas.limits import FileSyntaxError
from schemas.yamlio import dump_yaml, load_yaml

# Time is bounded by construction, not asserted (tests never assert on wall-clock time): every generated input is
# small, and the readers refuse aliases, deep nesting and huge numbers before walking anything.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FIELD_NAMES = ["id", "name", "type", "public_authority", "agreements", "organisations", "flows", "review_due", "x"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["9999-12-31", "2025-04-01", "0001-01-01", "police-force", "", "\x00", "\ud800"]),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=12))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(keys, inner, max_size=6)),
    max_leaves=40,
)

YAML_PIECES = [
    "&a ",
    "*a",
    "*b",
    "!!python/object/apply:os.system ",
    "!!binary ",
    "!!int ",
    "!!str ",
    "!local ",
    "? ",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "\n",
    "  ",
    "'",
    '"',
    "\\0",
    "\\ud800",
    "organisations",
    "id",
    "9" * 40,
    "1e999",
    "~",
    "true",
    "\t",
    "# c\n",
    "|\n",
    ">-\n",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "<<: ",
    "\x00",
    "\ufeff",
]
yaml_texts = st.lists(st.one_of(st.sampled_from(YAML_PIECES), st.text(max_size=4)), max_size=60).map("".join)
JSON_PIECES = ['{"a": ', '"a"', "[", "]", "{", "}", ",", ":", "NaN", "Infinity", "-1e999", "9" * 40, '"\\u0000"']
json_texts = st.lists(st.one_of(st.sampled_from(JSON_PIECES), st.text(max_size=4)), max_size=60).map("".join)


def _nested(depth: int, opening: str, closing: str, middle: str = "1") -> str:
    return opening * depth + middle + closing * depth


def _read_yaml(text: str) -> None:
    # Any other exception fails the test.
    with contextlib.suppress(FileSyntaxError):
        load_yaml(text)


def _read_json(text: str) -> None:
    with contextlib.suppress(FileSyntaxError):
        load_json(text)


def _parse(text: str, fmt: Any) -> None:
    try:
        parse_registry_text(text, "fuzz", fmt)
    except RegistryFileError as exc:
        for problem in exc.problems:
            # Every problem is short: nothing quotes megabytes of input back.
            assert len(str(problem)) < 2_000


@FUZZ
@given(yaml_texts)
def test_any_yaml_syntax_gives_the_readers_error_or_data(text: str) -> None:
    _read_yaml(text)
    _parse(text, "yaml")


@FUZZ
@given(json_texts)
def test_any_json_syntax_gives_the_readers_error_or_data(text: str) -> None:
    _read_json(text)
    _parse(text, "json")


@FUZZ
@given(documents)
def test_any_document_as_json_or_yaml_is_read_or_refused(document: Any) -> None:
    as_json = json.dumps(document, indent=1)
    _read_json(as_json)
    _parse(as_json, "json")
    try:
        as_yaml = dump_yaml(document)
    except UnicodeEncodeError:  # pragma: no cover - the dumper cannot write some surrogates
        return
    _read_yaml(as_yaml)
    _parse(as_yaml, "yaml")


@FUZZ
@given(
    st.sampled_from(["organisations", "agreements", "agreement_history"]),
    st.lists(st.dictionaries(keys, documents, max_size=8), max_size=3),
)
def test_random_records_reach_the_schemas_and_give_only_file_problems(top: str, records: list[Any]) -> None:
    text = json.dumps({top: records}, indent=1)
    _parse(text, "json")


@FUZZ
@given(st.integers(min_value=0, max_value=3_000), st.sampled_from(["[", "{"]))
def test_any_nesting_depth_is_read_or_refused(depth: int, opening: str) -> None:
    if opening == "[":
        json_text, yaml_text = _nested(depth, "[", "]"), _nested(depth, "[", "]")
    else:
        json_text = _nested(depth, '{"a": ', "}")
        # Block style: indentation grows with depth, so keep the text small.
        block = min(depth, 200)
        yaml_text = "".join("  " * level + "a:\n" for level in range(block)) + "  " * block + "1\n"
    _read_json(json_text)
    _read_yaml(yaml_text)
    _parse(json_text, "json")
    _parse(yaml_text, "yaml")
