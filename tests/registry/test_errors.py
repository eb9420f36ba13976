"""One error policy: JSON under /api in smorest's shape, the error page elsewhere, never a 500."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from registry import create_app
from tests.conftest import ClientAs


def test_malformed_json_wrong_type_and_oversized_bodies_are_4xx_json(app: Flask, client_as: ClientAs) -> None:
    client = client_as("practitioner")
    bad = client.post("/api/v1/checks", data="{not json", content_type="application/json")
    assert bad.status_code == 400 and bad.get_json()["errors"]["json"][0].startswith("line 1: not valid JSON")
    form = client.post("/api/v1/checks", data="a=b", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and "application/json" in form.get_json()["message"]
    app.config["MAX_CONTENT_LENGTH"] = 100
    big = client.post("/api/v1/checks", json={"discloser": "x" * 500})
    assert big.status_code == 413 and "100 bytes" in big.get_json()["message"]
    assert big.get_json()["status"] == "Request Entity Too Large"
    wrong_shape = client.post("/api/v1/checks", json=[1, 2])
    assert wrong_shape.status_code == 422


def test_unknown_ids_are_404_in_the_callers_format(auth_client: FlaskClient) -> None:
    api = auth_client.get("/api/v1/agreements/no-such")
    assert api.status_code == 404 and api.get_json()["code"] == 404 and "no-such" in api.get_json()["message"]
    page = auth_client.get("/agreements/no-such")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert auth_client.get("/api/v1/no-such-resource").get_json()["code"] == 404
    assert auth_client.delete("/api/v1/health").status_code == 405


def test_a_database_not_set_up_is_a_503_naming_the_command(empty_app: Flask) -> None:
    client = empty_app.test_client()
    health = client.get("/api/v1/health")
    assert health.status_code == 503 and "registry init-db" in health.get_json()["message"]
    signed_in = client.get("/api/v1/agreements", headers={"Authorization": "Bearer isa_whatever"})
    assert signed_in.status_code == 503
    page = client.get("/sign-in")
    assert page.status_code == 200  # the sign-in page itself needs no database
    posted = client.get("/")  # the session lookup finds no user table... or no user: never a 500
    assert posted.status_code in (302, 503)


def test_an_unreachable_database_is_a_503_saying_so() -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql+psycopg://nobody:x@127.0.0.1:1/none"})
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 503 and "cannot be reached" in response.get_json()["message"]
    app.extensions["registry.db"].dispose()


def test_the_health_check_needs_no_sign_in_and_reports_the_registry_version(client: FlaskClient) -> None:
    health = client.get("/api/v1/health")
    assert health.status_code == 200 and health.get_json() == {"status": "ok", "registry_version": 0}


def test_a_concurrent_write_lock_is_a_409_not_a_503() -> None:
    from sqlalchemy.exc import OperationalError

    from registry.errors import database_error

    locked = database_error(OperationalError("UPDATE agreement", {}, Exception("database is locked")))
    assert locked.status == 409
    missing = database_error(OperationalError("SELECT", {}, Exception("no such table: agreement")))
    assert missing.status == 503 and "init-db" in missing.message
