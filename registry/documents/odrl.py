"""An agreement revision as an ODRL 2.2 policy in JSON-LD: one ``odrl:Agreement`` per revision.

What a machine reading the policy learns, and the choices made translating an agreement into ODRL
(W3C ODRL Information Model 2.2 and Vocabulary, 2018; W3C DPV 2.x and its eu-gdpr extension):

- **Context.** Inline (an object, never a remote URL), so the export expands with no network. ODRL terms
  are defined exactly as the normative context ``http://www.w3.org/ns/odrl.jsonld`` defines them
  (``action``/``leftOperand``/``operator``/``conflict`` are ``@vocab``-typed, ``rightOperand`` carries no
  coercion, so IRI right operands are written as ``{"uid": ...}`` node references); DPV, DCMI, vCard and
  project terms are added beside them.
- **Identifiers.** The policy is ``{base_iri}{agreement id}/revisions/{revision}``; every rule and asset is a
  fragment of it (``#flow-F1``, ``#flow-F1-data``, ``#onward-disclosure``, ...). Organisations are served
  beside agreements, so a party is ``{base_iri}../organisations/{id}`` resolved (``/api/v1/organisations/x``
  for the API's base); "any party" is the collection ``{policy}#parties``, and "any organisation of type X"
  the registry-wide collection ``{REGISTRY_IRI}organisations-of-type-X`` (a type admits organisations that
  are not parties, a member of the public or another area's police, as ``Endpoint.matches`` says).
- **Terms.** A vocabulary term with a ``dpv`` IRI is exported as that IRI (DPV ``pd:`` categories, the
  ``dpv:`` purposes and data-subject types, eu-gdpr ``A6-1-x``/``A9-2-x`` for the same-numbered UK GDPR
  provisions), unless two terms of one set share it, which would merge them. Everything else is a project
  IRI in ``REGISTRY_IRI``: ``data-category-*``, ``purpose-*``, ``data-subject-*``, ``organisation-type-*``
  (always: several types share one DPV class; the DPV class is given as an extra ``@type`` of the party),
  ``uk-gdpr-art6-1-ea`` (no eu-gdpr twin), ``uk-gdpr-art10-*``, ``dpa2018-sch1-para-N``, ``transfer-method-*``.
- **Parties.** ODRL's Agreement wants an assigner and an assignee on every rule (rule-level, since
  policy-level parties are only a shorthand ODRL copies into every rule). The owner is the assigner of the
  rules the agreement issues; the assignee is whoever must act: for a flow's permission the *source*, since
  ``odrl:distribute`` is done by the party that shares, with the recipients as an ``odrl:recipient``
  constraint (a recipient as assignee of ``distribute`` would be allowed to pass the data on, the opposite
  of the onward-disclosure rules). For the onward limits the recipients are the assignees and the sources
  (the originators) the assigners. The agreement-wide rules name every party as assignee, each party in full
  (name, organisation type, membership of ``#parties``).
- **Flows.** One ``odrl:Permission`` per flow: ``distribute`` of the flow's asset (an AssetCollection with
  ``dpv:hasPersonalData`` the categories, ``odrl:partOf`` the agreement's ``#data``), constrained by
  ``odrl:purpose``, ``odrl:recipient``, ``dpv:hasDataSubject`` and ``dpv:hasLegalBasis`` (each ``isAnyOf``:
  every basis relied on for a share is one of the Art 6 bases, Art 9 conditions, Art 10 routes and Schedule 1
  paragraphs the agreement gives for the flow's purposes and sources; whether a share has *enough* of them is
  the checker's question), ``odrl:deliveryChannel`` (the methods), ``isa:bulk`` false where bulk is not
  allowed, and ``odrl:dateTime`` between the effective and expiry dates. Duties: record the share
  (``isa:recordShare``, a DPV ``dpv:RecordsOfActivities`` measure) and tell the recipient the limits
  (``isa:informRecipientOfRestrictions``, ``odrl:informedParty`` the recipients).
- **Restrictions** (each read as ``Agreement.restrictions_for`` reads them: all of them bind): prohibited
  purposes are prohibitions of ``odrl:use`` for those purposes; ``no_bulk_sharing`` a prohibition of
  ``distribute`` when ``isa:bulk`` is true; onward disclosure a prohibition of ``distribute`` by the
  recipients, constrained by ``isa:originatorAgreed`` false when the originator may agree
  (NEEDS_ORIGINATOR_CONSENT), unconstrained when PROHIBITED, and for PERMITTED_FOR_AGREEMENT_PURPOSES two
  prohibitions, beyond the agreement's purposes and beyond its parties, unless the originator agreed;
  ``except_where_required_by_law`` adds ``isa:requiredByLaw`` false (DPA 2018 Sch 2 para 5). Prohibitions
  combine by conjunction, which is the checker's "strictest limit applies". ``use_only_for`` limits combine
  by union in the checker, so they are one prohibition per flow (``odrl:use`` for any other purpose unless the
  originator agreed). The policy's ``conflict`` is ``perm``: a flow's permission is the agreement's own word
  that its source may share that data with those recipients for those purposes, so it prevails over the
  onward limits for a party that is both source and recipient; every permission carries its own purpose and
  bulk limits, so it never overrides a prohibited purpose or the bulk rule.
- **Not expressed**: reserved (panel) decisions, the consent model, retention, security, and that giving
  information back to its originator is not onward disclosure (the originator of a share is not known when the
  policy is written). The review-lapse date depends on the registry's grace period, so only the expiry date
  bounds a permission.

``REGISTRY_IRI`` is under the reserved ``.example`` domain (RFC 2606) until the project has a persistent
namespace (a w3id.org redirect): every project IRI derives from this one constant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from agreements.checker.rules import BULK_FREQUENCIES
from agreements.model import (
    Agreement,
    AgreementRevision,
    Art6Entry,
    Art9Entry,
    Art10Entry,
    Endpoint,
    Flow,
    OnwardDisclosure,
    Organisation,
    Restrictions,
)
from agreements.vocabulary import Vocabulary
from registry.documents.facts import DocumentFacts

# The project's own vocabulary namespace (a placeholder domain; see the module docstring).
REGISTRY_IRI = "https://isa-registry.example/ns#"
# The ODRL profile every exported policy conforms to: ODRL core and common terms, the DPV properties used as
# left operands, and the project terms below.
PROFILE_IRI = f"{REGISTRY_IRI}odrl-profile"

ODRL = "http://www.w3.org/ns/odrl/2/"
DPV = "https://w3id.org/dpv#"

_ID = {"@type": "@id"}

CONTEXT: dict[str, Any] = {
    "odrl": ODRL,
    "dpv": DPV,
    "pd": "https://w3id.org/dpv/pd#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "isa": REGISTRY_IRI,
    "dcterms": "http://purl.org/dc/terms/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    # --- as the normative ODRL 2.2 context (http://www.w3.org/ns/odrl.jsonld) defines them ---
    "uid": "@id",
    "type": "@type",
    "Agreement": "odrl:Agreement",
    "Permission": "odrl:Permission",
    "Prohibition": "odrl:Prohibition",
    "Duty": "odrl:Duty",
    "Constraint": "odrl:Constraint",
    "Party": "odrl:Party",
    "PartyCollection": "odrl:PartyCollection",
    "AssetCollection": "odrl:AssetCollection",
    "profile": {"@type": "@id", "@id": "odrl:profile"},
    "conflict": {"@type": "@vocab", "@id": "odrl:conflict"},
    "perm": "odrl:perm",
    "permission": {"@type": "@id", "@id": "odrl:permission"},
    "prohibition": {"@type": "@id", "@id": "odrl:prohibition"},
    "duty": {"@type": "@id", "@id": "odrl:duty"},
    "target": {"@type": "@id", "@id": "odrl:target"},
    "partOf": {"@type": "@id", "@id": "odrl:partOf"},
    "assigner": {"@type": "@id", "@id": "odrl:assigner"},
    "assignee": {"@type": "@id", "@id": "odrl:assignee"},
    "informedParty": {"@type": "@id", "@id": "odrl:informedParty"},
    "action": {"@type": "@vocab", "@id": "odrl:action"},
    "distribute": "odrl:distribute",
    "use": "odrl:use",
    "constraint": {"@type": "@id", "@id": "odrl:constraint"},
    "operator": {"@type": "@vocab", "@id": "odrl:operator"},
    "leftOperand": {"@type": "@vocab", "@id": "odrl:leftOperand"},
    "rightOperand": "odrl:rightOperand",
    "purpose": "odrl:purpose",
    "recipient": "odrl:recipient",
    "dateTime": "odrl:dateTime",
    "deliveryChannel": "odrl:deliveryChannel",
    "eq": "odrl:eq",
    "gteq": "odrl:gteq",
    "lteq": "odrl:lteq",
    "isAnyOf": "odrl:isAnyOf",
    "isNoneOf": "odrl:isNoneOf",
    # --- DPV (used as properties and, as the DPV-ODRL guide suggests, as left operands) ---
    "hasPersonalData": {"@id": "dpv:hasPersonalData", "@type": "@id"},
    "hasDataSubject": {"@id": "dpv:hasDataSubject", "@type": "@id"},
    "hasLegalBasis": {"@id": "dpv:hasLegalBasis", "@type": "@id"},
    "hasOrganisationalMeasure": {"@id": "dpv:hasOrganisationalMeasure", "@type": "@id"},
    # --- DCMI terms (recommended by ODRL for policy metadata) and vCard (for parties) ---
    "title": "dcterms:title",
    "description": "dcterms:description",
    "issued": {"@id": "dcterms:issued", "@type": "xsd:dateTime"},
    "isVersionOf": {"@id": "dcterms:isVersionOf", "@type": "@id"},
    "name": "vcard:fn",
    # --- the project's terms (ODRL's own "version" and "status" are left operands, so not reused) ---
    "agreementId": "isa:agreementId",
    "agreementVersion": "isa:agreementVersion",
    "agreementKind": "isa:agreementKind",
    "agreementStatus": "isa:agreementStatus",
    "revision": {"@id": "isa:revision", "@type": "xsd:integer"},
    "effectiveFrom": {"@id": "isa:effectiveFrom", "@type": "xsd:date"},
    "reviewDue": {"@id": "isa:reviewDue", "@type": "xsd:date"},
    "expiresOn": {"@id": "isa:expiresOn", "@type": "xsd:date"},
    "contentFingerprint": "isa:contentFingerprint",
    "vocabularyVersion": "isa:vocabularyVersion",
    "organisationType": {"@id": "isa:organisationType", "@type": "@id"},
    "notCarried": {"@id": "isa:notCarried", "@type": "@id"},
    # Actions (duties) and left operands of the project's profile.
    "recordShare": "isa:recordShare",
    "informRecipientOfRestrictions": "isa:informRecipientOfRestrictions",
    "bulk": "isa:bulk",
    "originatorAgreed": "isa:originatorAgreed",
    "requiredByLaw": "isa:requiredByLaw",
}

# The prefix of a project IRI for a term without a (distinct) DPV IRI, by vocabulary term set.
_PROJECT_PREFIX = {
    "data_categories": "data-category-",
    "purposes": "purpose-",
    "data_subject_types": "data-subject-",
    "art6_bases": "uk-gdpr-",
    "art9_conditions": "uk-gdpr-",
    "art10_routes": "uk-gdpr-",
}


def _segment(value: str) -> str:
    """A path segment or fragment part: every reserved character percent-encoded."""
    return quote(value, safe="")


def _ref(iri: str) -> dict[str, str]:
    """A node reference, as an IRI right operand must be written (``rightOperand`` is not coerced)."""
    return {"uid": iri}


def _constraint(left: str, operator: str, right: Any) -> dict[str, Any]:
    return {"type": "Constraint", "leftOperand": left, "operator": operator, "rightOperand": right}


def _refs(iris: Iterable[str]) -> list[dict[str, str]]:
    return [_ref(iri) for iri in sorted(set(iris))]


def _xsd_date(day: date) -> dict[str, str]:
    return {"@value": day.isoformat(), "@type": "xsd:date"}


def _utc(moment: datetime) -> str:
    # Stored times are UTC; a database that drops the zone (SQLite) gives them back naive.
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat()


def _texts(values: Iterable[str | None]) -> list[str]:
    """The non-empty texts, each once, in order (a list so the JSON is the same every time)."""
    seen: list[str] = []
    for value in values:
        text = " ".join(value.split()) if value else ""
        if text and text not in seen:
            seen.append(text)
    return seen


class _Export:
    """One revision's export: the IRIs it mints and the rules it writes, from the agreement alone."""

    def __init__(
        self,
        revision: AgreementRevision,
        facts: DocumentFacts,
        organisations: Mapping[str, Organisation],
        vocabulary: Vocabulary,
        base_iri: str,
    ) -> None:
        self.revision = revision
        self.agreement: Agreement = revision.agreement
        self.facts = facts
        self.organisations = organisations
        self.vocabulary = vocabulary
        self.agreement_iri = f"{base_iri}{_segment(self.agreement.id)}"
        self.uid = f"{self.agreement_iri}/revisions/{revision.revision}"
        self.organisation_root = urljoin(base_iri, "../organisations/")
        self.parties_iri = f"{self.uid}#parties"
        self.data_iri = f"{self.uid}#data"
        # A DPV IRI two terms of one set share would merge them: those terms get project IRIs instead.
        self.shared_dpv = {
            name: {iri for iri, count in Counter(t.dpv for t in terms.values() if t.dpv).items() if count > 1}
            for name, terms in vocabulary.term_sets().items()
        }

    # ------------------------------------------------------------------ IRIs

    def term_iri(self, term_set: str, term_id: str) -> str:
        """The DPV IRI of a vocabulary term where it has its own, else the project's IRI for it."""
        term = self.vocabulary.term_sets()[term_set].get(term_id)
        if term is not None and term.dpv and term.dpv not in self.shared_dpv[term_set]:
            return term.dpv
        return f"{REGISTRY_IRI}{_PROJECT_PREFIX[term_set]}{_segment(term_id)}"

    def schedule1_iri(self, condition_id: str) -> str:
        """A DPA 2018 Schedule 1 condition as the project's IRI for its paragraph (DPV has none for the DPA)."""
        condition = self.vocabulary.schedule1_conditions.get(condition_id)
        if condition is None:
            return f"{REGISTRY_IRI}dpa2018-sch1-{_segment(condition_id)}"
        return f"{REGISTRY_IRI}dpa2018-sch1-para-{_segment(condition.paragraph)}"

    def party_iri(self, organisation_id: str) -> str:
        """Where the registry serves the organisation."""
        return f"{self.organisation_root}{_segment(organisation_id)}"

    @staticmethod
    def organisation_type_iri(type_id: str) -> str:
        """The project's IRI for an organisation type (the concept)."""
        return f"{REGISTRY_IRI}organisation-type-{_segment(type_id)}"

    @staticmethod
    def type_collection_iri(type_id: str) -> str:
        """The registry-wide collection of every organisation of a type, party or not."""
        return f"{REGISTRY_IRI}organisations-of-type-{_segment(type_id)}"

    def rule_iri(self, name: str, flow: Flow | None = None) -> str:
        """A rule's uid: a fragment of the policy, under its flow's when it has one."""
        return f"{self.uid}#flow-{_segment(flow.id)}{'-' + name if name else ''}" if flow else f"{self.uid}#{name}"

    def asset_iri(self, flow: Flow) -> str:
        """The information shared along a flow."""
        return f"{self.uid}#flow-{_segment(flow.id)}-data"

    # ------------------------------------------------------------------ parties

    def party_node(self, organisation_id: str) -> dict[str, Any]:
        """An organisation in full: its name, its type (and the DPV class of it) and its membership of the parties."""
        types = ["Party"]
        node: dict[str, Any] = {"uid": self.party_iri(organisation_id), "type": types}
        organisation = self.organisations.get(organisation_id)
        if organisation is not None:
            node["name"] = organisation.name
            node["organisationType"] = self.organisation_type_iri(organisation.type)
            kind = self.vocabulary.organisation_types.get(organisation.type)
            if kind is not None and kind.dpv:
                # The DPV class the vocabulary maps the type to, as a second type of the party.
                types.append(kind.dpv)
        if self.agreement.party(organisation_id) is not None:
            node["partOf"] = self.parties_iri
        return node

    def parties_node(self) -> dict[str, Any]:
        """The collection of the agreement's parties (what "any party" admits)."""
        return {
            "uid": self.parties_iri,
            "type": "PartyCollection",
            "title": f"The parties to {self.agreement.id} (revision {self.revision.revision})",
        }

    def type_node(self, type_id: str) -> dict[str, Any]:
        """The collection of every organisation of a type."""
        kind = self.vocabulary.organisation_types.get(type_id)
        return {
            "uid": self.type_collection_iri(type_id),
            "type": "PartyCollection",
            "title": f"Any organisation of type {kind.label if kind else type_id}",
            "organisationType": self.organisation_type_iri(type_id),
        }

    def endpoints(self, ends: Iterable[Endpoint]) -> list[Any]:
        """Flow ends as parties: an organisation by IRI, a collection described in full; sorted by IRI."""
        found: dict[str, Any] = {}
        for end in ends:
            if end.organisation is not None:
                found[self.party_iri(end.organisation)] = self.party_iri(end.organisation)
            elif end.organisation_type is not None:
                node = self.type_node(end.organisation_type)
                found[node["uid"]] = node
            else:
                found[self.parties_iri] = self.parties_node()
        return [found[key] for key in sorted(found)]

    @staticmethod
    def as_refs(parties: list[Any]) -> list[Any]:
        """Parties as right operands: IRIs become node references, collections stay described."""
        return [_ref(p) if isinstance(p, str) else p for p in parties]

    def every_party(self, *, full: bool) -> list[Any]:
        """Every party, by IRI or in full, sorted by IRI."""
        ids = sorted(self.agreement.party_ids(), key=self.party_iri)
        return [self.party_node(i) if full else self.party_iri(i) for i in ids]

    def owner(self, *, full: bool = False) -> Any:
        """The agreement's owner, who issues its rules."""
        return self.party_node(self.agreement.owner) if full else self.party_iri(self.agreement.owner)

    def source_party_ids(self, flow: Flow) -> list[str]:
        """The parties that may send along a flow, for choosing the lawful bases that apply to them.

        A type admits organisations outside the agreement too; for those only the entries not limited to
        named parties apply, which the empty id stands for.
        """
        ids: set[str] = set()
        for end in flow.source:
            if end.organisation is not None:
                ids.add(end.organisation)
            elif end.any_party:
                ids |= self.agreement.party_ids()
            else:
                ids.add("")
                ids |= {
                    p.organisation_id
                    for p in self.agreement.parties
                    if (o := self.organisations.get(p.organisation_id)) is not None and o.type == end.organisation_type
                }
        return sorted(ids)

    # ------------------------------------------------------------------ a flow's permission

    def legal_bases(self, flow: Flow) -> set[str]:
        """Every Art 6 basis, Art 9 condition, Art 10 route and Sch 1 paragraph a share along the flow may rest on."""
        iris: set[str] = set()
        for purpose in flow.purposes:
            for organisation_id in self.source_party_ids(flow):
                for article in ("art6", "art9", "art10"):
                    for entry in self.agreement.bases_for(flow, article, purpose, organisation_id):
                        iris |= self.entry_iris(entry)
        return iris

    def entry_iris(self, entry: Art6Entry | Art9Entry | Art10Entry) -> set[str]:
        """The IRIs of one lawful-basis entry: its basis, condition or route, and any Schedule 1 paragraph."""
        if isinstance(entry, Art6Entry):
            return {self.term_iri("art6_bases", entry.basis)}
        if isinstance(entry, Art9Entry):
            found = {self.term_iri("art9_conditions", entry.condition)}
        else:
            found = {self.term_iri("art10_routes", entry.route)}
            if entry.via_paragraph_36:
                # A Part 2 condition relied on for criminal offence data goes through Sch 1 para 36.
                found.add(f"{REGISTRY_IRI}dpa2018-sch1-para-36")
        if entry.schedule1:
            found.add(self.schedule1_iri(entry.schedule1))
        return found

    def asset(self, flow: Flow) -> dict[str, Any]:
        """The information shared along a flow: the categories it carries, part of the agreement's data."""
        node: dict[str, Any] = {
            "uid": self.asset_iri(flow),
            "type": "AssetCollection",
            "title": f"Information shared along flow {flow.id} of {self.agreement.id}",
            "partOf": self.data_iri,
            "hasPersonalData": sorted({self.term_iri("data_categories", c) for c in flow.data_categories}),
        }
        if flow.not_carried:
            node["notCarried"] = sorted({self.term_iri("data_categories", c) for c in flow.not_carried})
        return node

    def permission(self, flow: Flow) -> dict[str, Any]:
        """The flow's permission: its sources may distribute its information to its recipients, within its limits."""
        limits = self.agreement.restrictions_for(flow)
        recipients = self.endpoints(flow.recipient)
        constraints = [_constraint("purpose", "isAnyOf", _refs(self.term_iri("purposes", p) for p in flow.purposes))]
        prohibited = {p for limit in limits for p in limit.prohibited_purposes} & set(flow.purposes)
        if prohibited:
            # The agreement's own prohibition wins over the flow naming the purpose, as in the checker.
            constraints.append(
                _constraint("purpose", "isNoneOf", _refs(self.term_iri("purposes", p) for p in prohibited))
            )
        constraints.append(_constraint("recipient", "isAnyOf", self.as_refs(recipients)))
        subjects = _refs(self.term_iri("data_subject_types", s) for s in flow.data_subjects)
        constraints.append(_constraint("hasDataSubject", "isAnyOf", subjects))
        bases = self.legal_bases(flow)
        if bases:
            constraints.append(_constraint("hasLegalBasis", "isAnyOf", _refs(bases)))
        if flow.methods:
            methods = (f"{REGISTRY_IRI}transfer-method-{m.value.replace('_', '-')}" for m in flow.methods)
            constraints.append(_constraint("deliveryChannel", "isAnyOf", _refs(methods)))
        if flow.frequency not in BULK_FREQUENCIES or any(limit.no_bulk_sharing for limit in limits):
            constraints.append(_constraint("bulk", "eq", False))
        if self.agreement.effective_from is not None:
            constraints.append(_constraint("dateTime", "gteq", _xsd_date(self.agreement.effective_from)))
        if self.agreement.expires_on is not None:
            constraints.append(_constraint("dateTime", "lteq", _xsd_date(self.agreement.expires_on)))
        permission: dict[str, Any] = {
            "uid": self.rule_iri("", flow),
            "type": "Permission",
            "assigner": self.owner(),
            "assignee": self.endpoints(flow.source),
            "action": "distribute",
            "target": self.asset(flow),
            "constraint": constraints,
            "duty": self.duties(flow, recipients, limits),
        }
        if flow.description:
            permission["description"] = " ".join(flow.description.split())
        return permission

    def duties(self, flow: Flow, recipients: list[Any], limits: tuple[Restrictions, ...]) -> list[dict[str, Any]]:
        """What a source must do for each share: record it, and tell the recipient the limits it comes with."""
        record: dict[str, Any] = {
            "uid": self.rule_iri("record", flow),
            "type": "Duty",
            "action": "recordShare",
            "hasOrganisationalMeasure": "dpv:RecordsOfActivities",
            "description": _texts(
                [
                    "Record what was shared, with whom, for which purpose and on which lawful basis, and whether "
                    "consent was sought.",
                    self.agreement.consent_model.recording,
                ]
            ),
        }
        tell: dict[str, Any] = {
            "uid": self.rule_iri("inform-recipient", flow),
            "type": "Duty",
            "action": "informRecipientOfRestrictions",
            "informedParty": recipients,
            "description": _texts(
                [
                    "Tell the recipient the limits the information comes with.",
                    *(limit.use_limitation for limit in limits),
                    *(limit.onward_disclosure_note for limit in limits),
                ]
            ),
        }
        return [record, tell]

    # ------------------------------------------------------------------ prohibitions

    def prohibition(
        self,
        name: str,
        flow: Flow | None,
        *,
        action: str,
        target: Any,
        assigner: Any,
        assignee: Any,
        constraints: list[dict[str, Any]],
        description: Iterable[str | None] = (),
    ) -> dict[str, Any]:
        """One prohibition with the shape every one shares."""
        rule: dict[str, Any] = {
            "uid": self.rule_iri(name, flow),
            "type": "Prohibition",
            "assigner": assigner,
            "assignee": assignee,
            "action": action,
            "target": target,
        }
        if constraints:
            rule["constraint"] = constraints
        texts = _texts(description)
        if texts:
            rule["description"] = texts
        return rule

    def onward(
        self,
        flow: Flow | None,
        level: OnwardDisclosure,
        required_by_law: bool,
        *,
        target: Any,
        assigner: Any,
        assignee: Any,
        note: str | None,
    ) -> list[dict[str, Any]]:
        """Onward disclosure as prohibitions of ``distribute`` by those who received the information."""
        unless: list[dict[str, Any]] = []
        if level is not OnwardDisclosure.PROHIBITED:
            unless.append(_constraint("originatorAgreed", "eq", False))
        if required_by_law:
            unless.append(_constraint("requiredByLaw", "eq", False))
        common = {"action": "distribute", "target": target, "assigner": assigner, "assignee": assignee}
        if level is not OnwardDisclosure.PERMITTED_FOR_AGREEMENT_PURPOSES:
            return [self.prohibition("onward-disclosure", flow, **common, constraints=unless, description=[note])]
        purposes = _refs(self.term_iri("purposes", p) for p in self.agreement.purpose_ids())
        parties = _refs(self.party_iri(p) for p in self.agreement.party_ids())
        return [
            self.prohibition(
                "onward-disclosure-beyond-purposes",
                flow,
                **common,
                constraints=[_constraint("purpose", "isNoneOf", purposes), *unless],
                description=[note],
            ),
            self.prohibition(
                "onward-disclosure-beyond-parties",
                flow,
                **common,
                constraints=[_constraint("recipient", "isNoneOf", parties), *unless],
                description=[note],
            ),
        ]

    def restriction_rules(
        self, limit: Restrictions, flow: Flow | None, *, target: Any, originators: Any, holders: Any, actors: Any
    ) -> list[dict[str, Any]]:
        """One set of restrictions as prohibitions: prohibited purposes, bulk sharing and onward disclosure."""
        rules: list[dict[str, Any]] = []
        if limit.prohibited_purposes:
            purposes = _refs(self.term_iri("purposes", p) for p in limit.prohibited_purposes)
            rules.append(
                self.prohibition(
                    "prohibited-purposes",
                    flow,
                    action="use",
                    target=target,
                    assigner=self.owner(),
                    assignee=actors,
                    constraints=[_constraint("purpose", "isAnyOf", purposes)],
                    description=["Information shared under the agreement is not shared or used for these purposes."],
                )
            )
        if limit.no_bulk_sharing:
            rules.append(
                self.prohibition(
                    "bulk-sharing",
                    flow,
                    action="distribute",
                    target=target,
                    assigner=self.owner(),
                    assignee=originators if flow else actors,
                    constraints=[_constraint("bulk", "eq", True)],
                    description=["Share case by case; no bulk extracts or lists."],
                )
            )
        rules.extend(
            self.onward(
                flow,
                limit.onward_disclosure,
                limit.except_where_required_by_law,
                target=target,
                assigner=originators,
                assignee=holders,
                note=limit.onward_disclosure_note,
            )
        )
        return rules

    def use_only_for(self, flow: Flow) -> list[dict[str, Any]]:
        """Use limitation as data: a recipient's use for any other purpose needs the originator's agreement."""
        limits = self.agreement.restrictions_for(flow)
        # The checker joins every limit's list: a flow's own list widens the agreement's for that flow.
        allowed = {p for limit in limits for p in limit.use_only_for}
        if not allowed:
            return []
        unless = [_constraint("originatorAgreed", "eq", False)]
        if all(limit.except_where_required_by_law for limit in limits):
            unless.append(_constraint("requiredByLaw", "eq", False))
        return [
            self.prohibition(
                "use-only-for",
                flow,
                action="use",
                target=self.asset_iri(flow),
                assigner=self.endpoints(flow.source),
                assignee=self.endpoints(flow.recipient),
                constraints=[
                    _constraint("purpose", "isNoneOf", _refs(self.term_iri("purposes", p) for p in allowed)),
                    *unless,
                ],
                description=(limit.use_limitation for limit in limits),
            )
        ]

    def prohibitions(self) -> list[dict[str, Any]]:
        """The agreement's restrictions over all its information, then each flow's own and its use limitation."""
        data = {
            "uid": self.data_iri,
            "type": "AssetCollection",
            "title": f"Information shared under {self.agreement.id} (revision {self.revision.revision})",
        }
        # Every party in full, once per agreement-wide rule: that is where a reader finds who the parties are.
        rules = self.restriction_rules(
            self.agreement.restrictions,
            None,
            target=data,
            originators=self.owner(full=True),
            holders=self.every_party(full=True),
            actors=self.every_party(full=True),
        )
        for flow in self.agreement.flows:
            if flow.restrictions is not None:
                sources = self.endpoints(flow.source)
                recipients = self.endpoints(flow.recipient)
                both = sorted({_key(p): p for p in sources + recipients}.items())
                rules.extend(
                    self.restriction_rules(
                        flow.restrictions,
                        flow,
                        target=self.asset_iri(flow),
                        originators=sources,
                        holders=recipients,
                        actors=[p for _, p in both],
                    )
                )
            rules.extend(self.use_only_for(flow))
        return rules

    # ------------------------------------------------------------------ the policy

    def policy(self) -> dict[str, Any]:
        """The whole ``odrl:Agreement``."""
        agreement = self.agreement
        policy: dict[str, Any] = {
            "@context": CONTEXT,
            "uid": self.uid,
            "type": "Agreement",
            "profile": PROFILE_IRI,
            "conflict": "perm",
            "title": agreement.title,
            "isVersionOf": self.agreement_iri,
            "agreementId": agreement.id,
            "agreementVersion": agreement.version,
            "agreementKind": agreement.kind.value,
            "agreementStatus": agreement.status.value,
            "revision": self.revision.revision,
            "issued": _utc(self.revision.recorded_at),
            "contentFingerprint": self.facts.fingerprint,
            "vocabularyVersion": self.vocabulary.version,
        }
        if agreement.summary:
            policy["description"] = " ".join(agreement.summary.split())
        for key, day in (
            ("effectiveFrom", agreement.effective_from),
            ("reviewDue", agreement.review_due),
            ("expiresOn", agreement.expires_on),
        ):
            if day is not None:
                policy[key] = day.isoformat()
        policy["permission"] = [self.permission(flow) for flow in agreement.flows]
        policy["prohibition"] = self.prohibitions()
        return policy


def _key(party: Any) -> str:
    return party if isinstance(party, str) else str(party["uid"])


def agreement_to_odrl(
    revision: AgreementRevision,
    *,
    facts: DocumentFacts,
    organisations: Mapping[str, Organisation],
    vocabulary: Vocabulary,
    base_iri: str,
) -> dict[str, Any]:
    """One revision as an ODRL 2.2 ``Agreement`` in JSON-LD with an inline context: JSON-serialisable, deterministic.

    ``base_iri`` is where the registry serves agreements (``https://host/api/v1/agreements/``): absolute and
    ending in "/". ``facts`` must be this revision's (its fingerprint is exported); ``ValueError`` otherwise.
    """
    parts = urlsplit(base_iri)
    if parts.scheme not in ("http", "https") or not parts.netloc or not base_iri.endswith("/"):
        raise ValueError(f"base_iri must be an absolute http(s) IRI ending in '/', not {base_iri!r}")
    if (facts.agreement_id, facts.revision) != (revision.agreement.id, revision.revision):
        raise ValueError(
            f"the facts are of {facts.agreement_id} revision {facts.revision}, "
            f"not {revision.agreement.id} revision {revision.revision}"
        )
    return _Export(revision, facts, organisations, vocabulary, base_iri).policy()
