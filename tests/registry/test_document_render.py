"""The agreement and diff documents: HTML from the structured data, PDF from the HTML (WeasyPrint).

Most tests render the four shipped agreements straight from the library files (no database): the HTML is cheap.
One test goes through the registry to show a stored revision renders the same way. PDF renders cost a second or
more each, so the few PDF tests share one MASH render and one other.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Mapping
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import jinja2
import pypdf
import pytest
from markupsafe import escape
from sqlmodel import Session

from agreements.model import (
    Agreement,
    AgreementRevision,
    AgreementStatus,
    Art6Entry,
    Endpoint,
    Organisation,
    Signatory,
)
from agreements.vocabulary import Vocabulary
from registry.documents import render
from registry.documents.facts import DocumentFacts, document_facts
from registry.mapping import agreement_content, content_hash
from registry.models import AgreementRevisionRow
from registry.services.agreements import describe_agreement, get_agreement
from registry.services.common import current_vocabulary
from registry.services.history import diff_documents
from registry.services.standard import load_standard_agreements, read_standard_documents

MASH = "NS-MASH-ISA"
ADULTS = "NS-ADULT-SAFEGUARDING-ISA"
STANDARD = ("NS-ADULT-SAFEGUARDING-ISA", "NS-MAPPA-ISA", "NS-MARAC-ISA", MASH)
RECORDED_AT = datetime(2026, 3, 26, 9, 30, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"

Library = tuple[dict[str, Agreement], dict[str, Organisation]]

# WeasyPrint warns once, on import, that a future version will need the HarfBuzz-Subset library; without it it
# subsets fonts with fontTools, which works (slower). Nothing else WeasyPrint warns about is filtered.
pytestmark = pytest.mark.filterwarnings("ignore:HarfBuzz-Subset will be required:DeprecationWarning")


@pytest.fixture(scope="module")
def library() -> Library:
    """The shipped agreements by id and every shipped organisation by id, parsed from the library files."""
    agreements: dict[str, Agreement] = {}
    organisations: dict[str, Organisation] = {}
    for document in read_standard_documents():
        agreements.update((a.id, a) for a in document.agreements)
        organisations.update((o.id, o) for o in document.organisations)
    assert set(STANDARD) <= set(agreements)
    return agreements, organisations


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    """The registry's vocabulary."""
    return current_vocabulary()


def revision_of(agreement: Agreement, number: int = 1) -> AgreementRevision:
    """A revision of ``agreement`` as the registry would store it."""
    return AgreementRevision(agreement=agreement, revision=number, recorded_at=RECORDED_AT, recorded_by="test")


def facts_of(revision: AgreementRevision, organisations: Mapping[str, Organisation]) -> DocumentFacts:
    """The facts of a revision, fingerprinted as the registry fingerprints stored content."""
    fingerprint = content_hash(agreement_content(revision.agreement))
    return document_facts(revision, fingerprint=fingerprint, organisations=dict(organisations))


def render_html(
    agreement: Agreement,
    organisations: Mapping[str, Organisation],
    vocabulary: Vocabulary,
    signing_note: str | None = None,
) -> str:
    """The agreement document of revision 1 of ``agreement``."""
    revision = revision_of(agreement)
    return render.render_agreement_html(
        revision,
        facts=facts_of(revision, organisations),
        organisations=organisations,
        vocabulary=vocabulary,
        signing_note=signing_note,
    )


def signature_section(html: str) -> str:
    """The HTML of the signature page alone."""
    _, _, section = html.partition('<section class="signatures">')
    assert section, "the document has no signature page"
    return section


def text_of(page: pypdf.PageObject) -> str:
    """A PDF page's text with every run of whitespace made one space (lines wrap anywhere)."""
    return " ".join(page.extract_text().split())


# ---------------------------------------------------------------------------------------------------------------
# HTML


def test_a_stored_revision_renders_with_its_stored_fingerprint(session: Session, vocabulary: Vocabulary) -> None:
    load_standard_agreements(session=session)
    revision = get_agreement(session=session, agreement_id=MASH)
    organisations = describe_agreement(session=session, agreement_id=MASH).organisations
    row = session.get(AgreementRevisionRow, (MASH, revision.revision))
    assert row is not None
    facts = document_facts(revision, fingerprint=row.content_hash, organisations=organisations)

    html = render.render_agreement_html(revision, facts=facts, organisations=organisations, vocabulary=vocabulary)

    assert row.content_hash in html
    assert str(escape(revision.agreement.title)) in html
    # The other tests fingerprint agreements without a database the way the registry does.
    assert row.content_hash == content_hash(agreement_content(revision.agreement))


@pytest.mark.parametrize("agreement_id", STANDARD)
def test_the_document_holds_every_section_flow_party_and_purpose(
    agreement_id: str, library: Library, vocabulary: Vocabulary
) -> None:
    agreements, organisations = library
    agreement = agreements[agreement_id]

    html = render_html(agreement, organisations, vocabulary)

    for key, _ in render.SECTIONS:
        assert f'id="{key}">{escape(render.section(key))}</h2>' in html, key
        assert f'<a href="#{key}">' in html, f"contents lists {key}"
    for flow in agreement.flows:
        assert f'<span class="flow-id">{flow.id}</span>' in html, flow.id
    for party in agreement.parties:
        assert str(escape(organisations[party.organisation_id].name)) in html, party.organisation_id
    for purpose in agreement.purposes:
        assert str(escape(vocabulary.purposes[purpose.purpose].label)) in html, purpose.purpose
    assert "(not in the vocabulary)" not in html
    assert "(not in the registry)" not in html
    assert str(escape(organisations[agreement.owner].name)) in html
    for amendment in agreement.amendments:
        assert str(escape(amendment.summary)) in html


@pytest.mark.parametrize("agreement_id", STANDARD)
def test_lawful_bases_show_their_citations_and_sources(
    agreement_id: str, library: Library, vocabulary: Vocabulary
) -> None:
    agreements, organisations = library
    bases = agreements[agreement_id].lawful_bases

    html = render_html(agreements[agreement_id], organisations, vocabulary)

    assert bases.art6 and bases.art9
    for entry in bases.art6:
        assert str(escape(vocabulary.art6_bases[entry.basis].citation)) in html
        assert str(escape(entry.source)) in html
    for condition in bases.art9:
        assert str(escape(vocabulary.art9_conditions[condition.condition].citation)) in html
        if condition.schedule1:
            assert str(escape(vocabulary.schedule1_conditions[condition.schedule1].citation)) in html
    for route in bases.art10:
        assert str(escape(vocabulary.art10_routes[route.route].label)) in html


def test_each_party_is_listed_with_the_entries_it_relies_on(library: Library, vocabulary: Vocabulary) -> None:
    agreements, organisations = library
    agreement = agreements[MASH]
    police = organisations["northshire-police"].name

    html = render_html(agreement, organisations, vocabulary)

    # The police rely on the public-task entry naming them and on every entry that names no party.
    by_party = html.partition("Entries each party relies on")[2]
    row = by_party.partition(f"<td>{escape(police)}</td>")[2].partition("</tr>")[0]
    expected = [
        f"L{n}"
        for n, e in enumerate(agreement.lawful_bases.art6, start=1)
        if not e.parties or "northshire-police" in e.parties
    ]
    assert expected and f"<td>{', '.join(expected)}</td>" in row


def section_html(html: str, key: str) -> str:
    """The HTML of one numbered section, up to the next section's heading."""
    keys = [k for k, _ in render.SECTIONS]
    after = html.partition(f'<h2 id="{key}">')[2]
    following = keys.index(key) + 1
    return after.partition(f'id="{keys[following]}"')[0] if following < len(keys) else after


@pytest.mark.parametrize("agreement_id", STANDARD)
def test_consent_and_restrictions_say_when_sharing_goes_ahead_and_what_limits_it(
    agreement_id: str, library: Library, vocabulary: Vocabulary
) -> None:
    agreements, organisations = library
    agreement = agreements[agreement_id]

    html = render_html(agreement, organisations, vocabulary)

    consent = section_html(html, "consent")
    for ground in agreement.consent_model.override_grounds:
        assert str(escape(render.OVERRIDE_GROUNDS[ground])) in consent
    for not_told in agreement.consent_model.not_told:
        assert str(escape(vocabulary.data_subject_types[not_told.subject_type].label)) in consent
        if not_told.exemption:
            assert str(escape(vocabulary.schedule2_exemptions[not_told.exemption].citation)) in consent
    restrictions = section_html(html, "restrictions")
    for purpose in agreement.restrictions.prohibited_purposes:
        assert str(escape(vocabulary.purposes[purpose].label)) in restrictions
    for decision in agreement.restrictions.reserved_decisions:
        assert str(escape(decision.decided_by)) in restrictions
    if agreement.restrictions.except_where_required_by_law:
        assert "DPA 2018 Schedule 2 paragraph 5" in restrictions


def test_the_signature_page_shows_who_signed_and_who_has_not(library: Library, vocabulary: Vocabulary) -> None:
    agreements, organisations = library
    agreement = agreements[MASH]
    signed = dataclasses.replace(
        agreement.parties[0], signatory=Signatory("Pat Example", "Director of Example Services", date(2026, 3, 2))
    )
    named_not_signed = dataclasses.replace(agreement.parties[1], signatory=Signatory("Sam Pending", "Chief Officer"))
    unsigned = dataclasses.replace(agreement.parties[2], signatory=None)
    parties = (signed, named_not_signed, unsigned, *agreement.parties[3:])
    agreement = dataclasses.replace(agreement, parties=parties)

    page = signature_section(render_html(agreement, organisations, vocabulary))

    for party in parties:
        assert str(escape(organisations[party.organisation_id].name)) in page
    assert "Pat Example" in page and "Director of Example Services" in page and "2 March 2026" in page
    assert "Sam Pending" in page
    awaiting = [p for p in parties if p.signatory is None or p.signatory.signed_on is None]
    assert page.count("Awaiting signature") == len(awaiting) == 2


@pytest.mark.parametrize(
    ("status", "watermark"),
    [
        (AgreementStatus.ACTIVE, None),
        (AgreementStatus.DRAFT, "DRAFT"),
        (AgreementStatus.AWAITING_SIGNATURES, "DRAFT"),
        (AgreementStatus.SUPERSEDED, "SUPERSEDED"),
        (AgreementStatus.EXPIRED, "EXPIRED"),
    ],
)
def test_a_watermark_marks_anything_not_active(
    status: AgreementStatus, watermark: str | None, library: Library, vocabulary: Vocabulary
) -> None:
    agreements, organisations = library
    agreement = dataclasses.replace(agreements[ADULTS], status=status)

    html = render_html(agreement, organisations, vocabulary)

    if watermark is None:
        assert 'class="watermark"' not in html
    else:
        assert f'<div class="watermark" aria-hidden="true">{watermark}</div>' in html


def test_hostile_text_is_escaped(library: Library, vocabulary: Vocabulary) -> None:
    agreements, organisations = library
    agreement = agreements[ADULTS]
    flow = dataclasses.replace(agreement.flows[0], description=HOSTILE, minimisation_note='"><img src=x onerror=1>')
    party = dataclasses.replace(agreement.parties[0], signatory=Signatory(HOSTILE, HOSTILE, date(2026, 1, 1)))
    agreement = dataclasses.replace(
        agreement, title=HOSTILE, flows=(flow, *agreement.flows[1:]), parties=(party, *agreement.parties[1:])
    )

    html = render_html(agreement, organisations, vocabulary, signing_note=HOSTILE)

    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f"<title>{escape(HOSTILE)}</title>" in html


def test_ids_the_vocabulary_or_registry_does_not_know_still_render(library: Library, vocabulary: Vocabulary) -> None:
    agreements, organisations = library
    agreement = agreements[ADULTS]
    flow = dataclasses.replace(
        agreement.flows[0],
        source=(Endpoint(organisation="no-such-organisation"), Endpoint(organisation_type="no-such-type")),
        purposes=("no-such-purpose",),
        data_categories=("no-such-category",),
    )
    bases = dataclasses.replace(agreement.lawful_bases, art6=(Art6Entry("art6-1-zz", "Some law", ("no-gateway",)),))
    agreement = dataclasses.replace(agreement, flows=(flow, *agreement.flows[1:]), lawful_bases=bases)

    html = render_html(agreement, organisations, vocabulary)

    for unknown in ("no-such-purpose", "no-such-category", "art6-1-zz", "no-gateway"):
        assert f"{unknown} (not in the vocabulary)" in html
    assert "no-such-organisation (not in the registry)" in html
    assert "any party of type no-such-type (not in the vocabulary)" in html


def test_the_cover_carries_the_fingerprint_dates_owner_and_signing_note(
    library: Library, vocabulary: Vocabulary
) -> None:
    agreements, organisations = library
    agreement = agreements[MASH]
    revision = revision_of(agreement)
    facts = facts_of(revision, organisations)
    note = "Signed with a self-signed development key: not for real use"

    with_note = render.render_agreement_html(
        revision, facts=facts, organisations=organisations, vocabulary=vocabulary, signing_note=note
    )
    without = render_html(agreement, organisations, vocabulary)

    cover = with_note.partition('<h2 class="contents-heading">')[0]
    assert facts.fingerprint in cover
    assert "1 April 2026" in cover and "31 March 2027" in cover and "31 March 2029" in cover
    assert str(escape(organisations[agreement.owner].name)) in cover
    assert str(escape(agreement.governance_body or "")) in cover
    assert "Version 3.2, revision 1" in cover
    assert note in cover and note not in without
    # Self-contained: the stylesheet is inlined and nothing is fetched.
    assert "@page" in with_note and "<link" not in with_note and "src=" not in with_note


def test_an_endpoint_reads_as_a_name_a_type_or_any_party(library: Library, vocabulary: Vocabulary) -> None:
    _, organisations = library
    lookup = render._Lookups(vocabulary, organisations)
    police_force = vocabulary.organisation_types["police-force"].label

    assert lookup.endpoint(Endpoint(organisation="northshire-police")) == organisations["northshire-police"].name
    assert lookup.endpoint(Endpoint(organisation_type="police-force")) == f"any party of type {police_force}"
    assert lookup.endpoint(Endpoint(any_party=True)) == "any party"


def test_json_values_read_as_words() -> None:
    assert render.readable(None) == ""
    assert render.readable(True) == "yes"
    assert render.readable(["identity", "health"]) == "identity, health"
    assert render.readable([]) == "(none)"
    assert render.readable({"b": 1, "a": [{"x": "é"}]}).startswith('{\n  "a": [')
    assert render.words("mash_manager") == "MASH manager"
    assert render.words(AgreementStatus.AWAITING_SIGNATURES) == "Awaiting signatures"
    assert render.section_of("flows[F1].purposes") == "Flows"
    assert render.section_of("title") == "Agreement details"


def test_the_template_version_follows_the_templates(tmp_path: Path) -> None:
    (tmp_path / "agreement.html").write_text("one", encoding="utf-8")
    first = render._template_digest(tmp_path)
    (tmp_path / "agreement.html").write_text("two", encoding="utf-8")

    assert render._template_digest(tmp_path) != first
    assert render.TEMPLATE_VERSION.endswith(render._template_digest(render.TEMPLATE_DIR))


def test_compiled_templates_are_kept_for_the_next_process_and_an_edit_is_compiled_afresh(tmp_path: Path) -> None:
    sources = {"page.html": "{{ 6 * 7 }}"}

    def environment() -> jinja2.Environment:
        cache = render._TemplateBytecodeCache(str(tmp_path))
        return jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=cache)

    assert environment().get_template("page.html").render() == "42"
    (cached,) = tmp_path.iterdir()
    compiled = cached.read_bytes()
    assert environment().get_template("page.html").render() == "42"
    sources["page.html"] = "{{ 6 * 8 }}"
    # The cache is keyed on the template's name and checks its source: the edit replaces the compiled copy.
    assert environment().get_template("page.html").render() == "48"
    assert list(tmp_path.iterdir()) == [cached] and cached.read_bytes() != compiled
    assert isinstance(render._env().bytecode_cache, render._TemplateBytecodeCache)


def test_the_pdf_copy_drops_only_white_space_that_is_never_laid_out() -> None:
    html = "<table>\n  <tr>\n    <td><b>A</b>\n<span>B</span> c\n</td>\n  </tr>\n</table>\n<p>x</p>"

    # Line breaks before a block or table tag go; the one between two inline elements is a space and stays.
    assert (
        render._BETWEEN_BLOCKS.sub(">", html) == "<table><tr><td><b>A</b>\n<span>B</span> c\n</td></tr></table><p>x</p>"
    )


def test_a_template_cache_that_cannot_be_written_does_not_stop_a_render(tmp_path: Path) -> None:
    cache = render._TemplateBytecodeCache(str(tmp_path / "removed"))
    environment = jinja2.Environment(loader=jinja2.DictLoader({"page.html": "{{ 6 * 7 }}"}), bytecode_cache=cache)

    assert environment.get_template("page.html").render() == "42"
    assert not (tmp_path / "removed").exists()


# ---------------------------------------------------------------------------------------------------------------
# Diff


def diff_of(
    before: Agreement, after: Agreement, organisations: Mapping[str, Organisation], vocabulary: Vocabulary
) -> str:
    """The diff document from revision 1 (``before``) to revision 2 (``after``)."""
    first, second = revision_of(before, 1), revision_of(after, 2)
    changes = diff_documents(agreement_content(before), agreement_content(after))
    return render.render_diff_html(
        first,
        second,
        changes,
        before_facts=facts_of(first, organisations),
        after_facts=facts_of(second, organisations),
        organisations=organisations,
        vocabulary=vocabulary,
    )


def changed_mash(agreements: Mapping[str, Agreement]) -> Agreement:
    """MASH with a new title and flow F3 carrying one purpose fewer."""
    mash = agreements[MASH]
    flows = tuple(
        dataclasses.replace(f, purposes=f.purposes[:-1], description=f"{f.description} <amended>")
        if f.id == "F3"
        else f
        for f in mash.flows
    )
    return dataclasses.replace(mash, title="Northshire MASH agreement (amended)", flows=flows)


def test_the_diff_lists_each_changed_field_by_section(library: Library, vocabulary: Vocabulary) -> None:
    agreements, organisations = library
    before, after = agreements[MASH], changed_mash(agreements)

    html = diff_of(before, after, organisations, vocabulary)

    assert "<h2>Agreement details</h2>" in html and "<h2>Flows</h2>" in html
    for path in ("title", "flows[F3].purposes", "flows[F3].description"):
        assert f'<td class="path">{escape(path)}</td>' in html, path
    assert "Northshire MASH agreement (amended)" in html
    assert "&lt;amended&gt;" in html and "<amended>" not in html
    assert content_hash(agreement_content(before)) in html and content_hash(agreement_content(after)) in html
    assert "No changes to the terms" not in html


def test_identical_revisions_have_no_changes(library: Library, vocabulary: Vocabulary) -> None:
    agreements, organisations = library

    html = diff_of(agreements[MASH], agreements[MASH], organisations, vocabulary)

    assert "No changes to the terms" in html
    assert '<td class="path">' not in html


# ---------------------------------------------------------------------------------------------------------------
# PDF


class Rendered:
    """A PDF rendered for the module, with its pages' text read once each (pypdf takes ~0.1 s a page)."""

    def __init__(self, pdf: bytes, facts: DocumentFacts) -> None:
        self.pdf = pdf
        self.facts = facts
        self.reader = pypdf.PdfReader(BytesIO(pdf))
        self.page_count = len(self.reader.pages)
        self._texts: dict[int, str] = {}

    def page(self, number: int) -> str:
        """The text of page ``number`` (1-based), whitespace made single spaces."""
        if number not in self._texts:
            self._texts[number] = text_of(self.reader.pages[number - 1])
        return self._texts[number]


@pytest.fixture(scope="module")
def pdfs(library: Library, vocabulary: Vocabulary) -> dict[str, Rendered]:
    """The MASH and adult safeguarding agreements rendered to PDF once for the module."""
    agreements, organisations = library
    rendered = {}
    for agreement_id in (MASH, ADULTS):
        revision = revision_of(agreements[agreement_id])
        facts = facts_of(revision, organisations)
        html = render.render_agreement_html(revision, facts=facts, organisations=organisations, vocabulary=vocabulary)
        rendered[agreement_id] = Rendered(render.html_to_pdf(html, facts=facts), facts)
    return rendered


@pytest.mark.parametrize("agreement_id", (MASH, ADULTS))
def test_the_pdf_has_a_cover_page_numbers_every_party_and_metadata(
    agreement_id: str, pdfs: dict[str, Rendered], library: Library
) -> None:
    agreements, organisations = library
    rendered = pdfs[agreement_id]
    facts, count = rendered.facts, rendered.page_count
    signatures = render.signature_page_number(rendered.pdf)

    assert count > 1
    cover = rendered.page(1)
    assert facts.title in cover
    assert f"Version {facts.version}" in cover
    assert f"Page 1 of {count}" in cover
    assert facts.fingerprint in cover
    # The running header and footer are on every page, not only the first.
    for number in (2, signatures, count):
        assert facts.title in rendered.page(number) and f"Version {facts.version}" in rendered.page(number)
        assert f"Page {number} of {count}" in rendered.page(number)
    # Every party is named, on the signature page (and its continuation) at least.
    text = " ".join(rendered.page(number) for number in range(signatures, count + 1))
    for party in agreements[agreement_id].parties:
        assert organisations[party.organisation_id].name in text, party.organisation_id
    metadata = rendered.reader.metadata
    assert metadata is not None
    assert metadata.title == facts.title
    assert facts.fingerprint in (metadata.subject or "")
    # An active agreement carries no watermark.
    assert "DRAFT" not in cover and "DRAFT" not in text


def test_a_table_that_runs_onto_another_page_repeats_its_header(pdfs: dict[str, Rendered]) -> None:
    rendered = pdfs[MASH]
    # The MASH parties table (a dozen organisations) does not fit on one page: the header heads each part.
    header = "Controller, APD and DPIA"
    pages = [number for number in range(1, rendered.page_count + 1) if header in rendered.page(number)]
    assert len(pages) >= 2 and pages == list(range(pages[0], pages[-1] + 1)), pages
    for number in pages:
        text = rendered.page(number)
        assert "Organisation" in text and "Roles and authority" in text, number


def test_the_signature_page_starts_a_page_after_the_contents(pdfs: dict[str, Rendered]) -> None:
    rendered = pdfs[MASH]

    number = render.signature_page_number(rendered.pdf)

    assert 2 < number <= rendered.page_count
    assert render.SIGNATURE_MARKER in rendered.page(number)
    assert render.SIGNATURE_MARKER not in rendered.page(number - 1)
    assert rendered.facts.sign_offs[0].organisation_name in rendered.page(number)
    # The contents list gives the page the signature page starts on (after a leader of dots, spaced or not).
    contents = " ".join(re.sub(r"(?:\.\s*){3,}", " ", rendered.page(1)).split())
    assert f"{render.section('signatures')} {number}" in contents


def test_html_without_a_title_takes_its_pdf_title_from_the_facts() -> None:
    facts = DocumentFacts("ISA-1", "An agreement", "1.0", 3, "draft", "ab" * 32)

    reader = pypdf.PdfReader(BytesIO(render.html_to_pdf("<p>Only a paragraph</p>", facts=facts)))

    assert reader.metadata is not None
    assert reader.metadata.title == "An agreement"
    assert "revision 3" in (reader.metadata.subject or "") and "ab" * 32 in (reader.metadata.subject or "")


def test_a_pdf_without_a_signature_page_is_reported() -> None:
    with pytest.raises(ValueError, match="no signature page"):
        render.signature_page_number(_blank_pdf())


def _blank_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_draft_diff_pdf_is_watermarked_and_titled_after_the_change(library: Library, vocabulary: Vocabulary) -> None:
    agreements, organisations = library
    after = dataclasses.replace(changed_mash(agreements), status=AgreementStatus.DRAFT)
    html = diff_of(agreements[MASH], after, organisations, vocabulary)
    facts = facts_of(revision_of(after, 2), organisations)

    reader = pypdf.PdfReader(BytesIO(render.html_to_pdf(html, facts=facts)))

    text = " ".join(text_of(page) for page in reader.pages)
    assert "DRAFT" in text
    assert "flows[F3].purposes" in text
    assert "Page 1 of" in text
    assert reader.metadata is not None and reader.metadata.title == f"Changes to {after.title}"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_cover_and_signature_page_render_to_pictures(pdfs: dict[str, Rendered], tmp_path: Path) -> None:
    pdf = pdfs[MASH].pdf
    source = tmp_path / "mash.pdf"
    source.write_bytes(pdf)

    for name, number in (("cover", 1), ("signatures", render.signature_page_number(pdf))):
        stem = tmp_path / name
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number), "-singlefile", source, stem],
            check=True,
            capture_output=True,
            timeout=60,
        )
        picture = stem.with_suffix(".png")
        assert picture.exists()
        data = picture.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(data) > 8_000, f"{name} page picture is nearly blank ({len(data)} bytes)"
