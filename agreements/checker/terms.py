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
ART6_VITAL_INTERESTS = "art6-1-d"
ART9_EXPLICIT_CONSENT = "art9-2-a"
ART9_VITAL_INTERESTS = "art9-2-c"
ART9_HEALTH_OR_SOCIAL_CARE = "art9-2-h"
ART10_OFFICIAL_AUTHORITY = "art10-official-authority"
SCH1_PREVENTING_UNLAWFUL_ACTS = "dpa-sch1-10"
SCH1_COUNSELLING = "dpa-sch1-17"
SCH1_SAFEGUARDING = "dpa-sch1-18"
# Paras 10, 17 and 18 are met only when processing is carried out *without* consent.
SCH1_WITHOUT_CONSENT = frozenset({SCH1_PREVENTING_UNLAWFUL_ACTS, SCH1_COUNSELLING, SCH1_SAFEGUARDING})
DISCLOSURE_SCHEME_PURPOSES = frozenset({"dvds-disclosure", "csod-disclosure"})
MAPPA_PURPOSES = frozenset({"mappa-risk-assessment", "mappa-risk-management", "mappa-third-party-disclosure"})
SAFEGUARDING_ADULTS_REVIEW = "safeguarding-adults-review"
SAFEGUARDING_ADULTS_BOARD = "safeguarding-adults-board"
LOCATION_CATEGORY = "location-of-person-at-risk"

# Facts that can justify sharing against the refusal of an adult with capacity (SCIE; ICO).
OVERRIDES_CAPACITOUS_REFUSAL = frozenset(
    {
        ConsentOverrideGround.SIGNIFICANT_HARM_TO_CHILD,
        ConsentOverrideGround.RISK_TO_OTHERS,
        ConsentOverrideGround.RISK_TO_LIFE,
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
PUBLIC_INTEREST_RISKS = frozenset(
    {RiskFact.RISK_TO_OTHERS, RiskFact.SERIOUS_CRIME, RiskFact.RISK_TO_LIFE, RiskFact.HIGH_RISK_DOMESTIC_ABUSE}
)
# How far a flow is from matching: a wrong direction or purpose matters more than one extra category.
GAP_WEIGHTS = {
    Code.FLOW_NOT_FOUND: 8,
    Code.FLOW_PURPOSE_MISMATCH: 4,
    Code.FLOW_DATA_SUBJECT_MISMATCH: 2,
    Code.FLOW_CATEGORY_EXCEEDS: 1,
}


def label(terms: Mapping[str, VocabularyTerm], term_id: str) -> str:
    term = terms.get(term_id)
    return term.label if term is not None else term_id
