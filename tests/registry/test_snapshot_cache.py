"""The compiled registry is cached per process, keyed by the registry version every write bumps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event
from sqlmodel import Session

from registry import create_app
from registry.extensions import db
from registry.services.agreements import save_agreement
from registry.services.common import registry_version
from registry.services.organisations import save_organisation
from registry.services.standard import load_standard_agreements
from tests.builders import CHILDRENS, make_agreement, make_childrens_services, make_organisation
from tests.conftest import PASSWORD, SERVER_URL, ClientAs, MakeAccount, _make_app
from tests.registry.questions import share_question


def _seed(session: Session) -> None:
    save_organisation(session=session, organisation=make_organisation(), actor="test")
    save_organisation(session=session, organisation=make_childrens_services(), actor="test")
    save_agreement(session=session, agreement=make_agreement(review_due=REVIEW), actor="test")


REVIEW = date(2099, 1, 1)


def _now_question() -> dict[str, Any]:
    # As of today: a revision recorded during the test governs from today, not from a date in the past.
    return share_question(as_of=None)


def _csrf_token(client: FlaskClient, page: str = "/") -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(page).get_data(as_text=True))
    assert found, f"no CSRF token on {page}"
    return found.group(1)


class _Statements:
    def __init__(self, engine: Engine) -> None:
        self.seen: list[str] = []
        event.listen(engine, "before_cursor_execute", self._record)
        self.engine = engine

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.seen.append(statement)

    def stop(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def test_every_write_bumps_the_version_and_an_unchanged_save_does_not(session: Session) -> None:
    epoch, start = registry_version(session)
    assert epoch and start == 0
    save_organisation(session=session, organisation=make_organisation(), actor="t")
    assert registry_version(session) == (epoch, 1)
    save_organisation(session=session, organisation=make_organisation(), actor="t")  # unchanged: no write
    assert registry_version(session) == (epoch, 1)
    save_organisation(session=session, organisation=make_childrens_services(), actor="t")
    save_agreement(session=session, agreement=make_agreement(), actor="t")
    assert registry_version(session) == (epoch, 3)
    load_standard_agreements(session=session)  # refused: the registry already has an agreement
    assert registry_version(session)[1] == 3


def test_a_check_reads_the_token_and_the_version_in_one_query_while_nothing_changes(
    app: Flask, engine: Engine, session: Session, client_as: ClientAs
) -> None:
    _seed(session)
    client = client_as("practitioner")
    first = client.post("/api/v1/checks", json=_now_question())
    assert first.status_code == 200 and first.get_json()["decision"] == "covered"
    with app.app_context():
        builds = db.snapshots.builds
    statements = _Statements(engine)
    try:
        again = client.post("/api/v1/checks", json=_now_question())
    finally:
        statements.stop()
    assert again.get_json() == first.get_json()
    with app.app_context():
        assert db.snapshots.builds == builds
    assert len(statements.seen) == 1, statements.seen
    assert "api_token" in statements.seen[0] and "registry_version" in statements.seen[0]


def test_a_check_by_a_signed_in_browser_reads_the_version_itself(
    app: Flask, engine: Engine, session: Session, make_account: MakeAccount
) -> None:
    _seed(session)
    account, _ = make_account("practitioner")
    client = app.test_client()
    form = _csrf_token(client, "/sign-in")
    signed_in = client.post("/sign-in", data={"email": account.email, "password": PASSWORD, "csrf_token": form})
    assert signed_in.status_code == 302
    first = client.post("/api/v1/checks", json=_now_question(), headers={"X-CSRFToken": _csrf_token(client)})
    assert first.status_code == 200 and first.get_json()["decision"] == "covered"
    statements = _Statements(engine)
    try:
        again = client.post("/api/v1/checks", json=_now_question(), headers={"X-CSRFToken": _csrf_token(client)})
    finally:
        statements.stop()
    assert again.get_json() == first.get_json()
    assert any("registry_version" in statement and "api_token" not in statement for statement in statements.seen)


def test_a_change_is_seen_by_the_next_check(app: Flask, session: Session, client_as: ClientAs) -> None:
    _seed(session)
    client = client_as("practitioner")
    assert client.post("/api/v1/checks", json=_now_question()).get_json()["decision"] == "covered"
    save_agreement(
        session=session, agreement=make_agreement(flows=(), review_due=REVIEW), actor="test", change_note="no flows"
    )
    assert client.post("/api/v1/checks", json=_now_question()).get_json()["decision"] != "covered"


def test_warming_builds_the_snapshot(app: Flask) -> None:
    assert db.warm(app) is True
    with app.app_context():
        assert db.snapshots.builds == 1


def test_warming_tolerates_a_database_not_set_up(empty_app: Flask) -> None:
    assert db.warm(empty_app) is False


@pytest.fixture
def two_instances(tmp_path: Path) -> Iterator[tuple[Flask, Flask]]:
    """Two apps on one database: the test server's, or a SQLite file both open."""
    url = SERVER_URL or f"sqlite:///{tmp_path / 'shared.sqlite'}"
    first = _make_app(url, tables=True)
    second = create_app({"TESTING": True, "DATABASE_URL": url})
    yield first, second
    for instance in (first, second):
        instance.extensions["registry.db"].dispose()


def test_two_instances_on_one_database_see_each_others_changes(two_instances: tuple[Flask, Flask]) -> None:
    from registry.services.accounts import create_token, create_user
    from schemas.agreement import AgreementSchema

    first, second = two_instances
    with Session(first.extensions["registry.db"]) as session:
        _seed(session)
        lead = create_user(
            session=session,
            email="lead@example.org",
            name="Lead",
            role="governance_lead",
            password="x" * 12,
            organisation_id=CHILDRENS,
            actor="t",
        )
        _, token = create_token(session=session, user_id=lead.id, name="t", actor="t")
    headers = {"Authorization": f"Bearer {token}"}
    a, b = first.test_client(), second.test_client()
    assert a.post("/api/v1/checks", json=_now_question(), headers=headers).get_json()["decision"] == "covered"
    assert b.post("/api/v1/checks", json=_now_question(), headers=headers).get_json()["decision"] == "covered"

    # An amendment made through the second instance's API (the flow is withdrawn)...
    tag = b.get("/api/v1/agreements/test-mash", headers=headers).headers["ETag"]
    body = {
        "agreement": AgreementSchema().dump(make_agreement(flows=(), review_due=REVIEW)),
        "change_summary": "no flows",
    }
    amended = b.put("/api/v1/agreements/test-mash", json=body, headers={**headers, "If-Match": tag})
    assert amended.status_code == 200, amended.get_json()
    # ...is what the first instance's very next check answers from.
    assert a.post("/api/v1/checks", json=_now_question(), headers=headers).get_json()["decision"] != "covered"


def test_a_snapshot_rebuilt_after_changes_answers_as_one_read_afresh(session: Session) -> None:
    import dataclasses

    from registry.services.checking import SnapshotCache, check_proposed_share
    from schemas.question import ShareAnswerSchema, ShareQuestionSchema
    from tests.registry.test_checking import STANDARD_QUESTIONS

    load_standard_agreements(session=session)
    cache = SnapshotCache()
    mash = cache.get(session).latest_revision("NS-MASH-ISA")
    assert mash is not None
    # Two amendments (one flow withdrawn, then the review date moved) and a renamed party, one after another.
    save_agreement(
        session=session,
        agreement=dataclasses.replace(mash.agreement, flows=mash.agreement.flows[1:]),
        actor="test",
        change_note="first flow withdrawn",
    )
    cache.get(session)
    latest = cache.get(session).latest_revision("NS-MASH-ISA")
    assert latest is not None and latest.revision == mash.revision + 1
    save_agreement(
        session=session,
        agreement=dataclasses.replace(latest.agreement, review_due=date(2099, 6, 30)),
        actor="test",
        change_note="review moved",
    )
    questions, answers = ShareQuestionSchema(), ShareAnswerSchema()
    for case in STANDARD_QUESTIONS:
        question = questions.load(case.body)
        from_cache = check_proposed_share(session=session, question=question, snapshots=cache)
        afresh = check_proposed_share(session=session, question=question)
        assert answers.dump(from_cache) == answers.dump(afresh), case.name
    assert cache.revisions_read == len(cache.get(session).histories) + 2  # each stored revision read once


def test_a_rebuild_reads_only_the_revisions_and_organisations_it_has_not_read(session: Session) -> None:
    from registry.services.checking import SnapshotCache

    _seed(session)
    cache = SnapshotCache()
    cache.get(session)
    assert cache.revisions_read == 1
    save_agreement(
        session=session, agreement=make_agreement(flows=(), review_due=REVIEW), actor="test", change_note="no flows"
    )
    rebuilt = cache.get(session)
    assert cache.builds == 2 and cache.revisions_read == 2  # the new revision only
    assert cache.organisations_read == 2  # both read at the first build, neither since
    assert [r.revision for r in rebuilt.histories["test-mash"]] == [1, 2]
    assert rebuilt.latest_revision("test-mash").agreement.flows == ()  # type: ignore[union-attr]
    # An organisation's change rebuilds too, and reads no revision again.
    save_organisation(session=session, organisation=make_organisation(name="Renamed Police"), actor="test")
    renamed = cache.get(session)
    assert cache.builds == 3 and cache.revisions_read == 2 and cache.organisations_read == 3
    assert renamed.organisations[make_organisation().id].name == "Renamed Police"
    assert renamed.organisations[CHILDRENS] is rebuilt.organisations[CHILDRENS]  # unchanged, so not read again


def test_a_revision_whose_stored_content_changed_is_read_again_and_a_new_epoch_reads_all(session: Session) -> None:
    from sqlalchemy import delete, update

    from registry.models import AgreementCategoryRow, AgreementPartyRow, AgreementRevisionRow, RegistryVersionRow
    from registry.services.checking import SnapshotCache
    from registry.services.common import bump_registry_version

    _seed(session)
    cache = SnapshotCache()
    cache.get(session)
    assert cache.revisions_read == 1
    # A database restored from a backup and written to again: revision 1 now holds other content.
    row = session.get(AgreementRevisionRow, ("test-mash", 1))
    assert row is not None
    row.content = {**row.content, "title": "Restored MASH agreement"}
    row.content_hash = "0" * 64
    bump_registry_version(session)
    session.commit()
    restored = cache.get(session).latest_revision("test-mash")
    assert cache.revisions_read == 2
    assert restored is not None and restored.agreement.title == "Restored MASH agreement"
    # The version table made afresh (another epoch): nothing read before is trusted.
    session.execute(update(RegistryVersionRow).values(epoch="another-database"))
    session.commit()
    cache.get(session)
    assert cache.revisions_read == 3
    # Rows gone from the database are gone from the snapshot.
    session.execute(delete(AgreementPartyRow))
    session.execute(delete(AgreementCategoryRow))
    session.execute(delete(AgreementRevisionRow))
    bump_registry_version(session)
    session.commit()
    assert cache.get(session).histories == {}
