"""The ODRL 2.2 JSON-LD export: it parses as JSON-LD with no network, and names every flow, party and purpose."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from pyld import jsonld
from sqlmodel import Session

from agreements.model import (
    Agreement,
    AgreementRevision,
    Art6Entry,
    Art9Entry,
    Endpoint,
    LawfulBases,
    OnwardDisclosure,
    Organisation,
    Restrictions,
)
from agreements.vocabulary import Vocabulary
from registry.documents.facts import document_facts
from registry.documents.odrl import CONTEXT, PROFILE_IRI, REGISTRY_IRI, agreement_to_odrl
from registry.mapping import agreement_content, content_hash
from registry.models import AgreementRevisionRow
from registry.services.agreements import describe_agreement
from registry.services.common import current_vocabulary
from registry.services.standard import load_standard_agreements, read_standard_documents
from tests.builders import CHILDRENS, POLICE, make_agreement, make_childrens_services, make_flow, make_organisation

BASE = "https://registry.example/api/v1/agreements/"
ODRL = "http://www.w3.org/ns/odrl/2/"
DPV = "https://w3id.org/dpv#"
ISA_FINGERPRINT = f"{REGISTRY_IRI}contentFingerprint"
RECORDED = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
STANDARD_IDS = ["NS-MASH-ISA", "NS-MARAC-ISA", "NS-MAPPA-ISA", "NS-ADULT-SAFEGUARDING-ISA"]


class Offline:
    """A JSON-LD document loader that fetches nothing: it records the URL asked for and fails."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        self.asked.append(url)
        raise AssertionError(f"the JSON-LD processor tried to fetch {url}")


@cache
def _library() -> tuple[dict[str, Agreement], dict[str, Organisation]]:
    documents = read_standard_documents()
    agreements = {a.id: a for d in documents for a in d.agreements}
    organisations = {o.id: o for d in documents for o in d.organisations}
    return agreements, organisations


@cache
def _vocabulary() -> Vocabulary:
    return current_vocabulary()


def export(
    agreement: Agreement, organisations: dict[str, Organisation] | None = None, revision: int = 1
) -> dict[str, Any]:
    """The export of an agreement as revision ``revision``, with its real content fingerprint."""
    organisations = _library()[1] if organisations is None else organisations
    stored = AgreementRevision(agreement, revision, RECORDED, "test")
    facts = document_facts(stored, fingerprint=content_hash(agreement_content(agreement)), organisations=organisations)
    return agreement_to_odrl(stored, facts=facts, organisations=organisations, vocabulary=_vocabulary(), base_iri=BASE)


def standard(agreement_id: str) -> Agreement:
    """One of the shipped agreements, read from its YAML through the schemas."""
    return _library()[0][agreement_id]


def uid(agreement: Agreement, revision: int = 1) -> str:
    return f"{BASE}{agreement.id}/revisions/{revision}"


def graph(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every node of the document, flattened and expanded, by its id; nothing fetched."""
    loader = Offline()
    nodes = jsonld.flatten(document, None, {"documentLoader": loader})
    assert loader.asked == []
    return {node["@id"]: node for node in nodes}


def ids(node: dict[str, Any], prop: str) -> list[str]:
    """The node ids a property of an expanded node points to."""
    return [value["@id"] for value in node.get(prop, [])]


def of_type(nodes: dict[str, dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [node for node in nodes.values() if f"{ODRL}{kind}" in node.get("@type", [])]


def constraints(nodes: dict[str, dict[str, Any]], rule: dict[str, Any], left: str) -> Iterator[tuple[str, Any]]:
    """(operator, right operand values) of a rule's constraints on one left operand."""
    for constraint_id in ids(rule, f"{ODRL}constraint"):
        constraint = nodes[constraint_id]
        if ids(constraint, f"{ODRL}leftOperand") == [left]:
            yield ids(constraint, f"{ODRL}operator")[0], constraint[f"{ODRL}rightOperand"]


def right_iris(values: list[dict[str, Any]]) -> set[str]:
    return {value["@id"] for value in values}


def term(vocabulary_set: str, term_id: str, prefix: str) -> str:
    """The IRI the export should use for a term: its DPV IRI if it has one, else the project's."""
    found = _vocabulary().term_sets()[vocabulary_set].get(term_id)
    return found.dpv if found is not None and found.dpv else f"{REGISTRY_IRI}{prefix}{term_id}"


def n_quads(document: dict[str, Any]) -> str:
    loader = Offline()
    quads: str = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    assert loader.asked == []
    return quads


# ------------------------------------------------------------------ the four standard agreements


def test_the_offline_loader_is_what_a_remote_context_would_reach() -> None:
    loader = Offline()
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand({"@context": "http://www.w3.org/ns/odrl.jsonld", "uid": "x"}, {"documentLoader": loader})
    assert loader.asked == ["http://www.w3.org/ns/odrl.jsonld"]


def test_the_library_has_the_four_standard_agreements() -> None:
    assert sorted(_library()[0]) == sorted(STANDARD_IDS)


@pytest.mark.parametrize("agreement_id", STANDARD_IDS)
def test_the_export_is_json_with_an_inline_context_and_one_odrl_agreement(agreement_id: str) -> None:
    agreement = standard(agreement_id)
    document = export(agreement)

    assert json.loads(json.dumps(document)) == document
    assert isinstance(document["@context"], dict)
    for prefix, iri in {
        "odrl": ODRL,
        "dpv": DPV,
        "isa": REGISTRY_IRI,
        "dcterms": "http://purl.org/dc/terms/",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    }.items():
        assert document["@context"][prefix] == iri
    loader = Offline()
    expanded = jsonld.expand(document, {"documentLoader": loader})
    assert loader.asked == [] and len(expanded) == 1

    nodes = graph(document)
    [policy] = of_type(nodes, "Agreement")
    assert policy["@id"] == uid(agreement)
    assert ids(policy, f"{ODRL}profile") == [PROFILE_IRI]
    assert policy["http://purl.org/dc/terms/title"] == [{"@value": agreement.title}]
    assert policy[f"{REGISTRY_IRI}agreementVersion"] == [{"@value": agreement.version}]
    assert agreement.effective_from is not None
    assert policy[f"{REGISTRY_IRI}effectiveFrom"] == [
        {"@value": agreement.effective_from.isoformat(), "@type": "http://www.w3.org/2001/XMLSchema#date"}
    ]


@pytest.mark.parametrize("agreement_id", STANDARD_IDS)
def test_one_permission_per_flow_named_by_the_flow(agreement_id: str) -> None:
    agreement = standard(agreement_id)
    nodes = graph(export(agreement))
    [policy] = of_type(nodes, "Agreement")

    permissions = ids(policy, f"{ODRL}permission")
    assert sorted(permissions) == sorted(f"{uid(agreement)}#flow-{flow.id}" for flow in agreement.flows)
    for flow in agreement.flows:
        permission = nodes[f"{uid(agreement)}#flow-{flow.id}"]
        assert ids(permission, f"{ODRL}action") == [f"{ODRL}distribute"]
        [target] = ids(permission, f"{ODRL}target")
        assert target == f"{uid(agreement)}#flow-{flow.id}-data"
        categories = set(ids(nodes[target], f"{DPV}hasPersonalData"))
        assert categories == {term("data_categories", c, "data-category-") for c in flow.data_categories}


@pytest.mark.parametrize("agreement_id", STANDARD_IDS)
def test_every_party_is_an_assignee_and_the_owner_an_assigner(agreement_id: str) -> None:
    agreement = standard(agreement_id)
    nodes = graph(export(agreement))

    assignees = {party for node in nodes.values() for party in ids(node, f"{ODRL}assignee")}
    assigners = {party for node in nodes.values() for party in ids(node, f"{ODRL}assigner")}
    parties = {f"https://registry.example/api/v1/organisations/{p}" for p in agreement.party_ids()}
    assert parties <= assignees
    assert f"https://registry.example/api/v1/organisations/{agreement.owner}" in assigners
    # ODRL's Agreement: every permission and prohibition has both an assigner and an assignee.
    for rule in of_type(nodes, "Permission") + of_type(nodes, "Prohibition"):
        assert ids(rule, f"{ODRL}assigner") and ids(rule, f"{ODRL}assignee"), rule["@id"]
    # The parties are described once where every party is named: a name and the collection they form.
    for party in parties:
        assert nodes[party][f"{ODRL}partOf"] == [{"@id": f"{uid(agreement)}#parties"}]
        assert nodes[party]["http://www.w3.org/2006/vcard/ns#fn"][0]["@value"]


@pytest.mark.parametrize("agreement_id", STANDARD_IDS)
def test_each_permission_is_limited_to_its_purposes_recipients_subjects_and_bases(agreement_id: str) -> None:
    agreement = standard(agreement_id)
    nodes = graph(export(agreement))

    for flow in agreement.flows:
        permission = nodes[f"{uid(agreement)}#flow-{flow.id}"]
        purposes = dict(constraints(nodes, permission, f"{ODRL}purpose"))
        assert right_iris(purposes[f"{ODRL}isAnyOf"]) == {term("purposes", p, "purpose-") for p in flow.purposes}
        [(operator, recipients)] = constraints(nodes, permission, f"{ODRL}recipient")
        assert operator == f"{ODRL}isAnyOf" and len(recipients) == len({*flow.recipient})
        [(_, subjects)] = constraints(nodes, permission, f"{DPV}hasDataSubject")
        assert right_iris(subjects) == {term("data_subject_types", s, "data-subject-") for s in flow.data_subjects}
        [(_, bases)] = constraints(nodes, permission, f"{DPV}hasLegalBasis")
        # Every flow rests on an Art 6 basis: eu-gdpr's IRI, or the project's for Art 6(1)(ea), which is UK law only.
        art6 = ("https://w3id.org/dpv/legal/eu/gdpr#A6-1-", f"{REGISTRY_IRI}uk-gdpr-art6-1-")
        assert any(iri.startswith(art6) for iri in right_iris(bases)), flow.id
        duties = {nodes[d][f"{ODRL}action"][0]["@id"] for d in ids(permission, f"{ODRL}duty")}
        assert duties == {f"{REGISTRY_IRI}recordShare", f"{REGISTRY_IRI}informRecipientOfRestrictions"}


@pytest.mark.parametrize("agreement_id", STANDARD_IDS)
def test_every_prohibited_purpose_is_in_a_prohibition(agreement_id: str) -> None:
    agreement = standard(agreement_id)
    nodes = graph(export(agreement))

    prohibited_uses: set[str] = set()
    for rule in of_type(nodes, "Prohibition"):
        for operator, values in constraints(nodes, rule, f"{ODRL}purpose"):
            if operator == f"{ODRL}isAnyOf" and ids(rule, f"{ODRL}action") == [f"{ODRL}use"]:
                prohibited_uses |= right_iris(values)
    named = set(agreement.restrictions.prohibited_purposes) | {
        p for flow in agreement.flows if flow.restrictions for p in flow.restrictions.prohibited_purposes
    }
    assert named, "the shipped agreements all prohibit some purposes"
    assert {term("purposes", p, "purpose-") for p in named} <= prohibited_uses


@pytest.mark.parametrize("agreement_id", STANDARD_IDS)
def test_the_rdf_carries_the_content_fingerprint(agreement_id: str) -> None:
    agreement = standard(agreement_id)
    document = export(agreement)
    fingerprint = content_hash(agreement_content(agreement))

    quads = n_quads(document)
    assert f'<{uid(agreement)}> <{ISA_FINGERPRINT}> "{fingerprint}" .' in quads.splitlines()
    loader = Offline()
    canonical = jsonld.normalize(
        document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    )
    assert loader.asked == [] and f'"{fingerprint}"' in canonical


@pytest.mark.parametrize("agreement_id", STANDARD_IDS)
def test_two_exports_of_one_revision_are_identical(agreement_id: str) -> None:
    first, second = export(standard(agreement_id)), export(standard(agreement_id))
    assert first == second
    assert json.dumps(first) == json.dumps(second)


def test_a_stored_revision_exports_with_its_stored_fingerprint(session: Session) -> None:
    load_standard_agreements(session=session)
    detail = describe_agreement(session=session, agreement_id="NS-MARAC-ISA")
    row = session.get(AgreementRevisionRow, ("NS-MARAC-ISA", detail.revision.revision))
    assert row is not None
    facts = document_facts(detail.revision, fingerprint=row.content_hash, organisations=detail.organisations)

    document = agreement_to_odrl(
        detail.revision,
        facts=facts,
        organisations=detail.organisations,
        vocabulary=current_vocabulary(),
        base_iri=BASE,
    )

    assert document["uid"] == uid(detail.revision.agreement, detail.revision.revision)
    assert document["contentFingerprint"] == row.content_hash
    assert f'"{row.content_hash}"' in n_quads(document)
    # The YAML and the stored revision are one agreement, so the same policy apart from when it was recorded.
    from_yaml = export(standard("NS-MARAC-ISA"), detail.organisations, detail.revision.revision)
    assert {k: v for k, v in document.items() if k != "issued"} == {k: v for k, v in from_yaml.items() if k != "issued"}


# ------------------------------------------------------------------ built agreements


def _organisations(*extra: Organisation) -> dict[str, Organisation]:
    found = [make_organisation(), make_childrens_services(), *extra]
    return {o.id: o for o in found}


def test_a_category_without_a_dpv_iri_gets_the_projects_iri() -> None:
    assert _vocabulary().data_categories["police-intelligence"].dpv is None
    assert _vocabulary().data_categories["identity"].dpv == "https://w3id.org/dpv/pd#Identifying"
    agreement = make_agreement(flows=(make_flow(data_categories=("identity", "police-intelligence")),))

    nodes = graph(export(agreement, _organisations()))

    asset = nodes[f"{uid(agreement)}#flow-police-to-childrens-data"]
    assert set(ids(asset, f"{DPV}hasPersonalData")) == {
        "https://w3id.org/dpv/pd#Identifying",
        f"{REGISTRY_IRI}data-category-police-intelligence",
    }
    assert CONTEXT["isa"] == REGISTRY_IRI


def test_a_flow_to_any_organisation_of_a_type_names_the_type() -> None:
    flow = make_flow(recipient=(Endpoint(organisation_type="police-force"), Endpoint(any_party=True)))
    agreement = make_agreement(flows=(flow,))

    document = export(agreement, _organisations())
    nodes = graph(document)

    permission = nodes[f"{uid(agreement)}#flow-{flow.id}"]
    [(_, recipients)] = constraints(nodes, permission, f"{ODRL}recipient")
    collection = f"{REGISTRY_IRI}organisations-of-type-police-force"
    assert right_iris(recipients) == {collection, f"{uid(agreement)}#parties"}
    assert nodes[collection]["@type"] == [f"{ODRL}PartyCollection"]
    assert nodes[collection][f"{REGISTRY_IRI}organisationType"] == [
        {"@id": f"{REGISTRY_IRI}organisation-type-police-force"}
    ]
    assert "Police force" in nodes[collection]["http://purl.org/dc/terms/title"][0]["@value"]


def test_a_flow_from_any_party_is_assigned_to_the_parties_collection() -> None:
    agreement = make_agreement(flows=(make_flow(source=(Endpoint(any_party=True),)),))
    nodes = graph(export(agreement, _organisations()))

    permission = nodes[f"{uid(agreement)}#flow-police-to-childrens"]
    assert ids(permission, f"{ODRL}assignee") == [f"{uid(agreement)}#parties"]
    # Any party may rely on the agreement's bases: the Art 6 basis is named.
    [(_, bases)] = constraints(nodes, permission, f"{DPV}hasLegalBasis")
    assert right_iris(bases) == {"https://w3id.org/dpv/legal/eu/gdpr#A6-1-e"}


def test_lawful_bases_use_eu_gdpr_iris_and_the_projects_iris_for_schedule_1() -> None:
    bases = LawfulBases(
        art6=(Art6Entry(basis="art6-1-e", source="CA 1989 s47"), Art6Entry(basis="art6-1-ea", source="Annex 1")),
        art9=(Art9Entry(condition="art9-2-g", schedule1="dpa-sch1-18"),),
    )
    agreement = make_agreement(lawful_bases=bases)
    nodes = graph(export(agreement, _organisations()))

    [(_, values)] = constraints(nodes, nodes[f"{uid(agreement)}#flow-police-to-childrens"], f"{DPV}hasLegalBasis")
    assert right_iris(values) == {
        "https://w3id.org/dpv/legal/eu/gdpr#A6-1-e",
        "https://w3id.org/dpv/legal/eu/gdpr#A9-2-g",
        f"{REGISTRY_IRI}uk-gdpr-art6-1-ea",  # Art 6(1)(ea) is UK law only: DPV has no IRI for it
        f"{REGISTRY_IRI}dpa2018-sch1-para-18",
    }


def _onward(restrictions: Restrictions) -> tuple[dict[str, dict[str, Any]], str]:
    """The graph of an agreement with these restrictions, and the uid its onward-disclosure rules start with."""
    agreement = make_agreement(restrictions=restrictions)
    return graph(export(agreement, _organisations())), f"{uid(agreement)}#onward-disclosure"


def _equals(nodes: dict[str, dict[str, Any]], rule: dict[str, Any], left: str) -> list[Any]:
    return [values for operator, values in constraints(nodes, rule, left) if operator == f"{ODRL}eq"]


def test_onward_disclosure_needing_the_originator_is_prohibited_unless_it_agreed() -> None:
    nodes, onward = _onward(Restrictions(onward_disclosure=OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT))
    rule = nodes[onward]

    assert ids(rule, f"{ODRL}action") == [f"{ODRL}distribute"]
    assert _equals(nodes, rule, f"{REGISTRY_IRI}originatorAgreed") == [[{"@value": False}]]
    assert _equals(nodes, rule, f"{REGISTRY_IRI}requiredByLaw") == []
    parties = {f"https://registry.example/api/v1/organisations/{p}" for p in (POLICE, CHILDRENS)}
    assert set(ids(rule, f"{ODRL}assignee")) == parties


def test_prohibited_onward_disclosure_gives_way_only_to_the_law() -> None:
    nodes, onward = _onward(
        Restrictions(onward_disclosure=OnwardDisclosure.PROHIBITED, except_where_required_by_law=True)
    )
    rule = nodes[onward]

    assert _equals(nodes, rule, f"{REGISTRY_IRI}originatorAgreed") == []
    assert _equals(nodes, rule, f"{REGISTRY_IRI}requiredByLaw") == [[{"@value": False}]]


def test_onward_disclosure_permitted_for_the_agreements_purposes_is_prohibited_beyond_them() -> None:
    nodes, onward = _onward(Restrictions(onward_disclosure=OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES))

    assert onward not in nodes
    purposes = dict(constraints(nodes, nodes[f"{onward}-beyond-purposes"], f"{ODRL}purpose"))
    assert right_iris(purposes[f"{ODRL}isNoneOf"]) == {
        f"{REGISTRY_IRI}purpose-mash-triage",
        f"{REGISTRY_IRI}purpose-child-protection-enquiry",
    }
    recipients = dict(constraints(nodes, nodes[f"{onward}-beyond-parties"], f"{ODRL}recipient"))
    assert right_iris(recipients[f"{ODRL}isNoneOf"]) == {
        f"https://registry.example/api/v1/organisations/{p}" for p in (POLICE, CHILDRENS)
    }


def test_bulk_sharing_is_prohibited_only_where_the_agreement_says_so() -> None:
    with_rule = make_agreement(restrictions=Restrictions(no_bulk_sharing=True))
    without = make_agreement()

    assert f"{uid(with_rule)}#bulk-sharing" in graph(export(with_rule, _organisations()))
    nodes = graph(export(without, _organisations()))
    assert f"{uid(without)}#bulk-sharing" not in nodes
    # A case-by-case flow never covers a bulk share, whatever the agreement says.
    permission = nodes[f"{uid(without)}#flow-police-to-childrens"]
    assert _equals(nodes, permission, f"{REGISTRY_IRI}bulk") == [[{"@value": False}]]


def test_a_flows_own_use_limitation_widens_the_agreements_for_that_flow() -> None:
    flow = make_flow(restrictions=Restrictions(use_only_for=("child-protection-enquiry",)))
    agreement = make_agreement(flows=(flow,), restrictions=Restrictions(use_only_for=("mash-triage",)))
    nodes = graph(export(agreement, _organisations()))

    rule = nodes[f"{uid(agreement)}#flow-{flow.id}-use-only-for"]
    purposes = dict(constraints(nodes, rule, f"{ODRL}purpose"))
    assert right_iris(purposes[f"{ODRL}isNoneOf"]) == {
        f"{REGISTRY_IRI}purpose-mash-triage",
        f"{REGISTRY_IRI}purpose-child-protection-enquiry",
    }
    assert ids(rule, f"{ODRL}assignee") == [f"https://registry.example/api/v1/organisations/{CHILDRENS}"]


def test_an_unknown_organisation_still_exports_by_its_iri() -> None:
    agreement = make_agreement()
    nodes = graph(export(agreement, {}))
    police = f"https://registry.example/api/v1/organisations/{POLICE}"
    assert police in ids(nodes[f"{uid(agreement)}#flow-police-to-childrens"], f"{ODRL}assignee")
    assert "http://www.w3.org/2006/vcard/ns#fn" not in nodes[police]


def test_facts_of_another_revision_are_refused() -> None:
    agreement = make_agreement()
    stored = AgreementRevision(agreement, 2, RECORDED, "test")
    facts = document_facts(
        AgreementRevision(agreement, 1, RECORDED, "test"), fingerprint="x", organisations=_organisations()
    )
    with pytest.raises(ValueError, match="revision 1"):
        agreement_to_odrl(stored, facts=facts, organisations={}, vocabulary=_vocabulary(), base_iri=BASE)


@pytest.mark.parametrize("base", ["registry.example/agreements/", "https://registry.example/agreements", "ftp://x/"])
def test_a_base_iri_that_is_not_an_absolute_folder_is_refused(base: str) -> None:
    agreement = make_agreement()
    stored = AgreementRevision(agreement, 1, RECORDED, "test")
    facts = document_facts(stored, fingerprint="x", organisations={})
    with pytest.raises(ValueError, match="base_iri"):
        agreement_to_odrl(stored, facts=facts, organisations={}, vocabulary=_vocabulary(), base_iri=base)
