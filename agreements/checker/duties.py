"""Statutory duties to share: each a small rule saying which discloser, recipient and purpose it fits.

Where a duty fits, it is the lawful basis itself (UK GDPR Art 6(1)(c)), not an exception to consent:
consent is not the question and the practitioner is never told to seek it. A duty that rests on a
request (s47, s27, s16H, s45) applies only when the recipient has made that request; the police duty
to notify schools of domestic abuse incidents needs none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agreements.checker.terms import ADULT_SOCIAL_CARE, CHILDRENS_SOCIAL_CARE, POLICE

if TYPE_CHECKING:
    from agreements.checker.facts import Facts


@dataclass(frozen=True)
class Duty:
    """A statutory duty to share that fits this share."""

    gateway: str
    label: str
    citation: str


# Children Act 1989 s47(11): local authorities, local education and housing authorities, and NHS bodies (NHS
# England, integrated care boards, NHS trusts and foundation trusts) must assist a s47 enquiry when called upon
# (s47(9)), unless it would be unreasonable (s47(10)). The police and schools are not listed. Subsection text
# paraphrased from secondary sources (NOT VERIFIED against the primary text).
S47_BODIES = frozenset(
    {
        CHILDRENS_SOCIAL_CARE,
        ADULT_SOCIAL_CARE,
        "local-authority-education",
        "housing-authority",
        "nhs-acute-trust",
        "nhs-mental-health-trust",
        "nhs-community-trust",
        "nhs-ambulance-trust",
        "integrated-care-board",
        "nhs-england",
    }
)
# Children Act 1989 s27(3): another local authority, a local education or housing authority, and NHS bodies.
S27_BODIES = S47_BODIES
SAFEGUARDING_PARTNERS = frozenset(
    {CHILDRENS_SOCIAL_CARE, "integrated-care-board", POLICE, "safeguarding-children-partnership"}
)
# The Operation Encompass duty covers "relevant educational establishments": schools of every kind, including
# independent schools, and further education colleges (statutory guidance, Home Office, November 2025).
EDUCATIONAL_ESTABLISHMENTS = frozenset(
    {"maintained-school", "academy-trust", "independent-school", "further-education-college"}
)


def _requested(facts: Facts, gateway: str) -> bool:
    return facts.question.statutory_request == gateway


def child_protection_enquiry(facts: Facts) -> Duty | None:
    """Children Act 1989 s47(9)-(11): named bodies must help children's social care's enquiry when asked."""
    if (
        _requested(facts, "ca1989-s47")
        and facts.recipient_type == CHILDRENS_SOCIAL_CARE
        and facts.discloser_type in S47_BODIES
        and facts.question.purpose in {"child-protection-enquiry", "mash-triage"}
        and facts.question.discloser != facts.question.recipient
    ):
        return Duty("ca1989-s47", "Children Act 1989 s47(9) duty to assist", "Children Act 1989 s47(9)-(11)")
    return None


def help_for_children_in_need(facts: Facts) -> Duty | None:
    """Children Act 1989 s27: authorities must comply with children's social care's request for help."""
    if (
        _requested(facts, "ca1989-s27")
        and facts.recipient_type == CHILDRENS_SOCIAL_CARE
        and facts.discloser_type in S27_BODIES
        and facts.question.purpose in {"child-in-need-assessment", "child-protection-enquiry", "mash-triage"}
        and facts.question.discloser != facts.question.recipient
    ):
        return Duty("ca1989-s27", "Children Act 1989 s27 duty to help", "Children Act 1989 s27")
    return None


def safeguarding_partners_request(facts: Facts) -> Duty | None:
    """Children Act 2004 s16H: a person asked by the safeguarding partners for information must supply it."""
    if (
        _requested(facts, "ca2004-s16h")
        and facts.recipient_type in SAFEGUARDING_PARTNERS
        and facts.question.purpose in {"child-safeguarding-practice-review", "mash-triage", "child-protection-enquiry"}
    ):
        return Duty("ca2004-s16h", "Children Act 2004 s16H duty to comply", "Children Act 2004 s16H")
    return None


def safeguarding_adults_board_request(facts: Facts) -> Duty | None:
    """Care Act 2014 s45: a person asked by the safeguarding adults board must supply what it needs."""
    if (
        _requested(facts, "care-act-2014-s45")
        and facts.recipient_type == "safeguarding-adults-board"
        and facts.question.purpose == "safeguarding-adults-review"
    ):
        return Duty("care-act-2014-s45", "Care Act 2014 s45 duty to supply information", "Care Act 2014 s45")
    return None


def school_notification(facts: Facts) -> Duty | None:
    """Operation Encompass: the police must tell a child's school or college of a domestic abuse incident."""
    if (
        facts.discloser_type == POLICE
        and facts.recipient_type in EDUCATIONAL_ESTABLISHMENTS
        and facts.question.purpose == "operation-encompass-notification"
        and facts.child_involved
    ):
        return Duty(
            "vpa2024-operation-encompass",
            "the police duty to notify schools of domestic abuse incidents (Operation Encompass)",
            "Victims and Prisoners Act 2024 (Operation Encompass duty); statutory guidance, November 2025",
        )
    return None


DUTIES: tuple[Callable[[Facts], Duty | None], ...] = (
    child_protection_enquiry,
    help_for_children_in_need,
    safeguarding_partners_request,
    safeguarding_adults_board_request,
    school_notification,
)


def statutory_duty(facts: Facts) -> Duty | None:
    """The first statutory duty that fits this discloser, recipient and purpose, if any."""
    for duty in DUTIES:
        found = duty(facts)
        if found is not None:
            return found
    return None
