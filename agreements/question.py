"""A proposed share, as a practitioner describes it: who, what, about whom, why, and the facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from agreements.validation import Problem


class ConsentStatus(StrEnum):
    """Whether the data subject (or someone for them) consented."""

    OBTAINED = "obtained"
    REFUSED = "refused"
    NOT_SOUGHT = "not_sought"


class NotSoughtReason(StrEnum):
    """Why consent was not sought."""

    INCREASES_RISK = "increases_risk"
    PREJUDICE_ENQUIRY = "prejudice_enquiry"
    NO_TIME = "no_time"
    LACKS_CAPACITY = "lacks_capacity"
    STATUTORY_DUTY = "statutory_duty"


class RiskFact(StrEnum):
    """Facts about risk that the law turns on."""

    SIGNIFICANT_HARM_TO_CHILD = "significant_harm_to_child"
    RISK_TO_OTHERS = "risk_to_others"
    SERIOUS_CRIME = "serious_crime"
    RISK_TO_LIFE = "risk_to_life"
    HIGH_RISK_DOMESTIC_ABUSE = "high_risk_domestic_abuse"
    COERCION_OR_UNDUE_INFLUENCE = "coercion_or_undue_influence"


class Urgency(StrEnum):
    """How soon the share must happen."""

    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


@dataclass(frozen=True)
class SubjectFacts:
    """The person the data is about, and the facts about them the law turns on."""

    type: str
    child: bool | None = None
    care_and_support_needs: bool = False
    unable_to_protect_self: bool = False
    has_capacity: bool | None = None
    deceased: bool | None = None


@dataclass(frozen=True)
class ShareQuestion:
    """May ``discloser`` share these categories about this person with this recipient, for this purpose?

    The recipient is a registered organisation (``recipient``) or, outside the registry,
    a type of organisation or person (``recipient_type``, e.g. ``member-of-the-public``).
    ``received_from`` names the organisation the data originally came from, when the
    discloser is passing on what another agency shared (onward disclosure);
    ``received_under`` the agreement it came under, where known; ``originator_agreed``
    that the originating agency has agreed to it being passed on.
    """

    discloser: str
    subject: SubjectFacts
    data_categories: tuple[str, ...]
    purpose: str
    as_of: date
    recipient: str | None = None
    recipient_type: str | None = None
    consent: ConsentStatus = ConsentStatus.NOT_SOUGHT
    consent_not_sought_reason: NotSoughtReason | None = None
    risks: frozenset[RiskFact] = frozenset()
    urgency: Urgency = Urgency.ROUTINE
    received_from: str | None = None
    received_under: str | None = None
    originator_agreed: bool = False


class QuestionError(ValueError):
    """The question names something the registry or vocabulary does not know."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))
