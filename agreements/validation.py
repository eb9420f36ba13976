"""Whether an agreement or organisation is well formed against the vocabulary and the registry.

These are the checks that make a record *storable*: every term exists, every flow names
parties, no id repeats. Whether the agreement is sufficient in law is the lint's job.
Each problem carries the path inside the record (``flows[2].data_categories[1]``), so a
YAML file, an API body and a form can all point at the exact place.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from agreements.model import Agreement, AgreementStatus, LawfulBases, Organisation, Restrictions
from agreements.vocabulary import Vocabulary


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record, at a path inside it."""

    path: str
    message: str

    def under(self, prefix: str) -> Problem:
        """The same problem with its path placed under ``prefix``."""
        if not prefix:
            return self
        if not self.path:
            return Problem(prefix, self.message)
        joiner = "" if self.path.startswith("[") else "."
        return Problem(f"{prefix}{joiner}{self.path}", self.message)


def unknown_term(kind: str, value: str, known: Iterable[str]) -> str:
    """'unknown data category 'x'', with the nearest known id as a suggestion when one is close."""
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {kind} {value!r}{hint}"


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def terms(self, path: str, values: Iterable[str], known: Mapping[str, object] | Collection[str], kind: str) -> None:
        for index, value in enumerate(values):
            if value not in known:
                self.add(f"{path}[{index}]", unknown_term(kind, value, known))

    def term(self, path: str, value: str | None, known: Mapping[str, object] | Collection[str], kind: str) -> None:
        if value is not None and value not in known:
            self.add(path, unknown_term(kind, value, known))

    def unique(self, path: str, values: Iterable[str], what: str, field: str = "") -> None:
        seen: set[str] = set()
        suffix = f".{field}" if field else ""
        for index, value in enumerate(values):
            if value in seen:
                self.add(f"{path}[{index}]{suffix}", f"duplicate {what} {value!r}")
            seen.add(value)


def validate_organisation(organisation: Organisation, vocabulary: Vocabulary) -> list[Problem]:
    """Problems that stop an organisation record being stored."""
    check = _Checker()
    check.term("type", organisation.type, vocabulary.organisation_types, "organisation type")
    check.unique("identifiers", (f"{i.scheme}:{i.value}" for i in organisation.identifiers), "identifier")
    return check.problems


def _validate_lawful_bases(
    check: _Checker,
    path: str,
    bases: LawfulBases,
    vocabulary: Vocabulary,
    purposes: Collection[str],
    parties: Collection[str],
) -> None:
    for index, art6 in enumerate(bases.art6):
        here = f"{path}.art6[{index}]"
        check.term(f"{here}.basis", art6.basis, vocabulary.art6_bases, "Art 6 basis")
        check.terms(f"{here}.gateways", art6.gateways, vocabulary.statutory_gateways, "statutory gateway")
        check.terms(f"{here}.purposes", art6.purposes, purposes, "purpose of this agreement")
        check.terms(f"{here}.parties", art6.parties, parties, "party of this agreement")
    for index, art9 in enumerate(bases.art9):
        here = f"{path}.art9[{index}]"
        check.term(f"{here}.condition", art9.condition, vocabulary.art9_conditions, "Art 9 condition")
        check.term(f"{here}.schedule1", art9.schedule1, vocabulary.schedule1_conditions, "Schedule 1 condition")
        check.terms(f"{here}.purposes", art9.purposes, purposes, "purpose of this agreement")
        check.terms(f"{here}.parties", art9.parties, parties, "party of this agreement")
    for index, art10 in enumerate(bases.art10):
        here = f"{path}.art10[{index}]"
        check.term(f"{here}.route", art10.route, vocabulary.art10_routes, "Art 10 route")
        check.term(f"{here}.schedule1", art10.schedule1, vocabulary.schedule1_conditions, "Schedule 1 condition")
        check.terms(f"{here}.purposes", art10.purposes, purposes, "purpose of this agreement")
        check.terms(f"{here}.parties", art10.parties, parties, "party of this agreement")


def _validate_restrictions(check: _Checker, path: str, restrictions: Restrictions, vocabulary: Vocabulary) -> None:
    check.terms(f"{path}.prohibited_purposes", restrictions.prohibited_purposes, vocabulary.purposes, "purpose")
    check.terms(f"{path}.use_only_for", restrictions.use_only_for, vocabulary.purposes, "purpose")
    for index, reserved in enumerate(restrictions.reserved_decisions):
        check.term(f"{path}.reserved_decisions[{index}].purpose", reserved.purpose, vocabulary.purposes, "purpose")


def validate_agreement(agreement: Agreement, vocabulary: Vocabulary, organisations: Collection[str]) -> list[Problem]:
    """Problems that stop an agreement being stored, given the ids of known organisations."""
    check = _Checker()
    party_ids = [p.organisation_id for p in agreement.parties]
    purpose_ids = [p.purpose for p in agreement.purposes]

    if agreement.parent_id == agreement.id:
        check.add("parent_id", "an agreement cannot be its own parent")
    check.term("owner", agreement.owner, organisations, "organisation")
    if agreement.owner in organisations and agreement.owner not in party_ids:
        check.add("owner", f"the owner {agreement.owner!r} is not a party to the agreement")
    if agreement.status is AgreementStatus.ACTIVE and agreement.effective_from is None:
        check.add("effective_from", "an active agreement needs an effective-from date")
    if agreement.effective_from is not None:
        for name in ("review_due", "expires_on"):
            value = getattr(agreement, name)
            if value is not None and value < agreement.effective_from:
                check.add(name, f"{value.isoformat()} is before effective_from {agreement.effective_from.isoformat()}")

    for index, contact in enumerate(agreement.contacts):
        check.term(f"contacts[{index}].organisation_id", contact.organisation_id, organisations, "organisation")

    check.unique("parties", party_ids, "party", "organisation_id")
    for index, party in enumerate(agreement.parties):
        check.term(f"parties[{index}].organisation_id", party.organisation_id, organisations, "organisation")
        if party.controller is not None and party.controller not in party_ids:
            check.add(
                f"parties[{index}].controller",
                f"the controller {party.controller!r} is not a party to the agreement",
            )
        if party.controller == party.organisation_id:
            check.add(f"parties[{index}].controller", "a party is not its own parent controller; leave it out")

    check.unique("purposes", purpose_ids, "purpose", "purpose")
    for index, purpose in enumerate(agreement.purposes):
        check.term(f"purposes[{index}].purpose", purpose.purpose, vocabulary.purposes, "purpose")
        check.terms(f"purposes[{index}].gateways", purpose.gateways, vocabulary.statutory_gateways, "statutory gateway")

    check.unique("data_subjects", agreement.data_subjects, "data subject type")
    check.terms("data_subjects", agreement.data_subjects, vocabulary.data_subject_types, "data subject type")

    _validate_lawful_bases(check, "lawful_bases", agreement.lawful_bases, vocabulary, purpose_ids, party_ids)
    check.terms(
        "consent_model.do_not_inform",
        agreement.consent_model.do_not_inform,
        vocabulary.data_subject_types,
        "data subject type",
    )
    for index, not_told in enumerate(agreement.consent_model.not_told):
        check.term(
            f"consent_model.not_told[{index}].subject_type",
            not_told.subject_type,
            vocabulary.data_subject_types,
            "data subject type",
        )
    _validate_restrictions(check, "restrictions", agreement.restrictions, vocabulary)
    for index, rule in enumerate(agreement.retention):
        check.term(f"retention[{index}].organisation_id", rule.organisation_id, party_ids, "party of this agreement")

    check.unique("flows", (f.id for f in agreement.flows), "flow id", "id")
    for index, flow in enumerate(agreement.flows):
        here = f"flows[{index}]"
        for end_name, endpoints in (("from", flow.source), ("to", flow.recipient)):
            for e_index, endpoint in enumerate(endpoints):
                end_path = f"{here}.{end_name}[{e_index}]"
                if endpoint.organisation is not None and endpoint.organisation not in party_ids:
                    check.add(
                        f"{end_path}.organisation",
                        f"flow {flow.id} names {endpoint.organisation!r}, which is not a party to the agreement",
                    )
                check.term(
                    f"{end_path}.organisation_type",
                    endpoint.organisation_type,
                    vocabulary.organisation_types,
                    "organisation type",
                )
        check.terms(f"{here}.purposes", flow.purposes, vocabulary.purposes, "purpose")
        for p_index, flow_purpose in enumerate(flow.purposes):
            if flow_purpose in vocabulary.purposes and flow_purpose not in purpose_ids:
                check.add(
                    f"{here}.purposes[{p_index}]", f"purpose {flow_purpose!r} is not one of the agreement's purposes"
                )
        check.terms(f"{here}.data_subjects", flow.data_subjects, vocabulary.data_subject_types, "data subject type")
        for s_index, subject in enumerate(flow.data_subjects):
            if subject in vocabulary.data_subject_types and subject not in agreement.data_subjects:
                check.add(
                    f"{here}.data_subjects[{s_index}]",
                    f"data subject type {subject!r} is not one of the agreement's data subjects",
                )
        check.terms(f"{here}.data_categories", flow.data_categories, vocabulary.data_categories, "data category")
        check.terms(f"{here}.not_carried", flow.not_carried, vocabulary.data_categories, "data category")
        check.unique(f"{here}.data_categories", flow.data_categories, "data category")
        if flow.lawful_bases is not None:
            _validate_lawful_bases(check, f"{here}.lawful_bases", flow.lawful_bases, vocabulary, purpose_ids, party_ids)
        if flow.restrictions is not None:
            _validate_restrictions(check, f"{here}.restrictions", flow.restrictions, vocabulary)
    return check.problems
