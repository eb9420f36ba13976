"""What comes with a share, and the routes beside or outside agreements.

Obligations, statutory duties, public-interest cases, onward-disclosure limits and panel decisions.
"""

from __future__ import annotations

from agreements.answer import (
    Citation,
    Code,
    EscalateTo,
    Escalation,
    Obligation,
    Reason,
)
from agreements.checker.facts import (
    Facts,
)
from agreements.checker.rules import (
    Evaluation,
    endpoint_matches,
)
from agreements.checker.terms import (
    DISCLOSURE_SCHEME_PURPOSES,
    LOCATION_CATEGORY,
    MAPPA_PURPOSES,
    PUBLIC_INTEREST_RISKS,
    SAFEGUARDING_ADULTS_BOARD,
    SAFEGUARDING_ADULTS_REVIEW,
    label,
)
from agreements.model import (
    Agreement,
    AgreementRevision,
    Flow,
    OnwardDisclosure,
)
from agreements.question import ConsentStatus, NotSoughtReason, RiskFact
from agreements.snapshot import RegistrySnapshot

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
NOT_TELLING_REASONS = frozenset({NotSoughtReason.INCREASES_RISK, NotSoughtReason.PREJUDICE_ENQUIRY})


def standard_obligations(facts: Facts, registry: RegistrySnapshot, agreement: Agreement | None) -> list[Obligation]:
    """What comes with any share: record it, share the minimum, send it securely, tell (or not) the person."""
    question = facts.question
    obligations = [RECORD_DECISION, SHARE_ONLY_WHAT_IS_NECESSARY, SEND_SECURELY]
    if question.consent is not ConsentStatus.OBTAINED and not facts.deceased:
        not_telling = question.consent_not_sought_reason in NOT_TELLING_REASONS
        obligations.append(DO_NOT_INFORM_NOW if not_telling else INFORM_UNLESS_RISK)
    if agreement is not None:
        for subject_type in agreement.consent_model.do_not_inform:
            subject_label = label(registry.vocabulary.data_subject_types, subject_type)
            obligations.append(Obligation("DO_NOT_INFORM", f"Do not tell the {subject_label.lower()}."))
    if LOCATION_CATEGORY in facts.categories:
        obligations.append(PROTECT_LOCATION)
    if facts.deceased:
        obligations.append(CONFIDENTIALITY_SURVIVES_DEATH)
    return obligations


def escalation_contact(registry: RegistrySnapshot, organisation_id: str, role: str) -> str | None:
    organisation = registry.organisations.get(organisation_id)
    if organisation is None:
        return None
    for contact in organisation.contacts:
        if contact.role.value == role:
            return f"{contact.name}, {organisation.name}" + (f" ({contact.email})" if contact.email else "")
    return None


def decision_maker(facts: Facts) -> EscalateTo:
    return (
        EscalateTo.CALDICOTT_GUARDIAN if facts.discloser_health_or_social_care else EscalateTo.DATA_PROTECTION_OFFICER
    )


def outside_agreements(facts: Facts, registry: RegistrySnapshot) -> tuple[list[Reason], list[Escalation], str | None]:
    """The routes the law gives when no agreement covers: never a bare refusal where a duty or risk exists."""
    question = facts.question
    discloser = question.discloser
    reasons: list[Reason] = []
    escalations: list[Escalation] = []
    route: str | None = None
    lead = escalation_contact(registry, discloser, "designated_safeguarding_lead")
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
                decision_maker(facts),
                "Decide whether disclosure is justified in the public interest.",
                escalation_contact(registry, discloser, decision_maker(facts).value),
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
                decision_maker(facts),
                "Decide on disclosure of a deceased person's records.",
                escalation_contact(registry, discloser, decision_maker(facts).value),
            )
        )
        route = route or "Ask your Caldicott Guardian or DPO to decide."
    return reasons, escalations, route


ONWARD_STRICTNESS = {
    OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES: 0,
    OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT: 1,
    OnwardDisclosure.PROHIBITED: 2,
}


def flows_between(agreement: Agreement, origin: str, discloser: str, registry: RegistrySnapshot) -> list[Flow]:
    """The flows along which ``origin`` could have sent information to ``discloser``."""
    origin_type = registry.organisations[origin].type
    discloser_type = registry.organisations[discloser].type
    return [
        flow
        for flow in agreement.flows
        if any(endpoint_matches(e, origin, origin_type, True) for e in flow.source)
        and any(endpoint_matches(e, discloser, discloser_type, True) for e in flow.recipient)
    ]


def received_under(agreement_id: str, facts: Facts, registry: RegistrySnapshot) -> AgreementRevision | None:
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
            and flows_between(agreement, origin, question.discloser, registry)
        ):
            return revision
    return None


def onward_limit(
    facts: Facts, registry: RegistrySnapshot, covering: Evaluation | None
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
    candidates = {i: r for i in ids if (r := received_under(i, facts, registry)) is not None}
    if not question.received_under and covering is not None and covering.agreement_id in candidates:
        candidates = {covering.agreement_id: candidates[covering.agreement_id]}
    origin_name = registry.organisations[origin].name
    strictest: tuple[Reason, OnwardDisclosure] | None = None
    for agreement_id in sorted(candidates):
        revision = candidates[agreement_id]
        agreement = revision.agreement
        flows = flows_between(agreement, origin, question.discloser, registry)
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


def reserved_to_panel(
    facts: Facts, registry: RegistrySnapshot, grace_override: int | None
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
