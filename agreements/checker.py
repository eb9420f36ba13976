"""The share checker: covered, not covered or escalate, decided by the law, with citations.

The order of checks follows the decision procedure in the domain reference (§3.8):
emergency first; then each agreement the discloser is party to (in force on the date,
signed, a flow matching direction, purpose, data subject and every category); then
Art 6, Art 9 with DPA 2018 Sch 1, Art 10, the consent model and the restrictions on
the matching flow; and, when no agreement covers, the routes the law offers outside
agreements. Each rule is a small function that returns reasons with stable codes.
Pure: no I/O and no clock; the question carries ``as_of``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from agreements.answer import (
    AgreementEvaluation,
    Citation,
    Code,
    Decision,
    EscalateTo,
    Escalation,
    Obligation,
    Reason,
    ShareAnswer,
)
from agreements.index import CompiledAgreement, add_months
from agreements.model import (
    Agreement,
    AgreementRevision,
    AgreementStatus,
    ConsentDefault,
    ConsentOverrideGround,
    Endpoint,
    Flow,
    OnwardDisclosure,
    Party,
    ReservedDecision,
    Restrictions,
)
from agreements.question import ConsentStatus, NotSoughtReason, QuestionError, RiskFact, ShareQuestion, Urgency
from agreements.snapshot import RegistrySnapshot
from agreements.validation import Problem, unknown_term
from agreements.vocabulary import Schedule1Condition, VocabularyTerm

ART6_CONSENT = "art6-1-a"
ART6_VITAL_INTERESTS = "art6-1-d"
ART9_EXPLICIT_CONSENT = "art9-2-a"
ART9_VITAL_INTERESTS = "art9-2-c"
ART9_HEALTH_OR_SOCIAL_CARE = "art9-2-h"
ART10_OFFICIAL_AUTHORITY = "art10-official-authority"
SCH1_PREVENTING_UNLAWFUL_ACTS = "dpa-sch1-10"
SCH1_COUNSELLING = "dpa-sch1-17"
SCH1_SAFEGUARDING = "dpa-sch1-18"
# Paras 10, 17 and 18 are met only when processing is carried out *without* consent.
SCH1_WITHOUT_CONSENT = frozenset({SCH1_PREVENTING_UNLAWFUL_ACTS, SCH1_COUNSELLING, SCH1_SAFEGUARDING})
DISCLOSURE_SCHEME_PURPOSES = frozenset({"dvds-disclosure", "csod-disclosure"})
MAPPA_PURPOSES = frozenset({"mappa-risk-assessment", "mappa-risk-management", "mappa-third-party-disclosure"})
SAFEGUARDING_ADULTS_REVIEW = "safeguarding-adults-review"
SAFEGUARDING_ADULTS_BOARD = "safeguarding-adults-board"
LOCATION_CATEGORY = "location-of-person-at-risk"

# Facts that can justify sharing against the refusal of an adult with capacity (SCIE; ICO).
OVERRIDES_CAPACITOUS_REFUSAL = frozenset(
    {
        ConsentOverrideGround.SIGNIFICANT_HARM_TO_CHILD,
        ConsentOverrideGround.RISK_TO_OTHERS,
        ConsentOverrideGround.RISK_TO_LIFE,
        ConsentOverrideGround.SERIOUS_CRIME,
        ConsentOverrideGround.HIGH_RISK_DOMESTIC_ABUSE,
        ConsentOverrideGround.COERCION_OR_UNDUE_INFLUENCE,
    }
)
RISK_GROUNDS = {
    RiskFact.SIGNIFICANT_HARM_TO_CHILD: ConsentOverrideGround.SIGNIFICANT_HARM_TO_CHILD,
    RiskFact.RISK_TO_OTHERS: ConsentOverrideGround.RISK_TO_OTHERS,
    RiskFact.SERIOUS_CRIME: ConsentOverrideGround.SERIOUS_CRIME,
    RiskFact.RISK_TO_LIFE: ConsentOverrideGround.RISK_TO_LIFE,
    RiskFact.HIGH_RISK_DOMESTIC_ABUSE: ConsentOverrideGround.HIGH_RISK_DOMESTIC_ABUSE,
    RiskFact.COERCION_OR_UNDUE_INFLUENCE: ConsentOverrideGround.COERCION_OR_UNDUE_INFLUENCE,
}
NOT_SOUGHT_GROUNDS = {
    NotSoughtReason.INCREASES_RISK: ConsentOverrideGround.INCREASES_RISK,
    NotSoughtReason.PREJUDICE_ENQUIRY: ConsentOverrideGround.PREJUDICE_ENQUIRY,
    NotSoughtReason.NO_TIME: ConsentOverrideGround.NO_TIME,
    NotSoughtReason.LACKS_CAPACITY: ConsentOverrideGround.LACKS_CAPACITY,
    NotSoughtReason.STATUTORY_DUTY: ConsentOverrideGround.STATUTORY_DUTY,
}
PUBLIC_INTEREST_RISKS = frozenset(
    {RiskFact.RISK_TO_OTHERS, RiskFact.SERIOUS_CRIME, RiskFact.RISK_TO_LIFE, RiskFact.HIGH_RISK_DOMESTIC_ABUSE}
)
# How far a flow is from matching: a wrong direction or purpose matters more than one extra category.
GAP_WEIGHTS = {
    Code.FLOW_NOT_FOUND: 8,
    Code.FLOW_PURPOSE_MISMATCH: 4,
    Code.FLOW_DATA_SUBJECT_MISMATCH: 2,
    Code.FLOW_CATEGORY_EXCEEDS: 1,
}


def _label(terms: Mapping[str, VocabularyTerm], term_id: str) -> str:
    term = terms.get(term_id)
    return term.label if term is not None else term_id


@dataclass(slots=True)
class _Facts:
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


@dataclass(slots=True)
class _Evaluation:
    """An agreement's evaluation while it is being built.

    An agreement with no matching flow keeps only its masks (``unmatched``): deciding needs no
    more, and the gap messages are written by ``explain`` only if the agreement is shown.
    """

    agreement_id: str
    revision: AgreementRevision
    status_on_date: str
    inactive: list[Reason] = field(default_factory=list)
    party: list[Reason] = field(default_factory=list)
    flow: list[Reason] = field(default_factory=list)
    legal: list[Reason] = field(default_factory=list)
    passes: list[Reason] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    flow_id: str | None = None
    reserved: list[ReservedDecision] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    serves_purpose: bool = True
    unmatched: tuple[CompiledAgreement, tuple[int, int, int, int], _Facts, RegistrySnapshot] | None = None
    _nearest: tuple[Flow, int] | None = None

    @property
    def has_flow_gap(self) -> bool:
        return bool(self.flow) or self.unmatched is not None

    @property
    def covers(self) -> bool:
        return not (self.inactive or self.party or self.has_flow_gap or self.legal)

    @property
    def would_cover_if_in_force(self) -> bool:
        return bool(self.inactive) and not (self.party or self.has_flow_gap or self.legal)

    def _nearest_flow(self) -> tuple[Flow, int] | None:
        if self.unmatched is not None and self._nearest is None:
            compiled, masks, _, _ = self.unmatched
            self._nearest = _nearest_flow(compiled, masks)
        return self._nearest

    def distance(self) -> tuple[int, int, int, str]:
        """How far from covering: the weight of flow and party gaps, then legal, then status failures."""
        nearest = self._nearest_flow()
        flow_weight = nearest[1] if nearest is not None else sum(GAP_WEIGHTS.get(r.code, 1) for r in self.flow)
        return (
            flow_weight
            + 8 * len(self.party)
            # Better to extend an agreement made for this purpose than to repurpose another.
            + (0 if self.serves_purpose else 8),
            len(self.legal),
            len(self.inactive),
            self.agreement_id,
        )

    def explain(self) -> _Evaluation:
        """Write the nearest flow's gaps and their fixes, if they are still only masks."""
        nearest = self._nearest_flow()
        if self.unmatched is not None and nearest is not None:
            _, _, facts, registry = self.unmatched
            flow = nearest[0]
            agreement = self.revision.agreement
            flow_cite = Citation(agreement.id, agreement.version, self.revision.revision, flow.id)
            gaps = _flow_gaps(flow, agreement, facts, registry)
            self.flow_id = flow.id
            self.flow.extend(Reason(gap.code, gap.message, flow_cite) for gap, _ in gaps)
            self.fixes.extend(fix for _, fix in gaps)
            self.unmatched = None
        return self

    def freeze(self) -> AgreementEvaluation:
        self.explain()
        agreement = self.revision.agreement
        return AgreementEvaluation(
            agreement_id=self.agreement_id,
            version=agreement.version,
            revision=self.revision.revision,
            status_on_date=self.status_on_date,
            covers=self.covers,
            flow_id=self.flow_id,
            failures=tuple(self.inactive + self.party + self.flow + self.legal),
            passes=tuple(self.passes),
            would_make_covered=tuple(dict.fromkeys(self.fixes)),
        )


# ---------------------------------------------------------------- the question


def _question_problems(question: ShareQuestion, registry: RegistrySnapshot) -> list[Problem]:
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


def _derive_facts(question: ShareQuestion, registry: RegistrySnapshot) -> _Facts:
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
    return _Facts(
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


# ---------------------------------------------------------------- status and parties


def _status_rules(evaluation: _Evaluation, agreement: Agreement, cite: Citation, as_of: date, grace: int) -> None:
    """AGREEMENT_NOT_ACTIVE / AGREEMENT_EXPIRED / AGREEMENT_REVIEW_LAPSED: only an agreement in force covers."""
    if agreement.status is not AgreementStatus.ACTIVE:
        evaluation.inactive.append(
            Reason(Code.AGREEMENT_NOT_ACTIVE, f"{agreement.id} is {agreement.status.value.replace('_', ' ')}.", cite)
        )
        evaluation.fixes.append(f"{agreement.id} must be active (it is {agreement.status.value.replace('_', ' ')})")
    if agreement.expires_on is not None and agreement.expires_on < as_of:
        evaluation.status_on_date = "expired"
        evaluation.inactive.append(
            Reason(Code.AGREEMENT_EXPIRED, f"{agreement.id} expired on {agreement.expires_on.isoformat()}.", cite)
        )
        evaluation.fixes.append(f"renew {agreement.id} (expired {agreement.expires_on.isoformat()})")
    if agreement.review_due is not None and agreement.review_due < as_of:
        lapses_after = add_months(agreement.review_due, grace)
        if lapses_after < as_of:
            evaluation.status_on_date = "lapsed"
            evaluation.inactive.append(
                Reason(
                    Code.AGREEMENT_REVIEW_LAPSED,
                    f"{agreement.id} was due for review on {agreement.review_due.isoformat()} and lapsed "
                    f"after the {grace}-month grace period ({lapses_after.isoformat()}).",
                    cite,
                )
            )
            evaluation.fixes.append(f"review and re-sign {agreement.id} (review was due {agreement.review_due})")
        else:
            evaluation.passes.append(
                Reason(
                    Code.AGREEMENT_REVIEW_OVERDUE,
                    f"{agreement.id} was due for review on {agreement.review_due.isoformat()}; it is within the "
                    f"{grace}-month grace period until {lapses_after.isoformat()}.",
                    cite,
                )
            )
            evaluation.obligations.append(
                Obligation("TELL_AGREEMENT_OWNER", f"Tell the owner of {agreement.id} that its review is overdue.")
            )


def _party_rules(
    evaluation: _Evaluation,
    compiled: CompiledAgreement,
    facts: _Facts,
    cite: Citation,
    registry: RegistrySnapshot,
    signed_by: date,
) -> Party | None:
    """DISCLOSER_NOT_PARTY / DISCLOSER_NOT_SIGNED / RECIPIENT_NOT_PARTY / RECIPIENT_NOT_SIGNED."""
    question = facts.question
    agreement = compiled.revision.agreement
    names = registry.organisations
    discloser = compiled.parties.get(question.discloser)
    if discloser is None:
        evaluation.party.append(
            Reason(Code.DISCLOSER_NOT_PARTY, f"{names[question.discloser].name} is not a party to this version.", cite)
        )
        evaluation.fixes.append(f"add {names[question.discloser].name} as a party to {agreement.id}")
    elif not discloser.signed_on_or_before(signed_by):
        evaluation.party.append(
            Reason(Code.DISCLOSER_NOT_SIGNED, f"{names[question.discloser].name} has not signed {agreement.id}.", cite)
        )
        evaluation.fixes.append(f"{names[question.discloser].name} must sign {agreement.id}")
    if question.recipient is not None:
        recipient = compiled.parties.get(question.recipient)
        recipient_name = names[question.recipient].name
        if recipient is None:
            evaluation.party.append(
                Reason(Code.RECIPIENT_NOT_PARTY, f"{recipient_name} is not a party to {agreement.id}.", cite)
            )
            evaluation.fixes.append(f"add {recipient_name} as a signed party to {agreement.id}")
        elif not recipient.signed_on_or_before(signed_by):
            evaluation.party.append(
                Reason(Code.RECIPIENT_NOT_SIGNED, f"{recipient_name} has not signed {agreement.id}.", cite)
            )
            evaluation.fixes.append(f"{recipient_name} must sign {agreement.id}")
    else:
        evaluation.passes.append(
            Reason(
                Code.RECIPIENT_OUTSIDE_REGISTRY,
                f"The recipient is a {_label(registry.vocabulary.organisation_types, facts.recipient_type or '')} "
                "outside the agreement; only a flow naming that type can cover it, and the recipient is not "
                "bound by the agreement.",
                cite,
            )
        )
    return discloser


# ---------------------------------------------------------------- flows


def _endpoint_matches(
    endpoint: Endpoint, organisation_id: str | None, organisation_type: str | None, party: bool
) -> bool:
    if endpoint.any_party:
        return party
    if endpoint.organisation is not None:
        return endpoint.organisation == organisation_id
    return endpoint.organisation_type == organisation_type


def _flow_gaps(flow: Flow, agreement: Agreement, facts: _Facts, registry: RegistrySnapshot) -> list[tuple[Reason, str]]:
    """FLOW_NOT_FOUND / FLOW_PURPOSE_MISMATCH / FLOW_DATA_SUBJECT_MISMATCH / FLOW_CATEGORY_EXCEEDS, with fixes."""
    question = facts.question
    vocabulary = registry.vocabulary
    gaps: list[tuple[Reason, str]] = []
    recipient_is_party = question.recipient is not None and agreement.party(question.recipient) is not None
    sends = any(_endpoint_matches(e, question.discloser, facts.discloser_type, True) for e in flow.source)
    receives = any(
        _endpoint_matches(e, question.recipient, facts.recipient_type, recipient_is_party) for e in flow.recipient
    )
    if not (sends and receives):
        gaps.append(
            (
                Reason(Code.FLOW_NOT_FOUND, f"Flow {flow.id} does not run from the discloser to the recipient."),
                f"add a flow from the discloser to the recipient (the nearest is {flow.id})",
            )
        )
    if question.purpose not in flow.purposes:
        gaps.append(
            (
                Reason(
                    Code.FLOW_PURPOSE_MISMATCH,
                    f"Purpose {_label(vocabulary.purposes, question.purpose)!r} is not in flow {flow.id}.",
                ),
                f"add purpose {question.purpose!r} to flow {flow.id}",
            )
        )
    if question.subject.type not in flow.data_subjects:
        gaps.append(
            (
                Reason(
                    Code.FLOW_DATA_SUBJECT_MISMATCH,
                    f"Data subject {_label(vocabulary.data_subject_types, question.subject.type)!r} "
                    f"is not in flow {flow.id}.",
                ),
                f"add data subject {question.subject.type!r} to flow {flow.id}",
            )
        )
    exceeding = [
        category
        for category in sorted(set(question.data_categories))
        if not any(vocabulary.permits(permitted, category) for permitted in flow.data_categories)
    ]
    if exceeding:
        listed = ", ".join(repr(_label(vocabulary.data_categories, c)) for c in exceeding)
        gaps.append(
            (
                Reason(Code.FLOW_CATEGORY_EXCEEDS, f"Data categories {listed} exceed flow {flow.id}."),
                f"add data categories {', '.join(repr(c) for c in exceeding)} to flow {flow.id}"
                " (or share without them)",
            )
        )
    return gaps


# ---------------------------------------------------------------- lawful bases


def _art6_rules(
    evaluation: _Evaluation,
    compiled: CompiledAgreement,
    flow: Flow,
    party: Party,
    facts: _Facts,
    cite: Citation,
    registry: RegistrySnapshot,
) -> None:
    """ART6_BASIS / ART6_BASIS_MISSING / ART6_NOT_FOR_PUBLIC_AUTHORITY: a basis valid for this discloser."""
    vocabulary = registry.vocabulary
    question = facts.question
    entries = compiled.art6_for(flow, question.purpose, question.discloser)
    if not entries:
        evaluation.legal.append(
            Reason(
                Code.ART6_BASIS_MISSING, f"No Art 6 basis is stated for {question.purpose!r} by this discloser.", cite
            )
        )
        evaluation.fixes.append(f"state an Art 6 basis for {question.purpose!r} in {compiled.revision.agreement.id}")
        return
    rejected: list[Reason] = []
    for entry in entries:
        basis = vocabulary.art6_bases.get(entry.basis)
        here = Citation(
            cite.agreement_id, cite.version, cite.revision, cite.flow_id, basis.citation if basis else entry.basis
        )
        if basis is None:
            continue
        if party.public_authority and not basis.public_authority_may_rely_for_tasks:
            rejected.append(
                Reason(
                    Code.ART6_NOT_FOR_PUBLIC_AUTHORITY,
                    f"{basis.citation} is not available to a public authority performing its tasks.",
                    here,
                )
            )
        elif basis.in_force_from is not None and question.as_of < basis.in_force_from:
            rejected.append(
                Reason(
                    Code.ART6_NOT_YET_IN_FORCE,
                    f"{basis.citation} was not in force until {basis.in_force_from.isoformat()}.",
                    here,
                )
            )
        elif entry.basis == ART6_CONSENT and question.consent is not ConsentStatus.OBTAINED:
            rejected.append(
                Reason(Code.ART6_CONSENT_NOT_OBTAINED, f"{basis.citation} needs consent, which was not obtained.", here)
            )
        elif entry.basis == ART6_VITAL_INTERESTS and RiskFact.RISK_TO_LIFE not in question.risks:
            rejected.append(
                Reason(
                    Code.ART6_VITAL_INTERESTS_NOT_LIFE_OR_DEATH,
                    f"{basis.citation} (vital interests) is only for matters of life and death.",
                    here,
                )
            )
        else:
            evaluation.passes.append(
                Reason(Code.ART6_BASIS, f"{basis.citation}: {basis.label}; source: {entry.source}.", here)
            )
            if party.competent_authority:
                evaluation.passes.append(
                    Reason(
                        Code.AUTHORISED_BY_LAW,
                        "Data held for law enforcement may be shared for safeguarding only where authorised by law; "
                        f"authorised by {entry.source}.",
                        Citation(cite.agreement_id, cite.version, cite.revision, cite.flow_id, "DPA 2018 s36(4)"),
                    )
                )
            return
    evaluation.legal.extend(rejected)
    evaluation.fixes.append(f"state an Art 6 basis this discloser can rely on for {question.purpose!r}")


def _preference(schedule1: str | None, facts: _Facts) -> int:
    """Which of several conditions to cite: the one that fits the facts, not the first by id.

    Para 18 fits safeguarding where it is available; para 10 fits a disclosure to a competent
    authority (police, probation), and is a poor fit elsewhere; statutory and health conditions sit between.
    """
    if schedule1 == SCH1_SAFEGUARDING:
        return 0 if facts.para18_eligible else 4
    if schedule1 == SCH1_PREVENTING_UNLAWFUL_ACTS:
        return 0 if facts.recipient_competent_authority else 3
    return 1 if schedule1 is not None else 2


def _schedule1_rules(
    condition: Schedule1Condition, facts: _Facts, party: Party, cite: Citation
) -> tuple[list[Reason], list[Reason]]:
    """SCH1_PARA18_NOT_ELIGIBLE / SCH1_WITHOUT_CONSENT_ONLY / APD_MISSING: a condition's own preconditions."""
    question = facts.question
    failures: list[Reason] = []
    passes: list[Reason] = []
    here = Citation(cite.agreement_id, cite.version, cite.revision, cite.flow_id, condition.citation)
    if condition.id == SCH1_SAFEGUARDING and not facts.para18_eligible:
        failures.append(
            Reason(
                Code.SCH1_PARA18_NOT_ELIGIBLE,
                "Para 18 protects children and adults 'at risk' (care and support needs, experiencing or at "
                "risk of harm, unable to protect themselves); these facts show neither.",
                here,
            )
        )
    if condition.id in SCH1_WITHOUT_CONSENT and question.consent is ConsentStatus.OBTAINED:
        failures.append(
            Reason(
                Code.SCH1_WITHOUT_CONSENT_ONLY,
                f"{condition.citation} applies only to processing without the data subject's consent.",
                here,
            )
        )
    if condition.apd_required:
        if condition.id == SCH1_PREVENTING_UNLAWFUL_ACTS and facts.recipient_competent_authority:
            passes.append(
                Reason(
                    Code.APD_NOT_NEEDED_COMPETENT_AUTHORITY,
                    "No appropriate policy document is needed for a disclosure to a competent authority.",
                    Citation(cite.agreement_id, cite.version, cite.revision, cite.flow_id, "DPA 2018 Sch 1 para 10(2)"),
                )
            )
        elif not party.apd_reference:
            failures.append(
                Reason(
                    Code.APD_MISSING,
                    f"{condition.citation} needs the discloser's appropriate policy document, and none is on file.",
                    Citation(
                        cite.agreement_id, cite.version, cite.revision, cite.flow_id, "DPA 2018 Sch 1 para 5, Part 4"
                    ),
                )
            )
    return failures, passes


def _art9_rules(
    evaluation: _Evaluation,
    compiled: CompiledAgreement,
    flow: Flow,
    party: Party,
    facts: _Facts,
    cite: Citation,
    registry: RegistrySnapshot,
) -> None:
    """ART9_CONDITION / ART9_CONDITION_MISSING / SCH1_*: special category data needs Art 9(2) and Sch 1."""
    if not facts.special:
        return
    vocabulary = registry.vocabulary
    question = facts.question
    listed = ", ".join(_label(vocabulary.data_categories, c) for c in facts.special)
    entries = compiled.art9_for(flow, question.purpose, question.discloser)
    if not entries:
        evaluation.legal.append(
            Reason(
                Code.ART9_CONDITION_MISSING,
                f"Special category data ({listed}) needs an Art 9(2) condition; none applies.",
                cite,
            )
        )
        evaluation.fixes.append(
            f"state an Art 9(2) condition for {question.purpose!r} in {compiled.revision.agreement.id}"
        )
        return
    rejected: list[Reason] = []
    incapable = (
        question.subject.has_capacity is False or question.consent_not_sought_reason is NotSoughtReason.LACKS_CAPACITY
    )
    for entry in sorted(entries, key=lambda e: _preference(e.schedule1, facts)):
        condition = vocabulary.art9_conditions.get(entry.condition)
        if condition is None:
            continue
        here = Citation(cite.agreement_id, cite.version, cite.revision, cite.flow_id, condition.citation)
        failures: list[Reason] = []
        passes: list[Reason] = []
        if entry.condition == ART9_EXPLICIT_CONSENT and question.consent is not ConsentStatus.OBTAINED:
            failures.append(
                Reason(Code.ART9_EXPLICIT_CONSENT_NOT_OBTAINED, f"{condition.citation} needs explicit consent.", here)
            )
        if entry.condition == ART9_VITAL_INTERESTS and not (incapable and RiskFact.RISK_TO_LIFE in question.risks):
            failures.append(
                Reason(
                    Code.ART9_VITAL_INTERESTS_CAPABLE_OF_CONSENT,
                    f"{condition.citation} covers special category data only in a life-or-death matter where the "
                    "person cannot consent; it cannot be used when they can consent, even if they refuse.",
                    here,
                )
            )
        if entry.condition == ART9_HEALTH_OR_SOCIAL_CARE and not facts.discloser_health_or_social_care:
            failures.append(
                Reason(
                    Code.ART9_HEALTH_CARE_NOT_PROFESSIONAL,
                    f"{condition.citation} is for health or social care by or under a professional bound by "
                    "confidentiality; the discloser is not a health or social care body.",
                    here,
                )
            )
        provision = condition.citation
        if condition.requires_schedule1_part is not None:
            schedule1 = vocabulary.schedule1_conditions.get(entry.schedule1) if entry.schedule1 else None
            if schedule1 is None:
                failures.append(
                    Reason(
                        Code.SCH1_CONDITION_MISSING,
                        f"{condition.citation} needs a DPA 2018 Schedule 1 "
                        f"Part {condition.requires_schedule1_part.value} condition (DPA 2018 s10).",
                        here,
                    )
                )
            elif schedule1.part is not condition.requires_schedule1_part:
                failures.append(
                    Reason(
                        Code.SCH1_WRONG_PART,
                        f"{condition.citation} needs a Part {condition.requires_schedule1_part.value} condition; "
                        f"{schedule1.citation} is in Part {schedule1.part.value}.",
                        here,
                    )
                )
            else:
                provision = f"{condition.citation} + {schedule1.citation}"
                more_failures, more_passes = _schedule1_rules(schedule1, facts, party, cite)
                failures.extend(more_failures)
                passes.extend(more_passes)
        if failures:
            rejected.extend(failures)
            continue
        evaluation.passes.append(
            Reason(
                Code.ART9_CONDITION,
                f"{provision} covers the special category data ({listed}).",
                Citation(cite.agreement_id, cite.version, cite.revision, cite.flow_id, provision),
            )
        )
        evaluation.passes.extend(passes)
        return
    evaluation.legal.extend(rejected)
    evaluation.fixes.append("state an Art 9(2) condition (with its Schedule 1 condition) that these facts meet")


def _art10_rules(
    evaluation: _Evaluation,
    compiled: CompiledAgreement,
    flow: Flow,
    party: Party,
    facts: _Facts,
    cite: Citation,
    registry: RegistrySnapshot,
) -> None:
    """ART10_ROUTE / ART10_ROUTE_MISSING: criminal offence data needs official authority or a Sch 1 condition."""
    if not facts.criminal:
        return
    vocabulary = registry.vocabulary
    question = facts.question
    listed = ", ".join(_label(vocabulary.data_categories, c) for c in facts.criminal)
    entries = compiled.art10_for(flow, question.purpose, question.discloser)
    if not entries:
        evaluation.legal.append(
            Reason(
                Code.ART10_ROUTE_MISSING, f"Criminal offence data ({listed}) needs an Art 10 route; none applies.", cite
            )
        )
        evaluation.fixes.append(f"state an Art 10 route for {question.purpose!r} in {compiled.revision.agreement.id}")
        return
    rejected: list[Reason] = []
    for entry in sorted(entries, key=lambda e: _preference(e.schedule1, facts)):
        route = vocabulary.art10_routes.get(entry.route)
        if route is None:
            continue
        here = Citation(cite.agreement_id, cite.version, cite.revision, cite.flow_id, route.citation)
        failures: list[Reason] = []
        passes: list[Reason] = []
        provision = route.citation
        if entry.route == ART10_OFFICIAL_AUTHORITY and not party.public_authority:
            failures.append(
                Reason(
                    Code.ART10_OFFICIAL_AUTHORITY_NOT_AVAILABLE,
                    "Only a body exercising official authority can rely on it; "
                    "the discloser is not a public authority.",
                    here,
                )
            )
        if route.requires_schedule1_condition:
            schedule1 = vocabulary.schedule1_conditions.get(entry.schedule1) if entry.schedule1 else None
            if schedule1 is None:
                failures.append(
                    Reason(
                        Code.SCH1_CONDITION_MISSING, f"{route.citation} needs a DPA 2018 Schedule 1 condition.", here
                    )
                )
            else:
                via = " via para 36" if entry.via_paragraph_36 else ""
                provision = f"{route.citation} + {schedule1.citation}{via}"
                more_failures, more_passes = _schedule1_rules(schedule1, facts, party, cite)
                failures.extend(more_failures)
                passes.extend(more_passes)
        if failures:
            rejected.extend(failures)
            continue
        evaluation.passes.append(
            Reason(
                Code.ART10_ROUTE,
                f"{provision} covers the criminal offence data ({listed}).",
                Citation(cite.agreement_id, cite.version, cite.revision, cite.flow_id, provision),
            )
        )
        evaluation.passes.extend(passes)
        return
    evaluation.legal.extend(rejected)
    evaluation.fixes.append("state an Art 10 route that these facts meet")


# ---------------------------------------------------------------- consent and restrictions


def _consent_rules(evaluation: _Evaluation, agreement: Agreement, facts: _Facts, cite: Citation) -> None:
    """CONSENT_*: refused or not sought is fine only where the model allows it and the facts give the ground."""
    question = facts.question
    model = agreement.consent_model
    if question.consent is ConsentStatus.OBTAINED:
        evaluation.passes.append(Reason(Code.CONSENT_OBTAINED, "Consent was obtained.", cite))
        return
    if model.default is ConsentDefault.NOT_USED:
        evaluation.passes.append(
            Reason(Code.CONSENT_NOT_USED, f"{agreement.id} does not rely on consent for this sharing.", cite)
        )
        return
    if model.default is ConsentDefault.REQUIRED:
        evaluation.legal.append(
            Reason(Code.CONSENT_REQUIRED, f"{agreement.id} requires consent for this sharing.", cite)
        )
        evaluation.fixes.append("obtain consent")
        return
    grounds = facts.grounds
    if question.consent is ConsentStatus.REFUSED and facts.presumed_capacity:
        grounds = grounds & OVERRIDES_CAPACITOUS_REFUSAL
        if not grounds:
            evaluation.legal.append(
                Reason(
                    Code.CAPACITOUS_REFUSAL_RESPECTED,
                    "An adult with capacity refused, and the facts show no risk to others, serious crime, risk "
                    "to life or coercion that could justify overriding the refusal.",
                    Citation(
                        cite.agreement_id, cite.version, cite.revision, cite.flow_id, "Mental Capacity Act 2005 s1"
                    ),
                )
            )
            evaluation.fixes.append("respect the refusal unless a risk to others or a serious crime emerges")
            return
    allowed = sorted(grounds & set(model.override_grounds))
    if allowed:
        named = ", ".join(g.value.replace("_", " ") for g in allowed)
        evaluation.passes.append(
            Reason(
                Code.CONSENT_OVERRIDE_GROUND,
                f"Sharing without consent is allowed by {agreement.id} on the ground of {named}.",
                cite,
            )
        )
        return
    if grounds:
        named = ", ".join(sorted(g.value.replace("_", " ") for g in grounds))
        evaluation.legal.append(
            Reason(
                Code.CONSENT_GROUND_NOT_IN_AGREEMENT,
                f"The facts give {named}, but {agreement.id} does not allow sharing without consent on that ground.",
                cite,
            )
        )
    else:
        evaluation.legal.append(
            Reason(
                Code.CONSENT_NO_OVERRIDE_GROUND,
                "Consent was not obtained and the facts give no ground for sharing without it.",
                cite,
            )
        )
    evaluation.fixes.append("seek consent, or record the ground for sharing without it")


def _restriction_rules(
    evaluation: _Evaluation, agreement: Agreement, flow: Flow, facts: _Facts, cite: Citation
) -> None:
    """PURPOSE_PROHIBITED / PANEL_DECISION_RESERVED, and the use limits the recipient must keep."""
    question = facts.question
    restrictions: list[Restrictions] = [agreement.restrictions]
    if flow.restrictions is not None:
        restrictions.append(flow.restrictions)
    for restriction in restrictions:
        if question.purpose in restriction.prohibited_purposes:
            evaluation.legal.append(
                Reason(Code.PURPOSE_PROHIBITED, f"{agreement.id} prohibits sharing for {question.purpose!r}.", cite)
            )
        evaluation.reserved.extend(r for r in restriction.reserved_decisions if r.purpose == question.purpose)
        if restriction.use_limitation:
            evaluation.obligations.append(
                Obligation("USE_LIMITATION", f"Tell the recipient: {restriction.use_limitation}")
            )
        if restriction.onward_disclosure is OnwardDisclosure.PROHIBITED:
            evaluation.obligations.append(
                Obligation("NO_ONWARD_DISCLOSURE", "The recipient must not pass the information on to anyone else.")
            )
        elif restriction.onward_disclosure is OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT:
            evaluation.obligations.append(
                Obligation(
                    "ONWARD_DISCLOSURE_NEEDS_CONSENT",
                    "The recipient must not pass the information on without your agency's agreement.",
                )
            )
        if restriction.no_bulk_sharing:
            evaluation.obligations.append(Obligation("NO_BULK_SHARING", "Share case by case; no bulk extracts."))


# ---------------------------------------------------------------- one agreement


def _nearest_flow(compiled: CompiledAgreement, masks: tuple[int, int, int, int]) -> tuple[Flow, int]:
    """The flow with the lightest gaps (direction 8, purpose 4, data subject 2, categories 1), then by id."""
    direction, purpose, subject, categories = masks
    best: tuple[int, int] | None = None
    for index in range(len(compiled.flows)):
        bit = 1 << index
        weight = (
            (0 if direction & bit else GAP_WEIGHTS[Code.FLOW_NOT_FOUND])
            + (0 if purpose & bit else GAP_WEIGHTS[Code.FLOW_PURPOSE_MISMATCH])
            + (0 if subject & bit else GAP_WEIGHTS[Code.FLOW_DATA_SUBJECT_MISMATCH])
            + (0 if categories & bit else GAP_WEIGHTS[Code.FLOW_CATEGORY_EXCEEDS])
        )
        if best is None or weight < best[0]:
            best = (weight, index)
    assert best is not None
    return compiled.flows[best[1]], best[0]


@dataclass(slots=True)
class _Screen:
    """What deciding needs to know of one agreement, found without writing a single message."""

    agreement_id: str
    revision: AgreementRevision
    compiled: CompiledAgreement
    in_force: bool
    active_on_date: bool
    discloser_is_party: bool
    parties_signed: bool
    prohibited: bool
    masks: tuple[int, int, int, int]
    matching: int

    @property
    def worth_evaluating(self) -> bool:
        """Only an agreement with a flow for the share (or a prohibition of its purpose) can decide it."""
        return self.discloser_is_party and bool(self.matching or self.prohibited)


def _screen(agreement_id: str, facts: _Facts, registry: RegistrySnapshot, grace_override: int | None) -> _Screen:
    question = facts.question
    as_of = question.as_of
    compiled, in_force = registry.compiled_on(agreement_id, as_of)
    agreement = compiled.revision.agreement
    grace = grace_override if grace_override is not None else agreement.review.lapse_grace_months
    active_until = compiled.active_until(grace) if in_force else None
    signed_by = as_of if in_force else (agreement.effective_from or as_of)
    recipient = question.recipient
    recipient_is_party = recipient is not None and recipient in compiled.parties
    discloser_is_party = question.discloser in compiled.parties
    masks = (
        compiled.senders.mask(question.discloser, facts.discloser_type, True)
        & compiled.recipients.mask(recipient, facts.recipient_type, recipient_is_party),
        compiled.by_purpose.get(question.purpose, 0),
        compiled.by_subject.get(question.subject.type, 0),
        compiled.categories_mask(facts.categories),
    )
    return _Screen(
        agreement_id=agreement_id,
        revision=compiled.revision,
        compiled=compiled,
        in_force=in_force,
        active_on_date=active_until is not None and as_of <= active_until,
        discloser_is_party=discloser_is_party,
        parties_signed=(
            compiled.signed(question.discloser, signed_by)
            and (recipient is None or compiled.signed(recipient, signed_by))
        ),
        prohibited=question.purpose in compiled.prohibited_purposes,
        masks=masks,
        matching=masks[0] & masks[1] & masks[2] & masks[3],
    )


def _evaluate(screen: _Screen, facts: _Facts, registry: RegistrySnapshot, grace_override: int | None) -> _Evaluation:
    """The full evaluation of one agreement, with every reason written out."""
    question = facts.question
    revision = screen.revision
    compiled = screen.compiled
    agreement_id = screen.agreement_id
    agreement = revision.agreement
    cite = Citation(agreement.id, agreement.version, revision.revision)
    grace = grace_override if grace_override is not None else agreement.review.lapse_grace_months
    if not screen.in_force:
        # Judge what the agreement will say, so that "would cover once in force" is true only if it would.
        evaluation = _Evaluation(agreement_id, revision, "not yet in force")
        effective = agreement.effective_from
        when = f" until {effective.isoformat()}" if effective else " (it has no effective-from date)"
        evaluation.inactive.append(
            Reason(Code.AGREEMENT_NOT_YET_IN_FORCE, f"{agreement_id} is not in force{when}.", cite)
        )
        signed_by = effective or question.as_of
        _status_rules(evaluation, agreement, cite, signed_by, grace)
    else:
        evaluation = _Evaluation(agreement_id, revision, agreement.status.value)
        signed_by = question.as_of
        _status_rules(evaluation, agreement, cite, question.as_of, grace)
    evaluation.serves_purpose = question.purpose in compiled.purposes
    party = _party_rules(evaluation, compiled, facts, cite, registry, signed_by)
    if screen.prohibited:
        # No flow to suggest: an agreement that forbids a purpose is not to be stretched to cover it.
        evaluation.legal.append(
            Reason(
                Code.PURPOSE_PROHIBITED,
                f"{agreement.id} prohibits sharing for {_label(registry.vocabulary.purposes, question.purpose)!r}.",
                cite,
            )
        )
        return evaluation
    if not compiled.flows:
        evaluation.flow.append(Reason(Code.FLOW_NOT_FOUND, f"{agreement.id} has no flows.", cite))
        return evaluation

    matching = screen.matching
    if not matching:
        evaluation.unmatched = (compiled, screen.masks, facts, registry)
        return evaluation
    matching_flows = [flow for index, flow in enumerate(compiled.flows) if matching >> index & 1]
    if party is None:
        evaluation.flow_id = matching_flows[0].id
        return evaluation

    # Several flows may match; the first whose legal checks pass covers (by id, for determinism).
    best: _Evaluation | None = None
    for flow in matching_flows:
        # With one candidate flow (the usual case) the evaluation itself is the trial: nothing to copy.
        trial = (
            evaluation
            if len(matching_flows) == 1
            else replace(
                evaluation,
                inactive=list(evaluation.inactive),
                party=list(evaluation.party),
                flow=list(evaluation.flow),
                legal=list(evaluation.legal),
                passes=list(evaluation.passes),
                fixes=list(evaluation.fixes),
                reserved=list(evaluation.reserved),
                obligations=list(evaluation.obligations),
            )
        )
        trial.flow_id = flow.id
        flow_cite = Citation(agreement.id, agreement.version, revision.revision, flow.id)
        trial.passes.append(
            Reason(
                Code.FLOW_MATCHED,
                f"Flow {flow.id} covers the direction, purpose, data subject and categories.",
                flow_cite,
            )
        )
        _art6_rules(trial, compiled, flow, party, facts, flow_cite, registry)
        _art9_rules(trial, compiled, flow, party, facts, flow_cite, registry)
        _art10_rules(trial, compiled, flow, party, facts, flow_cite, registry)
        _consent_rules(trial, agreement, facts, flow_cite)
        _restriction_rules(trial, agreement, flow, facts, flow_cite)
        if not trial.legal:
            return trial
        if best is None or len(trial.legal) < len(best.legal):
            best = trial
    assert best is not None
    return best


# ---------------------------------------------------------------- the answer


RECORD_DECISION = Obligation(
    "RECORD_DECISION",
    "Record the decision and your reasons, what you shared, with whom, when and why, and whether consent "
    "was obtained or why not — whether or not you share.",
)
SHARE_ONLY_WHAT_IS_NECESSARY = Obligation(
    "SHARE_ONLY_WHAT_IS_NECESSARY", "Share only what is necessary, relevant, accurate and up to date for the purpose."
)
SEND_SECURELY = Obligation(
    "SEND_SECURELY", "Send it securely, by the method the agreement names, to the named recipient only."
)
DO_NOT_INFORM_NOW = Obligation(
    "DO_NOT_INFORM_NOW",
    "Do not tell the person or family now, because it would increase risk or prejudice an enquiry; "
    "record why, and review when it becomes safe.",
)
INFORM_UNLESS_RISK = Obligation(
    "INFORM_UNLESS_RISK",
    "Tell the person (or family) what you have shared and why, unless that would increase risk or "
    "prejudice an enquiry.",
)
PROTECT_LOCATION = Obligation(
    "PROTECT_LOCATION", "Protect the identity and location of anyone who might be harmed if it became known."
)
CONFIDENTIALITY_SURVIVES_DEATH = Obligation(
    "CONFIDENTIALITY_SURVIVES_DEATH", "The duty of confidentiality continues after death."
)
_NOT_TELLING_REASONS = frozenset({NotSoughtReason.INCREASES_RISK, NotSoughtReason.PREJUDICE_ENQUIRY})


def _standard_obligations(facts: _Facts, registry: RegistrySnapshot, agreement: Agreement | None) -> list[Obligation]:
    """What comes with any share: record it, share the minimum, send it securely, tell (or not) the person."""
    question = facts.question
    obligations = [RECORD_DECISION, SHARE_ONLY_WHAT_IS_NECESSARY, SEND_SECURELY]
    if question.consent is not ConsentStatus.OBTAINED and not facts.deceased:
        not_telling = question.consent_not_sought_reason in _NOT_TELLING_REASONS
        obligations.append(DO_NOT_INFORM_NOW if not_telling else INFORM_UNLESS_RISK)
    if agreement is not None:
        for subject_type in agreement.consent_model.do_not_inform:
            label = _label(registry.vocabulary.data_subject_types, subject_type)
            obligations.append(Obligation("DO_NOT_INFORM", f"Do not tell the {label.lower()}."))
    if LOCATION_CATEGORY in facts.categories:
        obligations.append(PROTECT_LOCATION)
    if facts.deceased:
        obligations.append(CONFIDENTIALITY_SURVIVES_DEATH)
    return obligations


def _escalation_contact(registry: RegistrySnapshot, organisation_id: str, role: str) -> str | None:
    organisation = registry.organisations.get(organisation_id)
    if organisation is None:
        return None
    for contact in organisation.contacts:
        if contact.role.value == role:
            return f"{contact.name}, {organisation.name}" + (f" ({contact.email})" if contact.email else "")
    return None


def _decision_maker(facts: _Facts) -> EscalateTo:
    return (
        EscalateTo.CALDICOTT_GUARDIAN if facts.discloser_health_or_social_care else EscalateTo.DATA_PROTECTION_OFFICER
    )


def _outside_agreements(facts: _Facts, registry: RegistrySnapshot) -> tuple[list[Reason], list[Escalation], str | None]:
    """The routes the law gives when no agreement covers: never a bare refusal where a duty or risk exists."""
    question = facts.question
    discloser = question.discloser
    reasons: list[Reason] = []
    escalations: list[Escalation] = []
    route: str | None = None
    lead = _escalation_contact(registry, discloser, "designated_safeguarding_lead")
    if question.purpose in DISCLOSURE_SCHEME_PURPOSES:
        scheme = (
            "Domestic Violence Disclosure Scheme (Clare's Law)"
            if question.purpose == "dvds-disclosure"
            else ("Child Sex Offender Disclosure Scheme (Sarah's Law)")
        )
        reasons.append(
            Reason(
                Code.DISCLOSURE_SCHEME_POLICE_PROCESS,
                f"Disclosures under the {scheme} are decided by the police through the scheme's process.",
                Citation(provision="Domestic Abuse Act 2021 s77; police common-law power to disclose"),
            )
        )
        escalations.append(
            Escalation(EscalateTo.POLICE_DISCLOSURE_SCHEME, f"Refer the request to the police {scheme} process.")
        )
        route = f"Refer to the police {scheme} process; the police decide, with partner input."
        return reasons, escalations, route
    if question.purpose in MAPPA_PURPOSES:
        reasons.append(
            Reason(
                Code.MAPPA_PROCESS,
                "Information about MAPPA offenders is shared through the MAPPA arrangements.",
                Citation(provision="Criminal Justice Act 2003 s325"),
            )
        )
        escalations.append(Escalation(EscalateTo.MAPPA_MEETING, "Take it to the MAPPA coordinator or meeting."))
        route = "Share through the MAPPA coordinator; disclosure decisions are made at the MAPPA meeting."
        return reasons, escalations, route
    if question.purpose == SAFEGUARDING_ADULTS_REVIEW and facts.recipient_type == SAFEGUARDING_ADULTS_BOARD:
        reasons.append(
            Reason(
                Code.STATUTORY_REQUEST_SAFEGUARDING_ADULTS_BOARD,
                "A Safeguarding Adults Board may require information for its functions; a request that meets "
                "the conditions must be complied with.",
                Citation(provision="Care Act 2014 s45"),
            )
        )
        escalations.append(Escalation(EscalateTo.DATA_PROTECTION_OFFICER, "Check the request meets Care Act s45."))
        route = "Respond to the Board's s45 request through your DPO."
        return reasons, escalations, route
    if RiskFact.SIGNIFICANT_HARM_TO_CHILD in question.risks:
        reasons.append(
            Reason(
                Code.STATUTORY_DUTY_CHILD_PROTECTION,
                "There is reasonable cause to suspect a child is suffering or likely to suffer significant harm: "
                "children's social care must enquire and other agencies must help, including by sharing information.",
                Citation(provision="Children Act 1989 s47; Children Act 2004 s11"),
            )
        )
        escalations.append(
            Escalation(
                EscalateTo.DESIGNATED_SAFEGUARDING_LEAD, "Make or support a child protection referral today.", lead
            )
        )
        route = "Refer to children's social care (the MASH) now; do not wait for an agreement."
    elif facts.adult_at_risk:
        reasons.append(
            Reason(
                Code.STATUTORY_DUTY_ADULT_SAFEGUARDING,
                "The adult appears to have care and support needs, to be at risk of abuse or neglect and unable to "
                "protect themselves: the local authority must make enquiries.",
                Citation(provision="Care Act 2014 s42"),
            )
        )
        escalations.append(
            Escalation(
                EscalateTo.DESIGNATED_SAFEGUARDING_LEAD,
                "Raise a safeguarding adults concern with adult social care.",
                lead,
            )
        )
        route = "Raise a safeguarding adults concern with adult social care (Care Act s42)."
    if question.risks & PUBLIC_INTEREST_RISKS:
        reasons.append(
            Reason(
                Code.PUBLIC_INTEREST_CASE,
                "The facts may justify disclosure in the public interest; that is a decision for the right person, "
                "weighing the risk against the duty of confidence.",
                Citation(provision="Common-law duty of confidence: public interest test"),
            )
        )
        escalations.append(
            Escalation(
                _decision_maker(facts),
                "Decide whether disclosure is justified in the public interest.",
                _escalation_contact(registry, discloser, _decision_maker(facts).value),
            )
        )
        route = route or "Ask your Caldicott Guardian or DPO to decide on a public-interest disclosure."
    if facts.deceased:
        reasons.append(
            Reason(
                Code.DECEASED_PERSON,
                "The records are of a deceased person: data protection law does not apply, but the duty of "
                "confidence survives death.",
                Citation(provision="Common-law duty of confidence; Caldicott principles"),
            )
        )
        escalations.append(
            Escalation(
                _decision_maker(facts),
                "Decide on disclosure of a deceased person's records.",
                _escalation_contact(registry, discloser, _decision_maker(facts).value),
            )
        )
        route = route or "Ask your Caldicott Guardian or DPO to decide."
    return reasons, escalations, route


ONWARD_STRICTNESS = {
    OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES: 0,
    OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT: 1,
    OnwardDisclosure.PROHIBITED: 2,
}


def _flows_between(agreement: Agreement, origin: str, discloser: str, registry: RegistrySnapshot) -> list[Flow]:
    """The flows along which ``origin`` could have sent information to ``discloser``."""
    origin_type = registry.organisations[origin].type
    discloser_type = registry.organisations[discloser].type
    return [
        flow
        for flow in agreement.flows
        if any(_endpoint_matches(e, origin, origin_type, True) for e in flow.source)
        and any(_endpoint_matches(e, discloser, discloser_type, True) for e in flow.recipient)
    ]


def _received_under(agreement_id: str, facts: _Facts, registry: RegistrySnapshot) -> AgreementRevision | None:
    """The latest revision, effective by the date, under which the origin could have sent to the discloser.

    Looking back through revisions keeps the limits on information already received even after
    the discloser has left the agreement.
    """
    question = facts.question
    origin = question.received_from or ""
    for revision in reversed(registry.histories.get(agreement_id, ())):
        agreement = revision.agreement
        if agreement.effective_from is None or agreement.effective_from > question.as_of:
            continue
        if (
            agreement.party(origin) is not None
            and agreement.party(question.discloser) is not None
            and _flows_between(agreement, origin, question.discloser, registry)
        ):
            return revision
    return None


def _onward_limit(
    facts: _Facts, registry: RegistrySnapshot, covering: _Evaluation | None
) -> tuple[Reason, OnwardDisclosure] | None:
    """ONWARD_DISCLOSURE_*: information received from another agency keeps the limits it came with.

    The agreement it came under is the one named in ``received_under``; failing that, the agreement
    the onward share falls under when the information could have come under it; failing that, every
    agreement it could have come under, and the strictest limit applies.
    """
    question = facts.question
    origin = question.received_from
    if origin is None or origin == question.discloser:
        return None
    ids = (question.received_under,) if question.received_under else registry.agreements_with_party(origin)
    candidates = {i: r for i in ids if (r := _received_under(i, facts, registry)) is not None}
    if not question.received_under and covering is not None and covering.agreement_id in candidates:
        candidates = {covering.agreement_id: candidates[covering.agreement_id]}
    origin_name = registry.organisations[origin].name
    strictest: tuple[Reason, OnwardDisclosure] | None = None
    for agreement_id in sorted(candidates):
        revision = candidates[agreement_id]
        agreement = revision.agreement
        flows = _flows_between(agreement, origin, question.discloser, registry)
        limits = [f.restrictions for f in flows if f.restrictions is not None] or [agreement.restrictions]
        level = max((limit.onward_disclosure for limit in limits), key=ONWARD_STRICTNESS.__getitem__)
        cite = Citation(agreement.id, agreement.version, revision.revision, flows[0].id if len(flows) == 1 else None)
        if level is OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES:
            recipient_in = question.recipient is not None and agreement.party(question.recipient) is not None
            if recipient_in and question.purpose in agreement.purpose_ids():
                continue
            # Permitted only within that agreement: anything beyond it needs the originator.
            level = OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT
        if level is OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT and question.originator_agreed:
            reason = Reason(
                Code.ONWARD_DISCLOSURE_ORIGINATOR_AGREED,
                f"{origin_name} has agreed to the information it shared under {agreement.id} being passed on.",
                cite,
            )
            level = OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES
        elif level is OnwardDisclosure.PROHIBITED:
            reason = Reason(
                Code.ONWARD_DISCLOSURE_PROHIBITED,
                f"The information came from {origin_name}, which shares with you under {agreement.id}; "
                f"that agreement prohibits passing it on.",
                cite,
            )
        else:
            reason = Reason(
                Code.ONWARD_DISCLOSURE_NEEDS_ORIGINATOR_CONSENT,
                f"The information came from {origin_name}, which shares with you under {agreement.id}; "
                f"{origin_name} must agree before it is passed on.",
                cite,
            )
        if strictest is None or ONWARD_STRICTNESS[level] > ONWARD_STRICTNESS[strictest[1]]:
            strictest = (reason, level)
    return strictest


def _reserved_to_panel(
    facts: _Facts, registry: RegistrySnapshot, grace_override: int | None
) -> list[tuple[Reason, Escalation]]:
    """PANEL_DECISION_RESERVED: decisions an agreement in force reserves to a panel, even with no flow for them.

    The reservation binds the discloser as a signed party, whoever the recipient is.
    """
    question = facts.question
    found: list[tuple[Reason, Escalation]] = []
    for agreement_id in registry.agreements_with_party(question.discloser):
        compiled, in_force = registry.compiled_on(agreement_id, question.as_of)
        if not in_force or question.purpose not in compiled.reserved_purposes:
            continue
        agreement = compiled.revision.agreement
        grace = grace_override if grace_override is not None else agreement.review.lapse_grace_months
        active_until = compiled.active_until(grace)
        if active_until is None or question.as_of > active_until:
            continue
        if not compiled.signed(question.discloser, question.as_of):
            continue
        for reserved in agreement.restrictions.reserved_decisions:
            if reserved.purpose != question.purpose:
                continue
            found.append(
                (
                    Reason(
                        Code.PANEL_DECISION_RESERVED,
                        f"{agreement.id} reserves decisions on {reserved.purpose!r} to {reserved.decided_by}.",
                        Citation(agreement.id, agreement.version, compiled.revision.revision),
                    ),
                    Escalation(
                        EscalateTo.PANEL, f"The decision is reserved to {reserved.decided_by}.", reserved.decided_by
                    ),
                )
            )
    return found


def _summary_line(decision: Decision, headline: str) -> str:
    prefix = {Decision.COVERED: "Covered", Decision.NOT_COVERED: "Not covered", Decision.ESCALATE: "Escalate"}[decision]
    return f"{prefix}: {headline}"


@dataclass
class _Draft:
    """The answer while it is being assembled."""

    decision: Decision = Decision.NOT_COVERED
    headline: str = ""
    reasons: list[Reason] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    route: str | None = None


def _emergency(draft: _Draft, facts: _Facts, registry: RegistrySnapshot, chosen: _Evaluation | None, what: str) -> None:
    """EMERGENCY_SHARE_NOW: whatever the agreements say, share what is necessary now, then record and ratify."""
    draft.decision = Decision.ESCALATE
    draft.reasons.append(
        Reason(
            Code.EMERGENCY_SHARE_NOW,
            "In an emergency, share what is necessary and proportionate now to prevent serious harm or loss of "
            "life; record it and have the decision ratified afterwards.",
            Citation(provision="ICO Data sharing code: urgent situations; UK GDPR Art 6(1)(d), Art 9(2)(c)"),
        )
    )
    draft.obligations += [
        Obligation("SHARE_WHAT_IS_NECESSARY_NOW", "Share only what is necessary to deal with the emergency, now."),
        Obligation(
            "RATIFY_AFTER_EMERGENCY", "As soon as the emergency has passed, record the share and have it ratified."
        ),
    ]
    draft.escalations.append(
        Escalation(
            EscalateTo.DESIGNATED_SAFEGUARDING_LEAD,
            "Tell your safeguarding lead straight after sharing, so the decision is ratified and recorded.",
            _escalation_contact(registry, facts.question.discloser, "designated_safeguarding_lead"),
        )
    )
    if chosen is not None:
        draft.reasons.extend(chosen.passes)
    draft.headline = f"this is an emergency — share what is necessary now ({what}), then record and ratify."


def _within_agreement(
    draft: _Draft,
    chosen: _Evaluation,
    onward: tuple[Reason, OnwardDisclosure] | None,
    facts: _Facts,
    registry: RegistrySnapshot,
    what: str,
) -> None:
    """A flow covers the share: covered, unless a panel decides or the originating agency must agree first."""
    assert chosen.revision is not None
    agreement = chosen.revision.agreement
    origin = registry.organisations[facts.question.received_from].name if facts.question.received_from else ""
    draft.reasons.extend(chosen.passes)
    draft.obligations.extend(chosen.obligations)
    if onward is not None and onward[1] is OnwardDisclosure.PROHIBITED:
        draft.reasons.append(onward[0])
        outside_reasons, outside_escalations, outside_route = _outside_agreements(facts, registry)
        if outside_escalations:
            # A restriction on passing information on never silences a statutory duty: ask, urgently.
            draft.decision = Decision.ESCALATE
            draft.reasons.extend(outside_reasons)
            draft.escalations.append(
                Escalation(EscalateTo.ORIGINATING_AGENCY, f"Ask {origin} to share it directly, urgently.")
            )
            draft.escalations.extend(outside_escalations)
            draft.route = outside_route
            draft.headline = (
                f"{what}: the information came from {origin}, which does not allow passing it on; "
                "the duty to protect means asking them to share it directly now."
            )
        else:
            draft.decision = Decision.NOT_COVERED
            draft.route = f"Ask {origin} to share it directly if they agree it is needed."
            draft.headline = f"{what}: the information came from {origin}, which does not allow passing it on."
        return
    reserved = chosen.reserved
    if reserved:
        draft.decision = Decision.ESCALATE
        for decision in reserved:
            draft.reasons.append(
                Reason(
                    Code.PANEL_DECISION_RESERVED,
                    f"{agreement.id} reserves decisions on {facts.question.purpose!r} to {decision.decided_by}.",
                    Citation(agreement.id, agreement.version, chosen.revision.revision, chosen.flow_id),
                )
            )
            draft.escalations.append(
                Escalation(EscalateTo.PANEL, f"The decision is reserved to {decision.decided_by}.", decision.decided_by)
            )
        draft.headline = f"{what} is within {agreement.id}, but the decision is reserved to {reserved[0].decided_by}."
        return
    if onward is not None and onward[1] is OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT:
        draft.decision = Decision.ESCALATE
        draft.reasons.append(onward[0])
        draft.escalations.append(
            Escalation(EscalateTo.ORIGINATING_AGENCY, f"Ask {origin} to agree before you pass it on.")
        )
        draft.headline = f"{what} is within {agreement.id}, but {origin} must agree first."
        return
    if onward is not None:
        draft.reasons.append(onward[0])
    draft.decision = Decision.COVERED
    draft.headline = f"{agreement.title} v{agreement.version} (flow {chosen.flow_id}) covers {what}."


def _outside_any_agreement(
    draft: _Draft,
    evaluated: list[_Evaluation],
    nearest: Callable[[], _Evaluation | None],
    facts: _Facts,
    registry: RegistrySnapshot,
    grace_override: int | None,
    what: str,
) -> None:
    """No agreement covers: one that would once in force, a panel, a statutory or public-interest route, or none."""
    question = facts.question
    outside_reasons, outside_escalations, outside_route = _outside_agreements(facts, registry)
    would_cover = sorted((e for e in evaluated if e.would_cover_if_in_force), key=lambda e: e.agreement_id)
    reserved = _reserved_to_panel(facts, registry, grace_override)
    if not registry.agreements_with_party(question.discloser):
        draft.reasons.append(
            Reason(
                Code.NO_AGREEMENT_FOR_DISCLOSER,
                f"{registry.organisations[question.discloser].name} is not a party to any agreement in the registry.",
            )
        )
    if would_cover:
        draft.decision = Decision.ESCALATE
        for evaluation in would_cover:
            assert evaluation.revision is not None
            draft.reasons.append(
                Reason(
                    Code.AGREEMENT_WOULD_COVER_BUT_NOT_ACTIVE,
                    f"{evaluation.agreement_id} would cover this share, but on {question.as_of.isoformat()} it is "
                    f"{evaluation.status_on_date}.",
                    Citation(
                        evaluation.agreement_id,
                        evaluation.revision.agreement.version,
                        evaluation.revision.revision,
                        evaluation.flow_id,
                    ),
                )
            )
            draft.reasons.extend(evaluation.inactive)
        draft.escalations.append(
            Escalation(
                EscalateTo.DATA_PROTECTION_OFFICER,
                "The agreement that would cover this is not in force; decide whether to share on the underlying "
                "lawful basis while it is renewed.",
                _escalation_contact(registry, question.discloser, "data_protection_officer"),
            )
        )
        draft.escalations.append(
            Escalation(EscalateTo.AGREEMENT_OWNER, f"Renew or reinstate {would_cover[0].agreement_id}.")
        )
        draft.reasons.extend(outside_reasons)
        draft.escalations.extend(outside_escalations)
        draft.route = outside_route or f"Ask the owner of {would_cover[0].agreement_id} to renew it."
        draft.headline = f"{would_cover[0].agreement_id} would cover {what}, but it is {would_cover[0].status_on_date}."
    elif reserved:
        draft.decision = Decision.ESCALATE
        for reason, escalation in reserved:
            draft.reasons.append(reason)
            draft.escalations.append(escalation)
        draft.reasons.extend(outside_reasons)
        draft.escalations.extend(outside_escalations)
        draft.route = outside_route or f"Take it to {reserved[0][1].contact}."
        draft.headline = f"{what} is a decision reserved to {reserved[0][1].contact}."
    elif outside_escalations and not facts.capacitous_refusal:
        draft.decision = Decision.ESCALATE
        draft.reasons.extend(outside_reasons)
        draft.escalations.extend(outside_escalations)
        draft.route = outside_route
        draft.headline = f"no agreement covers {what}, but the law gives a route: {outside_route}"
    else:
        draft.decision = Decision.NOT_COVERED
        closest = nearest()
        if closest is not None:
            closest.explain()
            draft.reasons.extend(closest.inactive + closest.party + closest.flow + closest.legal)
        if facts.capacitous_refusal:
            draft.route = (
                "Respect the refusal and record it; keep offering support, and revisit if a risk to others or a "
                "serious crime emerges. Seek advice from your safeguarding lead if unsure."
            )
        elif closest is not None and closest.fixes:
            draft.route = f"Nearest is {closest.agreement_id}: {'; '.join(dict.fromkeys(closest.fixes))}."
        else:
            draft.route = (
                "Seek consent, or ask your DPO whether another lawful basis or a one-off disclosure agreement fits."
            )
        draft.reasons.append(
            Reason(
                Code.NO_ROUTE,
                "No agreement covers this share and the facts give no statutory or public-interest route.",
            )
        )
        draft.headline = f"{what}. {draft.route}"


def check_share(question: ShareQuestion, registry: RegistrySnapshot, *, grace_months: int | None = None) -> ShareAnswer:
    """Decide whether a proposed share is covered, not covered, or must be escalated, and why."""
    problems = _question_problems(question, registry)
    if problems:
        raise QuestionError(problems)
    facts = _derive_facts(question, registry)
    vocabulary = registry.vocabulary
    names = registry.organisations
    candidates = registry.agreements_with_party(question.discloser)
    screens: dict[str, _Screen] = {}

    def screen(agreement_id: str) -> _Screen:
        found = screens.get(agreement_id)
        if found is None:
            found = screens[agreement_id] = _screen(agreement_id, facts, registry, grace_months)
        return found

    # Only an agreement both organisations are party to can cover a share to a registered recipient, and only
    # one with a flow for the share can cover it or fail it in law: the rest are written out if the answer shows them.
    both = registry.agreement_ids_with_party(question.recipient) if question.recipient is not None else None
    deciding = [screen(a) for a in candidates if both is None or a in both]
    evaluated: dict[str, _Evaluation] = {
        s.agreement_id: _evaluate(s, facts, registry, grace_months) for s in deciding if s.worth_evaluating
    }
    covering = [e for e in evaluated.values() if e.covers]
    chosen = min(covering, key=lambda e: e.agreement_id) if covering else None

    def all_evaluations() -> list[_Evaluation]:
        for agreement_id in candidates:
            if agreement_id not in evaluated:
                evaluated[agreement_id] = _evaluate(screen(agreement_id), facts, registry, grace_months)
        return [evaluated[key] for key in sorted(evaluated)]

    def nearest() -> _Evaluation | None:
        every = all_evaluations()
        return chosen or (min(every, key=_Evaluation.distance) if every else None)

    recipient_name = (
        names[question.recipient].name
        if question.recipient
        else _label(vocabulary.organisation_types, question.recipient_type or "")
    )
    categories = ", ".join(_label(vocabulary.data_categories, c) for c in sorted(set(question.data_categories)))
    what = (
        f"{names[question.discloser].name} sharing {categories} "
        f"with {recipient_name} for {_label(vocabulary.purposes, question.purpose)}"
    )
    draft = _Draft()
    if question.urgency is Urgency.EMERGENCY:
        _emergency(draft, facts, registry, chosen, what)
    elif chosen is not None:
        _within_agreement(draft, chosen, _onward_limit(facts, registry, chosen), facts, registry, what)
    else:
        _outside_any_agreement(draft, list(evaluated.values()), nearest, facts, registry, grace_months, what)
    covering_agreement = chosen.revision.agreement if chosen is not None else None
    obligations = draft.obligations
    if draft.decision is not Decision.NOT_COVERED:
        obligations = _standard_obligations(facts, registry, covering_agreement) + obligations

    def explain() -> tuple[tuple[AgreementEvaluation, ...], AgreementEvaluation | None]:
        closest = nearest()
        frozen = {e.agreement_id: e.freeze() for e in all_evaluations()}
        return tuple(frozen[key] for key in sorted(frozen)), frozen[closest.agreement_id] if closest else None

    return ShareAnswer(
        decision=draft.decision,
        summary=_summary_line(draft.decision, draft.headline),
        reasons=tuple(draft.reasons),
        obligations=tuple(dict.fromkeys(obligations)),
        escalations=tuple(dict.fromkeys(draft.escalations)),
        route=draft.route,
        explain=explain,
    )
