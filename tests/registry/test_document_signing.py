"""Signing agreement PDFs (PAdES B-B with pyHanko) and verifying a PDF handed back: the pure library, no app.

The PDF under test is built with pyHanko's writer (two pages, uncompressed content streams), so a byte can be
flipped in a known place; the registry's own renderer is tested elsewhere.
"""

from __future__ import annotations

import logging
import os
import random
import re
import stat
import subprocess
import sys
import threading
import tracemalloc
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils import generic, writer
from pyhanko.pdf_utils.embed import EmbeddedFileObject, FileSpec
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from registry.documents import signing
from registry.documents.facts import DocumentFacts, SignOff
from registry.documents.signing import (
    DEV_CERT_FILE,
    DEV_COMMON_NAME,
    DEV_KEY_FILE,
    FACTS_FILE_NAME,
    MAX_PDF_BYTES,
    SIGNATURE_FIELD,
    SigningError,
    SigningIdentity,
    Verification,
    development_identity,
    load_signing_identity,
    sign_document,
    verify_document,
)

REPO = Path(__file__).resolve().parents[2]
PAGE_TEXT = b"Information Sharing Agreement page 1"

FACTS = DocumentFacts(
    agreement_id="MASH-LEEDS",
    title="Leeds MASH information sharing agreement — 2025",
    version="2.1",
    revision=7,
    status="active",
    fingerprint="3f" * 32,
    sign_offs=(
        SignOff("leeds-cc", "Leeds City Council", "Ann Other", "Data Protection Officer", date(2025, 3, 1)),
        SignOff("wy-police", "West Yorkshire Police", "Sam Ple", "Head of Information Management", date(2025, 3, 4)),
        SignOff("leeds-icb", "NHS West Yorkshire ICB", "Zoë Ñúñez", "Caldicott Guardian", date(2025, 3, 5)),
    ),
)


def make_pdf(pages: int = 2) -> bytes:
    """A small PDF with uncompressed page content, so tests can find and flip bytes inside it."""
    w = writer.PdfFileWriter()
    font = w.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type1"),
                pdf_name("/BaseFont"): pdf_name("/Helvetica"),
            }
        )
    )
    for number in range(1, pages + 1):
        text = (
            f"BT /F1 18 Tf 72 720 Td (Information Sharing Agreement page {number}) Tj ET\n"
            "BT /F1 11 Tf 72 690 Td (Every party has signed this agreement.) Tj ET\n"
        )
        contents = w.add_object(generic.StreamObject(stream_data=text.encode("ascii")))
        resources = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})})
        w.insert_page(writer.PageObject(contents=contents, media_box=(0, 0, 595, 842), resources=resources))
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def make_key_and_certificate(
    common_name: str,
    *,
    issuer: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None,
    ca: bool = False,
    non_repudiation: bool = True,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    curve: ec.EllipticCurve | None = None,
    organisation: str | None = None,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """An EC key (P-256 unless ``curve``) and a certificate for it, self-signed or issued by ``issuer``."""
    key = ec.generate_private_key(curve or ec.SECP256R1())
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation is not None:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    name = x509.Name(attributes)
    issuer_key, issuer_name = (key, name) if issuer is None else (issuer[0], issuer[1].subject)
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=non_repudiation,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return key, builder.sign(issuer_key, hashes.SHA256())


def write_pem(path: Path, key: ec.EllipticCurvePrivateKey, passphrase: bytes | None = None) -> Path:
    encryption = (
        serialization.NoEncryption() if passphrase is None else serialization.BestAvailableEncryption(passphrase)
    )
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    return path


def write_cert(path: Path, *certificates: x509.Certificate) -> Path:
    path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates))
    return path


def asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def byte_range(pdf: bytes) -> list[int]:
    match = re.search(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", pdf)
    assert match is not None
    return [int(g) for g in match.groups()]


def in_signed_range(pdf: bytes, offset: int) -> bool:
    start1, length1, start2, length2 = byte_range(pdf)
    return start1 <= offset < start1 + length1 or start2 <= offset < start2 + length2


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    return development_identity(tmp_path_factory.mktemp("dev-key"))


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    """Another self-signed key with the same name: the registry must not trust it."""
    return development_identity(tmp_path_factory.mktemp("other-dev-key"))


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return make_pdf()


@pytest.fixture(scope="module")
def signed(pdf: bytes, identity: SigningIdentity) -> bytes:
    return sign_document(pdf, FACTS, identity)


# --------------------------------------------------------------------------------------------------------------------
# The development identity


def test_development_identity_is_created_once_and_reused(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "keys"
    with caplog.at_level(logging.WARNING, logger="registry.documents.signing"):
        first = development_identity(folder)
    key_file, cert_file = folder / DEV_KEY_FILE, folder / DEV_CERT_FILE
    key_bytes, cert_bytes = key_file.read_bytes(), cert_file.read_bytes()

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.development is True
    assert DEV_COMMON_NAME in first.subject()
    assert first.certificate_pem() == cert_bytes
    assert len(first.certificate_fingerprint()) == 64
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("SELF-SIGNED DEVELOPMENT KEY" in r.getMessage() for r in warnings)

    second = development_identity(folder)
    assert second.certificate_fingerprint() == first.certificate_fingerprint()
    assert (key_file.read_bytes(), cert_file.read_bytes()) == (key_bytes, cert_bytes)
    # Nothing else is left behind in the folder but the lock file: no temporary files.
    assert sorted(p.name for p in folder.iterdir()) == sorted([DEV_KEY_FILE, DEV_CERT_FILE, ".dev-signing.lock"])


def test_development_certificate_is_a_self_signed_signing_ca_for_ten_years(identity: SigningIdentity) -> None:
    certificate = x509.load_der_x509_certificate(identity.certificate.dump())
    assert certificate.subject == certificate.issuer
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == DEV_COMMON_NAME
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert (usage.digital_signature, usage.content_commitment, usage.key_cert_sign) == (True, True, True)
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3653)
    public_key = certificate.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey) and public_key.curve.name == "secp256r1"
    certificate.verify_directly_issued_by(certificate)  # raises if the self-signature is wrong


def test_development_identity_racing_threads_end_with_one_pair(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    barrier = threading.Barrier(4)
    results: list[str] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait()
            results.append(development_identity(folder).certificate_fingerprint())
        except BaseException as exc:  # collected and asserted below, not swallowed
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 4 and len(set(results)) == 1
    assert development_identity(folder).certificate_fingerprint() == results[0]


def test_development_identity_racing_processes_end_with_one_pair(tmp_path: Path) -> None:
    folder, gate = tmp_path / "shared", tmp_path / "gate"
    gate.mkdir()
    # Each process imports everything, says it is ready, and waits for the gate to open, so both reach
    # development_identity at the same moment rather than one after the other's import.
    script = (
        "import sys, time; from pathlib import Path; "
        "from registry.documents.signing import development_identity; "
        "gate = Path(sys.argv[2]); (gate / sys.argv[3]).touch(); "
        "deadline = time.monotonic() + 60\n"
        "while not (gate / 'open').exists() and time.monotonic() < deadline: time.sleep(0.001)\n"
        "print(development_identity(Path(sys.argv[1])).certificate_fingerprint())"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(folder), str(gate), f"ready-{n}"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(2)
    ]
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=60)
        while len(list(gate.glob("ready-*"))) < len(processes) and datetime.now(UTC) < deadline:
            if any(p.poll() is not None for p in processes):
                break  # one died while importing: its stderr is reported below
            threading.Event().wait(0.01)
        (gate / "open").touch()
        fingerprints = []
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err.decode()
            fingerprints.append(out.decode().strip())
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert len(set(fingerprints)) == 1
    assert development_identity(folder).certificate_fingerprint() == fingerprints[0]


def test_development_identity_replaces_a_half_published_pair(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    first = development_identity(folder)
    (folder / DEV_KEY_FILE).unlink()  # as if a process died between publishing the certificate and the key
    second = development_identity(folder)
    assert second.certificate_fingerprint() != first.certificate_fingerprint()
    assert sign_document(make_pdf(1), FACTS, second)  # the new pair belongs together


# --------------------------------------------------------------------------------------------------------------------
# Loading the registry's own key and certificate


def test_load_signing_identity_with_encrypted_key_and_chain(tmp_path: Path) -> None:
    root = make_key_and_certificate("Test Root CA", ca=True)
    leaf_key, leaf = make_key_and_certificate("ISA Registry signing", issuer=root)
    key_path = write_pem(tmp_path / "registry.key.pem", leaf_key, passphrase=b"correct horse")
    cert_path = write_cert(tmp_path / "registry.cert.pem", leaf)
    chain_path = write_cert(tmp_path / "chain.pem", root[1])

    identity = load_signing_identity(key_path, cert_path, passphrase=b"correct horse", chain_paths=[chain_path])
    assert identity.development is False
    assert identity.subject() == "ISA Registry signing"
    assert [c.dump() for c in identity.chain] == [asn1(root[1]).dump()]

    signed = sign_document(make_pdf(1), FACTS, identity)
    assert b"development key" not in signed  # a real key says nothing of the sort in /Reason
    # Trusting the registry's own certificate, or the root it chains to, both work.
    for trusted in ([identity.certificate], [asn1(root[1])]):
        result = verify_document(signed, trusted)
        assert result.valid, result.problems
    assert not verify_document(signed, [asn1(make_key_and_certificate("Other CA", ca=True)[1])]).trusted


def test_load_signing_identity_reads_a_full_chain_file_and_der(tmp_path: Path) -> None:
    root = make_key_and_certificate("Test Root CA", ca=True)
    leaf_key, leaf = make_key_and_certificate("ISA Registry signing", issuer=root)
    key_path = tmp_path / "registry.key.der"
    key_path.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    identity = load_signing_identity(key_path, write_cert(tmp_path / "fullchain.pem", leaf, root[1]))
    assert identity.subject() == "ISA Registry signing"
    assert len(identity.chain) == 1


def test_an_rsa_key_with_a_chain_of_long_names_fits_the_reserved_space(tmp_path: Path) -> None:
    # The signature's space is estimated from the certificates, not measured by a dry run: this is about the
    # largest set-up a registry would use (RSA 3072 throughout, a root and an intermediate, long names).
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)  # one key for all three: speed

    def long_name(role: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"West Yorkshire Safeguarding Partnership {role}"[:64]),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Information Governance and Data Protection"),
                x509.NameAttribute(NameOID.COMMON_NAME, f"ISA Registry document signing — {role} — production"),
            ]
        )

    def certificate(subject: x509.Name, issuer: x509.Name, *, ca: bool) -> x509.Certificate:
        now = datetime.now(UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, True, False, False, False, ca, ca, False, False),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )

    root_name, intermediate_name, leaf_name = long_name("root"), long_name("intermediate"), long_name("leaf")
    root = certificate(root_name, root_name, ca=True)
    intermediate = certificate(intermediate_name, root_name, ca=True)
    leaf = certificate(leaf_name, intermediate_name, ca=False)
    key_path = tmp_path / "registry.key.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    identity = load_signing_identity(
        key_path,
        write_cert(tmp_path / "leaf.pem", leaf),
        chain_paths=[write_cert(tmp_path / "ca.pem", intermediate, root)],
    )
    signed = sign_document(make_pdf(1), FACTS, identity)
    result = verify_document(signed, [asn1(root)])
    assert result.valid, result.problems
    assert result.signer is not None and result.signer.startswith("ISA Registry document signing — leaf")


def test_an_ec_p384_key_with_a_long_name_fits_the_reserved_space(tmp_path: Path) -> None:
    key, certificate = make_key_and_certificate(
        "ISA Registry signing service — West Yorkshire Safeguarding",
        curve=ec.SECP384R1(),
        organisation="West Yorkshire Safeguarding Children Partnership and Board",
        ca=True,
    )
    identity = load_signing_identity(write_pem(tmp_path / "k.pem", key), write_cert(tmp_path / "c.pem", certificate))
    for _ in range(5):  # ECDSA signatures vary in length by a byte or two
        result = verify_document(sign_document(make_pdf(1), FACTS, identity), [identity.certificate])
        assert result.valid, result.problems
        assert result.signer == (
            "ISA Registry signing service — West Yorkshire Safeguarding, "
            "West Yorkshire Safeguarding Children Partnership and Board"
        )


def _error(call: Callable[[], object]) -> str:
    with pytest.raises(SigningError) as caught:
        call()
    return str(caught.value)


def test_load_signing_identity_errors_name_the_file(tmp_path: Path) -> None:
    key, certificate = make_key_and_certificate("ISA Registry signing")
    key_path = write_pem(tmp_path / "good.key.pem", key)
    cert_path = write_cert(tmp_path / "good.cert.pem", certificate)
    load_signing_identity(key_path, cert_path)  # the good pair loads

    missing = tmp_path / "nowhere.key.pem"
    message = _error(lambda: load_signing_identity(missing, cert_path))
    assert str(missing) in message and "does not exist" in message

    garbage = tmp_path / "garbage.key.pem"
    garbage.write_bytes(b"-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n")
    message = _error(lambda: load_signing_identity(garbage, cert_path))
    assert str(garbage) in message and "not a private key" in message

    garbage_cert = tmp_path / "garbage.cert.pem"
    garbage_cert.write_bytes(os.urandom(300))
    message = _error(lambda: load_signing_identity(key_path, garbage_cert))
    assert str(garbage_cert) in message and "not an X.509 certificate" in message

    empty = tmp_path / "empty.cert.pem"
    empty.write_bytes(b"")
    assert str(empty) in _error(lambda: load_signing_identity(key_path, empty))

    other_key = write_pem(tmp_path / "other.key.pem", ec.generate_private_key(ec.SECP256R1()))
    message = _error(lambda: load_signing_identity(other_key, cert_path))
    assert str(other_key) in message and str(cert_path) in message and "does not belong" in message

    encrypted = write_pem(tmp_path / "encrypted.key.pem", key, passphrase=b"right")
    message = _error(lambda: load_signing_identity(encrypted, cert_path, passphrase=b"wrong"))
    assert str(encrypted) in message and "passphrase" in message and "wrong" in message
    message = _error(lambda: load_signing_identity(encrypted, cert_path))
    assert str(encrypted) in message and "encrypted" in message
    message = _error(lambda: load_signing_identity(key_path, cert_path, passphrase=b"unneeded"))
    assert str(key_path) in message and "not encrypted" in message
    assert load_signing_identity(encrypted, cert_path, passphrase=b"right").subject() == "ISA Registry signing"

    missing_chain = tmp_path / "missing-chain.pem"
    message = _error(lambda: load_signing_identity(key_path, cert_path, chain_paths=[missing_chain]))
    assert str(missing_chain) in message


def test_load_signing_identity_refuses_certificates_that_cannot_sign_today(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    cases = {
        "expired": make_key_and_certificate("Old", not_before=now - timedelta(days=30), not_after=now - timedelta(1)),
        "not valid until": make_key_and_certificate("Future", not_before=now + timedelta(days=2)),
        "nonRepudiation": make_key_and_certificate("No commitment", non_repudiation=False),
    }
    for expected, (key, certificate) in cases.items():
        key_path = write_pem(tmp_path / f"{expected}.key.pem", key)
        cert_path = write_cert(tmp_path / f"{expected}.cert.pem", certificate)
        with pytest.raises(SigningError) as caught:
            load_signing_identity(key_path, cert_path)
        assert expected in str(caught.value) and str(cert_path) in str(caught.value)


# --------------------------------------------------------------------------------------------------------------------
# Signing, then verifying


def test_sign_then_verify_round_trip(signed: bytes, identity: SigningIdentity) -> None:
    result = verify_document(signed, [identity.certificate])
    assert result.valid
    assert (result.readable, result.signed, result.intact, result.trusted, result.covers_whole_file) == (True,) * 5
    assert result.problems == ()
    assert result.facts == FACTS
    assert result.signer is not None and DEV_COMMON_NAME in result.signer
    assert result.certificate_fingerprint == identity.certificate_fingerprint()
    assert result.signed_at is not None and abs(datetime.now(UTC) - result.signed_at) < timedelta(minutes=10)


def test_signed_pdf_validates_with_plain_pyhanko(signed: bytes, identity: SigningIdentity) -> None:
    reader = PdfFileReader(BytesIO(signed))
    [embedded] = reader.embedded_signatures
    # The certificate as a verifier would load it from the PEM the registry publishes.
    trust_roots = list(load_certs_from_pemder_data(identity.certificate_pem()))
    status = validate_pdf_signature(embedded, signer_validation_context=ValidationContext(trust_roots=trust_roots))
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)
    assert embedded.field_name == SIGNATURE_FIELD
    assert embedded.sig_object["/SubFilter"] == SigSeedSubFilter.PADES.value
    assert embedded.md_algorithm == "sha256"
    reason = str(embedded.sig_object["/Reason"])
    assert reason.startswith("Agreement MASH-LEEDS version 2.1 revision 7: every party has signed")
    assert "development key" in reason  # the development identity says so on the document


def test_signed_pdf_opens_in_pypdf_with_the_facts_attached(pdf: bytes, signed: bytes) -> None:
    original, result = pypdf.PdfReader(BytesIO(pdf)), pypdf.PdfReader(BytesIO(signed))
    assert len(result.pages) == len(original.pages) == 2
    assert "Information Sharing Agreement page 1" in result.pages[0].extract_text()
    assert result.attachments[FACTS_FILE_NAME] == [FACTS.to_json().encode("utf-8")]
    fields = result.get_fields()
    assert fields is not None and SIGNATURE_FIELD in fields


def test_facts_are_written_inside_the_signed_byte_range(signed: bytes, identity: SigningIdentity) -> None:
    # The signature covers everything but its own /Contents: the facts must be in the covered bytes...
    facts_at = signed.index(FACTS.to_json().encode("utf-8"))
    assert in_signed_range(signed, facts_at)
    # ... in the same incremental update as the signature (one update after the original file's revision) ...
    reader = PdfFileReader(BytesIO(signed))
    [embedded] = reader.embedded_signatures
    assert embedded.signed_revision == reader.xrefs.total_revisions - 1 == 1
    # ... so changing one character of them breaks the signature.
    tampered = bytearray(signed)
    tampered[facts_at + signed[facts_at:].index(b"MASH-LEEDS")] = ord("N")
    result = verify_document(bytes(tampered), [identity.certificate])
    assert not result.intact and not result.valid
    assert signing.ALTERED in result.problems


def test_a_custom_reason_is_used(pdf: bytes, identity: SigningIdentity) -> None:
    signed = sign_document(pdf, FACTS, identity, reason="Re-issued after a change of signatory")
    [embedded] = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert str(embedded.sig_object["/Reason"]) == "Re-issued after a change of signatory"
    assert verify_document(signed, [identity.certificate]).valid


def test_signing_something_that_is_not_a_pdf_is_a_signing_error(identity: SigningIdentity) -> None:
    assert "could not be signed" in _error(lambda: sign_document(b"not a pdf", FACTS, identity))


def test_one_flipped_byte_in_the_page_content_is_caught(signed: bytes, identity: SigningIdentity) -> None:
    at = signed.index(PAGE_TEXT) + 5
    assert in_signed_range(signed, at)  # well inside the signed content, nowhere near /Contents
    tampered = bytearray(signed)
    tampered[at] ^= 0x01
    result = verify_document(bytes(tampered), [identity.certificate])
    assert result.readable and result.signed
    assert not result.intact and not result.valid
    assert signing.ALTERED in result.problems
    # The certificate path is still the registry's: the page can say who signed, and that it was altered since.
    assert result.trusted


def test_a_certificate_the_registry_does_not_trust(signed: bytes, stranger: SigningIdentity) -> None:
    result = verify_document(signed, [stranger.certificate])
    assert result.intact and not result.trusted and not result.valid
    assert result.problems == (signing.UNTRUSTED,)
    assert verify_document(signed, []).problems == (signing.UNTRUSTED,)


def test_a_pdf_signed_by_a_look_alike_key_is_not_trusted(
    pdf: bytes, identity: SigningIdentity, stranger: SigningIdentity
) -> None:
    forged = sign_document(pdf, FACTS, stranger)  # same subject name, different key
    result = verify_document(forged, [identity.certificate])
    assert result.intact and not result.trusted and not result.valid
    assert result.signer is not None and DEV_COMMON_NAME in result.signer  # names alone prove nothing


def test_content_appended_after_signing(signed: bytes, identity: SigningIdentity) -> None:
    # An incremental update that changes the document information and attaches other "facts".
    w = IncrementalPdfFileWriter(BytesIO(signed))
    w.set_info(generic.DictionaryObject({pdf_name("/Title"): generic.TextStringObject("Altered")}))
    forged_facts = DocumentFacts("FORGED", "Forged", "9", 99, "active", "00" * 32)
    signing._embed_facts(w, forged_facts)
    out = BytesIO()
    w.write(out)
    appended = out.getvalue()
    assert appended.startswith(signed) and len(appended) > len(signed)

    result = verify_document(appended, [identity.certificate])
    assert result.intact and result.trusted
    assert not result.covers_whole_file and not result.valid
    assert signing.APPENDED in result.problems
    assert result.facts == FACTS  # the signed revision's facts, not the appended ones


def test_white_space_after_the_signed_revision_is_harmless(signed: bytes, identity: SigningIdentity) -> None:
    # A trailing newline or NUL padding (some mail and upload tools add them) cannot hold an update.
    for tail in (b"\n", b"\r\n", b"\x00" * 512):
        result = verify_document(signed + tail, [identity.certificate])
        assert result.valid and result.covers_whole_file, tail
    result = verify_document(signed + b"\n% anything else\n", [identity.certificate])
    assert not result.covers_whole_file and not result.valid
    assert result.problems == (signing.APPENDED,)


def test_a_second_signature_after_the_registrys(
    signed: bytes, identity: SigningIdentity, stranger: SigningIdentity
) -> None:
    w = IncrementalPdfFileWriter(BytesIO(signed))
    meta = signers.PdfSignatureMetadata(field_name="Countersignature", subfilter=SigSeedSubFilter.PADES)
    twice = signers.PdfSigner(meta, signer=stranger.signer).sign_pdf(w, bytes_reserved=8192).getvalue()
    result = verify_document(twice, [identity.certificate])
    assert result.trusted and result.intact and result.facts == FACTS  # the registry's field was the one checked
    assert not result.covers_whole_file and not result.valid
    assert signing.SEVERAL_SIGNATURES in result.problems and signing.APPENDED in result.problems


def test_several_signatures_none_of_them_the_registrys(pdf: bytes, stranger: SigningIdentity) -> None:
    document = pdf
    for name in ("First", "Second"):
        meta = signers.PdfSignatureMetadata(field_name=name, subfilter=SigSeedSubFilter.PADES)
        w = IncrementalPdfFileWriter(BytesIO(document))
        document = signers.PdfSigner(meta, signer=stranger.signer).sign_pdf(w, bytes_reserved=8192).getvalue()
    result = verify_document(document, [stranger.certificate])
    assert not result.signed and not result.valid
    assert result.problems == (signing.NO_REGISTRY_FIELD,)


def test_a_signed_pdf_without_registry_facts(pdf: bytes, identity: SigningIdentity) -> None:
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, subfilter=SigSeedSubFilter.PADES)
    w = IncrementalPdfFileWriter(BytesIO(pdf))
    bare = signers.PdfSigner(meta, signer=identity.signer).sign_pdf(w, bytes_reserved=8192).getvalue()
    result = verify_document(bare, [identity.certificate])
    assert result.intact and result.trusted and result.covers_whole_file
    assert result.facts is None and not result.valid
    assert result.problems == (signing.NO_FACTS,)


def sign_with_names_tree(pdf: bytes, identity: SigningIdentity, build: Callable[..., generic.PdfObject]) -> bytes:
    """Sign ``pdf`` with the registry's key after giving it the embedded-files name tree ``build(writer)`` makes."""
    w = IncrementalPdfFileWriter(BytesIO(pdf))
    names = generic.DictionaryObject({pdf_name("/EmbeddedFiles"): build(w)})
    w.root[pdf_name("/Names")] = w.add_object(names)
    w.update_root()
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, subfilter=SigSeedSubFilter.PADES)
    return bytes(signers.PdfSigner(meta, signer=identity.signer).sign_pdf(w, bytes_reserved=8192).getvalue())


def attachment(w: IncrementalPdfFileWriter, data: bytes) -> generic.IndirectObject:
    stream = EmbeddedFileObject.from_file_data(w, data=data, compress=False)
    return w.add_object(FileSpec(file_spec_string=FACTS_FILE_NAME, embedded_data=stream).as_pdf_object())


def name_array(*pairs: tuple[str, generic.PdfObject]) -> generic.ArrayObject:
    return generic.ArrayObject([item for key, value in pairs for item in (generic.TextStringObject(key), value)])


def test_facts_in_a_nested_name_tree_are_found(pdf: bytes, identity: SigningIdentity) -> None:
    def build(w: IncrementalPdfFileWriter) -> generic.PdfObject:
        other = attachment(w, b"unrelated")
        leaf = generic.DictionaryObject(
            {
                pdf_name("/Names"): name_array(
                    ("aaa.txt", other), (FACTS_FILE_NAME, attachment(w, FACTS.to_json().encode()))
                )
            }
        )
        middle = generic.DictionaryObject({pdf_name("/Kids"): generic.ArrayObject([w.add_object(leaf)])})
        return w.add_object(generic.DictionaryObject({pdf_name("/Kids"): generic.ArrayObject([w.add_object(middle)])}))

    result = verify_document(sign_with_names_tree(pdf, identity, build), [identity.certificate])
    assert result.valid, result.problems
    assert result.facts == FACTS


def test_unreadable_facts_are_a_problem_not_a_crash(pdf: bytes, identity: SigningIdentity) -> None:
    def looping(w: IncrementalPdfFileWriter) -> generic.PdfObject:
        node = generic.DictionaryObject()
        ref = w.add_object(node)
        node[pdf_name("/Kids")] = generic.ArrayObject([ref, ref])  # a tree that contains itself, twice
        return ref

    def not_json(w: IncrementalPdfFileWriter) -> generic.PdfObject:
        return generic.DictionaryObject(
            {pdf_name("/Names"): name_array((FACTS_FILE_NAME, attachment(w, b"{not json")))}
        )

    def twice(w: IncrementalPdfFileWriter) -> generic.PdfObject:
        data = FACTS.to_json().encode()
        return generic.DictionaryObject(
            {
                pdf_name("/Names"): name_array(
                    (FACTS_FILE_NAME, attachment(w, data)), (FACTS_FILE_NAME, attachment(w, data))
                )
            }
        )

    def not_a_stream(w: IncrementalPdfFileWriter) -> generic.PdfObject:
        spec = generic.DictionaryObject(
            {pdf_name("/EF"): generic.DictionaryObject({pdf_name("/F"): generic.NumberObject(7)})}
        )
        return generic.DictionaryObject({pdf_name("/Names"): name_array((FACTS_FILE_NAME, w.add_object(spec)))})

    for build in (looping, not_json, twice, not_a_stream):
        result = verify_document(sign_with_names_tree(pdf, identity, build), [identity.certificate])
        assert result.intact and result.trusted and result.covers_whole_file, build.__name__
        assert result.facts is None and not result.valid, build.__name__
        assert result.problems == (signing.BAD_FACTS,), build.__name__


def _inflating_to(size: int) -> bytes:
    """Deflate data (a few hundred bytes a megabyte) that inflates to ``size`` bytes of white space."""
    squeeze = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    return b"".join(squeeze.compress(chunk) for _ in range(size >> 20)) + squeeze.flush()


def test_a_compression_bomb_is_refused_without_inflating_it(pdf: bytes, stranger: SigningIdentity) -> None:
    # Anyone can sign a PDF with a key of their own and attach "facts" that inflate to hundreds of megabytes;
    # the verifier reads the facts of any signed revision (to say what the file claims), so it must stop early.
    def bomb(w: IncrementalPdfFileWriter) -> generic.PdfObject:
        data = _inflating_to(300 << 20)
        stream = generic.StreamObject(
            {pdf_name("/Type"): pdf_name("/EmbeddedFile"), pdf_name("/Filter"): pdf_name("/FlateDecode")},
            encoded_data=data,
        )
        spec = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Filespec"),
                pdf_name("/F"): generic.TextStringObject(FACTS_FILE_NAME),
                pdf_name("/EF"): generic.DictionaryObject({pdf_name("/F"): w.add_object(stream)}),
            }
        )
        return generic.DictionaryObject({pdf_name("/Names"): name_array((FACTS_FILE_NAME, w.add_object(spec)))})

    hostile = sign_with_names_tree(pdf, stranger, bomb)
    assert len(hostile) < 2 * 1024 * 1024  # under the API's body limit: any signed-in user could send it
    tracemalloc.start()
    try:
        result = verify_document(hostile, [stranger.certificate])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.intact and result.facts is None and not result.valid
    assert result.problems == (signing.BAD_FACTS,)
    # Stopped at the verifier's own limit, far short of the 300 MB (pyHanko's default would allow 256 MB).
    assert peak < 3 * signing.MAX_DECODED_STREAM_BYTES, peak


def test_trusted_must_be_certificates(signed: bytes, identity: SigningIdentity) -> None:
    with pytest.raises(TypeError, match="asn1crypto"):
        verify_document(signed, [identity.certificate_pem()])


def test_an_unsigned_pdf(pdf: bytes, identity: SigningIdentity) -> None:
    result = verify_document(pdf, [identity.certificate])
    assert result.readable and not result.signed and not result.valid
    assert result.problems == (signing.NO_SIGNATURE,)


def test_valid_means_every_check_passed() -> None:
    good = Verification(
        readable=True, signed=True, intact=True, trusted=True, covers_whole_file=True, facts=FACTS, problems=()
    )
    assert good.valid
    for field_name in ("readable", "signed", "intact", "trusted", "covers_whole_file"):
        assert not Verification(**{**good.__dict__, field_name: False}).valid
    assert not Verification(**{**good.__dict__, "facts": None}).valid
    assert not Verification(**{**good.__dict__, "problems": ("anything",)}).valid


# --------------------------------------------------------------------------------------------------------------------
# Hostile input: never an exception, always a finding


def _replace(pdf: bytes, pattern: bytes, make: Callable[[bytes], bytes]) -> bytes:
    match = re.search(pattern, pdf)
    assert match is not None
    old = match.group(1)
    new = make(old)
    assert len(new) == len(old)  # same length, so every offset in the file stays right
    return pdf[: match.start(1)] + new + pdf[match.end(1) :]


def _tiny_pdf(*objects: bytes, xref_count: int | None = None) -> bytes:
    """A hand-made PDF with the given objects (object 1 is the catalog) and a correct cross-reference table."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    count = xref_count or len(offsets) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    return out


PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
# The signature's /Contents (a hex string), not a page's /Contents (a reference).
CONTENTS_HEX = rb"/Contents <([0-9A-Fa-f]+)>"
WITH_FIELD = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>"


def hostile_inputs(signed: bytes) -> dict[str, tuple[bytes, bool]]:
    """name -> (bytes, whether it is readable as a PDF at all)."""
    rng = random.Random(20250301)
    return {
        "empty": (b"", False),
        "garbage after a header": (b"%PDF-1.7\n garbage", False),
        "random 10 KB": (rng.randbytes(10 * 1024), False),
        "random 10 KB after a header": (b"%PDF-1.7\n" + rng.randbytes(10 * 1024), False),
        "truncated signed PDF": (signed[: len(signed) // 2], False),
        "signed PDF without its trailer": (signed[:-40], False),
        "text file": (b"Dear colleague, please find the agreement attached.\n" * 50, False),
        "deep nesting": (
            _tiny_pdf(b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 50_000 + b"]" * 50_000 + b">>"),
            False,
        ),
        "huge object count": (_tiny_pdf(CATALOG, PAGES, xref_count=2**31 - 1), False),
        "signature field loop": (
            _tiny_pdf(WITH_FIELD, PAGES, b"<< /FT /Sig /T (S) /V 4 0 R /Kids [3 0 R] >>", b"<<>>"),
            False,
        ),
        "signature value not a dictionary": (
            _tiny_pdf(WITH_FIELD, PAGES, b"<< /FT /Sig /T (S) /V 4 0 R >>", b"[1 2 3]"),
            True,
        ),
        "signature value is the field": (_tiny_pdf(WITH_FIELD, PAGES, b"<< /FT /Sig /T (S) /V 3 0 R >>"), True),
        "signature without contents": (
            _tiny_pdf(WITH_FIELD, PAGES, b"<< /FT /Sig /T (S) /V 4 0 R >>", b"<< /Type /Sig /ByteRange [0 1 2 3] >>"),
            True,
        ),
        "contents all zeros": (_replace(signed, CONTENTS_HEX, lambda old: b"0" * len(old)), True),
        "contents not hex": (_replace(signed, CONTENTS_HEX, lambda old: b"z" * len(old)), True),
        "contents a truncated CMS": (
            _replace(signed, CONTENTS_HEX, lambda old: b"3082ffff" + b"0" * (len(old) - 8)),
            True,
        ),
        "negative byte range": (
            _replace(signed, rb"/ByteRange (\[[^\]]*\])", lambda old: b"[0 -5 -9 9]".ljust(len(old))),
            True,
        ),
        "byte range past the end": (
            _replace(signed, rb"/ByteRange (\[[^\]]*\])", lambda old: b"[0 " + b"9" * (len(old) - 8) + b" 9 9]"),
            True,
        ),
        "unknown subfilter": (_replace(signed, rb"/(ETSI\.CAdES\.detached)", lambda old: b"ETSI.CAdES.detachex"), True),
    }


def test_hostile_bytes_never_raise(signed: bytes, identity: SigningIdentity, caplog: pytest.LogCaptureFixture) -> None:
    for name, (data, readable) in hostile_inputs(signed).items():
        result = verify_document(data, [identity.certificate])
        assert isinstance(result, Verification), name
        assert not result.valid, name
        assert result.problems, name
        assert result.readable is readable, (name, result)
        if not readable:
            assert result.problems[0] in (signing.NOT_A_PDF, signing.UNREADABLE_PDF), name
    # Every one was caught by name: none reached the last-resort handler.
    assert not [r for r in caplog.records if r.getMessage().startswith("Unexpected error verifying")]


def test_damaged_signatures_are_reported_as_damaged(signed: bytes, identity: SigningIdentity) -> None:
    inputs = hostile_inputs(signed)
    for name in ("contents all zeros", "contents not hex", "signature value not a dictionary", "unknown subfilter"):
        result = verify_document(inputs[name][0], [identity.certificate])
        assert result.signed and not result.intact, name
        assert result.problems == (signing.DAMAGED_SIGNATURE,), name


def test_an_altered_byte_range_is_not_intact(signed: bytes, identity: SigningIdentity) -> None:
    result = verify_document(hostile_inputs(signed)["byte range past the end"][0], [identity.certificate])
    assert not result.intact and not result.covers_whole_file and result.facts is None
    assert signing.ALTERED in result.problems and signing.ODD_COVERAGE in result.problems


def test_the_size_cap_comes_first() -> None:
    result = verify_document(b"%PDF-1.7\n" + b"0" * MAX_PDF_BYTES, [])
    assert not result.readable and result.problems == (signing.TOO_LARGE,)
    assert verify_document(b"", []).problems == (signing.NOT_A_PDF,)
