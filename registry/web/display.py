"""How values read on a page: dates the GOV.UK way, enum values in words, vocabulary ids as labels."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from agreements.model import AgreementKind, AgreementStatus, Endpoint
from registry.documents.render import long_date
from schemas import vocabulary as vocabulary_file

KIND_LABELS = {
    AgreementKind.MASH: "MASH",
    AgreementKind.MARAC: "MARAC",
    AgreementKind.MAPPA: "MAPPA",
    AgreementKind.PROTOCOL: "Protocol",
    AgreementKind.DISCLOSURE_AGREEMENT: "Disclosure agreement",
    AgreementKind.JOINT_CONTROLLER_AGREEMENT: "Joint controller agreement",
    AgreementKind.OTHER: "Other",
}

# GOV.UK tag colours: green is in force, grey is history, amber-ish for states needing action.
STATUS_TAG_CLASSES = {
    AgreementStatus.DRAFT: "govuk-tag--grey",
    AgreementStatus.AWAITING_SIGNATURES: "govuk-tag--yellow",
    AgreementStatus.ACTIVE: "govuk-tag--green",
    AgreementStatus.SUSPENDED: "govuk-tag--orange",
    AgreementStatus.EXPIRED: "govuk-tag--red",
    AgreementStatus.TERMINATED: "govuk-tag--grey",
    AgreementStatus.SUPERSEDED: "govuk-tag--grey",
}


def words(value: Enum | str | None) -> str:
    """An enum value or id in words: ``awaiting_signatures`` → ``Awaiting signatures``."""
    if value is None:
        return ""
    text = str(value.value if isinstance(value, Enum) else value).replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


def kind_label(kind: AgreementKind | str) -> str:
    """The kind of agreement as people call it."""
    return KIND_LABELS.get(AgreementKind(kind), words(kind))


def status_tag_class(status: AgreementStatus | str) -> str:
    """The GOV.UK tag modifier for a status."""
    return STATUS_TAG_CLASSES.get(AgreementStatus(status), "govuk-tag--grey")


def term(term_set: str, term_id: str) -> str:
    """A vocabulary term's label, or the id itself when the vocabulary does not have it."""
    try:
        terms = vocabulary_file.load_vocabulary().term_sets()[term_set]
    except (OSError, ValueError, KeyError):
        return term_id
    found = terms.get(term_id)
    return found.label if found is not None else term_id


def endpoint_label(endpoint: Endpoint, names: Callable[[str], str]) -> str:
    """One end of a flow in words."""
    if endpoint.organisation is not None:
        return names(endpoint.organisation)
    if endpoint.organisation_type is not None:
        return f"any party that is a {term('organisation_types', endpoint.organisation_type)}"
    return "any party"


FILTERS: dict[str, Callable[..., Any]] = {
    "long_date": long_date,
    "words": words,
    "kind_label": kind_label,
    "status_tag_class": status_tag_class,
}
GLOBALS: dict[str, Callable[..., Any]] = {"term": term, "endpoint_label": endpoint_label}
