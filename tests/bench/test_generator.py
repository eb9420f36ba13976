"""The benchmark's synthetic registry: deterministic, valid, realistic, and casbin agrees with the checker.

No timings are asserted here: the figures are what ``make bench`` prints.
"""

from __future__ import annotations

from collections import Counter

import pytest

from agreements.answer import Code, Decision
from agreements.checker import check_share
from agreements.snapshot import RegistrySnapshot
from agreements.validation import validate_agreement, validate_organisation
from bench.casbin_model import build_enforcer, estimate_policy_lines
from bench.generator import AS_OF, SyntheticRegistry, generate_questions, generate_registry, in_force_on

# Failures that mean "this agreement does not permit this share at all" (what casbin encodes);
# every other failure is a legal check casbin knows nothing about.
PERMISSION_FAILURES = frozenset(
    {
        Code.AGREEMENT_NOT_YET_IN_FORCE,
        Code.PURPOSE_PROHIBITED,
        Code.AGREEMENT_NOT_ACTIVE,
        Code.AGREEMENT_EXPIRED,
        Code.AGREEMENT_REVIEW_LAPSED,
        Code.DISCLOSER_NOT_PARTY,
        Code.DISCLOSER_NOT_SIGNED,
        Code.RECIPIENT_NOT_PARTY,
        Code.RECIPIENT_NOT_SIGNED,
        Code.FLOW_NOT_FOUND,
        Code.FLOW_PURPOSE_MISMATCH,
        Code.FLOW_DATA_SUBJECT_MISMATCH,
        Code.FLOW_CATEGORY_EXCEEDS,
    }
)


@pytest.fixture(scope="module")
def registry() -> SyntheticRegistry:
    return generate_registry(60, seed=11)


@pytest.fixture(scope="module")
def snapshot(registry: SyntheticRegistry) -> RegistrySnapshot:
    return RegistrySnapshot(registry.vocabulary, registry.organisations, registry.revisions)


def test_the_generator_is_deterministic_for_a_seed() -> None:
    first, again = generate_registry(25, seed=3), generate_registry(25, seed=3)
    assert first.organisations == again.organisations
    assert first.revisions == again.revisions
    assert generate_questions(first, 200, seed=5) == generate_questions(again, 200, seed=5)
    assert generate_registry(25, seed=4).revisions != first.revisions
    assert generate_questions(first, 200, seed=6) != generate_questions(first, 200, seed=5)


def test_it_makes_n_agreements_for_n_over_5_areas(registry: SyntheticRegistry) -> None:
    assert len(registry.latest()) == 60
    assert len(registry.areas) == 12
    assert all(len(area.agreements) == 5 for area in registry.areas)
    assert len({o.id for o in registry.organisations}) == len(registry.organisations)
    assert len(generate_registry(7).latest()) == 7


def test_every_agreement_and_organisation_is_valid(registry: SyntheticRegistry) -> None:
    known = {o.id for o in registry.organisations}
    for organisation in registry.organisations:
        assert validate_organisation(organisation, registry.vocabulary) == []
    for revision in registry.revisions:
        assert validate_agreement(revision.agreement, registry.vocabulary, known) == [], revision.agreement.id


def test_agreements_look_like_real_ones(registry: SyntheticRegistry) -> None:
    vocabulary = registry.vocabulary
    latest = registry.latest().values()
    for agreement in latest:
        assert 6 <= len(agreement.parties) <= 16, agreement.id
        assert 8 <= len(agreement.flows) <= 15, agreement.id
        assert agreement.lawful_bases.art6 and agreement.lawful_bases.art9 and agreement.lawful_bases.art10
    categories = {c for a in latest for f in a.flows for c in f.data_categories}
    assert any(vocabulary.is_special_category(c) for c in categories)
    assert any(vocabulary.is_criminal_offence(c) for c in categories)
    kinds = Counter(a.kind.value for a in latest)
    assert {"mash", "marac", "mappa", "protocol"} <= set(kinds)
    assert any(p.apd_reference for a in latest for p in a.parties)
    in_force = [a for a in latest if in_force_on(a, AS_OF)]
    assert len(latest) / 2 < len(in_force) < len(latest), "most, but not all, agreements are in force"
    # Each area has 13-18 organisations of its own, plus the police force, ICB, fire service and regional bodies.
    assert all(20 <= len(area.organisations) <= 25 for area in registry.areas)


def test_questions_are_valid_and_give_every_decision(registry: SyntheticRegistry, snapshot: RegistrySnapshot) -> None:
    decisions = Counter(check_share(q, snapshot).decision for q in generate_questions(registry, 300))
    assert set(decisions) == set(Decision)
    assert decisions[Decision.COVERED] >= 60


def test_casbin_and_the_checker_agree_on_the_permission_part(
    registry: SyntheticRegistry, snapshot: RegistrySnapshot
) -> None:
    baseline = build_enforcer(snapshot, AS_OF)
    assert baseline.policy_lines <= estimate_policy_lines(snapshot, AS_OF)
    compared = single = 0
    for question in generate_questions(registry, 400, seed=9):
        answer = check_share(question, snapshot)
        allowed = baseline.allows(question)
        compared += 1
        # Casbin denies: no flow in force permits every category, so no agreement can cover (a statutory duty
        # to share, such as the police's duty to notify schools, covers with no agreement at all).
        by_agreement = answer.decision is Decision.COVERED and "FLOW_MATCHED" in {r.code for r in answer.reasons}
        if not allowed:
            assert not by_agreement, question
        if by_agreement:
            assert allowed, question
        # With one category, the permission parts are the same question: casbin allows exactly when
        # some agreement's only failures (if any) are legal ones.
        if len(question.data_categories) == 1:
            single += 1
            permitted = any(not any(r.code in PERMISSION_FAILURES for r in e.failures) for e in answer.evaluations)
            assert allowed == permitted, question
    assert compared == 400 and single > 100
