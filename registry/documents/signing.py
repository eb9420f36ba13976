"""PAdES signatures on agreement PDFs: the registry's signing identity, signing, and verifying a PDF handed back.

A pure library: no Flask, no database and no environment variables (``registry/config.py`` reads the settings and
calls :func:`load_signing_identity` or :func:`development_identity`). Verification never raises on the bytes it is
given: anything a hostile or damaged file can do ends as a plain-English problem in a :class:`Verification`.

Where the facts live: :func:`sign_document` attaches ``facts.to_json()`` to the PDF as the embedded file
``isa-registry-facts.json`` in the same incremental update that holds the signature, so the signed byte range covers
it. :func:`verify_document` reads the facts back from the revision the signature covers, never from anything
appended afterwards.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.decode_limits import DecodeLimits, StreamDecodeLimits
from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec, embed_file
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.validation import EmbeddedPdfSignature, SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from registry.documents.facts import DocumentFacts

logger = logging.getLogger(__name__)

MAX_PDF_BYTES = 20 * 1024 * 1024
"""The largest file :func:`verify_document` reads (20 MB). Agreement PDFs are tens of kilobytes; the cap keeps a
hostile upload from costing the verify page more than a bounded parse."""

MAX_DECODED_STREAM_BYTES = 32 * 1024 * 1024
"""The most any one stream of a PDF offered for verification may inflate to. pyHanko's own limits for untrusted
input stop compression bombs at 256 MB a stream; a registry document's largest stream (a font, a page) is well
under 1 MB, so a verification, which any signed-in user may ask for many times at once, is held far lower."""
_DECODE_LIMITS = DecodeLimits(per_stream=StreamDecodeLimits(max_output_size=MAX_DECODED_STREAM_BYTES))

SIGNATURE_FIELD = "RegistrySignature"
"""The form field the registry's signature lives in."""

FACTS_FILE_NAME = "isa-registry-facts.json"
"""The embedded file that carries the document's :class:`DocumentFacts`, covered by the signature."""

DEV_KEY_FILE = "dev-signing.key.pem"
DEV_CERT_FILE = "dev-signing.cert.pem"
DEV_COMMON_NAME = "ISA Registry development signing key — not for real use"
DEV_ORGANISATION = "ISA Registry (development)"

# Facts are a few kilobytes even for many parties; a larger attachment is not ours.
_MAX_FACTS_BYTES = 1024 * 1024
# A name tree deeper than this, or with more nodes and entries, is hostile: ours is flat with one entry.
_MAX_NAME_TREE_DEPTH = 8
_MAX_NAME_TREE_ENTRIES = 10_000
# White space in PDF syntax (ISO 32000-1, 7.2.2): NUL, tab, line feed, form feed, carriage return, space.
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "
_DEV_VALIDITY = timedelta(days=3652)
_MIN_RSA_BITS = 2048


class SigningError(Exception):
    """The registry cannot load its signing key or certificate, or cannot sign a document; the message says why."""


# --------------------------------------------------------------------------------------------------------------------
# The registry's signing identity


class _RegistrySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, keeping the parsed private key instead of re-parsing it for every signature."""

    # SimpleSigner.sign_raw calls load_der_private_key on each signature, and for RSA that runs the key checks
    # every time: about 36 ms for RSA 2048 and 150 ms or more for RSA 3072 on this project's machines, most of
    # the signing time. The key is parsed once here; any other mechanism falls back to pyHanko's own code.

    def __init__(
        self,
        *,
        private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        signing_cert: asn1_x509.Certificate,
        cert_registry: SimpleCertificateStore,
    ) -> None:
        key_info = asn1_keys.PrivateKeyInfo.load(
            private_key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        super().__init__(signing_cert=signing_cert, signing_key=key_info, cert_registry=cert_registry)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign ``data`` with the cached key (RSA PKCS#1 v1.5 or ECDSA), else as pyHanko does."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = mechanism["algorithm"].native
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        key = self._private_key
        if algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hash_algorithm)
        if algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)


@dataclass(frozen=True)
class SigningIdentity:
    """The registry's signing key and certificate chain, loaded once and shared by every signature."""

    certificate: asn1_x509.Certificate
    development: bool
    signer: signers.SimpleSigner = field(repr=False, compare=False)
    chain: tuple[asn1_x509.Certificate, ...] = ()

    def certificate_pem(self) -> bytes:
        """The signing certificate in PEM form (what a verifier trusts)."""
        return bytes(asn1_pem.armor("CERTIFICATE", self.certificate.dump()))

    def certificate_fingerprint(self) -> str:
        """SHA-256 of the certificate's DER, in lowercase hex: identifies the key that signed a cached PDF."""
        return hashlib.sha256(self.certificate.dump()).hexdigest()

    def subject(self) -> str:
        """The certificate's subject as people read it: common name, then organisation."""
        return _name_text(self.certificate.subject)


def load_signing_identity(
    key_path: Path,
    certificate_path: Path,
    *,
    passphrase: bytes | None = None,
    chain_paths: Sequence[Path] = (),
) -> SigningIdentity:
    """Load the registry's key and certificate (PEM or DER); a ``SigningError`` names the file that is wrong."""
    return _load_identity(key_path, certificate_path, passphrase=passphrase, chain_paths=chain_paths, development=False)


def development_identity(directory: Path) -> SigningIdentity:
    """The self-signed development key in ``directory``: created on first use, reused afterwards; logs a warning."""
    directory = Path(directory)  # a str from configuration works too
    key_path = directory / DEV_KEY_FILE
    cert_path = directory / DEV_CERT_FILE
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Several workers may start at once: the lock makes one of them create the pair, the others wait and
        # read it. The files are written under temporary names and renamed into place, so nobody ever reads a
        # half-written file, and a crash mid-way leaves the lock free (the kernel drops it with the process).
        with _exclusive_lock(directory / ".dev-signing.lock"):
            have_key, have_cert = key_path.exists(), cert_path.exists()
            if not (have_key and have_cert):
                if have_key or have_cert:
                    logger.warning(
                        "Development signing pair in %s is incomplete (%s missing): making a new pair",
                        directory,
                        DEV_CERT_FILE if have_key else DEV_KEY_FILE,
                    )
                _create_development_pair(key_path, cert_path)
    except OSError as exc:
        raise SigningError(f"Cannot create the development signing key in {directory}: {exc.strerror or exc}") from exc
    identity = _load_identity(key_path, cert_path, passphrase=None, chain_paths=(), development=True)
    logger.warning(
        "Signing documents with a SELF-SIGNED DEVELOPMENT KEY (%s, certificate SHA-256 %s): not for real use. "
        "Set the registry's signing key and certificate to sign real agreements.",
        key_path,
        identity.certificate_fingerprint(),
    )
    return identity


@contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (a separate open, so threads of one process exclude each other too)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _create_development_pair(key_path: Path, cert_path: Path) -> None:
    """Generate an EC P-256 key and a 10-year self-signed certificate, and publish both atomically."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_COMMON_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANISATION),
        ]
    )
    # A few minutes back-dated so a verifier whose clock is slightly behind still accepts it.
    now = datetime.now(UTC) - timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + _DEV_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                # nonRepudiation: pyHanko requires it of a PDF signer's certificate by default.
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # The certificate goes first and the key last: a key on disk always has its certificate beside it.
    _publish(cert_path, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    _publish(key_path, key_pem, mode=0o600)


def _publish(path: Path, data: bytes, *, mode: int) -> None:
    """Write ``data`` to a temporary file beside ``path`` with ``mode``, flush it to disk, and rename it into place."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)  # mkstemp already gives 0600; the certificate may be readable by all
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _load_identity(
    key_path: Path,
    certificate_path: Path,
    *,
    passphrase: bytes | None,
    chain_paths: Sequence[Path],
    development: bool,
) -> SigningIdentity:
    private_key = _parse_private_key(_read_file(key_path, "signing key"), key_path, passphrase)
    certificates = _parse_certificates(_read_file(certificate_path, "signing certificate"), certificate_path)
    # A certificate file may hold the whole chain, signer first (a "fullchain" file).
    signer_certificate, chain = certificates[0], list(certificates[1:])
    for chain_path in chain_paths:
        chain.extend(_parse_certificates(_read_file(chain_path, "certificate chain"), chain_path))

    public_der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public_der != signer_certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise SigningError(
            f"The signing key in {key_path} does not belong to the certificate in {certificate_path} "
            "(their public keys differ)."
        )
    _check_certificate_usable(signer_certificate, certificate_path)

    certificate = _to_asn1(signer_certificate)
    chain_asn1 = tuple(_to_asn1(c) for c in chain)
    signer = _RegistrySigner(
        private_key=private_key,
        signing_cert=certificate,
        # The chain only: pyHanko embeds the signer's certificate itself, and would embed it twice.
        cert_registry=_certificate_store(list(chain_asn1)),
    )
    return SigningIdentity(certificate=certificate, development=development, signer=signer, chain=chain_asn1)


def _certificate_store(certificates: list[asn1_x509.Certificate]) -> SimpleCertificateStore:
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]  # pyhanko-certvalidator leaves it unannotated
    store.register_multiple(certificates)
    return store


def _read_file(path: Path, what: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise SigningError(f"The {what} file {path} does not exist.") from exc
    except IsADirectoryError as exc:
        raise SigningError(f"The {what} file {path} is a directory, not a file.") from exc
    except PermissionError as exc:
        raise SigningError(f"The {what} file {path} cannot be read: permission denied.") from exc
    except OSError as exc:
        raise SigningError(f"The {what} file {path} cannot be read: {exc.strerror or exc}.") from exc
    if not data.strip():
        raise SigningError(f"The {what} file {path} is empty.")
    return data


def _parse_private_key(
    data: bytes, path: Path, passphrase: bytes | None
) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    is_pem = b"-----BEGIN" in data
    # Both "BEGIN ENCRYPTED PRIVATE KEY" (PKCS#8) and the legacy "Proc-Type: 4,ENCRYPTED" header say so.
    looks_encrypted = is_pem and b"ENCRYPTED" in data
    try:
        if is_pem:
            key = serialization.load_pem_private_key(data, password=passphrase)
        else:
            key = serialization.load_der_private_key(data, password=passphrase)
    except TypeError as exc:
        # cryptography's TypeError means the passphrase and the file disagree about encryption.
        if passphrase is None:
            raise SigningError(
                f"The signing key file {path} is encrypted, and no passphrase was given "
                "(set REGISTRY_SIGNING_KEY_PASSPHRASE)."
            ) from exc
        raise SigningError(f"The signing key file {path} is not encrypted, but a passphrase was given.") from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        if looks_encrypted and passphrase is not None:
            raise SigningError(f"The passphrase for the signing key file {path} is wrong.") from exc
        raise SigningError(f"The signing key file {path} is not a private key in PEM or DER form.") from exc
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < _MIN_RSA_BITS:
            raise SigningError(
                f"The signing key in {path} is RSA {key.key_size}; use at least RSA {_MIN_RSA_BITS} or EC P-256."
            )
        return key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key
    raise SigningError(f"The signing key in {path} is a {type(key).__name__}; use an RSA or EC key.")


def _parse_certificates(data: bytes, path: Path) -> list[x509.Certificate]:
    try:
        if b"-----BEGIN" in data:
            certificates = x509.load_pem_x509_certificates(data)
        else:
            certificates = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise SigningError(f"The certificate file {path} is not an X.509 certificate in PEM or DER form.") from exc
    if not certificates:  # pragma: no cover - cryptography raises instead of returning none
        raise SigningError(f"The certificate file {path} holds no certificate.")
    return certificates


def _check_certificate_usable(certificate: x509.Certificate, path: Path) -> None:
    """Refuse, at start-up rather than at the first signature, a certificate that cannot sign PDFs today."""
    now = datetime.now(UTC)
    if certificate.not_valid_after_utc < now:
        raise SigningError(
            f"The signing certificate in {path} expired on {certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC."
        )
    if certificate.not_valid_before_utc > now:
        raise SigningError(
            f"The signing certificate in {path} is not valid until "
            f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC."
        )
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    # pyHanko (at signing and at validation) requires nonRepudiation of a PDF signer's certificate by default.
    if usage is None or not usage.content_commitment:
        raise SigningError(
            f"The signing certificate in {path} cannot sign documents: its key usage must include "
            "nonRepudiation (contentCommitment)."
        )


def _to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _name_text(name: asn1_x509.Name) -> str:
    """Common name and organisation of an X.509 name, for people; the full name when it has neither."""
    try:
        native: dict[str, Any] = dict(name.native)
        parts: list[str] = []
        for attribute in ("common_name", "organization_name"):
            value = native.get(attribute)
            if isinstance(value, list):
                parts.extend(str(v) for v in value)
            elif value is not None:
                parts.append(str(value))
        return ", ".join(parts) if parts else name.human_friendly
    except (ValueError, TypeError, KeyError):
        # A hostile certificate's name may not parse; say so rather than fail the whole verification.
        return "(unreadable certificate subject)"


# --------------------------------------------------------------------------------------------------------------------
# Signing


def default_reason(facts: DocumentFacts, identity: SigningIdentity) -> str:
    """The signature's /Reason: which agreement, version and revision, and that every party has signed."""
    reason = f"Agreement {facts.agreement_id} version {facts.version} revision {facts.revision}: every party has signed"
    if identity.development:
        reason += " (signed with a self-signed development key: not for real use)"
    return reason


def sign_document(pdf: bytes, facts: DocumentFacts, identity: SigningIdentity, *, reason: str | None = None) -> bytes:
    """The PDF with ``facts`` attached and a PAdES B-B signature (SHA-256) by ``identity`` over both."""
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        _embed_facts(writer, facts)
        metadata = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            reason=reason if reason is not None else default_reason(facts, identity),
            # pyHanko checks the signer's certificate before signing; trusting exactly that certificate, with no
            # fetching, keeps the check local (no network, no operating-system trust list).
            validation_context=ValidationContext(trust_roots=[identity.certificate], allow_fetching=False),
        )
        # Reserving the space up front avoids pyHanko's dry run, which would sign twice to measure the signature.
        output = signers.PdfSigner(metadata, signer=identity.signer).sign_pdf(
            writer, bytes_reserved=_bytes_reserved(identity)
        )
    except misc.PdfError as exc:
        raise SigningError(f"The PDF could not be signed: {exc}") from exc
    except PyHankoSigningError as exc:
        raise SigningError(f"The PDF could not be signed: {exc}") from exc
    return bytes(output.getvalue())


def _embed_facts(writer: IncrementalPdfFileWriter, facts: DocumentFacts) -> None:
    """Attach the facts as an embedded JSON file; written in the signature's own update, so it is signed."""
    data = facts.to_json().encode("utf-8")
    embed_file(
        writer,
        FileSpec(
            file_spec_string=FACTS_FILE_NAME,
            file_name=FACTS_FILE_NAME,
            embedded_data=EmbeddedFileObject.from_file_data(
                writer,
                data=data,
                # Uncompressed: a few hundred bytes, and anyone auditing the file can read the facts in it.
                compress=False,
                mime_type="application/json",
                params=EmbeddedFileParams(embed_size=True, embed_checksum=True),
            ),
            description="The agreement, revision, fingerprint and sign-offs this document was signed for.",
        ),
    )


def _bytes_reserved(identity: SigningIdentity) -> int:
    """Hex digits to reserve for the CMS container, estimated from what goes in it, with a margin."""
    # A verifier reads the whole placeholder one hex digit at a time (pyHanko's parser, about 2 µs a digit),
    # so spare room is verification time: a 16 KB placeholder alone would cost ~30 ms. The estimate is therefore
    # close, and the tests sign with RSA 3072 and a chain of long names, and with EC P-384, to prove it is enough.
    certificate = identity.certificate
    certificates = sum(len(c.dump()) for c in (certificate, *identity.chain))
    # The issuer name and serial number appear twice more: in the SignerInfo and in signing-certificate-v2.
    issuer = len(certificate.issuer.dump()) + 24
    public_key = certificate.public_key
    # RSA: the modulus size. ECDSA: a DER SEQUENCE of two INTEGERs, each the curve's size plus a sign byte.
    curve_bytes = (int(public_key.bit_size) + 7) // 8
    signature = curve_bytes if public_key.algorithm == "rsa" else 2 * (curve_bytes + 3) + 3
    # The rest is fixed: algorithm identifiers, signed attributes (content type, message digest, the rest of
    # signing-certificate-v2) and CMS structure, measured at about 230 bytes; allow 512, plus 256 of margin.
    der_bytes = certificates + 2 * issuer + signature + 512 + 256
    return 2 * der_bytes  # pyHanko counts hex digits, two per byte (so the figure is even, as it must be)


# --------------------------------------------------------------------------------------------------------------------
# Verification

NOT_A_PDF = "The file is not a PDF."
UNREADABLE_PDF = "The file looks like a PDF but is damaged: it cannot be read."
TOO_LARGE = f"The file is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB, the most this registry checks."
NO_SIGNATURE = "The document carries no registry signature."
NO_REGISTRY_FIELD = f"The document carries several signatures, none of them in the registry's field {SIGNATURE_FIELD}."
SEVERAL_SIGNATURES = "The document carries more than one signature; a registry document carries only the registry's."
DAMAGED_SIGNATURE = "The registry signature is damaged and cannot be checked."
ALTERED = "The signature does not match the document: it has been altered since signing."
UNTRUSTED = "Signed by a certificate this registry does not trust."
APPENDED = "Content was added after signing: what a PDF reader shows may differ from what was signed."
ODD_COVERAGE = "The signature does not cover the document in the standard way, so what it covers cannot be told."
NO_FACTS = "The signed document does not say which agreement it is (it carries no registry facts)."
BAD_FACTS = "The signed document's registry facts cannot be read."


# What pyHanko's reader and object model raise on damaged input: PdfReadError (and its PdfStrictReadError,
# PdfStreamError, PdfDecodeLimitError) for most damage; ValueError, KeyError, TypeError, IndexError or
# AttributeError when a dictionary holds the wrong kind of value or lacks a required key; RecursionError for
# absurd nesting.
_PDF_DAMAGE: tuple[type[Exception], ...] = (
    misc.PdfError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    RecursionError,
)

# pyHanko checks some shapes of a signature with assert, e.g. that a signature value is a dictionary.
_SIGNATURE_DAMAGE: tuple[type[Exception], ...] = (*_PDF_DAMAGE, AssertionError)


@dataclass(frozen=True)
class Verification:
    """What checking a PDF found: is it signed, intact and ours, does it cover the whole file, and its facts."""

    readable: bool = False
    signed: bool = False
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer: str | None = None
    signed_at: datetime | None = None
    certificate_fingerprint: str | None = None
    # Read from the revision the signature covers, whatever its validity: callers must check ``valid`` first.
    facts: DocumentFacts | None = None
    problems: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the file is exactly what this registry signed: every check passed and the facts are there."""
        return (
            self.readable
            and self.signed
            and self.intact
            and self.trusted
            and self.covers_whole_file
            and self.facts is not None
            and not self.problems
        )


def verify_document(pdf: bytes, trusted: Sequence[asn1_x509.Certificate]) -> Verification:
    """Check a PDF's registry signature against the ``trusted`` certificates; never raises, whatever the bytes."""
    # A wrong ``trusted`` is the caller's mistake, not the file's: say so rather than report a damaged PDF.
    trust_roots = list(trusted)
    if not all(isinstance(c, asn1_x509.Certificate) for c in trust_roots):
        raise TypeError("trusted must hold asn1crypto x509.Certificate objects (SigningIdentity.certificate)")
    try:
        return _verify(bytes(pdf), trust_roots)
    except Exception:  # noqa: BLE001 - the guarantee: hostile bytes are a finding, never a crash
        # Every failure we know of is caught by name below; this is for what pyHanko or asn1crypto may
        # raise on input nobody has tried yet. Log it so it can be named next time.
        logger.exception("Unexpected error verifying a PDF of %d bytes", len(pdf))
        return Verification(readable=False, problems=(UNREADABLE_PDF,))


def _verify(pdf: bytes, trusted: list[asn1_x509.Certificate]) -> Verification:
    if len(pdf) > MAX_PDF_BYTES:
        return Verification(problems=(TOO_LARGE,))
    # The PDF header may sit anywhere in the first kilobyte (ISO 32000-1, 7.5.2 note / Annex H).
    if b"%PDF-" not in pdf[:1024]:
        return Verification(problems=(NOT_A_PDF,))

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=True, decode_limits=_DECODE_LIMITS)
        # Document timestamps (/DocTimeStamp) are not signatures by anyone: only /Sig values count.
        filled = [
            (name, value, field_ref)
            for name, value, field_ref in enumerate_sig_fields(reader, filled_status=True)
            if not _is_document_timestamp(value)
        ]
    except _PDF_DAMAGE:
        logger.info("Unreadable PDF offered for verification", exc_info=True)
        return Verification(problems=(UNREADABLE_PDF,))

    if not filled:
        return Verification(readable=True, problems=(NO_SIGNATURE,))
    problems: list[str] = []
    if len(filled) == 1:
        name, value, field_ref = filled[0]
    else:
        ours = [entry for entry in filled if entry[0] == SIGNATURE_FIELD]
        if not ours:
            return Verification(readable=True, problems=(NO_REGISTRY_FIELD,))
        name, value, field_ref = ours[0]
        problems.append(SEVERAL_SIGNATURES)

    try:
        if not isinstance(value.get_object(), generic.DictionaryObject):
            raise ValueError("the signature value is not a dictionary")
        embedded = EmbeddedPdfSignature(reader, field_ref, name)
        # The diff analysis is skipped: any update after the signature already makes the document invalid here
        # (covers_whole_file), so there is nothing to gain from judging what the update changed.
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=ValidationContext(trust_roots=trusted, allow_fetching=False),
            skip_diff=True,
        )
    except _SIGNATURE_DAMAGE:
        # SignatureValidationError is a ValueError; asn1crypto raises ValueError / TypeError on a malformed CMS.
        logger.info("Damaged signature in a PDF offered for verification", exc_info=True)
        return Verification(readable=True, signed=True, problems=(*problems, DAMAGED_SIGNATURE))

    intact = bool(status.intact)
    # Trust is judged on the certificate path alone, so an altered document signed with the registry's key
    # still says who signed it: status.trusted would be False for any altered document.
    trusted_signer = bool(status.valid and status.validation_path is not None and status.trust_problem_indic is None)
    covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and _only_whitespace_after(pdf, embedded)
    )
    if not intact:
        problems.append(ALTERED)
    if not trusted_signer:
        problems.append(UNTRUSTED)
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and not covers_whole_file:
        problems.append(APPENDED)
    elif not covers_whole_file:
        problems.append(ODD_COVERAGE)

    facts: DocumentFacts | None = None
    if status.coverage is not None and status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION:
        # Only the revision the signature covers: an update appended later could attach other facts.
        try:
            facts = _read_facts(reader, embedded.signed_revision)
            if facts is None:
                problems.append(NO_FACTS)
        except _PDF_DAMAGE:
            logger.info("Unreadable registry facts in a signed PDF", exc_info=True)
            problems.append(BAD_FACTS)

    signing_cert = status.signing_cert
    return Verification(
        readable=True,
        signed=True,
        intact=intact,
        trusted=trusted_signer,
        covers_whole_file=covers_whole_file,
        signer=_name_text(signing_cert.subject) if signing_cert is not None else None,
        signed_at=status.signer_reported_dt,
        certificate_fingerprint=hashlib.sha256(signing_cert.dump()).hexdigest() if signing_cert is not None else None,
        facts=facts,
        problems=tuple(problems),
    )


def _only_whitespace_after(pdf: bytes, embedded: EmbeddedPdfSignature) -> bool:
    """True when all that follows the signed revision is PDF white space (a newline or NUL padding some mail and
    upload tools add): it cannot hold an update, so the document shown is still exactly the one signed."""
    _, _, start2, length2 = (int(n) for n in embedded.byte_range)
    return not pdf[start2 + length2 :].strip(_PDF_WHITESPACE)


def _is_document_timestamp(value: Any) -> bool:
    try:
        obj = value.get_object()
    except _PDF_DAMAGE:
        return False  # a damaged signature value is still a signature: checking it reports the damage
    return isinstance(obj, generic.DictionaryObject) and obj.get("/Type") == "/DocTimeStamp"


def _read_facts(reader: PdfFileReader, revision: int) -> DocumentFacts | None:
    """The facts attached in ``revision`` (or before), or None when there are none; ValueError when unreadable."""
    root: Any = reader.get_historical_resolver(revision).root
    try:
        tree = root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return None
    specs = [spec for key, spec in _name_tree_entries(tree) if key == FACTS_FILE_NAME]
    if not specs:
        return None
    if len(specs) > 1:
        raise ValueError(f"{len(specs)} attachments named {FACTS_FILE_NAME}")
    stream = specs[0].get_object()["/EF"]["/F"].get_object()
    if not isinstance(stream, generic.StreamObject):
        raise ValueError("the facts attachment is not a stream")
    data = stream.data
    if len(data) > _MAX_FACTS_BYTES:
        raise ValueError("the facts attachment is too large")
    return DocumentFacts.from_json(data.decode("utf-8"))


def _name_tree_entries(tree: Any) -> Iterator[tuple[str, Any]]:
    """(key, value) pairs of a PDF name tree, bounded in depth and in nodes and entries visited, so a hostile
    tree (deep, wide or looping back on itself) cannot run away."""
    budget = _MAX_NAME_TREE_ENTRIES
    stack: list[tuple[Any, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if depth > _MAX_NAME_TREE_DEPTH or budget < 0:
            raise ValueError("the embedded-file name tree is too deep or too large")
        node = node.get_object()
        if not isinstance(node, generic.DictionaryObject):
            raise ValueError("a name tree node is not a dictionary")
        names = node.get("/Names")
        if names is not None:
            names = names.get_object()
            budget -= len(names) // 2 if isinstance(names, generic.ArrayObject) else 0
            if not isinstance(names, generic.ArrayObject) or budget < 0:
                raise ValueError("a name tree's /Names is not an array of reasonable size")
            for index in range(0, len(names) - 1, 2):
                key = names[index]
                if isinstance(key, bytes):
                    key = key.decode("latin-1")
                yield str(key), names[index + 1]
        kids = node.get("/Kids")
        if kids is not None:
            kids = kids.get_object()
            if not isinstance(kids, generic.ArrayObject) or len(kids) > budget:
                raise ValueError("a name tree's /Kids is not an array of reasonable size")
            stack.extend((kid, depth + 1) for kid in reversed(kids))
