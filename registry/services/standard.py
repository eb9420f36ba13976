"""The standard agreements and organisations shipped in ``agreements/library/``."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from sqlmodel import Session, select

from registry.models import AgreementRow
from registry.services.importing import ImportSummary, import_documents
from schemas.files import (
    FILE_SUFFIXES,
    FileProblem,
    Format,
    RegistryDocument,
    RegistryFileError,
    parse_registry_text,
)

LIBRARY = "library"
NOT_REGISTRY_FILES = frozenset({"vocabulary.yaml"})


def standard_files() -> list[Traversable]:
    """The registry files in the shipped library, by name; the vocabulary is not one of them."""
    library = resources.files("agreements").joinpath(LIBRARY)
    if not library.is_dir():
        return []
    return sorted(
        (
            item
            for item in library.iterdir()
            if item.is_file()
            and item.name not in NOT_REGISTRY_FILES
            and any(item.name.lower().endswith(suffix) for suffix in FILE_SUFFIXES)
        ),
        key=lambda item: item.name,
    )


def read_standard_documents() -> list[RegistryDocument]:
    """Parse every shipped registry file; ``RegistryFileError`` lists the problems of all of them."""
    documents: list[RegistryDocument] = []
    problems: list[FileProblem] = []
    for item in standard_files():
        fmt: Format = "json" if item.name.lower().endswith(".json") else "yaml"
        try:
            documents.append(
                parse_registry_text(item.read_text(encoding="utf-8"), f"agreements/{LIBRARY}/{item.name}", fmt)
            )
        except RegistryFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RegistryFileError(problems)
    return documents


def load_standard_agreements(*, session: Session, actor: str = "standard library") -> ImportSummary | None:
    """Load the shipped agreements into a registry that has none; ``None`` when it already has some."""
    if session.exec(select(AgreementRow.id).limit(1)).first() is not None:
        return None
    return import_documents(session=session, documents=read_standard_documents(), actor=actor)
