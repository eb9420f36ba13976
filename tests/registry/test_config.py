"""Settings come from the environment (and only there), with safe defaults for a developer."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry import create_app
from registry.config import DEV_SECRET_KEY, REPO_ROOT, ConfigError, settings, sqlite_file


def test_defaults_keep_a_sqlite_file_in_the_instance_folder() -> None:
    config = settings({})
    assert config["DATABASE_URL"] == f"sqlite:///{REPO_ROOT / 'instance' / 'registry.sqlite'}"
    assert config["SECRET_KEY"] == DEV_SECRET_KEY
    # Unset, each agreement's own lapse grace period (3 months by default) applies.
    assert config["REVIEW_GRACE_MONTHS"] is None


def test_the_data_folder_and_database_url_are_configurable(tmp_path: Path) -> None:
    assert settings({"REGISTRY_DATA_DIR": str(tmp_path)})["DATABASE_URL"] == f"sqlite:///{tmp_path}/registry.sqlite"
    url = "postgresql+psycopg://u:p@db/isa"
    assert settings({"DATABASE_URL": url, "REGISTRY_DATA_DIR": str(tmp_path)})["DATABASE_URL"] == url


LONG_KEY = "k" * 48


@pytest.mark.parametrize("environment", ["production", "Production", " PRODUCTION ", "staging"])
def test_anything_but_development_needs_a_long_secret_key(environment: str) -> None:
    with pytest.raises(ConfigError, match="REGISTRY_SECRET_KEY"):
        settings({"REGISTRY_ENV": environment})
    with pytest.raises(ConfigError, match="at least 32"):
        settings({"REGISTRY_ENV": environment, "REGISTRY_SECRET_KEY": "s3cret"})
    assert settings({"REGISTRY_ENV": environment, "REGISTRY_SECRET_KEY": LONG_KEY})["SECRET_KEY"] == LONG_KEY


def test_development_may_use_the_built_in_key() -> None:
    assert settings({"REGISTRY_ENV": "development"})["SECRET_KEY"] == DEV_SECRET_KEY


def test_a_bad_grace_period_is_an_error() -> None:
    with pytest.raises(ConfigError):
        settings({"REGISTRY_REVIEW_GRACE_MONTHS": "three"})
    with pytest.raises(ConfigError):
        settings({"REGISTRY_REVIEW_GRACE_MONTHS": "-1"})
    # An unbounded grace period once overflowed the date arithmetic; it is bounded at the boundary.
    with pytest.raises(ConfigError, match="between 0 and 24"):
        settings({"REGISTRY_REVIEW_GRACE_MONTHS": "99999999999"})
    assert settings({"REGISTRY_REVIEW_GRACE_MONTHS": "6"})["REVIEW_GRACE_MONTHS"] == 6


def test_sqlite_file_names_only_file_databases(tmp_path: Path) -> None:
    assert sqlite_file(f"sqlite:///{tmp_path}/x.sqlite") == tmp_path / "x.sqlite"
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("postgresql://db/isa") is None


def test_the_app_creates_the_folder_of_its_sqlite_file(tmp_path: Path) -> None:
    target = tmp_path / "deeper" / "registry.sqlite"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{target}"})
    assert target.parent.is_dir()
    app.extensions["registry.db"].dispose()
