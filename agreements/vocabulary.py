"""The controlled vocabulary that agreements and share questions are written in.

The terms themselves are data (``agreements/library/vocabulary.yaml``), read through
``schemas.vocabulary``; this module only says what a term is and answers questions
about the hierarchy, so the checker never needs to know how the data was stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar


class GatewayKind(StrEnum):
    """Whether a statutory gateway obliges sharing or only permits it."""

    DUTY = "duty"
    POWER = "power"
    GUIDANCE = "guidance"
    COMMON_LAW = "common_law"


class ProtectedGroup(StrEnum):
    """Whom a safeguarding purpose protects: the individual DPA 2018 Sch 1 para 18 asks about."""

    CHILDREN = "children"
    ADULTS_AT_RISK = "adults-at-risk"


class Schedule1Part(StrEnum):
    """The parts of DPA 2018 Schedule 1."""

    PART_1 = "1"
    PART_2 = "2"
    PART_3 = "3"


@dataclass(frozen=True)
class DataCategory:
    """A kind of personal data; a parent category permits all its descendants."""

    id: str
    label: str
    description: str
    parent: str | None = None
    special_category: bool = False
    criminal_offence: bool = False
    # The process that owns this kind of record (a DASH or a MARAC action plan belongs to the MARAC, a MAPPA
    # risk management plan to MAPPA): its onward rules travel with it, and a flow must name it to carry it.
    process: str | None = None
    dpv: str | None = None


@dataclass(frozen=True)
class Purpose:
    """Why data is shared, with the statutory gateways it usually relies on and whom it protects."""

    id: str
    label: str
    description: str
    gateways: tuple[str, ...] = ()
    protects: ProtectedGroup | None = None
    # Protective: sharing for it can prevent harm to someone (what an emergency share must be for).
    protective: bool = False
    # A law enforcement purpose (DPA 2018 s31): processing by competent authorities for it falls under Part 3.
    law_enforcement: bool = False
    dpv: str | None = None


@dataclass(frozen=True)
class OrganisationType:
    """A kind of organisation, with the flags its members usually carry."""

    id: str
    label: str
    description: str
    public_authority: bool = True
    competent_authority: bool = False
    health_or_social_care: bool = False
    # Able to act to protect someone at risk (a statutory safeguarding or emergency service, a school for its
    # pupils): the only recipients an emergency or public-interest disclosure may go to.
    can_act_to_protect: bool = False
    dpv: str | None = None


@dataclass(frozen=True)
class DataSubjectType:
    """A kind of person the data is about."""

    id: str
    label: str
    description: str
    child: bool = False
    deceased: bool = False
    adult_at_risk: bool = False
    dpv: str | None = None


@dataclass(frozen=True)
class Art6Basis:
    """A UK GDPR Art 6(1) lawful basis."""

    id: str
    label: str
    description: str
    citation: str
    public_authority_may_rely_for_tasks: bool = True
    in_force_from: date | None = None
    dpv: str | None = None


@dataclass(frozen=True)
class Art9Condition:
    """A UK GDPR Art 9(2) condition, and the Schedule 1 part DPA 2018 s10 adds to it."""

    id: str
    label: str
    description: str
    citation: str
    requires_schedule1_part: Schedule1Part | None = None
    dpv: str | None = None


@dataclass(frozen=True)
class Schedule1Condition:
    """A DPA 2018 Schedule 1 condition, with whether it needs an appropriate policy document."""

    id: str
    label: str
    description: str
    citation: str
    part: Schedule1Part
    paragraph: str
    apd_required: bool
    apd_exception: str | None = None
    dpv: str | None = None


@dataclass(frozen=True)
class Art10Route:
    """A way of meeting UK GDPR Art 10 for criminal offence data."""

    id: str
    label: str
    description: str
    citation: str
    requires_schedule1_condition: bool = False
    dpv: str | None = None


@dataclass(frozen=True)
class StatutoryGateway:
    """A statute or common-law power that gives a duty or power to share."""

    id: str
    label: str
    description: str
    citation: str
    kind: GatewayKind
    dpv: str | None = None


@dataclass(frozen=True)
class Annex1Condition:
    """A UK GDPR Annex 1 condition: what makes an interest a recognised legitimate interest (Art 6(1)(ea), 6(5))."""

    id: str
    label: str
    description: str
    citation: str
    paragraph: str
    dpv: str | None = None


@dataclass(frozen=True)
class Schedule8Condition:
    """A DPA 2018 Schedule 8 condition for sensitive processing by a competent authority (Part 3, s35(5))."""

    id: str
    label: str
    description: str
    citation: str
    paragraph: str
    # s35(4)(b) and (5)(c): sensitive processing for a law enforcement purpose always needs the s42 document too.
    apd_required: bool = True
    dpv: str | None = None


@dataclass(frozen=True)
class Schedule2Exemption:
    """A DPA 2018 Schedule 2 exemption from the listed UK GDPR provisions, applied case by case."""

    id: str
    label: str
    description: str
    citation: str
    part: str
    paragraph: str
    # The exemption applies only "to the extent that" compliance would prejudice the purpose or prevent the
    # disclosure: a ground recorded for each case, never a blanket rule for a whole agreement.
    case_by_case: bool = True
    dpv: str | None = None


@dataclass(frozen=True)
class PolicyDocument:
    """A policy document the law requires before some processing (an appropriate policy document)."""

    id: str
    label: str
    description: str
    citation: str
    # How long the document must be kept after the processing it covers has ended.
    retain_months_after_processing: int | None = None
    dpv: str | None = None


VocabularyTerm = (
    DataCategory
    | Purpose
    | OrganisationType
    | DataSubjectType
    | Art6Basis
    | Art9Condition
    | Schedule1Condition
    | Art10Route
    | StatutoryGateway
    | Annex1Condition
    | Schedule8Condition
    | Schedule2Exemption
    | PolicyDocument
)


_T = TypeVar("_T", bound=VocabularyTerm)


def _index(terms: Iterable[_T]) -> dict[str, _T]:
    return {term.id: term for term in terms}


@dataclass(frozen=True)
class Vocabulary:
    """All controlled terms of one vocabulary version, indexed by id."""

    version: str
    data_categories: Mapping[str, DataCategory]
    purposes: Mapping[str, Purpose]
    organisation_types: Mapping[str, OrganisationType]
    data_subject_types: Mapping[str, DataSubjectType]
    art6_bases: Mapping[str, Art6Basis]
    art9_conditions: Mapping[str, Art9Condition]
    schedule1_conditions: Mapping[str, Schedule1Condition]
    art10_routes: Mapping[str, Art10Route]
    statutory_gateways: Mapping[str, StatutoryGateway]
    # Later term sets default to empty so a vocabulary built without them (an older file, a test) still loads.
    annex1_conditions: Mapping[str, Annex1Condition] = field(default_factory=dict)
    schedule8_conditions: Mapping[str, Schedule8Condition] = field(default_factory=dict)
    schedule2_exemptions: Mapping[str, Schedule2Exemption] = field(default_factory=dict)
    policy_documents: Mapping[str, PolicyDocument] = field(default_factory=dict)
    _ancestors: Mapping[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _descendants: Mapping[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _special: frozenset[str] = field(init=False, repr=False, compare=False)
    _criminal: frozenset[str] = field(init=False, repr=False, compare=False)
    _process: Mapping[str, str] = field(init=False, repr=False, compare=False)
    _covered_by: Mapping[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ancestors: dict[str, frozenset[str]] = {}
        for category_id in self.data_categories:
            chain: list[str] = []
            current: str | None = category_id
            while current is not None:
                if current in chain:
                    raise ValueError(f"data category hierarchy has a cycle through {current!r}")
                chain.append(current)
                parent = self.data_categories[current].parent if current in self.data_categories else None
                current = parent
            ancestors[category_id] = frozenset(chain)
        descendants: dict[str, set[str]] = {category_id: set() for category_id in self.data_categories}
        for category_id, above in ancestors.items():
            for ancestor in above:
                descendants.setdefault(ancestor, set()).add(category_id)
        categories = self.data_categories
        # Flags are inherited: anything below a special category is special category data too.
        special = {
            c
            for c, above in ancestors.items()
            if any(a in categories and categories[a].special_category for a in above)
        }
        criminal = {
            c
            for c, above in ancestors.items()
            if any(a in categories and categories[a].criminal_offence for a in above)
        }
        # The nearest owning process up the hierarchy: a record type below a process-owned one is owned too.
        process: dict[str, str] = {}
        for category_id in categories:
            step: str | None = category_id
            while step is not None and step in categories:
                owner = categories[step].process
                if owner:
                    process[category_id] = owner
                    break
                step = categories[step].parent
        object.__setattr__(self, "_ancestors", ancestors)
        object.__setattr__(self, "_descendants", {c: frozenset(below) for c, below in descendants.items()})
        object.__setattr__(self, "_special", frozenset(special))
        object.__setattr__(self, "_criminal", frozenset(criminal))
        object.__setattr__(self, "_process", process)
        covered_by = {
            c: frozenset(d for d in below | {c} if self.restrictions_of(d) <= self.restrictions_of(c))
            for c, below in descendants.items()
        }
        object.__setattr__(self, "_covered_by", covered_by)

    @classmethod
    def build(
        cls,
        *,
        version: str,
        data_categories: Iterable[DataCategory] = (),
        purposes: Iterable[Purpose] = (),
        organisation_types: Iterable[OrganisationType] = (),
        data_subject_types: Iterable[DataSubjectType] = (),
        art6_bases: Iterable[Art6Basis] = (),
        art9_conditions: Iterable[Art9Condition] = (),
        schedule1_conditions: Iterable[Schedule1Condition] = (),
        art10_routes: Iterable[Art10Route] = (),
        statutory_gateways: Iterable[StatutoryGateway] = (),
        annex1_conditions: Iterable[Annex1Condition] = (),
        schedule8_conditions: Iterable[Schedule8Condition] = (),
        schedule2_exemptions: Iterable[Schedule2Exemption] = (),
        policy_documents: Iterable[PolicyDocument] = (),
    ) -> Vocabulary:
        """Index lists of terms into a vocabulary."""
        return cls(
            version=version,
            data_categories=_index(data_categories),
            purposes=_index(purposes),
            organisation_types=_index(organisation_types),
            data_subject_types=_index(data_subject_types),
            art6_bases=_index(art6_bases),
            art9_conditions=_index(art9_conditions),
            schedule1_conditions=_index(schedule1_conditions),
            art10_routes=_index(art10_routes),
            statutory_gateways=_index(statutory_gateways),
            annex1_conditions=_index(annex1_conditions),
            schedule8_conditions=_index(schedule8_conditions),
            schedule2_exemptions=_index(schedule2_exemptions),
            policy_documents=_index(policy_documents),
        )

    def ancestors_of(self, category_id: str) -> frozenset[str]:
        """The category itself and every category above it."""
        return self._ancestors.get(category_id, frozenset({category_id}))

    def restrictions_of(self, category_id: str) -> frozenset[str]:
        """What makes a category restricted: special category, criminal offence data, the process owning it."""
        found = set()
        if category_id in self._special:
            found.add("special category")
        if category_id in self._criminal:
            found.add("criminal offence")
        if category_id in self._process:
            found.add(f"process:{self._process[category_id]}")
        return frozenset(found)

    def covered_by(self, permitted_category: str) -> frozenset[str]:
        """Every category a flow permitting ``permitted_category`` may carry.

        The category itself and the categories below it, except those more restricted than it:
        special category data, criminal offence data and records owned by a process (a DASH, a MARAC
        action plan, a MAPPA plan) must be named by the flow itself, never inherited from a general
        parent such as "risk assessment".
        """
        return self._covered_by.get(permitted_category, frozenset({permitted_category}))

    def permits(self, permitted_category: str, requested_category: str) -> bool:
        """True when a flow permitting ``permitted_category`` permits ``requested_category``."""
        return requested_category in self.covered_by(permitted_category)

    def permitting(self, requested_category: str) -> frozenset[str]:
        """Every category a flow may name to carry ``requested_category`` (itself, and parents that pass it on)."""
        return frozenset(a for a in self.ancestors_of(requested_category) if self.permits(a, requested_category))

    def process_of(self, category_id: str) -> str | None:
        """The process that owns this kind of record (e.g. ``marac``, ``mappa``), or ``None``."""
        return self._process.get(category_id)

    def descendants_of(self, category_id: str) -> frozenset[str]:
        """The category itself and every category below it."""
        return self._descendants.get(category_id, frozenset({category_id}))

    def is_special_category(self, category_id: str) -> bool:
        """True for UK GDPR Art 9 data, including anything below a special category."""
        return category_id in self._special

    def is_criminal_offence(self, category_id: str) -> bool:
        """True for Art 10 / DPA 2018 s11(2) data, including anything below such a category."""
        return category_id in self._criminal

    def term_sets(self) -> dict[str, Mapping[str, VocabularyTerm]]:
        """Every term set by its name in the vocabulary file."""
        return {
            "data_categories": self.data_categories,
            "purposes": self.purposes,
            "organisation_types": self.organisation_types,
            "data_subject_types": self.data_subject_types,
            "art6_bases": self.art6_bases,
            "art9_conditions": self.art9_conditions,
            "schedule1_conditions": self.schedule1_conditions,
            "art10_routes": self.art10_routes,
            "statutory_gateways": self.statutory_gateways,
            "annex1_conditions": self.annex1_conditions,
            "schedule8_conditions": self.schedule8_conditions,
            "schedule2_exemptions": self.schedule2_exemptions,
            "policy_documents": self.policy_documents,
        }
