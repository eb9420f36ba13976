"""Concurrent writers on one agreement, on a SQLite file and on PostgreSQL (TEST_DATABASE_URL).

Several writers, each in its own thread with its own session (its own database connection), change one
agreement at once through the editing services, the import path, the API and the ``load`` command.
Afterwards every stored change of status is one the lifecycle allows, the revision numbers run 1..n
with nothing missing or half-written, and every writer that lost got a clean conflict (409/412, or
the CLI's message and exit code), never a traceback or a raw database error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from agreements.model import Agreement, AgreementStatus, can_change_status
from registry.cli import LOST_RACE_EXIT
from registry.models import AgreementPartyRow, AgreementRevisionRow, AgreementRow, ChangeLogRow
from registry.services import importing
from registry.services.accounts import Account, create_token, create_user
from registry.services.editing import amend_agreement, change_status, create_agreement
from registry.services.errors import RegistryConflictError, StaleRevisionError
from registry.services.importing import import_documents
from registry.services.organisations import save_organisation
from schemas.files import RegistryDocument
from tests.builders import (
    CHILDRENS,
    make_agreement,
    make_childrens_services,
    make_organisation,
    registry_data,
    registry_yaml,
    replace,
)
from tests.conftest import PASSWORD, SERVER_URL, _make_app

AGREEMENT = "test-mash"
WRITERS = 4
ROUNDS = 6
CLEAN = (StaleRevisionError, RegistryConflictError)


@dataclass
class Race:
    """An app on a database several connections can share, a governance lead and the lead's API token."""

    app: Flask
    engine: Engine
    lead: Account
    token: str


@pytest.fixture
def race(tmp_path: Path) -> Iterator[Race]:
    """A SQLite file (not in-memory: one shared connection would serialise everything) or the test server."""
    app = _make_app(SERVER_URL or f"sqlite:///{tmp_path / 'race.sqlite'}", tables=True)
    engine: Engine = app.extensions["registry.db"]
    try:
        with Session(engine, expire_on_commit=False) as session:
            save_organisation(session=session, organisation=make_organisation(), actor="t")
            save_organisation(session=session, organisation=make_childrens_services(), actor="t")
            lead = create_user(
                session=session,
                email="lead@example.org",
                name="Lead",
                role="governance_lead",
                password=PASSWORD,
                organisation_id=CHILDRENS,
                actor="t",
            )
            _, token = create_token(session=session, user_id=lead.id, name="race", actor="t")
        yield Race(app, engine, lead, token)
    finally:
        engine.dispose()


def _draft(**overrides: Any) -> Agreement:
    base = make_agreement(status=AgreementStatus.DRAFT, effective_from=None, review_due=date(2099, 1, 1))
    return replace(base, parties=tuple(replace(p, signatory=None) for p in base.parties), **overrides)


def _active(**overrides: Any) -> Agreement:
    return make_agreement(review_due=date(2099, 1, 1), **overrides)


def _in_threads(attempts: list[Callable[[], Any]]) -> list[Any]:
    """Run each attempt in its own thread, released together; what each returned or raised."""
    barrier = threading.Barrier(len(attempts))
    results: list[Any] = [None] * len(attempts)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = attempts[index]()
        except BaseException as exc:  # noqa: BLE001  (the test inspects what each one got)
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return results


def assert_history_is_whole_and_legal(engine: Engine, agreement_id: str = AGREEMENT) -> list[AgreementStatus]:
    """Revisions 1..n, the agreement at n, every change of status allowed, each revision complete and logged once."""
    with Session(engine) as session:
        row = session.get(AgreementRow, agreement_id)
        assert row is not None
        revisions = session.exec(
            select(AgreementRevisionRow)
            .where(AgreementRevisionRow.agreement_id == agreement_id)
            .order_by(col(AgreementRevisionRow.revision))
        ).all()
        numbers = [r.revision for r in revisions]
        assert numbers == list(range(1, len(numbers) + 1)), numbers
        assert row.current_revision == numbers[-1]
        assert row.status == revisions[-1].status and row.title == revisions[-1].content["title"]
        statuses = [AgreementStatus(r.status) for r in revisions]
        for before, after in zip(statuses, statuses[1:], strict=False):
            assert can_change_status(before, after), f"illegal stored change {before.value} → {after.value}"
        for revision in revisions:
            parties = session.exec(
                select(func.count())
                .select_from(AgreementPartyRow)
                .where(AgreementPartyRow.agreement_id == agreement_id, AgreementPartyRow.revision == revision.revision)
            ).one()
            assert parties == len(revision.content["parties"]), f"revision {revision.revision} is half-written"
        logged = session.exec(
            select(func.count())
            .select_from(ChangeLogRow)
            .where(ChangeLogRow.object_type == "agreement", ChangeLogRow.object_id == agreement_id)
        ).one()
        assert logged == len(revisions)
        return statuses


def _revision_now(engine: Engine) -> tuple[int, AgreementStatus]:
    with Session(engine) as session:
        row = session.get(AgreementRow, AGREEMENT)
        assert row is not None
        return row.current_revision, AgreementStatus(row.status)


def test_writers_racing_through_the_services_store_one_change_per_revision(race: Race) -> None:
    with Session(race.engine, expire_on_commit=False) as session:
        create_agreement(session=session, agreement=_draft(), account=race.lead)
    for round_number in range(ROUNDS):
        # Every writer read the same revision: exactly one change made from it can be stored.
        revision, status = _revision_now(race.engine)
        other = AgreementStatus.AWAITING_SIGNATURES if status is AgreementStatus.DRAFT else AgreementStatus.DRAFT

        def write(
            writer: int,
            revision: int = revision,
            status: AgreementStatus = status,
            other: AgreementStatus = other,
            round_number: int = round_number,
        ) -> Any:
            with Session(race.engine, expire_on_commit=False) as own:
                if writer % 2 == 0:
                    return change_status(
                        session=own,
                        agreement_id=AGREEMENT,
                        to=other,
                        reason=f"round {round_number}, writer {writer}",
                        account=race.lead,
                        expected_revision=revision,
                    )
                return amend_agreement(
                    session=own,
                    agreement_id=AGREEMENT,
                    agreement=_draft(title=f"Round {round_number} writer {writer}", status=status),
                    change_summary=f"writer {writer}",
                    account=race.lead,
                    expected_revision=revision,
                )

        results = _in_threads([lambda w=w: write(w) for w in range(WRITERS)])
        winners = [r for r in results if not isinstance(r, BaseException)]
        losers = [r for r in results if isinstance(r, BaseException)]
        assert len(winners) == 1, results
        assert all(isinstance(loser, CLEAN) for loser in losers), [repr(r) for r in losers]
        assert all(AGREEMENT in loser.message and loser.status in (409, 412) for loser in losers)
        assert winners[0].revision == revision + 1
    statuses = assert_history_is_whole_and_legal(race.engine)
    assert len(statuses) == ROUNDS + 1


def test_writers_without_a_revision_in_hand_never_store_an_illegal_change(race: Race) -> None:
    # No If-Match: each writer's transition is decided on what it reads; the compare-and-set keeps it honest.
    with Session(race.engine, expire_on_commit=False) as session:
        create_agreement(session=session, agreement=_draft(), account=race.lead)

    def writer(number: int) -> list[Any]:
        outcomes: list[Any] = []
        for step in range(ROUNDS):
            target = [AgreementStatus.AWAITING_SIGNATURES, AgreementStatus.DRAFT, AgreementStatus.TERMINATED][
                (number + step) % 3
            ]
            with Session(race.engine, expire_on_commit=False) as own:
                try:
                    outcomes.append(
                        change_status(
                            session=own, agreement_id=AGREEMENT, to=target, reason=f"w{number}", account=race.lead
                        )
                    )
                except CLEAN as exc:
                    outcomes.append(exc)
        return outcomes

    results = _in_threads([lambda n=n: writer(n) for n in range(WRITERS)])
    assert not any(isinstance(r, BaseException) for r in results), results
    stored = [o for outcomes in results for o in outcomes if not isinstance(o, BaseException)]
    statuses = assert_history_is_whole_and_legal(race.engine)
    assert len(statuses) == len(stored) + 1 and stored
    if AgreementStatus.TERMINATED in statuses:  # whoever ended it, nothing came after
        assert statuses.index(AgreementStatus.TERMINATED) == len(statuses) - 1


def _hold_after_checking(monkeypatch: pytest.MonkeyPatch, loaders: int, then: Callable[[], None] | None = None) -> None:
    """Make every load wait, after its checks and before its first write, until all have checked (and ``then`` ran).

    This is the interleaving that stored terminated → draft: each load decides on what it read, then writes.
    """
    checked = threading.Barrier(loaders, action=then)
    original = importing._problems

    def problems_then_wait(session: Session, documents: Any) -> Any:
        found = original(session, documents)
        checked.wait(30)
        return found

    monkeypatch.setattr(importing, "_problems", problems_then_wait)


def _load(engine: Engine, agreement: Agreement) -> Any:
    with Session(engine, expire_on_commit=False) as own:
        document = RegistryDocument(source="race.yaml", agreements=(agreement,))
        return import_documents(session=own, documents=[document], actor="loader")


def test_two_loads_racing_on_one_agreement_store_one_and_refuse_the_other(
    race: Race, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(race.engine, _active())
    # From active both are allowed; after termination a move to awaiting signatures is not.
    rounds = [
        (_active(status=AgreementStatus.SUSPENDED), _active(title="Renamed while active")),
        (_active(status=AgreementStatus.ACTIVE, title="Resumed"), _active(status=AgreementStatus.TERMINATED)),
        (_active(status=AgreementStatus.TERMINATED), _active(status=AgreementStatus.AWAITING_SIGNATURES)),
    ]
    _hold_after_checking(monkeypatch, 2)
    for first, second in rounds:
        revision, status = _revision_now(race.engine)
        if status is AgreementStatus.TERMINATED:
            break
        results = _in_threads([lambda a=first: _load(race.engine, a), lambda a=second: _load(race.engine, a)])
        winners = [r for r in results if not isinstance(r, BaseException)]
        losers = [r for r in results if isinstance(r, BaseException)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert isinstance(losers[0], RegistryConflictError), repr(losers[0])
        assert losers[0].status == 409 and "nothing was stored" in losers[0].message
        assert _revision_now(race.engine)[0] == revision + 1
    assert_history_is_whole_and_legal(race.engine)


def test_a_load_checked_before_an_edit_terminated_the_agreement_is_refused(
    race: Race, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(race.engine, _active())

    def terminate() -> None:
        with Session(race.engine, expire_on_commit=False) as session:
            change_status(
                session=session,
                agreement_id=AGREEMENT,
                to=AgreementStatus.TERMINATED,
                reason="ended",
                account=race.lead,
            )

    # The load has checked active → awaiting signatures; the agreement is terminated before it writes.
    _hold_after_checking(monkeypatch, 1, then=terminate)
    with pytest.raises(RegistryConflictError, match="nothing was stored"):
        _load(race.engine, _active(status=AgreementStatus.AWAITING_SIGNATURES))
    statuses = assert_history_is_whole_and_legal(race.engine)
    assert statuses == [AgreementStatus.ACTIVE, AgreementStatus.TERMINATED]


def test_the_load_command_that_loses_a_race_says_so_and_exits_75(
    race: Race, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _load(race.engine, _active())
    path = tmp_path / "suspend.yaml"
    path.write_text(registry_yaml(registry_data(agreements=[_active(status=AgreementStatus.SUSPENDED)])))

    def terminate() -> None:
        with Session(race.engine, expire_on_commit=False) as session:
            change_status(
                session=session, agreement_id=AGREEMENT, to=AgreementStatus.TERMINATED, reason="r", account=race.lead
            )

    _hold_after_checking(monkeypatch, 1, then=terminate)
    result = race.app.test_cli_runner().invoke(args=["registry", "load", str(path)])
    assert result.exit_code == LOST_RACE_EXIT, result.output
    assert "Nothing was stored" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert assert_history_is_whole_and_legal(race.engine)[-1] is AgreementStatus.TERMINATED
    monkeypatch.undo()
    # The next load works: resuming is not allowed from terminated, so a title change of the terminated one is.
    path.write_text(
        registry_yaml(registry_data(agreements=[_active(status=AgreementStatus.TERMINATED, title="Ended")]))
    )
    again = race.app.test_cli_runner().invoke(args=["registry", "load", str(path)])
    assert again.exit_code == 0, again.output


def test_api_writers_racing_get_409_or_412_in_json(race: Race) -> None:
    with Session(race.engine, expire_on_commit=False) as session:
        create_agreement(session=session, agreement=_draft(), account=race.lead)
    from tests.registry.test_api import draft_document

    for round_number in range(3):
        revision, status = _revision_now(race.engine)

        def put(
            writer: int, revision: int = revision, status: AgreementStatus = status, round_number: int = round_number
        ) -> tuple[int, Any]:
            client = race.app.test_client()
            response = client.put(
                f"/api/v1/agreements/{AGREEMENT}",
                json={
                    "agreement": draft_document(title=f"API {round_number} {writer}", status=status),
                    "change_summary": f"writer {writer}",
                },
                headers={"Authorization": f"Bearer {race.token}", "If-Match": f'"{revision}"'},
            )
            return response.status_code, response.get_json()

        results = _in_threads([lambda w=w: put(w) for w in range(WRITERS)])
        codes = sorted(code for code, _ in results)
        assert codes.count(200) == 1 and all(code in (409, 412) for code in codes if code != 200), results
        assert all(body["code"] == code and body["message"] for code, body in results if code != 200)
    assert_history_is_whole_and_legal(race.engine)


def test_an_api_import_that_loses_a_race_is_a_409_in_json(race: Race, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    _load(race.engine, _active())
    with Session(race.engine, expire_on_commit=False) as session:
        admin = create_user(
            session=session,
            email="admin@example.org",
            name="Admin",
            role="admin",
            password=PASSWORD,
            organisation_id=None,
            actor="t",
        )
        _, token = create_token(session=session, user_id=admin.id, name="race", actor="t")

    def terminate() -> None:
        with Session(race.engine, expire_on_commit=False) as session:
            change_status(
                session=session, agreement_id=AGREEMENT, to=AgreementStatus.TERMINATED, reason="r", account=race.lead
            )

    client = race.app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = json.dumps(registry_data(agreements=[_active(status=AgreementStatus.SUSPENDED)]))
    _hold_after_checking(monkeypatch, 1, then=terminate)
    lost = client.post("/api/v1/imports", data=body, content_type="application/json", headers=headers)
    assert lost.status_code == 409 and lost.mimetype == "application/json", lost.data[:300]
    assert "nothing was stored" in lost.get_json()["message"]
    assert assert_history_is_whole_and_legal(race.engine) == [AgreementStatus.ACTIVE, AgreementStatus.TERMINATED]
    monkeypatch.undo()
    ended = json.dumps(registry_data(agreements=[_active(status=AgreementStatus.TERMINATED, title="Ended")]))
    again = client.post("/api/v1/imports", data=ended, content_type="application/json", headers=headers)
    assert again.status_code == 201 and again.get_json()["agreements"]["updated"] == 1
    assert_history_is_whole_and_legal(race.engine)


def test_save_agreement_checked_before_a_termination_is_refused(race: Race, monkeypatch: pytest.MonkeyPatch) -> None:
    from registry.services import agreements as agreement_services

    _load(race.engine, _active())
    original = agreement_services.agreement_problems

    def problems_then_terminate(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        with Session(race.engine, expire_on_commit=False) as session:
            change_status(
                session=session, agreement_id=AGREEMENT, to=AgreementStatus.TERMINATED, reason="r", account=race.lead
            )
        return found

    monkeypatch.setattr(agreement_services, "agreement_problems", problems_then_terminate)
    with Session(race.engine, expire_on_commit=False) as session, pytest.raises(RegistryConflictError):
        agreement_services.save_agreement(
            session=session, agreement=_active(status=AgreementStatus.SUSPENDED), actor="t"
        )
    assert assert_history_is_whole_and_legal(race.engine) == [AgreementStatus.ACTIVE, AgreementStatus.TERMINATED]
