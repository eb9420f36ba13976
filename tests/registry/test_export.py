"""Export then import into an empty database reproduces every organisation and every revision exactly."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from agreements.model import AgreementKind
from registry.services.agreements import (
    agreement_history,
    copy_as_template,
    get_agreement,
    list_agreements,
    save_agreement,
)
from registry.services.exporting import export_registry
from registry.services.importing import import_documents
from registry.services.organisations import list_organisations
from registry.services.standard import load_standard_agreements
from schemas.files import FILE_FORMAT, parse_registry_text
from schemas.yamlio import load_yaml
from tests.builders import replace


def id_of(session: Session, kind: AgreementKind) -> str:
    """The id of the first agreement of a kind."""
    return next(a.id for a in list_agreements(session=session) if a.kind is kind)


def _fill(session: Session) -> None:
    """The standard library plus a later revision of the MASH agreement and a copied draft."""
    load_standard_agreements(session=session, actor="standard library")
    current = get_agreement(session=session, agreement_id=id_of(session, AgreementKind.MASH)).agreement
    save_agreement(
        session=session,
        agreement=replace(current, summary="Revised after the annual review."),
        actor="governance lead",
        change_note="annual review",
    )
    copy_as_template(
        session=session,
        source_id=id_of(session, AgreementKind.MARAC),
        new_id="east-marac",
        title="East MARAC",
        actor="someone else",
    )


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_into_an_empty_database_is_exact(session: Session, engine: Engine, fmt: str) -> None:
    _fill(session)
    organisations = list_organisations(session=session)
    history = agreement_history(session=session)
    text = export_registry(session=session, fmt=fmt)
    session.close()

    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as fresh:
        document = parse_registry_text(text, f"export.{fmt}", fmt)
        summary = import_documents(session=fresh, documents=[document], actor="someone importing")

        assert summary.revisions.created == sum(len(h.revisions) for h in history)
        assert list_organisations(session=fresh) == organisations
        restored = agreement_history(session=fresh)
        # AgreementRevision equality covers the agreement, revision number, recorded_at, recorded_by and note.
        assert restored == history
        assert [r.recorded_by for h in restored for r in h.revisions].count("governance lead") == 1
        # And exporting again gives the same document, apart from when it was made.
        again = export_registry(session=fresh, fmt=fmt, exported_at=document_time(text, fmt))
        assert again == text


def document_time(text: str, fmt: str) -> datetime:
    """The ``exported_at`` written in an export."""
    data = json.loads(text) if fmt == "json" else load_yaml(text)[0]
    return datetime.fromisoformat(data["exported_at"])


def test_an_export_says_its_format_and_vocabulary(session: Session) -> None:
    _fill(session)
    data = json.loads(export_registry(session=session, fmt="json"))
    assert data["format"] == FILE_FORMAT
    assert data["vocabulary_version"]
    assert {h["agreement_id"] for h in data["agreement_history"]} >= {id_of(session, AgreementKind.MASH), "east-marac"}


def _without_defaults(node: object) -> object:
    """A document as an older schema would have written it: no optional field at its default."""
    if isinstance(node, dict):
        kept = {k: _without_defaults(v) for k, v in node.items()}
        defaults = ([], {}, False, "case_by_case", "needs_originator_consent")
        # public_authority is required, so an older schema wrote it too.
        return {k: v for k, v in kept.items() if k == "public_authority" or v not in defaults}
    if isinstance(node, list):
        return [_without_defaults(item) for item in node]
    return node


def test_revisions_written_by_an_older_schema_keep_their_identity(session: Session) -> None:
    """A revision's identity does not change when the schema gains an optional field (issue 6).

    The stored rows are rewritten as an older schema would have left them (no optional field at its
    default, hashed as such); re-importing today's export of the same registry then finds every revision
    unchanged: no new revision and no conflict.
    """
    from sqlmodel import select

    from registry.mapping import content_hash
    from registry.models import AgreementRevisionRow

    _fill(session)
    before = agreement_history(session=session)
    today = parse_registry_text(export_registry(session=session, fmt="json"), "today.json", "json")
    for row in session.exec(select(AgreementRevisionRow)).all():
        older = _without_defaults(row.content)
        assert older != row.content
        assert content_hash(older) == content_hash(row.content)
        row.content, row.content_hash = older, content_hash(older)  # type: ignore[assignment]
        session.add(row)
    session.commit()

    summary = import_documents(session=session, documents=[today], actor="someone importing")

    assert summary.revisions.created == 0
    assert agreement_history(session=session) == before


def test_each_revision_records_the_schema_version_it_was_written_with(session: Session) -> None:
    from sqlmodel import select

    from registry.models import AgreementRevisionRow
    from schemas.agreement import AGREEMENT_SCHEMA_VERSION

    _fill(session)
    versions = set(session.exec(select(AgreementRevisionRow.schema_version)).all())
    assert versions == {AGREEMENT_SCHEMA_VERSION}
