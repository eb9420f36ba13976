"""The request-body reader refuses exactly what the registry-file reader refuses, and reads the rest the same."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.jsonio import JsonSyntaxError, load_json, load_json_document
from schemas.limits import MAX_DEPTH, MAX_NUMBER_CHARS


def _outcome(reader: Any, text: str) -> tuple[str, Any]:
    try:
        result = reader(text)
    except JsonSyntaxError as exc:
        return "refused", str(exc)
    return "read", result[0] if reader is load_json else result


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=20,
)


@settings(max_examples=300)
@given(json_values)
def test_well_formed_documents_read_the_same(value: Any) -> None:
    text = json.dumps(value)
    assert _outcome(load_json_document, text) == _outcome(load_json, text)


# Fragments a hostile or careless client might send, spliced together by hypothesis.
_FRAGMENTS = [
    '{"a": 1',
    ', "a": 2',
    "}",
    "[",
    "]",
    "NaN",
    "Infinity",
    "-Infinity",
    "1" * (MAX_NUMBER_CHARS + 1),
    "1e999",
    '"x"',
    ":",
    ",",
    "null",
    " ",
    "\n",
    '{"b": {"b": 1}}',
    "1.5",
    "-0",
    '"\\ud800"',
    "{}",
]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=12).map("".join))
def test_spliced_fragments_are_read_or_refused_alike(text: str) -> None:
    fast, full = _outcome(load_json_document, text), _outcome(load_json, text)
    assert fast[0] == full[0], (text, fast, full)
    if fast[0] == "read":
        assert fast[1] == full[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"purpose": "a",\n "purpose": "b"}', "line 2"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), f"more than {MAX_DEPTH} levels"),
        ("[" * 5000 + "]" * 5000, f"more than {MAX_DEPTH} levels"),
        ('{"n": ' + "9" * (MAX_NUMBER_CHARS + 1) + "}", "longer than"),
        ('{"n": NaN}', "not a JSON number"),
        ('{"n": 1e999}', "too large"),
        ('{"n": 1', "not valid JSON"),
    ],
)
def test_what_is_refused_is_named_as_the_file_reader_names_it(text: str, message: str) -> None:
    with pytest.raises(JsonSyntaxError) as refused:
        load_json_document(text)
    shown = f"line {refused.value.line}: {refused.value}" if refused.value.line else str(refused.value)
    assert message in shown


def test_depth_at_the_limit_is_read() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert load_json_document(text) == load_json(text)[0]
