"""What an information sharing agreement is: frozen dataclasses and enums, no I/O.

Field names follow the words governance leads use in the agreements themselves
(party, flow, data category, lawful basis); see ``../shared/reference/domain.md`` §2.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb).

    Total: a result past the last representable date is ``date.max``, so a review date of 9999-12-31
    plus a grace period never breaks a check.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AgreementKind(StrEnum):
    """The kind of agreement, which decides the usual parties and panel."""

    MASH = "mash"
    MARAC = "marac"
    MAPPA = "mappa"
    PROTOCOL = "protocol"
    DISCLOSURE_AGREEMENT = "disclosure_agreement"
    JOINT_CONTROLLER_AGREEMENT = "joint_controller_agreement"
    OTHER = "other"


class AgreementStatus(StrEnum):
    """Where an agreement is in its lifecycle."""

    DRAFT = "draft"
    AWAITING_SIGNATURES = "awaiting_signatures"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"


# Terminated and superseded agreements are history: a new agreement replaces them.
STATUS_TRANSITIONS: dict[AgreementStatus, frozenset[AgreementStatus]] = {
    AgreementStatus.DRAFT: frozenset(
        {AgreementStatus.DRAFT, AgreementStatus.AWAITING_SIGNATURES, AgreementStatus.TERMINATED}
    ),
    AgreementStatus.AWAITING_SIGNATURES: frozenset(
        {
            AgreementStatus.AWAITING_SIGNATURES,
            AgreementStatus.DRAFT,
            AgreementStatus.ACTIVE,
            AgreementStatus.TERMINATED,
        }
    ),
    AgreementStatus.ACTIVE: frozenset(
        {
            AgreementStatus.ACTIVE,
            AgreementStatus.SUSPENDED,
            AgreementStatus.EXPIRED,
            AgreementStatus.TERMINATED,
            AgreementStatus.SUPERSEDED,
            # An amendment that changes parties or flows goes back out for signature.
            AgreementStatus.AWAITING_SIGNATURES,
        }
    ),
    AgreementStatus.SUSPENDED: frozenset(
        {
            AgreementStatus.SUSPENDED,
            AgreementStatus.ACTIVE,
            AgreementStatus.EXPIRED,
            AgreementStatus.TERMINATED,
            AgreementStatus.SUPERSEDED,
        }
    ),
    AgreementStatus.EXPIRED: frozenset(
        {
            AgreementStatus.EXPIRED,
            AgreementStatus.AWAITING_SIGNATURES,
            AgreementStatus.TERMINATED,
            AgreementStatus.SUPERSEDED,
        }
    ),
    AgreementStatus.TERMINATED: frozenset({AgreementStatus.TERMINATED}),
    AgreementStatus.SUPERSEDED: frozenset({AgreementStatus.SUPERSEDED}),
}


def can_change_status(current: AgreementStatus, new: AgreementStatus) -> bool:
    """True when the lifecycle allows an agreement to move from ``current`` to ``new``."""
    return new in STATUS_TRANSITIONS[current]


class PartyRole(StrEnum):
    """What a party is under the agreement (UK GDPR roles and MAPPA roles)."""

    CONTROLLER = "controller"
    JOINT_CONTROLLER = "joint_controller"
    PROCESSOR = "processor"
    RESPONSIBLE_AUTHORITY = "responsible_authority"
    DUTY_TO_COOPERATE = "duty_to_cooperate"
    SAFEGUARDING_PARTNER = "safeguarding_partner"
    RELEVANT_AGENCY = "relevant_agency"


class ContactRole(StrEnum):
    """The people a practitioner may need to reach about an agreement."""

    CALDICOTT_GUARDIAN = "caldicott_guardian"
    DATA_PROTECTION_OFFICER = "data_protection_officer"
    SENIOR_INFORMATION_RISK_OWNER = "senior_information_risk_owner"
    DESIGNATED_SAFEGUARDING_LEAD = "designated_safeguarding_lead"
    INFORMATION_GOVERNANCE_LEAD = "information_governance_lead"
    AGREEMENT_OWNER = "agreement_owner"
    MARAC_COORDINATOR = "marac_coordinator"
    MAPPA_COORDINATOR = "mappa_coordinator"
    MASH_MANAGER = "mash_manager"
    OTHER = "other"


class Frequency(StrEnum):
    """How often a flow happens."""

    CASE_BY_CASE = "case_by_case"
    SCHEDULED = "scheduled"
    BULK = "bulk"
    ONE_OFF = "one_off"


class TransferMethod(StrEnum):
    """How data moves along a flow."""

    SECURE_EMAIL = "secure_email"
    SECURE_FILE_TRANSFER = "secure_file_transfer"
    SHARED_CASE_SYSTEM = "shared_case_system"
    MEETING = "meeting"
    SECURE_VIDEO_MEETING = "secure_video_meeting"
    TELEPHONE = "telephone"
    SECURE_PORTAL = "secure_portal"
    POST = "post"
    HAND_DELIVERY = "hand_delivery"


class ConsentDefault(StrEnum):
    """The agreement's starting position on consent."""

    REQUIRED = "required"
    SEEK_WHERE_SAFE = "seek_where_safe"
    NOT_USED = "not_used"


class ConsentOverrideGround(StrEnum):
    """Grounds on which an agreement allows sharing without consent or against a refusal."""

    SIGNIFICANT_HARM_TO_CHILD = "significant_harm_to_child"
    # A perceived risk of harm to a child is enough to share without consent (2024 advice, rule 3).
    RISK_OF_HARM_TO_CHILD = "risk_of_harm_to_child"
    ADULT_AT_RISK = "adult_at_risk"
    RISK_TO_OTHERS = "risk_to_others"
    RISK_TO_LIFE = "risk_to_life"
    SERIOUS_CRIME = "serious_crime"
    PREJUDICE_ENQUIRY = "prejudice_enquiry"
    INCREASES_RISK = "increases_risk"
    LACKS_CAPACITY = "lacks_capacity"
    STATUTORY_DUTY = "statutory_duty"
    HIGH_RISK_DOMESTIC_ABUSE = "high_risk_domestic_abuse"
    COERCION_OR_UNDUE_INFLUENCE = "coercion_or_undue_influence"
    NO_TIME = "no_time"


class OnwardDisclosure(StrEnum):
    """What a recipient may do with shared data beyond the agreement's purposes."""

    PROHIBITED = "prohibited"
    NEEDS_ORIGINATOR_CONSENT = "needs_originator_consent"
    PERMITTED_FOR_AGREEMENT_PURPOSES = "permitted_for_agreement_purposes"


class DataOnTermination(StrEnum):
    """What happens to shared data when the agreement ends."""

    RETAIN_UNDER_OWN_POLICY = "retain_under_own_policy"
    RETURN = "return"
    DESTROY = "destroy"


@dataclass(frozen=True)
class Contact:
    """A named person to contact, in a role, optionally at an organisation."""

    role: ContactRole
    name: str
    job_title: str | None = None
    email: str | None = None
    telephone: str | None = None
    organisation_id: str | None = None


@dataclass(frozen=True)
class Identifier:
    """An organisation's identifier in some register (ODS code, ICO registration, URN)."""

    scheme: str
    value: str


@dataclass(frozen=True)
class Organisation:
    """An organisation that can be a party to agreements; its own record, referenced by id."""

    id: str
    name: str
    type: str
    public_authority: bool
    competent_authority: bool = False
    identifiers: tuple[Identifier, ...] = ()
    contacts: tuple[Contact, ...] = ()
    address: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Signatory:
    """Who signed for a party, in which job, and when (``None`` while unsigned)."""

    name: str
    job_title: str
    signed_on: date | None = None


@dataclass(frozen=True)
class Party:
    """An organisation's participation in an agreement."""

    organisation_id: str
    roles: tuple[PartyRole, ...]
    public_authority: bool
    competent_authority: bool = False
    apd_reference: str | None = None
    dpia_reference: str | None = None
    signatory: Signatory | None = None
    # The organisation that is the data controller, where the party is part of another party's legal entity
    # (children's services, education and youth justice of one council): not a separate controller.
    controller: str | None = None

    def signed_on_or_before(self, day: date) -> bool:
        """True when the party's signatory had signed by ``day``."""
        return self.signatory is not None and self.signatory.signed_on is not None and self.signatory.signed_on <= day


@dataclass(frozen=True)
class AgreementPurpose:
    """A purpose the agreement serves, with the statutory gateways relied on for it."""

    purpose: str
    gateways: tuple[str, ...] = ()
    description: str | None = None
    # A voluntary service (early help): shared for it only with consent, whatever grounds the agreement lists.
    consent_required: bool = False


@dataclass(frozen=True)
class Endpoint:
    """One end of a flow: a named organisation, any party of a type, or any party at all."""

    organisation: str | None = None
    organisation_type: str | None = None
    any_party: bool = False

    def __post_init__(self) -> None:
        given = sum((self.organisation is not None, self.organisation_type is not None, self.any_party))
        if given != 1:
            raise ValueError("an endpoint names exactly one of organisation, organisation_type or any_party")

    def matches(self, organisation_id: str | None, organisation_type: str | None, is_party: bool) -> bool:
        """True when this end admits the organisation (or, outside the registry, an organisation of this type).

        "Any party" admits only a party to the agreement; a type admits any organisation of it, party or
        not, which is how a flow reaches a recipient outside the registry (a member of the public).
        """
        if self.any_party:
            return is_party
        if self.organisation is not None:
            return self.organisation == organisation_id
        return self.organisation_type == organisation_type


@dataclass(frozen=True)
class Art6Entry:
    """An Art 6(1) basis and the law it rests on, for some or all purposes."""

    basis: str
    source: str
    gateways: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()


@dataclass(frozen=True)
class Art9Entry:
    """An Art 9(2) condition and its DPA 2018 Schedule 1 condition where s10 needs one."""

    condition: str
    schedule1: str | None = None
    source: str | None = None
    purposes: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()


@dataclass(frozen=True)
class Art10Entry:
    """How Art 10 is met for criminal offence data: a Schedule 1 condition or official authority."""

    route: str
    schedule1: str | None = None
    via_paragraph_36: bool = False
    source: str | None = None
    purposes: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()


@dataclass(frozen=True)
class LawfulBases:
    """The Art 6, Art 9 and Art 10 grounds, each with its source."""

    art6: tuple[Art6Entry, ...] = ()
    art9: tuple[Art9Entry, ...] = ()
    art10: tuple[Art10Entry, ...] = ()

    def is_empty(self) -> bool:
        """True when no ground at all is stated."""
        return not (self.art6 or self.art9 or self.art10)


@dataclass(frozen=True)
class NotTold:
    """A case-by-case exemption from telling someone about a share, with its ground in law.

    Not a blanket rule: the practitioner decides for each share whether telling would cause the harm the
    ground names, and records it.
    """

    subject_type: str
    ground: str
    exemption: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ConsentModel:
    """When consent is sought, when sharing without it is allowed, and who must not be told."""

    default: ConsentDefault
    override_grounds: tuple[ConsentOverrideGround, ...] = ()
    # Types never told, with no ground stated (a blanket rule the lint reports); prefer ``not_told``.
    do_not_inform: tuple[str, ...] = ()
    not_told: tuple[NotTold, ...] = ()
    capacity: str | None = None
    child_competence: str | None = None
    recording: str | None = None
    notes: str | None = None

    def not_told_types(self) -> frozenset[str]:
        """Every data-subject type this agreement says must not be told (blanket or case by case)."""
        return frozenset(self.do_not_inform) | {n.subject_type for n in self.not_told}


@dataclass(frozen=True)
class ReservedDecision:
    """A decision the agreement reserves to a panel or role, such as MAPPA third-party disclosure."""

    purpose: str
    decided_by: str
    description: str | None = None


@dataclass(frozen=True)
class Restrictions:
    """Limits on use and onward disclosure."""

    use_limitation: str | None = None
    prohibited_purposes: tuple[str, ...] = ()
    onward_disclosure: OnwardDisclosure = OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT
    onward_disclosure_note: str | None = None
    reserved_decisions: tuple[ReservedDecision, ...] = ()
    no_bulk_sharing: bool = False
    # Use limitation as data: what shared information may be used for; using it for anything else is onward use
    # that needs the agreement of the agency that shared it.
    use_only_for: tuple[str, ...] = ()
    # DPA 2018 Sch 2 para 5: a disclosure the law requires (an enactment, a court) is not stopped by these limits.
    except_where_required_by_law: bool = False


ArticleEntry = Art6Entry | Art9Entry | Art10Entry


def _entry_order(entry: ArticleEntry) -> tuple[str, str, str, str]:
    return (
        getattr(entry, "basis", ""),
        getattr(entry, "condition", ""),
        getattr(entry, "route", ""),
        getattr(entry, "schedule1", None) or "",
    )


@dataclass(frozen=True)
class Flow:
    """One permitted movement of data: who to whom, for what, about whom, which categories."""

    id: str
    source: tuple[Endpoint, ...]
    recipient: tuple[Endpoint, ...]
    purposes: tuple[str, ...]
    data_subjects: tuple[str, ...]
    data_categories: tuple[str, ...]
    frequency: Frequency = Frequency.CASE_BY_CASE
    methods: tuple[TransferMethod, ...] = ()
    description: str | None = None
    lawful_bases: LawfulBases | None = None
    restrictions: Restrictions | None = None
    minimisation_note: str | None = None
    # Restricted categories below one the flow names that it deliberately does not carry (a DASH under "risk
    # assessment"): said in the agreement so a reader is never left to guess.
    not_carried: tuple[str, ...] = ()

    def sends_from(self, organisation_id: str | None, organisation_type: str | None, is_party: bool) -> bool:
        """True when the organisation may send along this flow."""
        return any(e.matches(organisation_id, organisation_type, is_party) for e in self.source)

    def sends_to(self, organisation_id: str | None, organisation_type: str | None, is_party: bool) -> bool:
        """True when the organisation may receive along this flow."""
        return any(e.matches(organisation_id, organisation_type, is_party) for e in self.recipient)


@dataclass(frozen=True)
class RetentionRule:
    """How long data is kept and how it is disposed of, for one party or all."""

    period: str
    disposal: str
    organisation_id: str | None = None


@dataclass(frozen=True)
class Security:
    """How shared data is protected."""

    classification: str | None = None
    transfer_methods: tuple[TransferMethod, ...] = ()
    encryption: str | None = None
    access_control: str | None = None
    breach_procedure: str | None = None


@dataclass(frozen=True)
class Review:
    """How often the agreement is reviewed, when reminders go, and how long it may lapse."""

    frequency_months: int = 12
    reminder_months_before: int = 3
    lapse_grace_months: int = 3
    last_reviewed_on: date | None = None


@dataclass(frozen=True)
class Termination:
    """How a party leaves or the agreement ends, and what happens to the data."""

    notice_days: int | None = None
    data_on_termination: DataOnTermination = DataOnTermination.RETAIN_UNDER_OWN_POLICY
    notes: str | None = None


class ControllerArrangement(StrEnum):
    """How the parties stand as controllers of the shared data."""

    SEPARATE_CONTROLLERS = "separate_controllers"
    JOINT_CONTROLLERS = "joint_controllers"


@dataclass(frozen=True)
class Controllership:
    """Whether the parties are separate or joint controllers (UK GDPR Art 26), and why."""

    arrangement: ControllerArrangement
    decision: str
    contact_point: str | None = None


@dataclass(frozen=True)
class IndividualRights:
    """How individuals' rights are handled: the ICO Data Sharing Code's headings for an agreement."""

    subject_access: str
    rectification: str
    privacy_notices: str
    complaints: str
    objection_and_restriction: str | None = None


@dataclass(frozen=True)
class Amendment:
    """One entry in the amendments log."""

    version: str
    date: date
    summary: str
    approved_by: str | None = None


@dataclass(frozen=True)
class Agreement:
    """An information sharing agreement, as signed: one immutable version of it."""

    id: str
    title: str
    version: str
    kind: AgreementKind
    status: AgreementStatus
    owner: str
    parties: tuple[Party, ...]
    purposes: tuple[AgreementPurpose, ...]
    data_subjects: tuple[str, ...]
    flows: tuple[Flow, ...]
    lawful_bases: LawfulBases
    consent_model: ConsentModel
    summary: str | None = None
    effective_from: date | None = None
    review_due: date | None = None
    expires_on: date | None = None
    parent_id: str | None = None
    governance_body: str | None = None
    contacts: tuple[Contact, ...] = ()
    restrictions: Restrictions = field(default_factory=Restrictions)
    retention: tuple[RetentionRule, ...] = ()
    security: Security = field(default_factory=Security)
    review: Review = field(default_factory=Review)
    termination: Termination = field(default_factory=Termination)
    amendments: tuple[Amendment, ...] = ()
    controllership: Controllership | None = None
    rights: IndividualRights | None = None
    # The drafters' notes: every assumption made, so an IG lead reading it for sign-off sees them all.
    notes: str | None = None

    def party(self, organisation_id: str) -> Party | None:
        """The party for an organisation, or ``None`` when it is not a party."""
        for party in self.parties:
            if party.organisation_id == organisation_id:
                return party
        return None

    def party_ids(self) -> frozenset[str]:
        """The ids of every party's organisation."""
        return frozenset(p.organisation_id for p in self.parties)

    def flow(self, flow_id: str) -> Flow | None:
        """The flow with this id, or ``None``."""
        for candidate in self.flows:
            if candidate.id == flow_id:
                return candidate
        return None

    def purpose_ids(self) -> frozenset[str]:
        """The ids of every purpose the agreement serves."""
        return frozenset(p.purpose for p in self.purposes)

    def needs_consent_for(self, purpose: str) -> bool:
        """True when sharing for this purpose under this agreement needs consent (consent-based, or voluntary)."""
        if self.consent_model.default is ConsentDefault.REQUIRED:
            return True
        return any(p.purpose == purpose and p.consent_required for p in self.purposes)

    def lapses_after(self, grace_months: int) -> date | None:
        """The last day the agreement may run past its review date (review due plus the grace period)."""
        return add_months(self.review_due, grace_months) if self.review_due is not None else None

    def last_day_in_force(self, grace_months: int) -> date | None:
        """The last day this version can cover a share: its expiry, or its review date plus the grace period.

        ``None`` when it is not active at all. What "in force" means is written here once; the compiled
        index, the rules, the lint and the benchmark all ask this.
        """
        if self.status is not AgreementStatus.ACTIVE:
            return None
        last = date.max
        if self.expires_on is not None:
            last = min(last, self.expires_on)
        lapses = self.lapses_after(grace_months)
        if lapses is not None:
            last = min(last, lapses)
        return last

    def in_force_on(self, day: date, grace_months: int) -> bool:
        """True when this version is active, has taken effect, and has neither expired nor lapsed on ``day``."""
        last = self.last_day_in_force(grace_months)
        return last is not None and self.effective_from is not None and self.effective_from <= day <= last

    def bases_for(self, flow: Flow, article: str, purpose: str, organisation_id: str) -> tuple[ArticleEntry, ...]:
        """The lawful-basis entries of one article (art6, art9, art10) that apply to a flow, purpose and party.

        A flow's own entries for an article replace the agreement's for that article; an entry limited to
        some purposes or parties applies only to them. In a fixed order, so the answer never depends on the
        order the agreement lists them in.
        """
        flow_level: tuple[ArticleEntry, ...] = getattr(flow.lawful_bases, article) if flow.lawful_bases else ()
        chosen: tuple[ArticleEntry, ...] = flow_level or getattr(self.lawful_bases, article)
        applicable = [
            e
            for e in chosen
            if (not e.purposes or purpose in e.purposes) and (not e.parties or organisation_id in e.parties)
        ]
        return tuple(sorted(applicable, key=_entry_order))

    def restrictions_for(self, flow: Flow) -> tuple[Restrictions, ...]:
        """The restrictions a share along this flow must keep: the agreement's, then the flow's own."""
        return (self.restrictions,) if flow.restrictions is None else (self.restrictions, flow.restrictions)


@dataclass(frozen=True)
class AgreementRevision:
    """One saved version of an agreement in the registry; earlier revisions stay readable."""

    agreement: Agreement
    revision: int
    recorded_at: datetime
    recorded_by: str
    change_note: str | None = None
