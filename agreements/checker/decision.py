"""Assembling the answer: an instruction first, then covered, not covered or escalate with reasons and obligations.

The order follows the decision procedure (domain reference §3.8): an emergency that the facts show;
an agreement in force with a flow that meets the law; a statutory duty that fits; the routes the law
gives outside agreements; otherwise not covered, for this recipient.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from agreements.answer import (
    AgreementEvaluation,
    Citation,
    Code,
    Decision,
    EscalateTo,
    Escalation,
    Instruction,
    InstructionKind,
    Obligation,
    Reason,
    ShareAnswer,
)
from agreements.checker.facts import Facts, checked_facts
from agreements.checker.routes import (
    NOT_TELLING_REASONS,
    Onward,
    Route,
    escalation_contact,
    onward_limit,
    outside_agreements,
    recipient_label,
    reserved_to_panel,
    standard_obligations,
)
from agreements.checker.rules import Evaluation, Screen, annex1_condition, evaluate, screen
from agreements.checker.terms import LOCATION_MUST_NOT_REACH, label
from agreements.model import OnwardDisclosure
from agreements.question import RiskFact, ShareQuestion
from agreements.snapshot import RegistrySnapshot

PREFIX = {Decision.COVERED: "Covered", Decision.NOT_COVERED: "Not covered", Decision.ESCALATE: "Escalate"}
# Where one obligation makes another redundant, the stricter is kept.
SUPERSEDED_BY = {
    "ONWARD_DISCLOSURE_NEEDS_CONSENT": "NO_ONWARD_DISCLOSURE",
    "INFORM_UNLESS_RISK": "DO_NOT_INFORM_NOW",
}
# What blocked an agreement and must be shown whatever the outcome (never swallowed by an escalation).
ALWAYS_SHOWN = frozenset(
    {Code.PURPOSE_PROHIBITED, Code.FLOW_CATEGORY_EXCEEDS, Code.LOCATION_MUST_NOT_REACH_RECIPIENT, Code.UNKNOWN_TERM}
)


def summary_line(decision: Decision, headline: str) -> str:
    """The decision and the instruction in one line."""
    return f"{PREFIX[decision]}: {headline}"


@dataclass
class Draft:
    """The answer while it is being assembled."""

    decision: Decision = Decision.NOT_COVERED
    kind: InstructionKind = InstructionKind.DO_NOT_SHARE
    instruction: str = ""
    reasons: list[Reason] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)

    def instruct(self, decision: Decision, kind: InstructionKind, text: str) -> None:
        """Set the decision and the one-line instruction together, so they never disagree."""
        self.decision, self.kind, self.instruction = decision, kind, text

    def follow(self, route: Route) -> None:
        """Take a route outside agreements as the answer."""
        self.instruct(route.decision, route.kind, route.text)
        self.reasons.extend(route.reasons)
        self.escalations.extend(route.escalations)


# ---------------------------------------------------------------- emergency


def emergency_art6(facts: Facts) -> str:
    """The Art 6 basis an emergency share rests on: vital interests only for life or death."""
    life = RiskFact.RISK_TO_LIFE in facts.question.risks
    if facts.discloser_public_authority:
        return "UK GDPR Art 6(1)(e)" + (" and 6(1)(d)" if life else "")
    if life:
        return "UK GDPR Art 6(1)(d) (vital interests)"
    annex1 = annex1_condition(facts)
    return f"UK GDPR Art 6(1)(ea) ({annex1})" if annex1 else "UK GDPR Art 6(1)(f)"


def emergency_art9(facts: Facts) -> str | None:
    """The Art 9 condition an emergency share of special category data rests on, on these facts."""
    if facts.unable_to_consent() and RiskFact.RISK_TO_LIFE in facts.question.risks:
        return "UK GDPR Art 9(2)(c) (vital interests, the person cannot consent)"
    if facts.para18_eligible:
        return "UK GDPR Art 9(2)(g) + DPA 2018 Sch 1 para 18"
    if facts.recipient_competent_authority:
        return "UK GDPR Art 9(2)(g) + DPA 2018 Sch 1 para 10 (para 10(2): no APD needed)"
    if facts.everyone_consented:
        return "UK GDPR Art 9(2)(a) (explicit consent)"
    return None


def emergency_art10(facts: Facts) -> str | None:
    """The Art 10 route an emergency share of criminal offence data rests on, on these facts."""
    if facts.discloser_competent_authority:
        return "UK GDPR Art 10 (official authority)"
    if facts.para18_eligible:
        return "UK GDPR Art 10 + DPA 2018 Sch 1 para 18 via para 36"
    if facts.recipient_competent_authority:
        return "UK GDPR Art 10 + DPA 2018 Sch 1 para 10 via para 36"
    if facts.unable_to_consent() and RiskFact.RISK_TO_LIFE in facts.question.risks:
        return "UK GDPR Art 10 + DPA 2018 Sch 1 para 30 (vital interests)"
    if facts.everyone_consented:
        return "UK GDPR Art 10 + DPA 2018 Sch 1 para 29 (consent)"
    return None


def emergency_blockers(facts: Facts, prohibiting: Iterable[Screen]) -> list[Reason]:
    """Why the share-now path is not open: an emergency is not a blank cheque (ICO code, urgent situations)."""
    blockers: list[Reason] = []
    ico = Citation(provision="ICO Data sharing code: data sharing in an urgent situation or in an emergency")
    if not facts.emergency_shown:
        blockers.append(
            Reason(
                Code.EMERGENCY_NOT_SHOWN,
                "An emergency needs a risk to life or of serious harm now in the facts; 'urgent' is not enough.",
                ico,
            )
        )
    if not facts.purpose.protective:
        blockers.append(
            Reason(
                Code.EMERGENCY_PURPOSE_NOT_PROTECTIVE,
                f"Sharing for {facts.purpose.label.lower()} does not protect anyone from the harm.",
                ico,
            )
        )
    if not facts.recipient_can_act:
        blockers.append(
            Reason(Code.EMERGENCY_RECIPIENT_CANNOT_ACT, "The recipient cannot act to prevent the harm.", ico)
        )
    if facts.question.bulk:
        blockers.append(
            Reason(Code.EMERGENCY_NOT_FOR_BULK, "An emergency justifies a case, never a list or an extract.", ico)
        )
    for screened in prohibiting:
        agreement = screened.revision.agreement
        blockers.append(
            Reason(
                Code.PURPOSE_PROHIBITED,
                f"{agreement.id} prohibits sharing for {facts.purpose.label.lower()}, emergency or not.",
                Citation(agreement.id, agreement.version, screened.revision.revision),
            )
        )
    if facts.capacitous_refusal:
        blockers.append(
            Reason(
                Code.CAPACITOUS_REFUSAL_RESPECTED,
                "An adult with capacity refused and no one else is at risk: an emergency does not override that.",
                Citation(provision="Mental Capacity Act 2005 s1; ICO guidance on vital interests"),
            )
        )
    if facts.location and facts.recipient_type in LOCATION_MUST_NOT_REACH:
        blockers.append(
            Reason(
                Code.LOCATION_MUST_NOT_REACH_RECIPIENT,
                "The location of a person at risk never goes to this recipient, emergency or not.",
                Citation(provision="Information sharing advice for safeguarding practitioners (2024), rule 5"),
            )
        )
    if facts.special and emergency_art9(facts) is None:
        blockers.append(
            Reason(
                Code.ART9_CONDITION_MISSING,
                "No Art 9 condition fits an emergency share of the special category data on these facts.",
                Citation(provision="UK GDPR Art 9(2)"),
            )
        )
    if facts.criminal and emergency_art10(facts) is None:
        blockers.append(
            Reason(
                Code.ART10_ROUTE_MISSING,
                "No Art 10 route fits an emergency share of the criminal offence data on these facts.",
                Citation(provision="UK GDPR Art 10; DPA 2018 s10(5)"),
            )
        )
    return blockers


def emergency(draft: Draft, facts: Facts, registry: RegistrySnapshot, chosen: Evaluation | None) -> None:
    """EMERGENCY_SHARE_NOW: share what is necessary now with someone able to act, then record and ratify."""
    provisions = [emergency_art6(facts)]
    if facts.special:
        provisions.append(emergency_art9(facts) or "")
    if facts.criminal:
        provisions.append(emergency_art10(facts) or "")
    draft.reasons.append(
        Reason(
            Code.EMERGENCY_SHARE_NOW,
            "In an emergency, share what is necessary and proportionate now to prevent serious harm or loss of "
            "life; record it and have the decision ratified afterwards.",
            Citation(provision="ICO Data sharing code: urgent situations; " + "; ".join(p for p in provisions if p)),
        )
    )
    draft.obligations += [
        Obligation("SHARE_WHAT_IS_NECESSARY_NOW", "Share only what is necessary to deal with the emergency, now."),
        Obligation(
            "RATIFY_AFTER_EMERGENCY", "As soon as the emergency has passed, record the share and have it ratified."
        ),
    ]
    lead = escalation_contact(registry, facts.question.discloser, "designated_safeguarding_lead")
    draft.escalations.append(
        Escalation(
            EscalateTo.DESIGNATED_SAFEGUARDING_LEAD,
            "Tell your safeguarding lead straight after sharing, so the decision is ratified and recorded.",
            lead,
        )
    )
    if chosen is not None:
        draft.reasons.extend(chosen.passes)
    draft.instruct(
        Decision.ESCALATE,
        InstructionKind.SHARE_NOW,
        f"Share what is necessary with {recipient_label(facts, registry)} now, then record it and tell "
        f"{lead or 'your safeguarding lead'} so it is ratified.",
    )


# ---------------------------------------------------------------- within an agreement, by statute, outside


def apply_onward(draft: Draft, onward: Onward | None, facts: Facts, registry: RegistrySnapshot) -> bool:
    """Keep the limits the information came with; True when they stop the answer here."""
    if onward is None:
        return False
    reason, level, who, contact = onward
    draft.reasons.append(reason)
    if reason.code is Code.REQUIRED_BY_LAW_EXEMPTION:
        draft.obligations.append(
            Obligation(
                "TELL_ORIGINATOR",
                f"Tell {who} what you disclosed under the legal duty, and why, unless the law forbids it.",
            )
        )
    if level is OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES:
        return False
    recipient = recipient_label(facts, registry)
    protecting = bool(facts.question.risks & {RiskFact.SIGNIFICANT_HARM_TO_CHILD, RiskFact.RISK_TO_LIFE}) or (
        facts.duty is not None
    )
    if level is OnwardDisclosure.PROHIBITED and not protecting:
        draft.instruct(
            Decision.NOT_COVERED,
            InstructionKind.REFER_INSTEAD,
            f"Do not pass this on to {recipient} — ask {who} to share it directly if they judge it is needed.",
        )
        draft.escalations.append(Escalation(EscalateTo.ORIGINATING_AGENCY, f"Ask {who} to share it directly.", contact))
        return True
    if level is OnwardDisclosure.PROHIBITED:
        # A restriction on passing information on never silences a duty to protect: ask, urgently, and show the
        # duty that makes it urgent.
        text = f"Ask {who} today to share it with {recipient} directly: you may not pass it on yourself."
        for route in outside_agreements(facts, registry)[1]:
            draft.reasons.extend(route.reasons)
            draft.escalations.extend(route.escalations)
    else:
        text = f"Ask {who} today before sharing: they must agree to it being passed on to {recipient}."
    draft.instruct(Decision.ESCALATE, InstructionKind.ASK_FIRST, text)
    draft.escalations.append(Escalation(EscalateTo.ORIGINATING_AGENCY, text, contact))
    return True


def within_agreement(
    draft: Draft,
    chosen: Evaluation,
    onward: Onward | None,
    facts: Facts,
    registry: RegistrySnapshot,
) -> None:
    """A flow covers the share: covered, unless a panel decides or the originating agency must agree first."""
    agreement = chosen.revision.agreement
    draft.reasons.extend(chosen.passes)
    draft.obligations.extend(chosen.obligations)
    if apply_onward(draft, onward, facts, registry):
        return
    if chosen.reserved:
        for decision in chosen.reserved:
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
        draft.instruct(
            Decision.ESCALATE,
            InstructionKind.ASK_FIRST,
            f"Ask {chosen.reserved[0].decided_by} today before sharing: {agreement.id} reserves this decision to them.",
        )
        return
    categories = ", ".join(label(registry.vocabulary.data_categories, c) for c in sorted(facts.categories))
    draft.instruct(
        Decision.COVERED,
        InstructionKind.SHARE,
        f"Share {categories} with {recipient_label(facts, registry)} "
        f"under {agreement.title} v{agreement.version} (flow {chosen.flow_id}).",
    )


def by_statute(draft: Draft, facts: Facts, registry: RegistrySnapshot, onward: Onward | None) -> None:
    """A statutory duty to share fits: it is the lawful basis itself, agreement or not."""
    duty = facts.duty
    assert duty is not None
    cite = Citation(provision=duty.citation)
    draft.reasons.append(
        Reason(
            Code.STATUTORY_DUTY_APPLIES,
            f"{duty.label} applies: the law requires the information, so consent is not the question.",
            cite,
        )
    )
    draft.reasons.append(Reason(Code.ART6_BASIS, f"UK GDPR Art 6(1)(c) legal obligation: {duty.citation}.", cite))
    if facts.special:
        condition = "DPA 2018 Sch 1 para 18" if facts.para18_eligible else "DPA 2018 Sch 1 para 6"
        provision = f"UK GDPR Art 9(2)(g) + {condition}"
        draft.reasons.append(
            Reason(Code.ART9_CONDITION, f"{provision} covers the special category data.", Citation(provision=provision))
        )
    if facts.criminal:
        provision = (
            "UK GDPR Art 10 (official authority)"
            if facts.discloser_competent_authority
            else "UK GDPR Art 10 + DPA 2018 Sch 1 para 6 via para 36"
        )
        draft.reasons.append(
            Reason(Code.ART10_ROUTE, f"{provision} covers the criminal offence data.", Citation(provision=provision))
        )
    if facts.special or facts.criminal:
        draft.obligations.append(
            Obligation("APPROPRIATE_POLICY_DOCUMENT", "Rely on your appropriate policy document for Schedule 1.")
        )
    if apply_onward(draft, onward, facts, registry):
        return
    categories = ", ".join(label(registry.vocabulary.data_categories, c) for c in sorted(facts.categories))
    draft.instruct(
        Decision.COVERED,
        InstructionKind.SHARE,
        f"Share {categories} with {recipient_label(facts, registry)}: {duty.label} requires it.",
    )


def outside_any_agreement(
    draft: Draft,
    evaluated: list[Evaluation],
    nearest: Callable[[], Evaluation | None],
    nearest_shared: Callable[[], Evaluation | None],
    facts: Facts,
    registry: RegistrySnapshot,
    grace_override: int | None,
    onward: Onward | None,
) -> None:
    """No agreement covers: one that would once in force, a panel, a route the law gives, or not for this recipient."""
    question = facts.question
    route, applicable = outside_agreements(facts, registry)
    would_cover = sorted((e for e in evaluated if e.would_cover_if_in_force), key=lambda e: e.agreement_id)
    reserved = reserved_to_panel(facts, registry, grace_override)
    if not registry.agreements_with_party(question.discloser):
        draft.reasons.append(
            Reason(
                Code.NO_AGREEMENT_FOR_DISCLOSER,
                f"{registry.organisations[question.discloser].name} is not a party to any agreement in the registry.",
            )
        )
    shown = [r for e in evaluated for r in e.legal if r.code in ALWAYS_SHOWN]
    if would_cover and not facts.capacitous_refusal:
        for evaluation in would_cover:
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
        contact = escalation_contact(registry, question.discloser, "data_protection_officer")
        draft.escalations.append(
            Escalation(
                EscalateTo.DATA_PROTECTION_OFFICER,
                "The agreement that would cover this is not in force; decide whether to share on the underlying "
                "lawful basis while it is renewed.",
                contact,
            )
        )
        owner = would_cover[0].revision.agreement.owner
        draft.escalations.append(
            Escalation(
                EscalateTo.AGREEMENT_OWNER,
                f"Renew or reinstate {would_cover[0].agreement_id}.",
                escalation_contact(registry, owner, "agreement_owner"),
            )
        )
        for other in applicable:
            draft.reasons.extend(other.reasons)
            draft.escalations.extend(other.escalations)
        draft.instruct(
            Decision.ESCALATE,
            InstructionKind.ASK_FIRST,
            f"Ask {contact or 'your data protection officer'} today: {would_cover[0].agreement_id} would cover this, "
            f"but it is {would_cover[0].status_on_date}.",
        )
    elif reserved:
        for reason, escalation in reserved:
            draft.reasons.append(reason)
            draft.escalations.append(escalation)
        for other in applicable:
            draft.reasons.extend(other.reasons)
            draft.escalations.extend(other.escalations)
        draft.instruct(
            Decision.ESCALATE,
            InstructionKind.ASK_FIRST,
            f"Ask {reserved[0][1].contact} today before sharing: the decision is reserved to them.",
        )
    elif route is not None:
        draft.follow(route)
        beside = []
        for other in applicable:
            if other is not route:
                draft.reasons.extend(other.reasons)
                draft.escalations.extend(other.escalations)
                if other.also:
                    beside.append(other.also)
        if beside:
            # A route beside the main one (a child protection referral beside a disclosure-scheme request).
            draft.instruction += f" Also {'; and '.join(beside)}."
        if route.decision is not Decision.NOT_COVERED:
            apply_onward(draft, onward, facts, registry)
    else:
        closest = nearest()
        if closest is not None:
            draft.reasons.extend(closest.inactive + closest.party + closest.flow + closest.legal)
        recipient = recipient_label(facts, registry)
        if facts.capacitous_refusal:
            text = (
                f"Do not share with {recipient}: respect the refusal and record it; keep offering support, and "
                "revisit if a risk to others or a serious crime emerges."
            )
        else:
            # Never suggest asking someone who must not be told, or whom asking would put at risk.
            askable = [
                p.person.label
                for p in facts.data_subject_facts()
                if not (p.consented or p.must_not_be_told or p.deceased)
                and p.able_to_consent
                and p.person.consent_not_sought_reason not in NOT_TELLING_REASONS
            ]
            seek = f" You could ask the {', '.join(askable)} for consent." if askable else ""
            text = f"Do not share with {recipient}: no agreement or route in law covers this.{seek}"
        draft.reasons.append(
            Reason(
                Code.NO_ROUTE,
                "No agreement covers this share and the facts give no statutory or public-interest route.",
            )
        )
        draft.instruct(Decision.NOT_COVERED, InstructionKind.DO_NOT_SHARE, text)
    if onward is not None and onward[0] not in draft.reasons:
        # The limits the information came with are shown whatever the outcome.
        draft.reasons.append(onward[0])
    # What blocked the nearest agreement is shown whatever the outcome; a refusal looks at every agreement, an
    # escalation at those the two organisations share (cheaper, and the only ones that could have covered it).
    closest = nearest() if draft.decision is Decision.NOT_COVERED else nearest_shared()
    if closest is not None:
        closest.explain()
        shown += [r for r in closest.flow + closest.legal if r.code in ALWAYS_SHOWN]
        compiled = registry.compiled(closest.revision)
        decided_elsewhere = question.purpose in compiled.reserved_purposes | compiled.prohibited_purposes
        if closest.serves_purpose and not decided_elsewhere:
            # For governance leads: never the practitioner's route, never repurposing another process's agreement.
            draft.fixes.extend(closest.fixes)
    draft.reasons.extend(r for r in shown if r not in draft.reasons)


def tidy_obligations(obligations: Iterable[Obligation]) -> tuple[Obligation, ...]:
    """Each obligation once (one code, its messages joined); where a stricter one is there, the weaker is dropped."""
    messages: dict[str, list[str]] = {}
    for obligation in obligations:
        said = messages.setdefault(obligation.code, [])
        if obligation.message not in said:
            said.append(obligation.message)
    return tuple(
        Obligation(code, " ".join(said)) for code, said in messages.items() if SUPERSEDED_BY.get(code) not in messages
    )


def check_share(question: ShareQuestion, registry: RegistrySnapshot, *, grace_months: int | None = None) -> ShareAnswer:
    """Decide whether a proposed share is covered, not covered, or must be escalated, and what to do now."""
    facts = checked_facts(question, registry)
    candidates = registry.agreements_with_party(question.discloser)
    screens: dict[str, Screen] = {}

    def screened(agreement_id: str) -> Screen:
        found = screens.get(agreement_id)
        if found is None:
            found = screens[agreement_id] = screen(agreement_id, facts, registry, grace_months)
        return found

    # Only an agreement both organisations are party to can cover a share to a registered recipient, and only
    # one with a flow for the share can cover it or fail it in law: the rest are written out if the answer shows them.
    both = registry.agreement_ids_with_party(question.recipient) if question.recipient is not None else None
    deciding = [screened(a) for a in candidates if both is None or a in both]
    evaluated: dict[str, Evaluation] = {
        s.agreement_id: evaluate(s, facts, registry, grace_months) for s in deciding if s.worth_evaluating
    }
    covering = [e for e in evaluated.values() if e.covers]
    chosen = min(covering, key=lambda e: e.agreement_id) if covering else None

    def all_evaluations() -> list[Evaluation]:
        for agreement_id in candidates:
            if agreement_id not in evaluated:
                evaluated[agreement_id] = evaluate(screened(agreement_id), facts, registry, grace_months)
        return [evaluated[key] for key in sorted(evaluated)]

    def nearest() -> Evaluation | None:
        every = all_evaluations()
        return chosen or (min(every, key=Evaluation.distance) if every else None)

    def nearest_shared() -> Evaluation | None:
        for s in deciding:
            if s.agreement_id not in evaluated:
                evaluated[s.agreement_id] = evaluate(s, facts, registry, grace_months)
        shared = [evaluated[s.agreement_id] for s in deciding]
        return min(shared, key=Evaluation.distance) if shared else None

    onward = onward_limit(facts, registry)
    draft = Draft()
    blockers: list[Reason] = []
    if facts.emergency_claimed:
        prohibiting = [
            s
            for s in (screened(a) for a in candidates)
            if s.prohibited and s.in_force and s.active_on_date and s.discloser_is_party
        ]
        blockers = emergency_blockers(facts, prohibiting)
    if facts.emergency_claimed and not blockers:
        emergency(draft, facts, registry, chosen)
        if onward is not None:
            draft.reasons.append(onward[0])
            draft.obligations.append(
                Obligation("TELL_ORIGINATOR", f"Tell {onward[2]} straight after sharing what you passed on and why.")
            )
    else:
        draft.reasons.extend(blockers)
        if chosen is not None:
            within_agreement(draft, chosen, onward, facts, registry)
        elif facts.duty is not None:
            by_statute(draft, facts, registry, onward)
        else:
            outside_any_agreement(
                draft, list(evaluated.values()), nearest, nearest_shared, facts, registry, grace_months, onward
            )
    if question.statutory_request is not None and facts.duty is None:
        draft.reasons.append(
            Reason(
                Code.STATUTORY_REQUEST_DOES_NOT_FIT,
                f"The request under {label(registry.vocabulary.statutory_gateways, question.statutory_request)} "
                "does not fit this discloser, recipient and purpose, so it does not itself oblige the share.",
            )
        )
    covering_agreement = chosen.revision.agreement if chosen is not None else None
    obligations = draft.obligations
    if draft.decision is not Decision.NOT_COVERED:
        obligations = standard_obligations(facts, registry, covering_agreement) + obligations

    def explain() -> tuple[tuple[AgreementEvaluation, ...], AgreementEvaluation | None]:
        closest = nearest()
        frozen = {e.agreement_id: e.freeze() for e in all_evaluations()}
        return tuple(frozen[key] for key in sorted(frozen)), frozen[closest.agreement_id] if closest else None

    return ShareAnswer(
        decision=draft.decision,
        instruction=Instruction(draft.kind, draft.instruction),
        summary=summary_line(draft.decision, draft.instruction),
        reasons=tuple(dict.fromkeys(draft.reasons)),
        obligations=tidy_obligations(obligations),
        escalations=tuple(dict.fromkeys(draft.escalations)),
        route=draft.instruction if draft.decision is not Decision.COVERED else None,
        agreement_fixes=tuple(dict.fromkeys(draft.fixes)),
        explain=explain,
    )
