"""The write path for agreements: create, amend, change status and sign, each one revision, safely.

Every change is a new immutable revision written in one transaction with its change-log row and the
registry-version bump. The agreement row's ``current_revision`` is moved by compare-and-set
(``UPDATE … WHERE current_revision = <the one the change was made from>``), so of two changes made
from the same revision exactly one is stored and the other is refused cleanly — on SQLite, where
writers queue for the database lock, and on PostgreSQL, where the second waits for the row lock and
then finds the revision moved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, col, select

from agreements.model import (
    STATUS_TRANSITIONS,
    Agreement,
    AgreementRevision,
    AgreementStatus,
    Party,
    Review,
    Signatory,
    can_change_status,
)
from agreements.validation import Problem
from registry.mapping import (
    agreement_content,
    category_rows,
    party_rows,
    revision_to_row,
    row_to_agreement,
    row_to_revision,
)
from registry.models import AgreementRevisionRow, AgreementRow, SignatureRow
from registry.services.accounts import Account, Role
from registry.services.agreements import agreement_problems, get_agreement, write_revision
from registry.services.common import (
    current_vocabulary,
    log_change,
    stored_agreement_ids,
    stored_organisation_ids,
    utcnow,
)
from registry.services.errors import (
    PermissionDeniedError,
    RegistryConflictError,
    RegistryNotFoundError,
    RegistryValidationError,
    StaleRevisionError,
    is_lost_race,
)
from schemas.question import today_in_the_uk

EDITING_ROLES = frozenset({Role.ADMIN, Role.GOVERNANCE_LEAD})
# History, not drafts: a new agreement replaces them.
CLOSED = frozenset({AgreementStatus.TERMINATED, AgreementStatus.SUPERSEDED})


@dataclass(frozen=True)
class SignatureRecord:
    """A signature as recorded: who, for which organisation, in which job, when, on which revision."""

    agreement_id: str
    organisation_id: str
    user_id: int
    name: str
    job_title: str
    signed_at: datetime
    signed_revision: int
    recorded_revision: int


def _may_edit(account: Account, *agreements: Agreement) -> None:
    if account.role not in EDITING_ROLES:
        raise PermissionDeniedError(f"a {account.role.value} cannot change agreements")
    if account.role is Role.ADMIN:
        return
    # A governance lead maintains the agreements their own organisation owns or is party to.
    for agreement in agreements:
        if account.organisation_id != agreement.owner and account.organisation_id not in agreement.party_ids():
            raise PermissionDeniedError(
                f"{account.organisation_id} is neither the owner of nor a party to {agreement.id}"
            )


def _validate(session: Session, agreement: Agreement, current: AgreementStatus | None) -> None:
    problems = agreement_problems(
        agreement,
        vocabulary=current_vocabulary(),
        organisation_ids=stored_organisation_ids(session),
        agreement_ids=stored_agreement_ids(session) | {agreement.id},
        current_status=current,
    )
    if problems:
        raise RegistryValidationError(problems)


def _terms(content: dict[str, Any]) -> dict[str, Any]:
    """What parties sign: the agreement without its status, signatures and contact details."""
    terms = {key: value for key, value in content.items() if key not in {"status", "contacts"}}
    terms["parties"] = [
        {key: value for key, value in party.items() if key != "signatory"} for party in content.get("parties", [])
    ]
    return terms


def _unsigned(agreement: Agreement) -> tuple[Party, ...]:
    return tuple(dataclasses.replace(party, signatory=None) for party in agreement.parties)


def _current(session: Session, agreement_id: str) -> tuple[AgreementRow, AgreementRevisionRow]:
    row = session.get(AgreementRow, agreement_id)
    if row is None:
        raise RegistryNotFoundError(f"no agreement {agreement_id!r}")
    revision_row = session.get(AgreementRevisionRow, (agreement_id, row.current_revision))
    assert revision_row is not None, "an agreement row always points at a stored revision"
    return row, revision_row


def _check_expected(row: AgreementRow, expected_revision: int | None) -> None:
    if expected_revision is not None and expected_revision != row.current_revision:
        raise StaleRevisionError(
            f"{row.id} is at revision {row.current_revision}, not {expected_revision}: read it again and "
            "make your change to the current revision",
            [Problem("If-Match", f"revision {expected_revision} is not the current revision {row.current_revision}")],
        )


def _write_next(
    session: Session,
    *,
    row: AgreementRow,
    before: AgreementRevisionRow,
    agreement: Agreement,
    actor: str,
    change_note: str,
    action: str,
    also: Callable[[AgreementRevision], list[Any]] | None = None,
) -> AgreementRevision:
    """Store ``agreement`` as the revision after ``before``, moving the agreement by compare-and-set; commits.

    ``also`` gives further rows to write in the same transaction (a signature's record).
    """
    at = utcnow()
    expected = before.revision
    revision = AgreementRevision(
        agreement=agreement, revision=expected + 1, recorded_at=at, recorded_by=actor, change_note=change_note
    )
    try:
        # The first write of the transaction, so SQLite takes its write lock here and PostgreSQL its row lock.
        moved = session.execute(
            update(AgreementRow)
            .where(col(AgreementRow.id) == row.id, col(AgreementRow.current_revision) == expected)
            .values(
                current_revision=revision.revision,
                title=agreement.title,
                kind=agreement.kind.value,
                status=agreement.status.value,
                version=agreement.version,
                owner_id=agreement.owner,
                parent_id=agreement.parent_id,
                effective_from=agreement.effective_from,
                review_due=agreement.review_due,
                expires_on=agreement.expires_on,
            )
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleRevisionError(
                f"{row.id} was changed by someone else while this change was being made; nothing was saved",
                [Problem("If-Match", f"revision {expected} is no longer the current revision")],
            )
        revision_row = revision_to_row(revision)
        session.add(revision_row)
        session.flush()
        session.add_all(party_rows(agreement, revision.revision))
        session.add_all(category_rows(agreement, revision.revision))
        if also is not None:
            session.add_all(also(revision))
        log_change(
            session,
            actor=actor,
            action=action,
            object_type="agreement",
            object_id=row.id,
            before={"revision": before.revision, "agreement": before.content},
            after={"revision": revision.revision, "agreement": revision_row.content},
            at=at,
        )
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise RegistryConflictError(f"{row.id} was changed at the same time; nothing was saved") from exc
    except DBAPIError as exc:
        session.rollback()
        if is_lost_race(exc):
            # SQLite's busy timeout ran out behind another writer, or PostgreSQL broke a deadlock.
            raise RegistryConflictError(f"{row.id} was being changed by someone else; nothing was saved") from exc
        raise
    except BaseException:
        session.rollback()
        raise
    session.expire(row)
    return revision


def create_agreement(
    *, session: Session, agreement: Agreement, account: Account, change_note: str | None = None
) -> AgreementRevision:
    """Store a new agreement as a draft at revision 1 (unsigned: signatures are given by signing)."""
    _may_edit(account, agreement)
    problems = []
    if agreement.status is not AgreementStatus.DRAFT:
        problems.append(Problem("status", "a new agreement starts as a draft"))
    for index, party in enumerate(agreement.parties):
        if party.signatory is not None:
            problems.append(Problem(f"parties[{index}].signatory", "parties sign through the signing step"))
    if problems:
        raise RegistryValidationError(problems)
    if session.get(AgreementRow, agreement.id) is not None:
        raise RegistryConflictError(
            f"an agreement with id {agreement.id!r} already exists",
            [Problem("id", f"an agreement with id {agreement.id!r} already exists")],
        )
    _validate(session, agreement, None)
    at = utcnow()
    revision = AgreementRevision(agreement, 1, at, account.actor, change_note or "created")
    try:
        write_revision(session=session, revision=revision, row=None, action="create", at=at)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise RegistryConflictError(f"an agreement with id {agreement.id!r} was created at the same time") from exc
    except BaseException:
        session.rollback()
        raise
    return revision


def create_from_template(
    *, session: Session, source_id: str, new_id: str, title: str, account: Account
) -> AgreementRevision:
    """Start a new draft from another agreement's current revision (a standard one, say): unsigned and undated."""
    source = get_agreement(session=session, agreement_id=source_id)
    old = source.agreement
    draft = dataclasses.replace(
        old,
        id=new_id,
        title=title,
        status=AgreementStatus.DRAFT,
        version="0.1",
        parties=_unsigned(old),
        effective_from=None,
        review_due=None,
        expires_on=None,
        review=dataclasses.replace(old.review, last_reviewed_on=None) if old.review else Review(),
        amendments=(),
    )
    note = f"copied from {source_id} revision {source.revision} (version {old.version})"
    return create_agreement(session=session, agreement=draft, account=account, change_note=note)


def amend_agreement(
    *,
    session: Session,
    agreement_id: str,
    agreement: Agreement,
    change_summary: str,
    account: Account,
    expected_revision: int | None,
) -> AgreementRevision:
    """Store an amended agreement as the next revision; ``expected_revision`` is the one it was made from.

    Status and signatures are not amended here (transitions and signing change them). An amendment to
    the terms of a signed agreement sends it back for signature; one that changes only contact details
    keeps the signatures and the status.
    """
    row, current = _current(session, agreement_id)
    _check_expected(row, expected_revision)
    stored = row_to_agreement(current)
    _may_edit(account, stored, agreement)
    status = AgreementStatus(current.status)
    problems = []
    if agreement.id != agreement_id:
        problems.append(Problem("agreement.id", f"the agreement's id must stay {agreement_id!r}"))
    if not change_summary.strip():
        problems.append(Problem("change_summary", "Say what changed and why."))
    if agreement.status is not status:
        problems.append(Problem("agreement.status", "change the status with a transition, not an amendment"))
    for index, party in enumerate(agreement.parties):
        signed = stored.party(party.organisation_id)
        if party.signatory is not None and (signed is None or signed.signatory != party.signatory):
            problems.append(Problem(f"agreement.parties[{index}].signatory", "parties sign through the signing step"))
    if problems:
        raise RegistryValidationError(problems)
    if status in CLOSED:
        raise RegistryConflictError(f"{agreement_id} is {status.value}: start a new agreement instead")
    # Signatures stay with the parties who gave them unless the terms change.
    kept = tuple(
        dataclasses.replace(party, signatory=(stored.party(party.organisation_id) or party).signatory)
        for party in agreement.parties
    )
    amended = dataclasses.replace(agreement, parties=kept)
    old_content, new_content = current.content, agreement_content(amended)
    if new_content == old_content:
        return row_to_revision(current)
    if _terms(old_content) != _terms(new_content) and any(p.signatory is not None for p in stored.parties):
        if status is AgreementStatus.SUSPENDED:
            raise RegistryConflictError(
                f"{agreement_id} is suspended: resume or end it before amending its terms",
                [Problem("agreement", "a suspended agreement's terms cannot be amended")],
            )
        new_status = status if status is AgreementStatus.DRAFT else AgreementStatus.AWAITING_SIGNATURES
        amended = dataclasses.replace(amended, parties=_unsigned(amended), status=new_status)
    _validate(session, amended, status)
    return _write_next(
        session,
        row=row,
        before=current,
        agreement=amended,
        actor=account.actor,
        change_note=change_summary.strip(),
        action="amend",
    )


def change_status(
    *,
    session: Session,
    agreement_id: str,
    to: AgreementStatus,
    reason: str,
    account: Account,
    expected_revision: int | None = None,
) -> AgreementRevision:
    """Move an agreement along its lifecycle, as ``STATUS_TRANSITIONS`` allows, recording why."""
    row, current = _current(session, agreement_id)
    _check_expected(row, expected_revision)
    stored = row_to_agreement(current)
    _may_edit(account, stored)
    status = AgreementStatus(current.status)
    if not reason.strip():
        raise RegistryValidationError([Problem("reason", "Say why the status is changing.")])
    if to is status or not can_change_status(status, to):
        allowed = sorted(s.value for s in next_statuses(status))
        raise RegistryConflictError(
            f"{agreement_id} cannot go from {status.value} to {to.value}",
            [Problem("to", f"from {status.value} it can go to: {', '.join(allowed) or 'nothing'}")],
        )
    changed = dataclasses.replace(stored, status=to)
    if to is AgreementStatus.ACTIVE:
        unsigned = [p.organisation_id for p in stored.parties if p.signatory is None or p.signatory.signed_on is None]
        if unsigned:
            raise RegistryConflictError(
                f"{agreement_id} cannot be active until every party has signed",
                [Problem("to", f"not yet signed for: {', '.join(unsigned)}")],
            )
        if stored.effective_from is None:
            changed = dataclasses.replace(changed, effective_from=today_in_the_uk())
    if to in (AgreementStatus.DRAFT, AgreementStatus.AWAITING_SIGNATURES) and status not in (
        AgreementStatus.DRAFT,
        AgreementStatus.AWAITING_SIGNATURES,
    ):
        # Renewing an expired agreement means signing it again.
        changed = dataclasses.replace(changed, parties=_unsigned(changed))
    if to is AgreementStatus.DRAFT:
        changed = dataclasses.replace(changed, parties=_unsigned(changed))
    _validate(session, changed, status)
    return _write_next(
        session,
        row=row,
        before=current,
        agreement=changed,
        actor=account.actor,
        change_note=f"{status.value} → {to.value}: {reason.strip()}",
        action="transition",
    )


def next_statuses(status: AgreementStatus) -> frozenset[AgreementStatus]:
    """Where an agreement in ``status`` may go next (other than staying put)."""
    return STATUS_TRANSITIONS[status] - {status}


def sign_agreement(
    *, session: Session, agreement_id: str, revision: int, job_title: str, account: Account
) -> AgreementRevision:
    """Sign for the signatory's own organisation the revision they read.

    Refused if the terms have changed since that revision (a stale revision); other parties' signatures
    in between do not make it stale. When every party has signed, the agreement becomes active, in force
    from its effective date (today's if it had none).
    """
    if account.role is not Role.SIGNATORY:
        raise PermissionDeniedError("only a signatory can sign for an organisation")
    row, current = _current(session, agreement_id)
    stored = row_to_agreement(current)
    organisation = account.organisation_id
    party = stored.party(organisation) if organisation else None
    if party is None:
        raise PermissionDeniedError(f"{organisation} is not a party to {agreement_id}: you sign for it only")
    if not job_title.strip():
        raise RegistryValidationError([Problem("job_title", "Give the job title you sign in.")])
    status = AgreementStatus(current.status)
    if status is not AgreementStatus.AWAITING_SIGNATURES:
        raise RegistryConflictError(
            f"{agreement_id} is {status.value}, not awaiting signatures",
            [Problem("", "only an agreement awaiting signatures can be signed")],
        )
    read = session.get(AgreementRevisionRow, (agreement_id, revision))
    if read is None:
        raise RegistryNotFoundError(f"agreement {agreement_id!r} has no revision {revision}")
    if _terms(read.content) != _terms(current.content):
        raise StaleRevisionError(
            f"revision {revision} of {agreement_id} has been amended since; read revision "
            f"{current.revision} and sign that",
            [Problem("revision", f"the terms changed after revision {revision}")],
        )
    if party.signatory is not None:
        raise RegistryConflictError(f"{agreement_id} is already signed for {organisation}")
    today = today_in_the_uk()
    signed = tuple(
        dataclasses.replace(p, signatory=Signatory(account.name, job_title.strip(), today))
        if p.organisation_id == organisation
        else p
        for p in stored.parties
    )
    changed = dataclasses.replace(stored, parties=signed)
    note = f"signed for {organisation} by {account.name} ({job_title.strip()})"
    if all(p.signatory is not None for p in signed):
        changed = dataclasses.replace(
            changed, status=AgreementStatus.ACTIVE, effective_from=stored.effective_from or today
        )
        note += "; every party has signed: active"
    _validate(session, changed, status)
    assert organisation is not None  # a party was found for it

    def signature(stored_revision: AgreementRevision) -> list[Any]:
        return [
            SignatureRow(
                agreement_id=agreement_id,
                signed_revision=revision,
                recorded_revision=stored_revision.revision,
                organisation_id=organisation,
                user_id=account.id,
                name=account.name,
                job_title=job_title.strip(),
                signed_at=stored_revision.recorded_at,
            )
        ]

    return _write_next(
        session,
        row=row,
        before=current,
        agreement=changed,
        actor=account.actor,
        change_note=note,
        action="sign",
        also=signature,
    )


def list_signatures(*, session: Session, agreement_id: str) -> list[SignatureRecord]:
    """Every signature given through the registry for an agreement, oldest first."""
    if session.get(AgreementRow, agreement_id) is None:
        raise RegistryNotFoundError(f"no agreement {agreement_id!r}")
    rows = session.exec(
        select(SignatureRow).where(SignatureRow.agreement_id == agreement_id).order_by(col(SignatureRow.id))
    ).all()
    return [
        SignatureRecord(
            r.agreement_id,
            r.organisation_id,
            r.user_id,
            r.name,
            r.job_title,
            r.signed_at,
            r.signed_revision,
            r.recorded_revision,
        )
        for r in rows
    ]
