"""The checker's answer: a decision, reasons with stable codes and citations, obligations, escalations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple


class Decision(StrEnum):
    """The three outcomes: the law has more than two (domain reference §0.3)."""

    COVERED = "covered"
    NOT_COVERED = "not_covered"
    ESCALATE = "escalate"


class Code(StrEnum):
    """Stable reason codes, like a linter's; the API, the page and the PDF all show them."""

    # The question itself, and terms the checker cannot interpret (fail closed)
    UNKNOWN_TERM = "UNKNOWN_TERM"
    # Emergency
    EMERGENCY_SHARE_NOW = "EMERGENCY_SHARE_NOW"
    EMERGENCY_NOT_SHOWN = "EMERGENCY_NOT_SHOWN"
    EMERGENCY_PURPOSE_NOT_PROTECTIVE = "EMERGENCY_PURPOSE_NOT_PROTECTIVE"
    EMERGENCY_RECIPIENT_CANNOT_ACT = "EMERGENCY_RECIPIENT_CANNOT_ACT"
    EMERGENCY_NOT_FOR_BULK = "EMERGENCY_NOT_FOR_BULK"
    # Finding agreements
    NO_AGREEMENT_FOR_DISCLOSER = "NO_AGREEMENT_FOR_DISCLOSER"
    AGREEMENT_NOT_YET_IN_FORCE = "AGREEMENT_NOT_YET_IN_FORCE"
    AGREEMENT_NOT_ACTIVE = "AGREEMENT_NOT_ACTIVE"
    AGREEMENT_EXPIRED = "AGREEMENT_EXPIRED"
    AGREEMENT_REVIEW_LAPSED = "AGREEMENT_REVIEW_LAPSED"
    AGREEMENT_REVIEW_OVERDUE = "AGREEMENT_REVIEW_OVERDUE"
    DISCLOSER_NOT_PARTY = "DISCLOSER_NOT_PARTY"
    DISCLOSER_NOT_SIGNED = "DISCLOSER_NOT_SIGNED"
    RECIPIENT_NOT_PARTY = "RECIPIENT_NOT_PARTY"
    RECIPIENT_NOT_SIGNED = "RECIPIENT_NOT_SIGNED"
    RECIPIENT_OUTSIDE_REGISTRY = "RECIPIENT_OUTSIDE_REGISTRY"
    # Matching a flow
    FLOW_MATCHED = "FLOW_MATCHED"
    FLOW_NOT_FOUND = "FLOW_NOT_FOUND"
    FLOW_PURPOSE_MISMATCH = "FLOW_PURPOSE_MISMATCH"
    FLOW_DATA_SUBJECT_MISMATCH = "FLOW_DATA_SUBJECT_MISMATCH"
    FLOW_CATEGORY_EXCEEDS = "FLOW_CATEGORY_EXCEEDS"
    # Article 6
    ART6_BASIS = "ART6_BASIS"
    ART6_BASIS_MISSING = "ART6_BASIS_MISSING"
    ART6_NOT_FOR_PUBLIC_AUTHORITY = "ART6_NOT_FOR_PUBLIC_AUTHORITY"
    ART6_CONSENT_NOT_OBTAINED = "ART6_CONSENT_NOT_OBTAINED"
    ART6_VITAL_INTERESTS_NOT_LIFE_OR_DEATH = "ART6_VITAL_INTERESTS_NOT_LIFE_OR_DEATH"
    ART6_NOT_YET_IN_FORCE = "ART6_NOT_YET_IN_FORCE"
    ART6_ANNEX1_CONDITION_NOT_MET = "ART6_ANNEX1_CONDITION_NOT_MET"
    AUTHORISED_BY_LAW = "AUTHORISED_BY_LAW"
    LAW_ENFORCEMENT_PROCESSING = "LAW_ENFORCEMENT_PROCESSING"
    # Article 9 and Schedule 1
    ART9_CONDITION = "ART9_CONDITION"
    ART9_CONDITION_MISSING = "ART9_CONDITION_MISSING"
    ART9_EXPLICIT_CONSENT_NOT_OBTAINED = "ART9_EXPLICIT_CONSENT_NOT_OBTAINED"
    ART9_VITAL_INTERESTS_CAPABLE_OF_CONSENT = "ART9_VITAL_INTERESTS_CAPABLE_OF_CONSENT"
    ART9_HEALTH_CARE_NOT_PROFESSIONAL = "ART9_HEALTH_CARE_NOT_PROFESSIONAL"
    SCH1_CONDITION_MISSING = "SCH1_CONDITION_MISSING"
    SCH1_WRONG_PART = "SCH1_WRONG_PART"
    SCH1_PARA18_NOT_ELIGIBLE = "SCH1_PARA18_NOT_ELIGIBLE"
    SCH1_WITHOUT_CONSENT_ONLY = "SCH1_WITHOUT_CONSENT_ONLY"
    SCH1_CONSENT_NOT_OBTAINED = "SCH1_CONSENT_NOT_OBTAINED"
    APD_MISSING = "APD_MISSING"
    APD_NOT_NEEDED_COMPETENT_AUTHORITY = "APD_NOT_NEEDED_COMPETENT_AUTHORITY"
    # Article 10
    ART10_ROUTE = "ART10_ROUTE"
    ART10_ROUTE_MISSING = "ART10_ROUTE_MISSING"
    ART10_OFFICIAL_AUTHORITY_NOT_AVAILABLE = "ART10_OFFICIAL_AUTHORITY_NOT_AVAILABLE"
    # The recipient's own footing
    RECIPIENT_BASIS_MISSING = "RECIPIENT_BASIS_MISSING"
    RECIPIENT_APD_MISSING = "RECIPIENT_APD_MISSING"
    # Consent
    CONSENT_OBTAINED = "CONSENT_OBTAINED"
    CONSENT_NOT_USED = "CONSENT_NOT_USED"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"
    CONSENT_OVERRIDE_GROUND = "CONSENT_OVERRIDE_GROUND"
    CONSENT_NO_OVERRIDE_GROUND = "CONSENT_NO_OVERRIDE_GROUND"
    CONSENT_GROUND_NOT_IN_AGREEMENT = "CONSENT_GROUND_NOT_IN_AGREEMENT"
    CAPACITOUS_REFUSAL_RESPECTED = "CAPACITOUS_REFUSAL_RESPECTED"
    CONSENT_NOT_ASKED_MUST_NOT_BE_TOLD = "CONSENT_NOT_ASKED_MUST_NOT_BE_TOLD"
    STATUTORY_DUTY_APPLIES = "STATUTORY_DUTY_APPLIES"
    STATUTORY_REQUEST_DOES_NOT_FIT = "STATUTORY_REQUEST_DOES_NOT_FIT"
    # Restrictions
    PURPOSE_PROHIBITED = "PURPOSE_PROHIBITED"
    PANEL_DECISION_RESERVED = "PANEL_DECISION_RESERVED"
    ONWARD_DISCLOSURE_PROHIBITED = "ONWARD_DISCLOSURE_PROHIBITED"
    ONWARD_DISCLOSURE_NEEDS_ORIGINATOR_CONSENT = "ONWARD_DISCLOSURE_NEEDS_ORIGINATOR_CONSENT"
    ONWARD_DISCLOSURE_ORIGINATOR_AGREED = "ONWARD_DISCLOSURE_ORIGINATOR_AGREED"
    USE_LIMITATION_EXCEEDED = "USE_LIMITATION_EXCEEDED"
    REQUIRED_BY_LAW_EXEMPTION = "REQUIRED_BY_LAW_EXEMPTION"
    BULK_SHARING_NOT_PERMITTED = "BULK_SHARING_NOT_PERMITTED"
    LOCATION_MUST_NOT_REACH_RECIPIENT = "LOCATION_MUST_NOT_REACH_RECIPIENT"
    # Outcomes outside or beside agreements
    AGREEMENT_WOULD_COVER_BUT_NOT_ACTIVE = "AGREEMENT_WOULD_COVER_BUT_NOT_ACTIVE"
    STATUTORY_DUTY_CHILD_PROTECTION = "STATUTORY_DUTY_CHILD_PROTECTION"
    STATUTORY_DUTY_ADULT_SAFEGUARDING = "STATUTORY_DUTY_ADULT_SAFEGUARDING"
    OWN_ENQUIRY_FUNCTIONS = "OWN_ENQUIRY_FUNCTIONS"
    STATUTORY_REQUEST_SAFEGUARDING_ADULTS_BOARD = "STATUTORY_REQUEST_SAFEGUARDING_ADULTS_BOARD"
    DISCLOSURE_SCHEME_POLICE_PROCESS = "DISCLOSURE_SCHEME_POLICE_PROCESS"
    DISCLOSURE_SCHEME_PASS_TO_POLICE = "DISCLOSURE_SCHEME_PASS_TO_POLICE"
    MAPPA_PROCESS = "MAPPA_PROCESS"
    PUBLIC_INTEREST_CASE = "PUBLIC_INTEREST_CASE"
    PUBLIC_INTEREST_RECIPIENT_CANNOT_ACT = "PUBLIC_INTEREST_RECIPIENT_CANNOT_ACT"
    NOT_FOR_THIS_RECIPIENT = "NOT_FOR_THIS_RECIPIENT"
    DECEASED_PERSON = "DECEASED_PERSON"
    NO_ROUTE = "NO_ROUTE"


class InstructionKind(StrEnum):
    """What the practitioner is told to do, in one line, before any reason."""

    SHARE = "share"
    SHARE_NOW = "share_now"
    REFER_NOW = "refer_now"
    REFER_INSTEAD = "refer_instead"
    ASK_FIRST = "ask_first"
    DO_NOT_SHARE = "do_not_share"


class EscalateTo(StrEnum):
    """Who decides when the checker cannot."""

    CALDICOTT_GUARDIAN = "caldicott_guardian"
    DATA_PROTECTION_OFFICER = "data_protection_officer"
    DESIGNATED_SAFEGUARDING_LEAD = "designated_safeguarding_lead"
    MAPPA_MEETING = "mappa_meeting"
    MARAC = "marac"
    POLICE_DISCLOSURE_SCHEME = "police_disclosure_scheme"
    MAPPA_LEAD_AGENCY = "mappa_lead_agency"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    ADULT_SOCIAL_CARE = "adult_social_care"
    ORIGINATING_AGENCY = "originating_agency"
    AGREEMENT_OWNER = "agreement_owner"
    PANEL = "panel"


# Citation, Reason, Obligation and Escalation are built tens of times in every check: as NamedTuples
# they are as immutable as frozen dataclasses and three to four times quicker to make.
class Citation(NamedTuple):
    """Where a reason comes from: the agreement version and flow, and the legal provision."""

    agreement_id: str | None = None
    version: str | None = None
    revision: int | None = None
    flow_id: str | None = None
    provision: str | None = None


class Reason(NamedTuple):
    """One reason for the decision: a stable code, a plain-English message, a citation."""

    code: Code
    message: str
    citation: Citation = Citation()


class Obligation(NamedTuple):
    """Something the practitioner must do if they share."""

    code: str
    message: str


class Instruction(NamedTuple):
    """The one line a practitioner acts on: share, share now, refer, ask whom, or do not share."""

    kind: InstructionKind
    text: str


class Escalation(NamedTuple):
    """Who to take the decision to, and why."""

    to: EscalateTo
    why: str
    contact: str | None = None


@dataclass(frozen=True)
class AgreementEvaluation:
    """How one agreement fared against the question."""

    agreement_id: str
    version: str | None
    revision: int | None
    status_on_date: str
    covers: bool
    flow_id: str | None
    failures: tuple[Reason, ...]
    passes: tuple[Reason, ...]
    would_make_covered: tuple[str, ...]


Explanation = tuple[tuple[AgreementEvaluation, ...], AgreementEvaluation | None]


def _nothing_evaluated() -> Explanation:
    return (), None


@dataclass(frozen=True)
class ShareAnswer:
    """The checker's whole answer to a share question.

    ``evaluations`` (every agreement considered, with its failures) and ``nearest`` are worked
    out when first read: the decision, its reasons and what to do never wait for them.
    """

    decision: Decision
    instruction: Instruction
    summary: str
    reasons: tuple[Reason, ...]
    obligations: tuple[Obligation, ...]
    escalations: tuple[Escalation, ...]
    route: str | None = None
    # Changes to an agreement that would cover the share: for governance leads, never a practitioner's route.
    agreement_fixes: tuple[str, ...] = ()
    explain: Callable[[], Explanation] = field(default=_nothing_evaluated, repr=False, compare=False)

    @cached_property
    def _explanation(self) -> Explanation:
        return self.explain()

    @property
    def evaluations(self) -> tuple[AgreementEvaluation, ...]:
        """Every agreement the discloser is party to, and how it fared, by agreement id."""
        return self._explanation[0]

    @property
    def nearest(self) -> AgreementEvaluation | None:
        """The covering agreement, or the one nearest to covering."""
        return self._explanation[1]

    def codes(self) -> frozenset[str]:
        """Every reason code in the answer and in the agreements evaluated."""
        found = {r.code.value for r in self.reasons}
        for evaluation in self.evaluations:
            found.update(r.code.value for r in evaluation.failures)
            found.update(r.code.value for r in evaluation.passes)
        return frozenset(found)
