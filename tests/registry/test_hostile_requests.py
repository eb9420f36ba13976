"""Hostile requests: bodies, URLs and methods no client should send get a clear 4xx in JSON, store nothing, and
the next good request still works."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from registry.services.organisations import save_organisation
from tests.builders import CHILDRENS, make_childrens_services, make_organisation
from tests.conftest import ClientAs
from tests.registry.helpers import table_counts
from tests.registry.test_api import draft_document


@pytest.fixture
def lead(session: Session, client_as: ClientAs) -> FlaskClient:
    """A governance lead of one of the test agreement's parties, both organisations stored."""
    save_organisation(session=session, organisation=make_organisation(), actor="test")
    save_organisation(session=session, organisation=make_childrens_services(), actor="test")
    return client_as("governance_lead", CHILDRENS)


def _good(client: FlaskClient) -> None:
    """The request the hostile one tried to spoil: it works, and stores the agreement."""
    created = client.post("/api/v1/agreements", json=draft_document())
    assert created.status_code == 201, created.get_json()
    assert client.get("/api/v1/agreements/test-mash").status_code == 200


def _body_with_the_id_twice() -> str:
    text = json.dumps(draft_document())
    return text.replace('"id": "test-mash"', '"id": "test-mash", "id": "other-mash"', 1)


HOSTILE_BODIES: dict[str, tuple[str, str]] = {
    # name: (body, what the message must say)
    "duplicate key": (_body_with_the_id_twice(), "key 'id' appears twice"),
    "100,000 levels of nesting": ("[" * 100_000 + "]" * 100_000, "nested more than 32 levels deep"),
    "nesting inside an object": ('{"agreement": ' + '{"a": ' * 40 + "1" + "}" * 41, "nested more than 32 levels"),
    "NaN": ('{"revision": NaN, "job_title": "x"}', "NaN is not a JSON number"),
    "Infinity": ('{"revision": -Infinity}', "Infinity is not a JSON number"),
    "a number of 5,000 digits": ('{"revision": ' + "9" * 5000 + "}", "a number longer than 30 characters"),
    "a float beyond any double": ('{"revision": 1e999}', "too large"),
    "not JSON at all": ("{'single': 'quotes'}", "not valid JSON"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_a_hostile_json_body_is_a_400_naming_the_problem(lead: FlaskClient, session: Session, name: str) -> None:
    body, expected = HOSTILE_BODIES[name]
    before = table_counts(session)
    response = lead.post("/api/v1/agreements", data=body, content_type="application/json")
    assert response.status_code == 400, response.data[:300]
    payload = response.get_json()
    assert payload["code"] == 400 and payload["status"] == "Bad Request"
    assert expected in payload["message"], payload["message"]
    assert len(payload["errors"]["json"]) == 1 and expected in payload["errors"]["json"][0]
    assert len(response.data) < 1_000  # the body is not echoed back
    assert table_counts(session) == before
    _good(lead)


def test_the_body_is_checked_on_every_json_endpoint(lead: FlaskClient, session: Session) -> None:
    _good(lead)
    before = table_counts(session)
    for url in (
        "/api/v1/agreements/test-mash/transitions",
        "/api/v1/checks",
        "/api/v1/tokens",
    ):
        response = lead.post(url, data='{"to": "terminated", "to": "draft"}', content_type="application/json")
        assert response.status_code == 400 and "key 'to' appears twice" in response.get_json()["message"], url
    put = lead.put(
        "/api/v1/agreements/test-mash",
        data=_body_with_the_id_twice(),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert put.status_code == 400 and "appears twice" in put.get_json()["message"]
    assert table_counts(session) == before
    moved = lead.post("/api/v1/agreements/test-mash/transitions", json={"to": "awaiting_signatures", "reason": "r"})
    assert moved.status_code == 200, moved.get_json()


def test_a_body_that_is_not_utf8_is_a_400(lead: FlaskClient, session: Session) -> None:
    before = table_counts(session)
    response = lead.post("/api/v1/agreements", data=b'{"id": "\xff\xfe"}', content_type="application/json")
    assert response.status_code == 400 and "UTF-8" in response.get_json()["errors"]["json"][0]
    assert table_counts(session) == before
    _good(lead)


def test_a_stranger_with_a_hostile_body_is_refused_by_the_access_check_first(app: Flask) -> None:
    response = app.test_client().post("/api/v1/agreements", data="[" * 100_000, content_type="application/json")
    assert response.status_code == 401 and response.mimetype == "application/json"


def test_the_parsed_body_is_the_one_the_view_gets(app: Flask, lead: FlaskClient) -> None:
    # The view reads request.get_json(): it is the strictly parsed body, not a second, laxer parse.
    seen: dict[str, Any] = {}

    @app.after_request
    def record(response: Any) -> Any:
        from flask import request

        if request.is_json:
            seen["body"] = request.get_json(silent=True)
        return response

    lead.post("/api/v1/agreements/none/transitions", json={"to": "draft", "reason": "r"})
    assert seen["body"] == {"to": "draft", "reason": "r"}


def test_wrong_content_type_and_oversized_body_are_json_and_store_nothing(
    app: Flask, lead: FlaskClient, session: Session
) -> None:
    before = table_counts(session)
    wrong = lead.post("/api/v1/agreements", data=json.dumps(draft_document()), content_type="text/plain")
    assert wrong.status_code == 415 and wrong.mimetype == "application/json"
    assert "application/json" in wrong.get_json()["message"]
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1_000
    try:
        big = lead.post("/api/v1/agreements", json=draft_document(title="x" * 5_000))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert big.status_code == 413 and big.mimetype == "application/json"
    assert big.get_json()["code"] == 413 and "1000 bytes" in big.get_json()["message"]
    assert table_counts(session) == before
    _good(lead)


@pytest.mark.parametrize("where", ["path", "query"])
def test_a_url_too_long_is_a_414_in_json_under_the_api(app: Flask, lead: FlaskClient, where: str) -> None:
    limit = app.config["MAX_URL_LENGTH"]
    long_url = "/api/v1/agreements/" + "a" * limit if where == "path" else "/api/v1/agreements?title=" + "a" * limit
    response = lead.get(long_url)
    assert response.status_code == 414 and response.mimetype == "application/json"
    payload = response.get_json()
    assert payload["code"] == 414 and f"{limit} characters" in payload["message"]
    # Refused before the access check: a stranger gets the same answer without a database read.
    assert app.test_client().get(long_url).status_code == 414
    page = lead.get("/agreements?q=" + "a" * limit)
    assert page.status_code == 414 and page.mimetype == "text/html"
    _good(lead)
    assert lead.get("/api/v1/agreements?page=1").status_code == 200


def test_the_url_limit_is_configurable(client_as: ClientAs) -> None:
    from registry import create_app

    small = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "MAX_URL_LENGTH": 50})
    client = small.test_client()
    assert client.get("/api/v1/health?x=" + "a" * 60).status_code == 414
    small.extensions["registry.db"].dispose()


def test_a_wrong_method_is_a_405_with_allow(lead: FlaskClient) -> None:
    response = lead.delete("/api/v1/health")
    assert response.status_code == 405 and response.mimetype == "application/json"
    assert set(response.headers["Allow"].split(", ")) >= {"GET"}
    on_agreements = lead.patch("/api/v1/agreements", json={})
    assert on_agreements.status_code == 405 and "POST" in on_agreements.headers["Allow"]
    _good(lead)


@pytest.mark.parametrize("revision", ["9" * 30, "2147483648", "-1", "0", "1e9", "abc"])
def test_a_revision_out_of_range_is_a_4xx_not_a_500(lead: FlaskClient, revision: str) -> None:
    _good(lead)
    response = lead.get(f"/api/v1/agreements/test-mash?revision={revision}")
    assert response.status_code in (404, 422) and response.mimetype == "application/json"
    assert lead.get("/api/v1/agreements/test-mash?revision=1").status_code == 200
