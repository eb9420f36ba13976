"""The shipped MASH, MARAC and MAPPA agreements and organisations load, validate and fill an empty registry."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from agreements.model import AgreementKind
from registry.services.agreements import list_agreements
from registry.services.importing import import_documents
from registry.services.standard import load_standard_agreements, read_standard_documents, standard_files
from schemas.files import RegistryDocument
from tests.registry.helpers import table_counts

FILES = [item.name for item in standard_files()]


def _documents() -> dict[str, RegistryDocument]:
    return {document.source.rsplit("/", 1)[-1]: document for document in read_standard_documents()}


def test_the_library_has_organisations_and_the_three_standard_agreements() -> None:
    documents = _documents().values()
    kinds = {agreement.kind for document in documents for agreement in document.agreements}
    assert {AgreementKind.MASH, AgreementKind.MARAC, AgreementKind.MAPPA} <= kinds
    assert sum(len(document.organisations) for document in documents) >= 12
    assert "vocabulary.yaml" not in FILES


@pytest.mark.parametrize("name", [name for name in FILES if name != "organisations.yaml"])
def test_each_standard_file_loads_and_validates_with_the_organisations(session: Session, name: str) -> None:
    documents = _documents()
    organisations = [d for d in documents.values() if d.organisations and not d.agreements]
    summary = import_documents(session=session, documents=[*organisations, documents[name]], actor="test")
    assert summary.agreements.created == len(documents[name].agreements) >= 1


def test_the_standard_agreements_load_only_into_an_empty_registry(session: Session) -> None:
    first = load_standard_agreements(session=session)
    assert first is not None and first.agreements.created == 4
    counts = table_counts(session)

    assert load_standard_agreements(session=session) is None
    assert table_counts(session) == counts
    assert {a.kind for a in list_agreements(session=session)} == {
        AgreementKind.MASH,
        AgreementKind.MARAC,
        AgreementKind.MAPPA,
        AgreementKind.PROTOCOL,  # adult safeguarding (Care Act 2014 ss6-7, 42, 45)
    }
