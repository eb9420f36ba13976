"""The legal terms the checker turns on: ids of the conditions, purposes and grounds it names."""

from __future__ import annotations

from collections.abc import Mapping

from agreements.answer import (
    Code,
)
from agreements.model import (
    ConsentOverrideGround,
)
from agreements.question import NotSoughtReason, RiskFact
from agreements.vocabulary import VocabularyTerm

ART6_CONSENT = "art6-1-a"
ART6_LEGAL_OBLIGATION = "art6-1-c"
ART6_VITAL_INTERESTS = "art6-1-d"
ART6_PUBLIC_TASK = "art6-1-e"
ART6_RECOGNISED_LEGITIMATE_INTEREST = "art6-1-ea"
ART6_LEGITIMATE_INTERESTS = "art6-1-f"
ART9_EXPLICIT_CONSENT = "art9-2-a"
ART9_VITAL_INTERESTS = "art9-2-c"
ART9_HEALTH_OR_SOCIAL_CARE = "art9-2-h"
ART10_OFFICIAL_AUTHORITY = "art10-official-authority"
SCH1_PREVENTING_UNLAWFUL_ACTS = "dpa-sch1-10"
SCH1_CONSENT = "dpa-sch1-29"
SCH1_COUNSELLING = "dpa-sch1-17"
SCH1_SAFEGUARDING = "dpa-sch1-18"
# Paras 10, 17 and 18 are met only when processing is carried out *without* consent.
SCH1_WITHOUT_CONSENT = frozenset({SCH1_PREVENTING_UNLAWFUL_ACTS, SCH1_COUNSELLING, SCH1_SAFEGUARDING})
DISCLOSURE_SCHEME_PURPOSES = frozenset({"dvds-disclosure", "csod-disclosure"})
MAPPA_PURPOSES = frozenset({"mappa-risk-assessment", "mappa-risk-management", "mappa-third-party-disclosure"})
SAFEGUARDING_ADULTS_REVIEW = "safeguarding-adults-review"
SAFEGUARDING_ADULTS_BOARD = "safeguarding-adults-board"
LOCATION_CATEGORY = "location-of-person-at-risk"
POLICE = "police-force"
CHILDRENS_SOCIAL_CARE = "childrens-social-care"
ADULT_SOCIAL_CARE = "adult-social-care"
# Recipients that must never learn where a person at risk is (2024 golden rule 5; ICO reprimands 2022-23).
LOCATION_MUST_NOT_REACH = frozenset({"member-of-the-public", "home-office-immigration"})
# Facts that show an emergency: a risk to life or of serious harm now (ICO data sharing code, urgent situations).
EMERGENCY_RISKS = frozenset({RiskFact.RISK_TO_LIFE, RiskFact.RISK_OF_SERIOUS_HARM, RiskFact.SIGNIFICANT_HARM_TO_CHILD})

# Facts that can justify sharing against the refusal of an adult with capacity (SCIE; ICO): someone else at
# risk, a serious crime, high-risk domestic abuse, or a refusal that is not free. A risk only to the person who
# refuses (even to their life) does not: vital interests cannot be used for someone able to consent who refuses.
OVERRIDES_CAPACITOUS_REFUSAL = frozenset(
    {
        # Significant harm to a child: never the adult who refuses (a child's refusal is not capacitous in this sense).
        ConsentOverrideGround.SIGNIFICANT_HARM_TO_CHILD,
        ConsentOverrideGround.RISK_TO_OTHERS,
        ConsentOverrideGround.SERIOUS_CRIME,
        ConsentOverrideGround.HIGH_RISK_DOMESTIC_ABUSE,
        ConsentOverrideGround.COERCION_OR_UNDUE_INFLUENCE,
    }
)
RISK_GROUNDS = {
    RiskFact.SIGNIFICANT_HARM_TO_CHILD: ConsentOverrideGround.SIGNIFICANT_HARM_TO_CHILD,
    RiskFact.RISK_TO_OTHERS: ConsentOverrideGround.RISK_TO_OTHERS,
    RiskFact.SERIOUS_CRIME: ConsentOverrideGround.SERIOUS_CRIME,
    RiskFact.RISK_TO_LIFE: ConsentOverrideGround.RISK_TO_LIFE,
    RiskFact.HIGH_RISK_DOMESTIC_ABUSE: ConsentOverrideGround.HIGH_RISK_DOMESTIC_ABUSE,
    RiskFact.COERCION_OR_UNDUE_INFLUENCE: ConsentOverrideGround.COERCION_OR_UNDUE_INFLUENCE,
}
NOT_SOUGHT_GROUNDS = {
    NotSoughtReason.INCREASES_RISK: ConsentOverrideGround.INCREASES_RISK,
    NotSoughtReason.PREJUDICE_ENQUIRY: ConsentOverrideGround.PREJUDICE_ENQUIRY,
    NotSoughtReason.NO_TIME: ConsentOverrideGround.NO_TIME,
    NotSoughtReason.LACKS_CAPACITY: ConsentOverrideGround.LACKS_CAPACITY,
    NotSoughtReason.STATUTORY_DUTY: ConsentOverrideGround.STATUTORY_DUTY,
}
# Facts that may justify disclosure in the public interest: serious harm to someone, or a serious crime.
PUBLIC_INTEREST_RISKS = frozenset(
    {
        RiskFact.RISK_TO_OTHERS,
        RiskFact.SERIOUS_CRIME,
        RiskFact.RISK_TO_LIFE,
        RiskFact.RISK_OF_SERIOUS_HARM,
        RiskFact.SIGNIFICANT_HARM_TO_CHILD,
        RiskFact.HIGH_RISK_DOMESTIC_ABUSE,
    }
)
# How far a flow is from matching: a wrong direction or purpose matters more than one extra category.
GAP_WEIGHTS = {
    Code.FLOW_NOT_FOUND: 8,
    Code.FLOW_PURPOSE_MISMATCH: 4,
    Code.FLOW_DATA_SUBJECT_MISMATCH: 2,
    Code.FLOW_CATEGORY_EXCEEDS: 1,
}


def label(terms: Mapping[str, VocabularyTerm], term_id: str) -> str:
    """A term's label for messages, or its id when the vocabulary does not know it."""
    term = terms.get(term_id)
    return term.label if term is not None else term_id
