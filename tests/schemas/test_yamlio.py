"""The YAML reader keeps JSON's scalar types and knows the line of every value."""

from pathlib import Path

import pytest

from schemas import yamlio
from schemas.yamlio import YamlSyntaxError, dump_yaml, line_for, load_yaml


def test_dates_and_yes_no_stay_strings_so_yaml_and_json_take_one_path():
    data, _ = load_yaml("effective_from: 2025-04-01\ncountry: NO\nanswer: yes\nversion: 3.1\ncount: 12\nok: true\n")
    assert data == {
        "effective_from": "2025-04-01",
        "country": "NO",
        "answer": "yes",
        "version": 3.1,
        "count": 12,
        "ok": True,
    }


def test_every_path_has_its_line():
    text = (
        "agreements:\n  - id: A\n    flows:\n      - id: F1\n"
        "        data_categories:\n          - health\n          - x\n"
    )
    _, lines = load_yaml(text)
    assert lines["agreements[0].flows[0].data_categories[1]"] == 7
    assert lines["agreements[0].flows[0].id"] == 4


def test_line_for_falls_back_to_the_nearest_enclosing_value():
    _, lines = load_yaml("agreements:\n  - id: A\n    flows: []\n")
    # A required field that is missing has no line of its own: point at its parent.
    assert line_for("agreements[0].title", lines) == 2
    assert line_for("agreements[0].flows[3].id", lines) == 3


def test_a_repeated_key_is_an_error_not_a_silent_overwrite():
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml("id: A\ntitle: one\ntitle: two\n")
    assert caught.value.line == 3
    assert "'title' appears twice" in str(caught.value)


def test_a_syntax_error_names_its_line():
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml("id: A\nflows: [\n  - x\n")
    assert caught.value.line is not None


def test_dump_then_load_is_identity_for_schema_output():
    data = {"id": "A", "version": "3.1", "effective_from": "2025-04-01", "note": "two\nlines", "flags": [True, False]}
    loaded, _ = load_yaml(dump_yaml(data))
    assert loaded == data


HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"


@pytest.mark.parametrize("loader", [yamlio._JsonLikeLoader, yamlio._Loader], ids=["python", "libyaml"])
@pytest.mark.parametrize(
    "name",
    ["billion_laughs.yaml", "python_tag.yaml", "complex_key.yaml", "deep_nesting.yaml", "far_future_review.yaml"],
)
def test_the_python_and_libyaml_readers_give_the_same_answer(
    monkeypatch: pytest.MonkeyPatch, loader: type, name: str
) -> None:
    text = (HOSTILE / name).read_text(encoding="utf-8")
    monkeypatch.setattr(yamlio, "_Loader", loader)
    try:
        outcome: object = load_yaml(text)
    except YamlSyntaxError as error:
        outcome = (str(error), error.line)
    monkeypatch.setattr(yamlio, "_Loader", yamlio._JsonLikeLoader)
    try:
        expected: object = load_yaml(text)
    except YamlSyntaxError as error:
        expected = (str(error), error.line)
    assert outcome == expected


def test_a_number_too_long_to_be_real_is_refused_with_its_line():
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml("a: 1\nb: " + "9" * 5000 + "\n")
    assert (str(caught.value), caught.value.line) == ("a number longer than 30 characters", 2)


def test_keys_are_always_text_as_in_json():
    data, lines = load_yaml("true: 1\n2: x\nnull: y\n")
    assert data == {"true": 1, "2": "x", "null": "y"}
    assert lines["2"] == 2


def test_a_merge_key_is_just_an_unknown_key():
    data, _ = load_yaml("a:\n  <<: {b: 1}\n")
    assert data == {"a": {"<<": {"b": 1}}}
