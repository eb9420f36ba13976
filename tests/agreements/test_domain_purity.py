"""The domain is pure: importing it pulls in no web framework, ORM, serialiser or YAML parser.

Checked in a fresh interpreter, because this test session has long since imported all of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_MODULES = (
    "agreements",
    "agreements.answer",
    "agreements.checker",
    "agreements.lint",
    "agreements.model",
    "agreements.question",
    "agreements.snapshot",
    "agreements.validation",
    "agreements.vocabulary",
)
FORBIDDEN = ("flask", "sqlalchemy", "sqlmodel", "marshmallow", "yaml", "_yaml", "alembic", "psycopg")


def _probe(modules: tuple[str, ...]) -> str:
    """A script that imports ``modules`` and every other module of the package, then lists forbidden ones."""
    return f"""
import importlib, json, pkgutil, sys
import agreements
names = list({modules!r}) + [m.name for m in pkgutil.walk_packages(agreements.__path__, "agreements.")]
for name in names:
    importlib.import_module(name)
forbidden = {FORBIDDEN!r}
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in forbidden)))
"""


def _forbidden_after_importing(modules: tuple[str, ...]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", _probe(modules)], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    found: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_domain_imports_nothing_from_the_web_or_storage_layers() -> None:
    assert _forbidden_after_importing(DOMAIN_MODULES) == []


def test_the_probe_would_notice() -> None:
    # The file-reading layer uses marshmallow and YAML: importing it must show up.
    found = _forbidden_after_importing(("schemas.files",))
    assert "marshmallow" in found and "yaml" in found
