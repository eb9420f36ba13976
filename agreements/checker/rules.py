"""The rules applied to one agreement: status, parties, flows, Art 6, Art 9 and Sch 1, Art 10, consent, restrictions.

``screen`` finds cheaply whether an agreement can decide the share; ``evaluate`` writes out every reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

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
    ART6_LEGAL_OBLIGATION,
    ART6_LEGITIMATE_INTERESTS,
    ART6_PUBLIC_TASK,
    ART6_RECOGNISED_LEGITIMATE_INTEREST,
    ART6_VITAL_INTERESTS,
    ART9_EXPLICIT_CONSENT,
    ART9_HEALTH_OR_SOCIAL_CARE,
    ART9_VITAL_INTERESTS,
    ART10_OFFICIAL_AUTHORITY,
    GAP_WEIGHTS,
    LOCATION_MUST_NOT_REACH,
    OVERRIDES_CAPACITOUS_REFUSAL,
    SCH1_CONSENT,
    SCH1_PREVENTING_UNLAWFUL_ACTS,
    SCH1_SAFEGUARDING,
    SCH1_WITHOUT_CONSENT,
    label,
)
from agreements.index import CompiledAgreement
from agreements.model import (
    Agreement,
    AgreementRevision,
    AgreementStatus,
    Art6Entry,
    Art9Entry,
    Art10Entry,
    ConsentDefault,
    Flow,
    Frequency,
    OnwardDisclosure,
    Party,
    ReservedDecision,
)
from agreements.question import ConsentStatus, RiskFact
from agreements.snapshot import RegistrySnapshot

CRIME_AND_DISORDER = "cda1998-s115"
BULK_FREQUENCIES = frozenset({Frequency.BULK, Frequency.SCHEDULED})
NO_ONWARD_DISCLOSURE = Obligation(
    "NO_ONWARD_DISCLOSURE", "The recipient must not pass the information on to anyone else."
)
ONWARD_NEEDS_CONSENT = Obligation(
    "ONWARD_DISCLOSURE_NEEDS_CONSENT", "The recipient must not pass the information on without your agency's agreement."
)


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
        """True when no flow carries the share (written out or still only masks)."""
        return bool(self.flow) or self.unmatched is not None

    @property
    def covers(self) -> bool:
        """True when the agreement covers the share: in force, parties signed, a flow, and the law met."""
        return not (self.inactive or self.party or self.has_flow_gap or self.legal)

    @property
    def would_cover_if_in_force(self) -> bool:
        """True when only the agreement's status or dates stop it covering the share."""
        return bool(self.inactive) and not (self.party or self.has_flow_gap or self.legal)

    def nearest_flow(self) -> tuple[Flow, int] | None:
        """The flow nearest to carrying the share, with its gap weight, when none carries it."""
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
        """The finished, immutable evaluation for the answer."""
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
        lapses_after = agreement.lapses_after(grace)
        assert lapses_after is not None
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


def flow_gaps(flow: Flow, agreement: Agreement, facts: Facts, registry: RegistrySnapshot) -> list[tuple[Reason, str]]:
    """FLOW_NOT_FOUND / FLOW_PURPOSE_MISMATCH / FLOW_DATA_SUBJECT_MISMATCH / FLOW_CATEGORY_EXCEEDS, with fixes."""
    question = facts.question
    vocabulary = registry.vocabulary
    gaps: list[tuple[Reason, str]] = []
    recipient_is_party = question.recipient is not None and agreement.party(question.recipient) is not None
    sends = flow.sends_from(question.discloser, facts.discloser_type, True)
    receives = flow.sends_to(question.recipient, facts.recipient_type, recipient_is_party)
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
    missing_subjects = sorted(facts.subject_types - set(flow.data_subjects))
    if missing_subjects:
        listed = ", ".join(repr(label(vocabulary.data_subject_types, s)) for s in missing_subjects)
        gaps.append(
            (
                Reason(Code.FLOW_DATA_SUBJECT_MISMATCH, f"Data subjects {listed} are not in flow {flow.id}."),
                f"add data subjects {', '.join(repr(s) for s in missing_subjects)} to flow {flow.id}",
            )
        )
    exceeding = [
        category
        for category in sorted(facts.categories)
        if not any(vocabulary.permits(permitted, category) for permitted in flow.data_categories)
    ]
    if exceeding:
        listed = ", ".join(repr(label(vocabulary.data_categories, c)) for c in exceeding)
        restricted = [c for c in exceeding if vocabulary.restrictions_of(c)]
        why = (
            " (special category, criminal offence and process-owned records must be named by the flow itself, "
            "not inherited from a general category)"
            if restricted
            else ""
        )
        gaps.append(
            (
                Reason(Code.FLOW_CATEGORY_EXCEEDS, f"Data categories {listed} exceed flow {flow.id}{why}."),
                f"add data categories {', '.join(repr(c) for c in exceeding)} to flow {flow.id}"
                " (or share without them)",
            )
        )
    return gaps


# ---------------------------------------------------------------- the context every legal rule reads


@dataclass(slots=True)
class Context:
    """One agreement, one matching flow, the discloser's party record and the facts: what a legal rule reads."""

    evaluation: Evaluation
    compiled: CompiledAgreement
    flow: Flow
    party: Party
    facts: Facts
    cite: Citation
    registry: RegistrySnapshot

    @property
    def agreement(self) -> Agreement:
        """The agreement version being applied."""
        return self.compiled.revision.agreement

    def at(self, provision: str | None) -> Citation:
        """The flow's citation with a legal provision."""
        return Citation(self.cite.agreement_id, self.cite.version, self.cite.revision, self.cite.flow_id, provision)

    def fail(self, code: Code, message: str, provision: str | None = None, fix: str | None = None) -> None:
        """A legal failure: the agreement does not cover the share."""
        self.evaluation.legal.append(Reason(code, message, self.at(provision) if provision else self.cite))
        if fix:
            self.evaluation.fixes.append(fix)

    def passed(self, code: Code, message: str, provision: str | None = None) -> None:
        """A rule met, with its citation."""
        self.evaluation.passes.append(Reason(code, message, self.at(provision) if provision else self.cite))

    def bases(self, article: str, organisation_id: str | None = None) -> tuple[Any, ...]:
        """The entries of one article that apply to this flow, purpose and party (the discloser by default)."""
        return self.compiled.bases(
            self.flow, article, self.facts.question.purpose, organisation_id or self.facts.question.discloser
        )


# ---------------------------------------------------------------- Article 6


def annex1_condition(facts: Facts) -> str | None:
    """The UK GDPR Annex 1 condition the facts meet, for Art 6(1)(ea); ``None`` when none is met.

    Annex 1 (Data (Use and Access) Act 2025 Sch 4): para 1 a request from a body that needs the data
    for a public task; para 5 crime; paras 6-7 safeguarding a vulnerable individual (under 18, or an
    adult at risk). Emergencies in the Civil Contingencies Act sense (paras 3-4) are not individual cases.
    """
    if facts.para18_eligible:
        return "UK GDPR Annex 1 paras 6-7 (safeguarding vulnerable individuals)"
    crime_risks = {RiskFact.SERIOUS_CRIME, RiskFact.HIGH_RISK_DOMESTIC_ABUSE}
    if (
        facts.purpose.law_enforcement
        or CRIME_AND_DISORDER in facts.purpose.gateways
        or facts.recipient_competent_authority
        or facts.question.risks & crime_risks
    ):
        return "UK GDPR Annex 1 para 5 (crime)"
    if facts.question.statutory_request is not None and facts.recipient_public_authority:
        return "UK GDPR Annex 1 para 1 (disclosure on request for a public task)"
    return None


def art6_order(entry: Art6Entry, facts: Facts) -> int:
    """Which of several bases to cite: the one that fits the discloser.

    A public authority acts under its public task before a legal obligation, unless a specific statutory
    duty to share is the point; consent only where it was given; vital interests last.
    """
    if facts.discloser_public_authority:
        order = [ART6_PUBLIC_TASK, ART6_LEGAL_OBLIGATION]
        if facts.duty is not None:
            order.reverse()
    else:
        order = [ART6_RECOGNISED_LEGITIMATE_INTEREST, ART6_LEGITIMATE_INTERESTS, ART6_PUBLIC_TASK]
    if facts.everyone_consented:
        order.insert(0 if not facts.discloser_public_authority else len(order), ART6_CONSENT)
    return order.index(entry.basis) if entry.basis in order else len(order) + (entry.basis == ART6_VITAL_INTERESTS)


def art6_basis(ctx: Context) -> None:
    """ART6_BASIS: a basis valid for this discloser (UK GDPR Art 6(1); no (f) or (ea) for a public task)."""
    facts = ctx.facts
    question = facts.question
    vocabulary = ctx.registry.vocabulary
    entries: tuple[Art6Entry, ...] = ctx.bases("art6")
    if not entries:
        ctx.fail(
            Code.ART6_BASIS_MISSING,
            f"No Art 6 basis is stated for {question.purpose!r} by this discloser.",
            fix=f"state an Art 6 basis for {question.purpose!r} in {ctx.agreement.id}",
        )
        return
    if unknown_terms(ctx, "art6", entries):
        return
    rejected: list[Reason] = []
    for entry in sorted(entries, key=lambda e: art6_order(e, facts)):
        basis = vocabulary.art6_bases[entry.basis]
        here = ctx.at(basis.citation)
        annex1 = annex1_condition(facts) if entry.basis == ART6_RECOGNISED_LEGITIMATE_INTEREST else None
        if ctx.party.public_authority and not basis.public_authority_may_rely_for_tasks:
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
                    Code.ART6_NOT_YET_IN_FORCE, f"{basis.citation} was not in force until {basis.in_force_from}.", here
                )
            )
        elif entry.basis == ART6_CONSENT and not facts.everyone_consented:
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
        elif entry.basis == ART6_RECOGNISED_LEGITIMATE_INTEREST and annex1 is None:
            rejected.append(
                Reason(
                    Code.ART6_ANNEX1_CONDITION_NOT_MET,
                    "Recognised legitimate interest needs one of the Annex 1 conditions on the facts (safeguarding "
                    "a child or adult at risk, crime, a public body's request); none is met.",
                    here,
                )
            )
        else:
            extra = f" ({annex1})" if annex1 else ""
            ctx.passed(
                Code.ART6_BASIS, f"{basis.citation}: {basis.label}{extra}; source: {entry.source}.", basis.citation
            )
            if ctx.party.competent_authority and not facts.purpose.law_enforcement:
                ctx.passed(
                    Code.AUTHORISED_BY_LAW,
                    "Data held for law enforcement may be shared for another purpose only where authorised by law; "
                    f"authorised by {entry.source}.",
                    "DPA 2018 s36(4)",
                )
            return
    ctx.evaluation.legal.extend(rejected)
    ctx.evaluation.fixes.append(f"state an Art 6 basis this discloser can rely on for {question.purpose!r}")


def law_enforcement_processing(ctx: Context) -> None:
    """LAW_ENFORCEMENT_PROCESSING: a competent authority sharing for a law enforcement purpose acts under Part 3.

    Part 3 of the DPA 2018, not the UK GDPR, then governs: no Art 6/9/10 basis is needed, but sensitive
    processing (special category data) needs a Schedule 8 condition and the s42 appropriate policy document.
    """
    facts = ctx.facts
    if facts.special and not ctx.party.apd_reference:
        ctx.fail(
            Code.APD_MISSING,
            "Sensitive processing for law enforcement needs the discloser's appropriate policy document (s42); "
            "none is on file.",
            "DPA 2018 s35(5), s42",
            f"record the discloser's s42 appropriate policy document in {ctx.agreement.id}",
        )
    else:
        ctx.passed(
            Code.LAW_ENFORCEMENT_PROCESSING,
            "A competent authority processing for a law enforcement purpose acts under DPA 2018 Part 3: lawful and "
            "fair processing (s35), further processing for another law enforcement purpose where authorised by law "
            "and necessary and proportionate (s36(3)); sensitive processing needs a Schedule 8 condition and the "
            "s42 appropriate policy document.",
            "DPA 2018 Part 3: ss31, 35, 36(3), 42 and Sch 8",
        )


# ---------------------------------------------------------------- Article 9, Article 10 and Schedule 1


@dataclass(slots=True)
class Candidate:
    """One way of meeting Art 9 or Art 10: its provision, why it fails on these facts, what it adds if met."""

    provision: str
    failures: list[Reason]
    passes: list[Reason] = field(default_factory=list)


def first_condition_met(ctx: Context, candidates: Iterable[Candidate]) -> Candidate | None:
    """The first candidate whose own preconditions hold; otherwise every candidate's failures are recorded.

    Candidates are built lazily, in the order that fits the facts: the usual case stops at the first. A
    condition passed over only because consent was given is noted, so the answer says why it is not cited.
    """
    tried: list[Candidate] = []
    for candidate in candidates:
        if not candidate.failures:
            for earlier in tried:
                ctx.evaluation.passes.extend(r for r in earlier.failures if r.code is Code.SCH1_WITHOUT_CONSENT_ONLY)
            return candidate
        tried.append(candidate)
    for candidate in tried:
        ctx.evaluation.legal.extend(candidate.failures)
    return None


def unknown_terms(ctx: Context, article: str, entries: Iterable[Any]) -> bool:
    """UNKNOWN_TERM: a basis naming a term the vocabulary does not know fails the flow (fail closed, never skipped)."""
    vocabulary = ctx.registry.vocabulary
    terms = {"art6": vocabulary.art6_bases, "art9": vocabulary.art9_conditions, "art10": vocabulary.art10_routes}
    field_name = {"art6": "basis", "art9": "condition", "art10": "route"}[article]
    found = False
    for entry in entries:
        term = getattr(entry, field_name)
        schedule1 = getattr(entry, "schedule1", None)
        if term not in terms[article]:
            ctx.fail(Code.UNKNOWN_TERM, f"{term!r} ({article}) is not in the vocabulary {vocabulary.version}.")
            found = True
        if schedule1 is not None and schedule1 not in vocabulary.schedule1_conditions:
            ctx.fail(
                Code.UNKNOWN_TERM, f"Schedule 1 condition {schedule1!r} is not in the vocabulary {vocabulary.version}."
            )
            found = True
    return found


def preference(schedule1: str | None, facts: Facts, with_consent: bool) -> int:
    """Which of several conditions to cite: the one that fits the facts, not the first by id.

    With consent, the conditions that rest on consent first. Without it, para 18 fits safeguarding where
    it is available; para 10 fits a disclosure to a competent authority (police, probation), and is a poor
    fit elsewhere; statutory and health conditions sit between.
    """
    if schedule1 == SCH1_CONSENT:
        return 0 if with_consent else 5
    if schedule1 == SCH1_SAFEGUARDING:
        return 1 if facts.para18_eligible else 4
    if schedule1 == SCH1_PREVENTING_UNLAWFUL_ACTS:
        return 1 if facts.recipient_competent_authority else 3
    return 2


def schedule1_candidate(
    ctx: Context, schedule1_id: str | None, head: str, with_consent: bool, via_36: bool = False
) -> Candidate:
    """A Schedule 1 condition with its own preconditions: para 18 eligibility, without-consent only, the APD."""
    facts = ctx.facts
    vocabulary = ctx.registry.vocabulary
    condition = vocabulary.schedule1_conditions.get(schedule1_id) if schedule1_id else None
    if condition is None:
        if schedule1_id is not None:
            return Candidate(
                head, [Reason(Code.UNKNOWN_TERM, f"Schedule 1 condition {schedule1_id!r} is not in the vocabulary.")]
            )
        return Candidate(head, [Reason(Code.SCH1_CONDITION_MISSING, f"{head} needs a DPA 2018 Schedule 1 condition.")])
    provision = f"{head} + {condition.citation}" + (" via para 36" if via_36 else "")
    here = ctx.at(condition.citation)
    failures: list[Reason] = []
    passes: list[Reason] = []
    if condition.id == SCH1_SAFEGUARDING and not facts.para18_eligible:
        failures.append(
            Reason(
                Code.SCH1_PARA18_NOT_ELIGIBLE,
                "Para 18 protects children and adults 'at risk' (care and support needs, experiencing or at risk of "
                "harm, unable to protect themselves); no one the share protects is either on these facts.",
                here,
            )
        )
    if condition.id in SCH1_WITHOUT_CONSENT and with_consent:
        failures.append(
            Reason(
                Code.SCH1_WITHOUT_CONSENT_ONLY,
                f"{condition.citation} applies only to processing without the data subject's consent.",
                here,
            )
        )
    if condition.id == SCH1_CONSENT and not with_consent:
        failures.append(
            Reason(Code.SCH1_CONSENT_NOT_OBTAINED, f"{condition.citation} needs the person's consent.", here)
        )
    if condition.apd_required:
        if condition.id == SCH1_PREVENTING_UNLAWFUL_ACTS and facts.recipient_competent_authority:
            passes.append(
                Reason(
                    Code.APD_NOT_NEEDED_COMPETENT_AUTHORITY,
                    "No appropriate policy document is needed for a disclosure to a competent authority.",
                    ctx.at("DPA 2018 Sch 1 para 10(2)"),
                )
            )
        elif not ctx.party.apd_reference:
            failures.append(
                Reason(
                    Code.APD_MISSING,
                    f"{condition.citation} needs the discloser's appropriate policy document, and none is on file.",
                    ctx.at("DPA 2018 Sch 1 para 5, Part 4"),
                )
            )
    return Candidate(provision, failures, passes)


def art9_candidates(ctx: Context, entries: tuple[Art9Entry, ...], with_consent: bool) -> Iterator[Candidate]:
    """Each stated Art 9(2) condition as a candidate, in the order that fits the facts, built when tried."""
    facts = ctx.facts
    # Explicit consent is an Art 9(2) condition in law whether or not the agreement lists it: obtaining consent
    # must never turn a share that was covered into one that is not. A public authority cites the conditions it
    # stated for its functions first (consent is rarely the right basis for a public authority, ICO).
    implicit = [(-1 if not ctx.party.public_authority else 50, -1, None)] if with_consent else []
    ordered = sorted(
        implicit + [(preference(e.schedule1, facts, with_consent), i, e) for i, e in enumerate(entries)],
        key=lambda item: (item[0], item[1]),
    )
    for _, _, entry in ordered:
        if entry is None:
            yield Candidate("UK GDPR Art 9(2)(a) (explicit consent)", [])
        else:
            yield art9_candidate(ctx, entry, with_consent)


def art9_candidate(ctx: Context, entry: Art9Entry, with_consent: bool) -> Candidate:
    """One stated Art 9(2) condition with its Schedule 1 condition, checked against the facts."""
    facts = ctx.facts
    vocabulary = ctx.registry.vocabulary
    condition = vocabulary.art9_conditions[entry.condition]
    here = ctx.at(condition.citation)
    if condition.requires_schedule1_part is not None:
        candidate = schedule1_candidate(ctx, entry.schedule1, condition.citation, with_consent)
        schedule1 = vocabulary.schedule1_conditions.get(entry.schedule1) if entry.schedule1 else None
        if schedule1 is not None and schedule1.part is not condition.requires_schedule1_part:
            candidate.failures.append(
                Reason(
                    Code.SCH1_WRONG_PART,
                    f"{condition.citation} needs a Part {condition.requires_schedule1_part.value} condition; "
                    f"{schedule1.citation} is in Part {schedule1.part.value}.",
                    here,
                )
            )
        elif schedule1 is None:
            candidate.failures[:] = [
                Reason(
                    Code.SCH1_CONDITION_MISSING,
                    f"{condition.citation} needs a DPA 2018 Schedule 1 "
                    f"Part {condition.requires_schedule1_part.value} condition (DPA 2018 s10).",
                    here,
                )
            ]
    else:
        candidate = Candidate(condition.citation, [])
    if entry.condition == ART9_EXPLICIT_CONSENT and not with_consent:
        candidate.failures.append(
            Reason(Code.ART9_EXPLICIT_CONSENT_NOT_OBTAINED, f"{condition.citation} needs explicit consent.", here)
        )
    if entry.condition == ART9_VITAL_INTERESTS and not (
        facts.unable_to_consent() and RiskFact.RISK_TO_LIFE in facts.question.risks
    ):
        candidate.failures.append(
            Reason(
                Code.ART9_VITAL_INTERESTS_CAPABLE_OF_CONSENT,
                f"{condition.citation} covers special category data only in a life-or-death matter where the "
                "person cannot consent; it cannot be used when they can consent, even if they refuse.",
                here,
            )
        )
    if entry.condition == ART9_HEALTH_OR_SOCIAL_CARE and not facts.discloser_health_or_social_care:
        candidate.failures.append(
            Reason(
                Code.ART9_HEALTH_CARE_NOT_PROFESSIONAL,
                f"{condition.citation} is for health or social care by or under a professional bound by "
                "confidentiality; the discloser is not a health or social care body.",
                here,
            )
        )
    return candidate


def _consent_groups(facts: Facts, categories: tuple[str, ...]) -> list[tuple[bool, tuple[str, ...]]]:
    """The categories split by whether everyone they are about consented: each group needs its own route."""
    with_consent = tuple(c for c in categories if facts.consented_to(c))
    without = tuple(c for c in categories if not facts.consented_to(c))
    return [(consent, group) for consent, group in ((True, with_consent), (False, without)) if group]


def art9_condition(ctx: Context) -> None:
    """ART9_CONDITION: special category data needs an Art 9(2) condition, with its Schedule 1 condition (DPA s10)."""
    facts = ctx.facts
    if not facts.special:
        return
    vocabulary = ctx.registry.vocabulary
    entries: tuple[Art9Entry, ...] = ctx.bases("art9")
    if unknown_terms(ctx, "art9", entries):
        return
    for with_consent, group in _consent_groups(facts, facts.special):
        listed = ", ".join(label(vocabulary.data_categories, c) for c in group)
        if not entries and not with_consent:
            ctx.fail(
                Code.ART9_CONDITION_MISSING,
                f"Special category data ({listed}) needs an Art 9(2) condition; none applies.",
                fix=f"state an Art 9(2) condition for {facts.question.purpose!r} in {ctx.agreement.id}",
            )
            continue
        met = first_condition_met(ctx, art9_candidates(ctx, entries, with_consent))
        if met is None:
            ctx.evaluation.fixes.append("state an Art 9(2) condition (with its Schedule 1 condition) these facts meet")
            continue
        ctx.passed(Code.ART9_CONDITION, f"{met.provision} covers the special category data ({listed}).", met.provision)
        ctx.evaluation.passes.extend(met.passes)


def art10_candidates(ctx: Context, entries: tuple[Art10Entry, ...], with_consent: bool) -> Iterator[Candidate]:
    """Each stated Art 10 route as a candidate (official authority, or a Schedule 1 condition), built when tried."""
    facts = ctx.facts
    # Sch 1 para 29: consent is a Part 3 condition for criminal offence data, listed or not.
    implicit = [(-1 if not ctx.party.public_authority else 50, -1, None)] if with_consent else []
    ordered = sorted(
        implicit + [(preference(e.schedule1, facts, with_consent), i, e) for i, e in enumerate(entries)],
        key=lambda item: (item[0], item[1]),
    )
    for _, _, entry in ordered:
        if entry is None:
            yield Candidate("UK GDPR Art 10 + DPA 2018 Sch 1 para 29 (consent)", [])
        else:
            yield art10_candidate(ctx, entry, with_consent)


def art10_candidate(ctx: Context, entry: Art10Entry, with_consent: bool) -> Candidate:
    """One stated Art 10 route, checked against the discloser and the facts."""
    route = ctx.registry.vocabulary.art10_routes[entry.route]
    if route.requires_schedule1_condition:
        candidate = schedule1_candidate(ctx, entry.schedule1, route.citation, with_consent, entry.via_paragraph_36)
    else:
        candidate = Candidate(route.citation, [])
    if entry.route == ART10_OFFICIAL_AUTHORITY and not ctx.party.competent_authority:
        candidate.failures.append(
            Reason(
                Code.ART10_OFFICIAL_AUTHORITY_NOT_AVAILABLE,
                "Official authority is for bodies with official authority over criminal justice matters "
                "(competent authorities); anyone else needs a Schedule 1 condition (DPA 2018 s10(5)).",
                ctx.at(route.citation),
            )
        )
    return candidate


def art10_route(ctx: Context) -> None:
    """ART10_ROUTE: criminal offence data needs official authority or a Schedule 1 condition (Art 10; DPA s10(5))."""
    facts = ctx.facts
    if not facts.criminal:
        return
    vocabulary = ctx.registry.vocabulary
    entries: tuple[Art10Entry, ...] = ctx.bases("art10")
    if unknown_terms(ctx, "art10", entries):
        return
    for with_consent, group in _consent_groups(facts, facts.criminal):
        listed = ", ".join(label(vocabulary.data_categories, c) for c in group)
        if not entries and not with_consent:
            ctx.fail(
                Code.ART10_ROUTE_MISSING,
                f"Criminal offence data ({listed}) needs an Art 10 route; none applies.",
                fix=f"state an Art 10 route for {facts.question.purpose!r} in {ctx.agreement.id}",
            )
            continue
        met = first_condition_met(ctx, art10_candidates(ctx, entries, with_consent))
        if met is None:
            ctx.evaluation.fixes.append("state an Art 10 route these facts meet")
            continue
        ctx.passed(Code.ART10_ROUTE, f"{met.provision} covers the criminal offence data ({listed}).", met.provision)
        ctx.evaluation.passes.extend(met.passes)


def recipient_footing(ctx: Context) -> None:
    """RECIPIENT_BASIS_MISSING / RECIPIENT_APD_MISSING: a recipient that is not a public authority needs its own."""
    facts = ctx.facts
    recipient_id = facts.question.recipient
    if recipient_id is None:
        return
    recipient = ctx.compiled.parties.get(recipient_id)
    if recipient is None or recipient.public_authority:
        return
    name = ctx.registry.organisations[recipient_id].name
    # A public task basis stated for everyone does not give a charity its own footing; one naming it does.
    own_art6 = [e for e in ctx.bases("art6", recipient_id) if e.parties or e.basis != ART6_PUBLIC_TASK]
    missing = [] if own_art6 else ["an Art 6 basis"]
    if facts.special and not ctx.bases("art9", recipient_id):
        missing.append("an Art 9 condition")
    if facts.criminal and not ctx.bases("art10", recipient_id):
        missing.append("an Art 10 route")
    if missing:
        ctx.fail(
            Code.RECIPIENT_BASIS_MISSING,
            f"{name} is not a public authority and needs its own footing to receive this: the agreement states no "
            f"{' or '.join(missing)} for it.",
            "UK GDPR Arts 6, 9, 10",
            f"state {', '.join(missing)} for {name} in {ctx.agreement.id}",
        )
    if (facts.special or facts.criminal) and not recipient.apd_reference:
        ctx.fail(
            Code.RECIPIENT_APD_MISSING,
            f"{name} would hold special category or criminal offence data under Schedule 1 and has no appropriate "
            "policy document on file.",
            "DPA 2018 Sch 1 para 5, Part 4",
            f"record {name}'s appropriate policy document in {ctx.agreement.id}",
        )


# ---------------------------------------------------------------- consent


def consent_model(ctx: Context) -> None:
    """CONSENT_*: each data subject consented, must not be told, or the model and facts allow sharing without."""
    facts = ctx.facts
    agreement = ctx.agreement
    model = agreement.consent_model
    if facts.duty is not None:
        ctx.passed(
            Code.STATUTORY_DUTY_APPLIES,
            f"{facts.duty.label}: the law requires the information, so consent is not the question.",
            facts.duty.citation,
        )
        return
    if model.default is ConsentDefault.NOT_USED:
        ctx.passed(Code.CONSENT_NOT_USED, f"{agreement.id} does not rely on consent for this sharing.")
        return
    everyone = True
    for person in facts.data_subject_facts():
        who = person.person.label
        if person.deceased or person.consented:
            continue
        everyone = False
        if person.must_not_be_told:
            ctx.passed(
                Code.CONSENT_NOT_ASKED_MUST_NOT_BE_TOLD,
                f"The {who} must not be told, so their consent is not sought.",
            )
            continue
        if person.capacitous_refusal:
            ctx.fail(
                Code.CAPACITOUS_REFUSAL_RESPECTED,
                f"The {who}, an adult with capacity, refused, and no one else is at risk, nor is there a serious "
                "crime, high-risk domestic abuse or coercion that could justify overriding the refusal.",
                "Mental Capacity Act 2005 s1",
            )
            continue
        if agreement.needs_consent_for(facts.question.purpose):
            ctx.fail(Code.CONSENT_REQUIRED, f"{agreement.id} shares for this purpose only with the {who}'s consent.")
            continue
        grounds = person.grounds
        if person.person.consent is ConsentStatus.REFUSED and person.able_to_consent and not person.child:
            grounds = grounds & OVERRIDES_CAPACITOUS_REFUSAL
        allowed = sorted(grounds & set(model.override_grounds))
        if allowed:
            named = ", ".join(g.value.replace("_", " ") for g in allowed)
            ctx.passed(
                Code.CONSENT_OVERRIDE_GROUND,
                f"Sharing about the {who} without consent is allowed by {agreement.id} on the ground of {named}.",
            )
        elif grounds:
            named = ", ".join(sorted(g.value.replace("_", " ") for g in grounds))
            ctx.fail(
                Code.CONSENT_GROUND_NOT_IN_AGREEMENT,
                f"The facts give {named}, but {agreement.id} does not allow sharing about the {who} without "
                "consent on that ground.",
                fix=f"consider whether {agreement.id}'s consent model should allow {named}",
            )
        else:
            ctx.fail(
                Code.CONSENT_NO_OVERRIDE_GROUND,
                f"The {who}'s consent was not obtained and the facts give no ground for sharing without it.",
            )
    if everyone:
        ctx.passed(Code.CONSENT_OBTAINED, "Consent was obtained from everyone the data is about.")


# ---------------------------------------------------------------- restrictions


def restrictions(ctx: Context) -> None:
    """PURPOSE_PROHIBITED / BULK_SHARING_NOT_PERMITTED / PANEL_DECISION_RESERVED, and the limits the recipient keeps."""
    facts = ctx.facts
    question = facts.question
    evaluation = ctx.evaluation
    if question.bulk and ctx.flow.frequency not in BULK_FREQUENCIES:
        ctx.fail(
            Code.BULK_SHARING_NOT_PERMITTED,
            f"Flow {ctx.flow.id} is for case-by-case sharing; a list or recurring extract needs a flow for it.",
            "UK GDPR Art 5(1)(c) (data minimisation)",
            f"add a scheduled or bulk flow to {ctx.agreement.id} if systematic sharing is intended",
        )
    for restriction in ctx.agreement.restrictions_for(ctx.flow):
        if question.purpose in restriction.prohibited_purposes:
            ctx.fail(Code.PURPOSE_PROHIBITED, f"{ctx.agreement.id} prohibits sharing for {question.purpose!r}.")
        if question.bulk and restriction.no_bulk_sharing:
            ctx.fail(Code.BULK_SHARING_NOT_PERMITTED, f"{ctx.agreement.id} does not allow bulk sharing.")
        evaluation.reserved.extend(r for r in restriction.reserved_decisions if r.purpose == question.purpose)
        if restriction.use_limitation:
            evaluation.obligations.append(
                Obligation("USE_LIMITATION", f"Tell the recipient: {restriction.use_limitation}")
            )
        if restriction.use_only_for:
            uses = ", ".join(sorted(label(ctx.registry.vocabulary.purposes, p) for p in restriction.use_only_for))
            evaluation.obligations.append(Obligation("USE_LIMITATION", f"The recipient may use it only for {uses}."))
        if restriction.onward_disclosure is OnwardDisclosure.PROHIBITED:
            evaluation.obligations.append(NO_ONWARD_DISCLOSURE)
        elif restriction.onward_disclosure is OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT:
            evaluation.obligations.append(ONWARD_NEEDS_CONSENT)
        if restriction.no_bulk_sharing:
            evaluation.obligations.append(Obligation("NO_BULK_SHARING", "Share case by case; no bulk extracts."))


def location_recipient(ctx: Context) -> None:
    """LOCATION_MUST_NOT_REACH_RECIPIENT: where a person at risk lives never goes to the public or to immigration."""
    facts = ctx.facts
    if facts.location and facts.recipient_type in LOCATION_MUST_NOT_REACH:
        ctx.fail(
            Code.LOCATION_MUST_NOT_REACH_RECIPIENT,
            "The location of a person at risk must not be disclosed to this recipient.",
            "Information sharing advice for safeguarding practitioners (2024), rule 5",
        )


def lawful_processing(ctx: Context) -> None:
    """The processing's legal footing: DPA 2018 Part 3 for a competent authority's law enforcement, else UK GDPR."""
    if ctx.party.competent_authority and ctx.facts.purpose.law_enforcement:
        law_enforcement_processing(ctx)
        return
    art6_basis(ctx)
    art9_condition(ctx)
    art10_route(ctx)


# The legal rules applied to a matching flow, in the order of the decision procedure (domain reference §3.8).
LEGAL_RULES = (
    lawful_processing,
    recipient_footing,
    consent_model,
    restrictions,
    location_recipient,
)


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
    """What deciding needs of one agreement, from its compiled masks: in force, parties, matching flows."""
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
        compiled.subjects_mask(facts.subject_types),
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
        context = Context(trial, compiled, flow, party, facts, flow_cite, registry)
        for rule in LEGAL_RULES:
            rule(context)
        if not trial.legal:
            return trial
        if best is None or len(trial.legal) < len(best.legal):
            best = trial
    assert best is not None
    return best
