"""Services on a session only: revisions, identical saves, status rules, organisations, copies."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from agreements.model import AgreementStatus
from registry.models import AgreementPartyRow, AgreementRevisionRow, ChangeLogRow, OrganisationRow
from registry.services.agreements import (
    agreement_history,
    copy_as_template,
    get_agreement,
    list_agreements,
    list_revisions,
    save_agreement,
)
from registry.services.errors import RegistryNotFoundError, RegistryValidationError
from registry.services.organisations import get_organisation, list_organisations, save_organisation
from tests.builders import CHILDRENS, POLICE, make_agreement, make_childrens_services, make_organisation, replace


def _count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


@pytest.fixture
def partners(session: Session) -> None:
    """The two organisations the built agreement names."""
    save_organisation(session=session, organisation=make_organisation(), actor="test")
    save_organisation(session=session, organisation=make_childrens_services(), actor="test")


@pytest.mark.usefixtures("partners")
def test_a_change_makes_a_new_revision_and_the_old_one_stays_readable(session: Session) -> None:
    first = save_agreement(session=session, agreement=make_agreement(), actor="alice")
    changed = replace(make_agreement(), version="1.1", summary="Adds the police flow's health data.")
    second = save_agreement(session=session, agreement=changed, actor="bob", change_note="v1.1")

    assert (first.revision, second.revision) == (1, 2)
    assert get_agreement(session=session, agreement_id="test-mash").agreement == changed
    old = get_agreement(session=session, agreement_id="test-mash", revision=1)
    assert old.agreement == make_agreement()
    assert old.recorded_by == "alice"
    assert old.recorded_at.tzinfo is not None
    assert [r.revision for r in list_revisions(session=session, agreement_id="test-mash")] == [1, 2]
    assert list_revisions(session=session, agreement_id="test-mash")[1].change_note == "v1.1"
    # The listing follows the current revision.
    [summary] = list_agreements(session=session)
    assert (summary.version, summary.current_revision, summary.party_count) == ("1.1", 2, 2)


@pytest.mark.usefixtures("partners")
def test_saving_identical_content_writes_nothing(session: Session) -> None:
    save_agreement(session=session, agreement=make_agreement(), actor="alice")
    counts = (_count(session, AgreementRevisionRow), _count(session, ChangeLogRow), _count(session, AgreementPartyRow))

    again = save_agreement(session=session, agreement=make_agreement(), actor="bob")

    assert again.revision == 1 and again.recorded_by == "alice"
    assert (
        _count(session, AgreementRevisionRow),
        _count(session, ChangeLogRow),
        _count(session, AgreementPartyRow),
    ) == counts


@pytest.mark.usefixtures("partners")
def test_an_illegal_status_change_is_rejected_naming_status(session: Session) -> None:
    save_agreement(session=session, agreement=make_agreement(status=AgreementStatus.TERMINATED), actor="alice")

    with pytest.raises(RegistryValidationError) as caught:
        save_agreement(session=session, agreement=make_agreement(status=AgreementStatus.ACTIVE), actor="bob")

    assert [p.path for p in caught.value.problems] == ["status"]
    assert "terminated to active" in caught.value.problems[0].message
    assert _count(session, AgreementRevisionRow) == 1


@pytest.mark.usefixtures("partners")
def test_a_legal_status_change_is_stored(session: Session) -> None:
    save_agreement(session=session, agreement=make_agreement(), actor="alice")
    suspended = save_agreement(session=session, agreement=make_agreement(status=AgreementStatus.SUSPENDED), actor="bob")
    assert suspended.revision == 2
    assert list_agreements(session=session)[0].status is AgreementStatus.SUSPENDED


def test_an_agreement_naming_unknown_organisations_is_rejected(session: Session) -> None:
    with pytest.raises(RegistryValidationError) as caught:
        save_agreement(session=session, agreement=make_agreement(), actor="alice")
    assert "owner" in [p.path for p in caught.value.problems]
    assert "parties[0].organisation_id" in [p.path for p in caught.value.problems]


@pytest.mark.usefixtures("partners")
def test_an_unknown_parent_is_rejected(session: Session) -> None:
    with pytest.raises(RegistryValidationError) as caught:
        save_agreement(session=session, agreement=make_agreement(parent_id="no-such-tier-1"), actor="alice")
    assert [p.path for p in caught.value.problems] == ["parent_id"]


@pytest.mark.usefixtures("partners")
def test_each_save_writes_the_change_log_with_before_and_after(session: Session) -> None:
    save_agreement(session=session, agreement=make_agreement(), actor="alice")
    save_agreement(session=session, agreement=make_agreement(version="1.1"), actor="bob")

    rows = session.exec(
        select(ChangeLogRow).where(ChangeLogRow.object_type == "agreement").order_by(ChangeLogRow.id)
    ).all()
    assert [(r.action, r.actor) for r in rows] == [("create", "alice"), ("update", "bob")]
    assert rows[0].before is None
    assert rows[1].before["revision"] == 1 and rows[1].after["revision"] == 2
    assert rows[1].after["agreement"]["version"] == "1.1"


def test_organisations_are_saved_only_when_changed(session: Session) -> None:
    save_organisation(session=session, organisation=make_organisation(), actor="alice")
    save_organisation(session=session, organisation=make_organisation(), actor="alice")
    save_organisation(session=session, organisation=make_organisation(name="Northshire Constabulary"), actor="bob")

    assert get_organisation(session=session, organisation_id=POLICE).name == "Northshire Constabulary"
    actions = session.exec(select(ChangeLogRow.action).order_by(ChangeLogRow.id)).all()
    assert actions == ["create", "update"]
    assert [o.id for o in list_organisations(session=session)] == [POLICE]


def test_an_organisation_of_unknown_type_is_rejected(session: Session) -> None:
    with pytest.raises(RegistryValidationError) as caught:
        save_organisation(session=session, organisation=make_organisation(type="police-farce"), actor="alice")
    assert caught.value.problems[0].path == "type"
    assert "did you mean 'police-force'" in caught.value.problems[0].message
    assert _count(session, OrganisationRow) == 0


def test_missing_records_raise_not_found(session: Session) -> None:
    with pytest.raises(RegistryNotFoundError):
        get_agreement(session=session, agreement_id="nope")
    with pytest.raises(RegistryNotFoundError):
        get_organisation(session=session, organisation_id="nope")


@pytest.mark.usefixtures("partners")
def test_a_missing_revision_raises_not_found(session: Session) -> None:
    save_agreement(session=session, agreement=make_agreement(), actor="alice")
    with pytest.raises(RegistryNotFoundError):
        get_agreement(session=session, agreement_id="test-mash", revision=2)


@pytest.mark.usefixtures("partners")
def test_copy_as_template_starts_an_unsigned_undated_draft(session: Session) -> None:
    source = make_agreement(
        amendments=(),
        status=AgreementStatus.ACTIVE,
    )
    save_agreement(session=session, agreement=source, actor="alice")

    copy = copy_as_template(
        session=session, source_id="test-mash", new_id="east-mash", title="East MASH", actor="carol"
    )

    draft = copy.agreement
    assert (draft.id, draft.title, draft.version) == ("east-mash", "East MASH", "0.1")
    assert draft.status is AgreementStatus.DRAFT
    assert all(p.signatory is None for p in draft.parties)
    assert draft.amendments == () and draft.effective_from is None
    assert draft.flows == source.flows and draft.parties[0].organisation_id == CHILDRENS
    assert copy.revision == 1 and "test-mash" in (copy.change_note or "")
    # The source is untouched.
    assert get_agreement(session=session, agreement_id="test-mash").agreement == source


@pytest.mark.usefixtures("partners")
def test_copy_refuses_an_existing_id(session: Session) -> None:
    save_agreement(session=session, agreement=make_agreement(), actor="alice")
    with pytest.raises(RegistryValidationError):
        copy_as_template(session=session, source_id="test-mash", new_id="test-mash", title="Again", actor="carol")


@pytest.mark.usefixtures("partners")
def test_agreement_history_lists_every_revision_of_every_agreement(session: Session) -> None:
    save_agreement(session=session, agreement=make_agreement(), actor="alice")
    save_agreement(session=session, agreement=make_agreement(version="2.0"), actor="alice")
    save_agreement(
        session=session, agreement=make_agreement(id="other", effective_from=date(2025, 1, 1)), actor="alice"
    )
    history = agreement_history(session=session)
    assert [(h.agreement_id, [r.revision for r in h.revisions]) for h in history] == [
        ("other", [1]),
        ("test-mash", [1, 2]),
    ]
