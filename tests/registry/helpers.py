"""Helpers for the registry tests: counting rows and loading files the way the CLI does."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from registry.services.importing import ImportSummary, import_documents
from schemas.files import FileProblem, RegistryDocument, RegistryFileError, read_registry_file


def table_counts(session: Session) -> dict[str, int]:
    """The number of rows in every registry table."""
    return {
        name: session.exec(select(func.count()).select_from(table)).one()
        for name, table in SQLModel.metadata.tables.items()
    }


def load_files(session: Session, *paths: Path, actor: str = "test") -> ImportSummary:
    """Parse every file, then import them together; ``RegistryFileError`` lists every problem."""
    documents: list[RegistryDocument] = []
    problems: list[FileProblem] = []
    for path in paths:
        try:
            documents.append(read_registry_file(path))
        except RegistryFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RegistryFileError(problems)
    return import_documents(session=session, documents=documents, actor=actor)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the text")
