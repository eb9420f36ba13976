"""Who may use each route: declared once per view, enforced in one place, denied when undeclared.

A view states its rule with ``@public``, ``@signed_in`` or ``@roles(...)``. ``enforce`` runs
before every request: it finds the rule for the endpoint and method, authenticates the caller
(a bearer token, or the signed-in session) and answers 401 / a redirect to sign in, or 403. A
route with no rule is refused (fail closed), and a test walks the URL map so none can ship.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, Request, Response, current_app, g, redirect, request, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized
from wtforms import ValidationError as WTFValidationError

from registry.extensions import db
from registry.services.accounts import Account, Role, active_account, sign_in_by_token

F = TypeVar("F", bound=Callable[..., Any])
API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass(frozen=True)
class Rule:
    """Who may use a view: anyone (``public``), any signed-in user (``roles`` None), or these roles."""

    public: bool = False
    roles: frozenset[Role] | None = None

    def allows(self, account: Account) -> bool:
        """True when this signed-in account may use the view."""
        return self.roles is None or account.role in self.roles

    def __str__(self) -> str:
        if self.public:
            return "public"
        return "signed in" if self.roles is None else " or ".join(sorted(r.value for r in self.roles))


PUBLIC = Rule(public=True)
SIGNED_IN = Rule()
EDITORS = frozenset({Role.ADMIN, Role.GOVERNANCE_LEAD})

# Views registered by libraries, which we cannot decorate: the stylesheet the sign-in page needs is
# public; the API description is for signed-in users like the API itself.
LIBRARY_RULES: dict[str, Rule] = {"static": PUBLIC, "api-docs.openapi_json": SIGNED_IN}


def _declare(rule: Rule) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorate


public = _declare(PUBLIC)
signed_in = _declare(SIGNED_IN)


def roles(*allowed: Role) -> Callable[[F], F]:
    """Only users holding one of ``allowed`` may use the view."""
    return _declare(Rule(roles=frozenset(allowed)))


def rule_for(app: Flask, endpoint: str, method: str) -> Rule | None:
    """The declared rule for an endpoint and method, or ``None`` when nothing was declared."""
    if endpoint in LIBRARY_RULES:
        return LIBRARY_RULES[endpoint]
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        if method == "OPTIONS":
            return SIGNED_IN
        handler = getattr(view_class, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(view_class, "get", None)
        return getattr(handler, "access_rule", None)
    if method == "OPTIONS":
        return SIGNED_IN
    rule: Rule | None = getattr(view, "access_rule", None)
    return rule


def is_api_path(path: str) -> bool:
    """True for a path of the JSON API."""
    return path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/")


def is_api_request() -> bool:
    """True for the JSON API (errors as JSON, 401 rather than a redirect)."""
    return is_api_path(request.path)


class SignedInUser(UserMixin):  # type: ignore[misc]
    """Flask-Login's view of an account."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.account.id)


login_manager = LoginManager()
login_manager.session_protection = "basic"


@login_manager.user_loader  # type: ignore[untyped-decorator]
def _load_user(user_id: str) -> SignedInUser | None:
    try:
        account = active_account(session=db.session, user_id=int(user_id))
    except ValueError:
        return None
    return SignedInUser(account) if account is not None else None


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def current_account() -> Account | None:
    """The caller: the bearer token's user if a token is sent (and then only that), else the session's."""
    if "account" in g:
        account: Account | None = g.account
        return account
    token = _bearer_token()
    if token is not None:
        g.auth_by = "token"
        # A connection of its own, back in the pool at once; the version read with the token spares a check
        # any other query (``registry_version_at_sign_in``).
        with db.engine.connect() as connection:
            found = sign_in_by_token(connection=connection, token=token) if token else None
        g.account = found.account if found is not None else None
        if found is not None:
            g.registry_version = found.registry_version
    else:
        g.auth_by = "session"
        user = current_user._get_current_object()
        g.account = user.account if isinstance(user, SignedInUser) else None
    return g.account  # type: ignore[no-any-return]


def registry_version_at_sign_in() -> tuple[str, int] | None:
    """The registry version read with the caller's bearer token in this request (``None`` if not signed in so).

    A read-only view may key its snapshot by it instead of reading the version again; a view that writes
    must not, because its own writes move the version on.
    """
    version: tuple[str, int] | None = g.get("registry_version")
    return version


def require_account() -> Account:
    """The signed-in caller; a view reached without one is a bug (``enforce`` runs first)."""
    account = current_account()
    if account is None:
        raise Unauthorized()
    return account


def _unauthorised() -> ResponseReturnValue:
    if is_api_request():
        raise Unauthorized(
            "Sign in: send 'Authorization: Bearer <token>' with a personal API token.",
            www_authenticate=WWWAuthenticate("Bearer", {"realm": "isa-registry"}),
        )
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def enforce() -> ResponseReturnValue | None:
    """Apply the route's declared rule before the view runs (registered as a ``before_request``)."""
    supplied = request.headers.get("X-Request-ID", "")
    g.request_id = supplied if _REQUEST_ID.match(supplied) else secrets.token_hex(16)
    if request.url_rule is None or request.endpoint is None:
        return None  # routing failed: a 404 or 405 follows, and says nothing about any record
    rule = rule_for(current_app, request.endpoint, request.method)
    if rule is None:
        current_app.logger.error("no access rule declared for %s %s", request.method, request.endpoint)
        raise Forbidden("This page has no access rule, so nobody may use it.")
    if rule.public:
        return None
    account = current_account()
    if account is None:
        return _unauthorised()
    if not rule.allows(account):
        raise Forbidden(f"A {account.role.value.replace('_', ' ')} cannot do this.")
    if request.method not in SAFE_METHODS and g.auth_by == "session":
        # A cookie is sent by the browser whoever asks it to: a changing request must prove it came from our page.
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.form.get("csrf_token"))
        except WTFValidationError as exc:
            raise CSRFError(str(exc)) from exc
    return None


class _UnsavedSession(SecureCookieSession):
    """An empty session that is never written back: the session of an API request signed in by its token."""


class CookieSessionUnlessBearer(SecureCookieSessionInterface):
    """The signed-cookie session for the pages; none for an API request that carries a bearer token.

    Such a request is signed in by its token alone (``current_account``), so its cookie is never read:
    verifying and re-signing it was a tenth of a check's time. Only API requests, because a page
    asked for with a token still needs its session for the form tokens it renders.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """No cookie session for a bearer-token API request; the usual one otherwise."""
        if "Authorization" in request.headers and is_api_path(request.path):
            return _UnsavedSession()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SecureCookieSession, response: Response) -> None:  # type: ignore[override]
        """Write the cookie, except for a request that never had one to write."""
        if isinstance(session, _UnsavedSession):
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Attach Flask-Login and the one access check."""
    app.session_interface = CookieSessionUnlessBearer()
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    app.before_request(enforce)
