"""``/api/v1/agreements/<id>/document.html|.pdf``, ``signed.pdf``, ``odrl.jsonld``, ``diff.pdf|.html``, and
``/api/v1/verifications``: agreement documents to download, and checking a signed PDF.

Also the process's signing identity: loaded once, on first use, and checked at start-up (``init_app``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from flask import Flask, Response, current_app, has_request_context, request
from flask.views import MethodView
from marshmallow import Schema, fields
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from registry.access import public, signed_in
from registry.api.blueprint import Blueprint
from registry.api.schemas import DiffQuerySchema, RevisionQuerySchema
from registry.config import ConfigError, require_signing_configured
from registry.extensions import db
from registry.services.documents import (
    PDF,
    Document,
    SigningUnavailableError,
    VerifyReport,
    agreement_html,
    agreement_pdf,
    diff_html,
    diff_pdf,
    odrl_document,
    signed_agreement_pdf,
    verify_pdf,
)
from schemas.question import today_in_the_uk

if TYPE_CHECKING:
    from registry.documents.signing import SigningIdentity

blp = Blueprint(
    "documents",
    __name__,
    url_prefix="/api/v1/agreements",
    description="Agreement documents: HTML, PDF, PAdES-signed PDF, changes between revisions, ODRL",
)
verifications = Blueprint(
    "verifications", __name__, url_prefix="/api/v1/verifications", description="Checking a signed agreement PDF"
)

# A PDF to verify comes as itself; generic binary is accepted too (what many HTTP clients send for a file).
PDF_BODY_TYPES = (PDF, "application/octet-stream")
PEM = "application/x-pem-file"
_IDENTITY = "registry.signing_identity"
_IDENTITY_LOCK = threading.Lock()


# ----------------------------------------------------------------------------------------------------------------
# The signing identity


def init_app(app: Flask) -> None:
    """Refuse to start, outside development, without a signing key and certificate (fail closed).

    The files are only checked for existence here; the key itself is loaded on the first signed document,
    so processes (and tests) that never sign do not pay for it.
    """
    require_signing_configured(app.config)
    for setting in ("SIGNING_KEY_PATH", "SIGNING_CERT_PATH"):
        path = app.config.get(setting)
        if path is not None and not path.is_file():
            variable = "REGISTRY_SIGNING_KEY" if setting == "SIGNING_KEY_PATH" else "REGISTRY_SIGNING_CERT"
            raise ConfigError(f"{variable} names {path}, which is not a readable file")
    for path in app.config.get("SIGNING_CHAIN_PATHS", ()):
        if not path.is_file():
            raise ConfigError(f"REGISTRY_SIGNING_CHAIN names {path}, which is not a readable file")


def signing_identity() -> SigningIdentity:
    """This process's signing identity (the configured key, or development's self-signed one), loaded once."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    found: SigningIdentity | None = app.extensions.get(_IDENTITY)
    if found is not None:
        return found
    with _IDENTITY_LOCK:
        # Another thread of this worker may have loaded it while this one waited.
        found = app.extensions.get(_IDENTITY)
        if found is None:
            found = load_identity(app)
            app.extensions[_IDENTITY] = found
    return found


def load_identity(app: Flask) -> SigningIdentity:
    """Load the configured key and certificate, or (development only) make or reuse the self-signed pair."""
    from registry.documents.signing import SigningError, development_identity, load_signing_identity

    config = app.config
    passphrase: str | None = config.get("SIGNING_KEY_PASSPHRASE")
    try:
        if config.get("SIGNING_KEY_PATH") is not None:
            return load_signing_identity(
                config["SIGNING_KEY_PATH"],
                config["SIGNING_CERT_PATH"],
                passphrase=passphrase.encode("utf-8") if passphrase else None,
                chain_paths=tuple(config.get("SIGNING_CHAIN_PATHS", ())),
            )
        # Checked at start-up too; checked again so nothing can ever sign with a development key in production.
        require_signing_configured(config)
        # development_identity logs a WARNING naming the key: a self-signed key, not for real use.
        return development_identity(config["SIGNING_DEV_DIR"])
    except SigningError as exc:
        app.logger.error("the signing key could not be loaded: %s", exc)
        raise SigningUnavailableError(f"The registry's signing key could not be loaded: {exc}") from exc


def grace_months() -> int | None:
    """The configured review grace period (None: each agreement's own)."""
    value: int | None = current_app.config.get("REVIEW_GRACE_MONTHS")
    return value


# Where `make run` serves the registry: the root of a command's ODRL IRIs when REGISTRY_PUBLIC_URL is not set.
LOCAL_URL = "http://127.0.0.1:8000/"


def odrl_base_iri() -> str:
    """Where the registry serves agreements (the ODRL export's IRIs are rooted there), ending in '/'.

    ``REGISTRY_PUBLIC_URL`` when set, so every instance names a record alike; else the URL the request came
    to, or (a command, with no request) the local address ``make run`` serves.
    """
    configured: str | None = current_app.config.get("PUBLIC_URL")
    root = configured or (request.host_url if has_request_context() else LOCAL_URL)
    return urljoin(root, "api/v1/agreements/")


# ----------------------------------------------------------------------------------------------------------------
# Downloads


def download(document: Document) -> Response:
    """A document as an attachment: named after agreement, version and revision, tagged, private to the user."""
    response = Response(document.content, content_type=document.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    # Agreements are not public: a browser may keep a copy (revalidated by its ETag), a shared cache may not.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Document-Cache"] = "hit" if document.cached else "miss"
    response.set_etag(document.etag)
    # A browser revalidating its copy with If-None-Match gets a 304 and no body.
    response.make_conditional(request)
    return response


BINARY = {"type": "string", "format": "binary"}


def _binary(media_type: str) -> dict[str, Any]:
    return {
        "schema": BINARY,
        "content_type": media_type,
        "headers": DOWNLOAD_HEADERS,
    }


DOWNLOAD_HEADERS = {
    "Content-Disposition": {
        "description": "attachment; filename names the agreement, version and revision",
        "schema": {"type": "string"},
    },
    "ETag": {"description": "Changes whenever the document's content would", "schema": {"type": "string"}},
    "Cache-Control": {"description": "private: no shared cache keeps an agreement", "schema": {"type": "string"}},
    "X-Document-Cache": {
        "description": "hit: served from the registry's document cache; miss: rendered for this request",
        "schema": {"type": "string", "enum": ["hit", "miss"]},
    },
}
NOT_MODIFIED = {"304": {"description": "Not modified: the document matches If-None-Match"}}


@blp.route("/<agreement_id>/document.html")
class AgreementDocumentHtml(MethodView):
    """The agreement document as HTML."""

    @signed_in
    @blp.arguments(RevisionQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, **_binary("text/html"))  # type: ignore[untyped-decorator]
    @blp.doc(responses=NOT_MODIFIED)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> Response:
        """The agreement document as HTML, at its current revision or ``?revision=N``: every section, flow,
        party and sign-off, from the same data the checker uses."""
        return download(agreement_html(session=db.session, agreement_id=agreement_id, revision=query.get("revision")))


@blp.route("/<agreement_id>/document.pdf")
class AgreementDocumentPdf(MethodView):
    """The agreement document as a PDF."""

    @signed_in
    @blp.arguments(RevisionQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, **_binary(PDF))  # type: ignore[untyped-decorator]
    @blp.doc(responses=NOT_MODIFIED)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> Response:
        """The agreement document as a PDF (unsigned; watermarked DRAFT unless active), at its current revision
        or ``?revision=N``. Rendered once per revision and template, then served from the registry's cache."""
        return download(agreement_pdf(session=db.session, agreement_id=agreement_id, revision=query.get("revision")))


@blp.route("/<agreement_id>/signed.pdf")
class AgreementSignedPdf(MethodView):
    """The agreement as a PAdES-signed PDF."""

    @signed_in
    @blp.arguments(RevisionQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, **_binary(PDF))  # type: ignore[untyped-decorator]
    @blp.doc(responses=NOT_MODIFIED)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> Response:
        """The agreement as a PDF signed (PAdES) with the registry's key: for a revision signed by every party
        (recorded as active), current or ``?revision=N``. It embeds the revision's fingerprint and sign-offs;
        409 for a revision not signed by every party (the unsigned PDF is ``document.pdf``)."""
        document = signed_agreement_pdf(
            session=db.session, agreement_id=agreement_id, revision=query.get("revision"), identity=signing_identity
        )
        return download(document)


@blp.route("/<agreement_id>/odrl.jsonld")
class AgreementOdrl(MethodView):
    """The agreement as ODRL."""

    @signed_in
    @blp.arguments(RevisionQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(  # type: ignore[untyped-decorator]
        200, {"type": "object"}, content_type="application/ld+json", headers=DOWNLOAD_HEADERS
    )
    @blp.doc(responses=NOT_MODIFIED)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> Response:
        """The revision as an ODRL 2.2 ``Agreement`` in JSON-LD: parties as assigner and assignee, each flow a
        permission with purpose, recipient and legal-basis constraints (DPV IRIs where they exist)."""
        document = odrl_document(
            session=db.session, agreement_id=agreement_id, revision=query.get("revision"), base_iri=odrl_base_iri()
        )
        return download(document)


@blp.route("/<agreement_id>/diff.pdf")
class AgreementDiffPdf(MethodView):
    """What changed between two revisions, as a PDF."""

    @signed_in
    @blp.arguments(DiffQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, **_binary(PDF))  # type: ignore[untyped-decorator]
    @blp.doc(responses=NOT_MODIFIED)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> Response:
        """What changed from revision ``?from=N`` to ``?to=M``, as a PDF for signatories asked to sign an
        amendment."""
        document = diff_pdf(
            session=db.session,
            agreement_id=agreement_id,
            from_revision=query["from_revision"],
            to_revision=query["to_revision"],
        )
        return download(document)


@blp.route("/<agreement_id>/diff.html")
class AgreementDiffHtml(MethodView):
    """What changed between two revisions, as HTML."""

    @signed_in
    @blp.arguments(DiffQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @blp.response(200, **_binary("text/html"))  # type: ignore[untyped-decorator]
    @blp.doc(responses=NOT_MODIFIED)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], agreement_id: str) -> Response:
        """What changed from revision ``?from=N`` to ``?to=M``, as HTML."""
        document = diff_html(
            session=db.session,
            agreement_id=agreement_id,
            from_revision=query["from_revision"],
            to_revision=query["to_revision"],
        )
        return download(document)


# ----------------------------------------------------------------------------------------------------------------
# Verification


class SignOffSchema(Schema):
    """One party's sign-off as the signed document records it."""

    organisation_id = fields.String()
    organisation_name = fields.String()
    signatory = fields.String(allow_none=True)
    job_title = fields.String(allow_none=True)
    signed_on = fields.Date(allow_none=True)


class SignatureCheckSchema(Schema):
    """What the PDF's own signature says."""

    readable = fields.Boolean()
    signed = fields.Boolean()
    intact = fields.Boolean(metadata={"description": "The signed bytes are unchanged"})
    trusted = fields.Boolean(metadata={"description": "Signed with this registry's certificate"})
    covers_whole_file = fields.Boolean(metadata={"description": "Nothing was added after signing"})
    valid = fields.Boolean()
    signer = fields.String(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    problems = fields.List(fields.String())


class VerificationReportSchema(Schema):
    """A PDF's signature check, and what this registry holds about the agreement and revision it names."""

    valid = fields.Boolean(metadata={"description": "Signed by this registry, and matches the stored revision"})
    summary = fields.String()
    standing = fields.String(
        metadata={"description": "in force; superseded by revision N; not in force (…); unknown to this registry"}
    )
    in_force = fields.Boolean()
    signature = fields.Nested(SignatureCheckSchema, attribute="verification")
    agreement_id = fields.String(allow_none=True)
    title = fields.Function(lambda report: report.verification.facts.title if report.verification.facts else None)
    version = fields.String(allow_none=True)
    revision = fields.Integer(allow_none=True)
    fingerprint = fields.Function(
        lambda report: report.verification.facts.fingerprint if report.verification.facts else None
    )
    fingerprint_matches = fields.Boolean()
    agreement_known = fields.Boolean()
    revision_known = fields.Boolean()
    current_revision = fields.Integer(allow_none=True)
    current_status = fields.String(allow_none=True)
    sign_offs = fields.Function(
        lambda report: (
            SignOffSchema(many=True).dump(report.verification.facts.sign_offs) if report.verification.facts else []
        )
    )


def verify_upload(pdf: bytes) -> VerifyReport:
    """Verify an uploaded PDF with this process's identity, as of today in the UK (pages and API alike)."""
    return verify_pdf(
        session=db.session, pdf=pdf, identity=signing_identity, today=today_in_the_uk(), grace_months=grace_months()
    )


@verifications.route("")
class Verifications(MethodView):
    """Checking a PDF."""

    @signed_in
    @verifications.doc(  # type: ignore[untyped-decorator]
        requestBody={
            "required": True,
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in PDF_BODY_TYPES
            },
        }
    )
    @verifications.response(200, VerificationReportSchema)  # type: ignore[untyped-decorator]
    def post(self) -> VerifyReport:
        """Check a PDF (the body, ``Content-Type: application/pdf``): is its signature intact and this registry's,
        which agreement and revision it is, whether that revision is still the one in force, and who signed off."""
        if request.mimetype not in PDF_BODY_TYPES:
            raise UnsupportedMediaType("Send the PDF itself as the body, with 'Content-Type: application/pdf'.")
        pdf = request.get_data(cache=False)
        if not pdf:
            raise BadRequest("The body is empty: send the PDF to check.")
        return verify_upload(pdf)


@verifications.route("/certificate")
class SigningCertificate(MethodView):
    """The registry's signing certificate."""

    @public
    @verifications.doc(security=[])  # type: ignore[untyped-decorator]
    @verifications.response(200, schema=BINARY, content_type=PEM)  # type: ignore[untyped-decorator]
    def get(self) -> Response:
        """The certificate the registry signs agreement PDFs with (PEM), for anyone — a partner outside the
        registry, a court — to trust in their own PDF reader. A certificate is public; its private key never leaves
        the registry."""
        identity = signing_identity()
        response = Response(identity.certificate_pem(), content_type=PEM)
        response.headers["Content-Disposition"] = 'attachment; filename="isa-registry-signing-certificate.pem"'
        response.headers["X-Certificate-SHA256"] = identity.certificate_fingerprint()
        return response
