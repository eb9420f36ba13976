"""Precomputed views of an agreement revision that make matching a question a few integer operations.

Each flow gets a bit; for every sender, recipient, purpose, data subject and data category
the index holds the mask of flows that allow it (categories through the hierarchy, so a
flow permitting ``health`` sets the bit for ``mental-health`` too). The flows matching a
question are then the AND of five masks, and the nearest flow when none matches is found
without building a message for any other flow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from agreements.model import (
    AgreementRevision,
    Art6Entry,
    Art9Entry,
    Art10Entry,
    Endpoint,
    Flow,
    Party,
)
from agreements.vocabulary import Vocabulary


def _masks(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    masks: dict[str, int] = defaultdict(int)
    for key, bit in pairs:
        masks[key] |= bit
    return dict(masks)


class _EndIndex:
    """Which flows an organisation can be at one end of: by id, by type, or as any party."""

    __slots__ = ("by_organisation", "by_type", "any_party")

    def __init__(self, ends: Iterable[tuple[tuple[Endpoint, ...], int]]) -> None:
        by_organisation: list[tuple[str, int]] = []
        by_type: list[tuple[str, int]] = []
        any_party = 0
        for endpoints, bit in ends:
            for endpoint in endpoints:
                if endpoint.any_party:
                    any_party |= bit
                elif endpoint.organisation is not None:
                    by_organisation.append((endpoint.organisation, bit))
                elif endpoint.organisation_type is not None:
                    by_type.append((endpoint.organisation_type, bit))
        self.by_organisation = _masks(by_organisation)
        self.by_type = _masks(by_type)
        self.any_party = any_party

    def mask(self, organisation_id: str | None, organisation_type: str | None, is_party: bool) -> int:
        """The flows this organisation (or, outside the registry, this type) can be at this end of."""
        found = self.any_party if is_party else 0
        if organisation_id is not None:
            found |= self.by_organisation.get(organisation_id, 0)
        if organisation_type is not None:
            found |= self.by_type.get(organisation_type, 0)
        return found


class CompiledAgreement:
    """One revision with its parties by id and its flows as bit masks, built once per snapshot."""

    __slots__ = (
        "revision",
        "parties",
        "purposes",
        "prohibited_purposes",
        "reserved_purposes",
        "flows",
        "all_flows",
        "senders",
        "recipients",
        "by_purpose",
        "by_subject",
        "by_category",
        "signed_on",
        "_active_until",
        "_bases",
    )

    def __init__(self, revision: AgreementRevision, vocabulary: Vocabulary) -> None:
        agreement = revision.agreement
        self.revision = revision
        self.parties: Mapping[str, Party] = {p.organisation_id: p for p in agreement.parties}
        self.signed_on: Mapping[str, date | None] = {
            p.organisation_id: p.signatory.signed_on if p.signatory is not None else None for p in agreement.parties
        }
        self.purposes = agreement.purpose_ids()
        self.prohibited_purposes = frozenset(agreement.restrictions.prohibited_purposes)
        self.reserved_purposes = frozenset(r.purpose for r in agreement.restrictions.reserved_decisions)
        # Sorted by id so that "the first matching flow" never depends on the order flows were written in.
        self.flows: tuple[Flow, ...] = tuple(sorted(agreement.flows, key=lambda f: f.id))
        bits = [(flow, 1 << index) for index, flow in enumerate(self.flows)]
        self.all_flows = (1 << len(self.flows)) - 1
        self.senders = _EndIndex((flow.source, bit) for flow, bit in bits)
        self.recipients = _EndIndex((flow.recipient, bit) for flow, bit in bits)
        self.by_purpose = _masks((p, bit) for flow, bit in bits for p in flow.purposes)
        self.by_subject = _masks((s, bit) for flow, bit in bits for s in flow.data_subjects)
        self.by_category = _masks(
            (covered, bit)
            for flow, bit in bits
            for permitted in flow.data_categories
            for covered in vocabulary.covered_by(permitted)
        )
        self._active_until: dict[int, date | None] = {}
        self._bases: dict[tuple[str, str, str, str], tuple[Art6Entry | Art9Entry | Art10Entry, ...]] = {}

    def active_until(self, grace_months: int) -> date | None:
        """The last day this revision can cover a share (``Agreement.last_day_in_force``), remembered per grace."""
        if grace_months not in self._active_until:
            self._active_until[grace_months] = self.revision.agreement.last_day_in_force(grace_months)
        return self._active_until[grace_months]

    def signed(self, organisation_id: str | None, by: date) -> bool:
        """True when the organisation is a party that had signed by ``by``."""
        signed_on = self.signed_on.get(organisation_id) if organisation_id is not None else None
        return signed_on is not None and signed_on <= by

    def bases(self, flow: Flow, article: str, purpose: str, discloser: str) -> tuple[Any, ...]:
        """``Agreement.bases_for``, remembered per flow, article, purpose and party."""
        key = (flow.id, article, purpose, discloser)
        found = self._bases.get(key)
        if found is None:
            found = self._bases[key] = self.revision.agreement.bases_for(flow, article, purpose, discloser)
        return found

    def art6_for(self, flow: Flow, purpose: str, discloser: str) -> tuple[Art6Entry, ...]:
        """The Art 6 entries that apply to this flow, purpose and discloser, by basis."""
        return self.bases(flow, "art6", purpose, discloser)

    def art9_for(self, flow: Flow, purpose: str, discloser: str) -> tuple[Art9Entry, ...]:
        """The Art 9 entries that apply to this flow, purpose and discloser, by condition and Schedule 1 id."""
        return self.bases(flow, "art9", purpose, discloser)

    def art10_for(self, flow: Flow, purpose: str, discloser: str) -> tuple[Art10Entry, ...]:
        """The Art 10 entries that apply to this flow, purpose and discloser, by route and Schedule 1 id."""
        return self.bases(flow, "art10", purpose, discloser)

    def subjects_mask(self, subject_types: Iterable[str]) -> int:
        """The flows that name every one of these data-subject types."""
        found = self.all_flows
        for subject_type in subject_types:
            found &= self.by_subject.get(subject_type, 0)
        return found

    def categories_mask(self, categories: Iterable[str]) -> int:
        """The flows that permit every one of ``categories``."""
        found = self.all_flows
        for category in categories:
            found &= self.by_category.get(category, 0)
        return found
