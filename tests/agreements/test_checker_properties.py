"""Invariants of the share checker, over questions drawn from the standard registry's own terms.

- adding a data category never turns not-covered into covered (more data is never easier to share);
- removing a party from an agreement never turns not-covered into covered;
- the answer never depends on the order of any list (in agreements, revisions, organisations, the question).

Questions are drawn two ways: along a real flow of a standard agreement (so many are covered and the
invariants bite), and freely from the vocabulary (so the outside-agreement routes are exercised too).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.answer import Code, Decision, InstructionKind, ShareAnswer
from agreements.checker import check_share
from agreements.model import Agreement, AgreementRevision, Endpoint, Flow, Organisation
from agreements.question import ConsentStatus, NotSoughtReason, Person, PersonRole, RiskFact, ShareQuestion, Urgency
from agreements.snapshot import RegistrySnapshot
from schemas.vocabulary import load_vocabulary
from tests.agreements.conftest import (
    MASH,
    load_organisations,
    load_standard_agreements,
    revision,
)
from tests.agreements.test_checker_cases import mash_history

VOCABULARY = load_vocabulary()
ORGANISATIONS: tuple[Organisation, ...] = load_organisations()
BY_ID = {o.id: o for o in ORGANISATIONS}
AGREEMENTS: Mapping[str, Agreement] = load_standard_agreements()
# MASH held as two revisions (v3.0 from Apr 2025, v3.1 from Apr 2026), MARAC and MAPPA as one each.
REVISIONS: list[AgreementRevision] = (
    mash_history()(AGREEMENTS) if MASH in AGREEMENTS else [revision(a) for a in AGREEMENTS.values()]
)
STANDARD = RegistrySnapshot(VOCABULARY, ORGANISATIONS, REVISIONS)

ORGANISATION_IDS = sorted(BY_ID)
CATEGORIES = sorted(VOCABULARY.data_categories)
PURPOSES = sorted(VOCABULARY.purposes)
SUBJECT_TYPES = sorted(VOCABULARY.data_subject_types)
OUTSIDE_TYPES = ["member-of-the-public", "independent-school", "voluntary-organisation", "safeguarding-adults-board"]
# Dates around the agreements' lives: before MASH, before MAPPA, all in force, review overdue, lapsed, expired.
DATES = [
    date(2026, 1, 15),
    date(2026, 3, 20),
    date(2026, 5, 20),
    date(2026, 7, 1),
    date(2027, 2, 15),
    date(2027, 4, 15),
    date(2027, 9, 1),
    date(2029, 6, 1),
]

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# ---------------------------------------------------------------- strategies


_BOOLEANS = st.booleans()
_CAPACITY = st.sampled_from([None, True, False])
_REASONS = st.sampled_from([None, *NotSoughtReason])
_CONSENT = st.sampled_from(list(ConsentStatus))
_RISKS = st.frozensets(st.sampled_from(list(RiskFact)), max_size=3)
_URGENCY = st.sampled_from([Urgency.ROUTINE, Urgency.ROUTINE, Urgency.URGENT, Urgency.EMERGENCY])
_DATES = st.sampled_from(DATES)
_ORIGINATORS = st.sampled_from([None, None, None, *ORGANISATION_IDS])


@cache
def subjects(types: tuple[str, ...] = tuple(SUBJECT_TYPES)) -> st.SearchStrategy[Person]:
    """The person the data is about: a type and the facts the law turns on (capacity, care needs)."""
    return st.builds(
        Person,
        type=st.sampled_from(types),
        care_and_support_needs=_BOOLEANS,
        unable_to_protect_self=_BOOLEANS,
        has_capacity=_CAPACITY,
    )


@st.composite
def people(draw: st.DrawFn, types: tuple[str, ...] = tuple(SUBJECT_TYPES)) -> tuple[Person, ...]:
    """The people involved: a data subject with their own consent, and sometimes a child the share protects."""
    consent = draw(_CONSENT)
    subject = dataclasses.replace(
        draw(subjects(types)),
        consent=consent,
        consent_not_sought_reason=draw(_REASONS) if consent is ConsentStatus.NOT_SOUGHT else None,
    )
    if draw(_ONE_IN_FIVE):
        return (subject, Person("child", role=PersonRole.PROTECTED, age=draw(st.integers(0, 17))))
    return (subject,)


@cache
def category_lists(pool: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True)


@st.composite
def _circumstances(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "risks": draw(_RISKS),
        "urgency": draw(_URGENCY),
        "as_of": draw(_DATES),
        "received_from": draw(_ORIGINATORS),
    }


circumstances = _circumstances()


def _parties_at(agreement: Agreement, endpoints: tuple[Endpoint, ...]) -> list[str]:
    return sorted(
        p.organisation_id
        for p in agreement.parties
        if any(
            e.any_party or e.organisation == p.organisation_id or e.organisation_type == BY_ID[p.organisation_id].type
            for e in endpoints
            if p.organisation_id in BY_ID
        )
    )


@dataclasses.dataclass(frozen=True)
class _FlowShape:
    """What a question along one flow may name: senders, recipients, purposes, subjects, categories."""

    senders: tuple[str, ...]
    recipients: tuple[str, ...]
    purposes: tuple[str, ...]
    subjects: tuple[str, ...]
    categories: tuple[str, ...]


def _shape(agreement: Agreement, flow: Flow) -> _FlowShape:
    return _FlowShape(
        senders=tuple(_parties_at(agreement, flow.source) or ORGANISATION_IDS),
        recipients=tuple(_parties_at(agreement, flow.recipient) or ORGANISATION_IDS),
        purposes=flow.purposes,
        subjects=flow.data_subjects,
        categories=tuple(sorted({d for c in flow.data_categories for d in VOCABULARY.covered_by(c)})),
    )


FLOW_SHAPES = [_shape(AGREEMENTS[key], flow) for key in sorted(AGREEMENTS) for flow in AGREEMENTS[key].flows]


@st.composite
def along_a_flow(draw: st.DrawFn) -> ShareQuestion:
    """A question shaped by a real flow: its parties, a purpose, a data subject and some of its categories."""
    shape = draw(_FLOW_SHAPES)
    discloser = draw(st.sampled_from(shape.senders))
    recipients = [r for r in shape.recipients if r != discloser] or [o for o in ORGANISATION_IDS if o != discloser]
    return ShareQuestion(
        discloser=discloser,
        recipient=draw(st.sampled_from(recipients)),
        people=draw(people(shape.subjects)),
        data_categories=tuple(draw(category_lists(shape.categories))),
        purpose=draw(st.sampled_from(shape.purposes)),
        **draw(circumstances),
    )


_DISCLOSERS = st.sampled_from(ORGANISATION_IDS)
_ONE_IN_FIVE = st.integers(0, 4).map(lambda n: n == 0)
_OUTSIDE = st.sampled_from(OUTSIDE_TYPES)
_PURPOSES = st.sampled_from(PURPOSES)
_FLOW_SHAPES = st.sampled_from(FLOW_SHAPES)


@st.composite
def anything(draw: st.DrawFn) -> ShareQuestion:
    """A question drawn freely from the registry's organisations and the vocabulary."""
    discloser = draw(_DISCLOSERS)
    outside = draw(_ONE_IN_FIVE)
    recipient = None if outside else draw(_DISCLOSERS.filter(lambda o: o != discloser))
    return ShareQuestion(
        discloser=discloser,
        recipient=recipient,
        recipient_type=draw(_OUTSIDE) if outside else None,
        people=draw(people()),
        data_categories=tuple(draw(category_lists(tuple(CATEGORIES)))),
        purpose=draw(_PURPOSES),
        **draw(circumstances),
    )


questions = st.one_of(along_a_flow(), along_a_flow(), anything())

KIND_DECISION = {
    InstructionKind.SHARE: Decision.COVERED,
    InstructionKind.SHARE_NOW: Decision.ESCALATE,
    InstructionKind.REFER_NOW: Decision.ESCALATE,
    InstructionKind.ASK_FIRST: Decision.ESCALATE,
    InstructionKind.REFER_INSTEAD: Decision.NOT_COVERED,
    InstructionKind.DO_NOT_SHARE: Decision.NOT_COVERED,
}
EMERGENCY_BLOCKERS = {
    Code.EMERGENCY_NOT_SHOWN,
    Code.EMERGENCY_PURPOSE_NOT_PROTECTIVE,
    Code.EMERGENCY_RECIPIENT_CANNOT_ACT,
    Code.EMERGENCY_NOT_FOR_BULK,
    Code.PURPOSE_PROHIBITED,
    Code.CAPACITOUS_REFUSAL_RESPECTED,
    Code.LOCATION_MUST_NOT_REACH_RECIPIENT,
    Code.ART9_CONDITION_MISSING,
    Code.ART10_ROUTE_MISSING,
}


def _fingerprint(answer: ShareAnswer) -> tuple[object, ...]:
    return (
        answer.decision,
        tuple(sorted(answer.codes())),
        tuple(sorted((e.to.value, e.why) for e in answer.escalations)),
        tuple(sorted(o.code for o in answer.obligations)),
        (answer.nearest.agreement_id, answer.nearest.flow_id) if answer.nearest else None,
    )


def _keeps_its_promises(question: ShareQuestion, answer: ShareAnswer) -> None:
    """What every answer promises: emergencies escalate, escalations say to whom, refusals give a route,
    and a covered answer cites the flow and version that cover it."""
    codes = {r.code for r in answer.reasons}
    if question.urgency is Urgency.EMERGENCY:
        # Share now, or say why the facts do not make it an emergency: never silently judged as routine.
        assert Code.EMERGENCY_SHARE_NOW in codes or codes & EMERGENCY_BLOCKERS, sorted(codes)
    if Code.EMERGENCY_SHARE_NOW in codes:
        assert answer.instruction.kind is InstructionKind.SHARE_NOW and answer.decision is Decision.ESCALATE
    # The instruction and the decision never disagree.
    assert KIND_DECISION[answer.instruction.kind] is answer.decision, (answer.instruction, answer.decision)
    assert answer.instruction.text
    # Each obligation once.
    assert len({(o.code, o.message) for o in answer.obligations}) == len(answer.obligations)
    if answer.decision is Decision.ESCALATE:
        assert answer.escalations, "an escalation names who decides"
    if answer.decision is Decision.NOT_COVERED:
        assert answer.route, "a refusal names a route"
    if answer.decision is Decision.COVERED:
        matched = [r for r in answer.reasons if r.code.value == "FLOW_MATCHED"]
        assert matched and matched[0].citation.flow_id and matched[0].citation.version


# ---------------------------------------------------------------- adding a category


@PROPERTY_SETTINGS
@given(question=questions, extra=st.sampled_from(CATEGORIES))
def test_adding_a_category_never_turns_not_covered_into_covered(question: ShareQuestion, extra: str) -> None:
    before = check_share(question, STANDARD)
    more = dataclasses.replace(question, data_categories=(*question.data_categories, extra))
    after = check_share(more, STANDARD)
    _keeps_its_promises(question, before)
    _keeps_its_promises(more, after)
    # Also the stronger form: an escalation (e.g. 'ask the originating agency first') never becomes covered.
    if before.decision is not Decision.COVERED:
        assert after.decision is not Decision.COVERED, (before.decision, sorted(before.codes()), sorted(after.codes()))


# ---------------------------------------------------------------- removing a party


def _without_party(
    revisions: list[AgreementRevision], agreement_id: str, organisation_id: str
) -> list[AgreementRevision]:
    return [
        dataclasses.replace(
            r,
            agreement=dataclasses.replace(
                r.agreement, parties=tuple(p for p in r.agreement.parties if p.organisation_id != organisation_id)
            ),
        )
        if r.agreement.id == agreement_id
        else r
        for r in revisions
    ]


@st.composite
def party_removals(draw: st.DrawFn, question: ShareQuestion) -> tuple[str, str]:
    """An agreement and one of its parties, usually one the question names."""
    agreement_id = draw(st.sampled_from(sorted(AGREEMENTS)))
    parties = sorted(AGREEMENTS[agreement_id].party_ids())
    named = [o for o in (question.discloser, question.recipient, question.received_from) if o in parties]
    if question.received_from is not None:
        # Removing the discloser or the originator from an agreement changes where the information could have
        # come from (and so its onward limits), not whether an agreement covers: the onward rows test that.
        parties = [p for p in parties if p not in (question.discloser, question.received_from)]
        named = [o for o in named if o in parties]
    if not parties:
        return agreement_id, ""
    return agreement_id, draw(st.sampled_from(named + named + parties))


@cache
def _registry_without(agreement_id: str, organisation_id: str) -> RegistrySnapshot:
    return RegistrySnapshot(VOCABULARY, ORGANISATIONS, _without_party(REVISIONS, agreement_id, organisation_id))


@PROPERTY_SETTINGS
@given(data=st.data(), question=questions)
def test_removing_a_party_never_turns_not_covered_into_covered(data: st.DataObject, question: ShareQuestion) -> None:
    agreement_id, organisation_id = data.draw(party_removals(question))
    if not organisation_id:
        return
    before = check_share(question, STANDARD)
    after = check_share(question, _registry_without(agreement_id, organisation_id))
    if before.decision is Decision.NOT_COVERED:
        assert after.decision is not Decision.COVERED, (agreement_id, organisation_id, before.codes(), after.codes())


# ---------------------------------------------------------------- order


_T = TypeVar("_T")


def _shuffled(value: _T, rng: random.Random) -> _T:
    """Every tuple inside ``value`` (a frozen dataclass, recursively) in a random order."""
    if isinstance(value, tuple):
        items = [_shuffled(v, rng) for v in value]
        rng.shuffle(items)
        return tuple(items)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _shuffled(getattr(value, f.name), rng) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value


@cache
def _reordered_registry(seed: int) -> RegistrySnapshot:
    """The standard registry with every list inside it, and the revisions and organisations, reordered."""
    rng = random.Random(seed)
    revisions = [dataclasses.replace(r, agreement=_shuffled(r.agreement, rng)) for r in REVISIONS]
    rng.shuffle(revisions)
    organisations = [_shuffled(o, rng) for o in ORGANISATIONS]
    rng.shuffle(organisations)
    return RegistrySnapshot(VOCABULARY, organisations, revisions)


@PROPERTY_SETTINGS
@given(question=questions, seed=st.integers(0, 23))
def test_the_answer_never_depends_on_list_order(question: ShareQuestion, seed: int) -> None:
    reordered = _reordered_registry(seed)
    rng = random.Random(seed)
    categories = list(question.data_categories)
    rng.shuffle(categories)
    asked = dataclasses.replace(question, data_categories=tuple(categories))

    expected = check_share(question, STANDARD)
    answer = check_share(asked, reordered)
    assert _fingerprint(answer) == _fingerprint(expected)
    assert answer.route == expected.route


def test_shuffling_really_reorders() -> None:
    # Guard for the property above: the shuffle must reach nested tuples (flows and each flow's categories).
    agreement = AGREEMENTS[sorted(AGREEMENTS)[0]]
    widest = max(agreement.flows, key=lambda f: len(f.data_categories)).id
    shuffled = [_shuffled(agreement, random.Random(seed)) for seed in range(8)]
    assert len({tuple(f.id for f in a.flows) for a in shuffled}) > 1
    widest_orders = {flow.data_categories for a in shuffled if (flow := a.flow(widest)) is not None}
    assert len(widest_orders) > 1


# ---------------------------------------------------------------- prohibited purposes


PROHIBITED = sorted(
    {(key, p) for key, agreement in AGREEMENTS.items() for p in agreement.restrictions.prohibited_purposes}
    | {
        (key, p)
        for key, agreement in AGREEMENTS.items()
        for flow in agreement.flows
        if flow.restrictions is not None
        for p in flow.restrictions.prohibited_purposes
    }
)


@st.composite
def for_a_prohibited_purpose(draw: st.DrawFn) -> tuple[str, ShareQuestion]:
    """A question along a real flow, for a purpose its agreement prohibits, routine, urgent or an emergency."""
    agreement_id, purpose = draw(st.sampled_from(PROHIBITED))
    question = draw(along_a_flow())
    return agreement_id, dataclasses.replace(question, purpose=purpose)


@PROPERTY_SETTINGS
@given(case=for_a_prohibited_purpose())
def test_a_prohibited_purpose_is_never_covered_by_that_agreement_nor_shared_now(
    case: tuple[str, ShareQuestion],
) -> None:
    agreement_id, question = case
    answer = check_share(question, STANDARD)
    _keeps_its_promises(question, answer)
    matched = {r.citation.agreement_id for r in answer.reasons if r.code is Code.FLOW_MATCHED}
    if answer.decision is Decision.COVERED:
        assert agreement_id not in matched, answer.reasons
    compiled, in_force = STANDARD.compiled_on(agreement_id, question.as_of)
    signed = in_force and question.discloser in compiled.parties
    if signed and question.purpose in compiled.prohibited_purposes:
        assert answer.instruction.kind is not InstructionKind.SHARE_NOW, answer.reasons


# ---------------------------------------------------------------- consent helps, never hurts


@PROPERTY_SETTINGS
@given(question=questions)
def test_obtaining_consent_never_turns_covered_into_not_covered(question: ShareQuestion) -> None:
    before = check_share(question, STANDARD)
    consented = dataclasses.replace(
        question,
        people=tuple(
            dataclasses.replace(p, consent=ConsentStatus.OBTAINED, consent_not_sought_reason=None)
            if p.is_data_subject
            else p
            for p in question.people
        ),
    )
    after = check_share(consented, STANDARD)
    if before.decision is Decision.COVERED:
        assert after.decision is Decision.COVERED, (sorted(before.codes()), sorted(after.codes()))
