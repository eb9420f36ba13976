"""Every route declares who may use it, and the declaration is what happens.

One test walks the whole URL map: a route with no rule fails it, anonymous callers get 401 (API)
or a redirect to sign in (pages), and every role the rule leaves out gets 403.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from registry.access import PUBLIC, rule_for
from registry.services.accounts import Role
from tests.conftest import MakeAccount

# The only routes anyone may use without signing in. Adding one must be a decision, made here.
PUBLIC_ENDPOINTS = {"health.Health", "auth.sign_in", "static", "verifications.SigningCertificate"}
CHECKED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _url(rule: str) -> str:
    # Any value will do for a path argument: access is decided before the record is looked up.
    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", lambda m: "1" if (m.group(1) or "").startswith("int") else "x", rule)


def test_every_route_declares_and_enforces_its_access_rule(app: Flask, make_account: MakeAccount) -> None:
    tokens = {role: make_account(role)[1] for role in Role}
    anonymous = app.test_client()
    checked = 0
    for url_rule in app.url_map.iter_rules():
        for method in sorted(set(url_rule.methods or ()) & set(CHECKED_METHODS)):
            endpoint = url_rule.endpoint
            rule = rule_for(app, endpoint, method)
            assert rule is not None, f"{method} {url_rule.rule} ({endpoint}) declares no access rule"
            assert (rule == PUBLIC) == (endpoint in PUBLIC_ENDPOINTS), f"{endpoint} public-ness changed"
            url = _url(url_rule.rule) if endpoint != "static" else "/static/registry.css"
            response = anonymous.open(url, method=method, json={} if method != "GET" else None)
            response.close()
            api = url.startswith("/api/")
            if rule.public:
                assert response.status_code not in (401, 403), f"{method} {url}"
                continue
            if api:
                assert response.status_code == 401, f"anonymous {method} {url}: {response.status_code}"
                assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
            else:
                assert response.status_code == 302, f"anonymous {method} {url}: {response.status_code}"
                assert response.headers["Location"].startswith("/sign-in")
            for role, token in tokens.items():
                headers = {"Authorization": f"Bearer {token}"}
                answer = anonymous.open(url, method=method, json={} if method != "GET" else None, headers=headers)
                if rule.allows(_account_with(role)):
                    assert answer.status_code not in (401, 403), f"{role} {method} {url}: {answer.status_code}"
                else:
                    assert answer.status_code == 403, f"{role} {method} {url}: {answer.status_code}"
            checked += 1
    assert checked >= 5


def _account_with(role: Role):  # type: ignore[no-untyped-def]
    from registry.services.accounts import Account

    return Account(0, "x@example.org", "x", role, None, True)


def test_a_route_without_a_rule_is_refused_not_open(app: Flask, auth_client: FlaskClient) -> None:
    @app.get("/undeclared")
    def undeclared() -> str:
        return "should not be reachable"

    assert rule_for(app, "undeclared", "GET") is None
    assert auth_client.get("/undeclared").status_code == 403


def test_a_revoked_or_wrong_token_is_401(app: Flask, make_account: MakeAccount) -> None:
    client = app.test_client()
    assert client.get("/api/v1/agreements", headers={"Authorization": "Bearer isa_not-a-real-token"}).status_code == 401
    assert client.get("/api/v1/agreements", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
    assert client.get("/api/v1/agreements", headers={"Authorization": "Bearer"}).status_code == 401
