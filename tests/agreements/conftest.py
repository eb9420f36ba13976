"""Fixtures for the pure agreements domain: the vocabulary, the organisations and the standard agreements.

Everything here is read once per session from ``agreements/library`` and is immutable (frozen
dataclasses), so tests may share it freely and derive variants with ``dataclasses.replace``.
No Flask app, no database: the checker and the lint are pure functions of these objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import MappingProxyType

import pytest

from agreements.model import Agreement, AgreementRevision, Organisation
from agreements.snapshot import RegistrySnapshot
from agreements.vocabulary import Vocabulary
from schemas.files import read_registry_file
from schemas.vocabulary import load_vocabulary

LIBRARY = Path(__file__).resolve().parents[2] / "agreements" / "library"
STANDARD_FILES = ("mash.yaml", "marac.yaml", "mappa.yaml", "adult-safeguarding.yaml")
RECORDED_AT = datetime(2025, 1, 1, tzinfo=UTC)

MASH = "NS-MASH-ISA"
MARAC = "NS-MARAC-ISA"


def revision(agreement: Agreement, number: int = 1, recorded_at: datetime = RECORDED_AT) -> AgreementRevision:
    """One stored revision of an agreement, as the registry would hold it."""
    return AgreementRevision(agreement, number, recorded_at, "test")


def build_snapshot(
    vocabulary: Vocabulary,
    organisations: Iterable[Organisation],
    agreements: Iterable[Agreement] = (),
    revisions: Iterable[AgreementRevision] = (),
) -> RegistrySnapshot:
    """A snapshot holding each agreement as revision 1, plus any explicit revisions."""
    return RegistrySnapshot(vocabulary, organisations, [revision(a) for a in agreements] + list(revisions))


@cache
def load_organisations() -> tuple[Organisation, ...]:
    """Every organisation in ``organisations.yaml`` (read once per process)."""
    return read_registry_file(LIBRARY / "organisations.yaml").organisations


@cache
def load_standard_agreements() -> Mapping[str, Agreement]:
    """The standard agreements in the library, by id (read once per process); a missing file is skipped."""
    found: dict[str, Agreement] = {}
    for name in STANDARD_FILES:
        path = LIBRARY / name
        if path.exists():
            for agreement in read_registry_file(path).agreements:
                found[agreement.id] = agreement
    return MappingProxyType(found)


@pytest.fixture(scope="session")
def vocabulary() -> Vocabulary:
    """The shipped controlled vocabulary."""
    return load_vocabulary()


@pytest.fixture(scope="session")
def organisations() -> tuple[Organisation, ...]:
    """Every organisation in ``organisations.yaml``."""
    return load_organisations()


@pytest.fixture(scope="session")
def organisations_by_id(organisations: tuple[Organisation, ...]) -> Mapping[str, Organisation]:
    """The organisations indexed by id, as the lint wants them."""
    return {o.id: o for o in organisations}


@pytest.fixture(scope="session")
def standard_agreements() -> Mapping[str, Agreement]:
    """The standard agreements shipped in the library (MASH, MARAC and MAPPA where present), by id."""
    return load_standard_agreements()


@pytest.fixture(scope="session")
def standard_snapshot(
    vocabulary: Vocabulary, organisations: tuple[Organisation, ...], standard_agreements: Mapping[str, Agreement]
) -> RegistrySnapshot:
    """The registry holding every standard agreement as revision 1."""
    return build_snapshot(vocabulary, organisations, standard_agreements.values())
