"""The registry as domain objects, indexed for the checker: organisations and every agreement revision.

The checker never reads a database; the caller builds a snapshot from YAML files, an
API body or stored rows, so the same question gets the same answer from each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from agreements.model import AgreementRevision, Organisation
from agreements.vocabulary import Vocabulary


class RegistrySnapshot:
    """Organisations and agreement histories at one moment, with the indexes a check needs."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        organisations: Iterable[Organisation],
        revisions: Iterable[AgreementRevision],
    ) -> None:
        self.vocabulary = vocabulary
        self.organisations: Mapping[str, Organisation] = {o.id: o for o in organisations}
        histories: dict[str, list[AgreementRevision]] = defaultdict(list)
        for revision in revisions:
            histories[revision.agreement.id].append(revision)
        self.histories: Mapping[str, tuple[AgreementRevision, ...]] = {
            agreement_id: tuple(sorted(found, key=lambda r: r.revision)) for agreement_id, found in histories.items()
        }
        by_party: dict[str, set[str]] = defaultdict(set)
        for agreement_id, history in self.histories.items():
            for revision in history:
                for party in revision.agreement.parties:
                    by_party[party.organisation_id].add(agreement_id)
        # Sorted so the answer never depends on the order agreements were given in.
        self._by_party: Mapping[str, tuple[str, ...]] = {org: tuple(sorted(ids)) for org, ids in by_party.items()}

    def agreements_with_party(self, organisation_id: str) -> tuple[str, ...]:
        """Ids of agreements that name this organisation as a party in any revision."""
        return self._by_party.get(organisation_id, ())

    def revision_in_force(self, agreement_id: str, as_of: date) -> AgreementRevision | None:
        """The revision that governed on ``as_of``.

        A revision counts from its agreement's effective-from date, and from the day it was
        recorded: a status change recorded in October did not govern in June. A revision
        loaded after the fact (a paper agreement entered later) still counts from its
        effective-from date when nothing recorded earlier governs that day.
        """
        history = self.histories.get(agreement_id, ())
        effective = [
            r for r in history if r.agreement.effective_from is not None and r.agreement.effective_from <= as_of
        ]
        if not effective:
            return None
        recorded_by_then = [r for r in effective if r.recorded_at.date() <= as_of]
        if recorded_by_then:
            return recorded_by_then[-1]
        return effective[0]

    def latest_revision(self, agreement_id: str) -> AgreementRevision | None:
        """The most recent revision of an agreement."""
        history = self.histories.get(agreement_id, ())
        return history[-1] if history else None
