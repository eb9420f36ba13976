"""Accounts: users, their roles and organisations, password sign-in with lock-out, and personal API tokens.

Passwords are hashed with Argon2id (argon2-cffi). API tokens are long random secrets, so a fast
SHA-256 is enough to store them and keeps a token check cheap on every request.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from agreements.validation import Problem
from registry.models import ApiTokenRow, OrganisationRow, UserRow
from registry.services.common import VERSION_COLUMNS, VERSION_ROW, log_change, utcnow, version_key
from registry.services.errors import (
    PermissionDeniedError,
    RegistryConflictError,
    RegistryError,
    RegistryNotFoundError,
    RegistryValidationError,
)

# Replaced by the tests with a cheap one; hashes carry their own parameters, so verification still works.
PASSWORD_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "isa_"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a wrong email takes as long as a wrong password.

    Made on first use, not at import: an Argon2 hash costs ~0.1 s, which every CLI command and every
    worker's start-up would otherwise pay.
    """
    return PASSWORD_HASHER.hash("not a real password; only here for equal timing")


class Role(StrEnum):
    """What a user may do."""

    ADMIN = "admin"
    GOVERNANCE_LEAD = "governance_lead"
    SIGNATORY = "signatory"
    PRACTITIONER = "practitioner"
    AUDITOR = "auditor"


# Roles that act for an organisation, so the user must belong to one.
ORGANISATIONAL_ROLES = frozenset({Role.GOVERNANCE_LEAD, Role.SIGNATORY, Role.PRACTITIONER})


@dataclass(frozen=True)
class Account:
    """A user as the application sees them: never the password hash."""

    id: int
    email: str
    name: str
    role: Role
    organisation_id: str | None
    active: bool

    @property
    def actor(self) -> str:
        """How the change log names this user."""
        return self.email


@dataclass(frozen=True)
class TokenInfo:
    """A personal API token as listed: its prefix, never the token or its hash."""

    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class SignInError(RegistryError):
    """Wrong email or password (deliberately not saying which), or a locked account."""

    status = 401
    title = "The email address or password is not right"


class AccountLockedError(SignInError):
    """Too many failed sign-ins: the account is locked for a while."""

    status = 429
    title = "Too many failed sign-ins"


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return PASSWORD_HASHER.hash(password)


def token_hash(token: str) -> str:
    """The SHA-256 of an API token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _account(row: UserRow) -> Account:
    assert row.id is not None
    return Account(row.id, row.email, row.name, Role(row.role), row.organisation_id, row.active)


def _user_record(row: UserRow) -> dict[str, object]:
    return {
        "email": row.email,
        "name": row.name,
        "role": row.role,
        "organisation_id": row.organisation_id,
        "active": row.active,
    }


def _check_user(
    session: Session, *, email: str, name: str, role: str, organisation_id: str | None, password: str | None
) -> list[Problem]:
    problems = []
    if not _EMAIL.match(email):
        problems.append(Problem("email", "Enter an email address like name@example.org."))
    if not name.strip():
        problems.append(Problem("name", "Enter the person's name."))
    if role not in {r.value for r in Role}:
        problems.append(Problem("role", f"unknown role {role!r}: one of {', '.join(r.value for r in Role)}"))
    elif Role(role) in ORGANISATIONAL_ROLES and not organisation_id:
        problems.append(Problem("organisation_id", f"a {role} acts for an organisation: name it"))
    if organisation_id and session.get(OrganisationRow, organisation_id) is None:
        problems.append(Problem("organisation_id", f"unknown organisation {organisation_id!r}"))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        problems.append(Problem("password", f"Use at least {MIN_PASSWORD_LENGTH} characters."))
    return problems


def create_user(
    *,
    session: Session,
    email: str,
    name: str,
    role: str,
    password: str,
    actor: str,
    organisation_id: str | None = None,
) -> Account:
    """Add a user; the email must be new. Commits, with a change-log row."""
    email = email.strip().lower()
    problems = _check_user(
        session, email=email, name=name, role=role, organisation_id=organisation_id, password=password
    )
    if problems:
        raise RegistryValidationError(problems)
    if session.exec(select(UserRow.id).where(UserRow.email == email)).first() is not None:
        raise RegistryConflictError(f"there is already a user {email!r}", [Problem("email", "already in use")])
    at = utcnow()
    row = UserRow(
        email=email,
        name=name.strip(),
        role=role,
        organisation_id=organisation_id or None,
        password_hash=hash_password(password),
        created_at=at,
    )
    session.add(row)
    session.flush()
    log_change(
        session,
        actor=actor,
        action="create",
        object_type="user",
        object_id=str(row.id),
        before=None,
        after=_user_record(row),
        at=at,
    )
    session.commit()
    return _account(row)


def update_user(
    *,
    session: Session,
    user_id: int,
    actor: str,
    role: str | None = None,
    organisation_id: str | None = None,
    active: bool | None = None,
    name: str | None = None,
    password: str | None = None,
) -> Account:
    """Change a user's role, organisation, name, password or whether they may sign in. Commits."""
    row = session.get(UserRow, user_id)
    if row is None:
        raise RegistryNotFoundError(f"no user {user_id}")
    before = _user_record(row)
    new_role = role if role is not None else row.role
    new_org = organisation_id if organisation_id is not None else row.organisation_id
    problems = _check_user(
        session,
        email=row.email,
        name=name if name is not None else row.name,
        role=new_role,
        organisation_id=new_org,
        password=password,
    )
    if problems:
        raise RegistryValidationError(problems)
    row.role, row.organisation_id = new_role, new_org or None
    if name is not None:
        row.name = name.strip()
    if active is not None:
        row.active = active
    if password is not None:
        row.password_hash = hash_password(password)
        row.failed_sign_ins, row.locked_until = 0, None
    session.add(row)
    log_change(
        session,
        actor=actor,
        action="update",
        object_type="user",
        object_id=str(user_id),
        before=before,
        after=_user_record(row),
        at=utcnow(),
    )
    session.commit()
    return _account(row)


def list_users(*, session: Session) -> list[Account]:
    """Every user, by email."""
    return [_account(row) for row in session.exec(select(UserRow).order_by(col(UserRow.email))).all()]


def get_user(*, session: Session, user_id: int) -> Account:
    """One user; ``RegistryNotFoundError`` when there is none."""
    row = session.get(UserRow, user_id)
    if row is None:
        raise RegistryNotFoundError(f"no user {user_id}")
    return _account(row)


def find_user(*, session: Session, email: str) -> Account | None:
    """The user with this email, if any."""
    row = session.exec(select(UserRow).where(UserRow.email == email.strip().lower())).first()
    return _account(row) if row is not None else None


def active_account(*, session: Session, user_id: int) -> Account | None:
    """The user behind a signed-in session, or ``None`` if they were removed or deactivated since."""
    row = session.get(UserRow, user_id)
    return _account(row) if row is not None and row.active else None


def authenticate(
    *,
    session: Session,
    email: str,
    password: str,
    max_failures: int = 5,
    lock_for: timedelta = timedelta(minutes=15),
    now: datetime | None = None,
) -> Account:
    """The user whose email and password these are; counts failures in the database and locks after too many.

    The counter lives in the database so that every instance behind a load balancer sees it.
    Commits (a failure is recorded even though the caller gets an error).
    """
    now = now or utcnow()
    row = session.exec(select(UserRow).where(UserRow.email == email.strip().lower())).first()
    if row is None or not row.active:
        _verify(_dummy_hash(), password)
        raise SignInError()
    if row.locked_until is not None and row.locked_until > now:
        raise AccountLockedError(_locked_message(row.locked_until, now))
    if not _verify(row.password_hash, password):
        # An atomic increment: two instances failing at once both count.
        session.execute(
            update(UserRow).where(col(UserRow.id) == row.id).values(failed_sign_ins=UserRow.failed_sign_ins + 1)
        )
        session.refresh(row)
        locked = row.failed_sign_ins >= max_failures
        if locked:
            row.locked_until, row.failed_sign_ins = now + lock_for, 0
            session.add(row)
        session.commit()
        if locked:
            raise AccountLockedError(_locked_message(now + lock_for, now))
        raise SignInError()
    if PASSWORD_HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = hash_password(password)
    row.failed_sign_ins, row.locked_until, row.last_sign_in_at = 0, None, now
    session.add(row)
    session.commit()
    return _account(row)


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def _verify(stored: str, password: str) -> bool:
    try:
        return PASSWORD_HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def create_token(*, session: Session, user_id: int, name: str, actor: str) -> tuple[TokenInfo, str]:
    """A new personal API token: its listing and the token itself, which is never shown again. Commits."""
    if session.get(UserRow, user_id) is None:
        raise RegistryNotFoundError(f"no user {user_id}")
    if not name.strip():
        raise RegistryValidationError([Problem("name", "Name the token, e.g. after what will use it.")])
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    at = utcnow()
    row = ApiTokenRow(
        user_id=user_id, name=name.strip(), token_hash=token_hash(secret), prefix=secret[:10], created_at=at
    )
    session.add(row)
    session.flush()
    log_change(
        session,
        actor=actor,
        action="create",
        object_type="api_token",
        object_id=str(row.id),
        before=None,
        after={"user_id": user_id, "name": row.name, "prefix": row.prefix},
        at=at,
    )
    session.commit()
    return _token(row), secret


def _token(row: ApiTokenRow) -> TokenInfo:
    assert row.id is not None
    return TokenInfo(row.id, row.user_id, row.name, row.prefix, row.created_at, row.revoked_at)


def list_tokens(*, session: Session, user_id: int) -> list[TokenInfo]:
    """A user's tokens, newest first, revoked ones included."""
    rows = session.exec(
        select(ApiTokenRow).where(ApiTokenRow.user_id == user_id).order_by(col(ApiTokenRow.id).desc())
    ).all()
    return [_token(row) for row in rows]


def revoke_token(*, session: Session, token_id: int, account: Account) -> TokenInfo:
    """Revoke a token: the owner may revoke their own, an admin anyone's. Commits."""
    row = session.get(ApiTokenRow, token_id)
    if row is None or (row.user_id != account.id and account.role is not Role.ADMIN):
        # Someone else's token is "not found", not "forbidden": its existence is not theirs to learn.
        raise RegistryNotFoundError(f"no token {token_id}")
    if row.revoked_at is None:
        at = utcnow()
        row.revoked_at = at
        session.add(row)
        log_change(
            session,
            actor=account.actor,
            action="revoke",
            object_type="api_token",
            object_id=str(token_id),
            before={"revoked_at": None},
            after={"revoked_at": at.isoformat()},
            at=at,
        )
        session.commit()
    return _token(row)


_USERS = UserRow.__table__  # type: ignore[attr-defined]
_TOKENS = ApiTokenRow.__table__  # type: ignore[attr-defined]
# Core, not the ORM: this runs on every API request, and the ORM's per-row machinery costs more than the query.
# The registry version comes with it, so a check learns who is asking and whether its snapshot is current
# in one query.
_TOKEN_LOOKUP = (
    sa_select(_USERS.c.id, _USERS.c.email, _USERS.c.name, _USERS.c.role, _USERS.c.organisation_id, *VERSION_COLUMNS)
    .select_from(_USERS.join(_TOKENS, _TOKENS.c.user_id == _USERS.c.id).outerjoin(*VERSION_ROW))
    .where(
        _TOKENS.c.token_hash == bindparam("token_hash"),
        _TOKENS.c.revoked_at.is_(None),
        _USERS.c.active.is_(True),
    )
)


@dataclass(frozen=True)
class TokenSignIn:
    """What one read learns from a bearer token: the active user it belongs to, and the registry version then."""

    account: Account
    registry_version: tuple[str, int]


def sign_in_by_token(*, connection: Connection, token: str) -> TokenSignIn | None:
    """The token's active user and the registry version, or ``None`` for an unknown or revoked token: one query."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = connection.execute(_TOKEN_LOOKUP, {"token_hash": token_hash(token)}).first()
    if row is None:
        return None
    account = Account(row.id, row.email, row.name, Role(row.role), row.organisation_id, True)
    return TokenSignIn(account, version_key(row.registry_epoch, row.registry_version))


def account_for_token(*, session: Session, token: str) -> Account | None:
    """The active user a bearer token belongs to, or ``None``: one indexed query."""
    found = sign_in_by_token(connection=session.connection(), token=token)
    return found.account if found is not None else None


def require_role(account: Account, *roles: Role) -> None:
    """``PermissionDeniedError`` unless the account holds one of ``roles``."""
    if account.role not in roles:
        raise PermissionDeniedError(f"a {account.role.value} cannot do this")
