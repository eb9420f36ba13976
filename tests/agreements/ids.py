"""Ids of the standard agreements and of organisations in ``agreements/library``, shared by the case tables."""

from tests.agreements.conftest import MARAC, MASH

__all__ = [
    "MARAC",
    "MASH",
    "ACADEMY",
    "ACUTE",
    "AMBULANCE",
    "ASC",
    "COMMUNITY",
    "CSC",
    "EDUCATION",
    "FIRE",
    "GP",
    "HOMES",
    "HOME_OFFICE",
    "HOUSING",
    "IDVA",
    "MENTAL_HEALTH",
    "POLICE",
    "PRISON",
    "PROBATION",
    "PUBLIC",
    "RECOVERY",
    "SAB",
    "SCHOOL",
]

POLICE = "northshire-police"
CSC = "northshire-cc-childrens-services"
ASC = "northshire-cc-adult-social-care"
EDUCATION = "northshire-cc-education"
HOUSING = "eastvale-district-council"
HOMES = "northshire-homes"
SCHOOL = "st-aidans-primary"
ACADEMY = "riverside-learning-trust"
ACUTE = "northshire-hospitals-nhs-ft"
MENTAL_HEALTH = "northshire-partnership-nhs-ft"
COMMUNITY = "northshire-community-health-nhs-trust"
AMBULANCE = "northern-counties-ambulance-nhs-trust"
GP = "castlegate-medical-practice"
PROBATION = "probation-service-northshire"
PRISON = "hmp-northgate"
IDVA = "northshire-domestic-abuse-service"
RECOVERY = "northshire-recovery-partnership"
SAB = "northshire-safeguarding-adults-board"
HOME_OFFICE = "home-office-immigration"
FIRE = "northshire-fire-and-rescue"
PUBLIC = "member-of-the-public"
