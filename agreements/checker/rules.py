"""The rules applied to one agreement: status, parties, flows, Art 6, Art 9 and Sch 1, Art 10, consent, restrictions.

``screen`` finds cheaply whether an agreement can decide the share; ``evaluate`` writes out every reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from agreements.answer import (
    AgreementEvaluation,
    Citation,
    Code,
    Obligation,
    Reason,
)
from agreements.checker.facts import (
    Facts,
)
from agreements.checker.terms import (
    ART6_CONSENT,
    ART6_VITAL_INTERESTS,
    ART9_EXPLICIT_CONSENT,
    ART9_HEALTH_OR_SOCIAL_CARE,
    ART9_VITAL_INTERESTS,
    ART10_OFFICIAL_AUTHORITY,
    GAP_WEIGHTS,
    OVERRIDES_CAPACITOUS_REFUSAL,
    SCH1_PREVENTING_UNLAWFUL_ACTS,
    SCH1_SAFEGUARDING,
    SCH1_WITHOUT_CONSENT,
    label,
)
from agreements.index import CompiledAgreement, add_months
from agreements.model import (
    Agreement,
    AgreementRevision,
    AgreementStatus,
    ConsentDefault,
    Endpoint,
    Flow,
    OnwardDisclosure,
    Party,
    ReservedDecision,
    Restrictions,
)
from agreements.question import ConsentStatus, NotSoughtReason, RiskFact
from agreements.snapshot import RegistrySnapshot
from agreements.vocabulary import Schedule1Condition


@dataclass(slots=True)
class Evaluation:
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
    unmatched: tuple[CompiledAgreement, tuple[int, int, int, int], Facts, RegistrySnapshot] | None = None
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

    def nearest_flow(self) -> tuple[Flow, int] | None:
        if self.unmatched is not None and self._nearest is None:
            compiled, masks, _, _ = self.unmatched
            self._nearest = nearest_flow(compiled, masks)
        return self._nearest

    def distance(self) -> tuple[int, int, int, str]:
        """How far from covering: the weight of flow and party gaps, then legal, then status failures."""
        nearest = self.nearest_flow()
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

    def explain(self) -> Evaluation:
        """Write the nearest flow's gaps and their fixes, if they are still only masks."""
        nearest = self.nearest_flow()
        if self.unmatched is not None and nearest is not None:
            _, _, facts, registry = self.unmatched
            flow = nearest[0]
            agreement = self.revision.agreement
            flow_cite = Citation(agreement.id, agreement.version, self.revision.revision, flow.id)
            gaps = flow_gaps(flow, agreement, facts, registry)
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


# ---------------------------------------------------------------- status and parties


def status_rules(evaluation: Evaluation, agreement: Agreement, cite: Citation, as_of: date, grace: int) -> None:
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


def party_rules(
    evaluation: Evaluation,
    compiled: CompiledAgreement,
    facts: Facts,
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
                f"The recipient is a {label(registry.vocabulary.organisation_types, facts.recipient_type or '')} "
                "outside the agreement; only a flow naming that type can cover it, and the recipient is not "
                "bound by the agreement.",
                cite,
            )
        )
    return discloser


# ---------------------------------------------------------------- flows


def endpoint_matches(
    endpoint: Endpoint, organisation_id: str | None, organisation_type: str | None, party: bool
) -> bool:
    if endpoint.any_party:
        return party
    if endpoint.organisation is not None:
        return endpoint.organisation == organisation_id
    return endpoint.organisation_type == organisation_type


def flow_gaps(flow: Flow, agreement: Agreement, facts: Facts, registry: RegistrySnapshot) -> list[tuple[Reason, str]]:
    """FLOW_NOT_FOUND / FLOW_PURPOSE_MISMATCH / FLOW_DATA_SUBJECT_MISMATCH / FLOW_CATEGORY_EXCEEDS, with fixes."""
    question = facts.question
    vocabulary = registry.vocabulary
    gaps: list[tuple[Reason, str]] = []
    recipient_is_party = question.recipient is not None and agreement.party(question.recipient) is not None
    sends = any(endpoint_matches(e, question.discloser, facts.discloser_type, True) for e in flow.source)
    receives = any(
        endpoint_matches(e, question.recipient, facts.recipient_type, recipient_is_party) for e in flow.recipient
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
                    f"Purpose {label(vocabulary.purposes, question.purpose)!r} is not in flow {flow.id}.",
                ),
                f"add purpose {question.purpose!r} to flow {flow.id}",
            )
        )
    if question.subject.type not in flow.data_subjects:
        gaps.append(
            (
                Reason(
                    Code.FLOW_DATA_SUBJECT_MISMATCH,
                    f"Data subject {label(vocabulary.data_subject_types, question.subject.type)!r} "
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
        listed = ", ".join(repr(label(vocabulary.data_categories, c)) for c in exceeding)
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
    evaluation: Evaluation,
    compiled: CompiledAgreement,
    flow: Flow,
    party: Party,
    facts: Facts,
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


def preference(schedule1: str | None, facts: Facts) -> int:
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
    condition: Schedule1Condition, facts: Facts, party: Party, cite: Citation
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
    evaluation: Evaluation,
    compiled: CompiledAgreement,
    flow: Flow,
    party: Party,
    facts: Facts,
    cite: Citation,
    registry: RegistrySnapshot,
) -> None:
    """ART9_CONDITION / ART9_CONDITION_MISSING / SCH1_*: special category data needs Art 9(2) and Sch 1."""
    if not facts.special:
        return
    vocabulary = registry.vocabulary
    question = facts.question
    listed = ", ".join(label(vocabulary.data_categories, c) for c in facts.special)
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
    for entry in sorted(entries, key=lambda e: preference(e.schedule1, facts)):
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
    evaluation: Evaluation,
    compiled: CompiledAgreement,
    flow: Flow,
    party: Party,
    facts: Facts,
    cite: Citation,
    registry: RegistrySnapshot,
) -> None:
    """ART10_ROUTE / ART10_ROUTE_MISSING: criminal offence data needs official authority or a Sch 1 condition."""
    if not facts.criminal:
        return
    vocabulary = registry.vocabulary
    question = facts.question
    listed = ", ".join(label(vocabulary.data_categories, c) for c in facts.criminal)
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
    for entry in sorted(entries, key=lambda e: preference(e.schedule1, facts)):
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


def consent_rules(evaluation: Evaluation, agreement: Agreement, facts: Facts, cite: Citation) -> None:
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


def restriction_rules(evaluation: Evaluation, agreement: Agreement, flow: Flow, facts: Facts, cite: Citation) -> None:
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


def nearest_flow(compiled: CompiledAgreement, masks: tuple[int, int, int, int]) -> tuple[Flow, int]:
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
class Screen:
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


def screen(agreement_id: str, facts: Facts, registry: RegistrySnapshot, grace_override: int | None) -> Screen:
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
    return Screen(
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


def evaluate(screened: Screen, facts: Facts, registry: RegistrySnapshot, grace_override: int | None) -> Evaluation:
    """The full evaluation of one agreement, with every reason written out."""
    question = facts.question
    revision = screened.revision
    compiled = screened.compiled
    agreement_id = screened.agreement_id
    agreement = revision.agreement
    cite = Citation(agreement.id, agreement.version, revision.revision)
    grace = grace_override if grace_override is not None else agreement.review.lapse_grace_months
    if not screened.in_force:
        # Judge what the agreement will say, so that "would cover once in force" is true only if it would.
        evaluation = Evaluation(agreement_id, revision, "not yet in force")
        effective = agreement.effective_from
        when = f" until {effective.isoformat()}" if effective else " (it has no effective-from date)"
        evaluation.inactive.append(
            Reason(Code.AGREEMENT_NOT_YET_IN_FORCE, f"{agreement_id} is not in force{when}.", cite)
        )
        signed_by = effective or question.as_of
        status_rules(evaluation, agreement, cite, signed_by, grace)
    else:
        evaluation = Evaluation(agreement_id, revision, agreement.status.value)
        signed_by = question.as_of
        status_rules(evaluation, agreement, cite, question.as_of, grace)
    evaluation.serves_purpose = question.purpose in compiled.purposes
    party = party_rules(evaluation, compiled, facts, cite, registry, signed_by)
    if screened.prohibited:
        # No flow to suggest: an agreement that forbids a purpose is not to be stretched to cover it.
        evaluation.legal.append(
            Reason(
                Code.PURPOSE_PROHIBITED,
                f"{agreement.id} prohibits sharing for {label(registry.vocabulary.purposes, question.purpose)!r}.",
                cite,
            )
        )
        return evaluation
    if not compiled.flows:
        evaluation.flow.append(Reason(Code.FLOW_NOT_FOUND, f"{agreement.id} has no flows.", cite))
        return evaluation

    matching = screened.matching
    if not matching:
        evaluation.unmatched = (compiled, screened.masks, facts, registry)
        return evaluation
    matching_flows = [flow for index, flow in enumerate(compiled.flows) if matching >> index & 1]
    if party is None:
        evaluation.flow_id = matching_flows[0].id
        return evaluation

    # Several flows may match; the first whose legal checks pass covers (by id, for determinism).
    best: Evaluation | None = None
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
        consent_rules(trial, agreement, facts, flow_cite)
        restriction_rules(trial, agreement, flow, facts, flow_cite)
        if not trial.legal:
            return trial
        if best is None or len(trial.legal) < len(best.legal):
            best = trial
    assert best is not None
    return best
