"""Loading registry files: every problem in every file is found before anything is written.

Either the whole load is stored in one transaction or nothing is. Each problem names the
file, the path inside it and, for YAML, the line.

The checks read the database before anything is written, so another writer may move an agreement
in between (two loads racing, or an edit through the API). The first writes of the load are
therefore a compare-and-set on each agreement it touches (``UPDATE … WHERE current_revision = <the
one checked>``), in id order: on SQLite that takes the database's write lock, on PostgreSQL each
row's lock, and an agreement that moved since it was checked makes the whole load a clean
``RegistryConflictError`` with nothing stored — never a lifecycle change decided on stale data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, col, select

from agreements.model import AgreementStatus, can_change_status
from agreements.validation import validate_organisation
from agreements.vocabulary import Vocabulary
from registry.mapping import agreement_content, content_hash
from registry.models import AgreementRevisionRow, AgreementRow
from registry.services.agreements import agreement_problems, claim_revision, store_agreement, write_revision
from registry.services.common import current_vocabulary, stored_agreement_ids, stored_organisation_ids, utcnow
from registry.services.errors import RegistryConflictError, is_lost_race
from registry.services.organisations import store_organisation
from schemas.files import FileProblem, RegistryDocument, RegistryFileError


@dataclass
class Counts:
    """How many records of one kind a load created, updated or left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportSummary:
    """What a load did: organisations, agreements (new revisions) and restored history revisions."""

    organisations: Counts = field(default_factory=Counts)
    agreements: Counts = field(default_factory=Counts)
    revisions: Counts = field(default_factory=Counts)

    def lines(self) -> list[str]:
        """A line per kind, for people."""
        return [
            f"organisations: {self.organisations}",
            f"agreements: {self.agreements}",
            f"agreement history revisions: {self.revisions.created} restored, "
            f"{self.revisions.unchanged} already stored",
        ]


@dataclass(frozen=True)
class _Place:
    document: RegistryDocument
    path: str

    def __str__(self) -> str:
        problem = self.document.problem(self.path, "")
        where = f"{problem.source}:{problem.line}" if problem.line is not None else problem.source
        return f"{where}: {self.path}"


def import_documents(*, session: Session, documents: Sequence[RegistryDocument], actor: str) -> ImportSummary:
    """Store everything in ``documents`` atomically; raise ``RegistryFileError`` listing every problem instead."""
    checked = _checked_revisions(session, documents)
    problems = _problems(session, documents)
    if problems:
        raise RegistryFileError(problems)
    summary = ImportSummary()
    at = utcnow()
    try:
        # Before any other write, so the lock order (agreement rows, then the registry version) is the editors'.
        _claim_checked(session, checked)
        # Organisations first: agreements refer to them.
        for document in documents:
            for organisation in document.organisations:
                outcome = store_organisation(session=session, organisation=organisation, actor=actor, at=at)
                setattr(summary.organisations, outcome, getattr(summary.organisations, outcome) + 1)
        session.flush()
        for document in documents:
            for agreement in document.agreements:
                _, outcome = store_agreement(
                    session=session,
                    agreement=agreement,
                    actor=actor,
                    # The file's name only: the server's folders are nobody's business.
                    change_note=f"loaded from {PurePath(document.source).name}",
                    at=at,
                )
                setattr(summary.agreements, outcome, getattr(summary.agreements, outcome) + 1)
            for history in document.history:
                stored = _stored_hashes(session, history.agreement_id)
                for revision in history.revisions:
                    if revision.revision in stored:
                        summary.revisions.unchanged += 1
                        continue
                    row = session.get(AgreementRow, history.agreement_id)
                    write_revision(session=session, revision=revision, row=row, action="restore", at=at)
                    summary.revisions.created += 1
        session.commit()
    except IntegrityError as exc:
        # Another load or edit stored the same agreement, revision or organisation first.
        session.rollback()
        raise _lost_race() from exc
    except DBAPIError as exc:
        session.rollback()
        if is_lost_race(exc):
            raise _lost_race() from exc
        raise
    except BaseException:
        session.rollback()
        raise
    return summary


def _lost_race(agreement_id: str | None = None) -> RegistryConflictError:
    what = agreement_id or "an agreement or organisation in the file"
    return RegistryConflictError(
        f"{what} was changed by someone else while this load was being checked; nothing was stored. "
        "Load the files again to check them against the current registry."
    )


def _checked_revisions(session: Session, documents: Sequence[RegistryDocument]) -> dict[str, int | None]:
    """The current revision of every agreement the documents touch (None: not stored), read before the checks."""
    ids = {a.id for d in documents for a in d.agreements} | {h.agreement_id for d in documents for h in d.history}
    # Every row, not ``IN (…)``: a file may name more agreements than a statement may have parameters.
    stored = dict(session.exec(select(AgreementRow.id, AgreementRow.current_revision)).all())
    return {agreement_id: stored.get(agreement_id) for agreement_id in sorted(ids)}


def _claim_checked(session: Session, checked: dict[str, int | None]) -> None:
    """Compare-and-set each stored agreement on the revision it was checked at, in id order; a moved one is a conflict.

    The locks are held until this load commits. An agreement not stored when checked is claimed by inserting
    it: a concurrent creation fails on its key.
    """
    for agreement_id, revision in checked.items():
        if revision is not None and not claim_revision(session, agreement_id, revision):
            raise _lost_race(agreement_id)


def _stored_hashes(session: Session, agreement_id: str) -> dict[int, str]:
    rows = session.exec(
        select(AgreementRevisionRow.revision, AgreementRevisionRow.content_hash).where(
            AgreementRevisionRow.agreement_id == agreement_id
        )
    ).all()
    return dict(rows)


def _problems(session: Session, documents: Sequence[RegistryDocument]) -> list[FileProblem]:
    """Every problem across all documents, checked against the database and against each other."""
    vocabulary = current_vocabulary()
    problems: list[FileProblem] = []

    organisations: dict[str, _Place] = {}
    for document in documents:
        for index, organisation in enumerate(document.organisations):
            path = f"organisations[{index}]"
            _claim(organisations, organisation.id, _Place(document, f"{path}.id"), "organisation id", problems)
            problems.extend(document.problems(path, validate_organisation(organisation, vocabulary)))

    agreements: dict[str, _Place] = {}
    for document in documents:
        for index, agreement in enumerate(document.agreements):
            place = _Place(document, f"agreements[{index}].id")
            _claim(agreements, agreement.id, place, "agreement id", problems)
        for index, history in enumerate(document.history):
            place = _Place(document, f"agreement_history[{index}].agreement_id")
            _claim(agreements, history.agreement_id, place, "agreement id", problems)

    organisation_ids = stored_organisation_ids(session) | set(organisations)
    agreement_ids = stored_agreement_ids(session) | set(agreements)
    current = _current_revisions(session)

    for document in documents:
        for index, agreement in enumerate(document.agreements):
            stored = current.get(agreement.id)
            unchanged = stored is not None and stored.content_hash == content_hash(agreement_content(agreement))
            found = agreement_problems(
                agreement,
                vocabulary=vocabulary,
                organisation_ids=organisation_ids,
                agreement_ids=agreement_ids,
                current_status=None if stored is None or unchanged else AgreementStatus(stored.status),
            )
            problems.extend(document.problems(f"agreements[{index}]", found))
        for index in range(len(document.history)):
            problems.extend(_history_problems(session, document, index, organisation_ids, agreement_ids, vocabulary))
    return problems


def _claim(seen: dict[str, _Place], key: str, place: _Place, what: str, problems: list[FileProblem]) -> None:
    """Record where an id is defined; a second definition is a problem naming both places."""
    first = seen.get(key)
    if first is None:
        seen[key] = place
        return
    problems.append(place.document.problem(place.path, f"duplicate {what} {key!r}: already defined at {first}"))


def _current_revisions(session: Session) -> dict[str, AgreementRevisionRow]:
    rows = session.exec(
        select(AgreementRevisionRow).join(
            AgreementRow,
            (col(AgreementRow.id) == col(AgreementRevisionRow.agreement_id))
            & (col(AgreementRow.current_revision) == col(AgreementRevisionRow.revision)),
        )
    ).all()
    return {row.agreement_id: row for row in rows}


def _history_problems(
    session: Session,
    document: RegistryDocument,
    index: int,
    organisation_ids: set[str],
    agreement_ids: set[str],
    vocabulary: Vocabulary,
) -> list[FileProblem]:
    """Problems with one agreement's exported history: bad content, conflicts with what is stored, gaps."""
    history = document.history[index]
    stored = _stored_hashes(session, history.agreement_id)
    next_new = max(stored, default=0) + 1
    problems: list[FileProblem] = []
    previous_status: AgreementStatus | None = None
    for r_index, revision in enumerate(history.revisions):
        path = f"agreement_history[{index}].revisions[{r_index}]"
        new = revision.revision not in stored
        found = agreement_problems(
            revision.agreement,
            vocabulary=vocabulary,
            organisation_ids=organisation_ids,
            agreement_ids=agreement_ids,
            current_status=None,
        )
        problems.extend(document.problems(f"{path}.agreement", found))
        if not new:
            if stored[revision.revision] != content_hash(agreement_content(revision.agreement)):
                problems.append(
                    document.problem(
                        f"{path}.revision",
                        f"revision {revision.revision} of {history.agreement_id!r} is already stored "
                        "with different content",
                    )
                )
        else:
            if revision.revision != next_new:
                problems.append(
                    document.problem(
                        f"{path}.revision",
                        f"revision {revision.revision} of {history.agreement_id!r} would leave a gap: "
                        f"the next revision is {next_new}",
                    )
                )
            next_new = revision.revision + 1
            if previous_status is not None and not can_change_status(previous_status, revision.agreement.status):
                problems.append(
                    document.problem(
                        f"{path}.agreement.status",
                        f"an agreement cannot go from {previous_status.value} to {revision.agreement.status.value}",
                    )
                )
        previous_status = revision.agreement.status
    return problems
