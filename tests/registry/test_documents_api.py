"""Agreement documents through the API, the command line and the pages; the signing configuration.

The HTML → PDF step is replaced by a counting one that makes a tiny real PDF (``renders``), so these tests
exercise real signing and verification without paying for WeasyPrint; the real render is tested once in
``test_documents_service.py``. "Today" is pinned inside the standard MASH agreement's term.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from pyld import jsonld
from sqlmodel import Session, select

from registry import create_app
from registry.api import documents as api_documents
from registry.config import ConfigError, settings
from registry.documents import render
from registry.documents.facts import DocumentFacts
from registry.documents.signing import SigningIdentity, development_identity
from registry.models import DocumentRow
from registry.services.accounts import Role
from registry.services.agreements import get_agreement
from registry.services.editing import amend_agreement
from registry.services.standard import load_standard_agreements
from tests.conftest import PASSWORD, ClientAs, MakeAccount
from tests.registry.test_documents_service import IN_TERM, MASH, tiny_pdf

BASE = f"/api/v1/agreements/{MASH}"


@pytest.fixture(scope="module")
def signing_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The development key's folder for the module: made on first use, then reused."""
    return tmp_path_factory.mktemp("signing")


@pytest.fixture
def app(app: Flask, signing_dir: Path) -> Flask:
    """The shared test app, keeping its development signing key in a temporary folder."""
    app.config["SIGNING_DEV_DIR"] = signing_dir
    return app


@pytest.fixture
def identity(app: Flask) -> SigningIdentity:
    """The app's signing identity (loaded as a request would load it)."""
    with app.app_context():
        return api_documents.signing_identity()


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Judge "in force" on a day inside the standard MASH agreement's term."""
    monkeypatch.setattr(api_documents, "today_in_the_uk", lambda: IN_TERM)
    monkeypatch.setattr("registry.cli.today_in_the_uk", lambda: IN_TERM)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[DocumentFacts]:
    """Replace the HTML → PDF step with a counting one that makes a tiny real PDF."""
    calls: list[DocumentFacts] = []

    def counting_html_to_pdf(html: str, *, facts: DocumentFacts) -> bytes:
        calls.append(facts)
        return tiny_pdf(facts)

    monkeypatch.setattr(render, "html_to_pdf", counting_html_to_pdf)
    return calls


@pytest.fixture
def standard(session: Session) -> Session:
    """The standard library loaded."""
    load_standard_agreements(session=session)
    return session


@pytest.fixture
def auditor(client_as: ClientAs) -> FlaskClient:
    """An auditor's API client: documents and verification are for every signed-in role."""
    return client_as(Role.AUDITOR)


def _amend_mash(session: Session, make_account: MakeAccount) -> None:
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


def _flip(pdf: bytes) -> bytes:
    altered = bytearray(pdf)
    altered[len(pdf) // 3] ^= 0x01
    return bytes(altered)


# ----------------------------------------------------------------------------------------------------------------
# Downloads


@pytest.mark.parametrize(
    ("path", "media_type", "filename"),
    [
        ("document.html", "text/html", "NS-MASH-ISA-v3.2-r1.html"),
        ("document.pdf", "application/pdf", "NS-MASH-ISA-v3.2-r1.pdf"),
        ("signed.pdf", "application/pdf", "NS-MASH-ISA-v3.2-r1-signed.pdf"),
        ("odrl.jsonld", "application/ld+json", "NS-MASH-ISA-v3.2-r1.jsonld"),
    ],
)
def test_downloads_are_attachments_named_after_agreement_version_and_revision(
    standard: Session, auditor: FlaskClient, renders: list[DocumentFacts], path: str, media_type: str, filename: str
) -> None:
    response = auditor.get(f"{BASE}/{path}?revision=1")

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == media_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "private" in response.headers["Cache-Control"]
    assert re.fullmatch(r'"[0-9a-f]{64}"', response.headers["ETag"])
    assert response.data.startswith(b"%PDF-") == media_type.endswith("pdf")
    # The current revision is revision 1: the same document and tag without ?revision=.
    assert auditor.get(f"{BASE}/{path}").headers["ETag"] == response.headers["ETag"]


def test_a_cached_download_through_the_api_does_not_render_again(
    standard: Session, auditor: FlaskClient, renders: list[DocumentFacts]
) -> None:
    first = auditor.get(f"{BASE}/document.pdf")
    second = auditor.get(f"{BASE}/document.pdf")
    revalidated = auditor.get(f"{BASE}/document.pdf", headers={"If-None-Match": first.headers["ETag"]})

    assert len(renders) == 1
    assert (first.headers["X-Document-Cache"], second.headers["X-Document-Cache"]) == ("miss", "hit")
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert revalidated.status_code == 304 and revalidated.data == b""


def test_another_instance_serves_the_pdf_this_one_rendered(
    app: Flask, standard: Session, auditor: FlaskClient, renders: list[DocumentFacts], client_as: ClientAs
) -> None:
    """The cache is the database: a second app (another instance) on it serves the stored PDF without rendering."""
    first = auditor.get(f"{BASE}/document.pdf")
    other = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"]})
    if app.config["DATABASE_URL"] == "sqlite://":
        # In-memory SQLite is private to one engine: share it, as two instances share a database server.
        other.extensions["registry.db"] = app.extensions["registry.db"]
    try:
        token = auditor.environ_base["HTTP_AUTHORIZATION"]
        second = other.test_client().get(f"{BASE}/document.pdf", headers={"Authorization": token})
    finally:
        if other.extensions["registry.db"] is not app.extensions["registry.db"]:
            other.extensions["registry.db"].dispose()
    assert second.status_code == 200 and second.headers["X-Document-Cache"] == "hit"
    assert second.data == first.data and len(renders) == 1


def test_a_signed_pdf_from_the_api_verifies_through_the_api(
    standard: Session, auditor: FlaskClient, renders: list[DocumentFacts], identity: SigningIdentity
) -> None:
    signed = auditor.get(f"{BASE}/signed.pdf").data

    answer = auditor.post("/api/v1/verifications", data=signed, content_type="application/pdf")

    assert answer.status_code == 200
    report = answer.get_json()
    assert report["valid"] is True and report["in_force"] is True
    assert report["summary"] == "Valid — signed by this registry"
    assert (report["agreement_id"], report["revision"], report["version"]) == (MASH, 1, "3.2")
    assert report["standing"] == "in force" and report["fingerprint_matches"] is True
    assert report["signature"]["intact"] and report["signature"]["trusted"]
    assert report["signature"]["signer"] == identity.subject()
    parties = get_agreement(session=standard, agreement_id=MASH).agreement.parties
    assert len(report["sign_offs"]) == len(parties) and all(s["signed_on"] for s in report["sign_offs"])

    altered = auditor.post("/api/v1/verifications", data=_flip(signed), content_type="application/pdf").get_json()
    assert altered["valid"] is False and altered["summary"].startswith("Not")


def test_anyone_can_fetch_the_signing_certificate_and_it_validates_a_signed_pdf(
    app: Flask, standard: Session, auditor: FlaskClient, renders: list[DocumentFacts], identity: SigningIdentity
) -> None:
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    anonymous = app.test_client()
    answer = anonymous.get("/api/v1/verifications/certificate")

    assert answer.status_code == 200 and answer.mimetype == "application/x-pem-file"
    assert answer.data.startswith(b"-----BEGIN CERTIFICATE-----") and b"PRIVATE KEY" not in answer.data
    assert answer.headers["X-Certificate-SHA256"] == identity.certificate_fingerprint()
    (certificate,) = load_certs_from_pemder_data(answer.data)
    # What a partner outside the registry does with it: trust it in their own validator, and check a signed PDF.
    signed = auditor.get(f"{BASE}/signed.pdf").data
    status = validate_pdf_signature(
        PdfFileReader(BytesIO(signed)).embedded_signatures[0], ValidationContext(trust_roots=[certificate])
    )
    assert status.intact and status.trusted and status.bottom_line


def test_verify_reports_a_superseded_revision_as_superseded(
    standard: Session,
    auditor: FlaskClient,
    renders: list[DocumentFacts],
    make_account: MakeAccount,
) -> None:
    signed = auditor.get(f"{BASE}/signed.pdf").data
    _amend_mash(standard, make_account)

    report = auditor.post("/api/v1/verifications", data=signed, content_type="application/pdf").get_json()

    assert report["valid"] is True and report["in_force"] is False
    assert report["standing"].startswith("superseded by revision 2")
    assert (report["revision"], report["current_revision"]) == (1, 2)


def test_a_signed_pdf_of_a_revision_awaiting_signatures_is_a_409_pointing_to_the_unsigned_pdf(
    standard: Session, auditor: FlaskClient, renders: list[DocumentFacts], make_account: MakeAccount
) -> None:
    _amend_mash(standard, make_account)

    refused = auditor.get(f"{BASE}/signed.pdf")

    assert refused.status_code == 409 and refused.mimetype == "application/json"
    assert "document.pdf" in refused.get_json()["message"]
    assert auditor.get(f"{BASE}/document.pdf").status_code == 200
    assert auditor.get(f"{BASE}/signed.pdf?revision=1").status_code == 200


def test_unknown_agreements_and_revisions_are_404_and_bad_queries_422(standard: Session, auditor: FlaskClient) -> None:
    for url in (
        "/api/v1/agreements/no-such-agreement/document.pdf",
        f"{BASE}/document.html?revision=42",
        f"{BASE}/signed.pdf?revision=42",
        f"{BASE}/odrl.jsonld?revision=42",
        f"{BASE}/diff.pdf?from=1&to=42",
    ):
        response = auditor.get(url)
        assert response.status_code == 404 and response.get_json()["code"] == 404, url
    for url in (f"{BASE}/document.pdf?revision=0", f"{BASE}/diff.html?from=1", f"{BASE}/signed.pdf?revision=x"):
        assert auditor.get(url).status_code == 422, url


def test_documents_need_a_signed_in_user_of_any_role(standard: Session, app: Flask, client_as: ClientAs) -> None:
    anonymous = app.test_client()
    for url in (f"{BASE}/document.html", f"{BASE}/odrl.jsonld"):
        refused = anonymous.get(url)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].lower().startswith("bearer")
        for role in Role:
            # Every role reads agreements, so every role may read their documents: no 403.
            assert client_as(role).get(url).status_code == 200, role
    assert anonymous.post("/api/v1/verifications", data=b"%PDF-", content_type="application/pdf").status_code == 401
    assert (
        client_as(Role.PRACTITIONER)
        .post("/api/v1/verifications", data=b"%PDF-", content_type="application/pdf")
        .status_code
        == 200
    )


def test_verification_takes_a_pdf_body_within_the_size_limit(app: Flask, auditor: FlaskClient) -> None:
    as_json = auditor.post("/api/v1/verifications", json={"pdf": "JVBERi0="})
    assert as_json.status_code == 415 and "application/pdf" in as_json.get_json()["message"]
    empty = auditor.post("/api/v1/verifications", data=b"", content_type="application/pdf")
    assert empty.status_code == 400
    not_a_pdf = auditor.post("/api/v1/verifications", data=b"hello", content_type="application/octet-stream")
    assert not_a_pdf.status_code == 200 and not_a_pdf.get_json()["signature"]["readable"] is False

    app.config["MAX_CONTENT_LENGTH"] = 1000
    too_large = auditor.post("/api/v1/verifications", data=b"%PDF-" + b"0" * 2000, content_type="application/pdf")
    assert too_large.status_code == 413 and too_large.mimetype == "application/json"
    assert "1000 bytes" in too_large.get_json()["message"]


def test_the_api_accepts_the_signed_in_session_for_downloads(
    standard: Session, app: Flask, make_account: MakeAccount, renders: list[DocumentFacts]
) -> None:
    """The agreement page links to the API: a browser signed in to the pages downloads with its session."""
    account, _ = make_account(Role.AUDITOR)
    browser = _signed_in_browser(app, account.email)

    response = browser.get(f"{BASE}/document.pdf")

    assert response.status_code == 200 and response.data.startswith(b"%PDF-")


def test_diff_documents_compare_two_revisions(
    standard: Session, auditor: FlaskClient, renders: list[DocumentFacts], make_account: MakeAccount
) -> None:
    _amend_mash(standard, make_account)

    page = auditor.get(f"{BASE}/diff.html?from=1&to=2")
    pdf = auditor.get(f"{BASE}/diff.pdf?from=1&to=2")

    assert page.status_code == 200 and "Amended for the test." in page.get_data(as_text=True)
    assert page.headers["Content-Disposition"] == 'attachment; filename="NS-MASH-ISA-r1-to-r2-changes.html"'
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert auditor.get(f"{BASE}/diff.pdf?from=1&to=2").headers["X-Document-Cache"] == "hit"


def test_the_odrl_export_parses_as_json_ld_and_names_every_flow(standard: Session, auditor: FlaskClient) -> None:
    response = auditor.get(f"{BASE}/odrl.jsonld")
    policy = json.loads(response.data)

    def no_network(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        raise AssertionError(f"the export must not need {url}")

    expanded = jsonld.expand(policy, {"documentLoader": no_network})
    text = json.dumps(expanded)
    assert "http://www.w3.org/ns/odrl/2/Agreement" in text
    assert policy.get("uid", policy.get("@id", "")).startswith("http://localhost/api/v1/agreements/NS-MASH-ISA")
    for flow in get_agreement(session=standard, agreement_id=MASH).agreement.flows:
        assert flow.id in text, flow.id


# ----------------------------------------------------------------------------------------------------------------
# The pages


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)


def _signed_in_browser(app: Flask, email: str) -> FlaskClient:
    browser = app.test_client()
    page = browser.get("/sign-in").get_data(as_text=True)
    signed_in = browser.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": _csrf(page)})
    assert signed_in.status_code == 302
    return browser


def test_the_agreement_page_links_its_documents(
    standard: Session, auditor: FlaskClient, make_account: MakeAccount
) -> None:
    active = auditor.get(f"/agreements/{MASH}").get_data(as_text=True)
    assert f'href="{BASE}/document.pdf?revision=1"' in active
    assert f'href="{BASE}/signed.pdf?revision=1"' in active
    assert f'href="{BASE}/document.html?revision=1"' in active
    assert f'href="{BASE}/odrl.jsonld?revision=1"' in active
    assert 'href="/verify"' in active and "diff.pdf" not in active

    _amend_mash(standard, make_account)
    awaiting = auditor.get(f"/agreements/{MASH}").get_data(as_text=True)
    assert f'href="{BASE}/signed.pdf' not in awaiting
    assert f'href="{BASE}/diff.pdf?from=1&amp;to=2"' in awaiting
    assert f'href="{BASE}/diff.html?from=1&amp;to=2"' in awaiting
    # The earlier revision was signed by every party: its page still offers the signed PDF.
    assert f'href="{BASE}/signed.pdf?revision=1"' in auditor.get(f"/agreements/{MASH}?revision=1").get_data(
        as_text=True
    )


def _upload(browser: FlaskClient, pdf: bytes) -> Any:
    page = browser.get("/verify").get_data(as_text=True)
    return browser.post(
        "/verify",
        data={"csrf_token": _csrf(page), "pdf": (BytesIO(pdf), "agreement.pdf")},
        content_type="multipart/form-data",
    )


def test_the_verify_page_shows_a_valid_document_in_green_with_its_sign_offs(
    standard: Session, app: Flask, make_account: MakeAccount, renders: list[DocumentFacts]
) -> None:
    account, _ = make_account(Role.PRACTITIONER)
    browser = _signed_in_browser(app, account.email)
    signed = browser.get(f"{BASE}/signed.pdf").data

    shown = _upload(browser, signed)

    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert 'class="govuk-panel govuk-panel--confirmation" id="verify-result"' in html
    assert "Valid — signed by this registry" in html
    agreement = get_agreement(session=standard, agreement_id=MASH).agreement
    assert agreement.title in html and "revision 1" in html and "Version 3.2" in html
    assert "Matches the registry" in html and "In force" in html
    assert html.count('<tr class="govuk-table__row">') == len(agreement.parties) + 1


def test_the_verify_page_shows_an_altered_document_in_red(
    standard: Session, app: Flask, make_account: MakeAccount, renders: list[DocumentFacts]
) -> None:
    account, _ = make_account(Role.SIGNATORY)
    browser = _signed_in_browser(app, account.email)
    signed = browser.get(f"{BASE}/signed.pdf").data

    html = _upload(browser, _flip(signed)).get_data(as_text=True)

    assert 'class="govuk-error-summary" id="verify-result"' in html
    assert "Valid — signed" not in html


def test_the_verify_page_needs_a_file_a_form_token_and_a_signed_in_user(app: Flask, make_account: MakeAccount) -> None:
    assert app.test_client().get("/verify").headers["Location"].startswith("/sign-in")
    account, _ = make_account(Role.AUDITOR)
    browser = _signed_in_browser(app, account.email)
    form = browser.get("/verify")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.get_data(as_text=True)

    missing = browser.post("/verify", data={"csrf_token": _csrf(form.get_data(as_text=True))})
    assert missing.status_code == 422 and "Choose the PDF file to check" in missing.get_data(as_text=True)
    forged = browser.post("/verify", data={"pdf": (BytesIO(b"%PDF-"), "a.pdf")}, content_type="multipart/form-data")
    assert forged.status_code == 400


# ----------------------------------------------------------------------------------------------------------------
# The command line


def test_the_document_command_writes_each_format(
    standard: Session, runner: FlaskCliRunner, tmp_path: Path, renders: list[DocumentFacts]
) -> None:
    for fmt, start in (("html", b"<!DOCTYPE html"), ("pdf", b"%PDF-"), ("signed-pdf", b"%PDF-"), ("odrl", b"{")):
        out = tmp_path / f"mash.{fmt}"
        result = runner.invoke(args=["registry", "document", MASH, "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().lstrip().upper().startswith(start.upper()), fmt
        assert f"Wrote {out}" in result.output
    again = runner.invoke(args=["registry", "document", MASH, "--output", str(tmp_path / "again.pdf")])
    assert "from the cache" in again.output
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "mash.pdf").read_bytes()


def test_the_document_command_reports_what_it_cannot_write(
    standard: Session, runner: FlaskCliRunner, tmp_path: Path, make_account: MakeAccount
) -> None:
    out = tmp_path / "x.pdf"
    missing = runner.invoke(args=["registry", "document", "no-such-agreement", "--output", str(out)])
    assert missing.exit_code == 1 and "No document was written" in missing.output
    assert "no agreement 'no-such-agreement'" in missing.output

    _amend_mash(standard, make_account)
    unsigned = runner.invoke(args=["registry", "document", MASH, "--format", "signed-pdf", "--output", str(out)])
    assert unsigned.exit_code == 1 and "not active" in unsigned.output
    assert not out.exists()


def test_the_verify_command_exit_status_says_valid_not_valid_unreadable_or_not_in_force(
    standard: Session, runner: FlaskCliRunner, tmp_path: Path, renders: list[DocumentFacts], make_account: MakeAccount
) -> None:
    signed = tmp_path / "signed.pdf"
    runner.invoke(args=["registry", "document", MASH, "--format", "signed-pdf", "--output", str(signed)])

    valid = runner.invoke(args=["registry", "verify", str(signed)])
    assert valid.exit_code == 0, valid.output
    assert valid.output.startswith("Valid — signed by this registry")
    assert f"agreement:    {MASH}" in valid.output and "revision:     1 (version 3.2" in valid.output
    assert "standing:     in force" in valid.output

    altered = tmp_path / "altered.pdf"
    altered.write_bytes(_flip(signed.read_bytes()))
    assert runner.invoke(args=["registry", "verify", str(altered)]).exit_code == 1

    text = tmp_path / "notes.pdf"
    text.write_text("not a pdf")
    unreadable = runner.invoke(args=["registry", "verify", str(text)])
    assert unreadable.exit_code == 2 and "Not readable" in unreadable.output
    assert runner.invoke(args=["registry", "verify", str(tmp_path / "missing.pdf")]).exit_code == 2

    _amend_mash(standard, make_account)
    superseded = runner.invoke(args=["registry", "verify", str(signed)])
    assert superseded.exit_code == 3 and "standing:     superseded by revision 2" in superseded.output

    described = runner.invoke(args=["registry", "verify", "--help"]).output
    for status in ("0  valid", "1  the signature is not valid", "2  the input cannot be read", "3  valid, but"):
        assert status in described


# ----------------------------------------------------------------------------------------------------------------
# Signing configuration


def test_the_signing_key_and_certificate_come_as_a_pair(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="REGISTRY_SIGNING_KEY is set but REGISTRY_SIGNING_CERT is not"):
        settings({"REGISTRY_SIGNING_KEY": str(tmp_path / "k.pem")})
    with pytest.raises(ConfigError, match="REGISTRY_SIGNING_CERT is set but REGISTRY_SIGNING_KEY is not"):
        settings({"REGISTRY_SIGNING_CERT": str(tmp_path / "c.pem")})
    chain = f"{tmp_path / 'a.pem'}{os.pathsep}{tmp_path / 'b.pem'}"
    config = settings(
        {"REGISTRY_SIGNING_KEY": "k.pem", "REGISTRY_SIGNING_CERT": "c.pem", "REGISTRY_SIGNING_CHAIN": chain}
    )
    assert config["SIGNING_CHAIN_PATHS"] == (tmp_path / "a.pem", tmp_path / "b.pem")
    assert settings({"REGISTRY_DATA_DIR": str(tmp_path)})["SIGNING_DEV_DIR"] == tmp_path / "signing"


def _production(**config: Any) -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "REGISTRY_ENV": "production", **config})


def test_production_refuses_to_start_without_a_signing_key() -> None:
    with pytest.raises(ConfigError, match="REGISTRY_SIGNING_KEY and REGISTRY_SIGNING_CERT must be set"):
        _production()


def test_production_refuses_to_start_with_a_key_file_that_is_not_there(tmp_path: Path) -> None:
    development_identity(tmp_path)
    with pytest.raises(ConfigError, match="REGISTRY_SIGNING_KEY names .* not a readable file"):
        _production(SIGNING_KEY_PATH=tmp_path / "gone.pem", SIGNING_CERT_PATH=tmp_path / "dev-signing.cert.pem")


def test_production_signs_with_the_configured_key(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    made = development_identity(tmp_path)
    app = _production(
        SIGNING_KEY_PATH=tmp_path / "dev-signing.key.pem", SIGNING_CERT_PATH=tmp_path / "dev-signing.cert.pem"
    )
    caplog.clear()  # making the pair above warned; loading it as the configured key must not
    with app.app_context(), caplog.at_level(logging.WARNING):
        loaded = api_documents.signing_identity()
    assert not loaded.development
    assert loaded.certificate_fingerprint() == made.certificate_fingerprint()
    assert "DEVELOPMENT KEY" not in caplog.text
    app.extensions["registry.db"].dispose()


def test_development_loads_its_own_key_once_and_warns(
    app: Flask, signing_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context(), caplog.at_level(logging.WARNING):
        first = api_documents.signing_identity()
        second = api_documents.signing_identity()
    assert first is second and first.development
    assert (signing_dir / "dev-signing.key.pem").is_file()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "not for real use" in r.getMessage()]
    assert len(warnings) == 1


def test_a_signing_key_that_cannot_be_loaded_is_a_503_not_a_crash(
    standard: Session, app: Flask, auditor: FlaskClient, tmp_path: Path
) -> None:
    (tmp_path / "key.pem").write_text("not a key")
    (tmp_path / "cert.pem").write_text("not a certificate")
    app.config.update(SIGNING_KEY_PATH=tmp_path / "key.pem", SIGNING_CERT_PATH=tmp_path / "cert.pem")

    response = auditor.get(f"{BASE}/signed.pdf")

    assert response.status_code == 503 and "signing key could not be loaded" in response.get_json()["message"]
    assert standard.exec(select(DocumentRow)).all() == []
