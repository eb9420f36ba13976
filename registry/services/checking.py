"""Checking a proposed share and linting agreements against what is stored.

The checker itself is pure (``agreements.checker``); this service only builds the
registry snapshot it needs from the database, so the CLI, the API and the pages all get
the same answer as a YAML file would.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from agreements.answer import ShareAnswer
from agreements.checker import check_share
from agreements.lint import Finding, lint_agreement
from agreements.model import Agreement, AgreementRevision, Organisation
from agreements.question import ShareQuestion
from agreements.snapshot import RegistrySnapshot
from registry.mapping import row_to_organisation, row_to_revision
from registry.models import AgreementPartyRow, AgreementRevisionRow, AgreementRow, OrganisationRow
from registry.services.common import current_vocabulary, registry_version
from registry.services.errors import RegistryNotFoundError


def registry_snapshot(
    *, session: Session, party_to: Iterable[str] | None = None, agreements: Iterable[str] = ()
) -> RegistrySnapshot:
    """Every organisation, and every revision of the agreements any of ``party_to`` is party to (all if None)
    together with the named ``agreements``."""
    organisations = [row_to_organisation(row) for row in session.exec(select(OrganisationRow)).all()]
    query = select(AgreementRevisionRow)
    if party_to is not None:
        # Only agreements naming one of these organisations can bear on the question: the checker's own index
        # starts from the discloser, and onward-disclosure limits from the organisation the data came from.
        agreement_ids = select(AgreementPartyRow.agreement_id).where(
            col(AgreementPartyRow.organisation_id).in_(sorted(set(party_to)))
        )
        query = query.where(
            col(AgreementRevisionRow.agreement_id).in_(agreement_ids)
            | col(AgreementRevisionRow.agreement_id).in_(sorted(set(agreements)))
        )
    revisions = [row_to_revision(row) for row in session.exec(query).all()]
    return RegistrySnapshot(current_vocabulary(), organisations, revisions)


# (agreement id, revision number, content hash, time recorded): what identifies a stored revision's content.
_RevisionKey = tuple[str, int, str, str]
_MOST_IDS_IN_A_QUERY = 500


class SnapshotCache:
    """One process's compiled snapshot of the whole registry, keyed by the registry version in the database.

    Every write bumps the version in its own transaction, so ``get`` costs one primary-key read while
    nothing has changed, and rebuilds after any change made through any instance. Nothing in it is
    needed by another instance: it is only a faster way to read what the database holds.

    A stored revision never changes (a change is a new revision), so a rebuild reads again only the
    list of revisions and the organisations' records, and turns into domain objects only the revisions
    and organisation records it has not seen: reading documents through their schemas was nearly all of a
    build, and one amendment to a registry of a thousand agreements made every worker's next check wait
    ~8 s for all of them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, int] | None = None
        self._snapshot: RegistrySnapshot | None = None
        # Every stored revision read so far, for the database of ``_epoch`` (a new epoch is a new database).
        self._revisions: dict[_RevisionKey, AgreementRevision] = {}
        self._epoch: str | None = None
        # Every organisation record read so far, by its JSON text.
        self._organisations: dict[str, Organisation] = {}
        self.builds = 0
        self.revisions_read = 0
        self.organisations_read = 0

    def get(self, session: Session, version: tuple[str, int] | None = None) -> RegistrySnapshot:
        """The snapshot for the registry as it now stands, or as it stood at ``version`` if that was read already."""
        # The version is read before the rows: a snapshot is never labelled newer than what it holds.
        key = version if version is not None else registry_version(session)
        snapshot = self._snapshot
        if snapshot is not None and key == self._key:
            return snapshot
        with self._lock:
            if self._snapshot is not None and key == self._key:
                return self._snapshot
            snapshot = self._build(session, epoch=key[0])
            snapshot.compile_all()
            self._snapshot, self._key = snapshot, key
            self.builds += 1
            return snapshot

    def _build(self, session: Session, *, epoch: str) -> RegistrySnapshot:
        """The whole registry, reading in full only the revisions not read before."""
        if epoch != self._epoch or not epoch:
            # Another database (or one without its version row, whose epoch says nothing): start afresh.
            self._revisions, self._epoch, self._organisations = {}, epoch, {}
        # A revision is known by its content hash and time as well as its number: a database restored from a
        # backup and written to again can hold another revision under a number already read.
        stored: list[_RevisionKey] = [
            (agreement_id, number, content_hash, recorded_at.isoformat())
            for agreement_id, number, content_hash, recorded_at in session.exec(
                select(
                    AgreementRevisionRow.agreement_id,
                    AgreementRevisionRow.revision,
                    AgreementRevisionRow.content_hash,
                    AgreementRevisionRow.recorded_at,
                )
            ).all()
        ]
        unread = sorted({key[0] for key in stored if key not in self._revisions})
        if unread:
            query = select(AgreementRevisionRow)
            # After a write, a handful; at start-up, everything (read without a list of ids as long as the registry).
            if len(unread) <= _MOST_IDS_IN_A_QUERY:
                query = query.where(col(AgreementRevisionRow.agreement_id).in_(unread))
            for row in session.exec(query).all():
                key = (row.agreement_id, row.revision, row.content_hash, row.recorded_at.isoformat())
                if key not in self._revisions:
                    self._revisions[key] = row_to_revision(row)
                    self.revisions_read += 1
        # Only what is stored now: whatever is no longer in the database is no longer in the snapshot.
        known = set(stored)
        self._revisions = {key: revision for key, revision in self._revisions.items() if key in known}
        revisions = [self._revisions[key] for key in stored if key in self._revisions]
        return RegistrySnapshot(current_vocabulary(), self._organisations_now(session), revisions)

    def _organisations_now(self, session: Session) -> list[Organisation]:
        """Every organisation as stored now, reading again only a record that is new or changed."""
        organisations: list[Organisation] = []
        known: dict[str, Organisation] = {}
        for row in session.exec(select(OrganisationRow)).all():
            # An organisation's row is changed in place, so it is known by its whole record.
            record = json.dumps(row.record, sort_keys=True)
            organisation = self._organisations.get(record)
            if organisation is None:
                organisation = row_to_organisation(row)
                self.organisations_read += 1
            known[record] = organisation
            organisations.append(organisation)
        self._organisations = known
        return organisations

    def clear(self) -> None:
        """Forget the snapshot (the next ``get`` rebuilds it)."""
        with self._lock:
            self._snapshot, self._key = None, None
            self._revisions, self._epoch, self._organisations = {}, None, {}


def check_proposed_share(
    *,
    session: Session,
    question: ShareQuestion,
    grace_months: int | None = None,
    snapshots: SnapshotCache | None = None,
    known_version: tuple[str, int] | None = None,
) -> ShareAnswer:
    """The checker's answer to a share question, against the stored registry.

    With ``snapshots`` (the web app's per-process cache) the compiled whole registry is reused while the
    registry version is unchanged (``known_version``, when this request has read it already, saves reading
    it again); without it (the CLI) only the agreements that can bear on it are read.
    """
    if snapshots is not None:
        return check_share(question, snapshots.get(session, known_version), grace_months=grace_months)
    involved = [question.discloser] + ([question.received_from] if question.received_from else [])
    # The agreement the information came under is known to the registry even if neither organisation names it.
    named = [question.received_under] if question.received_under else []
    snapshot = registry_snapshot(session=session, party_to=involved, agreements=named)
    return check_share(question, snapshot, grace_months=grace_months)


@dataclass(frozen=True)
class AgreementLint:
    """The lint findings for one agreement's current revision."""

    agreement_id: str
    version: str
    revision: int
    findings: tuple[Finding, ...]


def lint_stored_agreements(
    *, session: Session, as_of: date, agreement_ids: Sequence[str] = (), grace_months: int | None = None
) -> list[AgreementLint]:
    """Lint the current revision of the named agreements (every agreement when none is named)."""
    query = select(AgreementRevisionRow).join(
        AgreementRow,
        (col(AgreementRow.id) == col(AgreementRevisionRow.agreement_id))
        & (col(AgreementRow.current_revision) == col(AgreementRevisionRow.revision)),
    )
    if agreement_ids:
        query = query.where(col(AgreementRevisionRow.agreement_id).in_(agreement_ids))
    rows = {row.agreement_id: row for row in session.exec(query.order_by(col(AgreementRevisionRow.agreement_id)))}
    missing = [agreement_id for agreement_id in agreement_ids if agreement_id not in rows]
    if missing:
        raise RegistryNotFoundError(f"no agreement {', '.join(repr(m) for m in missing)}")
    vocabulary = current_vocabulary()
    organisations = {row.id: row_to_organisation(row) for row in session.exec(select(OrganisationRow)).all()}
    results = []
    for row in rows.values():
        revision = row_to_revision(row)
        findings = lint_agreement(revision.agreement, vocabulary, organisations, as_of, grace_months=grace_months)
        results.append(AgreementLint(row.agreement_id, revision.agreement.version, row.revision, tuple(findings)))
    return results


def lint_draft(
    *, session: Session, agreement: Agreement, as_of: date, grace_months: int | None = None
) -> list[Finding]:
    """Lint an agreement that is not stored (a draft, a file in a pull request) against the stored organisations."""
    organisations = {row.id: row_to_organisation(row) for row in session.exec(select(OrganisationRow)).all()}
    return lint_agreement(agreement, current_vocabulary(), organisations, as_of, grace_months=grace_months)
