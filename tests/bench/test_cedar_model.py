"""The Cedar baseline encodes the same permission part as the casbin one: they agree, and both are right on cases.

No timings are asserted here: the figures are what ``make bench`` prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from itertools import islice

import pytest

from agreements.question import ShareQuestion
from agreements.snapshot import RegistrySnapshot
from bench.casbin_model import CasbinShareModel, agreements_in_force, build_enforcer
from bench.cedar_model import (
    CedarShareModel,
    build_cedar,
    cedar_request,
    estimate_policies,
    flow_policies,
    policy_text,
)
from bench.generator import AS_OF, SyntheticRegistry, endpoint_parties, generate_questions, generate_registry


@pytest.fixture(scope="module")
def registry() -> SyntheticRegistry:
    return generate_registry(40, seed=11)


@pytest.fixture(scope="module")
def snapshot(registry: SyntheticRegistry) -> RegistrySnapshot:
    return RegistrySnapshot(registry.vocabulary, registry.organisations, registry.revisions)


@pytest.fixture(scope="module")
def casbin(snapshot: RegistrySnapshot) -> CasbinShareModel:
    return build_enforcer(snapshot, AS_OF)


@pytest.fixture(scope="module")
def cedar(snapshot: RegistrySnapshot) -> CedarShareModel:
    return build_cedar(snapshot, AS_OF)


def _subject_types(question: ShareQuestion) -> set[str]:
    # Through cedar_request, the one place the question's shape is read.
    return {request["context"]["subject"] for request in cedar_request(question, AS_OF)}


def _along_flows(snapshot: RegistrySnapshot, questions: list[ShareQuestion]) -> Iterator[ShareQuestion]:
    """Questions re-aimed along a flow in force: signed parties at each end, a permitted purpose and subject."""
    organisations = snapshot.organisations
    templates = [(_subject_types(q), q) for q in questions]
    for agreement in agreements_in_force(snapshot, AS_OF):
        signed = {p.organisation_id for p in agreement.parties if p.signed_on_or_before(AS_OF)}
        for flow in agreement.flows:
            sources = [o for o in endpoint_parties(flow.source, agreement, organisations) if o in signed]
            recipients = [o for o in endpoint_parties(flow.recipient, agreement, organisations) if o in signed]
            purposes = [p for p in flow.purposes if p not in agreement.restrictions.prohibited_purposes]
            template = next((q for types, q in templates if types <= set(flow.data_subjects)), None)
            if not (sources and recipients and purposes and template):
                continue
            yield replace(
                template,
                discloser=sources[0],
                recipient=recipients[-1],
                recipient_type=None,
                purpose=purposes[0],
                data_categories=flow.data_categories,
            )


def _on_no_flow(snapshot: RegistrySnapshot) -> str:
    """A data category that no flow in force names, nor any category above it."""
    vocabulary = snapshot.vocabulary
    named = {c for a in agreements_in_force(snapshot, AS_OF) for f in a.flows for c in f.data_categories}

    def covered(category: str | None) -> bool:
        while category is not None:
            if category in named:
                return True
            category = vocabulary.data_categories[category].parent
        return False

    return next(c for c in sorted(vocabulary.data_categories) if not covered(c))


def test_cedar_has_one_policy_per_flow_in_force(snapshot: RegistrySnapshot, cedar: CedarShareModel) -> None:
    flows = estimate_policies(snapshot, AS_OF)
    # A flow whose every purpose its agreement prohibits permits nothing and has no policy.
    assert 0.9 * flows <= cedar.policy_count <= flows
    assert cedar.entity_count == len(snapshot.organisations) + len(list(agreements_in_force(snapshot, AS_OF))) + len(
        snapshot.vocabulary.data_categories
    )


def test_cedar_and_casbin_agree_on_the_permission_part(
    registry: SyntheticRegistry, casbin: CasbinShareModel, cedar: CedarShareModel
) -> None:
    questions = generate_questions(registry, 300, seed=9)
    # The wrong direction, for every share to a registered organisation: a near miss both must judge alike.
    reversed_ = [replace(q, discloser=q.recipient, recipient=q.discloser) for q in questions if q.recipient is not None]
    answers = [(casbin.allows(q), cedar.allows(q)) for q in questions + reversed_]
    disagreements = [q for q, (a, b) in zip(questions + reversed_, answers, strict=True) if a != b]
    assert disagreements == []
    allowed = sum(a for a, _ in answers)
    assert 0.2 * len(answers) < allowed < 0.9 * len(answers), "both yes and no answers are compared"


def test_a_share_along_a_flow_is_permitted_and_an_extra_category_is_not(
    registry: SyntheticRegistry, snapshot: RegistrySnapshot, casbin: CasbinShareModel, cedar: CedarShareModel
) -> None:
    along = list(islice(_along_flows(snapshot, generate_questions(registry, 100, seed=3)), 80))
    assert len(along) == 80
    extra = _on_no_flow(snapshot)
    for question in along:
        assert cedar.allows(question), question
        assert casbin.allows(question), question
        widened = replace(question, data_categories=(*question.data_categories, extra))
        assert not cedar.allows(widened), widened
        assert not casbin.allows(widened), widened


def test_a_category_below_a_flow_category_is_permitted(
    registry: SyntheticRegistry, snapshot: RegistrySnapshot, cedar: CedarShareModel
) -> None:
    vocabulary = snapshot.vocabulary
    # Only children a flow naming the parent carries: restricted records are never inherited.
    children = {
        c.parent: c.id
        for c in vocabulary.data_categories.values()
        if c.parent is not None and c.id in vocabulary.covered_by(c.parent)
    }
    found = 0
    for question in _along_flows(snapshot, generate_questions(registry, 100, seed=3)):
        parents = [c for c in question.data_categories if c in children]
        if parents:
            found += 1
            assert cedar.allows(replace(question, data_categories=(children[parents[0]],)))
    assert found > 0


def test_a_question_for_another_day_is_refused(registry: SyntheticRegistry, cedar: CedarShareModel) -> None:
    question = generate_questions(registry, 1, seed=3)[0]
    with pytest.raises(ValueError, match="permission set is for 2026-06-01"):
        cedar.allows(replace(question, as_of=AS_OF.replace(year=2027)))


def test_the_policies_read_as_cedar(snapshot: RegistrySnapshot) -> None:
    policies = flow_policies(snapshot, AS_OF)
    first = next(iter(policies))
    text = policy_text({first: policies[first]})
    assert text.startswith(f'@id("{first}")\npermit(principal in Agreement::')
    assert "context.purpose" in text and "context.category" in text
