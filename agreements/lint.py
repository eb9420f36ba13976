"""Agreement lint: defects the checker would trip on, found before a practitioner does.

Validation (``agreements.validation``) decides whether a record can be stored; the lint
decides whether it works in law. Each finding has a stable code, a severity, the path
inside the agreement and a message; errors stop sharing under the agreement, warnings
are worth fixing at the next review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import combinations

from agreements.checker import SCH1_PREVENTING_UNLAWFUL_ACTS, SCH1_SAFEGUARDING
from agreements.model import (
    Agreement,
    AgreementStatus,
    Art6Entry,
    Art9Entry,
    Art10Entry,
    ContactRole,
    Endpoint,
    Flow,
    Organisation,
    Restrictions,
)
from agreements.vocabulary import Schedule1Condition, Vocabulary

ESCALATION_ROLES = (ContactRole.DATA_PROTECTION_OFFICER, ContactRole.DESIGNATED_SAFEGUARDING_LEAD)


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

    unique = {(f.path, f.code, f.message): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.path, f.code.value, f.message))
