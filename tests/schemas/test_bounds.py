"""Bounds every schema shares: NUL and unpaired surrogates, text and list lengths, dates, field-name floods.

Checked once, in ``DomainSchema``, before any field is read; each error names the field and quotes
nothing back at length. The share question shows it outside registry files.
"""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import ValidationError

from schemas.agreement import OrganisationSchema
from schemas.base import flatten_errors
from schemas.limits import MAX_LONG_TEXT
from schemas.question import MAX_CATEGORIES, ShareQuestionSchema

QUESTION: dict[str, Any] = {
    "discloser": "northshire-police",
    "recipient": "northshire-childrens-services",
    "subject": {"type": "child", "age": 9},
    "consent": "not_sought",
    "data_categories": ["police-intelligence"],
    "purpose": "mash-triage",
    "as_of": "2026-06-01",
}
ORGANISATION: dict[str, Any] = {"id": "o", "name": "O", "type": "police-force", "public_authority": True}


def _problems(schema: Any, data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        schema.load(data)
    return flatten_errors(caught.value.messages)


def test_the_question_fixture_is_valid() -> None:
    assert ShareQuestionSchema().load(QUESTION).purpose == "mash-triage"


def test_200000_categories_give_one_short_error_naming_the_field() -> None:
    problems = _problems(ShareQuestionSchema(), {**QUESTION, "data_categories": ["x" * 30] * 200_000})

    assert problems == [("data_categories", f"Give at most {MAX_CATEGORIES} entries (this list has 200000).")]


@pytest.mark.parametrize("text", ["mash\x00triage", "mash\ud800"])
def test_a_nul_or_a_lone_surrogate_is_refused_in_any_text(text: str) -> None:
    problems = _problems(ShareQuestionSchema(), {**QUESTION, "purpose": text})

    assert [path for path, _ in problems] == ["purpose"]


def test_a_nul_in_each_of_several_records_is_named_by_its_path() -> None:
    question = {key: value for key, value in QUESTION.items() if key not in ("subject", "consent")}
    people = [{"type": "chi\x00ld", "age": 9}, {"type": "adult", "age": 40, "data_categories": ["a", "b\x00"]}]

    problems = _problems(ShareQuestionSchema(), {**question, "people": people})

    assert sorted(path for path, _ in problems) == ["people[0].type", "people[1].data_categories[1]"]


@pytest.mark.parametrize("day", ["9999-12-31", "1899-12-31", "2201-01-01"])
def test_a_question_date_out_of_range_is_refused(day: str) -> None:
    problems = _problems(ShareQuestionSchema(), {**QUESTION, "as_of": day})

    assert problems == [("as_of", "Must be between 1900-01-01 and 2200-12-31.")]


def test_the_edges_of_the_date_range_are_accepted() -> None:
    for day in ("1900-01-01", "2200-12-31"):
        assert ShareQuestionSchema().load({**QUESTION, "as_of": day}).as_of.isoformat() == day


def test_long_text_is_refused_with_its_length_not_its_content() -> None:
    problems = _problems(OrganisationSchema(), {**ORGANISATION, "address": "a" * (MAX_LONG_TEXT + 1)})

    assert problems == [("address", f"Longer than {MAX_LONG_TEXT} characters ({MAX_LONG_TEXT + 1}).")]


def test_text_at_the_limit_is_accepted() -> None:
    assert OrganisationSchema().load({**ORGANISATION, "address": "a" * MAX_LONG_TEXT}).address is not None


def test_a_few_unknown_fields_are_each_named() -> None:
    problems = _problems(OrganisationSchema(), {**ORGANISATION, "colour": "blue", "size": 3})

    assert sorted(problems) == [("colour", "Unknown field."), ("size", "Unknown field.")]
