"""Settings for the application: the only module that reads environment variables.

``DATABASE_URL`` picks the database (any SQLAlchemy URL); without it the registry keeps a
SQLite file in its data directory (``REGISTRY_DATA_DIR``, default ``<repo>/instance``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-not-secret"


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


MIN_SECRET_KEY_LENGTH = 32
# A lapsed agreement stops covering shares; years of grace would keep a dead agreement alive.
MAX_GRACE_MONTHS = 24


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the embedded SQLite database lives."""
    env = os.environ if environ is None else environ
    return Path(env.get("REGISTRY_DATA_DIR") or REPO_ROOT / "instance")


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """The database URL from the environment, or a SQLite file in the data directory."""
    env = os.environ if environ is None else environ
    return env.get("DATABASE_URL") or f"sqlite:///{data_dir(env) / 'registry.sqlite'}"


def settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting the application reads, taken from the environment."""
    env = os.environ if environ is None else environ
    environment = (env.get("REGISTRY_ENV") or "development").strip().lower()
    production = environment == "production"
    secret = env.get("REGISTRY_SECRET_KEY")
    if environment != "development":
        # Anything but a developer's machine (production, staging, "Production"...) needs a long, private key: a
        # guessable or short one would let anyone forge a session cookie.
        if not secret or len(secret) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"REGISTRY_SECRET_KEY must be set to at least {MIN_SECRET_KEY_LENGTH} characters when REGISTRY_ENV "
                f"is {environment!r} (only 'development' may use the built-in key)"
            )
    elif not secret:
        secret = DEV_SECRET_KEY
    # Unset: each agreement's own review.lapse_grace_months (3 by default) decides when it lapses.
    grace: int | None = None
    if env.get("REGISTRY_REVIEW_GRACE_MONTHS"):
        try:
            grace = int(env["REGISTRY_REVIEW_GRACE_MONTHS"])
        except ValueError as exc:
            raise ConfigError("REGISTRY_REVIEW_GRACE_MONTHS must be a whole number of months") from exc
        if not 0 <= grace <= MAX_GRACE_MONTHS:
            raise ConfigError(f"REGISTRY_REVIEW_GRACE_MONTHS must be between 0 and {MAX_GRACE_MONTHS} months")
    secure_cookies = production or env.get("REGISTRY_SECURE_COOKIES", "").lower() in {"1", "true", "yes"}
    return {
        **signing_settings(env),
        "REGISTRY_ENV": environment,
        # The embedded SQLite default: the only database `flask registry dev-admin` may touch.
        "EMBEDDED_DATABASE": not env.get("DATABASE_URL"),
        "MAX_CONTENT_LENGTH": _whole_number(env, "REGISTRY_MAX_BODY_BYTES", 2 * 1024 * 1024),
        # Below gunicorn's own request-line limit (4,094), so the registry answers 414 in the client's format.
        "MAX_URL_LENGTH": _whole_number(env, "REGISTRY_MAX_URL_CHARS", 4000),
        "SIGN_IN_MAX_FAILURES": _whole_number(env, "REGISTRY_SIGN_IN_MAX_FAILURES", 5),
        "SIGN_IN_LOCK_MINUTES": _whole_number(env, "REGISTRY_SIGN_IN_LOCK_MINUTES", 15),
        "BEHIND_PROXY": env.get("REGISTRY_BEHIND_PROXY", "").lower() in {"1", "true", "yes"},
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-isa-session" if secure_cookies else "isa-session",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 8 * 60 * 60,
        # Our own check covers API requests signed in by cookie; FlaskForm checks the page forms.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": 8 * 60 * 60,
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url(env),
        "REVIEW_GRACE_MONTHS": grace,
        "API_TITLE": "Safeguarding ISA Registry",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        # Every operation needs a personal API token unless it says otherwise (the health check).
        "API_SPEC_OPTIONS": {
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A personal API token (POST /api/v1/tokens, or the 'API tokens' page).",
                    }
                }
            },
        },
    }


SIGNING_VARIABLES = ("REGISTRY_SIGNING_KEY", "REGISTRY_SIGNING_CERT")


def signing_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Where the registry's document-signing key and certificate are (paths), or where development keeps its own.

    The key and the certificate come as a pair: one without the other is a ``ConfigError`` naming the missing
    one. Whether an unset pair is allowed depends on the environment: see ``require_signing_configured``.
    """
    env = os.environ if environ is None else environ
    key = (env.get("REGISTRY_SIGNING_KEY") or "").strip() or None
    cert = (env.get("REGISTRY_SIGNING_CERT") or "").strip() or None
    if (key is None) != (cert is None):
        given, missing = SIGNING_VARIABLES if key else SIGNING_VARIABLES[::-1]
        raise ConfigError(f"{given} is set but {missing} is not: set both (the signing key and its certificate)")
    chain = tuple(Path(part) for part in (env.get("REGISTRY_SIGNING_CHAIN") or "").split(os.pathsep) if part.strip())
    return {
        "SIGNING_KEY_PATH": Path(key) if key else None,
        "SIGNING_CERT_PATH": Path(cert) if cert else None,
        # Optional: an encrypted PEM key's passphrase (kept out of the logs and pages).
        "SIGNING_KEY_PASSPHRASE": env.get("REGISTRY_SIGNING_KEY_PASSPHRASE") or None,
        "SIGNING_CHAIN_PATHS": chain,
        # Development only: the self-signed key and certificate made (once) when no pair is configured.
        "SIGNING_DEV_DIR": data_dir(env) / "signing",
        "PUBLIC_URL": public_url(env),
    }


def public_url(environ: Mapping[str, str] | None = None) -> str | None:
    """Where people and programs reach the registry (``REGISTRY_PUBLIC_URL``), ending in '/'; None when unset.

    Exports name the registry's records by IRIs under it (the ODRL export's agreements and organisations),
    so they stay the same whichever instance or host name served them.
    """
    env = os.environ if environ is None else environ
    raw = (env.get("REGISTRY_PUBLIC_URL") or "").strip()
    if not raw:
        return None
    if not raw.startswith(("https://", "http://")) or not raw.split("://", 1)[1].strip("/"):
        raise ConfigError("REGISTRY_PUBLIC_URL must be an absolute http(s) URL, such as https://isa.example.org/")
    return raw if raw.endswith("/") else raw + "/"


def require_signing_configured(config: Mapping[str, Any]) -> None:
    """Fail closed at start-up: outside development the registry signs only with a configured key and certificate.

    A development key is self-signed and generated on the spot; a document signed with one in production
    would look official and certify nothing, so a production start without the pair stops here instead.
    """
    environment = config.get("REGISTRY_ENV", "development")
    if environment == "development":
        return
    if config.get("SIGNING_KEY_PATH") is None or config.get("SIGNING_CERT_PATH") is None:
        raise ConfigError(
            f"REGISTRY_SIGNING_KEY and REGISTRY_SIGNING_CERT must be set (paths to the PEM private key and its "
            f"certificate; REGISTRY_SIGNING_KEY_PASSPHRASE if the key is encrypted, REGISTRY_SIGNING_CHAIN for "
            f"intermediate certificates) when REGISTRY_ENV is {environment!r}: only 'development' signs documents "
            f"with a self-signed key"
        )


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number") from exc
    if value < 1:
        raise ConfigError(f"{name} must be at least 1")
    return value


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for other databases and in-memory SQLite."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    name = url[len(prefix) :].split("?", 1)[0]
    if not name or name == ":memory:":
        return None
    return Path(name)
