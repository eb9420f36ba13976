"""The write path: create, amend, lifecycle transitions and signing, with the change log and no lost update."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from agreements.model import AgreementStatus, Contact, ContactRole
from registry.models import AgreementRevisionRow, AgreementRow, ChangeLogRow, SignatureRow
from registry.services.accounts import Account, Role
from registry.services.agreements import get_agreement, list_revisions
from registry.services.editing import (
    amend_agreement,
    change_status,
    create_agreement,
    create_from_template,
    list_signatures,
    sign_agreement,
)
from registry.services.errors import (
    PermissionDeniedError,
    RegistryConflictError,
    RegistryNotFoundError,
    RegistryValidationError,
    StaleRevisionError,
)
from registry.services.organisations import (
    amend_organisation,
    create_organisation,
    organisation_etag,
    save_organisation,
)
from registry.services.standard import load_standard_agreements
from schemas.question import today_in_the_uk
from tests.builders import CHILDRENS, POLICE, make_agreement, make_childrens_services, make_organisation, replace
from tests.conftest import SERVER_URL, MakeAccount, _make_app
from tests.registry.helpers import table_counts


def _draft(**overrides: Any):  # type: ignore[no-untyped-def]
    base = make_agreement(status=AgreementStatus.DRAFT, effective_from=None, review_due=date(2099, 1, 1))
    parties = tuple(replace(p, signatory=None) for p in base.parties)
    return replace(base, parties=parties, **overrides)


@pytest.fixture
def people(session: Session, make_account: MakeAccount) -> dict[str, Account]:
    """The two organisations of ``make_agreement`` and a user of each role that matters."""
    save_organisation(session=session, organisation=make_organisation(), actor="test")
    save_organisation(session=session, organisation=make_childrens_services(), actor="test")
    return {
        "lead": make_account(Role.GOVERNANCE_LEAD, CHILDRENS)[0],
        "outsider_lead": make_account(Role.GOVERNANCE_LEAD)[0],
        "admin": make_account(Role.ADMIN)[0],
        "police_signatory": make_account(Role.SIGNATORY, POLICE)[0],
        "childrens_signatory": make_account(Role.SIGNATORY, CHILDRENS)[0],
        "outsider_signatory": make_account(Role.SIGNATORY)[0],
        "practitioner": make_account(Role.PRACTITIONER, POLICE)[0],
        "auditor": make_account(Role.AUDITOR)[0],
    }


def _to_active(session: Session, people: dict[str, Account]) -> None:
    create_agreement(session=session, agreement=_draft(), account=people["lead"])
    change_status(
        session=session,
        agreement_id="test-mash",
        to=AgreementStatus.AWAITING_SIGNATURES,
        reason="ready",
        account=people["lead"],
    )
    sign_agreement(
        session=session,
        agreement_id="test-mash",
        revision=2,
        job_title="Chief Constable",
        account=people["police_signatory"],
    )
    sign_agreement(
        session=session,
        agreement_id="test-mash",
        revision=3,
        job_title="Director",
        account=people["childrens_signatory"],
    )


def test_create_stores_a_draft_with_its_change_log(session: Session, people: dict[str, Account]) -> None:
    session.info["request_id"] = "req-1"
    stored = create_agreement(session=session, agreement=_draft(), account=people["lead"])
    assert stored.revision == 1 and stored.recorded_by == people["lead"].email
    log = session.exec(select(ChangeLogRow).where(ChangeLogRow.object_id == "test-mash")).one()
    assert (log.action, log.actor, log.request_id, log.before) == ("create", people["lead"].email, "req-1", None)
    assert log.after is not None and log.after["agreement"]["title"] == "Test MASH agreement"


def test_create_refuses_bad_duplicate_and_unauthorised_agreements(session: Session, people: dict[str, Account]) -> None:
    with pytest.raises(RegistryValidationError) as error:
        create_agreement(session=session, agreement=make_agreement(), account=people["lead"])
    assert {p.path for p in error.value.problems} == {"status", "parties[0].signatory", "parties[1].signatory"}
    with pytest.raises(RegistryValidationError) as error:
        create_agreement(session=session, agreement=_draft(owner="nobody"), account=people["admin"])
    assert error.value.status == 422
    for who in ("practitioner", "auditor", "police_signatory", "outsider_lead"):
        with pytest.raises(PermissionDeniedError):
            create_agreement(session=session, agreement=_draft(), account=people[who])
    create_agreement(session=session, agreement=_draft(), account=people["lead"])
    with pytest.raises(RegistryConflictError):
        create_agreement(session=session, agreement=_draft(), account=people["admin"])


def test_create_from_a_standard_agreement_as_template(session: Session, people: dict[str, Account]) -> None:
    load_standard_agreements(session=session)
    stored = create_from_template(
        session=session, source_id="NS-MASH-ISA", new_id="east-mash", title="East MASH", account=people["admin"]
    )
    agreement = stored.agreement
    assert (agreement.status, agreement.version, agreement.effective_from) == (AgreementStatus.DRAFT, "0.1", None)
    assert all(p.signatory is None for p in agreement.parties)
    assert "copied from NS-MASH-ISA" in (stored.change_note or "")
    with pytest.raises(RegistryNotFoundError):
        create_from_template(session=session, source_id="nope", new_id="x", title="X", account=people["admin"])


def test_the_lifecycle_with_signing_makes_an_agreement_active(session: Session, people: dict[str, Account]) -> None:
    _to_active(session, people)
    current = get_agreement(session=session, agreement_id="test-mash")
    assert current.revision == 4 and current.agreement.status is AgreementStatus.ACTIVE
    assert current.agreement.effective_from == today_in_the_uk()
    police = current.agreement.party(POLICE)
    assert police is not None and police.signatory is not None
    assert (police.signatory.name, police.signatory.job_title) == (people["police_signatory"].name, "Chief Constable")
    signatures = list_signatures(session=session, agreement_id="test-mash")
    assert [(s.organisation_id, s.signed_revision, s.recorded_revision) for s in signatures] == [
        (POLICE, 2, 3),
        (CHILDRENS, 3, 4),
    ]
    assert [r.revision for r in list_revisions(session=session, agreement_id="test-mash")] == [1, 2, 3, 4]


def test_transitions_follow_the_lifecycle(session: Session, people: dict[str, Account]) -> None:
    create_agreement(session=session, agreement=_draft(), account=people["lead"])
    with pytest.raises(RegistryConflictError) as error:
        change_status(
            session=session, agreement_id="test-mash", to=AgreementStatus.ACTIVE, reason="go", account=people["lead"]
        )
    assert "awaiting_signatures" in error.value.problems[0].message
    change_status(
        session=session,
        agreement_id="test-mash",
        to=AgreementStatus.AWAITING_SIGNATURES,
        reason="r",
        account=people["lead"],
    )
    with pytest.raises(RegistryConflictError, match="every party has signed"):
        change_status(
            session=session, agreement_id="test-mash", to=AgreementStatus.ACTIVE, reason="go", account=people["lead"]
        )
    with pytest.raises(RegistryValidationError):
        change_status(
            session=session, agreement_id="test-mash", to=AgreementStatus.TERMINATED, reason=" ", account=people["lead"]
        )
    with pytest.raises(PermissionDeniedError):
        change_status(
            session=session,
            agreement_id="test-mash",
            to=AgreementStatus.TERMINATED,
            reason="x",
            account=people["auditor"],
        )
    with pytest.raises(StaleRevisionError):
        change_status(
            session=session,
            agreement_id="test-mash",
            to=AgreementStatus.TERMINATED,
            reason="x",
            account=people["lead"],
            expected_revision=1,
        )
    change_status(
        session=session, agreement_id="test-mash", to=AgreementStatus.TERMINATED, reason="x", account=people["lead"]
    )
    with pytest.raises(RegistryConflictError):
        change_status(
            session=session, agreement_id="test-mash", to=AgreementStatus.DRAFT, reason="x", account=people["lead"]
        )
    with pytest.raises(RegistryConflictError, match="terminated"):
        amend_agreement(
            session=session,
            agreement_id="test-mash",
            agreement=_draft(status=AgreementStatus.TERMINATED, title="New"),
            change_summary="x",
            account=people["lead"],
            expected_revision=None,
        )


def test_signing_is_for_ones_own_organisation_and_the_current_terms(
    session: Session, people: dict[str, Account]
) -> None:
    create_agreement(session=session, agreement=_draft(), account=people["lead"])
    with pytest.raises(RegistryConflictError, match="not awaiting signatures"):
        sign_agreement(
            session=session, agreement_id="test-mash", revision=1, job_title="CC", account=people["police_signatory"]
        )
    change_status(
        session=session,
        agreement_id="test-mash",
        to=AgreementStatus.AWAITING_SIGNATURES,
        reason="r",
        account=people["lead"],
    )
    with pytest.raises(PermissionDeniedError):
        sign_agreement(
            session=session, agreement_id="test-mash", revision=2, job_title="CC", account=people["outsider_signatory"]
        )
    with pytest.raises(PermissionDeniedError):
        sign_agreement(session=session, agreement_id="test-mash", revision=2, job_title="CC", account=people["lead"])
    with pytest.raises(RegistryValidationError):
        sign_agreement(
            session=session, agreement_id="test-mash", revision=2, job_title="", account=people["police_signatory"]
        )
    # The terms change after revision 2 was read: signing revision 2 is refused.
    amend_agreement(
        session=session,
        agreement_id="test-mash",
        agreement=_draft(status=AgreementStatus.AWAITING_SIGNATURES, title="Retitled"),
        change_summary="title",
        account=people["lead"],
        expected_revision=2,
    )
    before = table_counts(session)
    with pytest.raises(StaleRevisionError):
        sign_agreement(
            session=session, agreement_id="test-mash", revision=2, job_title="CC", account=people["police_signatory"]
        )
    assert table_counts(session) == before
    sign_agreement(
        session=session, agreement_id="test-mash", revision=3, job_title="CC", account=people["police_signatory"]
    )
    # Another party's signature in between does not make revision 3 stale for children's services.
    with pytest.raises(RegistryConflictError, match="already signed"):
        sign_agreement(
            session=session, agreement_id="test-mash", revision=4, job_title="CC", account=people["police_signatory"]
        )
    signed = sign_agreement(
        session=session,
        agreement_id="test-mash",
        revision=3,
        job_title="Director",
        account=people["childrens_signatory"],
    )
    assert signed.agreement.status is AgreementStatus.ACTIVE


def test_amending_an_active_agreement_needs_signing_again_unless_only_contacts_change(
    session: Session, people: dict[str, Account]
) -> None:
    _to_active(session, people)
    active = get_agreement(session=session, agreement_id="test-mash").agreement
    contact = Contact(role=ContactRole.DATA_PROTECTION_OFFICER, name="D. P. Officer", email="dpo@example.org")
    contacts_only = amend_agreement(
        session=session,
        agreement_id="test-mash",
        agreement=replace(active, contacts=(contact,)),
        change_summary="new DPO",
        account=people["lead"],
        expected_revision=4,
    )
    assert contacts_only.agreement.status is AgreementStatus.ACTIVE
    assert all(p.signatory is not None for p in contacts_only.agreement.parties)
    # Unsigned parties in the body keep the signatures they have: an amendment never removes or forges one.
    unsigned_body = replace(
        active,
        contacts=(contact,),
        summary="Now with a summary",
        parties=tuple(replace(p, signatory=None) for p in active.parties),
    )
    terms = amend_agreement(
        session=session,
        agreement_id="test-mash",
        agreement=unsigned_body,
        change_summary="summary",
        account=people["lead"],
        expected_revision=5,
    )
    assert terms.revision == 6 and terms.agreement.status is AgreementStatus.AWAITING_SIGNATURES
    assert all(p.signatory is None for p in terms.agreement.parties)
    log = session.exec(select(ChangeLogRow).where(ChangeLogRow.action == "amend")).all()
    assert [entry.before["revision"] for entry in log if entry.before] == [4, 5]


def test_an_amendment_cannot_change_status_or_forge_a_signature(session: Session, people: dict[str, Account]) -> None:
    create_agreement(session=session, agreement=_draft(), account=people["lead"])
    with pytest.raises(RegistryValidationError) as error:
        amend_agreement(
            session=session,
            agreement_id="test-mash",
            agreement=make_agreement(id="other"),
            change_summary="",
            account=people["lead"],
            expected_revision=1,
        )
    assert {p.path for p in error.value.problems} >= {
        "agreement.id",
        "change_summary",
        "agreement.status",
        "agreement.parties[0].signatory",
    }
    with pytest.raises(PermissionDeniedError):
        amend_agreement(
            session=session,
            agreement_id="test-mash",
            agreement=_draft(title="X"),
            change_summary="x",
            account=people["outsider_lead"],
            expected_revision=1,
        )
    with pytest.raises(RegistryNotFoundError):
        amend_agreement(
            session=session,
            agreement_id="nope",
            agreement=_draft(),
            change_summary="x",
            account=people["lead"],
            expected_revision=1,
        )
    unchanged = amend_agreement(
        session=session,
        agreement_id="test-mash",
        agreement=_draft(),
        change_summary="x",
        account=people["lead"],
        expected_revision=1,
    )
    assert unchanged.revision == 1


def test_a_stale_amendment_changes_nothing(session: Session, people: dict[str, Account]) -> None:
    create_agreement(session=session, agreement=_draft(), account=people["lead"])
    amend_agreement(
        session=session,
        agreement_id="test-mash",
        agreement=_draft(title="First"),
        change_summary="1",
        account=people["lead"],
        expected_revision=1,
    )
    before = table_counts(session)
    with pytest.raises(StaleRevisionError) as error:
        amend_agreement(
            session=session,
            agreement_id="test-mash",
            agreement=_draft(title="Second"),
            change_summary="2",
            account=people["lead"],
            expected_revision=1,
        )
    assert error.value.status == 412
    assert table_counts(session) == before
    assert get_agreement(session=session, agreement_id="test-mash").agreement.title == "First"


def test_organisations_create_and_amend(session: Session, people: dict[str, Account]) -> None:
    new = make_organisation(id="new-org", name="New Org")
    assert create_organisation(session=session, organisation=new, account=people["lead"]) == new
    with pytest.raises(RegistryConflictError):
        create_organisation(session=session, organisation=new, account=people["lead"])
    with pytest.raises(PermissionDeniedError):
        create_organisation(session=session, organisation=make_organisation(id="x"), account=people["auditor"])
    with pytest.raises(RegistryValidationError):
        create_organisation(
            session=session, organisation=make_organisation(id="y", type="wizard"), account=people["lead"]
        )
    etag = organisation_etag(new)
    renamed = replace(new, name="Renamed Org")
    # A governance lead amends their own organisation only; the new one is an admin's to amend.
    with pytest.raises(PermissionDeniedError):
        amend_organisation(
            session=session, organisation_id="new-org", organisation=renamed, account=people["lead"], expected_etag=etag
        )
    own = make_childrens_services(address="1 County Hall")
    assert (
        amend_organisation(
            session=session, organisation_id=CHILDRENS, organisation=own, account=people["lead"], expected_etag=None
        )
        == own
    )
    amend_organisation(
        session=session, organisation_id="new-org", organisation=renamed, account=people["admin"], expected_etag=etag
    )
    with pytest.raises(StaleRevisionError):
        amend_organisation(
            session=session,
            organisation_id="new-org",
            organisation=replace(new, name="Lost"),
            account=people["admin"],
            expected_etag=etag,
        )
    with pytest.raises(RegistryValidationError):
        amend_organisation(
            session=session,
            organisation_id="new-org",
            organisation=make_organisation(id="other"),
            account=people["admin"],
            expected_etag=None,
        )
    logged = session.exec(select(ChangeLogRow).where(ChangeLogRow.object_id == "new-org")).all()
    assert [(e.action, (e.after or {}).get("name")) for e in logged] == [
        ("create", "New Org"),
        ("update", "Renamed Org"),
    ]


def _race(engine: Engine, attempts: list[Callable[[Session], Any]]) -> list[Any]:
    """Run each attempt in its own thread and session, released together; their results or errors."""
    barrier = threading.Barrier(len(attempts))
    results: list[Any] = [None] * len(attempts)

    def run(index: int) -> None:
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            try:
                results[index] = attempts[index](own)
            except Exception as exc:  # noqa: BLE001  (the test inspects what each one got)
                results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_amendments_from_one_revision_store_exactly_one(tmp_path: Path, make_account: MakeAccount) -> None:
    app = _make_app(SERVER_URL or f"sqlite:///{tmp_path / 'race.sqlite'}", tables=True)
    engine: Engine = app.extensions["registry.db"]
    try:
        with Session(engine) as session:
            save_organisation(session=session, organisation=make_organisation(), actor="t")
            save_organisation(session=session, organisation=make_childrens_services(), actor="t")
        from registry.services.accounts import create_user

        with Session(engine) as session:
            lead = create_user(
                session=session,
                email="lead@example.org",
                name="Lead",
                role="governance_lead",
                password="x" * 12,
                organisation_id=CHILDRENS,
                actor="t",
            )
            create_agreement(session=session, agreement=_draft(), account=lead)
        for round_number in range(5):
            start = round_number + 1
            titles = [f"Title A{round_number}", f"Title B{round_number}"]
            results = _race(
                engine,
                [
                    lambda s, t=title, n=start: amend_agreement(
                        session=s,
                        agreement_id="test-mash",
                        agreement=_draft(title=t),
                        change_summary=t,
                        account=lead,
                        expected_revision=n,
                    )
                    for title in titles
                ],
            )
            winners = [r for r in results if not isinstance(r, Exception)]
            losers = [r for r in results if isinstance(r, Exception)]
            assert len(winners) == 1 and len(losers) == 1, results
            assert isinstance(losers[0], StaleRevisionError | RegistryConflictError), repr(losers[0])
            with Session(engine) as session:
                row = session.get(AgreementRow, "test-mash")
                assert row is not None and row.current_revision == start + 1
                assert row.title == winners[0].agreement.title
                stored = session.exec(
                    select(AgreementRevisionRow).where(AgreementRevisionRow.agreement_id == "test-mash")
                ).all()
                assert len(stored) == start + 1
                assert session.exec(select(SignatureRow)).all() == []
    finally:
        engine.dispose()
