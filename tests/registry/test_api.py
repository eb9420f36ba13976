"""The API v1 end to end: every endpoint's success path and its errors, through the test client."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from agreements.model import AgreementStatus
from registry.services.organisations import save_organisation
from registry.services.standard import load_standard_agreements
from schemas.agreement import AgreementSchema, OrganisationSchema
from tests.builders import CHILDRENS, POLICE, make_agreement, make_childrens_services, make_organisation, replace
from tests.conftest import SERVER_URL, ClientAs, _make_app
from tests.registry.questions import question_facts, share_question

REVIEW = date(2099, 1, 1)


def draft_document(**overrides: Any) -> dict[str, Any]:
    """An unsigned draft of the test MASH agreement, as JSON."""
    base = make_agreement(status=AgreementStatus.DRAFT, effective_from=None, review_due=REVIEW)
    agreement = replace(base, parties=tuple(replace(p, signatory=None) for p in base.parties), **overrides)
    document: dict[str, Any] = AgreementSchema().dump(agreement)
    return document


@dataclass
class World:
    """Clients for each kind of user, and the two organisations of the test agreement stored."""

    admin: FlaskClient
    lead: FlaskClient
    other_lead: FlaskClient
    police_signatory: FlaskClient
    childrens_signatory: FlaskClient
    practitioner: FlaskClient
    auditor: FlaskClient
    anonymous: FlaskClient


@pytest.fixture
def world(app: Flask, session: Session, client_as: ClientAs) -> World:
    save_organisation(session=session, organisation=make_organisation(), actor="test")
    save_organisation(session=session, organisation=make_childrens_services(), actor="test")
    return World(
        admin=client_as("admin"),
        lead=client_as("governance_lead", CHILDRENS),
        other_lead=client_as("governance_lead"),
        police_signatory=client_as("signatory", POLICE),
        childrens_signatory=client_as("signatory", CHILDRENS),
        practitioner=client_as("practitioner", POLICE),
        auditor=client_as("auditor"),
        anonymous=app.test_client(),
    )


def _create(world: World, **overrides: Any) -> Any:
    response = world.lead.post("/api/v1/agreements", json=draft_document(**overrides))
    assert response.status_code == 201, response.get_json()
    return response


def _activate(world: World) -> None:
    _create(world)
    moved = world.lead.post(
        "/api/v1/agreements/test-mash/transitions", json={"to": "awaiting_signatures", "reason": "r"}
    )
    assert moved.status_code == 200, moved.get_json()
    first = world.police_signatory.post(
        "/api/v1/agreements/test-mash/signatures", json={"revision": 2, "job_title": "CC"}
    )
    assert first.status_code == 201, first.get_json()
    second = world.childrens_signatory.post(
        "/api/v1/agreements/test-mash/signatures", json={"revision": 3, "job_title": "Director"}
    )
    assert second.status_code == 201 and second.get_json()["agreement"]["status"] == "active"


def test_create_get_and_etag(world: World) -> None:
    created = _create(world)
    assert created.headers["ETag"] == '"1"' and created.headers["Location"].endswith("/api/v1/agreements/test-mash")
    body = created.get_json()
    assert body["revision"] == 1 and body["agreement"]["status"] == "draft"
    got = world.auditor.get("/api/v1/agreements/test-mash")
    assert got.status_code == 200 and got.headers["ETag"] == '"1"'
    assert world.auditor.get("/api/v1/agreements/test-mash?revision=9").status_code == 404
    assert world.auditor.get("/api/v1/agreements/test-mash?revision=zero").status_code == 422


def test_create_errors(world: World) -> None:
    active = world.lead.post("/api/v1/agreements", json=draft_document(status=AgreementStatus.ACTIVE))
    assert active.status_code == 422 and "status" in active.get_json()["errors"]["json"]
    unknown_field = world.lead.post("/api/v1/agreements", json={**draft_document(), "colour": "blue"})
    assert unknown_field.status_code == 422 and "colour" in unknown_field.get_json()["errors"]["json"]
    bad_term = draft_document()
    bad_term["flows"][0]["data_categories"] = ["identty"]
    refused = world.lead.post("/api/v1/agreements", json=bad_term)
    assert refused.status_code == 422
    assert any("identty" in " ".join(m) for m in refused.get_json()["errors"]["json"].values())
    assert world.other_lead.post("/api/v1/agreements", json=draft_document()).status_code == 403
    _create(world)
    assert world.admin.post("/api/v1/agreements", json=draft_document()).status_code == 409


def test_list_filters_and_pagination(world: World, session: Session) -> None:
    load_standard_agreements(session=session)
    _create(world)
    everything = world.practitioner.get("/api/v1/agreements")
    assert everything.status_code == 200 and len(everything.get_json()) == 5
    assert json.loads(everything.headers["X-Pagination"])["total"] == 5

    def ids(query: str) -> set[str]:
        response = world.practitioner.get(f"/api/v1/agreements?{query}")
        assert response.status_code == 200, response.get_json()
        return {item["id"] for item in response.get_json()}

    assert ids("kind=marac") == {"NS-MARAC-ISA"}
    assert ids("status=draft") == {"test-mash"}
    assert ids("party=st-aidans-primary") == {"NS-MASH-ISA"}
    assert ids("party=hmp-northgate") == {"NS-MAPPA-ISA"}
    # The test agreement's flow permits "health", so it covers "mental-health" too; "identity" is everywhere.
    assert "test-mash" in ids("data_category=mental-health")
    assert "test-mash" not in ids("data_category=police-intelligence")
    assert ids("review_due_before=2000-01-01") == set()
    assert "test-mash" not in ids("review_due_before=2090-01-01")
    page = world.practitioner.get("/api/v1/agreements?page=2&page_size=3")
    assert len(page.get_json()) == 2
    meta = json.loads(page.headers["X-Pagination"])
    assert (meta["page"], meta["total_pages"], meta["previous_page"]) == (2, 2, 1)
    assert world.practitioner.get("/api/v1/agreements?kind=wizard").status_code == 422
    typo = world.practitioner.get("/api/v1/agreements?data_category=mental-helth&party=northshire-polise")
    assert typo.status_code == 422
    errors = typo.get_json()["errors"]["json"]
    assert "did you mean 'mental-health'" in errors["data_category"][0]
    assert "did you mean 'northshire-police'" in errors["party"][0]
    assert world.practitioner.get("/api/v1/agreements?page_size=0").status_code == 422


def test_amend_requires_if_match_and_refuses_stale(world: World) -> None:
    _create(world)
    body = {"agreement": draft_document(title="Amended title"), "change_summary": "retitled"}
    missing = world.lead.put("/api/v1/agreements/test-mash", json=body)
    assert missing.status_code == 428
    star = world.lead.put("/api/v1/agreements/test-mash", json=body, headers={"If-Match": "*"})
    assert star.status_code == 428
    amended = world.lead.put("/api/v1/agreements/test-mash", json=body, headers={"If-Match": '"1"'})
    assert amended.status_code == 200 and amended.headers["ETag"] == '"2"'
    stale = world.lead.put(
        "/api/v1/agreements/test-mash",
        json={"agreement": draft_document(title="Lost"), "change_summary": "x"},
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert world.auditor.get("/api/v1/agreements/test-mash").get_json()["agreement"]["title"] == "Amended title"
    garbage = world.lead.put("/api/v1/agreements/test-mash", json=body, headers={"If-Match": '"abc"'})
    assert garbage.status_code == 412
    forbidden = world.other_lead.put("/api/v1/agreements/test-mash", json=body, headers={"If-Match": '"2"'})
    assert forbidden.status_code == 403
    nowhere = world.lead.put("/api/v1/agreements/nope", json=body, headers={"If-Match": '"1"'})
    assert nowhere.status_code == 404
    invalid = world.lead.put(
        "/api/v1/agreements/test-mash",
        json={"agreement": draft_document(), "change_summary": ""},
        headers={"If-Match": '"2"'},
    )
    assert invalid.status_code == 422


def test_transitions_signatures_and_revisions(world: World) -> None:
    _create(world)
    illegal = world.lead.post("/api/v1/agreements/test-mash/transitions", json={"to": "active", "reason": "go"})
    assert illegal.status_code == 409 and "awaiting_signatures" in json.dumps(illegal.get_json()["errors"])
    unknown_status = world.lead.post("/api/v1/agreements/test-mash/transitions", json={"to": "live", "reason": "go"})
    assert unknown_status.status_code == 422
    stale = world.lead.post(
        "/api/v1/agreements/test-mash/transitions",
        json={"to": "awaiting_signatures", "reason": "r"},
        headers={"If-Match": '"7"'},
    )
    assert stale.status_code == 412
    _sent = world.lead.post(
        "/api/v1/agreements/test-mash/transitions",
        json={"to": "awaiting_signatures", "reason": "r"},
        headers={"If-Match": '"1"'},
    )
    assert _sent.status_code == 200 and _sent.headers["ETag"] == '"2"'
    lead_signs = world.lead.post("/api/v1/agreements/test-mash/signatures", json={"revision": 2, "job_title": "X"})
    assert lead_signs.status_code == 403
    signed = world.police_signatory.post(
        "/api/v1/agreements/test-mash/signatures", json={"revision": 2, "job_title": "CC"}
    )
    assert signed.status_code == 201
    again = world.police_signatory.post(
        "/api/v1/agreements/test-mash/signatures", json={"revision": 3, "job_title": "CC"}
    )
    assert again.status_code == 409
    world.childrens_signatory.post("/api/v1/agreements/test-mash/signatures", json={"revision": 2, "job_title": "Dir"})
    signatures = world.auditor.get("/api/v1/agreements/test-mash/signatures").get_json()
    assert [s["organisation_id"] for s in signatures] == [POLICE, CHILDRENS]
    revisions = world.auditor.get("/api/v1/agreements/test-mash/revisions").get_json()
    assert [r["status"] for r in revisions] == ["draft", "awaiting_signatures", "awaiting_signatures", "active"]
    assert world.auditor.get("/api/v1/agreements/nope/revisions").status_code == 404
    assert world.auditor.get("/api/v1/agreements/nope/signatures").status_code == 404


def test_stale_signing_is_refused(world: World) -> None:
    _create(world)
    world.lead.post("/api/v1/agreements/test-mash/transitions", json={"to": "awaiting_signatures", "reason": "r"})
    world.lead.put(
        "/api/v1/agreements/test-mash",
        json={
            "agreement": draft_document(status=AgreementStatus.AWAITING_SIGNATURES, title="T2"),
            "change_summary": "x",
        },
        headers={"If-Match": '"2"'},
    )
    stale = world.police_signatory.post(
        "/api/v1/agreements/test-mash/signatures", json={"revision": 2, "job_title": "CC"}
    )
    assert stale.status_code == 412 and "revision" in stale.get_json()["errors"]["json"]


def test_copies_diff_and_changes(world: World, session: Session) -> None:
    load_standard_agreements(session=session)
    copy = world.admin.post("/api/v1/agreements/NS-MASH-ISA/copies", json={"id": "east-mash", "title": "East MASH"})
    assert copy.status_code == 201 and copy.get_json()["agreement"]["status"] == "draft"
    assert world.admin.post("/api/v1/agreements/nope/copies", json={"id": "x", "title": "X"}).status_code == 404
    assert (
        world.admin.post("/api/v1/agreements/NS-MASH-ISA/copies", json={"id": "bad id", "title": "X"}).status_code
        == 422
    )
    _create(world)
    world.lead.put(
        "/api/v1/agreements/test-mash",
        json={"agreement": draft_document(title="New title", data_subjects=("child",)), "change_summary": "narrowed"},
        headers={"If-Match": '"1"', "X-Request-ID": "change-42"},
    )
    diff = world.auditor.get("/api/v1/agreements/test-mash/diff?from=1&to=2")
    assert diff.status_code == 200
    changes = {c["path"]: c for c in diff.get_json()["changes"]}
    assert changes["title"]["before"] == "Test MASH agreement" and changes["title"]["after"] == "New title"
    assert changes["data_subjects"]["change"] == "changed"
    assert world.auditor.get("/api/v1/agreements/test-mash/diff?from=1&to=5").status_code == 404
    assert world.auditor.get("/api/v1/agreements/test-mash/diff?from=1").status_code == 422
    log = world.auditor.get("/api/v1/agreements/test-mash/changes")
    entries = log.get_json()
    assert [e["action"] for e in entries] == ["create", "amend"]
    assert entries[1]["request_id"] == "change-42" and entries[1]["before"]["revision"] == 1
    assert entries[1]["actor"].startswith("governance_lead-")
    assert json.loads(log.headers["X-Pagination"])["total"] == 2
    assert world.auditor.get("/api/v1/agreements/nope/changes").status_code == 404


def test_organisations_api(world: World) -> None:
    listed = world.practitioner.get("/api/v1/organisations").get_json()
    assert {o["id"] for o in listed} >= {POLICE, CHILDRENS}
    got = world.auditor.get(f"/api/v1/organisations/{POLICE}")
    assert got.status_code == 200 and got.headers["ETag"]
    assert world.auditor.get("/api/v1/organisations/nope").status_code == 404
    new = OrganisationSchema().dump(make_organisation(id="new-org", name="New Org"))
    created = world.lead.post("/api/v1/organisations", json=new)
    assert created.status_code == 201 and created.headers["Location"].endswith("/new-org")
    assert world.lead.post("/api/v1/organisations", json=new).status_code == 409
    assert world.lead.post("/api/v1/organisations", json={**new, "id": "x", "type": "wizard"}).status_code == 422
    renamed = {**new, "name": "Renamed"}
    assert world.admin.put("/api/v1/organisations/new-org", json=renamed).status_code == 428
    tag = created.headers["ETag"]
    # A governance lead amends only their own organisation's record.
    assert world.lead.put("/api/v1/organisations/new-org", json=renamed, headers={"If-Match": tag}).status_code == 403
    amended = world.admin.put("/api/v1/organisations/new-org", json=renamed, headers={"If-Match": tag})
    assert amended.status_code == 200 and amended.headers["ETag"] != tag
    assert world.admin.put("/api/v1/organisations/new-org", json=new, headers={"If-Match": tag}).status_code == 412
    assert world.admin.put("/api/v1/organisations/nope", json=new, headers={"If-Match": tag}).status_code == 404
    own = world.lead.get(f"/api/v1/organisations/{CHILDRENS}")
    changed = {**own.get_json(), "address": "1 County Hall"}
    mine = world.lead.put(f"/api/v1/organisations/{CHILDRENS}", json=changed, headers={"If-Match": own.headers["ETag"]})
    assert mine.status_code == 200 and mine.get_json()["address"] == "1 County Hall"


def test_vocabulary_and_lint(world: World) -> None:
    vocabulary = world.practitioner.get("/api/v1/vocabulary").get_json()
    categories = {c["id"]: c for c in vocabulary["data_categories"]}
    assert categories["mental-health"]["parent"] == "health" and categories["mental-health"]["special_category"]
    assert vocabulary["version"] and vocabulary["purposes"]
    linted = world.practitioner.post("/api/v1/lint?as_of=2026-01-01", json=draft_document())
    assert linted.status_code == 200 and linted.get_json()["agreement_id"] == "test-mash"
    codes = {f["code"] for f in linted.get_json()["findings"]}
    assert codes, "a draft with a health flow and no Art 9 condition has findings"
    assert world.practitioner.post("/api/v1/lint", json={"id": "x"}).status_code == 422


def test_checks_batch_and_authzen(world: World, session: Session) -> None:
    _activate(world)
    question = share_question(as_of=None)
    single = world.practitioner.post("/api/v1/checks", json=question)
    assert single.status_code == 200 and single.get_json()["decision"] == "covered"
    other = share_question(as_of=None, purpose="child-protection-enquiry")
    batch = world.practitioner.post("/api/v1/checks/batch", json={"questions": [question, other]})
    assert batch.status_code == 200
    answers = batch.get_json()["answers"]
    assert answers[0] == single.get_json() and answers[1]["decision"] != "covered"
    bad = world.practitioner.post(
        "/api/v1/checks/batch", json={"questions": [question, {**question, "purpose": "nope"}]}
    )
    assert bad.status_code == 422 and "questions[1].purpose" in bad.get_json()["errors"]["json"]
    assert world.practitioner.post("/api/v1/checks/batch", json={"questions": []}).status_code == 422

    moved = ("discloser", "recipient", "data_categories", "purpose")
    evaluation = {
        "subject": {"type": "organisation", "id": question["discloser"]},
        "resource": {
            "type": "organisation",
            "id": question["recipient"],
            "properties": {"data_categories": question["data_categories"]},
        },
        "action": {"name": question["purpose"]},
        "context": question_facts(question, moved=moved),
    }
    allowed = world.practitioner.post("/api/v1/authzen/access/v1/evaluation", json=evaluation)
    assert allowed.status_code == 200, allowed.get_json()
    assert allowed.get_json()["decision"] is True and allowed.get_json()["context"]["answer"] == single.get_json()
    refused = world.practitioner.post(
        "/api/v1/authzen/access/v1/evaluation", json={**evaluation, "action": {"name": "child-protection-enquiry"}}
    )
    assert refused.get_json()["decision"] is False
    assert refused.get_json()["context"]["answer"]["decision"] == answers[1]["decision"]
    clash = world.practitioner.post(
        "/api/v1/authzen/access/v1/evaluation",
        json={**evaluation, "context": {**evaluation["context"], "purpose": "x"}},
    )
    assert clash.status_code == 422 and "context.purpose" in clash.get_json()["errors"]["json"]
    unknown_purpose = world.practitioner.post(
        "/api/v1/authzen/access/v1/evaluation", json={**evaluation, "action": {"name": "no-such-purpose"}}
    )
    assert unknown_purpose.status_code == 422 and "action.name" in unknown_purpose.get_json()["errors"]["json"]
    missing_fact = {**evaluation, "context": {}}
    incomplete = world.practitioner.post("/api/v1/authzen/access/v1/evaluation", json=missing_fact)
    assert incomplete.status_code == 422
    assert any(path.startswith("context.") for path in incomplete.get_json()["errors"]["json"])
    outsider = {
        **evaluation,
        "resource": {
            "type": "recipient-type",
            "id": "member-of-the-public",
            "properties": {"data_categories": ["identity"]},
        },
    }
    public = world.practitioner.post("/api/v1/authzen/access/v1/evaluation", json=outsider)
    assert public.status_code == 200 and public.get_json()["decision"] is False


def test_import_and_export(world: World) -> None:
    _create(world)
    exported = world.auditor.get("/api/v1/exports?format=json")
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    assert "test-mash" in exported.get_data(as_text=True)
    yaml_export = world.auditor.get("/api/v1/exports")
    assert yaml_export.mimetype == "application/yaml"
    assert world.auditor.get("/api/v1/exports?format=xml").status_code == 422
    # Re-importing the export changes nothing.
    again = world.admin.post("/api/v1/imports", data=yaml_export.get_data(), content_type="application/yaml")
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["agreements"] == {"created": 0, "updated": 0, "unchanged": 0}
    assert again.get_json()["revisions"]["created"] == 0
    bad = "organisations:\n  - id: broken\n    name: Broken\n    type: wizard\n    public_authority: true\n"
    refused = world.admin.post("/api/v1/imports", data=bad, content_type="application/yaml")
    assert refused.status_code == 422
    assert any("line" in " ".join(m) for m in refused.get_json()["errors"]["json"].values())
    assert world.admin.post("/api/v1/imports", data="x", content_type="text/plain").status_code == 415
    assert world.admin.post("/api/v1/imports", data="{bad", content_type="application/json").status_code == 422
    assert world.lead.post("/api/v1/imports", data=bad, content_type="application/yaml").status_code == 403


@pytest.mark.parametrize("path", ["/api/v1/agreements", "/api/v1/organisations"])
def test_write_routes_refuse_roles_that_must_not_write(world: World, path: str) -> None:
    body = draft_document() if path.endswith("agreements") else OrganisationSchema().dump(make_organisation(id="z"))
    for client in (world.practitioner, world.auditor, world.police_signatory):
        assert client.post(path, json=body).status_code == 403
    assert world.anonymous.post(path, json=body).status_code == 401


def test_two_clients_amending_from_one_etag_exactly_one_wins(tmp_path: Path, client_as: ClientAs) -> None:
    app = _make_app(SERVER_URL or f"sqlite:///{tmp_path / 'race.sqlite'}", tables=True)
    try:
        with Session(app.extensions["registry.db"]) as session:
            save_organisation(session=session, organisation=make_organisation(), actor="t")
            save_organisation(session=session, organisation=make_childrens_services(), actor="t")
        from registry.services.accounts import create_token, create_user

        with Session(app.extensions["registry.db"]) as session:
            lead = create_user(
                session=session,
                email="l@example.org",
                name="L",
                role="governance_lead",
                password="x" * 12,
                organisation_id=CHILDRENS,
                actor="t",
            )
            _, token = create_token(session=session, user_id=lead.id, name="t", actor="t")
        headers = {"Authorization": f"Bearer {token}"}
        assert app.test_client().post("/api/v1/agreements", json=draft_document(), headers=headers).status_code == 201
        for round_number in range(4):
            tag = app.test_client().get("/api/v1/agreements/test-mash", headers=headers).headers["ETag"]
            barrier = threading.Barrier(2)
            statuses: dict[str, int] = {}

            def amend(
                title: str, tag: str = tag, barrier: threading.Barrier = barrier, statuses: dict[str, int] = statuses
            ) -> None:
                client = app.test_client()
                body = {"agreement": draft_document(title=title), "change_summary": title}
                barrier.wait()
                response = client.put("/api/v1/agreements/test-mash", json=body, headers={**headers, "If-Match": tag})
                statuses[title] = response.status_code

            titles = [f"A{round_number}", f"B{round_number}"]
            threads = [threading.Thread(target=amend, args=(t,)) for t in titles]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            assert sorted(statuses.values()) == [200, 412], statuses
            winner = next(title for title, status in statuses.items() if status == 200)
            stored = app.test_client().get("/api/v1/agreements/test-mash", headers=headers)
            assert stored.get_json()["agreement"]["title"] == winner
            assert stored.headers["ETag"] == f'"{round_number + 2}"'
            revisions = app.test_client().get("/api/v1/agreements/test-mash/revisions", headers=headers).get_json()
            assert len(revisions) == round_number + 2
    finally:
        app.extensions["registry.db"].dispose()


def test_the_openapi_document_says_how_to_authenticate(auth_client: FlaskClient) -> None:
    spec = auth_client.get("/api/openapi.json").get_json()
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/health"]["get"]["security"] == []
    assert "/api/v1/authzen/access/v1/evaluation" in spec["paths"]
