"""Assembling the answer: covered, not covered or escalate, with its reasons, obligations and escalations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
from agreements.checker.facts import (
    Facts,
    derive_facts,
    question_problems,
)
from agreements.checker.routes import (
    escalation_contact,
    onward_limit,
    outside_agreements,
    reserved_to_panel,
    standard_obligations,
)
from agreements.checker.rules import (
    Evaluation,
    Screen,
    evaluate,
    screen,
)
from agreements.checker.terms import (
    label,
)
from agreements.model import (
    OnwardDisclosure,
)
from agreements.question import QuestionError, ShareQuestion, Urgency
from agreements.snapshot import RegistrySnapshot


def summary_line(decision: Decision, headline: str) -> str:
    prefix = {Decision.COVERED: "Covered", Decision.NOT_COVERED: "Not covered", Decision.ESCALATE: "Escalate"}[decision]
    return f"{prefix}: {headline}"


@dataclass
class Draft:
    """The answer while it is being assembled."""

    decision: Decision = Decision.NOT_COVERED
    headline: str = ""
    reasons: list[Reason] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    route: str | None = None


def emergency(draft: Draft, facts: Facts, registry: RegistrySnapshot, chosen: Evaluation | None, what: str) -> None:
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
            escalation_contact(registry, facts.question.discloser, "designated_safeguarding_lead"),
        )
    )
    if chosen is not None:
        draft.reasons.extend(chosen.passes)
    draft.headline = f"this is an emergency — share what is necessary now ({what}), then record and ratify."


def within_agreement(
    draft: Draft,
    chosen: Evaluation,
    onward: tuple[Reason, OnwardDisclosure] | None,
    facts: Facts,
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
        outside_reasons, outside_escalations, outside_route = outside_agreements(facts, registry)
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


def outside_any_agreement(
    draft: Draft,
    evaluated: list[Evaluation],
    nearest: Callable[[], Evaluation | None],
    facts: Facts,
    registry: RegistrySnapshot,
    grace_override: int | None,
    what: str,
) -> None:
    """No agreement covers: one that would once in force, a panel, a statutory or public-interest route, or none."""
    question = facts.question
    outside_reasons, outside_escalations, outside_route = outside_agreements(facts, registry)
    would_cover = sorted((e for e in evaluated if e.would_cover_if_in_force), key=lambda e: e.agreement_id)
    reserved = reserved_to_panel(facts, registry, grace_override)
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
                escalation_contact(registry, question.discloser, "data_protection_officer"),
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
    problems = question_problems(question, registry)
    if problems:
        raise QuestionError(problems)
    facts = derive_facts(question, registry)
    vocabulary = registry.vocabulary
    names = registry.organisations
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

    recipient_name = (
        names[question.recipient].name
        if question.recipient
        else label(vocabulary.organisation_types, question.recipient_type or "")
    )
    categories = ", ".join(label(vocabulary.data_categories, c) for c in sorted(set(question.data_categories)))
    what = (
        f"{names[question.discloser].name} sharing {categories} "
        f"with {recipient_name} for {label(vocabulary.purposes, question.purpose)}"
    )
    draft = Draft()
    if question.urgency is Urgency.EMERGENCY:
        emergency(draft, facts, registry, chosen, what)
    elif chosen is not None:
        within_agreement(draft, chosen, onward_limit(facts, registry, chosen), facts, registry, what)
    else:
        outside_any_agreement(draft, list(evaluated.values()), nearest, facts, registry, grace_months, what)
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
        summary=summary_line(draft.decision, draft.headline),
        reasons=tuple(draft.reasons),
        obligations=tuple(dict.fromkeys(obligations)),
        escalations=tuple(dict.fromkeys(draft.escalations)),
        route=draft.route,
        explain=explain,
    )
