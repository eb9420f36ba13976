"""What comes with a share, and the routes beside or outside agreements.

Obligations, statutory duties, public-interest cases, onward-disclosure limits and panel decisions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from agreements.answer import (
    Citation,
    Code,
    Decision,
    EscalateTo,
    Escalation,
    InstructionKind,
    Obligation,
    Reason,
)
from agreements.checker.facts import Facts
from agreements.checker.terms import (
    ADULT_SOCIAL_CARE,
    CHILDRENS_SOCIAL_CARE,
    DISCLOSURE_SCHEME_PURPOSES,
    LOCATION_MUST_NOT_REACH,
    MAPPA_PURPOSES,
    POLICE,
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
from agreements.question import NotSoughtReason, RiskFact, Urgency
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
RECORD_CONSENT = Obligation(
    "RECORD_CONSENT",
    "Record the consent: explicit, informed, for this purpose, and that it can be withdrawn at any time.",
)
NOT_TELLING_REASONS = frozenset({NotSoughtReason.INCREASES_RISK, NotSoughtReason.PREJUDICE_ENQUIRY})


def standard_obligations(facts: Facts, registry: RegistrySnapshot, agreement: Agreement | None) -> list[Obligation]:
    """What comes with any share: record it, share the minimum, send it securely, tell (or not) the people."""
    obligations = [RECORD_DECISION, SHARE_ONLY_WHAT_IS_NECESSARY, SEND_SECURELY]
    subjects = [p for p in facts.data_subject_facts() if not p.deceased]
    told = [p for p in subjects if not p.consented and not p.must_not_be_told]
    if told:
        not_telling = any(p.person.consent_not_sought_reason in NOT_TELLING_REASONS for p in told)
        obligations.append(DO_NOT_INFORM_NOW if not_telling else INFORM_UNLESS_RISK)
    never_told = sorted({p.person.label for p in facts.people if p.must_not_be_told})
    if agreement is not None:
        flagged = {p.person.type for p in facts.people if p.must_not_be_told}
        never_told += [
            label(registry.vocabulary.data_subject_types, t).lower()
            for t in sorted(agreement.consent_model.not_told_types())
            if t not in flagged
        ]
    if never_told:
        obligations.append(Obligation("DO_NOT_INFORM", f"Do not tell the {', '.join(never_told)}."))
    if facts.location:
        obligations.append(PROTECT_LOCATION)
    if facts.deceased:
        obligations.append(CONFIDENTIALITY_SURVIVES_DEATH)
    if any(p.consented for p in subjects):
        obligations.append(RECORD_CONSENT)
    return obligations


def escalation_contact(registry: RegistrySnapshot, organisation_id: str, role: str) -> str | None:
    """The named person in this role at the organisation, with their email, or ``None`` if none is recorded."""
    organisation = registry.organisations.get(organisation_id)
    if organisation is None:
        return None
    # Escalations always name someone: failing the role asked for, the person who answers for data protection.
    for wanted in (role, "data_protection_officer", "information_governance_lead"):
        for contact in organisation.contacts:
            if contact.role.value == wanted:
                return f"{contact.name}, {organisation.name}" + (f" ({contact.email})" if contact.email else "")
    return None


def partnership_contact(facts: Facts, registry: RegistrySnapshot, role: str) -> str | None:
    """A named person in a partnership role (a MAPPA or MARAC coordinator) among the discloser's partners."""
    for agreement_id in registry.agreements_with_party(facts.question.discloser):
        revision = registry.latest_revision(agreement_id)
        if revision is None:
            continue
        for party in revision.agreement.parties:
            organisation = registry.organisations.get(party.organisation_id)
            if organisation is None:
                continue
            for contact in organisation.contacts:
                if contact.role.value == role:
                    return f"{contact.name}, {organisation.name}" + (f" ({contact.email})" if contact.email else "")
    return None


def service_of_type(facts: Facts, registry: RegistrySnapshot, organisation_type: str) -> tuple[str | None, str]:
    """The registered organisation of a type the discloser works with (by shared agreements), and its name."""
    partners = sorted(
        {
            party.organisation_id
            for agreement_id in registry.agreements_with_party(facts.question.discloser)
            if (revision := registry.latest_revision(agreement_id)) is not None
            for party in revision.agreement.parties
        }
    )
    for organisation_id in partners:
        organisation = registry.organisations.get(organisation_id)
        if organisation is not None and organisation.type == organisation_type:
            return organisation.id, organisation.name
    return None, label(registry.vocabulary.organisation_types, organisation_type).lower()


def decision_maker(facts: Facts) -> EscalateTo:
    """Who decides a public-interest or deceased-person disclosure: the Caldicott Guardian in health and care."""
    return (
        EscalateTo.CALDICOTT_GUARDIAN if facts.discloser_health_or_social_care else EscalateTo.DATA_PROTECTION_OFFICER
    )


@dataclass
class Route:
    """A way forward the law gives outside agreements: what to do, why, and who decides."""

    decision: Decision
    kind: InstructionKind
    text: str
    reasons: list[Reason] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    # The route in a few words, to stand beside another ("make a child protection referral to ...").
    also: str | None = None


def disclosure_scheme(facts: Facts, registry: RegistrySnapshot) -> Route | None:
    """DVDS (Clare's Law) and CSOD (Sarah's Law): only the police disclose; others pass what they know to them."""
    question = facts.question
    if question.purpose not in DISCLOSURE_SCHEME_PURPOSES:
        return None
    if question.purpose == "dvds-disclosure":
        scheme = "Domestic Violence Disclosure Scheme (Clare's Law)"
        provision = "Domestic Abuse Act 2021 s77 (DVDS statutory guidance); police common-law power to disclose"
    else:
        scheme = "Child Sex Offender Disclosure Scheme (Sarah's Law)"
        provision = "Criminal Justice Act 2003 s327A (duty to consider disclosure)"
    if facts.discloser_type == POLICE:
        return Route(
            Decision.ESCALATE,
            InstructionKind.ASK_FIRST,
            f"Take it to the police {scheme} decision-making process today; the police decide what is disclosed.",
            [
                Reason(
                    Code.DISCLOSURE_SCHEME_POLICE_PROCESS,
                    f"Disclosures under the {scheme} are decided by the police through the scheme's process.",
                    Citation(provision=provision),
                )
            ],
            [
                Escalation(
                    EscalateTo.POLICE_DISCLOSURE_SCHEME,
                    f"The {scheme} decision-making process decides.",
                    escalation_contact(registry, question.discloser, "designated_safeguarding_lead"),
                )
            ],
        )
    police_id, police = service_of_type(facts, registry, POLICE)
    reason = Reason(
        Code.DISCLOSURE_SCHEME_PASS_TO_POLICE,
        f"Only the police disclose under the {scheme}; another agency passes what it knows to the police.",
        Citation(provision=provision),
    )
    escalation = Escalation(
        EscalateTo.POLICE_DISCLOSURE_SCHEME,
        f"Pass what you know to {police} for the {scheme}.",
        escalation_contact(registry, police_id, "designated_safeguarding_lead") if police_id else None,
    )
    if facts.recipient_type == POLICE:
        return Route(
            Decision.ESCALATE,
            InstructionKind.REFER_NOW,
            f"Pass what you know to {police} now, for a {scheme} decision.",
            [reason],
            [escalation],
        )
    return Route(
        Decision.NOT_COVERED,
        InstructionKind.REFER_INSTEAD,
        f"Do not disclose to {recipient_label(facts, registry)} yourself — pass what you know to {police} instead.",
        [reason, not_for_this_recipient(facts, registry, police)],
        [escalation],
    )


def mappa_decision(facts: Facts, registry: RegistrySnapshot) -> Route | None:
    """MAPPA: third-party disclosure is decided by the MAPPA meeting (levels 2-3) or the lead agency (level 1)."""
    question = facts.question
    if question.purpose not in MAPPA_PURPOSES:
        return None
    urgent = question.urgency is not Urgency.ROUTINE
    if question.purpose == "mappa-third-party-disclosure":
        if question.mappa_level == 1:
            who, to = "the lead agency managing the offender", EscalateTo.MAPPA_LEAD_AGENCY
        else:
            who, to = "the MAPPA meeting", EscalateTo.MAPPA_MEETING
        text = f"Ask {who} today: third-party disclosure is their decision."
        if urgent and to is EscalateTo.MAPPA_MEETING:
            # MAPPA Guidance: an urgent disclosure need not wait for a meeting; the lead agency decides and the
            # meeting reviews it afterwards.
            who, to = "the lead agency's senior manager (or the MAPPA chair)", EscalateTo.MAPPA_LEAD_AGENCY
            text = f"Ask {who} now: an urgent disclosure need not wait for a meeting, which reviews it afterwards."
        return Route(
            Decision.ESCALATE,
            InstructionKind.ASK_FIRST,
            text,
            [
                Reason(
                    Code.MAPPA_PROCESS,
                    f"Third-party disclosure about a MAPPA offender is decided by {who}"
                    + (", or without waiting for a meeting when it is urgent." if urgent else "."),
                    Citation(provision="Criminal Justice Act 2003 s325; MAPPA Guidance (disclosure)"),
                )
            ],
            [
                Escalation(
                    to,
                    f"Third-party disclosure is decided by {who}.",
                    partnership_contact(facts, registry, "mappa_coordinator"),
                )
            ],
        )
    return Route(
        Decision.ESCALATE,
        InstructionKind.ASK_FIRST,
        "Ask the MAPPA coordinator today: share through the MAPPA arrangements.",
        [
            Reason(
                Code.MAPPA_PROCESS,
                "Information about MAPPA offenders is shared through the MAPPA arrangements.",
                Citation(provision="Criminal Justice Act 2003 s325"),
            )
        ],
        [
            Escalation(
                EscalateTo.MAPPA_MEETING,
                "Take it to the MAPPA coordinator or meeting.",
                partnership_contact(facts, registry, "mappa_coordinator"),
            )
        ],
    )


def referral(
    facts: Facts,
    registry: RegistrySnapshot,
    service_type: str,
    reason: Reason,
    escalate_to: EscalateTo,
    what: str,
) -> Route | None:
    """A referral route: to the statutory service itself, never to anyone else, never from the service to itself.

    The service itself (children's social care for a child, adult social care for an adult at risk) shares
    under its own enquiry functions with those able to help: a decision for its Caldicott Guardian or DPO.
    """
    if facts.discloser_type == service_type:
        return own_enquiry(facts, registry, service_type)
    service_id, service = service_of_type(facts, registry, service_type)
    lead = escalation_contact(registry, facts.question.discloser, "designated_safeguarding_lead")
    if facts.recipient_type == service_type:
        return Route(
            Decision.ESCALATE,
            InstructionKind.REFER_NOW,
            f"Make {what} to {recipient_label(facts, registry)} now, and tell your safeguarding lead.",
            [reason],
            [Escalation(EscalateTo.DESIGNATED_SAFEGUARDING_LEAD, f"Make or support {what} today.", lead)],
            also=f"make {what} to {service}",
        )
    return Route(
        Decision.NOT_COVERED,
        InstructionKind.REFER_INSTEAD,
        f"Do not share this with {recipient_label(facts, registry)} — make {what} to {service} instead.",
        [reason, not_for_this_recipient(facts, registry, service)],
        [Escalation(escalate_to, f"Make {what} to {service}.", lead)],
        also=f"make {what} to {service}",
    )


def safeguarding_adults_board(facts: Facts, registry: RegistrySnapshot) -> Route | None:
    """Care Act 2014 s45: a board's request must be complied with if it meets the section's conditions."""
    if not (facts.question.purpose == SAFEGUARDING_ADULTS_REVIEW and facts.recipient_type == SAFEGUARDING_ADULTS_BOARD):
        return None
    contact = escalation_contact(registry, facts.question.discloser, "data_protection_officer")
    return Route(
        Decision.ESCALATE,
        InstructionKind.ASK_FIRST,
        f"Ask {contact or 'your data protection officer'} today to check the Board's request meets Care Act 2014 "
        "s45; if it does, you must supply the information.",
        [
            Reason(
                Code.STATUTORY_REQUEST_SAFEGUARDING_ADULTS_BOARD,
                "A Safeguarding Adults Board may require information for its functions; a request that meets "
                "the conditions of s45 must be complied with.",
                Citation(provision="Care Act 2014 s45"),
            )
        ],
        [Escalation(EscalateTo.DATA_PROTECTION_OFFICER, "Check the request meets Care Act 2014 s45.", contact)],
    )


def own_enquiry(facts: Facts, registry: RegistrySnapshot, service_type: str) -> Route | None:
    """The statutory service's own enquiry functions: it may share with someone able to help, on a decision."""
    if not facts.recipient_can_act:
        return None
    provision = "Children Act 1989 s47" if service_type == CHILDRENS_SOCIAL_CARE else "Care Act 2014 s42"
    reason = Reason(
        Code.OWN_ENQUIRY_FUNCTIONS,
        "You are the authority that must make enquiries: you may share what is necessary with an agency able to "
        "help protect the person, under your public task (UK GDPR Art 6(1)(e)) and, for special category data, "
        "Sch 1 para 18; with no agreement for it, the decision is recorded by your Caldicott Guardian or DPO.",
        Citation(provision=provision),
    )
    maker = decision_maker(facts)
    contact = escalation_contact(registry, facts.question.discloser, maker.value)
    return Route(
        Decision.ESCALATE,
        InstructionKind.ASK_FIRST,
        f"Ask {contact or maker.value.replace('_', ' ')} today: sharing with {recipient_label(facts, registry)} "
        "under your own enquiry functions is their decision; consent is not needed where a child or adult is at "
        "risk.",
        [reason],
        [Escalation(maker, "Decide whether to share under the service's own enquiry functions.", contact)],
    )


def child_protection(facts: Facts, registry: RegistrySnapshot) -> Route | None:
    """Harm to a child: a referral to children's social care (Children Act 1989 s47; s17 below that threshold)."""
    risks = facts.question.risks
    if RiskFact.SIGNIFICANT_HARM_TO_CHILD in risks:
        reason = Reason(
            Code.STATUTORY_DUTY_CHILD_PROTECTION,
            "There is reasonable cause to suspect a child is suffering or likely to suffer significant harm: "
            "children's social care must enquire and other agencies must help, including by sharing information.",
            Citation(provision="Children Act 1989 s47; Children Act 2004 s11"),
        )
        return referral(
            facts,
            registry,
            CHILDRENS_SOCIAL_CARE,
            reason,
            EscalateTo.CHILDRENS_SOCIAL_CARE,
            "a child protection referral",
        )
    if RiskFact.RISK_OF_HARM in risks and facts.child_involved:
        reason = Reason(
            Code.STATUTORY_DUTY_CHILD_PROTECTION,
            "A welfare concern about a child goes to children's social care (the MASH), which decides the "
            "response; you do not need consent where there is a perceived risk of harm.",
            Citation(provision="Children Act 1989 s17; Information sharing advice (2024), rule 3"),
        )
        return referral(
            facts,
            registry,
            CHILDRENS_SOCIAL_CARE,
            reason,
            EscalateTo.CHILDRENS_SOCIAL_CARE,
            "a referral about the child's welfare",
        )
    return None


def adult_safeguarding(facts: Facts, registry: RegistrySnapshot) -> Route | None:
    """An adult at risk: a safeguarding concern to adult social care, which must enquire (Care Act 2014 s42)."""
    if not facts.adult_at_risk_protected:
        return None
    reason = Reason(
        Code.STATUTORY_DUTY_ADULT_SAFEGUARDING,
        "The adult appears to have care and support needs, to be at risk of abuse or neglect and unable to "
        "protect themselves: the local authority must make enquiries.",
        Citation(provision="Care Act 2014 s42"),
    )
    return referral(
        facts, registry, ADULT_SOCIAL_CARE, reason, EscalateTo.ADULT_SOCIAL_CARE, "a safeguarding adults concern"
    )


def public_interest(facts: Facts, registry: RegistrySnapshot) -> Route | None:
    """A public-interest disclosure: decided by the Caldicott Guardian or DPO, and only to someone able to act."""
    if not facts.question.risks & PUBLIC_INTEREST_RISKS:
        return None
    if not facts.recipient_can_act:
        return Route(
            Decision.NOT_COVERED,
            InstructionKind.DO_NOT_SHARE,
            f"Do not share this with {recipient_label(facts, registry)}: a public-interest disclosure goes only to "
            "someone able to act on it. Ask your Caldicott Guardian or DPO who that is.",
            [
                Reason(
                    Code.PUBLIC_INTEREST_RECIPIENT_CANNOT_ACT,
                    "A disclosure in the public interest is justified only to a recipient able to act to prevent "
                    "the harm; this recipient is not.",
                    Citation(provision="Common-law duty of confidence: public interest test"),
                )
            ],
        )
    maker = decision_maker(facts)
    contact = escalation_contact(registry, facts.question.discloser, maker.value)
    who = contact or maker.value.replace("_", " ")
    return Route(
        Decision.ESCALATE,
        InstructionKind.ASK_FIRST,
        f"Ask {who} today before sharing: it is a public-interest decision.",
        [
            Reason(
                Code.PUBLIC_INTEREST_CASE,
                "The facts may justify disclosure in the public interest; that is a decision for the right person, "
                "weighing the risk against the duty of confidence.",
                Citation(provision="Common-law duty of confidence: public interest test"),
            )
        ],
        [Escalation(maker, "Decide whether disclosure is justified in the public interest.", contact)],
    )


def deceased_person(facts: Facts, registry: RegistrySnapshot) -> Route | None:
    """A deceased person's records: confidentiality survives death; the Caldicott Guardian or DPO decides."""
    if not facts.deceased:
        return None
    maker = decision_maker(facts)
    contact = escalation_contact(registry, facts.question.discloser, maker.value)
    return Route(
        Decision.ESCALATE,
        InstructionKind.ASK_FIRST,
        f"Ask {contact or maker.value.replace('_', ' ')} today before sharing a deceased person's records.",
        [
            Reason(
                Code.DECEASED_PERSON,
                "The records are of a deceased person: data protection law does not apply, but the duty of "
                "confidence survives death.",
                Citation(provision="Common-law duty of confidence; Caldicott principles"),
            )
        ],
        [Escalation(maker, "Decide on disclosure of a deceased person's records.", contact)],
    )


# The routes outside agreements, in order of precedence. A statutory duty that fits the share is decided before
# these (it is the lawful basis itself, see ``duties``). Then:
OUTSIDE_ROUTES = (
    # 1. A disclosure scheme belongs to the police: its purpose decides the route, whoever asks.
    disclosure_scheme,
    # 2. MAPPA information moves only through the MAPPA arrangements and their disclosure decisions.
    mappa_decision,
    # 3. A safeguarding adults board's request without the s45 request stated: check it, then comply.
    safeguarding_adults_board,
    # 4. Harm to a child: children's social care must hear of it; the route is a referral to it, nowhere else.
    child_protection,
    # 5. An adult at risk: likewise, a safeguarding concern to adult social care.
    adult_safeguarding,
    # 6. A serious risk to others or a serious crime: a public-interest decision, towards someone able to act.
    public_interest,
    # 7. A deceased person's records: a decision for the Caldicott Guardian or DPO.
    deceased_person,
)


def outside_agreements(facts: Facts, registry: RegistrySnapshot) -> tuple[Route | None, list[Route]]:
    """The route the law gives when no agreement covers, and every route that applies (to show beside it).

    The first route in order of precedence (``OUTSIDE_ROUTES``) decides: a statutory referral channel comes
    before a public-interest decision. An adult's capacitous refusal (nobody else at risk) closes every route.
    """
    if facts.capacitous_refusal or facts.question.bulk:
        # A refusal stands; and no route outside agreements is for a list or an extract: they are case by case.
        return None, []
    if facts.location and facts.recipient_type in LOCATION_MUST_NOT_REACH:
        # Where a person at risk is never reaches the public or immigration enforcement, by any route.
        never = Route(
            Decision.NOT_COVERED,
            InstructionKind.DO_NOT_SHARE,
            f"Do not share where a person at risk is with {recipient_label(facts, registry)}, by any route.",
            [
                Reason(
                    Code.LOCATION_MUST_NOT_REACH_RECIPIENT,
                    "The location of a person at risk must not be disclosed to this recipient.",
                    Citation(provision="Information sharing advice for safeguarding practitioners (2024), rule 5"),
                )
            ],
        )
        return never, [never]
    applicable = [route for step in OUTSIDE_ROUTES if (route := step(facts, registry)) is not None]
    # The first in order of precedence decides; the others are shown beside it.
    return (applicable[0] if applicable else None), applicable


def recipient_label(facts: Facts, registry: RegistrySnapshot) -> str:
    """The recipient as the practitioner knows it: its name, or the kind of recipient outside the registry."""
    question = facts.question
    if question.recipient is not None:
        return registry.organisations[question.recipient].name
    return label(registry.vocabulary.organisation_types, question.recipient_type or "").lower()


def not_for_this_recipient(facts: Facts, registry: RegistrySnapshot, instead: str) -> Reason:
    """NOT_FOR_THIS_RECIPIENT: the law gives a route, but to another recipient."""
    return Reason(
        Code.NOT_FOR_THIS_RECIPIENT,
        f"This is not for {recipient_label(facts, registry)}: the route the law gives goes to {instead}.",
    )


ONWARD_STRICTNESS = {
    OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES: 0,
    OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT: 1,
    OnwardDisclosure.PROHIBITED: 2,
}


def flows_between(
    revision: AgreementRevision,
    origin: str | None,
    discloser: str,
    registry: RegistrySnapshot,
    categories: Iterable[str],
) -> list[Flow]:
    """The flows along which ``origin`` (anyone, if ``None``) could have sent any of these to ``discloser``.

    Read from the compiled index (``Flow.sends_from`` / ``sends_to`` and ``Vocabulary.covered_by`` as bit masks).
    """
    compiled = registry.compiled(revision)
    organisations = registry.organisations
    found = compiled.recipients.mask(discloser, organisations[discloser].type, True)
    if origin is not None:
        found &= compiled.senders.mask(origin, organisations[origin].type, True)
    carries = 0
    for category in categories:
        carries |= compiled.by_category.get(category, 0)
    found &= carries
    return [flow for index, flow in enumerate(compiled.flows) if found >> index & 1]


def received_under(
    agreement_id: str, origin: str | None, facts: Facts, registry: RegistrySnapshot, categories: Iterable[str]
) -> tuple[AgreementRevision, list[Flow]] | None:
    """The latest revision, effective by the date, under which the data could have come to the discloser.

    Looking back through revisions keeps the limits on information already received even after
    the discloser has left the agreement.
    """
    question = facts.question
    wanted = tuple(categories)
    for revision in reversed(registry.histories.get(agreement_id, ())):
        agreement = revision.agreement
        if agreement.effective_from is None or agreement.effective_from > question.as_of:
            continue
        if agreement.party(question.discloser) is None or (origin is not None and agreement.party(origin) is None):
            continue
        flows = flows_between(revision, origin, question.discloser, registry, wanted)
        if flows:
            return revision, flows
    return None


def names_as_author(agreement: Agreement, facts: Facts, registry: RegistrySnapshot, owned: Iterable[str]) -> bool:
    """True when the process's agreement names the discloser itself (or its type) as a source of these records.

    The police complete DASHes and the MARAC's flows name them as a source; an agency that could send one only
    as "any party" is taken to hold what it received. Its own records carry no limit it must ask anyone about.
    """
    vocabulary = registry.vocabulary
    wanted = list(owned)
    for flow in agreement.flows:
        named = any(
            (e.organisation == facts.question.discloser or e.organisation_type == facts.discloser_type)
            for e in flow.source
        )
        if named and any(vocabulary.permits(p, c) for p in flow.data_categories for c in wanted):
            return True
    return False


Source = tuple[AgreementRevision, list[Flow], bool, bool]


def onward_sources(facts: Facts, registry: RegistrySnapshot) -> list[Source]:
    """Every agreement that could have carried these categories to the discloser, with the flows that could have.

    From the organisation the information came from (``received_from``; only ``received_under`` if named);
    and, for records owned by a process (a DASH, a MARAC action plan, a MAPPA plan), from that process's
    agreements the discloser or the originator belongs to, even when the practitioner does not say where
    they came from. Each source says whether it was inferred from the record's process, and whether that
    agreement names the discloser as a source of such records (``names_as_author``). A record the
    discloser's own agency made may also be given as ``received_from`` the discloser.
    """
    question = facts.question
    if question.received_from == question.discloser:
        # The practitioner says the record is their own agency's: nothing came with limits.
        return []
    origin = question.received_from
    found: dict[str, Source] = {}
    if origin is not None:
        ids = (question.received_under,) if question.received_under else registry.agreements_with_party(origin)
        for agreement_id in ids:
            if agreement_id is not None and (
                got := received_under(agreement_id, origin, facts, registry, facts.categories)
            ):
                found[agreement_id] = (*got, False, False)
    # The process's agreements the discloser (or the originator) belongs to: those it could have come through.
    members = registry.agreement_ids_with_party(question.discloser)
    if origin is not None:
        members = members | registry.agreement_ids_with_party(origin)
    for process in sorted(set(facts.processes.values())):
        owned = [c for c, p in facts.processes.items() if p == process]
        for agreement_id in sorted(members.intersection(registry.agreement_ids_of_kind(process))):
            latest = registry.latest_revision(agreement_id)
            if latest is None or agreement_id in found:
                continue
            author = origin is None and names_as_author(latest.agreement, facts, registry, owned)
            got = received_under(agreement_id, origin, facts, registry, owned)
            # Held outside the process's own flows, the process's rules still travel with the record.
            found[agreement_id] = (*got, True, author) if got is not None else (latest, [], True, author)
    return [found[key] for key in sorted(found)]


Onward = tuple[Reason, OnwardDisclosure, str, str | None]


def onward_limit(facts: Facts, registry: RegistrySnapshot) -> Onward | None:
    """ONWARD_DISCLOSURE_*: information received from another agency keeps the limits it came with.

    The strictest limit of every agreement that could have carried the data applies, whether the onward
    share is within another agreement or on a route outside agreements. A share that stays within the
    agreement the data came under (to a party, for one of its purposes) is not onward disclosure from it.
    Returns the reason, the limit, whom to ask and how to reach them.
    """
    question = facts.question
    if question.received_from is None and not facts.processes:
        return None
    if question.received_from is not None and question.received_from == question.recipient:
        # Giving information back to the agency it came from is not passing it on.
        return None
    strictest: Onward | None = None
    for revision, flows, by_process, author in onward_sources(facts, registry):
        agreement = revision.agreement
        recipient_in = question.recipient is not None and agreement.party(question.recipient) is not None
        if by_process and recipient_in and question.purpose in agreement.purpose_ids():
            # The record stays within its own process (a MARAC action plan among MARAC partners for the MARAC).
            continue
        limits = [r for flow in flows for r in agreement.restrictions_for(flow)] or [agreement.restrictions]
        level = max((limit.onward_disclosure for limit in limits), key=ONWARD_STRICTNESS.__getitem__)
        cite = Citation(agreement.id, agreement.version, revision.revision, flows[0].id if len(flows) == 1 else None)
        if facts.duty is not None and all(limit.except_where_required_by_law for limit in limits):
            # DPA 2018 Sch 2 para 5: a disclosure the law requires is not stopped by these limits.
            exempt = Reason(
                Code.REQUIRED_BY_LAW_EXEMPTION,
                f"{agreement.id}'s limits on passing information on give way to a disclosure the law requires "
                f"({facts.duty.label}).",
                Citation(cite.agreement_id, cite.version, cite.revision, cite.flow_id, "DPA 2018 Sch 2 para 5"),
            )
            if strictest is None:
                origin_name = (
                    registry.organisations[question.received_from].name
                    if question.received_from
                    else f"the agency that shared it under {agreement.id}"
                )
                strictest = (exempt, OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES, origin_name, None)
            continue
        limited_to = {p for limit in limits for p in limit.use_only_for}
        if limited_to and question.purpose not in limited_to and not author:
            # Use limitation as data: a use outside what the agreement allows is an onward use to be agreed.
            level = max(level, OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT, key=ONWARD_STRICTNESS.__getitem__)
        if author and level is not OnwardDisclosure.PROHIBITED:
            # The agency that made the record is the originator whose agreement is needed: its own. A prohibition
            # (MAPPA: only a disclosure decision lets it out) binds the author too.
            continue
        if level is OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES:
            if recipient_in and question.purpose in agreement.purpose_ids():
                # Within that agreement's parties and purposes, which is what it permits.
                continue
            # Permitted only within that agreement: anything beyond it needs the originator.
            level = OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT
        origin = question.received_from
        who = registry.organisations[origin].name if origin else f"the agency that shared it under {agreement.id}"
        contact = (
            escalation_contact(registry, origin, "designated_safeguarding_lead")
            if origin
            else partnership_contact(facts, registry, f"{agreement.kind.value}_coordinator")
            or escalation_contact(registry, agreement.owner, "agreement_owner")
        )
        if level is OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT and question.originator_agreed:
            reason = Reason(
                Code.ONWARD_DISCLOSURE_ORIGINATOR_AGREED,
                f"{who} has agreed to the information shared under {agreement.id} being passed on.",
                cite,
            )
            level = OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES
        elif level is OnwardDisclosure.PROHIBITED:
            reason = Reason(
                Code.ONWARD_DISCLOSURE_PROHIBITED,
                f"The information came to you under {agreement.id}, which prohibits passing it on.",
                cite,
            )
        elif limited_to and question.purpose not in limited_to:
            allowed = ", ".join(sorted(label(registry.vocabulary.purposes, p) for p in limited_to))
            reason = Reason(
                Code.USE_LIMITATION_EXCEEDED,
                f"Information shared under {agreement.id} may be used only for {allowed}; {who} must agree to any "
                "other use.",
                cite,
            )
        else:
            reason = Reason(
                Code.ONWARD_DISCLOSURE_NEEDS_ORIGINATOR_CONSENT,
                f"The information came to you under {agreement.id}; {who} must agree before it is passed on.",
                cite,
            )
        if strictest is None or ONWARD_STRICTNESS[level] > ONWARD_STRICTNESS[strictest[1]]:
            strictest = (reason, level, who, contact)
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
