"""The vocabulary's hierarchy rule, on a small vocabulary built here so each case is visible."""

import pytest

from agreements.vocabulary import DataCategory, Vocabulary
from schemas.vocabulary import VocabularyFileError, parse_vocabulary


def _vocabulary(*categories: DataCategory) -> Vocabulary:
    return Vocabulary.build(version="test", data_categories=categories)


HEALTH = _vocabulary(
    DataCategory("health", "Health", "d", special_category=True),
    DataCategory("mental-health", "Mental health", "d", parent="health"),
    DataCategory("crisis-plan", "Crisis plan", "d", parent="mental-health"),
    DataCategory("identity", "Identity", "d"),
    DataCategory("criminal-offence-data", "Criminal", "d", criminal_offence=True),
    DataCategory("criminal-allegations", "Allegations", "d", parent="criminal-offence-data"),
)


def test_a_parent_permits_its_children_and_grandchildren():
    assert HEALTH.permits("health", "mental-health")
    assert HEALTH.permits("health", "crisis-plan")
    assert HEALTH.permits("mental-health", "mental-health")


def test_a_child_never_permits_its_parent_or_a_sibling():
    assert not HEALTH.permits("mental-health", "health")
    assert not HEALTH.permits("crisis-plan", "mental-health")
    assert not HEALTH.permits("identity", "health")


def test_flags_are_inherited_down_the_hierarchy():
    assert HEALTH.is_special_category("crisis-plan")
    assert not HEALTH.is_special_category("identity")
    assert HEALTH.is_criminal_offence("criminal-allegations")
    assert not HEALTH.is_criminal_offence("mental-health")


def test_descendants_include_the_category_itself():
    assert HEALTH.descendants_of("health") == {"health", "mental-health", "crisis-plan"}
    assert HEALTH.descendants_of("identity") == {"identity"}


def test_a_cycle_in_the_hierarchy_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        _vocabulary(DataCategory("a", "A", "d", parent="b"), DataCategory("b", "B", "d", parent="a"))


MINIMAL = """\
version: "t"
data_categories:
  - {id: health, label: Health, description: d, special_category: true}
  - {id: mental-health, label: MH, description: d, parent: helth}
purposes:
  - {id: triage, label: T, description: d, gateways: [ca1989-s47]}
  - {id: triage, label: T again, description: d}
organisation_types: []
data_subject_types: []
art6_bases: []
art9_conditions: []
schedule1_conditions: []
art10_routes: []
statutory_gateways: []
"""


def test_a_bad_vocabulary_file_names_every_problem_with_its_line():
    with pytest.raises(VocabularyFileError) as caught:
        parse_vocabulary(MINIMAL, "vocab.yaml")
    message = str(caught.value)
    assert "vocab.yaml:4: data_categories[1].parent: unknown data category 'helth'" in message
    assert "vocab.yaml:7: purposes[1].id: duplicate id 'triage'" in message
    assert "vocab.yaml:6: purposes[0].gateways[0]: unknown statutory gateway 'ca1989-s47'" in message
