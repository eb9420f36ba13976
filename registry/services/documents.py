"""Agreement documents: HTML, PDF, signed PDF, diff and ODRL downloads, the PDF cache, and verification.

The pure steps (render, sign, verify, ODRL) live in ``registry.documents``; this module decides which
revision they apply to, what a signed PDF may certify, and when a stored PDF can be served instead of
rendering again. PDFs are cached in the ``document`` table under a key made of everything the bytes
depend on, so a row can never be stale and every instance serves what any one of them rendered.

The document libraries are imported inside the functions that use them: the rest of the registry (and
every command that never renders) does not pay for loading WeasyPrint or pyHanko.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Text, cast
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from agreements.model import Agreement, AgreementRevision, AgreementStatus, Organisation
from agreements.validation import Problem
from agreements.vocabulary import Vocabulary
from registry.mapping import row_to_organisation, row_to_revision
from registry.models import AgreementPartyRow, AgreementRevisionRow, AgreementRow, DocumentRow, OrganisationRow
from registry.services.common import current_vocabulary, utcnow
from registry.services.errors import RegistryConflictError, RegistryError, RegistryNotFoundError
from registry.services.history import diff_documents

if TYPE_CHECKING:
    from registry.documents.facts import DocumentFacts
    from registry.documents.signing import SigningIdentity, Verification

log = logging.getLogger(__name__)

PDF = "application/pdf"
HTML = "text/html; charset=utf-8"
JSON_LD = "application/ld+json"
Kind = Literal["html", "pdf", "signed_pdf", "diff_pdf", "diff_html", "odrl"]
CACHED_KINDS = frozenset({"pdf", "signed_pdf", "diff_pdf"})
# Printed on the cover of a PDF signed with the generated development key (and logged when the key is loaded).
DEVELOPMENT_SIGNING_NOTE = "Signed with a self-signed development key: not for real use"
# Anything but these characters is left out of a download's file name (it goes into a header).
_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


class SigningUnavailableError(RegistryError):
    """The registry's signing key or certificate cannot be loaded: an operator has to fix the configuration."""

    status = 503
    title = "Document signing is unavailable"


@dataclass(frozen=True)
class Document:
    """A document to download: its bytes, media type, file name, entity tag, and whether it came from the cache."""

    content: bytes
    media_type: str
    filename: str
    cached: bool
    # Follows everything the bytes depend on (the cache key): the same tag means the same document.
    etag: str


@dataclass(frozen=True)
class _Stored:
    """One stored revision with what rendering it needs."""

    row: AgreementRevisionRow
    revision: AgreementRevision
    organisations: dict[str, Organisation]

    @property
    def agreement(self) -> Agreement:
        return self.revision.agreement


@dataclass(frozen=True)
class VerifyReport:
    """What a PDF says about itself (the signature check), set beside what this registry holds."""

    verification: Verification
    # The agreement and revision the document names, when it names one.
    agreement_id: str | None
    revision: int | None
    version: str | None
    agreement_known: bool
    revision_known: bool
    # The fingerprint the document carries is that of the stored revision.
    fingerprint_matches: bool
    current_revision: int | None
    current_status: str | None
    in_force: bool
    standing: str

    @property
    def signature_valid(self) -> bool:
        """The signature is intact, covers the whole file and was made with this registry's certificate."""
        return bool(self.verification.valid)

    @property
    def valid(self) -> bool:
        """Signed by this registry and the very revision it holds under that agreement and number."""
        return self.signature_valid and self.fingerprint_matches

    @property
    def current(self) -> bool:
        """Valid, and the revision is the one in force today."""
        return self.valid and self.in_force

    @property
    def summary(self) -> str:
        """One line for the top of a page or a terminal."""
        if not self.verification.readable:
            return "Not readable as a PDF"
        if not self.verification.signed:
            return "Not signed — this PDF carries no signature"
        if not self.signature_valid:
            return "Not valid — the signature does not verify against this registry's certificate"
        if not self.fingerprint_matches:
            return "Signed by this registry, but it does not match the revision this registry holds"
        return "Valid — signed by this registry"


def _filename_part(value: str) -> str:
    return _UNSAFE_IN_FILENAME.sub("-", value).strip("-.") or "agreement"


def _filename(agreement_id: str, version: str, revision: int, suffix: str) -> str:
    return f"{_filename_part(agreement_id)}-v{_filename_part(version)}-r{revision}{suffix}"


def document_key(kind: str, agreement_id: str, revisions: tuple[int, ...], parts: tuple[str, ...]) -> str:
    """The cache key (and entity tag): SHA-256 of everything the document's bytes depend on."""
    material = json.dumps([kind, agreement_id, list(revisions), list(parts)], separators=(",", ":"))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------------------------------------------
# Reading revisions


@dataclass(frozen=True)
class _Head:
    """A revision's listing columns, read without its (large) content: enough to name and key a document."""

    agreement_id: str
    revision: int
    version: str
    status: str
    content_hash: str
    current_revision: int


_HEAD_COLUMNS = (
    col(AgreementRevisionRow.revision),
    col(AgreementRevisionRow.version),
    col(AgreementRevisionRow.status),
    col(AgreementRevisionRow.content_hash),
)


def _head(session: Session, agreement_id: str, revision: int | None) -> _Head:
    """The revision asked for (the current one by default); ``RegistryNotFoundError`` naming what is missing."""
    current = session.exec(select(AgreementRow.current_revision).where(AgreementRow.id == agreement_id)).first()
    if current is None:
        raise RegistryNotFoundError(f"no agreement {agreement_id!r}")
    number = current if revision is None else revision
    found = session.execute(
        sa_select(*_HEAD_COLUMNS).where(
            col(AgreementRevisionRow.agreement_id) == agreement_id, col(AgreementRevisionRow.revision) == number
        )
    ).first()
    if found is None:
        raise RegistryNotFoundError(f"agreement {agreement_id!r} has no revision {number}")
    return _Head(agreement_id, found[0], found[1], found[2], found[3], current)


def _context(session: Session, agreement_id: str, revisions: tuple[int, ...]) -> tuple[str, str]:
    """Digests of what a document prints besides the revision: the parties' organisation records and the vocabulary.

    An organisation renamed, or a vocabulary label reworded, changes the document without changing the
    revision, so both are part of the cache key (the owner and the ends of flows are always parties).
    """
    rows = session.execute(
        # The record as the database stores its text: hashing that needs no JSON parsing (this is on every download).
        sa_select(col(OrganisationRow.id), cast(col(OrganisationRow.record), Text))
        .join(AgreementPartyRow, col(AgreementPartyRow.organisation_id) == col(OrganisationRow.id))
        .where(col(AgreementPartyRow.agreement_id) == agreement_id, col(AgreementPartyRow.revision).in_(revisions))
    ).all()
    records = sorted({(row[0], row[1]) for row in rows})
    organisations = hashlib.sha256(json.dumps(records).encode("utf-8")).hexdigest()
    return f"organisations:{organisations}", f"vocabulary:{_vocabulary_digest()}"


_VOCABULARY_DIGEST: list[tuple[Vocabulary, str]] = []


def _vocabulary_digest() -> str:
    """A digest of the vocabulary documents are rendered with, worked out once per vocabulary object."""
    vocabulary = current_vocabulary()
    if _VOCABULARY_DIGEST and _VOCABULARY_DIGEST[0][0] is vocabulary:
        return _VOCABULARY_DIGEST[0][1]
    digest = hashlib.sha256(repr(vocabulary).encode("utf-8")).hexdigest()
    _VOCABULARY_DIGEST[:] = [(vocabulary, digest)]
    return digest


def _stored(session: Session, head: _Head) -> _Stored:
    row = session.get(AgreementRevisionRow, (head.agreement_id, head.revision))
    assert row is not None  # _head found it
    revision = row_to_revision(row)
    return _Stored(row, revision, _organisations(session, revision.agreement))


def _organisations(session: Session, *agreements: Agreement) -> dict[str, Organisation]:
    """Every organisation the agreements name (parties, owners, the ends of flows), as the registry records them."""
    named: set[str] = set()
    for agreement in agreements:
        named |= agreement.party_ids() | {agreement.owner}
        for flow in agreement.flows:
            named.update(end.organisation for end in (*flow.source, *flow.recipient) if end.organisation)
    rows = session.exec(select(OrganisationRow).where(col(OrganisationRow.id).in_(sorted(named)))).all()
    return {row.id: row_to_organisation(row) for row in rows}


def _facts(stored: _Stored) -> DocumentFacts:
    from registry.documents.facts import document_facts

    return document_facts(stored.revision, fingerprint=stored.row.content_hash, organisations=stored.organisations)


# ----------------------------------------------------------------------------------------------------------------
# The cache


def _cached(session: Session, key: str) -> bytes | None:
    content = session.exec(select(DocumentRow.content).where(DocumentRow.key == key)).first()
    return bytes(content) if content is not None else None


def _keep(
    session: Session,
    *,
    key: str,
    kind: str,
    head: _Head,
    media_type: str,
    content: bytes,
    from_revision: int | None = None,
) -> bytes:
    """Store a rendered document unless another instance stored it first; return the stored bytes.

    Two instances rendering the same document at once both insert: the second insert does nothing
    (``ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL alike) and both serve the row that won, so a
    document has one set of bytes however many instances made it. A cache that cannot be written (a
    read-only replica, a lost lock) is logged and the rendered document still served.
    """
    values: dict[str, Any] = {
        "key": key,
        "agreement_id": head.agreement_id,
        "revision": head.revision,
        "from_revision": from_revision,
        "kind": kind,
        "media_type": media_type,
        "content": content,
        "size": len(content),
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    table = DocumentRow.__table__  # type: ignore[attr-defined]
    try:
        if dialect == "postgresql":
            statement: Any = postgresql_insert(table).values(**values).on_conflict_do_nothing(index_elements=["key"])
        elif dialect == "sqlite":
            statement = sqlite_insert(table).values(**values).on_conflict_do_nothing(index_elements=["key"])
        else:  # pragma: no cover - the registry runs on SQLite and PostgreSQL only
            statement = table.insert().values(**values)
        inserted = session.execute(statement)
        session.commit()
    except DBAPIError as exc:
        session.rollback()
        log.warning("document cache not written for %s revision %s: %s", head.agreement_id, head.revision, exc)
        return content
    if inserted.rowcount == 1:  # type: ignore[attr-defined]
        return content
    stored = _cached(session, key)
    return stored if stored is not None else content


def _cached_or_made(
    session: Session,
    *,
    key: str,
    kind: str,
    head: _Head,
    filename: str,
    make: Callable[[], bytes],
    from_revision: int | None = None,
) -> Document:
    """The PDF stored under ``key``, or ``make()`` rendered now and kept for every instance."""
    cached = _cached(session, key)
    if cached is not None:
        return Document(cached, PDF, filename, True, key)
    content = make()
    kept = _keep(session, key=key, kind=kind, head=head, media_type=PDF, content=content, from_revision=from_revision)
    return Document(kept, PDF, filename, False, key)


# ----------------------------------------------------------------------------------------------------------------
# Agreement documents


def agreement_html(
    *, session: Session, agreement_id: str, revision: int | None = None, signing_note: str | None = None
) -> Document:
    """The agreement document as HTML (rendered each time: it is cheap, and only PDFs are cached)."""
    from registry.documents import render

    head = _head(session, agreement_id, revision)
    stored = _stored(session, head)
    html = render.render_agreement_html(
        stored.revision,
        facts=_facts(stored),
        organisations=stored.organisations,
        vocabulary=current_vocabulary(),
        signing_note=signing_note,
    )
    parts = (head.content_hash, render.TEMPLATE_VERSION, *_context(session, agreement_id, (head.revision,)))
    key = document_key("html", agreement_id, (head.revision,), parts)
    return Document(
        html.encode("utf-8"), HTML, _filename(agreement_id, head.version, head.revision, ".html"), False, key
    )


def agreement_pdf(*, session: Session, agreement_id: str, revision: int | None = None) -> Document:
    """The agreement document as a PDF (unsigned; marked DRAFT unless active), from the cache when rendered before."""
    from registry.documents import render

    head = _head(session, agreement_id, revision)
    parts = (head.content_hash, render.TEMPLATE_VERSION, *_context(session, agreement_id, (head.revision,)))
    key = document_key("pdf", agreement_id, (head.revision,), parts)
    filename = _filename(agreement_id, head.version, head.revision, ".pdf")

    def make() -> bytes:
        stored = _stored(session, head)
        facts = _facts(stored)
        html = render.render_agreement_html(
            stored.revision, facts=facts, organisations=stored.organisations, vocabulary=current_vocabulary()
        )
        return render.html_to_pdf(html, facts=facts)

    return _cached_or_made(session, key=key, kind="pdf", head=head, filename=filename, make=make)


def signed_agreement_pdf(
    *,
    session: Session,
    agreement_id: str,
    revision: int | None = None,
    identity: SigningIdentity | Callable[[], SigningIdentity],
) -> Document:
    """The agreement as a PAdES-signed PDF, for a revision signed by every party (its own status is active).

    A signed PDF certifies what every party signed, so it is made only for a revision recorded as active;
    that revision can still be downloaded signed after it is superseded (verification then says so). Any
    other revision is a ``RegistryConflictError`` that points to the unsigned PDF. ``identity`` may be a
    callable, so the key is loaded only once the revision is known to be signable.
    """
    from registry.documents import render, signing

    head = _head(session, agreement_id, revision)
    if head.status != AgreementStatus.ACTIVE.value:
        raise RegistryConflictError(
            f"{agreement_id} revision {head.revision} is {head.status.replace('_', ' ')}, not active: it is not "
            "signed by every party, so there is no signed PDF of it; download the unsigned PDF (document.pdf) instead",
            [
                Problem(
                    "revision",
                    f"revision {head.revision} is {head.status.replace('_', ' ')}, not active: only a revision signed "
                    "by every party is issued as a signed PDF (the unsigned one is document.pdf)",
                )
            ],
        )
    signer = identity if isinstance(identity, signing.SigningIdentity) else identity()
    context = _context(session, agreement_id, (head.revision,))
    parts = (head.content_hash, render.TEMPLATE_VERSION, *context, signer.certificate_fingerprint())
    key = document_key("signed_pdf", agreement_id, (head.revision,), parts)
    filename = _filename(agreement_id, head.version, head.revision, "-signed.pdf")

    def make() -> bytes:
        stored = _stored(session, head)
        facts = _facts(stored)
        html = render.render_agreement_html(
            stored.revision,
            facts=facts,
            organisations=stored.organisations,
            vocabulary=current_vocabulary(),
            signing_note=DEVELOPMENT_SIGNING_NOTE if signer.development else None,
        )
        return signing.sign_document(render.html_to_pdf(html, facts=facts), facts, signer)

    return _cached_or_made(session, key=key, kind="signed_pdf", head=head, filename=filename, make=make)


def _diff_parts(
    session: Session, agreement_id: str, from_revision: int, to_revision: int
) -> tuple[_Head, _Head, str, str]:
    before = _head(session, agreement_id, from_revision)
    after = _head(session, agreement_id, to_revision)
    from registry.documents import render

    name = f"{_filename_part(agreement_id)}-r{before.revision}-to-r{after.revision}-changes"
    context = _context(session, agreement_id, (before.revision, after.revision))
    key_parts = (before.content_hash, after.content_hash, render.TEMPLATE_VERSION, *context)
    return before, after, name, document_key("diff", agreement_id, (before.revision, after.revision), key_parts)


def _diff_html(session: Session, before_head: _Head, after_head: _Head) -> tuple[str, DocumentFacts]:
    from registry.documents import render

    before, after = _stored(session, before_head), _stored(session, after_head)
    after_facts = _facts(after)
    organisations = {**before.organisations, **after.organisations}
    html = render.render_diff_html(
        before.revision,
        after.revision,
        diff_documents(before.row.content, after.row.content),
        before_facts=_facts(before),
        after_facts=after_facts,
        organisations=organisations,
        vocabulary=current_vocabulary(),
    )
    return html, after_facts


def diff_html(*, session: Session, agreement_id: str, from_revision: int, to_revision: int) -> Document:
    """What changed between two revisions, as HTML: for signatories asked to sign an amendment."""
    before, after, name, key = _diff_parts(session, agreement_id, from_revision, to_revision)
    html, _ = _diff_html(session, before, after)
    return Document(html.encode("utf-8"), HTML, f"{name}.html", False, document_key("diff_html", key, (), ()))


def diff_pdf(*, session: Session, agreement_id: str, from_revision: int, to_revision: int) -> Document:
    """What changed between two revisions, as a PDF, from the cache when rendered before."""
    from registry.documents import render

    before, after, name, key = _diff_parts(session, agreement_id, from_revision, to_revision)

    def make() -> bytes:
        html, facts = _diff_html(session, before, after)
        return render.html_to_pdf(html, facts=facts)

    return _cached_or_made(
        session,
        key=key,
        kind="diff_pdf",
        head=after,
        filename=f"{name}.pdf",
        make=make,
        from_revision=before.revision,
    )


def odrl_export(*, session: Session, agreement_id: str, revision: int | None = None, base_iri: str) -> dict[str, Any]:
    """The revision as an ODRL 2.2 ``Agreement`` in JSON-LD (parties, a permission per flow, prohibitions, duties)."""
    from registry.documents.odrl import agreement_to_odrl

    head = _head(session, agreement_id, revision)
    stored = _stored(session, head)
    exported: dict[str, Any] = agreement_to_odrl(
        stored.revision,
        facts=_facts(stored),
        organisations=stored.organisations,
        vocabulary=current_vocabulary(),
        base_iri=base_iri,
    )
    return exported


def odrl_document(*, session: Session, agreement_id: str, revision: int | None = None, base_iri: str) -> Document:
    """``odrl_export`` as a JSON-LD download, named after the agreement, version and revision."""
    head = _head(session, agreement_id, revision)
    exported = odrl_export(session=session, agreement_id=agreement_id, revision=head.revision, base_iri=base_iri)
    content = json.dumps(exported, indent=2, ensure_ascii=False).encode("utf-8")
    parts = (head.content_hash, base_iri, *_context(session, agreement_id, (head.revision,)))
    key = document_key("odrl", agreement_id, (head.revision,), parts)
    return Document(content, JSON_LD, _filename(agreement_id, head.version, head.revision, ".jsonld"), False, key)


# ----------------------------------------------------------------------------------------------------------------
# Verification


def verify_pdf(
    *,
    session: Session,
    pdf: bytes,
    identity: SigningIdentity | Callable[[], SigningIdentity],
    today: date,
    grace_months: int | None,
) -> VerifyReport:
    """Check a PDF's signature against this registry's certificate and compare what it names with what is stored.

    ``today`` is the day "in force" is judged on (``schemas.question.today_in_the_uk()``); ``grace_months``
    the registry's REVIEW_GRACE_MONTHS (None: each agreement's own lapse grace period).
    """
    from registry.documents import signing

    signer = identity if isinstance(identity, signing.SigningIdentity) else identity()
    # Trusting exactly the registry's own certificate: "valid" means signed with this registry's key.
    verification = signing.verify_document(pdf, [signer.certificate])
    report = VerifyReport(
        verification=verification,
        agreement_id=None,
        revision=None,
        version=None,
        agreement_known=False,
        revision_known=False,
        fingerprint_matches=False,
        current_revision=None,
        current_status=None,
        in_force=False,
        standing="unknown to this registry",
    )
    facts = verification.facts
    if facts is None:
        return report
    report = replace(report, agreement_id=facts.agreement_id, revision=facts.revision, version=facts.version)
    agreement_row = session.get(AgreementRow, facts.agreement_id)
    if agreement_row is None:
        return report
    report = replace(
        report,
        agreement_known=True,
        current_revision=agreement_row.current_revision,
        current_status=agreement_row.status,
    )
    stored_row = session.get(AgreementRevisionRow, (facts.agreement_id, facts.revision))
    if stored_row is None:
        return report
    matches = stored_row.content_hash == facts.fingerprint
    in_force = False
    if not matches:
        standing = f"does not match revision {facts.revision} as this registry holds it (the fingerprint differs)"
    elif facts.revision != agreement_row.current_revision:
        standing = (
            f"superseded by revision {agreement_row.current_revision} "
            f"({agreement_row.status.replace('_', ' ')}, version {agreement_row.version})"
        )
    else:
        current_row = session.get(AgreementRevisionRow, (facts.agreement_id, agreement_row.current_revision))
        assert current_row is not None  # the agreement row always points at a stored revision
        in_force, standing = _standing_today(row_to_revision(current_row).agreement, today, grace_months)
    return replace(
        report,
        version=stored_row.version,
        revision_known=True,
        fingerprint_matches=matches,
        in_force=in_force,
        standing=standing,
    )


def _standing_today(agreement: Agreement, today: date, grace_months: int | None) -> tuple[bool, str]:
    """Whether the current revision is in force today, in words (``Agreement.in_force_on`` decides)."""
    grace = grace_months if grace_months is not None else agreement.review.lapse_grace_months
    if agreement.in_force_on(today, grace):
        return True, "in force"
    status = agreement.status.value.replace("_", " ")
    if agreement.status is not AgreementStatus.ACTIVE:
        return False, f"not in force (status {status})"
    if agreement.effective_from is None or agreement.effective_from > today:
        starts = f"takes effect {agreement.effective_from.isoformat()}" if agreement.effective_from else "no date"
        return False, f"not in force (status {status}; {starts})"
    last = agreement.last_day_in_force(grace)
    ended = f"ended {last.isoformat()}" if last is not None else "lapsed"
    return False, f"not in force (status {status}; {ended}, past its expiry or review date)"
