"""A proposed share, as a practitioner describes it: who, what, about whom, for whom, why, and the facts.

A share is about several people at once (a child, the parent who is a victim, the alleged perpetrator),
and their age, capacity, consent and risks differ, so the question describes each person involved
(``Person``) rather than one "subject". Both classes validate their own fields when built: a string
where an enum is expected would otherwise silently skip a rule, so it is refused at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum
from typing import Any

from agreements.validation import Problem

# Children Act 1989 s105(1): a child is a person under the age of eighteen (16- and 17-year-olds included).
AGE_OF_MAJORITY = 18
OLDEST_AGE = 130


class ConsentStatus(StrEnum):
    """Whether this person (or someone able to consent for them) consented to the share."""

    OBTAINED = "obtained"
    REFUSED = "refused"
    NOT_SOUGHT = "not_sought"


class NotSoughtReason(StrEnum):
    """Why this person's consent was not sought."""

    INCREASES_RISK = "increases_risk"
    PREJUDICE_ENQUIRY = "prejudice_enquiry"
    NO_TIME = "no_time"
    LACKS_CAPACITY = "lacks_capacity"
    STATUTORY_DUTY = "statutory_duty"


class RiskFact(StrEnum):
    """Facts about risk that the law turns on."""

    # A welfare concern or perceived risk of harm below the significant-harm threshold: enough to share about a
    # child without consent (Information sharing advice for safeguarding practitioners, 2024, rule 3).
    RISK_OF_HARM = "risk_of_harm"
    SIGNIFICANT_HARM_TO_CHILD = "significant_harm_to_child"
    RISK_OF_SERIOUS_HARM = "risk_of_serious_harm"
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


class PersonRole(StrEnum):
    """What a person is to this share: the data is about them, the share protects them, or both."""

    DATA_SUBJECT = "data_subject"
    PROTECTED = "protected"
    BOTH = "both"


class QuestionError(ValueError):
    """The question is malformed, or names something the registry or vocabulary does not know."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))


def _check_type(problems: list[Problem], path: str, value: Any, expected: type | tuple[type, ...]) -> None:
    # bool is an int in Python: an age of True is a mistake, not 1.
    wrong_bool = isinstance(value, bool) and expected in (int, (int,))
    if not isinstance(value, expected) or wrong_bool:
        names = expected.__name__ if isinstance(expected, type) else " or ".join(t.__name__ for t in expected)
        problems.append(Problem(path, f"must be {names}, not {type(value).__name__} {value!r}"))


def _check_optional(problems: list[Problem], path: str, value: Any, expected: type) -> None:
    if value is not None:
        _check_type(problems, path, value, expected)


def _check_strings(problems: list[Problem], path: str, values: Any) -> None:
    if not isinstance(values, tuple):
        problems.append(Problem(path, f"must be a tuple of strings, not {type(values).__name__}"))
        return
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value:
            problems.append(Problem(f"{path}[{index}]", f"must be a non-empty string, not {value!r}"))


@dataclass(frozen=True)
class Person:
    """Someone the share is about or for, with the facts about them the law turns on.

    ``age`` or ``date_of_birth`` decide whether they are a child (under 18, Children Act 1989 s105);
    without either, their type does. ``data_categories`` names which of the question's categories are
    about this person, where it matters (criminal offence data is usually about the alleged perpetrator,
    health data about the victim); empty means every category may be about them.
    """

    type: str
    role: PersonRole = PersonRole.BOTH
    ref: str | None = None
    age: int | None = None
    date_of_birth: date | None = None
    care_and_support_needs: bool = False
    unable_to_protect_self: bool = False
    has_capacity: bool | None = None
    deceased: bool | None = None
    consent: ConsentStatus = ConsentStatus.NOT_SOUGHT
    consent_not_sought_reason: NotSoughtReason | None = None
    must_not_be_told: bool = False
    data_categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = self.problems("person")
        if problems:
            raise QuestionError(problems)

    def problems(self, path: str) -> list[Problem]:
        """What is wrong with the person's fields, each named by its path under ``path``."""
        found: list[Problem] = []
        _check_type(found, f"{path}.type", self.type, str)
        _check_type(found, f"{path}.role", self.role, PersonRole)
        _check_optional(found, f"{path}.ref", self.ref, str)
        _check_optional(found, f"{path}.age", self.age, int)
        _check_optional(found, f"{path}.date_of_birth", self.date_of_birth, date)
        for name in ("care_and_support_needs", "unable_to_protect_self", "must_not_be_told"):
            _check_type(found, f"{path}.{name}", getattr(self, name), bool)
        for name in ("has_capacity", "deceased"):
            _check_optional(found, f"{path}.{name}", getattr(self, name), bool)
        _check_type(found, f"{path}.consent", self.consent, ConsentStatus)
        _check_optional(found, f"{path}.consent_not_sought_reason", self.consent_not_sought_reason, NotSoughtReason)
        _check_strings(found, f"{path}.data_categories", self.data_categories)
        if found:
            return found
        if self.age is not None and not 0 <= self.age <= OLDEST_AGE:
            found.append(Problem(f"{path}.age", f"must be between 0 and {OLDEST_AGE}"))
        if self.consent_not_sought_reason is not None and self.consent is not ConsentStatus.NOT_SOUGHT:
            found.append(Problem(f"{path}.consent_not_sought_reason", "only given when consent was not sought"))
        if self.role is PersonRole.PROTECTED and self.data_categories:
            found.append(
                Problem(f"{path}.data_categories", "a person the share only protects has no data in it; say role both")
            )
        return found

    @property
    def is_data_subject(self) -> bool:
        """True when the data shared is (at least partly) about this person."""
        return self.role is not PersonRole.PROTECTED

    @property
    def is_protected(self) -> bool:
        """True when the share is meant to protect this person."""
        return self.role is not PersonRole.DATA_SUBJECT

    @property
    def label(self) -> str:
        """How answers name this person: the practitioner's own reference, else their type."""
        return self.ref or self.type

    def age_on(self, day: date) -> int | None:
        """Their age in whole years on ``day``, from the date of birth or the age given."""
        if self.date_of_birth is not None:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return self.age

    def is_about(self, category: str) -> bool:
        """True when ``category`` may be about this person (every category, unless the question says which)."""
        return self.is_data_subject and (not self.data_categories or category in self.data_categories)


_ENUM_FIELDS: dict[str, type[Enum]] = {"urgency": Urgency}


@dataclass(frozen=True)
class ShareQuestion:
    """May ``discloser`` share these categories about these people with this recipient, for this purpose?

    The recipient is a registered organisation (``recipient``) or, outside the registry, a type of
    organisation or person (``recipient_type``, e.g. ``member-of-the-public``). ``bulk`` marks a list
    or recurring extract rather than a case-by-case share. ``received_from`` names the organisation the
    information came from when the discloser is passing on what another agency shared (and
    ``received_under`` the agreement, where known; ``originator_agreed`` that the originator agreed to
    it being passed on). ``statutory_request`` names the statutory gateway under which the recipient
    has asked for the information (a Children Act 1989 s47 enquiry, a Care Act 2014 s45 request…).
    ``mappa_level`` is the MAPPA management level (1–3) of the offender, where MAPPA is involved.
    """

    discloser: str
    people: tuple[Person, ...]
    data_categories: tuple[str, ...]
    purpose: str
    as_of: date
    recipient: str | None = None
    recipient_type: str | None = None
    risks: frozenset[RiskFact] = frozenset()
    urgency: Urgency = Urgency.ROUTINE
    bulk: bool = False
    received_from: str | None = None
    received_under: str | None = None
    originator_agreed: bool = False
    statutory_request: str | None = None
    mappa_level: int | None = None

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise QuestionError(problems)

    def problems(self) -> list[Problem]:
        """What is wrong with the question's own fields (before the registry is consulted)."""
        found: list[Problem] = []
        for name in ("discloser", "purpose"):
            _check_type(found, name, getattr(self, name), str)
        for name in ("recipient", "recipient_type", "received_from", "received_under", "statutory_request"):
            _check_optional(found, name, getattr(self, name), str)
        _check_type(found, "as_of", self.as_of, date)
        _check_type(found, "bulk", self.bulk, bool)
        _check_type(found, "originator_agreed", self.originator_agreed, bool)
        _check_optional(found, "mappa_level", self.mappa_level, int)
        for name, enum in _ENUM_FIELDS.items():
            _check_type(found, name, getattr(self, name), enum)
        _check_strings(found, "data_categories", self.data_categories)
        if not isinstance(self.risks, frozenset):
            found.append(Problem("risks", f"must be a frozenset of risk facts, not {type(self.risks).__name__}"))
        else:
            for risk in sorted(self.risks, key=str):
                _check_type(found, "risks", risk, RiskFact)
        if not isinstance(self.people, tuple):
            found.append(Problem("people", f"must be a tuple of people, not {type(self.people).__name__}"))
            return found
        for index, person in enumerate(self.people):
            _check_type(found, f"people[{index}]", person, Person)
        if found:
            return found
        if not self.people:
            found.append(Problem("people", "describe at least one person involved"))
        elif not any(p.is_data_subject for p in self.people):
            found.append(Problem("people", "at least one person must be a data subject (role data_subject or both)"))
        if not self.data_categories:
            found.append(Problem("data_categories", "name at least one data category"))
        if (self.recipient is None) == (self.recipient_type is None):
            found.append(Problem("recipient", "give either a registered recipient or a recipient_type, not both"))
        if self.received_under is not None and self.received_from is None:
            found.append(Problem("received_under", "only given with received_from"))
        if self.mappa_level is not None and self.mappa_level not in (1, 2, 3):
            found.append(Problem("mappa_level", "MAPPA levels are 1, 2 and 3"))
        for index, person in enumerate(self.people):
            for c_index, category in enumerate(person.data_categories):
                if category not in self.data_categories:
                    found.append(
                        Problem(
                            f"people[{index}].data_categories[{c_index}]",
                            f"{category!r} is not one of the question's data categories",
                        )
                    )
        return found

    @property
    def data_subjects(self) -> tuple[Person, ...]:
        """The people the data is about."""
        return tuple(p for p in self.people if p.is_data_subject)

    @property
    def protected(self) -> tuple[Person, ...]:
        """The people the share is meant to protect."""
        return tuple(p for p in self.people if p.is_protected)

    def subject_types(self) -> frozenset[str]:
        """The data-subject types the share is about: a flow must name every one of them."""
        return frozenset(p.type for p in self.people if p.is_data_subject)

    def about(self, category: str) -> tuple[Person, ...]:
        """The data subjects a category may be about."""
        return tuple(p for p in self.people if p.is_about(category))
