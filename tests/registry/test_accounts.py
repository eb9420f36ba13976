"""Accounts: password hashing, lock-out after failed sign-ins, API tokens, the sign-in pages, headers, CLI."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete
from sqlmodel import Session, select

from registry.models import ApiTokenRow, ChangeLogRow, RegistryVersionRow, UserRow
from registry.services.accounts import (
    AccountLockedError,
    Role,
    SignInError,
    account_for_token,
    authenticate,
    create_token,
    create_user,
    list_tokens,
    revoke_token,
    sign_in_by_token,
    update_user,
)
from registry.services.common import registry_version, utcnow
from registry.services.errors import RegistryConflictError, RegistryNotFoundError, RegistryValidationError
from registry.services.organisations import save_organisation
from tests.builders import make_organisation
from tests.conftest import PASSWORD, ClientAs, MakeAccount


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)


def _sign_in(client: FlaskClient, email: str, password: str, next_url: str = "") -> object:
    page = client.get("/sign-in").get_data(as_text=True)
    return client.post(
        "/sign-in" + (f"?next={next_url}" if next_url else ""),
        data={"email": email, "password": password, "csrf_token": _csrf(page)},
    )


def test_passwords_are_stored_as_argon2id_hashes(session: Session, make_account: MakeAccount) -> None:
    account, _ = make_account(Role.AUDITOR)
    row = session.get(UserRow, account.id)
    assert row is not None
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash


def test_users_are_validated(session: Session, make_account: MakeAccount) -> None:
    with pytest.raises(RegistryValidationError) as error:
        create_user(session=session, email="nope", name=" ", role="wizard", password="short", actor="t")
    assert {p.path for p in error.value.problems} == {"email", "name", "role", "password"}
    with pytest.raises(RegistryValidationError) as error:
        create_user(session=session, email="s@example.org", name="S", role="signatory", password=PASSWORD, actor="t")
    assert [p.path for p in error.value.problems] == ["organisation_id"]
    account, _ = make_account(Role.AUDITOR)
    with pytest.raises(RegistryConflictError):
        create_user(
            session=session, email=account.email.upper(), name="Again", role="auditor", password=PASSWORD, actor="t"
        )


def test_sign_in_checks_the_password_and_locks_after_repeated_failures(
    session: Session, make_account: MakeAccount
) -> None:
    account, _ = make_account(Role.PRACTITIONER)
    assert authenticate(session=session, email=account.email.upper(), password=PASSWORD).id == account.id
    with pytest.raises(SignInError):
        authenticate(session=session, email="nobody@example.org", password=PASSWORD)
    for _ in range(2):
        with pytest.raises(SignInError) as error:
            authenticate(session=session, email=account.email, password="wrong", max_failures=3)
        assert not isinstance(error.value, AccountLockedError)
    with pytest.raises(AccountLockedError):
        authenticate(session=session, email=account.email, password="wrong", max_failures=3)
    # Locked: even the right password is refused, and the lock is in the database for every instance to see.
    with pytest.raises(AccountLockedError):
        authenticate(session=session, email=account.email, password=PASSWORD, max_failures=3)
    row = session.get(UserRow, account.id)
    assert row is not None and row.locked_until is not None
    later = utcnow() + timedelta(minutes=16)
    assert authenticate(session=session, email=account.email, password=PASSWORD, now=later).id == account.id
    session.refresh(row)
    assert row.failed_sign_ins == 0 and row.locked_until is None


def test_a_deactivated_user_cannot_sign_in_or_use_tokens(session: Session, make_account: MakeAccount) -> None:
    account, token = make_account(Role.AUDITOR)
    update_user(session=session, user_id=account.id, active=False, actor="admin@example.org")
    with pytest.raises(SignInError):
        authenticate(session=session, email=account.email, password=PASSWORD)
    assert account_for_token(session=session, token=token) is None


def test_a_token_sign_in_reads_the_registry_version_with_it(session: Session, make_account: MakeAccount) -> None:
    account, token = make_account(Role.PRACTITIONER)
    found = sign_in_by_token(connection=session.connection(), token=token)
    assert found is not None and found.account == account
    assert found.registry_version == registry_version(session)
    save_organisation(session=session, organisation=make_organisation(id="org-new", name="New"), actor="t")
    moved = sign_in_by_token(connection=session.connection(), token=token)
    assert moved is not None and moved.registry_version[1] == found.registry_version[1] + 1
    # Without the version row (a database made by hand) the token still signs in; every snapshot is then rebuilt.
    session.execute(delete(RegistryVersionRow))
    bare = sign_in_by_token(connection=session.connection(), token=token)
    assert bare is not None and bare.account == account and bare.registry_version == ("", -1)
    assert sign_in_by_token(connection=session.connection(), token="isa_not-a-token") is None
    assert sign_in_by_token(connection=session.connection(), token="not even the prefix") is None
    session.rollback()


def test_tokens_are_stored_as_sha256_listed_by_prefix_and_revocable(
    session: Session, make_account: MakeAccount
) -> None:
    account, _ = make_account(Role.AUDITOR)
    info, token = create_token(session=session, user_id=account.id, name="laptop", actor=account.actor)
    stored = session.exec(select(ApiTokenRow).where(ApiTokenRow.id == info.id)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash
    assert token.startswith(info.prefix) and len(token) > 40
    assert account_for_token(session=session, token=token) == account
    assert [t.name for t in list_tokens(session=session, user_id=account.id)] == ["laptop", "tests"]

    other, _ = make_account(Role.PRACTITIONER)
    with pytest.raises(RegistryNotFoundError):
        revoke_token(session=session, token_id=info.id, account=other)
    assert revoke_token(session=session, token_id=info.id, account=account).revoked_at is not None
    assert account_for_token(session=session, token=token) is None
    actions = session.exec(select(ChangeLogRow.action).where(ChangeLogRow.object_type == "api_token")).all()
    assert "revoke" in actions


def test_the_sign_in_page_signs_in_and_out(app: Flask, make_account: MakeAccount) -> None:
    account, _ = make_account(Role.GOVERNANCE_LEAD)
    client = app.test_client()
    assert client.get("/organisations").headers["Location"] == "/sign-in?next=/organisations"

    response = _sign_in(client, account.email, PASSWORD, next_url="/organisations")
    assert response.status_code == 302 and response.headers["Location"] == "/organisations"  # type: ignore[attr-defined]
    page = client.get("/organisations")
    assert page.status_code == 200 and account.name in page.get_data(as_text=True)

    # Signing out needs the form's CSRF token.
    assert client.post("/sign-out").status_code == 400
    signed_out = client.post("/sign-out", data={"csrf_token": _csrf(page.get_data(as_text=True))})
    assert signed_out.status_code == 302
    assert client.get("/organisations").status_code == 302


def test_the_sign_in_page_refuses_wrong_passwords_offsite_redirects_and_forged_forms(
    app: Flask, make_account: MakeAccount
) -> None:
    account, _ = make_account(Role.AUDITOR)
    client = app.test_client()
    wrong = _sign_in(client, account.email, "not the password")
    assert wrong.status_code == 401  # type: ignore[attr-defined]
    assert "The email address or password is not right" in wrong.get_data(as_text=True)  # type: ignore[attr-defined]
    forged = client.post("/sign-in", data={"email": account.email, "password": PASSWORD})
    assert forged.status_code == 400
    offsite = _sign_in(client, account.email, PASSWORD, next_url="//evil.example/")
    assert offsite.headers["Location"] == "/"  # type: ignore[attr-defined]


def test_the_sign_in_page_says_when_the_account_is_locked(app: Flask, make_account: MakeAccount) -> None:
    app.config["SIGN_IN_MAX_FAILURES"] = 2
    account, _ = make_account(Role.AUDITOR)
    client = app.test_client()
    _sign_in(client, account.email, "wrong one")
    locked = _sign_in(client, account.email, "wrong two")
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)  # type: ignore[attr-defined]
    assert _sign_in(client, account.email, PASSWORD).status_code == 429  # type: ignore[attr-defined]


def test_api_writes_by_session_cookie_need_the_csrf_header(app: Flask, make_account: MakeAccount) -> None:
    account, _ = make_account(Role.PRACTITIONER)
    client = app.test_client()
    _sign_in(client, account.email, PASSWORD)
    page = client.get("/").get_data(as_text=True)
    body = {"name": "from the browser"}
    assert client.post("/api/v1/tokens", json=body).status_code == 400
    assert client.post("/api/v1/tokens", json=body, headers={"X-CSRFToken": _csrf(page)}).status_code == 201


def test_a_token_request_is_signed_in_by_its_token_alone_and_leaves_the_cookie_alone(
    app: Flask, make_account: MakeAccount
) -> None:
    practitioner, _ = make_account(Role.PRACTITIONER)
    _, auditor_token = make_account(Role.AUDITOR)
    client = app.test_client()
    _sign_in(client, practitioner.email, PASSWORD)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    bearer = {"Authorization": f"Bearer {auditor_token}"}

    # The browser's cookie goes with it, but the token decides who is asking, and no cookie is set back.
    me = client.get("/api/v1/users/me", headers=bearer)
    assert me.status_code == 200 and me.get_json()["role"] == "auditor"
    assert "Set-Cookie" not in me.headers
    # A bad token is a 401 even though the cookie would have signed the practitioner in.
    assert client.get("/api/v1/users/me", headers={"Authorization": "Bearer isa_wrong"}).status_code == 401
    # The session is untouched: the pages still know the practitioner, and the API does without a token.
    assert client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value == cookie.value  # type: ignore[union-attr]
    assert client.get("/api/v1/users/me").get_json()["role"] == "practitioner"
    assert client.get("/organisations").status_code == 200
    # A page asked for with a token keeps its session (its forms need the CSRF token kept there).
    page = client.get("/organisations", headers=bearer)
    assert page.status_code == 200 and _csrf(page.get_data(as_text=True))


def test_security_headers_on_pages_and_api(client: FlaskClient, client_as: ClientAs) -> None:
    page = client.get("/sign-in")
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self' 'nonce-" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce and f'nonce="{nonce.group(1)}"' in page.get_data(as_text=True)
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in page.headers  # plain HTTP: HSTS would be ignored anyway
    secure = client.get("/sign-in", base_url="https://registry.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    api = client_as(Role.AUDITOR).get("/api/v1/agreements", headers={"X-Request-ID": "abc-123"})
    assert api.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert api.headers["X-Request-ID"] == "abc-123" and api.headers["Cache-Control"] == "no-store"


def test_session_cookies_are_secure_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    from registry.config import settings

    production = settings({"REGISTRY_ENV": "production", "REGISTRY_SECRET_KEY": "x" * 32})
    assert production["SESSION_COOKIE_SECURE"] and production["SESSION_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert settings({})["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_cli_creates_an_admin_and_a_token(runner: FlaskCliRunner, session: Session) -> None:
    result = runner.invoke(
        args=["registry", "create-admin", "--email", "Boss@Example.org", "--name", "Boss"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    row = session.exec(select(UserRow).where(UserRow.email == "boss@example.org")).one()
    assert row.role == "admin"
    token = runner.invoke(args=["registry", "create-token", "boss@example.org", "--name", "ci"])
    assert token.exit_code == 0
    secret = token.stdout.strip().splitlines()[-1]
    assert account_for_token(session=session, token=secret) is not None
    again = runner.invoke(
        args=["registry", "create-admin", "--email", "boss@example.org", "--name", "Boss", "--password", PASSWORD]
    )
    assert again.exit_code == 1 and "already" in again.output


def test_cli_dev_admin_only_on_the_embedded_database(app: Flask, runner: FlaskCliRunner, session: Session) -> None:
    app.config["EMBEDDED_DATABASE"] = False
    refused = runner.invoke(args=["registry", "dev-admin"])
    assert refused.exit_code == 1 and "embedded" in refused.output
    app.config["EMBEDDED_DATABASE"] = True
    first = runner.invoke(args=["registry", "dev-admin"])
    assert first.exit_code == 0 and "DEVELOPMENT ADMIN" in first.output
    password = re.search(r"password: (\S+)", first.output)
    assert password
    assert authenticate(session=session, email="dev-admin@example.org", password=password.group(1)).role is Role.ADMIN
    second = runner.invoke(args=["registry", "dev-admin"])
    new_password = re.search(r"password: (\S+)", second.output)
    assert new_password and new_password.group(1) != password.group(1)


def test_users_api_for_admins(client_as: ClientAs, make_account: MakeAccount, session: Session) -> None:
    admin = client_as(Role.ADMIN)
    created = admin.post(
        "/api/v1/users",
        json={"email": "new@example.org", "name": "New", "role": "auditor", "password": PASSWORD},
    )
    assert created.status_code == 201 and "password" not in created.get_json()
    user_id = created.get_json()["id"]
    assert admin.get(f"/api/v1/users/{user_id}").get_json()["email"] == "new@example.org"
    assert "new@example.org" in [u["email"] for u in admin.get("/api/v1/users").get_json()]
    changed = admin.patch(f"/api/v1/users/{user_id}", json={"role": "practitioner"})
    assert changed.status_code == 422 and "organisation_id" in changed.get_json()["errors"]["json"]
    assert admin.patch(f"/api/v1/users/{user_id}", json={"active": False}).get_json()["active"] is False
    assert admin.get("/api/v1/users/99999").status_code == 404
    duplicate = admin.post(
        "/api/v1/users", json={"email": "NEW@example.org", "name": "N", "role": "auditor", "password": PASSWORD}
    )
    assert duplicate.status_code == 409
    short = admin.post(
        "/api/v1/users", json={"email": "a@example.org", "name": "A", "role": "auditor", "password": "short"}
    )
    assert short.status_code == 422 and "password" in short.get_json()["errors"]["json"]
    changes = session.exec(select(ChangeLogRow).where(ChangeLogRow.object_type == "user")).all()
    assert all("password" not in str(c.after) for c in changes)
    assert client_as(Role.GOVERNANCE_LEAD).get("/api/v1/users").status_code == 403


def test_tokens_api_shows_a_token_once_and_revokes_it(app: Flask, client_as: ClientAs) -> None:
    auditor = client_as(Role.AUDITOR)
    me = auditor.get("/api/v1/users/me").get_json()
    assert me["role"] == "auditor"
    created = auditor.post("/api/v1/tokens", json={"name": "script"})
    assert created.status_code == 201
    body = created.get_json()
    token = body["token"]
    listed = auditor.get("/api/v1/tokens").get_json()
    assert all("token" not in t for t in listed) and body["id"] in [t["id"] for t in listed]
    fresh = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert fresh.get("/api/v1/users/me", headers=headers).get_json()["id"] == me["id"]
    stranger = client_as(Role.PRACTITIONER)
    assert stranger.delete(f"/api/v1/tokens/{body['id']}").status_code == 404
    assert auditor.delete(f"/api/v1/tokens/{body['id']}").get_json()["revoked_at"]
    assert fresh.get("/api/v1/users/me", headers=headers).status_code == 401
    assert auditor.post("/api/v1/tokens", json={"name": ""}).status_code == 422


def test_the_tokens_page_makes_a_token_once_and_revokes_it(app: Flask, make_account: MakeAccount) -> None:
    account, _ = make_account(Role.PRACTITIONER)
    client = app.test_client()
    _sign_in(client, account.email, PASSWORD)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "Your API tokens" in page
    made = client.post("/account/tokens", data={"name": "my script", "csrf_token": _csrf(page)})
    html = made.get_data(as_text=True)
    found = re.search(r'<code id="new-token">(isa_[^<]+)</code>', html)
    assert made.status_code == 200 and found
    token = found.group(1)
    api = app.test_client()
    assert api.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    again = client.get("/account/tokens").get_data(as_text=True)
    assert token not in again and "my script" in again
    token_id = re.search(r'name="token_id" value="(\d+)"', again)
    assert token_id
    revoked = client.post("/account/tokens/revoke", data={"token_id": token_id.group(1), "csrf_token": _csrf(again)})
    assert revoked.status_code == 200 and "Revoked my script" in revoked.get_data(as_text=True)
    assert api.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.post("/account/tokens", data={"name": "", "csrf_token": _csrf(again)}).status_code == 422
    assert client.post("/account/tokens/revoke", data={"token_id": "1"}).status_code == 400  # no CSRF token
