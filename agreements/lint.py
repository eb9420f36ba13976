"""Agreement lint: defects the checker would trip on, found before a practitioner does.

Validation (``agreements.validation``) decides whether a record can be stored; the lint
decides whether it works in law. Each finding has a stable code, a severity, the path
inside the agreement and a message; errors stop sharing under the agreement, warnings
are worth fixing at the next review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import combinations

from agreements.checker import SCH1_PREVENTING_UNLAWFUL_ACTS, SCH1_SAFEGUARDING
from agreements.checker.terms import SCH1_COUNSELLING
from agreements.model import (
    Agreement,
    AgreementStatus,
    Art6Entry,
    Art9Entry,
    Art10Entry,
    ConsentDefault,
    ContactRole,
    Endpoint,
    Flow,
    Organisation,
    Restrictions,
)
from agreements.vocabulary import Schedule1Condition, Vocabulary

ESCALATION_ROLES = (ContactRole.DATA_PROTECTION_OFFICER, ContactRole.DESIGNATED_SAFEGUARDING_LEAD)

# Schedule 1 conditions met only without consent (paras 10, 17, 18) and Art 9(2)(c) (a person unable to consent).
WITHOUT_CONSENT_ONLY = frozenset({SCH1_PREVENTING_UNLAWFUL_ACTS, SCH1_COUNSELLING, SCH1_SAFEGUARDING})
VITAL_INTERESTS = "art9-2-c"
OFFICIAL_AUTHORITY = "art10-official-authority"

# Which organisation types a statutory gateway lets share, and with whom ("senders", "recipients"): a gateway
# cited for a direction the statute does not give is a defect. Crime and Disorder Act 1998 s115(2): disclosure to
# a "relevant authority" -- police, local authorities, probation, health bodies -- not to housing associations or
# charities. Children Act 2004 s10(4): the "relevant partners" -- not NHS trusts (s11 bodies) nor GP practices.
# Lists paraphrased from secondary sources (NOT VERIFIED against the primary text).
LOCAL_AUTHORITY_TYPES = frozenset(
    {
        "childrens-social-care",
        "adult-social-care",
        "local-authority-education",
        "housing-authority",
        "youth-justice-service",
    }
)
NHS_BODY_TYPES = frozenset(
    {
        "integrated-care-board",
        "nhs-england",
        "nhs-acute-trust",
        "nhs-mental-health-trust",
        "nhs-community-trust",
        "nhs-ambulance-trust",
    }
)
GATEWAY_PARTIES: dict[str, dict[str, frozenset[str]]] = {
    "cda1998-s115": {
        "recipients": frozenset({"police-force", "probation-service"}) | LOCAL_AUTHORITY_TYPES | NHS_BODY_TYPES
    },
    "ca2004-s10": {
        "senders": frozenset(
            {
                "police-force",
                "probation-service",
                "integrated-care-board",
                "nhs-england",
                "maintained-school",
                "academy-trust",
                "further-education-college",
                "department-for-work-and-pensions",
            }
        )
        | LOCAL_AUTHORITY_TYPES
    },
}
DPO_TITLE = re.compile(r"\b(data protection officer|DPO)\b", re.IGNORECASE)


class Severity(StrEnum):
    """How much a finding matters."""

    ERROR = "error"
    WARNING = "warning"


class LintCode(StrEnum):
    """Stable lint codes."""

    FLOW_NAMES_NON_PARTY = "FLOW_NAMES_NON_PARTY"
    ART9_CONDITION_MISSING = "ART9_CONDITION_MISSING"
    ART10_ROUTE_MISSING = "ART10_ROUTE_MISSING"
    SCH1_CONDITION_MISSING = "SCH1_CONDITION_MISSING"
    SCH1_WRONG_PART = "SCH1_WRONG_PART"
    APD_MISSING = "APD_MISSING"
    ART6_NOT_FOR_PUBLIC_AUTHORITY = "ART6_NOT_FOR_PUBLIC_AUTHORITY"
    ART6_NOT_YET_IN_FORCE = "ART6_NOT_YET_IN_FORCE"
    ART6_BASIS_MISSING = "ART6_BASIS_MISSING"
    ACTIVE_BUT_EXPIRED = "ACTIVE_BUT_EXPIRED"
    ACTIVE_BUT_LAPSED = "ACTIVE_BUT_LAPSED"
    ACTIVE_BUT_UNSIGNED = "ACTIVE_BUT_UNSIGNED"
    CONTRADICTORY_RESTRICTIONS = "CONTRADICTORY_RESTRICTIONS"
    PARA18_FOR_ADULTS_WITHOUT_CARE_NEEDS = "PARA18_FOR_ADULTS_WITHOUT_CARE_NEEDS"
    NO_REVIEW_DATE = "NO_REVIEW_DATE"
    ESCALATION_CONTACT_MISSING = "ESCALATION_CONTACT_MISSING"
    CONSENT_ROUTE_MISSING = "CONSENT_ROUTE_MISSING"
    ART10_OFFICIAL_AUTHORITY_NOT_AVAILABLE = "ART10_OFFICIAL_AUTHORITY_NOT_AVAILABLE"
    RESTRICTED_CATEGORY_NOT_INHERITED = "RESTRICTED_CATEGORY_NOT_INHERITED"
    PARTY_BASIS_MISSING = "PARTY_BASIS_MISSING"
    RECIPIENT_APD_MISSING = "RECIPIENT_APD_MISSING"
    GATEWAY_NOT_FOR_PARTY = "GATEWAY_NOT_FOR_PARTY"
    DPO_AS_SIGNATORY = "DPO_AS_SIGNATORY"
    BLANKET_NEVER_TELL = "BLANKET_NEVER_TELL"


@dataclass(frozen=True)
class Finding:
    """One lint finding."""

    code: LintCode
    severity: Severity
    path: str
    message: str


def _applies_to(
    agreement: Agreement, flow: Flow, article: str, entry: Art6Entry | Art9Entry | Art10Entry, purpose: str, party: str
) -> bool:
    """True when ``entry`` is among the bases that apply to this flow, purpose and party (``Agreement.bases_for``)."""
    return entry in agreement.bases_for(flow, article, purpose, party)


def _bases(agreement: Agreement, flow: Flow, article: str) -> tuple[Art6Entry | Art9Entry | Art10Entry, ...]:
    """The entries of one article in force for a flow, in the order written (for paths into the document)."""
    flow_level = getattr(flow.lawful_bases, article) if flow.lawful_bases else ()
    chosen: tuple[Art6Entry | Art9Entry | Art10Entry, ...] = flow_level or getattr(agreement.lawful_bases, article)
    return chosen


def _parties_at(
    agreement: Agreement, endpoints: tuple[Endpoint, ...], organisations: Mapping[str, Organisation]
) -> list[str]:
    """The parties an end of a flow can be (``Endpoint.matches``: the one meaning of a flow's end)."""
    found: list[str] = []
    for party in agreement.parties:
        organisation = organisations.get(party.organisation_id)
        kind = organisation.type if organisation is not None else None
        if any(endpoint.matches(party.organisation_id, kind, True) for endpoint in endpoints):
            found.append(party.organisation_id)
    return found


def _pairs(agreement: Agreement, flow: Flow, organisations: Mapping[str, Organisation]) -> set[tuple[str, str]]:
    """Every (sender, recipient) pair of distinct parties a flow allows."""
    recipients = _parties_at(agreement, flow.recipient, organisations)
    return {(s, r) for s in _parties_at(agreement, flow.source, organisations) for r in recipients if s != r}


def _recipients_all_competent(agreement: Agreement, flow: Flow, organisations: Mapping[str, Organisation]) -> bool:
    parties = {p.organisation_id: p for p in agreement.parties}
    recipients = _parties_at(agreement, flow.recipient, organisations)
    return bool(recipients) and all(parties[r].competent_authority for r in recipients)


def _categories_overlap(vocabulary: Vocabulary, left: Iterable[str], right: Iterable[str]) -> bool:
    right_set = list(right)
    return any(vocabulary.permits(a, b) or vocabulary.permits(b, a) for a in left for b in right_set)


def _contradiction(first: Restrictions, second: Restrictions, shared_purposes: set[str]) -> str | None:
    if first.onward_disclosure is not second.onward_disclosure:
        return (
            f"onward disclosure is {first.onward_disclosure.value.replace('_', ' ')} in one and "
            f"{second.onward_disclosure.value.replace('_', ' ')} in the other"
        )
    prohibited_here = shared_purposes & (set(first.prohibited_purposes) ^ set(second.prohibited_purposes))
    if prohibited_here:
        return f"one prohibits {', '.join(sorted(prohibited_here))} and the other allows it"
    reserved_first = {(r.purpose, r.decided_by) for r in first.reserved_decisions if r.purpose in shared_purposes}
    reserved_second = {(r.purpose, r.decided_by) for r in second.reserved_decisions if r.purpose in shared_purposes}
    if reserved_first != reserved_second:
        return "they reserve decisions on the same purpose to different panels"
    return None


def _legal_findings(
    agreement: Agreement,
    flow: Flow,
    here: str,
    vocabulary: Vocabulary,
    organisations: Mapping[str, Organisation],
) -> list[Finding]:
    """Art 9 and Art 10 findings for one flow: a condition for every sender and purpose, Sch 1, APDs."""
    findings: list[Finding] = []
    parties = {p.organisation_id: p for p in agreement.parties}
    senders = _parties_at(agreement, flow.source, organisations)
    special = [c for c in flow.data_categories if vocabulary.is_special_category(c)]
    criminal = [c for c in flow.data_categories if vocabulary.is_criminal_offence(c)]
    for article, categories, code in (
        ("art9", special, LintCode.ART9_CONDITION_MISSING),
        ("art10", criminal, LintCode.ART10_ROUTE_MISSING),
    ):
        if not categories:
            continue
        entries = _bases(agreement, flow, article)
        own = flow.lawful_bases is not None and bool(getattr(flow.lawful_bases, article))
        bases_path = f"{here}.lawful_bases" if own else "lawful_bases"
        for purpose in flow.purposes:
            for sender in senders:
                if not agreement.bases_for(flow, article, purpose, sender):
                    what = "Art 9(2) condition" if article == "art9" else "Art 10 route"
                    findings.append(
                        Finding(
                            code,
                            Severity.ERROR,
                            here,
                            f"flow {flow.id} carries {', '.join(categories)} for {purpose!r} from {sender}, "
                            f"but no {what} applies",
                        )
                    )
        routes: list[str] = []
        for e_index, entry in enumerate(entries):
            if not any(_applies_to(agreement, flow, article, entry, p, s) for p in flow.purposes for s in senders):
                continue
            entry_path = f"{bases_path}.{article}[{e_index}]"
            schedule1_id: str | None = getattr(entry, "schedule1", None)
            schedule1 = vocabulary.schedule1_conditions.get(schedule1_id) if schedule1_id else None
            if isinstance(entry, Art9Entry):
                findings.extend(_schedule1_part_findings(entry, schedule1, entry_path, vocabulary))
            routes.append(schedule1.id if schedule1 is not None else entry_path)
            if schedule1 is None or not schedule1.apd_required:
                continue
            if schedule1.id == SCH1_PREVENTING_UNLAWFUL_ACTS and _recipients_all_competent(
                agreement, flow, organisations
            ):
                continue  # para 10(2): no APD for a disclosure to a competent authority
            for sender in senders:
                applies = any(_applies_to(agreement, flow, article, entry, p, sender) for p in flow.purposes)
                if applies and not parties[sender].apd_reference:
                    findings.append(
                        Finding(
                            LintCode.APD_MISSING,
                            Severity.ERROR,
                            entry_path,
                            f"{sender} relies on {schedule1.citation} for flow {flow.id} but has no appropriate "
                            "policy document on file",
                        )
                    )
        # The protected individual may differ from the data subject (para 18(4)): data about a parent can
        # protect a child. A defect only when para 18 is the flow's sole route and it is about nobody it protects.
        protectable = any(
            vocabulary.data_subject_types[s].child or s == "adult-at-risk"
            for s in flow.data_subjects
            if s in vocabulary.data_subject_types
        )
        if routes and set(routes) == {SCH1_SAFEGUARDING} and not protectable:
            findings.append(
                Finding(
                    LintCode.PARA18_FOR_ADULTS_WITHOUT_CARE_NEEDS,
                    Severity.WARNING,
                    here,
                    f"flow {flow.id} relies only on para 18 but is about no child or adult at risk; para 18 covers "
                    "an adult only with care and support needs who cannot protect themselves — add para 10 or 6",
                )
            )
    return findings


def _schedule1_part_findings(
    entry: Art9Entry, schedule1: Schedule1Condition | None, entry_path: str, vocabulary: Vocabulary
) -> list[Finding]:
    """An Art 9(2) condition that DPA 2018 s10 ties to a Schedule 1 part needs a condition from that part."""
    condition = vocabulary.art9_conditions.get(entry.condition)
    required_part = condition.requires_schedule1_part if condition else None
    if condition is None or required_part is None:
        return []
    if schedule1 is None:
        return [
            Finding(
                LintCode.SCH1_CONDITION_MISSING,
                Severity.ERROR,
                entry_path,
                f"{condition.citation} needs a Schedule 1 Part {required_part.value} condition (DPA 2018 s10)",
            )
        ]
    if schedule1.part is not required_part:
        return [
            Finding(
                LintCode.SCH1_WRONG_PART,
                Severity.ERROR,
                entry_path,
                f"{condition.citation} needs Part {required_part.value}; {schedule1.citation} is in "
                f"Part {schedule1.part.value}",
            )
        ]
    return []


def _entries(agreement: Agreement, article: str) -> list[tuple[str, Art6Entry | Art9Entry | Art10Entry]]:
    """Every entry of one article, agreement-level and per flow, with its path."""
    found: list[tuple[str, Art6Entry | Art9Entry | Art10Entry]] = [
        (f"lawful_bases.{article}[{i}]", e) for i, e in enumerate(getattr(agreement.lawful_bases, article))
    ]
    for f_index, flow in enumerate(agreement.flows):
        if flow.lawful_bases is not None:
            found += [
                (f"flows[{f_index}].lawful_bases.{article}[{i}]", e)
                for i, e in enumerate(getattr(flow.lawful_bases, article))
            ]
    return found


def _works_with_consent(entry: Art6Entry | Art9Entry | Art10Entry) -> bool:
    """A condition still met when the person consents: not paras 10, 17, 18, nor vital interests."""
    # Official authority (a competent authority's) does not turn on consent; its misuse is a finding of its own.
    schedule1 = getattr(entry, "schedule1", None)
    return schedule1 not in WITHOUT_CONSENT_ONLY and getattr(entry, "condition", None) != VITAL_INTERESTS


def consent_route_findings(
    agreement: Agreement, vocabulary: Vocabulary, organisations: Mapping[str, Organisation]
) -> list[Finding]:
    """CONSENT_ROUTE_MISSING: where consent is sought, every sender of special or criminal data needs a route
    that works with consent (Art 9(2)(a); Sch 1 para 29), not only paras 10, 17 and 18."""
    if agreement.consent_model.default is ConsentDefault.NOT_USED:
        return []
    missing: dict[str, set[str]] = {}
    for flow in agreement.flows:
        special = any(vocabulary.is_special_category(c) for c in flow.data_categories)
        criminal = any(vocabulary.is_criminal_offence(c) for c in flow.data_categories)
        for sender in _parties_at(agreement, flow.source, organisations):
            for article, carried in (("art9", special), ("art10", criminal)):
                if not carried:
                    continue
                entries = [e for p in flow.purposes for e in agreement.bases_for(flow, article, p, sender)]
                if entries and not any(_works_with_consent(e) for e in entries):
                    missing.setdefault(sender, set()).add("Art 9(2)(a)" if article == "art9" else "Sch 1 para 29")
    index = {p.organisation_id: i for i, p in enumerate(agreement.parties)}
    return [
        Finding(
            LintCode.CONSENT_ROUTE_MISSING,
            Severity.ERROR,
            f"parties[{index[sender]}]",
            f"{sender} may share where consent is given, but its conditions all work only without consent "
            f"(paras 10, 17, 18): state {' and '.join(sorted(routes))} for it",
        )
        for sender, routes in sorted(missing.items())
    ]


def official_authority_findings(agreement: Agreement) -> list[Finding]:
    """ART10_OFFICIAL_AUTHORITY_NOT_AVAILABLE: official authority only for competent authorities (DPA s10(5))."""
    findings = []
    for path, entry in _entries(agreement, "art10"):
        if getattr(entry, "route", None) != OFFICIAL_AUTHORITY:
            continue
        covered = entry.parties or tuple(p.organisation_id for p in agreement.parties)
        wrong = sorted(
            p.organisation_id for p in agreement.parties if p.organisation_id in covered and not p.competent_authority
        )
        if wrong:
            findings.append(
                Finding(
                    LintCode.ART10_OFFICIAL_AUTHORITY_NOT_AVAILABLE,
                    Severity.ERROR,
                    path,
                    f"official authority is for competent authorities; {', '.join(wrong)} need a Schedule 1 "
                    "condition instead: limit the entry with 'parties'",
                )
            )
    return findings


def inheritance_findings(agreement: Agreement, vocabulary: Vocabulary) -> list[Finding]:
    """RESTRICTED_CATEGORY_NOT_INHERITED: a general category does not carry its restricted sub-categories."""
    findings = []
    for index, flow in enumerate(agreement.flows):
        named = set(flow.data_categories)
        left_out = sorted(
            {
                child
                for category in flow.data_categories
                for child in vocabulary.descendants_of(category)
                if child not in vocabulary.covered_by(category) and child not in named and child not in flow.not_carried
            }
        )
        if left_out:
            findings.append(
                Finding(
                    LintCode.RESTRICTED_CATEGORY_NOT_INHERITED,
                    Severity.WARNING,
                    f"flows[{index}].data_categories",
                    f"flow {flow.id} does not carry {', '.join(left_out)}: special category, criminal offence and "
                    "process-owned records must be named, not inherited; name them if the flow is meant to carry "
                    "them, or list them in not_carried to say it is not",
                )
            )
    return findings


def party_footing_findings(
    agreement: Agreement, vocabulary: Vocabulary, organisations: Mapping[str, Organisation]
) -> list[Finding]:
    """PARTY_BASIS_MISSING / RECIPIENT_APD_MISSING: a party that is not a public authority needs its own footing."""
    findings = []
    art6 = [e for _, e in _entries(agreement, "art6")]
    for index, party in enumerate(agreement.parties):
        if party.public_authority:
            continue
        own = [
            e
            for e in art6
            if party.organisation_id in e.parties or (not e.parties and getattr(e, "basis", None) != "art6-1-e")
        ]
        if not own:
            findings.append(
                Finding(
                    LintCode.PARTY_BASIS_MISSING,
                    Severity.ERROR,
                    f"parties[{index}]",
                    f"{party.organisation_id} is not a public authority and no Art 6 basis names it "
                    "(a public task basis stated for everyone is not its own)",
                )
            )
        receives_restricted = any(
            party.organisation_id in _parties_at(agreement, flow.recipient, organisations)
            for flow in agreement.flows
            if any(vocabulary.is_special_category(c) or vocabulary.is_criminal_offence(c) for c in flow.data_categories)
        )
        if receives_restricted and not party.apd_reference:
            findings.append(
                Finding(
                    LintCode.RECIPIENT_APD_MISSING,
                    Severity.ERROR,
                    f"parties[{index}].apd_reference",
                    f"{party.organisation_id} receives special category or criminal offence data under Schedule 1 "
                    "and has no appropriate policy document on file",
                )
            )
    return findings


def gateway_findings(agreement: Agreement, organisations: Mapping[str, Organisation]) -> list[Finding]:
    """GATEWAY_NOT_FOR_PARTY: a gateway cited for a direction or a party the statute does not give."""
    findings = []
    types = {
        p.organisation_id: organisations[p.organisation_id].type
        for p in agreement.parties
        if p.organisation_id in organisations
    }
    for path, entry in _entries(agreement, "art6"):
        for gateway in getattr(entry, "gateways", ()):
            limits = GATEWAY_PARTIES.get(gateway)
            if limits is None:
                continue
            wrong: set[str] = set()
            for flow in agreement.flows:
                senders = [
                    s
                    for s in _parties_at(agreement, flow.source, organisations)
                    if any(_applies_to(agreement, flow, "art6", entry, p, s) for p in flow.purposes)
                ]
                if not senders:
                    continue
                if "senders" in limits:
                    wrong |= {s for s in senders if types.get(s) not in limits["senders"]}
                if "recipients" in limits:
                    recipients = _parties_at(agreement, flow.recipient, organisations)
                    wrong |= {r for r in recipients if types.get(r) not in limits["recipients"]}
            if wrong:
                findings.append(
                    Finding(
                        LintCode.GATEWAY_NOT_FOR_PARTY,
                        Severity.ERROR,
                        path,
                        f"{gateway} does not give {', '.join(sorted(wrong))} the power it is cited for; cite the "
                        "gateway that does, and limit this entry with 'parties'",
                    )
                )
    return findings


def signatory_findings(agreement: Agreement) -> list[Finding]:
    """DPO_AS_SIGNATORY: a data protection officer advises and must not sign as the controller (UK GDPR Art 38(6))."""
    return [
        Finding(
            LintCode.DPO_AS_SIGNATORY,
            Severity.ERROR,
            f"parties[{index}].signatory",
            f"{party.organisation_id}'s signatory is its data protection officer ({party.signatory.job_title}): the "
            "DPO advises and monitors; a senior officer signs for the controller (Art 38(6))",
        )
        for index, party in enumerate(agreement.parties)
        if party.signatory is not None and DPO_TITLE.search(party.signatory.job_title)
    ]


def never_tell_findings(agreement: Agreement) -> list[Finding]:
    """BLANKET_NEVER_TELL: 'never tell' as a blanket rule, with no ground, instead of a case-by-case exemption."""
    return [
        Finding(
            LintCode.BLANKET_NEVER_TELL,
            Severity.WARNING,
            f"consent_model.do_not_inform[{index}]",
            f"'never tell the {subject_type}' has no ground: record it in not_told with the exemption relied on "
            "(e.g. DPA 2018 Sch 2 para 2, crime) and decide it case by case",
        )
        for index, subject_type in enumerate(agreement.consent_model.do_not_inform)
    ]


def lint_agreement(
    agreement: Agreement,
    vocabulary: Vocabulary,
    organisations: Mapping[str, Organisation],
    as_of: date,
    *,
    grace_months: int | None = None,
) -> list[Finding]:
    """Every finding for one agreement on ``as_of``, sorted by path then code."""
    findings: list[Finding] = []

    def add(code: LintCode, severity: Severity, path: str, message: str) -> None:
        findings.append(Finding(code, severity, path, message))

    parties = {p.organisation_id: p for p in agreement.parties}
    grace = grace_months if grace_months is not None else agreement.review.lapse_grace_months

    # Status against the calendar.
    if agreement.status is AgreementStatus.ACTIVE:
        if agreement.expires_on is not None and agreement.expires_on < as_of:
            add(
                LintCode.ACTIVE_BUT_EXPIRED,
                Severity.ERROR,
                "status",
                f"marked active but expired on {agreement.expires_on}",
            )
        lapses = agreement.lapses_after(grace)
        if lapses is not None and lapses < as_of:
            add(
                LintCode.ACTIVE_BUT_LAPSED,
                Severity.ERROR,
                "status",
                f"marked active but review was due {agreement.review_due} "
                f"and the {grace}-month grace period has passed",
            )
        for index, party in enumerate(agreement.parties):
            if not party.signed_on_or_before(as_of):
                add(
                    LintCode.ACTIVE_BUT_UNSIGNED,
                    Severity.WARNING,
                    f"parties[{index}].signatory",
                    f"{party.organisation_id} has not signed; no share to or from it is covered",
                )
    if agreement.review_due is None:
        add(LintCode.NO_REVIEW_DATE, Severity.WARNING, "review_due", "no review date: the agreement can never lapse")

    # Art 6: every purpose needs a basis, and public authorities cannot use (ea) or (f) for their tasks.
    for index, agreement_purpose in enumerate(agreement.purposes):
        purpose_id = agreement_purpose.purpose
        agreement_level = [e for e in agreement.lawful_bases.art6 if not e.purposes or purpose_id in e.purposes]
        flow_level = [
            e
            for f in agreement.flows
            if f.lawful_bases is not None
            for e in f.lawful_bases.art6
            if not e.purposes or purpose_id in e.purposes
        ]
        if not agreement_level and not flow_level:
            add(
                LintCode.ART6_BASIS_MISSING,
                Severity.ERROR,
                f"purposes[{index}]",
                f"no Art 6 basis is stated for {purpose_id!r}",
            )
    art6_places = [("lawful_bases", agreement.lawful_bases.art6)] + [
        (f"flows[{i}].lawful_bases", f.lawful_bases.art6) for i, f in enumerate(agreement.flows) if f.lawful_bases
    ]
    for prefix, art6_entries in art6_places:
        for index, art6 in enumerate(art6_entries):
            basis = vocabulary.art6_bases.get(art6.basis)
            if basis is None:
                continue
            if (
                basis.in_force_from is not None
                and agreement.effective_from is not None
                and agreement.effective_from < basis.in_force_from
            ):
                add(
                    LintCode.ART6_NOT_YET_IN_FORCE,
                    Severity.ERROR,
                    f"{prefix}.art6[{index}]",
                    f"the agreement takes effect on {agreement.effective_from} but {basis.citation} was not in force "
                    f"until {basis.in_force_from}",
                )
            if basis.public_authority_may_rely_for_tasks:
                continue
            covered = art6.parties or tuple(parties)
            public = sorted(p for p in covered if p in parties and parties[p].public_authority)
            if public:
                add(
                    LintCode.ART6_NOT_FOR_PUBLIC_AUTHORITY,
                    Severity.ERROR,
                    f"{prefix}.art6[{index}]",
                    f"{basis.citation} applies to public authorities ({', '.join(public)}), which cannot rely on it "
                    "for their tasks; limit it to the non-public parties with 'parties'",
                )

    # Flows: parties, special category and criminal offence data, Schedule 1 and APDs.
    for index, flow in enumerate(agreement.flows):
        here = f"flows[{index}]"
        for end, endpoints in (("from", flow.source), ("to", flow.recipient)):
            for e_index, endpoint in enumerate(endpoints):
                if endpoint.organisation is not None and endpoint.organisation not in parties:
                    add(
                        LintCode.FLOW_NAMES_NON_PARTY,
                        Severity.ERROR,
                        f"{here}.{end}[{e_index}]",
                        f"flow {flow.id} names {endpoint.organisation!r}, which is not a party",
                    )
        findings.extend(_legal_findings(agreement, flow, here, vocabulary, organisations))

    # Overlapping flows whose restrictions contradict each other.
    for (_, first), (j, second) in combinations(enumerate(agreement.flows), 2):
        shared_purposes = set(first.purposes) & set(second.purposes)
        if not shared_purposes or not set(first.data_subjects) & set(second.data_subjects):
            continue
        if not _pairs(agreement, first, organisations) & _pairs(agreement, second, organisations):
            continue
        if not _categories_overlap(vocabulary, first.data_categories, second.data_categories):
            continue
        reason = _contradiction(
            first.restrictions or agreement.restrictions, second.restrictions or agreement.restrictions, shared_purposes
        )
        if reason:
            add(
                LintCode.CONTRADICTORY_RESTRICTIONS,
                Severity.ERROR,
                f"flows[{j}]",
                f"flows {first.id} and {second.id} overlap but their restrictions contradict: {reason}",
            )

    # Escalations name a person: every party needs a DPO and a safeguarding lead, health and care a Caldicott Guardian.
    for index, party in enumerate(agreement.parties):
        organisation = organisations.get(party.organisation_id)
        if organisation is None:
            continue
        organisation_type = vocabulary.organisation_types.get(organisation.type)
        needed = list(ESCALATION_ROLES)
        if organisation_type is not None and organisation_type.health_or_social_care:
            needed.append(ContactRole.CALDICOTT_GUARDIAN)
        held = {contact.role for contact in organisation.contacts}
        missing = [role.value.replace("_", " ") for role in needed if role not in held]
        if missing:
            add(
                LintCode.ESCALATION_CONTACT_MISSING,
                Severity.WARNING,
                f"parties[{index}]",
                f"{organisation.name} has no {', '.join(missing)} on record: the checker cannot name whom to ask",
            )

    findings += consent_route_findings(agreement, vocabulary, organisations)
    findings += official_authority_findings(agreement)
    findings += inheritance_findings(agreement, vocabulary)
    findings += party_footing_findings(agreement, vocabulary, organisations)
    findings += gateway_findings(agreement, organisations)
    findings += signatory_findings(agreement)
    findings += never_tell_findings(agreement)

    unique = {(f.path, f.code, f.message): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.path, f.code.value, f.message))
