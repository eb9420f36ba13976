"""A synthetic registry of safeguarding information sharing agreements, and share questions to ask of it.

``generate_registry(n)`` builds ``n`` agreements for ``n / 5`` fictional partnership areas.
Each area has about 15 organisations of its own (the council's children's, adult and
education services, a district council's housing service, a housing association, schools,
NHS trusts, a GP practice, youth justice, an IDVA service and some of: a recovery service,
a voluntary organisation, a college, a second school or practice). As in England, some
bodies cover several areas: a police force, an ICB and a fire and rescue service serve three
areas; an ambulance trust, a probation region, a prison and an electronic monitoring
provider serve nine. Each area has five agreements: a MASH agreement, a MARAC agreement,
a MAPPA agreement, an adult safeguarding protocol and an early help (or education
safeguarding) protocol, each with 6-16 parties and 8-15 flows drawn from realistic flow
patterns, lawful bases with Art 6, Art 9 (+ DPA 2018 Sch 1) and Art 10 entries, APD
references and signatures. Some agreements are suspended, expired, lapsed, awaiting
signatures or not yet in force; some have an earlier revision; a few carry the defects
the lint looks for (a missing APD, a public authority on Art 6(1)(f), an unsigned party).

``generate_questions(registry, count)`` asks questions the way practitioners would: mostly
along a flow of an agreement in their own area (which the checker usually covers), and
near misses (a category, purpose or data subject the flow does not cover, the wrong
direction, a recipient outside the agreement), shares under agreements that are not in
force, emergencies, onward disclosures, cross-area shares and disclosures to people
outside the registry.

Every name is invented. Everything is deterministic for a seed.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from agreements.model import (
    Agreement,
    AgreementKind,
    AgreementPurpose,
    AgreementRevision,
    AgreementStatus,
    Amendment,
    Art6Entry,
    Art9Entry,
    Art10Entry,
    ConsentDefault,
    ConsentModel,
    ConsentOverrideGround,
    Contact,
    ContactRole,
    Endpoint,
    Flow,
    Frequency,
    Identifier,
    LawfulBases,
    OnwardDisclosure,
    Organisation,
    Party,
    PartyRole,
    ReservedDecision,
    Restrictions,
    RetentionRule,
    Review,
    Security,
    Signatory,
    Termination,
    TransferMethod,
)
from agreements.question import ConsentStatus, NotSoughtReason, Person, RiskFact, ShareQuestion, Urgency
from agreements.vocabulary import Vocabulary

AS_OF = date(2026, 6, 1)
"""The date every generated question is asked on (the checker is pure: no clock)."""

AGREEMENTS_PER_AREA = 5
AREAS_PER_FORCE = 3  # a police force, an ICB and a fire and rescue service serve this many areas
AREAS_PER_REGION = 9  # an ambulance trust, a probation region, a prison, an EM provider: this many

# ---------------------------------------------------------------- names

_PLACE_HEADS = (
    "Ash",
    "Bram",
    "Brack",
    "Calder",
    "Dun",
    "Eller",
    "Fen",
    "Glen",
    "Hart",
    "Holm",
    "Ivel",
    "Kel",
    "Lang",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Rad",
    "Sel",
    "Thorn",
    "Ulver",
    "Wen",
    "Wick",
    "Yar",
    "Alder",
    "Birch",
    "Cole",
    "Dray",
    "Elm",
    "Frith",
    "Gar",
    "Hazel",
    "Ken",
    "Lyn",
    "Mill",
    "Ned",
    "Ock",
    "Pol",
    "Ray",
    "Stan",
)
_PLACE_TAILS = (
    "by",
    "ford",
    "ham",
    "mere",
    "ton",
    "wick",
    "dale",
    "field",
    "worth",
    "shire",
    "stead",
    "bury",
    "combe",
    "ley",
    "moor",
    "well",
)
_PLACE_QUALIFIERS = ("", "Upper ", "Lower ", "Great ", "Little ", "East ", "West ", "North ", "South ")
_REGION_NAMES = (
    "Marches",
    "Wolds",
    "Fenlands",
    "Peaks",
    "Vales",
    "Downs",
    "Moors",
    "Dales",
    "Coast",
    "Weald",
    "Borders",
    "Lakes",
    "Forest",
    "Levels",
    "Broads",
    "Chilterns",
)
_FIRST_NAMES = (
    "Aisha",
    "Andrew",
    "Bethan",
    "Callum",
    "Chloe",
    "Daniel",
    "Deborah",
    "Emeka",
    "Fiona",
    "Gareth",
    "Hannah",
    "Imran",
    "Joanne",
    "Kevin",
    "Laura",
    "Marcus",
    "Nadia",
    "Owen",
    "Priya",
    "Rachel",
    "Simon",
    "Tariq",
    "Usha",
    "Victoria",
    "Wei",
    "Yasmin",
    "Zoe",
    "Colin",
    "Helen",
    "Martin",
)
_LAST_NAMES = (
    "Achebe",
    "Begum",
    "Bell",
    "Brennan",
    "Castle",
    "Clarke",
    "Doyle",
    "Dunn",
    "Ellison",
    "Farouk",
    "Finch",
    "Hollis",
    "Kaye",
    "Lowe",
    "Marsh",
    "Mehta",
    "Nowak",
    "Okafor",
    "Oyelaran",
    "Pike",
    "Raman",
    "Renshaw",
    "Shaw",
    "Siddiqui",
    "Whitfield",
    "Williams",
    "Evans",
    "Hughes",
    "Patel",
    "Khan",
)


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _area_names(count: int) -> list[str]:
    names = [f"{q}{h}{t}" for q in _PLACE_QUALIFIERS for h in _PLACE_HEADS for t in _PLACE_TAILS]
    ordered = random.Random(4242).sample(names, len(names))
    if count > len(ordered):
        ordered += [f"{name} {n}" for n in range(2, count // len(names) + 3) for name in ordered]
    return ordered[:count]


# ---------------------------------------------------------------- organisations


@dataclass(frozen=True)
class _OrgSpec:
    key: str
    type: str
    name: str  # ``{place}`` is the area's (or force's, or region's) name
    roles: tuple[ContactRole, ...] = (ContactRole.DATA_PROTECTION_OFFICER,)


_DPO, _CG, _DSL = (
    ContactRole.DATA_PROTECTION_OFFICER,
    ContactRole.CALDICOTT_GUARDIAN,
    ContactRole.DESIGNATED_SAFEGUARDING_LEAD,
)
_LOCAL: tuple[_OrgSpec, ...] = (
    _OrgSpec("csc", "childrens-social-care", "{place} Council - Children's Social Care", (_DPO, _CG, _DSL)),
    _OrgSpec("asc", "adult-social-care", "{place} Council - Adult Social Care", (_DPO, _CG, _DSL)),
    _OrgSpec("education", "local-authority-education", "{place} Council - Education and Inclusion", (_DPO, _DSL)),
    _OrgSpec("housing", "housing-authority", "{place} District Council (Housing Options)", (_DPO, _DSL)),
    _OrgSpec("homes", "housing-association", "{place} Homes Housing Association", (_DPO, _DSL)),
    _OrgSpec("st-marys-primary", "maintained-school", "St Mary's Primary School, {place}", (_DPO, _DSL)),
    _OrgSpec("learning-trust", "academy-trust", "{place} Learning Trust", (_DPO, _DSL)),
    _OrgSpec("hospitals", "nhs-acute-trust", "{place} Hospitals NHS Foundation Trust", (_DPO, _CG, _DSL)),
    _OrgSpec("partnership-nhs", "nhs-mental-health-trust", "{place} Partnership NHS Foundation Trust", (_DPO, _CG)),
    _OrgSpec("community-health", "nhs-community-trust", "{place} Community Health NHS Trust", (_DPO, _CG, _DSL)),
    _OrgSpec("high-street-practice", "gp-practice", "High Street Medical Practice, {place}", (_DPO, _CG)),
    _OrgSpec("yjs", "youth-justice-service", "{place} Youth Justice Service", (_DPO, _DSL)),
    _OrgSpec("domestic-abuse-service", "idva-service", "{place} Domestic Abuse Service", (_DPO, _DSL)),
)
# (spec, probability an area has it)
_LOCAL_EXTRAS: tuple[tuple[_OrgSpec, float], ...] = (
    (_OrgSpec("recovery", "substance-misuse-service", "{place} Recovery Partnership", (_DPO, _CG)), 0.8),
    (_OrgSpec("carers-trust", "voluntary-organisation", "{place} Carers and Families Trust", (_DPO, _DSL)), 0.6),
    (_OrgSpec("church-lane-primary", "maintained-school", "Church Lane Primary School, {place}", (_DPO, _DSL)), 0.5),
    (_OrgSpec("riverside-surgery", "gp-practice", "Riverside Surgery, {place}", (_DPO, _CG)), 0.5),
    (_OrgSpec("college", "further-education-college", "{place} College", (_DPO, _DSL)), 0.3),
)
_FORCE: tuple[_OrgSpec, ...] = (
    _OrgSpec("police", "police-force", "{place} Police", (_DPO, ContactRole.MARAC_COORDINATOR, _DSL)),
    _OrgSpec("icb", "integrated-care-board", "NHS {place} Integrated Care Board", (_DPO, _CG, _DSL)),
    _OrgSpec("fire", "fire-and-rescue-service", "{place} Fire and Rescue Service", (_DPO, _DSL)),
)
_REGION: tuple[_OrgSpec, ...] = (
    _OrgSpec("ambulance", "nhs-ambulance-trust", "{place} Ambulance Service NHS Trust", (_DPO, _CG)),
    _OrgSpec(
        "probation", "probation-service", "Probation Service - {place} Region", (_DPO, ContactRole.MAPPA_COORDINATOR)
    ),
    _OrgSpec("prison", "prison-service", "HMP {place}", (_DPO,)),
    _OrgSpec(
        "electronic-monitoring", "electronic-monitoring-provider", "{place} Electronic Monitoring Services", (_DPO,)
    ),
)


_STREETS = ("High", "Station", "Market", "Church", "Castle")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"


_JOB_TITLES = {
    ContactRole.DATA_PROTECTION_OFFICER: "Data Protection Officer",
    ContactRole.CALDICOTT_GUARDIAN: "Caldicott Guardian",
    ContactRole.DESIGNATED_SAFEGUARDING_LEAD: "Designated Safeguarding Lead",
    ContactRole.MARAC_COORDINATOR: "MARAC Coordinator",
    ContactRole.MAPPA_COORDINATOR: "MAPPA Coordinator",
}


def _organisation(spec: _OrgSpec, place: str, vocabulary: Vocabulary, number: int, rng: random.Random) -> Organisation:
    org_type = vocabulary.organisation_types[spec.type]
    org_id = f"{_slug(place)}-{spec.key}"
    domain = f"{_slug(place)}-{spec.key}.example"
    contacts = tuple(
        Contact(
            role=role, name=_person(rng), job_title=_JOB_TITLES[role], email=f"{role.value.replace('_', '.')}@{domain}"
        )
        for role in spec.roles
    )
    return Organisation(
        id=org_id,
        name=spec.name.format(place=place),
        type=spec.type,
        public_authority=org_type.public_authority,
        competent_authority=org_type.competent_authority,
        identifiers=(Identifier("ico-registration", f"ZB{number:06d}"),),
        contacts=contacts,
        address=f"{rng.randint(1, 120)} {rng.choice(_STREETS)} Street, {place}",
        website=f"https://www.{domain}",
    )


# ---------------------------------------------------------------- agreement templates

_ANY = "*"  # any party
_PUBLIC = "member-of-the-public"

_HEALTH = ("nhs-acute-trust", "nhs-mental-health-trust", "nhs-community-trust", "gp-practice")
_SCHOOLS = ("maintained-school", "academy-trust")
_HOUSING = ("housing-authority", "housing-association")

_INTEL = Restrictions(
    use_limitation="Police intelligence is for the decision in hand only and must not be copied to records the "
    "family can see.",
    onward_disclosure=OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT,
    onward_disclosure_note="Intelligence keeps its handling code; any onward disclosure needs the police "
    "supervisor's agreement.",
)
_REFUGE = Restrictions(
    use_limitation="A refuge or safe address is shared only with the named worker who needs it and never appears "
    "in correspondence.",
    onward_disclosure=OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT,
)
_NO_ONWARD = Restrictions(
    use_limitation="For the school's designated safeguarding lead only, to support the child the next school day.",
    onward_disclosure=OnwardDisclosure.PROHIBITED,
)


@dataclass(frozen=True)
class _FlowPattern:
    """A kind of flow: organisation types at each end, and what it carries."""

    description: str
    source: tuple[str, ...]
    recipient: tuple[str, ...]
    purposes: tuple[str, ...]
    subjects: tuple[str, ...]
    categories: tuple[str, ...]
    by_type: bool = False  # name the ends by organisation type rather than by organisation
    restrictions: Restrictions | None = None
    frequency: Frequency = Frequency.CASE_BY_CASE
    methods: tuple[TransferMethod, ...] = (TransferMethod.SECURE_EMAIL, TransferMethod.TELEPHONE)


def _flow(
    description: str, route: str, purposes: str, subjects: str | tuple[str, ...], categories: str, **options: Any
) -> _FlowPattern:
    """A flow pattern from words: ``route`` is ``"source types -> recipient types"`` (``*``: any party)."""
    source, recipient = route.split(" -> ")
    return _FlowPattern(
        description,
        tuple(source.split()),
        tuple(recipient.split()),
        tuple(purposes.split()),
        tuple(subjects.split()) if isinstance(subjects, str) else subjects,
        tuple(categories.split()),
        **options,
    )


@dataclass(frozen=True)
class _Template:
    code: str
    kind: AgreementKind
    title: str
    hub: str  # the owner's organisation type
    core: tuple[str, ...]  # organisation types always invited
    optional: tuple[str, ...]  # organisation types sometimes invited
    purposes: Mapping[str, tuple[str, ...]]  # purpose -> statutory gateways
    subjects: tuple[str, ...]
    flows: tuple[_FlowPattern, ...]
    consent: ConsentModel
    restrictions: Restrictions
    art6_source: str
    governance: str
    crime_purposes: tuple[str, ...] = ()  # purposes for which Sch 1 para 10 (preventing unlawful acts) is stated


# The strategy discussion: children's social care, police and health (Working Together to Safeguard Children).
_STRATEGY = "childrens-social-care police-force nhs-community-trust nhs-acute-trust integrated-care-board"
_SUBJECTS_MASH = ("child", "parent-carer", "household-member", "alleged-perpetrator")
_MASH = _Template(
    code="MASH",
    kind=AgreementKind.MASH,
    title="Multi-Agency Safeguarding Hub Information Sharing Agreement",
    hub="childrens-social-care",
    core=("police-force", "integrated-care-board", "local-authority-education", "nhs-acute-trust", "gp-practice"),
    optional=(
        "nhs-community-trust",
        "nhs-mental-health-trust",
        "housing-authority",
        "maintained-school",
        "academy-trust",
        "youth-justice-service",
        "probation-service",
        "fire-and-rescue-service",
        "idva-service",
        "nhs-ambulance-trust",
        "substance-misuse-service",
        "housing-association",
        "voluntary-organisation",
    ),
    purposes={
        "mash-triage": ("ca1989-s17", "ca1989-s47", "ca2004-s10", "ca2004-s11"),
        "child-protection-enquiry": ("ca1989-s47", "ca2004-s11"),
        "child-in-need-assessment": ("ca1989-s17", "ca1989-s27"),
        "early-help": ("ca2004-s10",),
    },
    subjects=_SUBJECTS_MASH,
    flows=(
        _flow(
            "Police send child concern and domestic abuse notifications and research results into the MASH.",
            "police-force -> childrens-social-care",
            "mash-triage child-protection-enquiry child-in-need-assessment",
            _SUBJECTS_MASH,
            "identity contact-details household-composition criminal-allegations criminal-convictions "
            "court-orders-and-bail police-intelligence domestic-abuse-history dash-risk-assessment "
            "mental-health substance-misuse",
            restrictions=_INTEL,
            methods=(TransferMethod.SHARED_CASE_SYSTEM, TransferMethod.SECURE_EMAIL),
        ),
        _flow(
            "The MASH shares social care history with the police for strategy discussions and joint s47 enquiries.",
            "childrens-social-care -> police-force",
            "child-protection-enquiry",
            _SUBJECTS_MASH,
            "identity contact-details household-composition social-care domestic-abuse-history health "
            "education criminal-allegations",
        ),
        _flow(
            "Hospital and GP records relevant to the concern are sent to the MASH.",
            "nhs-acute-trust gp-practice -> childrens-social-care",
            "mash-triage child-protection-enquiry child-in-need-assessment",
            _SUBJECTS_MASH,
            "identity contact-details household-composition health domestic-abuse-history",
        ),
        _flow(
            "Mental health and community health services send what bears on parenting capacity and the child's safety.",
            "nhs-mental-health-trust nhs-community-trust -> childrens-social-care",
            "mash-triage child-protection-enquiry child-in-need-assessment",
            _SUBJECTS_MASH,
            "identity household-composition mental-health substance-misuse health-service-contact",
        ),
        _flow(
            "The ICB's designated professionals and the MASH exchange health system information and outcomes.",
            "integrated-care-board childrens-social-care -> integrated-care-board childrens-social-care",
            "mash-triage child-protection-enquiry",
            "child parent-carer",
            "identity health-service-contact child-protection-status",
        ),
        _flow(
            "Schools and the education service send concerns, attendance and disclosures into the MASH.",
            "maintained-school academy-trust local-authority-education -> childrens-social-care",
            "mash-triage child-protection-enquiry child-in-need-assessment early-help",
            "child parent-carer household-member",
            "identity contact-details household-composition education disability physical-health "
            "mental-health domestic-abuse-history",
            by_type=True,
            methods=(TransferMethod.SECURE_PORTAL, TransferMethod.SECURE_EMAIL),
        ),
        _flow(
            "The housing service sends housing, homelessness and tenancy information about the household.",
            "housing-authority housing-association -> childrens-social-care",
            "mash-triage child-protection-enquiry child-in-need-assessment early-help",
            _SUBJECTS_MASH,
            "identity contact-details household-composition housing financial domestic-abuse-history",
        ),
        _flow(
            "Probation and youth justice send offending, sentence and risk information on people linked to the child.",
            "probation-service youth-justice-service -> childrens-social-care",
            "mash-triage child-protection-enquiry child-in-need-assessment",
            _SUBJECTS_MASH,
            "identity household-composition criminal-convictions sentence-and-licence court-orders-and-bail "
            "risk-assessment",
        ),
        _flow(
            "Fire and rescue refer concerns found on safe-and-well visits (neglect, hoarding, fire-setting).",
            "fire-and-rescue-service -> childrens-social-care",
            "mash-triage early-help",
            "child parent-carer household-member",
            "identity contact-details household-composition housing",
        ),
        _flow(
            "The IDVA service shares domestic abuse risk information where a child lives with a victim it supports.",
            "idva-service -> childrens-social-care",
            "mash-triage child-protection-enquiry child-in-need-assessment",
            _SUBJECTS_MASH,
            "identity household-composition domestic-abuse-history dash-risk-assessment "
            "location-of-person-at-risk mental-health",
            restrictions=_REFUGE,
        ),
        _flow(
            "The MASH asks partners for information on a contact and tells the referrer the outcome.",
            "childrens-social-care -> *",
            "mash-triage",
            "child parent-carer household-member",
            "identity household-composition child-protection-status",
            methods=(TransferMethod.SECURE_EMAIL, TransferMethod.SHARED_CASE_SYSTEM),
        ),
        _flow(
            "After the MASH decision, children's social care tells the professionals around the child their part.",
            "childrens-social-care -> maintained-school academy-trust nhs-community-trust gp-practice",
            "child-protection-enquiry child-in-need-assessment early-help",
            "child parent-carer",
            "identity child-protection-status risk-assessment",
        ),
        _flow(
            "Strategy discussion between children's social care, police and health.",
            f"{_STRATEGY} -> {_STRATEGY}",
            "child-protection-enquiry",
            _SUBJECTS_MASH,
            "identity household-composition social-care health criminal-offence-data domestic-abuse-history "
            "risk-assessment",
            methods=(TransferMethod.MEETING, TransferMethod.SECURE_VIDEO_MEETING),
        ),
        _flow(
            "The recovery service shares substance misuse information about parents and carers.",
            "substance-misuse-service -> childrens-social-care",
            "mash-triage child-in-need-assessment",
            "parent-carer household-member",
            "identity household-composition substance-misuse",
        ),
        _flow(
            "The ambulance service refers children it attends where there are safeguarding concerns.",
            "nhs-ambulance-trust -> childrens-social-care",
            "mash-triage child-protection-enquiry",
            "child parent-carer household-member",
            "identity contact-details physical-health household-composition",
        ),
        _flow(
            "Voluntary sector partners refer families they support.",
            "voluntary-organisation -> childrens-social-care",
            "mash-triage early-help",
            "child parent-carer",
            "identity household-composition domestic-abuse-history",
        ),
    ),
    consent=ConsentModel(
        default=ConsentDefault.SEEK_WHERE_SAFE,
        override_grounds=(
            ConsentOverrideGround.SIGNIFICANT_HARM_TO_CHILD,
            ConsentOverrideGround.PREJUDICE_ENQUIRY,
            ConsentOverrideGround.INCREASES_RISK,
            ConsentOverrideGround.NO_TIME,
            ConsentOverrideGround.RISK_TO_LIFE,
            ConsentOverrideGround.SERIOUS_CRIME,
        ),
        do_not_inform=("alleged-perpetrator",),
        recording="Record whether consent was sought, given, refused or not sought, and why, on the MASH contact.",
    ),
    restrictions=Restrictions(
        use_limitation="Information shared into the MASH is used only to decide and deliver the response to the child.",
        prohibited_purposes=(
            "immigration-enforcement",
            "employment-vetting",
            "tenancy-management",
            "housing-allocation",
            "research-and-statistics",
        ),
        onward_disclosure=OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES,
        no_bulk_sharing=True,
    ),
    art6_source="Children Act 1989 s17 and s47; Children Act 2004 s10 and s11",
    governance="Safeguarding Children Partnership (Executive Group)",
)

_SUBJECTS_MARAC = ("adult-victim", "child", "alleged-perpetrator", "household-member")
_MARAC = _Template(
    code="MARAC",
    kind=AgreementKind.MARAC,
    title="Multi-Agency Risk Assessment Conference Information Sharing Protocol",
    hub="police-force",
    core=("idva-service", "childrens-social-care", "housing-authority", "nhs-acute-trust", "probation-service"),
    optional=(
        "adult-social-care",
        "nhs-mental-health-trust",
        "nhs-community-trust",
        "gp-practice",
        "housing-association",
        "substance-misuse-service",
        "local-authority-education",
        "youth-justice-service",
        "voluntary-organisation",
    ),
    purposes={
        "marac-referral": ("cda1998-s115", "common-law-public-interest"),
        "marac-risk-assessment": ("cda1998-s115",),
        "marac-safety-planning": ("cda1998-s115", "ca2004-s11"),
    },
    subjects=_SUBJECTS_MARAC,
    flows=(
        _flow(
            "The police share incident history, bail conditions, orders and intelligence at the meeting.",
            "police-force -> *",
            "marac-risk-assessment marac-safety-planning",
            _SUBJECTS_MARAC,
            "identity contact-details domestic-abuse-history criminal-allegations criminal-convictions "
            "court-orders-and-bail police-intelligence dash-risk-assessment",
            restrictions=_INTEL,
            methods=(TransferMethod.MEETING, TransferMethod.SECURE_VIDEO_MEETING),
        ),
        _flow(
            "The police refer high-risk victims to the IDVA service with what it needs to make safe contact.",
            "police-force -> idva-service",
            "marac-referral",
            "adult-victim alleged-perpetrator child",
            "identity contact-details domestic-abuse-history dash-risk-assessment court-orders-and-bail "
            "location-of-person-at-risk",
        ),
        _flow(
            "The IDVA shares the victim's account, risk and wishes with the meeting.",
            "idva-service -> *",
            "marac-risk-assessment marac-safety-planning",
            "adult-victim child alleged-perpetrator",
            "identity domestic-abuse-history dash-risk-assessment mental-health location-of-person-at-risk",
            restrictions=_REFUGE,
            methods=(TransferMethod.MEETING,),
        ),
        _flow(
            "Agencies refer high-risk cases to the MARAC coordinator with the DASH risk assessment.",
            "childrens-social-care adult-social-care nhs-acute-trust nhs-mental-health-trust gp-practice "
            "housing-authority housing-association probation-service substance-misuse-service idva-service "
            "-> police-force",
            "marac-referral",
            "adult-victim alleged-perpetrator child",
            "identity contact-details domestic-abuse-history dash-risk-assessment",
            methods=(TransferMethod.SECURE_EMAIL,),
        ),
        _flow(
            "Children's social care shares involvement with children in the household.",
            "childrens-social-care -> *",
            "marac-risk-assessment marac-safety-planning",
            _SUBJECTS_MARAC,
            "identity household-composition social-care child-protection-status",
        ),
        _flow(
            "Health partners share relevant health contact and mental health information.",
            "nhs-acute-trust nhs-mental-health-trust nhs-community-trust gp-practice -> *",
            "marac-risk-assessment",
            "adult-victim child alleged-perpetrator",
            "identity health-service-contact mental-health substance-misuse physical-health",
        ),
        _flow(
            "Housing partners share tenancy and address information for safety planning.",
            "housing-authority housing-association -> *",
            "marac-risk-assessment marac-safety-planning",
            "adult-victim alleged-perpetrator household-member",
            "identity contact-details housing household-composition",
        ),
        _flow(
            "Probation shares the perpetrator's supervision status, licence conditions and risk level.",
            "probation-service -> *",
            "marac-risk-assessment marac-safety-planning",
            "alleged-perpetrator",
            "identity criminal-convictions sentence-and-licence risk-assessment",
        ),
        _flow(
            "The meeting's action plan goes to every agency with an action.",
            "* -> *",
            "marac-safety-planning",
            "adult-victim child",
            "identity marac-action-plan",
        ),
        _flow(
            "Adult social care shares care and support information about victims and perpetrators.",
            "adult-social-care -> *",
            "marac-risk-assessment",
            "adult-victim alleged-perpetrator",
            "identity social-care disability mental-health",
        ),
        _flow(
            "The recovery service shares substance misuse treatment information.",
            "substance-misuse-service -> *",
            "marac-risk-assessment",
            "adult-victim alleged-perpetrator",
            "identity substance-misuse",
        ),
        _flow(
            "The education service shares school information about children in the household.",
            "local-authority-education -> *",
            "marac-risk-assessment",
            "child",
            "identity education",
        ),
        _flow(
            "Youth justice shares information about young perpetrators and children in the household.",
            "youth-justice-service -> *",
            "marac-risk-assessment",
            "alleged-perpetrator child",
            "identity criminal-convictions court-orders-and-bail",
        ),
        _flow(
            "The police tell the housing service what it needs to make the victim's home safe.",
            "police-force -> housing-authority",
            "marac-safety-planning",
            "adult-victim",
            "identity location-of-person-at-risk domestic-abuse-history court-orders-and-bail",
        ),
    ),
    consent=ConsentModel(
        default=ConsentDefault.SEEK_WHERE_SAFE,
        override_grounds=(
            ConsentOverrideGround.HIGH_RISK_DOMESTIC_ABUSE,
            ConsentOverrideGround.RISK_TO_LIFE,
            ConsentOverrideGround.RISK_TO_OTHERS,
            ConsentOverrideGround.SERIOUS_CRIME,
            ConsentOverrideGround.SIGNIFICANT_HARM_TO_CHILD,
            ConsentOverrideGround.INCREASES_RISK,
            ConsentOverrideGround.COERCION_OR_UNDUE_INFLUENCE,
            ConsentOverrideGround.ADULT_AT_RISK,
            ConsentOverrideGround.LACKS_CAPACITY,
            ConsentOverrideGround.PREJUDICE_ENQUIRY,
        ),
        do_not_inform=("alleged-perpetrator",),
    ),
    restrictions=Restrictions(
        use_limitation="MARAC information is used only to reduce the risk to the victim and their children.",
        prohibited_purposes=(
            "immigration-enforcement",
            "employment-vetting",
            "tenancy-management",
            "research-and-statistics",
        ),
        onward_disclosure=OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT,
    ),
    art6_source="Crime and Disorder Act 1998 s115; Children Act 2004 s11; Domestic Abuse Act 2021",
    governance="Community Safety Partnership (Domestic Abuse Board)",
    crime_purposes=("marac-risk-assessment", "marac-safety-planning"),
)

_SUBJECTS_MAPPA = ("mappa-offender", "potential-victim", "adult-victim")
_RA = ("police-force", "probation-service")
_MAPPA = _Template(
    code="MAPPA",
    kind=AgreementKind.MAPPA,
    title="Multi-Agency Public Protection Arrangements Memorandum of Understanding",
    hub="probation-service",
    core=(
        "police-force",
        "prison-service",
        "childrens-social-care",
        "adult-social-care",
        "housing-authority",
        "nhs-mental-health-trust",
    ),
    optional=(
        "youth-justice-service",
        "integrated-care-board",
        "local-authority-education",
        "nhs-acute-trust",
        "housing-association",
        "electronic-monitoring-provider",
    ),
    purposes={
        "mappa-risk-assessment": ("cja2003-s325",),
        "mappa-risk-management": ("cja2003-s325",),
        "mappa-third-party-disclosure": ("cja2003-s325", "common-law-public-interest"),
    },
    subjects=_SUBJECTS_MAPPA,
    flows=(
        _flow(
            "Probation shares the offender's sentence, licence, OASys risk and risk management plan.",
            "probation-service -> *",
            "mappa-risk-assessment mappa-risk-management",
            "mappa-offender potential-victim",
            "identity criminal-convictions sentence-and-licence risk-assessment mappa-risk-management-plan",
            methods=(TransferMethod.MEETING, TransferMethod.SECURE_EMAIL),
        ),
        _flow(
            "The police share ViSOR records, intelligence and orders.",
            "police-force -> *",
            "mappa-risk-assessment mappa-risk-management",
            _SUBJECTS_MAPPA,
            "identity police-intelligence criminal-allegations criminal-convictions court-orders-and-bail "
            "mappa-risk-management-plan",
            restrictions=_INTEL,
            methods=(TransferMethod.MEETING,),
        ),
        _flow(
            "The prison shares custody behaviour and release plans with the responsible authority.",
            "prison-service -> police-force probation-service",
            "mappa-risk-assessment",
            "mappa-offender",
            "identity sentence-and-licence criminal-convictions risk-assessment",
        ),
        _flow(
            "Children's social care tells the responsible authority about children at risk from the offender.",
            "childrens-social-care -> police-force probation-service",
            "mappa-risk-assessment mappa-risk-management",
            "mappa-offender potential-victim",
            "identity social-care child-protection-status household-composition",
        ),
        _flow(
            "Adult social care tells the responsible authority about care and support relevant to risk.",
            "adult-social-care -> police-force probation-service",
            "mappa-risk-assessment mappa-risk-management",
            "mappa-offender potential-victim",
            "identity social-care health",
        ),
        _flow(
            "Housing partners share accommodation information for the risk management plan.",
            "housing-authority housing-association -> police-force probation-service",
            "mappa-risk-assessment mappa-risk-management",
            "mappa-offender",
            "identity housing contact-details household-composition",
        ),
        _flow(
            "The mental health trust shares mental health and treatment information relevant to risk.",
            "nhs-mental-health-trust -> police-force probation-service",
            "mappa-risk-assessment mappa-risk-management",
            "mappa-offender",
            "identity mental-health substance-misuse risk-assessment",
        ),
        _flow(
            "Youth justice shares information about young MAPPA offenders.",
            "youth-justice-service -> police-force probation-service",
            "mappa-risk-assessment mappa-risk-management",
            "mappa-offender",
            "identity criminal-convictions court-orders-and-bail risk-assessment",
        ),
        _flow(
            "The education service shares information about schools near the offender's address.",
            "local-authority-education -> police-force probation-service",
            "mappa-risk-management",
            "mappa-offender potential-victim",
            "identity education",
        ),
        _flow(
            "Health partners share health service contact relevant to the risk management plan.",
            "nhs-acute-trust integrated-care-board -> police-force probation-service",
            "mappa-risk-assessment",
            "mappa-offender",
            "identity health-service-contact physical-health",
        ),
        _flow(
            "Probation tells the housing service what it needs to place the offender safely.",
            "probation-service -> housing-authority",
            "mappa-risk-management",
            "mappa-offender",
            "identity sentence-and-licence risk-assessment",
        ),
        _flow(
            "The responsible authority tells children's social care about risk to children (third-party disclosure).",
            "police-force probation-service -> childrens-social-care",
            "mappa-third-party-disclosure",
            "mappa-offender potential-victim",
            "identity criminal-convictions mappa-risk-management-plan",
        ),
        _flow(
            "Probation gives the electronic monitoring provider the licence conditions it enforces.",
            "probation-service -> electronic-monitoring-provider",
            "mappa-risk-management",
            "mappa-offender",
            "identity contact-details court-orders-and-bail sentence-and-licence",
        ),
        _flow(
            "Third-party disclosure to a member of the public (an employer, a partner) when the MAPPA meeting decides.",
            "police-force probation-service -> member-of-the-public",
            "mappa-third-party-disclosure",
            "mappa-offender",
            "identity criminal-convictions",
            by_type=True,
            methods=(TransferMethod.MEETING,),
        ),
    ),
    consent=ConsentModel(default=ConsentDefault.NOT_USED, notes="MAPPA sharing does not rely on consent."),
    restrictions=Restrictions(
        use_limitation="MAPPA information is used only to assess and manage the risk of serious harm.",
        prohibited_purposes=("employment-vetting", "research-and-statistics", "tenancy-management"),
        onward_disclosure=OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT,
        reserved_decisions=(
            ReservedDecision(
                purpose="mappa-third-party-disclosure",
                decided_by="the MAPPA Level 2/3 meeting chair",
                description="Disclosure to a third party is decided at the meeting (MAPPA Guidance ch.10).",
            ),
        ),
    ),
    art6_source="Criminal Justice Act 2003 s325 (MAPPA; duty to cooperate)",
    governance="MAPPA Strategic Management Board",
    crime_purposes=("mappa-risk-assessment", "mappa-risk-management", "mappa-third-party-disclosure"),
)

_SUBJECTS_ADULT = ("adult-at-risk", "alleged-perpetrator", "household-member", "third-party")
_ADULT = _Template(
    code="SAP",
    kind=AgreementKind.PROTOCOL,
    title="Safeguarding Adults Information Sharing Protocol",
    hub="adult-social-care",
    core=("police-force", "nhs-acute-trust", "nhs-mental-health-trust", "gp-practice", "housing-authority"),
    optional=(
        "nhs-community-trust",
        "nhs-ambulance-trust",
        "housing-association",
        "fire-and-rescue-service",
        "substance-misuse-service",
        "voluntary-organisation",
        "integrated-care-board",
        "probation-service",
    ),
    purposes={
        "adult-safeguarding-enquiry": ("care-act-2014-s42",),
        "safeguarding-adults-review": ("care-act-2014-s44", "care-act-2014-s45"),
        "service-referral": (),
        "crime-prevention": ("cda1998-s115",),
    },
    subjects=(*_SUBJECTS_ADULT, "deceased-person"),
    flows=(
        _flow(
            "The police raise safeguarding concerns and share what is relevant to a s42 enquiry.",
            "police-force -> adult-social-care",
            "adult-safeguarding-enquiry crime-prevention",
            _SUBJECTS_ADULT,
            "identity contact-details criminal-allegations police-intelligence domestic-abuse-history",
            restrictions=_INTEL,
        ),
        _flow(
            "Hospitals, community health and GPs raise concerns and share health information for enquiries.",
            "nhs-acute-trust nhs-community-trust gp-practice -> adult-social-care",
            "adult-safeguarding-enquiry service-referral",
            "adult-at-risk alleged-perpetrator",
            "identity contact-details health disability",
        ),
        _flow(
            "The mental health trust shares mental health and risk information.",
            "nhs-mental-health-trust -> adult-social-care",
            "adult-safeguarding-enquiry",
            "adult-at-risk alleged-perpetrator",
            "identity mental-health substance-misuse risk-assessment",
        ),
        _flow(
            "The ambulance service refers adults it attends where it has concerns.",
            "nhs-ambulance-trust -> adult-social-care",
            "adult-safeguarding-enquiry service-referral",
            "adult-at-risk",
            "identity contact-details physical-health housing",
        ),
        _flow(
            "Housing partners raise concerns about tenants (self-neglect, exploitation, cuckooing).",
            "housing-authority housing-association -> adult-social-care",
            "adult-safeguarding-enquiry service-referral",
            "adult-at-risk alleged-perpetrator household-member",
            "identity contact-details housing financial",
        ),
        _flow(
            "Fire and rescue refer adults at risk found on home safety visits.",
            "fire-and-rescue-service -> adult-social-care",
            "adult-safeguarding-enquiry service-referral",
            "adult-at-risk",
            "identity contact-details housing physical-health",
        ),
        _flow(
            "The recovery service shares treatment information relevant to an enquiry.",
            "substance-misuse-service -> adult-social-care",
            "adult-safeguarding-enquiry",
            "adult-at-risk",
            "identity substance-misuse health-service-contact",
        ),
        _flow(
            "Voluntary organisations refer adults they support.",
            "voluntary-organisation -> adult-social-care",
            "service-referral adult-safeguarding-enquiry",
            "adult-at-risk",
            "identity contact-details domestic-abuse-history",
        ),
        _flow(
            "Probation shares information about people alleged to have caused harm.",
            "probation-service -> adult-social-care",
            "adult-safeguarding-enquiry crime-prevention",
            "alleged-perpetrator",
            "identity criminal-convictions risk-assessment",
        ),
        _flow(
            "Adult social care reports suspected crimes against adults at risk to the police.",
            "adult-social-care -> police-force",
            "adult-safeguarding-enquiry crime-prevention",
            "adult-at-risk alleged-perpetrator",
            "identity social-care criminal-allegations health financial",
        ),
        _flow(
            "Adult social care asks partners for information and tells them the outcome of an enquiry.",
            "adult-social-care -> *",
            "adult-safeguarding-enquiry",
            "adult-at-risk alleged-perpetrator",
            "identity social-care risk-assessment",
        ),
        _flow(
            "Adult social care refers to health services for care and treatment.",
            "adult-social-care -> gp-practice nhs-community-trust nhs-mental-health-trust",
            "service-referral adult-safeguarding-enquiry",
            "adult-at-risk",
            "identity social-care health disability",
        ),
        _flow(
            "The ICB and adult social care share health system information for enquiries and reviews.",
            "integrated-care-board adult-social-care -> integrated-care-board adult-social-care",
            "adult-safeguarding-enquiry safeguarding-adults-review",
            "adult-at-risk deceased-person",
            "identity health-service-contact health",
        ),
        _flow(
            "Partners contribute records to a safeguarding adults review.",
            "* -> adult-social-care",
            "safeguarding-adults-review",
            "adult-at-risk deceased-person",
            "identity health social-care housing criminal-allegations",
            frequency=Frequency.ONE_OFF,
        ),
    ),
    consent=ConsentModel(
        default=ConsentDefault.SEEK_WHERE_SAFE,
        override_grounds=(
            ConsentOverrideGround.ADULT_AT_RISK,
            ConsentOverrideGround.RISK_TO_OTHERS,
            ConsentOverrideGround.SERIOUS_CRIME,
            ConsentOverrideGround.RISK_TO_LIFE,
            ConsentOverrideGround.LACKS_CAPACITY,
            ConsentOverrideGround.COERCION_OR_UNDUE_INFLUENCE,
            ConsentOverrideGround.PREJUDICE_ENQUIRY,
            ConsentOverrideGround.INCREASES_RISK,
        ),
        do_not_inform=("alleged-perpetrator",),
        capacity="Where the adult may lack capacity to decide about sharing, assess it and decide in their best "
        "interests under the Mental Capacity Act 2005.",
    ),
    restrictions=Restrictions(
        use_limitation="Used only to safeguard the adult and others at risk and to prevent crime against them.",
        prohibited_purposes=("immigration-enforcement", "employment-vetting", "research-and-statistics"),
        onward_disclosure=OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES,
    ),
    art6_source="Care Act 2014 s42 and s45; Crime and Disorder Act 1998 s115",
    governance="Safeguarding Adults Board",
    crime_purposes=("crime-prevention", "adult-safeguarding-enquiry"),
)

_SUBJECTS_EH = ("child", "parent-carer", "household-member")
_EARLY_HELP_FLOWS = (
    _flow(
        "The police tell the school's designated safeguarding lead of domestic abuse incidents (Operation Encompass).",
        "police-force -> maintained-school academy-trust",
        "operation-encompass-notification",
        "child",
        "identity domestic-abuse-history",
        by_type=True,
        restrictions=_NO_ONWARD,
    ),
    _flow(
        "Schools request early help and share what the family has agreed to.",
        "maintained-school academy-trust -> childrens-social-care",
        "early-help child-in-need-assessment",
        "child parent-carer",
        "identity education disability mental-health",
        by_type=True,
    ),
    _flow(
        "The education service shares attendance and exclusion information with schools.",
        "local-authority-education -> maintained-school academy-trust",
        "early-help",
        "child",
        "identity education social-care",
        by_type=True,
    ),
    _flow(
        "Children's social care tells the education service about plans for children it supports.",
        "childrens-social-care -> local-authority-education",
        "early-help child-in-need-assessment",
        "child parent-carer",
        "identity child-protection-status education",
    ),
    _flow(
        "Health visitors and school nurses request early help.",
        "nhs-community-trust -> childrens-social-care",
        "early-help service-referral",
        "child parent-carer",
        "identity health household-composition",
    ),
    _flow(
        "GP practices refer families for early help.",
        "gp-practice -> childrens-social-care",
        "early-help",
        "child parent-carer",
        "identity health-service-contact health",
    ),
    _flow(
        "The housing service refers families facing homelessness.",
        "housing-authority -> childrens-social-care",
        "early-help",
        "child parent-carer household-member",
        "identity housing household-composition financial",
    ),
    _flow(
        "Voluntary organisations refer families they support.",
        "voluntary-organisation -> childrens-social-care",
        "early-help service-referral",
        "child parent-carer household-member",
        "identity household-composition contact-details",
    ),
    _flow(
        "Children's social care refers families to voluntary sector support.",
        "childrens-social-care -> voluntary-organisation",
        "service-referral",
        "child parent-carer",
        "identity contact-details household-composition",
    ),
    _flow(
        "The recovery service and children's social care share information about parents in treatment.",
        "substance-misuse-service childrens-social-care -> childrens-social-care substance-misuse-service",
        "early-help service-referral",
        "parent-carer",
        "identity substance-misuse",
    ),
    _flow(
        "Youth justice shares prevention work with early help.",
        "youth-justice-service -> childrens-social-care",
        "early-help",
        "child",
        "identity court-orders-and-bail risk-assessment",
    ),
    _flow(
        "The lead professional shares the family plan with the team around the family.",
        "childrens-social-care -> *",
        "early-help",
        "child parent-carer household-member",
        "identity household-composition contact-details",
    ),
    _flow(
        "The mental health trust refers children and parents for early help.",
        "nhs-mental-health-trust -> childrens-social-care",
        "early-help child-in-need-assessment",
        "child parent-carer",
        "identity mental-health",
    ),
    _flow(
        "The housing association refers families with tenancy problems.",
        "housing-association -> childrens-social-care",
        "early-help",
        "child parent-carer household-member",
        "identity housing contact-details",
    ),
    _flow(
        "The college shares information about students who are parents or young carers.",
        "further-education-college -> childrens-social-care",
        "early-help",
        "child parent-carer",
        "identity education",
    ),
)
_EARLY_HELP_PURPOSES: Mapping[str, tuple[str, ...]] = {
    "early-help": ("ca2004-s10",),
    "child-in-need-assessment": ("ca1989-s17",),
    "service-referral": (),
    "operation-encompass-notification": ("vpa2024-operation-encompass",),
}
_EARLY_HELP_OPTIONAL = (
    "nhs-mental-health-trust",
    "housing-association",
    "voluntary-organisation",
    "substance-misuse-service",
    "youth-justice-service",
    "further-education-college",
    "academy-trust",
    "nhs-acute-trust",
)
_EARLY_HELP_CORE = (
    "local-authority-education",
    "maintained-school",
    "police-force",
    "nhs-community-trust",
    "gp-practice",
    "housing-authority",
)
_EARLY_HELP = _Template(
    code="EH",
    kind=AgreementKind.PROTOCOL,
    title="Early Help Information Sharing Protocol",
    hub="childrens-social-care",
    core=_EARLY_HELP_CORE,
    optional=_EARLY_HELP_OPTIONAL,
    purposes=_EARLY_HELP_PURPOSES,
    subjects=_SUBJECTS_EH,
    flows=_EARLY_HELP_FLOWS,
    # Early help is a voluntary service: this protocol works with the family's consent.
    consent=ConsentModel(default=ConsentDefault.REQUIRED, notes="Early help is offered with the family's consent."),
    restrictions=Restrictions(
        use_limitation="Used only to offer and deliver early help to the family.",
        prohibited_purposes=("immigration-enforcement", "employment-vetting", "research-and-statistics"),
        onward_disclosure=OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES,
    ),
    art6_source="Children Act 2004 s10; Children Act 1989 s17; Education Act 2002 s175",
    governance="Safeguarding Children Partnership (Early Help Board)",
)
_EDUCATION = replace(
    _EARLY_HELP,
    code="ESP",
    kind=AgreementKind.DISCLOSURE_AGREEMENT,
    title="Education Safeguarding and Operation Encompass Information Sharing Agreement",
    hub="local-authority-education",
    core=(
        "childrens-social-care",
        "maintained-school",
        "police-force",
        "nhs-community-trust",
        "gp-practice",
        "housing-authority",
    ),
    consent=ConsentModel(
        default=ConsentDefault.SEEK_WHERE_SAFE,
        override_grounds=(
            ConsentOverrideGround.SIGNIFICANT_HARM_TO_CHILD,
            ConsentOverrideGround.INCREASES_RISK,
            ConsentOverrideGround.PREJUDICE_ENQUIRY,
        ),
        do_not_inform=("alleged-perpetrator",),
    ),
    governance="Safeguarding Children Partnership (Education Safeguarding Group)",
)
_TEMPLATES = (_MASH, _MARAC, _MAPPA, _ADULT)


# ---------------------------------------------------------------- the registry


@dataclass(frozen=True)
class Area:
    """A fictional partnership area: its organisations (own and shared) and its agreements."""

    name: str
    organisations: tuple[str, ...]
    agreements: tuple[str, ...]


@dataclass(frozen=True)
class SyntheticRegistry:
    """A generated registry: what ``RegistrySnapshot`` takes, plus the areas for asking questions."""

    vocabulary: Vocabulary
    organisations: tuple[Organisation, ...]
    revisions: tuple[AgreementRevision, ...]
    areas: tuple[Area, ...]
    seed: int

    def latest(self) -> dict[str, Agreement]:
        """The latest revision of every agreement, by id."""
        found: dict[str, AgreementRevision] = {}
        for revision in self.revisions:
            held = found.get(revision.agreement.id)
            if held is None or revision.revision > held.revision:
                found[revision.agreement.id] = revision
        return {agreement_id: revision.agreement for agreement_id, revision in found.items()}


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, 28))


def _build_organisations(
    n_areas: int, vocabulary: Vocabulary, rng: random.Random
) -> tuple[list[Organisation], list[tuple[str, tuple[str, ...]]]]:
    names = _area_names(n_areas)
    organisations: list[Organisation] = []
    areas: list[tuple[str, tuple[str, ...]]] = []
    force_orgs: list[str] = []
    region_orgs: list[str] = []
    for index, name in enumerate(names):
        if index % AREAS_PER_REGION == 0:
            region = (
                f"{_REGION_NAMES[(index // AREAS_PER_REGION) % len(_REGION_NAMES)]} {index // AREAS_PER_REGION + 1}"
            )
            region_orgs = []
            for spec in _REGION:
                organisations.append(_organisation(spec, region, vocabulary, len(organisations), rng))
                region_orgs.append(organisations[-1].id)
        if index % AREAS_PER_FORCE == 0:
            force_orgs = []
            for spec in _FORCE:
                organisations.append(_organisation(spec, name, vocabulary, len(organisations), rng))
                force_orgs.append(organisations[-1].id)
        local: list[str] = []
        for spec in _LOCAL:
            organisations.append(_organisation(spec, name, vocabulary, len(organisations), rng))
            local.append(organisations[-1].id)
        for spec, chance in _LOCAL_EXTRAS:
            if rng.random() < chance:
                organisations.append(_organisation(spec, name, vocabulary, len(organisations), rng))
                local.append(organisations[-1].id)
        areas.append((name, (*local, *force_orgs, *region_orgs)))
    return organisations, areas


def _endpoints(types: tuple[str, ...], by_type: bool, parties_by_type: Mapping[str, list[str]]) -> tuple[Endpoint, ...]:
    ends: list[Endpoint] = []
    for org_type in types:
        if org_type == _ANY:
            ends.append(Endpoint(any_party=True))
        elif org_type == _PUBLIC:
            ends.append(Endpoint(organisation_type=_PUBLIC))
        elif org_type in parties_by_type:
            if by_type:
                ends.append(Endpoint(organisation_type=org_type))
            else:
                ends.extend(Endpoint(organisation=org_id) for org_id in parties_by_type[org_type])
    return tuple(ends)


def _choose_parties(
    template: _Template, pool_by_type: Mapping[str, list[str]], rng: random.Random
) -> tuple[list[str], dict[str, list[str]]]:
    wanted = [template.hub, *template.core]
    optional = [t for t in template.optional if t in pool_by_type]
    rng.shuffle(optional)
    target = rng.randint(6, 16)
    chosen_types: list[str] = []
    parties: list[str] = []
    by_type: dict[str, list[str]] = {}

    def add(org_type: str) -> None:
        if org_type in chosen_types or org_type not in pool_by_type:
            return
        chosen_types.append(org_type)
        candidates = pool_by_type[org_type]
        picked = [candidates[0]] + [c for c in candidates[1:] if rng.random() < 0.7]
        room = 16 - len(parties)
        picked = picked[: max(room, 0)]
        if picked:
            by_type[org_type] = picked
            parties.extend(picked)

    for org_type in wanted:
        add(org_type)
    while len(parties) < target and optional:
        add(optional.pop())
    return parties, by_type


def _applicable(pattern: _FlowPattern, by_type: Mapping[str, list[str]]) -> bool:
    def present(types: tuple[str, ...]) -> bool:
        return any(t in (_ANY, _PUBLIC) or t in by_type for t in types)

    return present(pattern.source) and present(pattern.recipient)


def _lawful_bases(
    template: _Template,
    parties: Sequence[Party],
    types: Mapping[str, str],
    vocabulary: Vocabulary,
    rng: random.Random,
    defect: str | None,
) -> LawfulBases:
    purposes = tuple(template.purposes)
    public = [p.organisation_id for p in parties if p.public_authority and not p.competent_authority]
    competent = [p.organisation_id for p in parties if p.competent_authority]
    private = [p.organisation_id for p in parties if not p.public_authority]
    care = [
        p.organisation_id
        for p in parties
        if vocabulary.organisation_types[types[p.organisation_id]].health_or_social_care
    ]
    on_f: list[str] = []
    if defect == "public-on-6f" and public:
        on_f.append(public.pop(rng.randrange(len(public))))
    gateways = tuple(dict.fromkeys(g for gs in template.purposes.values() for g in gs))
    art6: list[Art6Entry] = []
    if public:
        art6.append(Art6Entry("art6-1-e", template.art6_source, gateways, (), tuple(public)))
    if competent:
        art6.append(
            Art6Entry(
                "art6-1-e",
                "Common-law policing and statutory criminal justice functions; disclosure for safeguarding "
                "authorised by law (DPA 2018 s36(4)). " + template.art6_source,
                gateways,
                (),
                tuple(competent),
            )
        )
    if template.kind is AgreementKind.MASH and public:
        art6.append(
            Art6Entry(
                "art6-1-c",
                "Children Act 1989 s47(9)-(11): named authorities must assist s47 enquiries when asked.",
                ("ca1989-s47",),
                ("child-protection-enquiry",),
                tuple(public),
            )
        )
    if template.kind is AgreementKind.MAPPA and public:
        art6.append(
            Art6Entry(
                "art6-1-c",
                "Criminal Justice Act 2003 s325(3): duty to cooperate.",
                ("cja2003-s325",),
                (),
                tuple(public),
            )
        )
    if private:
        art6.append(
            Art6Entry(
                "art6-1-ea",
                "Recognised legitimate interest: UK GDPR Annex 1 (safeguarding vulnerable individuals).",
                (),
                (),
                tuple(private),
            )
        )
    if on_f or (private and rng.random() < 0.3):
        art6.append(
            Art6Entry(
                "art6-1-f",
                "Legitimate interests in supporting the person's safety; legitimate interests assessment on file.",
                (),
                (),
                tuple(on_f or private),
            )
        )
    art9: list[Art9Entry] = [
        Art9Entry(
            "art9-2-g",
            "dpa-sch1-18",
            "Safeguarding of children and of individuals at risk, without consent where it cannot be obtained or "
            "seeking it would prejudice their protection (Sch 1 para 18).",
        )
    ]
    statutory = public + competent
    if statutory:
        art9.append(
            Art9Entry("art9-2-g", "dpa-sch1-6", f"Statutory functions: {template.art6_source}", (), tuple(statutory))
        )
    if care:
        art9.append(
            Art9Entry(
                "art9-2-h",
                "dpa-sch1-2",
                "Health or social care by or under the responsibility of a professional bound by confidentiality.",
                tuple(p for p in purposes if p not in template.crime_purposes) or purposes,
                tuple(care),
            )
        )
    if template.crime_purposes:
        art9.append(
            Art9Entry(
                "art9-2-g",
                "dpa-sch1-10",
                "Preventing or detecting unlawful acts (Sch 1 para 10); no APD needed for a disclosure to a "
                "competent authority (para 10(2)).",
                template.crime_purposes,
            )
        )
    art10: list[Art10Entry] = []
    if competent:
        art10.append(
            Art10Entry(
                "art10-official-authority",
                source="Criminal offence data held under the control of official authority (police, probation, "
                "youth justice, prisons).",
                parties=tuple(competent),
            )
        )
    art10.append(
        Art10Entry(
            "art10-schedule1",
            "dpa-sch1-18",
            source="Safeguarding of children and individuals at risk (Sch 1 para 18, applied by DPA 2018 s10(5)).",
        )
    )
    if template.crime_purposes:
        art10.append(
            Art10Entry(
                "art10-schedule1",
                "dpa-sch1-10",
                source="Preventing or detecting unlawful acts (Sch 1 para 10).",
                purposes=template.crime_purposes,
            )
        )
    return LawfulBases(art6=tuple(art6), art9=tuple(art9), art10=tuple(art10))


def _agreement_state(rng: random.Random) -> str:
    roll = rng.random()
    for state, upto in (
        ("active", 0.76),
        ("in-grace", 0.80),
        ("lapsed", 0.85),
        ("expired-marked-active", 0.87),
        ("expired", 0.89),
        ("suspended", 0.93),
        ("awaiting-signatures", 0.96),
        ("not-yet-in-force", 0.98),
    ):
        if roll < upto:
            return state
    return "terminated"


def _agreement(
    template: _Template,
    area_name: str,
    pool: Sequence[str],
    organisations: Mapping[str, Organisation],
    vocabulary: Vocabulary,
    rng: random.Random,
) -> list[AgreementRevision]:
    pool_by_type: dict[str, list[str]] = {}
    for org_id in pool:
        pool_by_type.setdefault(organisations[org_id].type, []).append(org_id)
    party_ids, by_type = _choose_parties(template, pool_by_type, rng)
    hub = by_type[template.hub][0]
    types = {org_id: organisations[org_id].type for org_id in party_ids}

    state = _agreement_state(rng)
    defect = rng.choice(("public-on-6f", "missing-apd", "unsigned-party")) if rng.random() < 0.06 else None
    if state == "not-yet-in-force":
        effective = AS_OF + timedelta(days=rng.randint(10, 120))
    else:
        effective = date(2023, 4, 1) + timedelta(days=rng.randint(0, (AS_OF - date(2023, 4, 1)).days - 30))
    last_reviewed = max(effective, AS_OF - timedelta(days=rng.randint(20, 330)))
    review_due = _add_months(last_reviewed, 12)
    expires_on = _add_months(effective, 36 + 12 * rng.randint(0, 2))
    if expires_on <= AS_OF and state not in ("expired", "expired-marked-active"):
        expires_on = _add_months(AS_OF, rng.randint(3, 30))
    if state == "in-grace":
        review_due = AS_OF - timedelta(days=rng.randint(5, 80))
        last_reviewed = _add_months(review_due, -12)
    elif state == "lapsed":
        review_due = AS_OF - timedelta(days=rng.randint(100, 400))
        last_reviewed = _add_months(review_due, -12)
    elif state in ("expired", "expired-marked-active"):
        expires_on = AS_OF - timedelta(days=rng.randint(1, 300))
        review_due = min(review_due, expires_on)
    effective = min(effective, review_due - timedelta(days=30), expires_on - timedelta(days=30))
    last_reviewed = max(last_reviewed, effective)
    status = {
        "suspended": AgreementStatus.SUSPENDED,
        "expired": AgreementStatus.EXPIRED,
        "awaiting-signatures": AgreementStatus.AWAITING_SIGNATURES,
        "terminated": AgreementStatus.TERMINATED,
    }.get(state, AgreementStatus.ACTIVE)

    unsigned: set[str] = set()
    if state == "awaiting-signatures":
        unsigned = set(rng.sample(party_ids[1:], k=min(len(party_ids) - 1, rng.randint(1, 3))))
    elif defect == "unsigned-party":
        unsigned = {rng.choice(party_ids[1:])}
    no_apd: set[str] = set()
    if defect == "missing-apd":
        no_apd = {rng.choice(party_ids)}
    parties: list[Party] = []
    for org_id in party_ids:
        org = organisations[org_id]
        roles: tuple[PartyRole, ...]
        if template.kind is AgreementKind.MAPPA:
            roles = (
                (PartyRole.CONTROLLER, PartyRole.RESPONSIBLE_AUTHORITY)
                if org.type in ("police-force", "probation-service", "prison-service")
                else (PartyRole.CONTROLLER, PartyRole.DUTY_TO_COOPERATE)
            )
        elif template.kind is AgreementKind.MASH and org.type in (
            "childrens-social-care",
            "police-force",
            "integrated-care-board",
        ):
            roles = (PartyRole.CONTROLLER, PartyRole.SAFEGUARDING_PARTNER)
        elif template.kind is AgreementKind.MASH and org.public_authority:
            roles = (PartyRole.CONTROLLER, PartyRole.RELEVANT_AGENCY)
        else:
            roles = (PartyRole.CONTROLLER,)
        has_apd = org_id not in no_apd and (org.public_authority or rng.random() < 0.85)
        code = "".join(word[0] for word in org_id.split("-")).upper()
        parties.append(
            Party(
                organisation_id=org_id,
                roles=roles,
                public_authority=org.public_authority,
                competent_authority=org.competent_authority,
                apd_reference=f"{code}-APD-{rng.choice((2024, 2025, 2026))}" if has_apd else None,
                dpia_reference=f"DPIA-{code}-{rng.randint(1, 99):02d}" if rng.random() < 0.4 else None,
                signatory=Signatory(
                    name=_person(rng),
                    job_title=rng.choice(
                        ("Chief Executive", "Director", "SIRO", "Caldicott Guardian", "Head of Service")
                    ),
                    signed_on=None if org_id in unsigned else effective - timedelta(days=rng.randint(1, 60)),
                ),
            )
        )

    patterns = [p for p in template.flows if _applicable(p, by_type)]
    count = min(len(patterns), rng.randint(8, 15))
    chosen = sorted(rng.sample(range(len(patterns)), count))
    agreement_subjects = set(template.subjects)
    flows: list[Flow] = []
    for number, index in enumerate(chosen, start=1):
        pattern = patterns[index]
        categories = list(pattern.categories)
        for _ in range(rng.choice((0, 0, 1, 2))):
            if len(categories) > 3:
                categories.pop(rng.randrange(1, len(categories)))
        purposes = [p for p in pattern.purposes if p in template.purposes]
        if len(purposes) > 1 and rng.random() < 0.25:
            purposes.pop(rng.randrange(len(purposes)))
        flows.append(
            Flow(
                id=f"F{number}",
                source=_endpoints(pattern.source, pattern.by_type, by_type),
                recipient=_endpoints(pattern.recipient, pattern.by_type, by_type),
                purposes=tuple(purposes),
                data_subjects=tuple(s for s in pattern.subjects if s in agreement_subjects),
                data_categories=tuple(categories),
                frequency=pattern.frequency,
                methods=pattern.methods,
                description=pattern.description,
                restrictions=pattern.restrictions,
                minimisation_note="Only what is necessary and relevant to the concern.",
            )
        )

    area_code = _slug(area_name).upper()
    agreement_id = f"{area_code}-{template.code}-ISA"
    owner = organisations[hub]
    contacts = tuple(
        Contact(role=c.role, name=c.name, job_title=c.job_title, email=c.email, organisation_id=hub)
        for c in owner.contacts
    ) + (Contact(ContactRole.AGREEMENT_OWNER, _person(rng), "Head of Service", organisation_id=hub),)
    major = rng.randint(1, 4)
    agreement = Agreement(
        id=agreement_id,
        title=f"{area_name} {template.title}",
        version=f"{major}.{rng.randint(0, 3)}",
        kind=template.kind,
        status=status,
        owner=hub,
        parties=tuple(parties),
        purposes=tuple(AgreementPurpose(p, gateways=g) for p, g in template.purposes.items()),
        data_subjects=template.subjects,
        flows=tuple(flows),
        lawful_bases=_lawful_bases(template, parties, types, vocabulary, rng, defect),
        consent_model=template.consent,
        summary=f"How {area_name} partners share information under the {template.title.lower()}.",
        effective_from=effective,
        review_due=review_due,
        expires_on=expires_on,
        governance_body=f"{area_name} {template.governance}",
        contacts=contacts,
        restrictions=template.restrictions,
        retention=(
            RetentionRule(
                period="Kept for 6 years from the last contact, then reviewed.",
                disposal="Secure deletion or confidential destruction.",
                organisation_id=hub,
            ),
            RetentionRule(period="Each partner's own retention schedule.", disposal="Secure deletion."),
        ),
        security=Security(
            classification="OFFICIAL-SENSITIVE",
            transfer_methods=(TransferMethod.SECURE_EMAIL, TransferMethod.SHARED_CASE_SYSTEM, TransferMethod.MEETING),
            encryption="Accredited secure email domains or encrypted portal; data at rest encrypted.",
        ),
        review=Review(
            frequency_months=12, reminder_months_before=3, lapse_grace_months=3, last_reviewed_on=last_reviewed
        ),
        termination=Termination(notice_days=90),
    )
    recorded = datetime.combine(effective - timedelta(days=7), time(10, 30))
    if rng.random() < 0.3 and len(flows) > 8:
        # An earlier version, replaced by the current one: fewer flows, earlier dates.
        earlier_from = effective - timedelta(days=rng.randint(200, 700))
        earlier = replace(
            agreement,
            version=f"{max(major - 1, 0)}.{rng.randint(0, 5)}",
            status=AgreementStatus.ACTIVE,
            flows=agreement.flows[:-1],
            effective_from=earlier_from,
            review_due=_add_months(earlier_from, 12),
            expires_on=_add_months(earlier_from, 36),
            review=replace(agreement.review, last_reviewed_on=earlier_from),
            parties=tuple(
                replace(p, signatory=replace(p.signatory, signed_on=earlier_from - timedelta(days=10)))
                if p.signatory is not None
                else p
                for p in agreement.parties
            ),
        )
        current = replace(
            agreement,
            amendments=(
                Amendment(earlier.version, earlier_from, "Agreed and signed."),
                Amendment(agreement.version, effective, "Annual review; flows and parties updated."),
            ),
        )
        return [
            AgreementRevision(
                earlier, 1, datetime.combine(earlier_from - timedelta(days=5), time(9)), "bench-generator"
            ),
            AgreementRevision(current, 2, recorded, "bench-generator", "Annual review"),
        ]
    return [AgreementRevision(agreement, 1, recorded, "bench-generator")]


def generate_registry(
    n_agreements: int, seed: int = 20260601, vocabulary: Vocabulary | None = None
) -> SyntheticRegistry:
    """``n_agreements`` agreements over ``ceil(n / 5)`` areas, with their organisations; deterministic for a seed."""
    if vocabulary is None:
        from schemas.vocabulary import load_vocabulary

        vocabulary = load_vocabulary()
    rng = random.Random(seed)
    n_areas = max(1, -(-n_agreements // AGREEMENTS_PER_AREA))
    organisations, area_pools = _build_organisations(n_areas, vocabulary, rng)
    by_id = {o.id: o for o in organisations}
    revisions: list[AgreementRevision] = []
    areas: list[Area] = []
    made = 0
    for index, (name, pool) in enumerate(area_pools):
        fifth = _EARLY_HELP if index % 2 == 0 else _EDUCATION
        ids: list[str] = []
        for template in (*_TEMPLATES, fifth):
            if made == n_agreements:
                break
            found = _agreement(template, name, pool, by_id, vocabulary, rng)
            revisions.extend(found)
            ids.append(found[0].agreement.id)
            made += 1
        areas.append(Area(name=name, organisations=pool, agreements=tuple(ids)))
    return SyntheticRegistry(vocabulary, tuple(organisations), tuple(revisions), tuple(areas), seed)


# ---------------------------------------------------------------- questions


def in_force_on(agreement: Agreement, day: date, grace_months: int | None = None) -> bool:
    """Active, effective, not expired and not past review by more than the grace period on ``day``."""
    if agreement.status is not AgreementStatus.ACTIVE:
        return False
    if agreement.effective_from is None or agreement.effective_from > day:
        return False
    if agreement.expires_on is not None and agreement.expires_on < day:
        return False
    grace = agreement.review.lapse_grace_months if grace_months is None else grace_months
    if agreement.review_due is not None:
        index = agreement.review_due.month - 1 + grace
        year, month = agreement.review_due.year + index // 12, index % 12 + 1
        import calendar

        lapses = date(year, month, min(agreement.review_due.day, calendar.monthrange(year, month)[1]))
        if lapses < day:
            return False
    return True


def endpoint_parties(
    endpoints: Sequence[Endpoint], agreement: Agreement, organisations: Mapping[str, Organisation]
) -> list[str]:
    """The parties of ``agreement`` an end of a flow names (by organisation, type or any party)."""
    found: list[str] = []
    for party in agreement.parties:
        org_id = party.organisation_id
        for end in endpoints:
            if (
                end.any_party
                or end.organisation == org_id
                or (end.organisation_type is not None and organisations[org_id].type == end.organisation_type)
            ):
                found.append(org_id)
                break
    return found


_ALTERNATIVE_CATEGORIES = (
    "mental-health",
    "criminal-convictions",
    "financial",
    "police-intelligence",
    "sexual-life-orientation",
    "immigration-status",
    "health",
    "social-care",
    "racial-ethnic-origin",
    "substance-misuse",
    "education",
)
_ALTERNATIVE_PURPOSES = (
    "housing-allocation",
    "tenancy-management",
    "research-and-statistics",
    "immigration-enforcement",
    "employment-vetting",
    "crime-prevention",
    "direct-care",
    "service-referral",
    "early-help",
    "mash-triage",
    "child-protection-enquiry",
    "adult-safeguarding-enquiry",
    "marac-risk-assessment",
)

_QUESTION_MIX: tuple[tuple[str, float], ...] = (
    ("along-flow", 0.50),
    ("extra-category", 0.10),
    ("other-purpose", 0.07),
    ("other-subject", 0.04),
    ("reverse", 0.05),
    ("non-party", 0.04),
    ("not-in-force", 0.07),
    ("cross-area", 0.04),
    ("outside-registry", 0.04),
    ("emergency", 0.03),
    ("onward", 0.02),
)


def _subject_and_facts(
    subject_type: str, kind: AgreementKind, rng: random.Random
) -> tuple[Person, ConsentStatus, NotSoughtReason | None, frozenset[RiskFact]]:
    risks: set[RiskFact] = set()
    if subject_type in ("child", "unaccompanied-asylum-seeking-child"):
        subject = Person(type=subject_type)
    elif subject_type == "adult-at-risk":
        roll = rng.random()
        subject = Person(
            type=subject_type,
            care_and_support_needs=True,
            unable_to_protect_self=rng.random() < 0.85,
            has_capacity=True if roll < 0.6 else (False if roll < 0.8 else None),
        )
    elif subject_type == "deceased-person":
        subject = Person(type=subject_type, deceased=True)
    else:
        subject = Person(
            type=subject_type,
            care_and_support_needs=rng.random() < 0.1,
            has_capacity=rng.choice((True, True, None)),
        )
    if (kind is AgreementKind.MASH or subject.type == "child") and rng.random() < 0.6:
        risks.add(RiskFact.SIGNIFICANT_HARM_TO_CHILD)
    if kind is AgreementKind.MARAC and rng.random() < 0.85:
        risks.add(RiskFact.HIGH_RISK_DOMESTIC_ABUSE)
    if kind is AgreementKind.MAPPA and rng.random() < 0.7:
        risks.add(RiskFact.RISK_TO_OTHERS)
    if rng.random() < 0.08:
        risks.add(rng.choice((RiskFact.SERIOUS_CRIME, RiskFact.RISK_TO_LIFE, RiskFact.COERCION_OR_UNDUE_INFLUENCE)))
    roll = rng.random()
    reason: NotSoughtReason | None = None
    if roll < 0.35:
        consent = ConsentStatus.OBTAINED
    elif roll < 0.47:
        consent = ConsentStatus.REFUSED
    else:
        consent = ConsentStatus.NOT_SOUGHT
        reason = rng.choice(
            (
                NotSoughtReason.INCREASES_RISK,
                NotSoughtReason.PREJUDICE_ENQUIRY,
                NotSoughtReason.NO_TIME,
                NotSoughtReason.STATUTORY_DUTY,
                NotSoughtReason.LACKS_CAPACITY if subject.has_capacity is False else NotSoughtReason.INCREASES_RISK,
                None,
            )
        )
    return subject, consent, reason, frozenset(risks)


class _Asker:
    def __init__(self, registry: SyntheticRegistry, rng: random.Random) -> None:
        self.registry = registry
        self.rng = rng
        self.organisations = {o.id: o for o in registry.organisations}
        self.latest = registry.latest()
        self.vocabulary = registry.vocabulary
        self.categories = sorted(registry.vocabulary.data_categories)
        self.children = {c: sorted(d for d in registry.vocabulary.descendants_of(c) if d != c) for c in self.categories}

    def agreement(self, area: Area, *, in_force: bool | None) -> Agreement | None:
        candidates = [self.latest[a] for a in area.agreements]
        if in_force is not None:
            candidates = [a for a in candidates if in_force_on(a, AS_OF) is in_force]
        return self.rng.choice(candidates) if candidates else None

    def along(self, agreement: Agreement) -> tuple[str, str | None, str | None, Flow] | None:
        rng = self.rng
        flows = list(agreement.flows)
        rng.shuffle(flows)
        for flow in flows:
            sources = endpoint_parties(flow.source, agreement, self.organisations)
            if not sources:
                continue
            discloser = rng.choice(sources)
            recipients = [r for r in endpoint_parties(flow.recipient, agreement, self.organisations) if r != discloser]
            outsiders = [e.organisation_type for e in flow.recipient if e.organisation_type == _PUBLIC]
            if recipients:
                return discloser, rng.choice(recipients), None, flow
            if outsiders:
                return discloser, None, outsiders[0], flow
        return None

    def categories_from(self, flow: Flow) -> list[str]:
        rng = self.rng
        picked = rng.sample(flow.data_categories, k=min(len(flow.data_categories), rng.choice((1, 1, 2, 2, 3))))
        # Ask for a narrower category than the flow names now and then (the hierarchy permits it).
        return [rng.choice(self.children[c]) if self.children[c] and rng.random() < 0.3 else c for c in picked]

    def question(self, kind: str) -> ShareQuestion | None:
        rng = self.rng
        areas = self.registry.areas
        area = rng.choice(areas)
        want_in_force = False if kind == "not-in-force" else (None if kind == "onward" else True)
        agreement = self.agreement(area, in_force=want_in_force)
        if agreement is None:
            return None
        found = self.along(agreement)
        if found is None:
            return None
        discloser, recipient, recipient_type, flow = found
        purpose = rng.choice(flow.purposes)
        subject_type = rng.choice(flow.data_subjects)
        categories = self.categories_from(flow)
        urgency = Urgency.URGENT if rng.random() < 0.1 else Urgency.ROUTINE
        received_from: str | None = None
        if kind == "extra-category":
            extra = [
                c
                for c in _ALTERNATIVE_CATEGORIES
                if not any(self.vocabulary.permits(p, c) for p in flow.data_categories)
            ]
            if not extra:
                return None
            categories.append(rng.choice(extra))
        elif kind == "other-purpose":
            purpose = rng.choice([p for p in _ALTERNATIVE_PURPOSES if p not in flow.purposes])
        elif kind == "other-subject":
            others = [s for s in self.vocabulary.data_subject_types if s not in flow.data_subjects]
            subject_type = rng.choice(others)
        elif kind == "reverse":
            if recipient is None:
                return None
            discloser, recipient = recipient, discloser
        elif kind == "non-party":
            outside = [o for o in area.organisations if agreement.party(o) is None and o != discloser]
            if not outside:
                return None
            recipient, recipient_type = rng.choice(outside), None
        elif kind == "cross-area":
            other = rng.choice(areas)
            if other is area and len(areas) > 1:
                other = areas[(areas.index(area) + 1) % len(areas)]
            recipient, recipient_type = rng.choice(other.organisations), None
            if recipient == discloser:
                return None
        elif kind == "outside-registry":
            police = [o for o in area.organisations if self.organisations[o].type == "police-force"]
            discloser = police[0] if police and rng.random() < 0.6 else discloser
            recipient, recipient_type = None, _PUBLIC
            purpose = rng.choice(("dvds-disclosure", "csod-disclosure", "mappa-third-party-disclosure", purpose))
        elif kind == "emergency":
            urgency = Urgency.EMERGENCY
        elif kind == "onward":
            sources = [p.organisation_id for p in agreement.parties if p.organisation_id not in (discloser, recipient)]
            if not sources:
                return None
            received_from = rng.choice(sources)
        subject, consent, reason, risks = _subject_and_facts(subject_type, agreement.kind, rng)
        return ShareQuestion(
            discloser=discloser,
            people=(dataclasses.replace(subject, consent=consent, consent_not_sought_reason=reason),),
            data_categories=tuple(dict.fromkeys(categories)),
            purpose=purpose,
            as_of=AS_OF,
            recipient=recipient,
            recipient_type=recipient_type,
            risks=risks,
            urgency=urgency,
            received_from=received_from,
        )


def generate_questions(registry: SyntheticRegistry, count: int, seed: int = 7) -> list[ShareQuestion]:
    """``count`` share questions in a realistic mix; deterministic for the registry and the seed."""
    rng = random.Random(seed)
    asker = _Asker(registry, rng)
    kinds = [k for k, _ in _QUESTION_MIX]
    weights = [w for _, w in _QUESTION_MIX]
    questions: list[ShareQuestion] = []
    attempts = 0
    while len(questions) < count:
        attempts += 1
        if attempts > count * 20:
            raise RuntimeError("could not generate enough questions from this registry")
        question = asker.question(rng.choices(kinds, weights)[0])
        if question is not None:
            questions.append(question)
    return questions
