"""Pages (HTML) and the JSON API, through the test client."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlmodel import Session

from agreements.model import AgreementKind
from registry.services.agreements import list_agreements, save_agreement
from registry.services.organisations import save_organisation
from registry.services.standard import load_standard_agreements
from tests.builders import make_agreement, make_childrens_services, make_organisation


def _seed(session: Session) -> None:
    save_organisation(session=session, organisation=make_organisation(), actor="test")
    save_organisation(session=session, organisation=make_childrens_services(), actor="test")
    save_agreement(session=session, agreement=make_agreement(), actor="alice")
    save_agreement(session=session, agreement=make_agreement(version="1.1"), actor="bob", change_note="tidy")


def test_the_home_page_lists_the_four_standard_agreements(session: Session, auth_client: FlaskClient) -> None:
    load_standard_agreements(session=session)
    agreements = list_agreements(session=session)

    page = auth_client.get("/")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Safeguarding ISA Registry" in html
    for agreement in agreements:
        assert agreement.title in html
        assert f'href="/agreements/{agreement.id}"' in html
    assert len(agreements) == 4
    assert {AgreementKind.MASH, AgreementKind.MARAC, AgreementKind.MAPPA} <= {a.kind for a in agreements}
    for label in ("MASH", "MARAC", "MAPPA"):
        assert f">{label}<" in html


def test_the_home_page_without_agreements_says_how_to_load_them(auth_client: FlaskClient) -> None:
    html = auth_client.get("/").get_data(as_text=True)
    assert "no agreements in the registry yet" in html


def test_every_standard_agreement_page_renders(session: Session, auth_client: FlaskClient) -> None:
    load_standard_agreements(session=session)
    for agreement in list_agreements(session=session):
        page = auth_client.get(f"/agreements/{agreement.id}")
        assert page.status_code == 200
        assert agreement.title in page.get_data(as_text=True)


def test_the_agreement_page_shows_parties_flows_and_revisions(session: Session, auth_client: FlaskClient) -> None:
    _seed(session)

    html = auth_client.get("/agreements/test-mash").get_data(as_text=True)

    assert "Northshire Police" in html and "Children&#39;s Services" in html
    assert "police-to-childrens" in html
    assert "Mental health" not in html  # not in this flow
    assert 'href="/agreements/test-mash?revision=1"' in html
    assert "Earlier revision" not in html


def test_an_earlier_revision_is_viewable(session: Session, auth_client: FlaskClient) -> None:
    _seed(session)

    html = auth_client.get("/agreements/test-mash?revision=1").get_data(as_text=True)

    assert "Earlier revision" in html and "revision 1 of 2" in html
    assert "version 1.0" in html


def test_a_bad_revision_number_is_a_400_page(session: Session, auth_client: FlaskClient) -> None:
    _seed(session)
    page = auth_client.get("/agreements/test-mash?revision=first")
    assert page.status_code == 400 and page.mimetype == "text/html"


def test_unknown_pages_are_html_404s_off_the_api(auth_client: FlaskClient) -> None:
    for url in ("/no-such-page", "/agreements/no-such-agreement", "/agreements/x?revision=9"):
        page = auth_client.get(url)
        assert page.status_code == 404 and page.mimetype == "text/html"
        assert "Page not found" in page.get_data(as_text=True)


def test_unknown_api_urls_are_json_404s(auth_client: FlaskClient) -> None:
    for url in ("/api/v1/no-such-resource", "/api/v1/agreements/no-such-agreement"):
        response = auth_client.get(url)
        assert response.status_code == 404 and response.mimetype == "application/json"
        assert response.get_json()["code"] == 404


def test_the_organisations_page_escapes_what_it_shows(session: Session, auth_client: FlaskClient) -> None:
    save_organisation(
        session=session, organisation=make_organisation(name="<script>alert(1)</script> Police"), actor="test"
    )
    html = auth_client.get("/organisations").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Police" in html
    assert "<script>alert(1)" not in html


def test_the_api_lists_and_gets_agreements(session: Session, auth_client: FlaskClient) -> None:
    _seed(session)

    listed = auth_client.get("/api/v1/agreements").get_json()
    assert [(a["id"], a["current_revision"], a["party_count"]) for a in listed] == [("test-mash", 2, 2)]

    current = auth_client.get("/api/v1/agreements/test-mash").get_json()
    assert (current["revision"], current["agreement"]["version"], current["recorded_by"]) == (2, "1.1", "bob")

    first = auth_client.get("/api/v1/agreements/test-mash?revision=1").get_json()
    assert (first["revision"], first["agreement"]["version"]) == (1, "1.0")

    bad = auth_client.get("/api/v1/agreements/test-mash?revision=0")
    assert bad.status_code == 422 and "revision" in bad.get_json()["errors"]["query"]


def test_the_api_lists_organisations(session: Session, auth_client: FlaskClient) -> None:
    _seed(session)
    organisations = auth_client.get("/api/v1/organisations").get_json()
    assert [o["id"] for o in organisations] == ["northshire-childrens-services", "northshire-police"]


def test_the_openapi_description_is_served(auth_client: FlaskClient) -> None:
    spec = auth_client.get("/api/openapi.json").get_json()
    assert spec["info"]["title"] == "Safeguarding ISA Registry"
    assert {"/api/v1/agreements", "/api/v1/agreements/{agreement_id}", "/api/v1/organisations"} <= set(spec["paths"])


def test_static_assets_are_served(auth_client: FlaskClient) -> None:
    css = auth_client.get("/static/govuk/govuk-frontend.min.css")
    assert css.status_code == 200
    css.close()
    ours = auth_client.get("/static/registry.css")
    assert "Helvetica Neue" in ours.get_data(as_text=True)
    ours.close()
