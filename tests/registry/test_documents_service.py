"""The documents service: which revision a document is made of, the PDF cache, signing and verification.

One real render and signature of the standard MASH agreement is made per module (``mash_signed``: a few
seconds) on a throwaway in-memory database; the standard library's revision 1 has the same content and
fingerprint in every database, so the tests verify those bytes against the test's own database (SQLite
or PostgreSQL). Tests of the cache replace the PDF step with a counting one that makes a tiny real PDF.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter
from sqlalchemy import Engine, update
from sqlmodel import Session, SQLModel, col, select

from registry.db import make_engine
from registry.documents import render
from registry.documents.facts import DocumentFacts, document_facts
from registry.documents.signing import SigningIdentity, development_identity
from registry.mapping import row_to_organisation
from registry.models import AgreementRevisionRow, DocumentRow, OrganisationRow
from registry.services import documents
from registry.services.accounts import Role
from registry.services.agreements import describe_agreement, get_agreement
from registry.services.documents import (
    DEVELOPMENT_SIGNING_NOTE,
    agreement_html,
    agreement_pdf,
    diff_html,
    diff_pdf,
    document_key,
    signed_agreement_pdf,
    verify_pdf,
)
from registry.services.editing import amend_agreement
from registry.services.errors import RegistryConflictError, RegistryNotFoundError
from registry.services.organisations import save_organisation
from registry.services.standard import load_standard_agreements
from tests.conftest import MakeAccount

# WeasyPrint warns, once, on import, that a future version will need libharfbuzz-subset, which Debian 12 does not
# package separately; nothing to do about it here.
pytestmark = pytest.mark.filterwarnings("ignore:HarfBuzz-Subset will be required:DeprecationWarning")

MASH = "NS-MASH-ISA"
# Inside the standard MASH agreement's term (effective 1 April 2026, review due 31 March 2027): "today" is fixed,
# so the tests do not start failing the day the agreement lapses.
IN_TERM = date(2026, 6, 1)


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    """A development signing identity for the module (made once, in a temporary folder)."""
    return development_identity(tmp_path_factory.mktemp("signing"))


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    """Another registry's signing identity."""
    return development_identity(tmp_path_factory.mktemp("other-signing"))


@pytest.fixture(scope="module")
def mash_signed(identity: SigningIdentity) -> bytes:
    """The standard MASH agreement's signed PDF, really rendered and signed, once for the module."""
    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            load_standard_agreements(session=session)
            document = signed_agreement_pdf(session=session, agreement_id=MASH, identity=identity)
    finally:
        engine.dispose()
    assert not document.cached
    return document.content


def tiny_pdf(facts: DocumentFacts) -> bytes:
    """A real one-page PDF titled after the facts: what the counting renderer returns instead of a render."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"{facts.title} revision {facts.revision}"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[DocumentFacts]:
    """Replace the HTML → PDF step with one that records each call and makes a tiny PDF."""
    calls: list[DocumentFacts] = []

    def counting_html_to_pdf(html: str, *, facts: DocumentFacts) -> bytes:
        assert facts.title in html
        calls.append(facts)
        return tiny_pdf(facts)

    monkeypatch.setattr(render, "html_to_pdf", counting_html_to_pdf)
    return calls


@pytest.fixture
def standard(session: Session) -> Session:
    """The test's database with the standard library loaded."""
    load_standard_agreements(session=session)
    return session


def _amend_mash(session: Session, make_account: MakeAccount) -> None:
    """Amend the MASH agreement's terms as an admin: revision 2, back to awaiting signatures."""
    admin, _ = make_account(Role.ADMIN)
    current = get_agreement(session=session, agreement_id=MASH).agreement
    amend_agreement(
        session=session,
        agreement_id=MASH,
        agreement=dataclasses.replace(current, summary=(current.summary or "") + " Amended for the test."),
        change_summary="A clearer summary",
        account=admin,
        expected_revision=1,
    )


def _verify(session: Session, pdf: bytes, identity: SigningIdentity, today: date = IN_TERM) -> documents.VerifyReport:
    return verify_pdf(session=session, pdf=pdf, identity=identity, today=today, grace_months=None)


# ----------------------------------------------------------------------------------------------------------------
# The signed PDF itself


def test_the_signed_mash_pdf_validates_with_pyhanko_against_the_registry_certificate(
    mash_signed: bytes, identity: SigningIdentity
) -> None:
    reader = PdfFileReader(BytesIO(mash_signed))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[identity.certificate], allow_fetching=False)

    status = validate_pdf_signature(signature, signer_validation_context=context)

    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_the_signed_pdf_reads_as_the_agreement_and_says_it_used_a_development_key(
    mash_signed: bytes, session: Session
) -> None:
    load_standard_agreements(session=session)
    agreement = get_agreement(session=session, agreement_id=MASH).agreement
    pages = PdfReader(BytesIO(mash_signed)).pages
    # The cover and the signature pages (the last section) only: extracting every page's text takes seconds.
    cover = " ".join((pages[0].extract_text() or "").split())
    last = pages[render.signature_page_number(mash_signed) - 1 :]
    signatures = " ".join(" ".join((page.extract_text() or "") for page in last).split())

    assert agreement.title in cover and "3.2" in cover
    assert "Page 1 of" in cover
    assert DEVELOPMENT_SIGNING_NOTE in cover
    sign_offs = _facts_of(session, MASH).sign_offs
    assert len(sign_offs) == len(agreement.parties)
    for sign_off in sign_offs:
        assert " ".join(sign_off.organisation_name.split()) in signatures, sign_off.organisation_name


def _facts_of(session: Session, agreement_id: str) -> DocumentFacts:
    """The facts of the agreement's current revision, as the registry holds it."""
    detail = describe_agreement(session=session, agreement_id=agreement_id)
    row = session.get(AgreementRevisionRow, (agreement_id, detail.revision.revision))
    assert row is not None
    return document_facts(detail.revision, fingerprint=row.content_hash, organisations=detail.organisations)


# ----------------------------------------------------------------------------------------------------------------
# Verification


def test_verify_names_the_agreement_and_revision_and_says_it_is_in_force(
    standard: Session, mash_signed: bytes, identity: SigningIdentity
) -> None:
    report = _verify(standard, mash_signed, identity)

    assert report.valid and report.current and report.in_force
    assert report.summary == "Valid — signed by this registry"
    assert (report.agreement_id, report.revision, report.version) == (MASH, 1, "3.2")
    assert report.fingerprint_matches and report.standing == "in force"
    assert (report.current_revision, report.current_status) == (1, "active")
    facts = report.verification.facts
    assert facts is not None and all(sign_off.signed for sign_off in facts.sign_offs)
    assert report.verification.signer == identity.subject()


def test_one_flipped_byte_makes_verify_fail(standard: Session, mash_signed: bytes, identity: SigningIdentity) -> None:
    # A byte inside the first page's content stream: inside what the signature covers.
    position = mash_signed.index(b"stream", len(mash_signed) // 4) + 40
    altered = bytearray(mash_signed)
    altered[position] ^= 0x01

    report = _verify(standard, bytes(altered), identity)

    assert not report.valid and not report.signature_valid and not report.current
    check = report.verification
    assert not check.intact or not check.readable
    assert report.summary.startswith("Not valid") or report.summary.startswith("Not readable")


def test_a_superseded_revision_is_reported_as_superseded(
    standard: Session, mash_signed: bytes, identity: SigningIdentity, make_account: MakeAccount
) -> None:
    _amend_mash(standard, make_account)

    report = _verify(standard, mash_signed, identity)

    assert report.valid, "the signature and fingerprint are still those of revision 1"
    assert report.standing.startswith("superseded by revision 2")
    assert "awaiting signatures" in report.standing
    assert not report.in_force and not report.current
    assert (report.revision, report.current_revision, report.current_status) == (1, 2, "awaiting_signatures")


def test_a_revision_past_its_review_grace_is_not_in_force(
    standard: Session, mash_signed: bytes, identity: SigningIdentity
) -> None:
    # Review due 31 March 2027, three months' grace: in force until 30 June 2027.
    assert _verify(standard, mash_signed, identity, today=date(2027, 6, 30)).in_force

    report = _verify(standard, mash_signed, identity, today=date(2027, 7, 1))

    assert report.valid and not report.in_force and not report.current
    assert report.standing == "not in force (status active; ended 2027-06-30, past its expiry or review date)"
    # The registry's own grace setting overrides the agreement's.
    stricter = verify_pdf(session=standard, pdf=mash_signed, identity=identity, today=date(2027, 4, 15), grace_months=0)
    assert not stricter.in_force


def test_a_pdf_signed_by_another_certificate_is_not_valid(
    standard: Session, mash_signed: bytes, stranger: SigningIdentity
) -> None:
    report = _verify(standard, mash_signed, stranger)

    assert not report.valid and not report.verification.trusted
    assert report.verification.intact
    assert any("does not trust" in problem for problem in report.verification.problems)


def test_an_agreement_the_registry_does_not_hold_is_unknown(
    session: Session, mash_signed: bytes, identity: SigningIdentity
) -> None:
    report = _verify(session, mash_signed, identity)

    assert report.signature_valid and not report.valid
    assert report.standing == "unknown to this registry"
    assert report.agreement_id == MASH and not report.agreement_known


def test_a_fingerprint_that_differs_from_the_stored_revision_is_not_valid(
    standard: Session, mash_signed: bytes, identity: SigningIdentity
) -> None:
    standard.execute(
        update(AgreementRevisionRow).where(col(AgreementRevisionRow.agreement_id) == MASH).values(content_hash="0" * 64)
    )
    standard.commit()

    report = _verify(standard, mash_signed, identity)

    assert report.signature_valid and not report.valid and not report.fingerprint_matches
    assert report.standing.startswith("does not match revision 1")


@pytest.mark.parametrize("content", [b"", b"not a pdf at all", b"%PDF-1.7\n garbage"])
def test_unreadable_input_is_reported_not_raised(session: Session, identity: SigningIdentity, content: bytes) -> None:
    report = _verify(session, content, identity)

    assert not report.valid and report.verification.problems
    assert report.standing == "unknown to this registry"


def test_an_unsigned_pdf_is_not_signed(session: Session, identity: SigningIdentity) -> None:
    facts = DocumentFacts(MASH, "Title", "1", 1, "active", "f" * 64)

    report = _verify(session, tiny_pdf(facts), identity)

    assert report.verification.readable and not report.verification.signed
    assert report.summary.startswith("Not signed")


# ----------------------------------------------------------------------------------------------------------------
# Which revision, and what a signed PDF may certify


def test_a_signed_pdf_is_refused_for_a_revision_not_signed_by_every_party(
    standard: Session, make_account: MakeAccount, identity: SigningIdentity, renders: list[DocumentFacts]
) -> None:
    _amend_mash(standard, make_account)

    def no_key_needed() -> SigningIdentity:
        raise AssertionError("the key is not loaded for a document that will not be signed")

    with pytest.raises(RegistryConflictError) as refused:
        signed_agreement_pdf(session=standard, agreement_id=MASH, identity=no_key_needed)

    assert refused.value.status == 409
    assert "revision 2 is awaiting signatures" in refused.value.message
    assert "document.pdf" in refused.value.message
    # Revision 1, which every party signed, can still be issued signed.
    issued = signed_agreement_pdf(session=standard, agreement_id=MASH, revision=1, identity=lambda: identity)
    assert issued.filename == "NS-MASH-ISA-v3.2-r1-signed.pdf"
    assert [facts.revision for facts in renders] == [1]


def test_unknown_agreements_and_revisions_are_not_found(standard: Session, identity: SigningIdentity) -> None:
    for call in (
        lambda: agreement_pdf(session=standard, agreement_id="no-such-agreement"),
        lambda: agreement_html(session=standard, agreement_id=MASH, revision=99),
        lambda: signed_agreement_pdf(session=standard, agreement_id=MASH, revision=99, identity=identity),
        lambda: diff_pdf(session=standard, agreement_id=MASH, from_revision=1, to_revision=7),
    ):
        with pytest.raises(RegistryNotFoundError) as missing:
            call()
        assert missing.value.status == 404


def test_the_html_document_names_the_agreement_every_party_and_every_flow(standard: Session) -> None:
    document = agreement_html(session=standard, agreement_id=MASH)

    html = document.content.decode("utf-8")
    agreement = get_agreement(session=standard, agreement_id=MASH).agreement
    assert (document.media_type, document.filename, document.cached) == (
        "text/html; charset=utf-8",
        "NS-MASH-ISA-v3.2-r1.html",
        False,
    )
    assert agreement.title in html
    for sign_off in _facts_of(standard, MASH).sign_offs:
        assert sign_off.organisation_name.replace("'", "&#39;") in html
    for flow in agreement.flows:
        assert flow.id in html


# ----------------------------------------------------------------------------------------------------------------
# The cache


def test_a_cached_download_does_not_render_again(standard: Session, renders: list[DocumentFacts]) -> None:
    first = agreement_pdf(session=standard, agreement_id=MASH)
    second = agreement_pdf(session=standard, agreement_id=MASH)

    assert len(renders) == 1
    assert (first.cached, second.cached) == (False, True)
    assert first.content == second.content and first.etag == second.etag
    assert first.filename == "NS-MASH-ISA-v3.2-r1.pdf" and first.media_type == "application/pdf"
    row = standard.exec(select(DocumentRow)).one()
    assert (row.agreement_id, row.revision, row.kind, row.size) == (MASH, 1, "pdf", len(first.content))
    assert row.created_at.utcoffset() is not None and row.created_at.astimezone(UTC).utcoffset().total_seconds() == 0


def test_a_new_revision_or_template_is_a_new_document(
    standard: Session, renders: list[DocumentFacts], make_account: MakeAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreement_pdf(session=standard, agreement_id=MASH)
    _amend_mash(standard, make_account)
    agreement_pdf(session=standard, agreement_id=MASH)
    assert agreement_pdf(session=standard, agreement_id=MASH, revision=1).cached
    monkeypatch.setattr(render, "TEMPLATE_VERSION", "a-changed-template")
    assert not agreement_pdf(session=standard, agreement_id=MASH, revision=1).cached

    assert [facts.revision for facts in renders] == [1, 2, 1]


def test_a_changed_vocabulary_is_a_new_document(
    standard: Session, renders: list[DocumentFacts], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Labels and citations come from the vocabulary: a reworded one is rendered afresh, not served stale."""
    agreement_pdf(session=standard, agreement_id=MASH)
    reworded = dataclasses.replace(documents.current_vocabulary(), version="reworded")
    monkeypatch.setattr(documents, "current_vocabulary", lambda: reworded)

    assert not agreement_pdf(session=standard, agreement_id=MASH).cached
    assert agreement_pdf(session=standard, agreement_id=MASH).cached
    assert len(renders) == 2


def test_signed_pdfs_are_cached_per_signing_certificate(
    standard: Session, renders: list[DocumentFacts], identity: SigningIdentity, stranger: SigningIdentity
) -> None:
    first = signed_agreement_pdf(session=standard, agreement_id=MASH, identity=identity)
    again = signed_agreement_pdf(session=standard, agreement_id=MASH, identity=identity)
    other = signed_agreement_pdf(session=standard, agreement_id=MASH, identity=stranger)

    assert (first.cached, again.cached, other.cached) == (False, True, False)
    assert first.content == again.content and first.etag != other.etag
    assert len(renders) == 2
    assert _verify(standard, again.content, identity).valid
    kinds = standard.exec(select(DocumentRow.kind)).all()
    assert sorted(kinds) == ["signed_pdf", "signed_pdf"]


def test_two_instances_storing_the_same_document_at_once_both_serve_one_copy(
    standard: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another instance stores the same PDF while this one renders: no error, and the stored copy is served."""
    looked_up: list[str] = []
    lookup = documents._cached

    def recording_lookup(session: Session, key: str) -> bytes | None:
        looked_up.append(key)
        return lookup(session, key)

    theirs = b"%PDF-1.7 the other instance's copy"

    def render_while_another_instance_stores(html: str, *, facts: DocumentFacts) -> bytes:
        # The other instance missed the cache too and finishes first, under the key this one looked up.
        with Session(engine) as other_instance:
            other_instance.add(
                DocumentRow(
                    key=looked_up[-1],
                    agreement_id=MASH,
                    revision=1,
                    kind="pdf",
                    media_type="application/pdf",
                    content=theirs,
                    size=len(theirs),
                    created_at=documents.utcnow(),
                )
            )
            other_instance.commit()
        return tiny_pdf(facts)

    monkeypatch.setattr(documents, "_cached", recording_lookup)
    monkeypatch.setattr(render, "html_to_pdf", render_while_another_instance_stores)

    served = agreement_pdf(session=standard, agreement_id=MASH)

    assert served.content == theirs and not served.cached
    assert agreement_pdf(session=standard, agreement_id=MASH).content == theirs
    assert len(standard.exec(select(DocumentRow)).all()) == 1


def test_a_renamed_party_is_a_new_document(standard: Session, renders: list[DocumentFacts]) -> None:
    """The document prints each party's name from its organisation record: a rename is not served stale."""
    first = agreement_pdf(session=standard, agreement_id=MASH)
    row = standard.get(OrganisationRow, "northshire-police")
    assert row is not None
    renamed = dataclasses.replace(row_to_organisation(row), name="Northshire Constabulary")
    save_organisation(session=standard, organisation=renamed, actor="test")

    second = agreement_pdf(session=standard, agreement_id=MASH)

    assert not second.cached and second.etag != first.etag
    assert "Northshire Constabulary" in {s.organisation_name for s in renders[-1].sign_offs}
    assert agreement_pdf(session=standard, agreement_id=MASH).cached


def test_diffs_name_what_changed_and_diff_pdfs_are_cached(
    standard: Session, make_account: MakeAccount, renders: list[DocumentFacts]
) -> None:
    _amend_mash(standard, make_account)

    page = diff_html(session=standard, agreement_id=MASH, from_revision=1, to_revision=2)
    first = diff_pdf(session=standard, agreement_id=MASH, from_revision=1, to_revision=2)
    second = diff_pdf(session=standard, agreement_id=MASH, from_revision=1, to_revision=2)

    assert "Amended for the test." in page.content.decode("utf-8")
    assert page.filename == "NS-MASH-ISA-r1-to-r2-changes.html"
    assert (first.cached, second.cached, len(renders)) == (False, True, 1)
    stored = standard.exec(select(DocumentRow)).one()
    assert (stored.kind, stored.from_revision, stored.revision) == ("diff_pdf", 1, 2)


def test_the_cache_key_follows_everything_the_bytes_depend_on() -> None:
    base = document_key("signed_pdf", MASH, (1,), ("hash", "template", "certificate"))
    variants: list[Callable[[], str]] = [
        lambda: document_key("pdf", MASH, (1,), ("hash", "template", "certificate")),
        lambda: document_key("signed_pdf", "other", (1,), ("hash", "template", "certificate")),
        lambda: document_key("signed_pdf", MASH, (2,), ("hash", "template", "certificate")),
        lambda: document_key("signed_pdf", MASH, (1,), ("other", "template", "certificate")),
        lambda: document_key("signed_pdf", MASH, (1,), ("hash", "other", "certificate")),
        lambda: document_key("signed_pdf", MASH, (1,), ("hash", "template", "other")),
    ]
    keys = {variant() for variant in variants}
    assert base not in keys and len(keys) == len(variants)
    assert len(base) == 64 and base == document_key("signed_pdf", MASH, (1,), ("hash", "template", "certificate"))
