"""The compiled index (bit masks, caches) agrees with the readable meaning on the model, on random registries.

"In force", "this flow's end admits this organisation", "the bases for this flow" and "the categories a
flow carries" are each written once on the model (``Agreement``, ``Flow``, ``Endpoint``, ``Vocabulary``);
the index is a speed-up behind them. Random registries come from the benchmark's generator (areas of
organisations with MASH-, MARAC- and MAPPA-like agreements, some expired, lapsed or suspended).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.checker.facts import derive_facts
from agreements.checker.rules import screen
from agreements.model import Agreement, Flow
from agreements.question import ShareQuestion
from agreements.snapshot import RegistrySnapshot
from bench.generator import AS_OF, generate_questions, generate_registry

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def random_registry(seed: int) -> tuple[RegistrySnapshot, tuple[ShareQuestion, ...]]:
    """A small generated registry and questions about it (cached: generating is the slow part)."""
    registry = generate_registry(15, seed=seed)
    snapshot = RegistrySnapshot(registry.vocabulary, registry.organisations, registry.revisions)
    return snapshot, tuple(generate_questions(registry, 60, seed=seed + 1))


def readable_matches(flow: Flow, agreement: Agreement, question: ShareQuestion, snapshot: RegistrySnapshot) -> bool:
    """The plain-words test of whether a flow carries this share, written from the model's own methods."""
    organisations = snapshot.organisations
    discloser_type = organisations[question.discloser].type
    recipient_type = organisations[question.recipient].type if question.recipient else question.recipient_type
    recipient_is_party = question.recipient is not None and agreement.party(question.recipient) is not None
    vocabulary = snapshot.vocabulary
    return (
        flow.sends_from(question.discloser, discloser_type, True)
        and flow.sends_to(question.recipient, recipient_type, recipient_is_party)
        and question.purpose in flow.purposes
        and question.subject_types() <= set(flow.data_subjects)
        and all(any(vocabulary.permits(p, c) for p in flow.data_categories) for c in question.data_categories)
    )


@SETTINGS
@given(seed=st.integers(0, 5), index=st.integers(0, 59))
def test_the_index_finds_exactly_the_flows_the_readable_rules_do(seed: int, index: int) -> None:
    snapshot, questions = random_registry(seed)
    question = questions[index]
    facts = derive_facts(question, snapshot)
    for agreement_id in snapshot.agreements_with_party(question.discloser):
        screened = screen(agreement_id, facts, snapshot, None)
        agreement = screened.revision.agreement
        compiled = screened.compiled.flows
        by_mask = {flow.id for i, flow in enumerate(compiled) if screened.matching >> i & 1}
        by_reading = {flow.id for flow in agreement.flows if readable_matches(flow, agreement, question, snapshot)}
        assert by_mask == by_reading, (agreement_id, question)


@SETTINGS
@given(seed=st.integers(0, 5), days=st.integers(-800, 800), grace=st.integers(0, 6))
def test_in_force_is_one_meaning(seed: int, days: int, grace: int) -> None:
    snapshot, _ = random_registry(seed)
    day = AS_OF + timedelta(days=days)
    for agreement_id in sorted(snapshot.histories)[:10]:
        compiled, in_force = snapshot.compiled_on(agreement_id, day)
        agreement = compiled.revision.agreement
        assert compiled.active_until(grace) == agreement.last_day_in_force(grace)
        last = agreement.last_day_in_force(grace)
        readable = (
            in_force
            and last is not None
            and agreement.effective_from is not None
            and agreement.effective_from <= day <= last
        )
        assert agreement.in_force_on(day, grace) == readable


@SETTINGS
@given(seed=st.integers(0, 5), index=st.integers(0, 59))
def test_the_bases_the_index_gives_are_the_models(seed: int, index: int) -> None:
    snapshot, questions = random_registry(seed)
    question = questions[index]
    for agreement_id in snapshot.agreements_with_party(question.discloser):
        compiled, _ = snapshot.compiled_on(agreement_id, question.as_of)
        agreement = compiled.revision.agreement
        for flow in agreement.flows:
            for article in ("art6", "art9", "art10"):
                assert compiled.bases(flow, article, question.purpose, question.discloser) == agreement.bases_for(
                    flow, article, question.purpose, question.discloser
                )


def test_date_arithmetic_is_total() -> None:
    from agreements.model import add_months

    assert add_months(date(9999, 12, 31), 3) == date.max
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(1, 1, 1), -1) == date.min


def test_the_random_registries_exercise_matching_flows() -> None:
    """The properties above are not vacuous: questions along flows do match some."""
    matched = 0
    for seed in range(3):
        snapshot, questions = random_registry(seed)
        for question in questions:
            facts = derive_facts(question, snapshot)
            matched += sum(
                bool(screen(a, facts, snapshot, None).matching)
                for a in snapshot.agreements_with_party(question.discloser)
            )
    assert matched > 30


@SETTINGS
@given(seed=st.integers(0, 5), index=st.integers(0, 59))
def test_where_information_could_have_come_from_is_read_the_same_way(seed: int, index: int) -> None:
    from agreements.checker.routes import flows_between

    snapshot, questions = random_registry(seed)
    question = questions[index]
    organisations = snapshot.organisations
    vocabulary = snapshot.vocabulary
    for agreement_id in snapshot.agreements_with_party(question.discloser):
        revision = snapshot.latest_revision(agreement_id)
        assert revision is not None
        for origin in sorted(revision.agreement.party_ids())[:4]:
            by_index = {
                f.id for f in flows_between(revision, origin, question.discloser, snapshot, question.data_categories)
            }
            by_reading = {
                flow.id
                for flow in revision.agreement.flows
                if flow.sends_from(origin, organisations[origin].type, True)
                and flow.sends_to(question.discloser, organisations[question.discloser].type, True)
                and any(vocabulary.permits(p, c) for p in flow.data_categories for c in question.data_categories)
            }
            assert by_index == by_reading
