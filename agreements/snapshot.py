"""The registry as domain objects, indexed for the checker: organisations and every agreement revision.

The checker never reads a database; the caller builds a snapshot from YAML files, an
API body or stored rows, so the same question gets the same answer from each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from agreements.index import CompiledAgreement
from agreements.model import AgreementRevision, Organisation
from agreements.vocabulary import Vocabulary

# Questions cluster on a few dates (mostly today); past this many remembered answers, start again.
_COMPILED_ON_CACHE_LIMIT = 200_000


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
        by_kind: dict[str, list[str]] = defaultdict(list)
        for agreement_id, history in self.histories.items():
            by_kind[history[-1].agreement.kind.value].append(agreement_id)
        self._by_kind: Mapping[str, tuple[str, ...]] = {kind: tuple(sorted(ids)) for kind, ids in by_kind.items()}
        # Sorted so the answer never depends on the order agreements were given in.
        self._by_party: Mapping[str, tuple[str, ...]] = {org: tuple(sorted(ids)) for org, ids in by_party.items()}
        self._party_sets: Mapping[str, frozenset[str]] = {org: frozenset(ids) for org, ids in by_party.items()}
        # Derived from the immutable revisions above, so safe to fill lazily and keep for the snapshot's life.
        self._compiled: dict[tuple[str, int], CompiledAgreement] = {}
        self._compiled_on: dict[tuple[str, date], tuple[CompiledAgreement, bool]] = {}
        self._do_not_inform: dict[tuple[str, date], frozenset[str]] = {}

    def agreements_with_party(self, organisation_id: str) -> tuple[str, ...]:
        """Ids of agreements that name this organisation as a party in any revision."""
        return self._by_party.get(organisation_id, ())

    def agreement_ids_of_kind(self, kind: str) -> tuple[str, ...]:
        """Ids of agreements whose latest revision is of this kind (``mash``, ``marac``, ``mappa``...), sorted."""
        return self._by_kind.get(kind, ())

    def agreement_ids_with_party(self, organisation_id: str) -> frozenset[str]:
        """The same agreements as ``agreements_with_party``, as a set for membership tests."""
        return self._party_sets.get(organisation_id, frozenset())

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
        recorded_by_then = [r for r in effective if r.recorded_at.date() <= as_of]
        return recorded_by_then[-1] if recorded_by_then else (effective[0] if effective else None)

    def compiled_on(self, agreement_id: str, as_of: date) -> tuple[CompiledAgreement, bool]:
        """The compiled revision in force on ``as_of`` (True), or else the latest one (False)."""
        key = (agreement_id, as_of)
        found = self._compiled_on.get(key)
        if found is None:
            in_force = self.revision_in_force(agreement_id, as_of)
            revision = in_force or self.latest_revision(agreement_id)
            if revision is None:
                raise KeyError(agreement_id)
            if len(self._compiled_on) >= _COMPILED_ON_CACHE_LIMIT:
                self._compiled_on.clear()
            found = self._compiled_on[key] = (self.compiled(revision), in_force is not None)
        return found

    def do_not_inform(self, organisation_id: str, as_of: date) -> frozenset[str]:
        """Data-subject types that an agreement in force for this organisation on ``as_of`` says must not be told."""
        key = (organisation_id, as_of)
        found = self._do_not_inform.get(key)
        if found is None:
            types: set[str] = set()
            for agreement_id in self.agreements_with_party(organisation_id):
                compiled, in_force = self.compiled_on(agreement_id, as_of)
                if in_force:
                    types.update(compiled.revision.agreement.consent_model.not_told_types())
            if len(self._do_not_inform) >= _COMPILED_ON_CACHE_LIMIT:
                self._do_not_inform.clear()
            found = self._do_not_inform[key] = frozenset(types)
        return found

    def compile_all(self) -> None:
        """Compile every revision now rather than on first use (a server's start-up, a benchmark's build)."""
        for history in self.histories.values():
            for revision in history:
                self.compiled(revision)

    def compiled(self, revision: AgreementRevision) -> CompiledAgreement:
        """The revision's parties and flows indexed for matching, built on first use."""
        key = (revision.agreement.id, revision.revision)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = CompiledAgreement(revision, self.vocabulary)
        return compiled

    def latest_revision(self, agreement_id: str) -> AgreementRevision | None:
        """The most recent revision of an agreement."""
        history = self.histories.get(agreement_id, ())
        return history[-1] if history else None
