"""The question checked and what the checker derives from it once: who, about whom, which data, which grounds."""

from __future__ import annotations

from dataclasses import dataclass

from agreements.checker.terms import (
    NOT_SOUGHT_GROUNDS,
    OVERRIDES_CAPACITOUS_REFUSAL,
    RISK_GROUNDS,
)
from agreements.model import (
    ConsentOverrideGround,
)
from agreements.question import ConsentStatus, RiskFact, ShareQuestion
from agreements.snapshot import RegistrySnapshot
from agreements.validation import Problem, unknown_term


@dataclass(slots=True)
class Facts:
    """What the checker derives once from the question."""

    question: ShareQuestion
    discloser_type: str
    discloser_health_or_social_care: bool
    recipient_type: str | None
    recipient_registered: bool
    recipient_competent_authority: bool
    child: bool
    adult_at_risk: bool
    para18_eligible: bool
    deceased: bool
    presumed_capacity: bool
    special: tuple[str, ...]
    criminal: tuple[str, ...]
    grounds: frozenset[ConsentOverrideGround]
    categories: frozenset[str]
    capacitous_refusal: bool


# ---------------------------------------------------------------- the question


def question_problems(question: ShareQuestion, registry: RegistrySnapshot) -> list[Problem]:
    vocabulary = registry.vocabulary
    problems: list[Problem] = []
    if question.discloser not in registry.organisations:
        problems.append(Problem("discloser", unknown_term("organisation", question.discloser, registry.organisations)))
    if (question.recipient is None) == (question.recipient_type is None):
        problems.append(Problem("recipient", "give either a registered recipient or a recipient_type, not both"))
    if question.recipient is not None and question.recipient not in registry.organisations:
        problems.append(Problem("recipient", unknown_term("organisation", question.recipient, registry.organisations)))
    if question.recipient_type is not None and question.recipient_type not in vocabulary.organisation_types:
        problems.append(
            Problem(
                "recipient_type",
                unknown_term("organisation type", question.recipient_type, vocabulary.organisation_types),
            )
        )
    if question.received_from is not None and question.received_from not in registry.organisations:
        problems.append(
            Problem("received_from", unknown_term("organisation", question.received_from, registry.organisations))
        )
    if question.received_under is not None:
        if question.received_from is None:
            problems.append(Problem("received_under", "only given with received_from"))
        elif question.received_under not in registry.histories:
            problems.append(Problem("received_under", f"unknown agreement {question.received_under!r}"))
    if question.subject.type not in vocabulary.data_subject_types:
        problems.append(
            Problem(
                "subject.type",
                unknown_term("data subject type", question.subject.type, vocabulary.data_subject_types),
            )
        )
    if question.purpose not in vocabulary.purposes:
        problems.append(Problem("purpose", unknown_term("purpose", question.purpose, vocabulary.purposes)))
    if not question.data_categories:
        problems.append(Problem("data_categories", "name at least one data category"))
    for index, category in enumerate(question.data_categories):
        if category not in vocabulary.data_categories:
            problems.append(
                Problem(
                    f"data_categories[{index}]", unknown_term("data category", category, vocabulary.data_categories)
                )
            )
    if question.consent_not_sought_reason is not None and question.consent is not ConsentStatus.NOT_SOUGHT:
        problems.append(Problem("consent_not_sought_reason", "only given when consent was not sought"))
    return problems


def derive_facts(question: ShareQuestion, registry: RegistrySnapshot) -> Facts:
    vocabulary = registry.vocabulary
    discloser = registry.organisations[question.discloser]
    discloser_type = vocabulary.organisation_types.get(discloser.type)
    recipient = registry.organisations.get(question.recipient) if question.recipient else None
    recipient_type_id = recipient.type if recipient else question.recipient_type
    recipient_type = vocabulary.organisation_types.get(recipient_type_id) if recipient_type_id else None
    subject_type = vocabulary.data_subject_types[question.subject.type]
    subject = question.subject
    child = subject.child if subject.child is not None else subject_type.child
    deceased = subject.deceased if subject.deceased is not None else subject_type.deceased
    # Mental Capacity Act 2005 s1(2): an adult is assumed to have capacity unless shown otherwise.
    presumed_capacity = not child and not deceased and subject.has_capacity is not False
    categories = sorted(set(question.data_categories))
    grounds = {RISK_GROUNDS[risk] for risk in question.risks}
    adult_at_risk = not child and (
        subject_type.adult_at_risk or (subject.care_and_support_needs and subject.unable_to_protect_self)
    )
    # Para 18 asks about the individual protected, who may not be the data subject (para 18(4)): data about a
    # parent shared for a child's protection protects a child.
    protects = vocabulary.purposes[question.purpose].protects
    para18_eligible = (
        child or adult_at_risk or RiskFact.SIGNIFICANT_HARM_TO_CHILD in question.risks or protects is not None
    )
    if adult_at_risk:
        grounds.add(ConsentOverrideGround.ADULT_AT_RISK)
    if subject.has_capacity is False:
        grounds.add(ConsentOverrideGround.LACKS_CAPACITY)
    if question.consent is ConsentStatus.NOT_SOUGHT and question.consent_not_sought_reason is not None:
        ground = NOT_SOUGHT_GROUNDS[question.consent_not_sought_reason]
        # A person who has capacity cannot be passed over on the ground that they lack it.
        if not (ground is ConsentOverrideGround.LACKS_CAPACITY and subject.has_capacity is True):
            grounds.add(ground)
    return Facts(
        question=question,
        discloser_type=discloser.type,
        discloser_health_or_social_care=bool(discloser_type and discloser_type.health_or_social_care),
        recipient_type=recipient_type_id,
        recipient_registered=recipient is not None,
        recipient_competent_authority=(
            recipient.competent_authority if recipient else bool(recipient_type and recipient_type.competent_authority)
        ),
        child=child,
        adult_at_risk=adult_at_risk,
        para18_eligible=para18_eligible,
        deceased=deceased,
        presumed_capacity=presumed_capacity,
        special=tuple(c for c in categories if vocabulary.is_special_category(c)),
        criminal=tuple(c for c in categories if vocabulary.is_criminal_offence(c)),
        grounds=frozenset(grounds),
        categories=frozenset(categories),
        # An adult with capacity who refuses is not overridden without a risk to others, a serious crime, a risk
        # to life or coercion (MCA 2005 s1(2); SCIE): no agreement and no statutory route changes that.
        capacitous_refusal=(
            question.consent is ConsentStatus.REFUSED
            and presumed_capacity
            and not grounds & OVERRIDES_CAPACITOUS_REFUSAL
        ),
    )
