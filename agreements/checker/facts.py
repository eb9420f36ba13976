"""The question checked and what the checker derives from it once: who, about whom, which data, which grounds.

A share is about several people; age, capacity, consent and risk are worked out per person
(``PersonFacts``) and then summed up for the rules (``Facts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agreements.checker.duties import Duty, statutory_duty
from agreements.checker.terms import (
    EMERGENCY_RISKS,
    LOCATION_CATEGORY,
    NOT_SOUGHT_GROUNDS,
    OVERRIDES_CAPACITOUS_REFUSAL,
    RISK_GROUNDS,
)
from agreements.model import ConsentOverrideGround
from agreements.question import (
    AGE_OF_MAJORITY,
    ConsentStatus,
    Person,
    QuestionError,
    RiskFact,
    ShareQuestion,
    Urgency,
)
from agreements.snapshot import RegistrySnapshot
from agreements.validation import Problem, unknown_term
from agreements.vocabulary import Purpose

HARM_TO_A_CHILD = frozenset({RiskFact.SIGNIFICANT_HARM_TO_CHILD, RiskFact.RISK_OF_HARM})
# The people a risk comes from: a share is never "to protect others" because of them.
POSE_THE_RISK = frozenset({"alleged-perpetrator", "mappa-offender"})


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the law makes of one person involved in the share."""

    person: Person
    child: bool
    adult_at_risk: bool
    deceased: bool
    # Mental Capacity Act 2005 s1(2): an adult is assumed to have capacity unless shown otherwise; a child's
    # capacity to decide (Gillick competence) is never assumed, only recorded.
    able_to_consent: bool
    consented: bool
    grounds: frozenset[ConsentOverrideGround]
    # The agreement's consent model or the practitioner says this person must not be told (an alleged
    # perpetrator): their consent is never the question, and nobody is told to seek it.
    must_not_be_told: bool
    capacitous_refusal: bool


@dataclass(slots=True)
class Facts:
    """What the checker derives once from the question."""

    question: ShareQuestion
    purpose: Purpose
    discloser_type: str
    discloser_public_authority: bool
    discloser_competent_authority: bool
    discloser_health_or_social_care: bool
    recipient_type: str | None
    recipient_registered: bool
    recipient_public_authority: bool
    recipient_competent_authority: bool
    recipient_can_act: bool
    people: tuple[PersonFacts, ...]
    subject_types: frozenset[str]
    child_involved: bool
    adult_at_risk_protected: bool
    para18_eligible: bool
    deceased: bool
    special: tuple[str, ...]
    criminal: tuple[str, ...]
    processes: dict[str, str]
    grounds: frozenset[ConsentOverrideGround]
    categories: frozenset[str]
    capacitous_refusal: bool
    everyone_consented: bool
    emergency_claimed: bool
    emergency_shown: bool
    location: bool
    # A statutory duty to share that fits discloser, recipient and purpose: the lawful basis itself.
    duty: Duty | None = None
    _consent_by_category: dict[str, bool] = field(default_factory=dict)

    def consented_to(self, category: str) -> bool:
        """True when every data subject this category may be about consented to it being shared."""
        found = self._consent_by_category.get(category)
        if found is None:
            about = [p for p in self.people if p.person.is_about(category)]
            found = self._consent_by_category[category] = bool(about) and all(p.consented for p in about)
        return found

    def unable_to_consent(self) -> bool:
        """True when a data subject cannot consent (lacks capacity, or is too young to decide for themselves)."""
        return any(
            not p.able_to_consent and not p.deceased and p.person.is_data_subject and not p.must_not_be_told
            for p in self.people
        )

    def data_subject_facts(self) -> tuple[PersonFacts, ...]:
        """The facts of the people the data is about."""
        return tuple(p for p in self.people if p.person.is_data_subject)


# ---------------------------------------------------------------- the question


def question_problems(question: ShareQuestion, registry: RegistrySnapshot) -> list[Problem]:
    """UNKNOWN_TERM: every organisation and term the question names must be known (did-you-mean if not)."""
    vocabulary = registry.vocabulary
    # The question's own fields were checked when it was built (ShareQuestion.__post_init__).
    problems: list[Problem] = []
    organisations = registry.organisations
    for name in ("discloser", "recipient", "received_from"):
        value = getattr(question, name)
        if value is not None and value not in organisations:
            problems.append(Problem(name, unknown_term("organisation", value, organisations)))
    if question.recipient_type is not None and question.recipient_type not in vocabulary.organisation_types:
        problems.append(
            Problem(
                "recipient_type",
                unknown_term("organisation type", question.recipient_type, vocabulary.organisation_types),
            )
        )
    if question.received_under is not None and question.received_under not in registry.histories:
        problems.append(Problem("received_under", f"unknown agreement {question.received_under!r}"))
    if question.statutory_request is not None and question.statutory_request not in vocabulary.statutory_gateways:
        problems.append(
            Problem(
                "statutory_request",
                unknown_term("statutory gateway", question.statutory_request, vocabulary.statutory_gateways),
            )
        )
    for index, person in enumerate(question.people):
        if person.type not in vocabulary.data_subject_types:
            problems.append(
                Problem(
                    f"people[{index}].type",
                    unknown_term("data subject type", person.type, vocabulary.data_subject_types),
                )
            )
            continue
        subject_type = vocabulary.data_subject_types[person.type]
        age = person.age_on(question.as_of)
        if person.age is not None and person.date_of_birth is not None and person.age != age:
            problems.append(
                Problem(f"people[{index}].age", f"age {person.age} does not match the date of birth (age {age})")
            )
        if subject_type.child and age is not None and age >= AGE_OF_MAJORITY:
            problems.append(
                Problem(f"people[{index}].age", f"a {subject_type.label.lower()} is under 18; this person is {age}")
            )
        if person.date_of_birth is not None and person.date_of_birth > question.as_of:
            problems.append(Problem(f"people[{index}].date_of_birth", "is after the date of the share"))
    if question.purpose not in vocabulary.purposes:
        problems.append(Problem("purpose", unknown_term("purpose", question.purpose, vocabulary.purposes)))
    for index, category in enumerate(question.data_categories):
        if category not in vocabulary.data_categories:
            problems.append(
                Problem(
                    f"data_categories[{index}]", unknown_term("data category", category, vocabulary.data_categories)
                )
            )
    return problems


def _is_child(person: Person, question: ShareQuestion, registry: RegistrySnapshot) -> bool:
    """Children Act 1989 s105: under 18 is a child, whatever the type says (a 16-year-old "adult victim")."""
    age = person.age_on(question.as_of)
    return age < AGE_OF_MAJORITY if age is not None else registry.vocabulary.data_subject_types[person.type].child


def _person_facts(
    person: Person,
    question: ShareQuestion,
    registry: RegistrySnapshot,
    do_not_inform: frozenset[str],
    child_involved: bool,
) -> PersonFacts:
    subject_type = registry.vocabulary.data_subject_types[person.type]
    age = person.age_on(question.as_of)
    child = _is_child(person, question, registry)
    deceased = person.deceased if person.deceased is not None else subject_type.deceased
    adult_at_risk = (
        not child
        and not deceased
        and (
            subject_type.adult_at_risk
            # Sch 1 para 18(3) / Care Act s42(1): care and support needs, experiencing or at risk of harm, and
            # as a result unable to protect themselves: all three, on the facts.
            or (person.care_and_support_needs and person.unable_to_protect_self and bool(question.risks))
        )
    )
    able_to_consent = not deceased and (
        person.has_capacity is True
        or (not child and person.has_capacity is not False)
        or (child and age is not None and age >= 16 and person.has_capacity is not False)
    )
    grounds = {RISK_GROUNDS[risk] for risk in question.risks if risk in RISK_GROUNDS}
    if child_involved and question.risks & HARM_TO_A_CHILD:
        # 2024 advice, rule 3: a perceived risk of harm to a child is enough to share information about the child
        # and their family without consent.
        grounds.add(ConsentOverrideGround.RISK_OF_HARM_TO_CHILD)
    if adult_at_risk:
        grounds.add(ConsentOverrideGround.ADULT_AT_RISK)
    if person.has_capacity is False:
        grounds.add(ConsentOverrideGround.LACKS_CAPACITY)
    if person.consent is ConsentStatus.NOT_SOUGHT and person.consent_not_sought_reason is not None:
        ground = NOT_SOUGHT_GROUNDS[person.consent_not_sought_reason]
        # A person who has capacity cannot be passed over on the ground that they lack it.
        if not (ground is ConsentOverrideGround.LACKS_CAPACITY and person.has_capacity is True):
            grounds.add(ground)
    # Those who may be at risk besides this person: never the person the risk comes from.
    others = [p for p in question.people if p is not person and p.type not in POSE_THE_RISK]
    # Someone else is at risk: the facts say so, or the share protects another person, or a child is harmed
    # and this person is not that child.
    others_at_risk = (
        RiskFact.RISK_TO_OTHERS in question.risks
        or any(p.is_protected for p in others)
        or (not child and RiskFact.SIGNIFICANT_HARM_TO_CHILD in question.risks)
        or (not child and RiskFact.RISK_OF_HARM in question.risks and child_involved)
    )
    if others_at_risk:
        grounds.add(ConsentOverrideGround.RISK_TO_OTHERS)
    must_not_be_told = person.must_not_be_told or person.type in do_not_inform
    capacitous_refusal = (
        person.consent is ConsentStatus.REFUSED
        and person.is_data_subject
        and able_to_consent
        and not child
        and not grounds & OVERRIDES_CAPACITOUS_REFUSAL
    )
    return PersonFacts(
        person=person,
        child=child,
        adult_at_risk=adult_at_risk,
        deceased=deceased,
        able_to_consent=able_to_consent,
        consented=person.consent is ConsentStatus.OBTAINED,
        grounds=frozenset(grounds),
        must_not_be_told=must_not_be_told,
        capacitous_refusal=capacitous_refusal,
    )


def derive_facts(question: ShareQuestion, registry: RegistrySnapshot) -> Facts:
    """Work out once what the rules turn on; the question must already have passed ``question_problems``."""
    vocabulary = registry.vocabulary
    discloser = registry.organisations[question.discloser]
    discloser_type = vocabulary.organisation_types.get(discloser.type)
    recipient = registry.organisations.get(question.recipient) if question.recipient else None
    recipient_type_id = recipient.type if recipient else question.recipient_type
    recipient_type = vocabulary.organisation_types.get(recipient_type_id) if recipient_type_id else None
    purpose = vocabulary.purposes[question.purpose]
    categories = sorted(set(question.data_categories))
    do_not_inform = registry.do_not_inform(question.discloser, question.as_of)
    children = {id(p) for p in question.people if _is_child(p, question, registry)}
    child_involved = bool(children) or RiskFact.SIGNIFICANT_HARM_TO_CHILD in question.risks
    people = tuple(_person_facts(p, question, registry, do_not_inform, child_involved) for p in question.people)
    subjects = [p for p in people if p.person.is_data_subject]
    protected = [p for p in people if p.person.is_protected]
    grounds: set[ConsentOverrideGround] = set()
    for subject in subjects:
        grounds |= subject.grounds
    adult_at_risk_protected = any(p.adult_at_risk for p in protected)
    # Sch 1 para 18 asks about the individual protected, who may not be the data subject (para 18(4)): a child,
    # or an adult at risk under para 18(3) -- on the facts, never because of the purpose's name.
    para18_eligible = (
        any(p.child or p.adult_at_risk for p in protected) or RiskFact.SIGNIFICANT_HARM_TO_CHILD in question.risks
    )
    emergency_claimed = question.urgency is Urgency.EMERGENCY
    living_subjects = [p for p in subjects if not p.deceased]
    facts = Facts(
        question=question,
        purpose=purpose,
        discloser_type=discloser.type,
        discloser_public_authority=discloser.public_authority,
        discloser_competent_authority=discloser.competent_authority,
        discloser_health_or_social_care=bool(discloser_type and discloser_type.health_or_social_care),
        recipient_type=recipient_type_id,
        recipient_registered=recipient is not None,
        recipient_public_authority=(
            recipient.public_authority if recipient else bool(recipient_type and recipient_type.public_authority)
        ),
        recipient_competent_authority=(
            recipient.competent_authority if recipient else bool(recipient_type and recipient_type.competent_authority)
        ),
        recipient_can_act=bool(recipient_type and recipient_type.can_act_to_protect),
        people=people,
        subject_types=question.subject_types(),
        child_involved=child_involved,
        adult_at_risk_protected=adult_at_risk_protected,
        para18_eligible=para18_eligible,
        deceased=any(p.deceased for p in subjects),
        special=tuple(c for c in categories if vocabulary.is_special_category(c)),
        criminal=tuple(c for c in categories if vocabulary.is_criminal_offence(c)),
        processes={c: p for c in categories if (p := vocabulary.process_of(c)) is not None},
        grounds=frozenset(grounds),
        categories=frozenset(categories),
        capacitous_refusal=any(p.capacitous_refusal for p in subjects),
        everyone_consented=bool(living_subjects) and all(p.consented for p in living_subjects),
        emergency_claimed=emergency_claimed,
        emergency_shown=emergency_claimed and bool(question.risks & EMERGENCY_RISKS),
        location=LOCATION_CATEGORY in categories,
    )
    facts.duty = statutory_duty(facts)
    return facts


def checked_facts(question: ShareQuestion, registry: RegistrySnapshot) -> Facts:
    """The facts of a question, or ``QuestionError`` naming every field the registry cannot make sense of."""
    problems = question_problems(question, registry)
    if problems:
        raise QuestionError(problems)
    return derive_facts(question, registry)


__all__ = ["Facts", "PersonFacts", "checked_facts", "derive_facts", "question_problems"]
