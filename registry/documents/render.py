"""The agreement document and the revision diff document: Jinja templates to HTML, HTML to PDF (WeasyPrint).

Everything printed comes from the structured agreement, the vocabulary and the organisation records; nothing
is free text the renderer adds beyond headings and fixed wording. No Flask app context is needed: the CLI and
the benchmarks call these functions directly.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2.bccache import Bucket
from markupsafe import Markup

from agreements.model import (
    AgreementKind,
    AgreementRevision,
    AgreementStatus,
    ArticleEntry,
    ConsentDefault,
    ConsentOverrideGround,
    DataOnTermination,
    Endpoint,
    OnwardDisclosure,
    Organisation,
)
from agreements.vocabulary import Vocabulary
from registry.config import REPO_ROOT
from registry.documents.facts import DocumentFacts

if TYPE_CHECKING:
    # Only for annotations: importing the services would load the database layer into a CLI render.
    from registry.services.history import FieldChange

logger = logging.getLogger(__name__)

TEMPLATE_DIR = REPO_ROOT / "templates" / "document"
# The series is bumped by hand for a change in this module's wording; the digest follows every template and
# the stylesheet, so a template edit can never leave a stale PDF in a cache keyed on TEMPLATE_VERSION.
_TEMPLATE_SERIES = "1"


def _template_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


TEMPLATE_VERSION: str = f"{_TEMPLATE_SERIES}-{_template_digest(TEMPLATE_DIR)}"

# The heading of the signature page, and a sentence only that page carries (the contents list names the heading
# too, so the page is found by the sentence).
SIGNATURE_HEADING = "Signatures"
SIGNATURE_MARKER = "Signed for each party by its authorised signatory"

KIND_LABELS = {
    AgreementKind.MASH: "Multi-Agency Safeguarding Hub (MASH) agreement",
    AgreementKind.MARAC: "Multi-Agency Risk Assessment Conference (MARAC) agreement",
    AgreementKind.MAPPA: "Multi-Agency Public Protection Arrangements (MAPPA) agreement",
    AgreementKind.PROTOCOL: "Information sharing protocol",
    AgreementKind.DISCLOSURE_AGREEMENT: "Disclosure agreement",
    AgreementKind.JOINT_CONTROLLER_AGREEMENT: "Joint controller agreement",
    AgreementKind.OTHER: "Information sharing agreement",
}
CONSENT_DEFAULTS = {
    ConsentDefault.REQUIRED: "Consent is required before sharing",
    ConsentDefault.SEEK_WHERE_SAFE: "Consent is sought where it is safe to do so; it is not the lawful basis",
    ConsentDefault.NOT_USED: "Consent is not sought or relied on for sharing",
}
OVERRIDE_GROUNDS = {
    ConsentOverrideGround.SIGNIFICANT_HARM_TO_CHILD: "Significant harm to a child, suffered or likely",
    ConsentOverrideGround.RISK_OF_HARM_TO_CHILD: "Risk of harm to a child",
    ConsentOverrideGround.ADULT_AT_RISK: "An adult at risk",
    ConsentOverrideGround.RISK_TO_OTHERS: "Risk of harm to others",
    ConsentOverrideGround.RISK_TO_LIFE: "Risk to life",
    ConsentOverrideGround.SERIOUS_CRIME: "Serious crime",
    ConsentOverrideGround.PREJUDICE_ENQUIRY: "Seeking consent would prejudice an enquiry",
    ConsentOverrideGround.INCREASES_RISK: "Seeking consent would increase the risk",
    ConsentOverrideGround.LACKS_CAPACITY: "The person lacks capacity to consent",
    ConsentOverrideGround.STATUTORY_DUTY: "A statutory duty to share",
    ConsentOverrideGround.HIGH_RISK_DOMESTIC_ABUSE: "High-risk domestic abuse",
    ConsentOverrideGround.COERCION_OR_UNDUE_INFLUENCE: "Coercion or undue influence",
    ConsentOverrideGround.NO_TIME: "No time to seek consent",
}
ONWARD_DISCLOSURE = {
    OnwardDisclosure.PROHIBITED: "Prohibited",
    OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT: "Only with the agreement of the party that provided the information",
    OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES: "Permitted for the agreement's purposes",
}
DATA_ON_TERMINATION = {
    DataOnTermination.RETAIN_UNDER_OWN_POLICY: "Each party keeps what it received under its own retention policy",
    DataOnTermination.RETURN: "Returned to the party that provided it",
    DataOnTermination.DESTROY: "Destroyed",
}
# Words an enum value spells in lower case that people write in capitals (``mash_manager`` → ``MASH manager``).
_ACRONYMS = {"mash": "MASH", "marac": "MARAC", "mappa": "MAPPA", "dpo": "DPO", "siro": "SIRO"}
# Section ids and headings in document order: the contents list and the tests read this one list.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("purposes", "Purpose and benefits"),
    ("parties", "Parties and roles"),
    ("controllership", "Controllership"),
    ("flows", "Data flows"),
    ("lawful-bases", "Lawful bases"),
    ("consent", "Consent and telling people"),
    ("restrictions", "Restrictions and onward disclosure"),
    ("rights", "Transparency and individuals' rights"),
    ("security", "Security and transfer"),
    ("retention", "Retention and disposal"),
    ("breach", "Breach handling"),
    ("review", "Review and termination"),
    ("contacts", "Contacts"),
    ("notes", "Drafters' notes and assumptions"),
    ("amendments", "Amendments"),
    ("signatures", SIGNATURE_HEADING),
)
_SECTION_TITLES = {key: f"{number}. {heading}" for number, (key, heading) in enumerate(SECTIONS, start=1)}
# Top-level fields of an agreement document grouped under one heading in the diff document.
_GENERAL = "Agreement details"


@dataclass(frozen=True)
class TermView:
    """A vocabulary term as printed: its label and citation, or the raw id when the vocabulary lacks it."""

    id: str
    label: str
    citation: str | None
    known: bool
    description: str = ""


@dataclass(frozen=True)
class OrganisationView:
    """An organisation as printed: its name and type label, or its id when the registry lacks it."""

    id: str
    name: str
    known: bool
    type_label: str | None = None


class _Lookups:
    """Template helpers over one vocabulary and one organisation mapping, so templates never index dicts."""

    def __init__(self, vocabulary: Vocabulary, organisations: Mapping[str, Organisation]) -> None:
        self._sets = vocabulary.term_sets()
        self._organisations = organisations

    def term(self, term_set: str, term_id: str) -> TermView:
        """The term ``term_id`` of ``term_set``; an unknown id (or term set) still prints."""
        found = self._sets.get(term_set, {}).get(term_id)
        if found is None:
            return TermView(term_id, term_id, None, False)
        citation = getattr(found, "citation", None)
        # A gateway's label often already reads as its citation ("Children Act 1989 s17 (children in need)").
        if citation and citation in found.label:
            citation = None
        return TermView(term_id, found.label, citation, True, found.description)

    def organisation(self, organisation_id: str) -> OrganisationView:
        """The organisation ``organisation_id`` by name; an id the mapping lacks still prints."""
        found = self._organisations.get(organisation_id)
        if found is None:
            return OrganisationView(organisation_id, organisation_id, False)
        type_term = self.term("organisation_types", found.type)
        type_label = type_term.label if type_term.known else f"{found.type} (not in the vocabulary)"
        return OrganisationView(organisation_id, found.name, True, type_label)

    def entry_refs(self, entries: Sequence[ArticleEntry], prefix: str, organisation_id: str) -> str:
        """The references (``L1, L4``) of the entries a party may rely on: those naming it or naming no party."""
        refs = [
            f"{prefix}{number}"
            for number, entry in enumerate(entries, start=1)
            if not entry.parties or organisation_id in entry.parties
        ]
        return ", ".join(refs) if refs else "None"

    def endpoint(self, endpoint: Endpoint) -> str:
        """One end of a flow in words: an organisation's name, any party of a type, or any party."""
        if endpoint.organisation is not None:
            view = self.organisation(endpoint.organisation)
            return view.name if view.known else f"{view.id} (not in the registry)"
        if endpoint.organisation_type is not None:
            term = self.term("organisation_types", endpoint.organisation_type)
            label = term.label if term.known else f"{term.id} (not in the vocabulary)"
            return f"any party of type {label}"
        return "any party"


def section(key: str) -> str:
    """A section's numbered heading, as both the contents list and the section itself print it."""
    return _SECTION_TITLES[key]


def long_date(value: date | datetime | None) -> str:
    """``1 April 2026``; ``1 April 2026, 09:30 UTC`` for a time; empty for none."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y, %H:%M} UTC"
    return f"{value.day} {value:%B %Y}"


def words(value: Enum | str | None) -> str:
    """An enum value or id in words: ``awaiting_signatures`` → ``Awaiting signatures``."""
    if value is None:
        return ""
    text = str(value.value if isinstance(value, Enum) else value).replace("_", " ").replace("-", " ")
    text = " ".join(_ACRONYMS.get(word, word) for word in text.split(" "))
    return text[:1].upper() + text[1:]


def watermark_text(status: AgreementStatus | str) -> str | None:
    """The watermark for a document of this status: none when active, else DRAFT or the status itself."""
    status = AgreementStatus(status)
    if status is AgreementStatus.ACTIVE:
        return None
    if status in (AgreementStatus.DRAFT, AgreementStatus.AWAITING_SIGNATURES):
        return "DRAFT"
    # An expired or superseded agreement is not a draft: say what it is, still marked as not in force.
    return status.value.upper()


def readable(value: Any) -> str:
    """A JSON value from a revision's content as a person reads it (lists of words joined, objects indented)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return ", ".join(str(item) for item in value) if value else "(none)"
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def section_of(path: str) -> str:
    """The heading a diff path is listed under: its top-level field, or the general details for a plain field."""
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    if head == path:
        return _GENERAL
    return words(head)


@cache
def _stylesheet() -> Markup:
    # Read once per process; it is our own file, inlined in <style> so the HTML stands alone.
    return Markup((TEMPLATE_DIR / "print.css").read_text(encoding="utf-8"))


class _TemplateBytecodeCache(FileSystemBytecodeCache):
    """Jinja's on-disk cache of compiled templates, which never fails a render: one it cannot write is skipped."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Store the compiled template, unless the folder cannot be written (read-only, removed, full)."""
        try:
            super().dump_bytecode(bucket)
        except OSError as exc:
            logger.debug("compiled document template not cached: %s", exc)


def _bytecode_cache() -> BytecodeCache | None:
    # Compiling the agreement template and its macros took ~80 ms, in the first render of every process; a new
    # process loads them compiled from Jinja's per-user folder in the temporary directory (mode 0700, checked by
    # Jinja), keyed on each template's source, so an edited template is compiled afresh.
    try:
        return _TemplateBytecodeCache()
    except (OSError, RuntimeError) as exc:  # Jinja's RuntimeError: no safe folder to use
        logger.debug("document templates will be compiled in each process: %s", exc)
        return None


_environment: Environment | None = None


def _env() -> Environment:
    global _environment
    if _environment is None:
        environment = Environment(
            loader=FileSystemLoader(str(TEMPLATE_DIR)),
            bytecode_cache=_bytecode_cache(),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            # The templates ship with the code: no need to stat them on every render.
            auto_reload=False,
        )
        environment.filters.update(long_date=long_date, words=words, readable=readable)
        environment.globals.update(
            KIND_LABELS=KIND_LABELS,
            CONSENT_DEFAULTS=CONSENT_DEFAULTS,
            ONWARD_DISCLOSURE=ONWARD_DISCLOSURE,
            OVERRIDE_GROUNDS=OVERRIDE_GROUNDS,
            DATA_ON_TERMINATION=DATA_ON_TERMINATION,
            SECTIONS=SECTIONS,
            section=section,
            SIGNATURE_MARKER=SIGNATURE_MARKER,
            TEMPLATE_VERSION=TEMPLATE_VERSION,
        )
        _environment = environment
    return _environment


def render_agreement_html(
    revision: AgreementRevision,
    *,
    facts: DocumentFacts,
    organisations: Mapping[str, Organisation],
    vocabulary: Vocabulary,
    signing_note: str | None = None,
) -> str:
    """The agreement document of one revision as a self-contained HTML page (print stylesheet inlined)."""
    agreement = revision.agreement
    return (
        _env()
        .get_template("agreement.html")
        .render(
            revision=revision,
            agreement=agreement,
            facts=facts,
            signing_note=signing_note,
            watermark=watermark_text(agreement.status),
            lookup=_Lookups(vocabulary, organisations),
            stylesheet=_stylesheet(),
        )
    )


def render_diff_html(
    before: AgreementRevision,
    after: AgreementRevision,
    changes: Sequence[FieldChange],
    *,
    before_facts: DocumentFacts,
    after_facts: DocumentFacts,
    organisations: Mapping[str, Organisation],
    vocabulary: Vocabulary,
) -> str:
    """What changed between two revisions, field by field and grouped by section, as a self-contained HTML page."""
    groups: dict[str, list[FieldChange]] = {}
    for change in changes:
        groups.setdefault(section_of(change.path), []).append(change)
    # The general details first, then the sections in the order the first change to each was listed.
    ordered = sorted(groups.items(), key=lambda item: item[0] != _GENERAL)
    return (
        _env()
        .get_template("diff.html")
        .render(
            before=before,
            after=after,
            before_facts=before_facts,
            after_facts=after_facts,
            groups=ordered,
            change_count=len(changes),
            watermark=watermark_text(after.agreement.status),
            lookup=_Lookups(vocabulary, organisations),
            stylesheet=_stylesheet(),
        )
    )


# The templates' line breaks and indentation before a block or table tag: white space there is never laid out,
# but the HTML parser and WeasyPrint still make and then drop a text node for each (~1 % of the MASH render).
# Only the PDF's copy is compacted; the HTML download keeps its layout.
_BETWEEN_BLOCKS = re.compile(
    r">[ \t]*\n\s*(?=</?(?:html|head|meta|title|style|body|section|div|h[1-6]|p|ol|ul|li|table|colgroup|col"
    r"|thead|tbody|tr|th|td)\b)"
)


def html_to_pdf(html: str, *, facts: DocumentFacts) -> bytes:
    """The HTML rendered to PDF by WeasyPrint, with the PDF's metadata (subject, keywords, title) from ``facts``."""
    # Imported here: WeasyPrint takes about half a second to import, and most processes never make a PDF.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The document is self-contained; refusing every URL keeps a stray reference from reaching the network
    # or the file system.
    fetcher = URLFetcher(allowed_protocols=set())
    with _without_cyclic_gc():
        document = HTML(string=_BETWEEN_BLOCKS.sub(">", html), url_fetcher=fetcher).render()
        _set_metadata(document.metadata, facts)
        pdf: bytes = document.write_pdf(finisher=_deflate_streams)
    return pdf


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, and restore it as it was."""
    # A render allocates hundreds of thousands of objects (boxes, styles, layouts), so the collector ran over
    # and over (2-3 % of the MASH render's instructions) finding little: reference counting frees them. Any
    # cycles the render leaves are collected on the next run after this. The switch is process-wide: another
    # thread's render may turn it back on early, which costs only that saving.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _set_metadata(metadata: Any, facts: DocumentFacts) -> None:
    # The agreement document's <title> is the agreement's title; the diff's says what it compares. Either is a
    # better PDF title than the facts' alone, which stand in only for HTML without a title.
    metadata.title = metadata.title or facts.title
    metadata.description = (
        f"{facts.title}, version {facts.version}, revision {facts.revision} ({words(facts.status).lower()}); "
        f"agreement {facts.agreement_id}; content fingerprint {facts.fingerprint}"
    )
    metadata.keywords = [facts.agreement_id, f"version {facts.version}", f"revision {facts.revision}"]
    metadata.generator = f"ISA registry document renderer {TEMPLATE_VERSION}"
    metadata.lang = "en-GB"


# zlib's default level: pydyf deflates every stream at level 9, which for the MASH agreement took ~70 ms for a
# 3 % smaller file than level 6 makes in ~15 ms.
_DEFLATE_LEVEL = 6


def _deflate_streams(_document: Any, pdf: Any) -> None:
    """Deflate the PDF's streams (page contents, fonts) at zlib's default level before pydyf writes them."""
    import zlib

    import pydyf

    # pydyf joins a stream's items with its own byte conversion; without it (a pydyf that renamed it), leave the
    # streams for pydyf to deflate as it always has.
    to_bytes = getattr(pydyf, "_to_bytes", None)
    if to_bytes is None:
        return
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and item.compress and "Filter" not in item.extra:
            raw = b"\n".join(to_bytes(part) for part in item.stream)
            item.stream = [zlib.compress(raw, _DEFLATE_LEVEL)]
            item.extra["Filter"] = "/FlateDecode"
            item.compress = False


def signature_page_number(pdf: bytes) -> int:
    """The 1-based number of the page the signature page starts on; ``ValueError`` when the PDF has none."""
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    # From the back: the signature page is at the end, and pypdf's text extraction costs ~0.1 s a page.
    for number in range(len(reader.pages), 0, -1):
        if SIGNATURE_MARKER in " ".join(reader.pages[number - 1].extract_text().split()):
            return number
    raise ValueError("the document has no signature page")
