"""The registry's permission set in Cedar (``cedarpy``), a second baseline beside PyCasbin.

Cedar answers the same permission part as ``bench.casbin_model``: may ``discloser`` send data
category ``C`` to ``recipient`` for purpose ``P`` about data subject type ``S``, under some
flow of an agreement in force on the date, between parties that had signed by then? The rest
of the checker's work (which agreement and flow, Art 6/9/10, Sch 1, APDs, consent,
restrictions other than prohibited purposes, emergencies, routes outside agreements, reasons)
is not in it.

How it is modelled: the registry's structure as entities, each flow as one policy.

- Entities. ``Organisation::"<id>"`` for every registered organisation, with its organisation
  type as the attribute ``type`` and, as parents, the ``Agreement::"<id>"`` of each agreement
  in force on the date that it had signed by then: so ``principal in Agreement::"A"`` means
  "a signed party of A". ``Category::"<id>"`` for every data category, its parent category as
  parent, so Cedar's transitive ``in`` is the category hierarchy (a flow naming ``health``
  permits ``mental-health``, as casbin's role links do).
- Policies. One ``permit`` per flow of each agreement in force, with the policy id
  ``<agreement>/<flow>``. For example::

      permit (principal in Agreement::"A", action == Action::"share", resource)
      when {
        ["mash-assessment"].contains(context.purpose) &&
        ["child"].contains(context.subject) &&
        context.category in [Category::"health", Category::"identity"] &&
        (principal in Agreement::"A" && ["police-force"].contains(principal.type)) &&
        ((resource is Organisation && resource in Agreement::"A" && true) ||
         [Outside::"member-of-the-public"].contains(resource))
      };

  The source end is any signed party, named organisations or organisation types; the
  recipient end likewise, plus, for an end naming an organisation type, a recipient outside
  the registry of that type (``Outside::"<type>"``, casbin's ``type:<type>``). The flow's
  purposes exclude those its agreement prohibits; a flow left with none has no policy.
  Agreements in force and signatures are decided when the model is built, for one date, as
  casbin's policy lines are.
- Requests. Principal the discloser, resource the recipient (``Organisation`` or
  ``Outside``), context the purpose, one data subject type and one category. As with casbin,
  a question is one request per category (and per data subject type) and all must be allowed,
  each possibly by a different flow. ``cedar_request`` is the only place a ``ShareQuestion``
  is read.

The policies are built as Cedar's JSON policy format (EST) and parsed once into a
``cedarpy.PolicySet``; the entities are parsed once into a ``cedarpy.Entities``. Parsed from
JSON the policy set holds about a third of the memory the same policies parsed from Cedar text
do (no source locations), and answers as fast.

How Cedar is called (``HOW_CALLED``): ``cedarpy.is_authorized_batch`` once per question, the
batch being that one question's requests, against the two pre-parsed handles, so nothing is
parsed per call but the requests. Cedar has no policy index: every request evaluates every
policy, so the time per request grows with the number of flows in force.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import cedarpy

from agreements.model import Agreement, Endpoint, Organisation
from agreements.question import ShareQuestion
from agreements.snapshot import RegistrySnapshot
from agreements.vocabulary import Vocabulary
from bench.casbin_model import agreements_in_force

HOW_CALLED = (
    "cedarpy.is_authorized_batch once per question (that question's requests: one per category and data subject "
    "type, all must allow), against a PolicySet and an Entities handle each parsed once"
)

ACTION = {"type": "Action", "id": "share"}

Json = dict[str, Any]
CedarRequest = dict[str, Any]


# ---------------------------------------------------------------- Cedar JSON expressions (EST)


def _value(value: Any) -> Json:
    return {"Value": value}


def _entity(entity_type: str, entity_id: str) -> Json:
    return {"__entity": {"type": entity_type, "id": entity_id}}


def _var(name: str) -> Json:
    return {"Var": name}


def _attr(expr: Json, name: str) -> Json:
    return {".": {"left": expr, "attr": name}}


def _binary(op: str, left: Json, right: Json) -> Json:
    return {op: {"left": left, "right": right}}


def _all(exprs: list[Json]) -> Json:
    """Cedar ``&&`` of ``exprs`` (left to right, so Cedar stops at the first false)."""
    result = exprs[0]
    for expr in exprs[1:]:
        result = _binary("&&", result, expr)
    return result


def _any(exprs: list[Json]) -> Json:
    """Cedar ``||`` of ``exprs``; ``false`` when there are none."""
    if not exprs:
        return _value(False)
    result = exprs[0]
    for expr in exprs[1:]:
        result = _binary("||", result, expr)
    return result


def _one_of(values: Iterable[str], expr: Json) -> Json:
    """``[values].contains(expr)`` for strings."""
    return _binary("contains", {"Set": [_value(v) for v in sorted(values)]}, expr)


def _one_of_entities(entity_type: str, ids: Iterable[str], expr: Json) -> Json:
    """``[Type::"id", ...].contains(expr)``: exactly one of these entities (no hierarchy)."""
    return _binary("contains", {"Set": [_value(_entity(entity_type, i)) for i in sorted(ids)]}, expr)


# ---------------------------------------------------------------- the permission set


def _end(endpoints: tuple[Endpoint, ...], var: str, agreement_id: str, *, recipient: bool) -> Json:
    """One end of a flow: ``var`` is a signed party the end covers (or, for a recipient, outside, by type)."""
    who = _var(var)
    named = {e.organisation for e in endpoints if e.organisation is not None}
    types = {e.organisation_type for e in endpoints if e.organisation_type is not None}
    covers: list[Json] = []
    if any(e.any_party for e in endpoints):
        covers.append(_value(True))
    else:
        if named:
            covers.append(_one_of_entities("Organisation", named, who))
        if types:
            covers.append(_one_of(types, _attr(who, "type")))
    alternatives: list[Json] = []
    if covers:
        signed = [_binary("in", who, _value(_entity("Agreement", agreement_id)))]
        if recipient:
            # Only organisations carry a type; testing ``is`` first keeps ``.type`` from erroring on outsiders.
            signed.insert(0, {"is": {"left": who, "entity_type": "Organisation"}})
        alternatives.append(_all([*signed, _any(covers)]))
    if recipient and types:
        alternatives.append(_one_of_entities("Outside", types, who))
    return _any(alternatives)


def _agreement_policies(agreement: Agreement) -> Iterator[tuple[str, Json]]:
    """``(policy id, policy)`` for each flow of ``agreement`` that permits anything."""
    prohibited = set(agreement.restrictions.prohibited_purposes)
    context = _var("context")
    for flow in agreement.flows:
        policy_id = f"{agreement.id}/{flow.id}"
        purposes = set(flow.purposes) - prohibited
        if not purposes or not flow.data_subjects or not flow.data_categories:
            continue
        categories = {"Set": [_value(_entity("Category", c)) for c in sorted(flow.data_categories)]}
        body = _all(
            [
                _one_of(purposes, _attr(context, "purpose")),
                _one_of(flow.data_subjects, _attr(context, "subject")),
                _binary("in", _attr(context, "category"), categories),
                _end(flow.source, "principal", agreement.id, recipient=False),
                _end(flow.recipient, "resource", agreement.id, recipient=True),
            ]
        )
        yield (
            policy_id,
            {
                "effect": "permit",
                "principal": {"op": "in", "entity": {"type": "Agreement", "id": agreement.id}},
                "action": {"op": "==", "entity": ACTION},
                "resource": {"op": "All"},
                "conditions": [{"kind": "when", "body": body}],
                # The id again as ``@id``, so it survives conversion to Cedar text and shows in reasons.
                "annotations": {"id": policy_id},
            },
        )


def flow_policies(snapshot: RegistrySnapshot, as_of: date) -> dict[str, Json]:
    """One Cedar ``permit`` (JSON form) per flow of each agreement in force on ``as_of``, by ``agreement/flow``."""
    policies: dict[str, Json] = {}
    for agreement in agreements_in_force(snapshot, as_of):
        for policy_id, policy in _agreement_policies(agreement):
            if policy_id in policies:
                raise ValueError(f"two flows share the id {policy_id}")
            policies[policy_id] = policy
    return policies


def policy_text(policies: Mapping[str, Json]) -> str:
    """The policies in Cedar's own syntax, for reading (Cedar converts them)."""
    document = {"staticPolicies": dict(policies), "templates": {}, "templateLinks": []}
    return cedarpy.policies_from_json_str(json.dumps(document))


def entity_records(snapshot: RegistrySnapshot, as_of: date) -> list[Json]:
    """Organisations (type; agreements in force they had signed, as parents), agreements, the category tree."""
    organisations: Mapping[str, Organisation] = snapshot.organisations
    signed: dict[str, set[str]] = {org_id: set() for org_id in organisations}
    in_force: list[str] = []
    for agreement in agreements_in_force(snapshot, as_of):
        in_force.append(agreement.id)
        for party in agreement.parties:
            if party.signed_on_or_before(as_of):
                signed[party.organisation_id].add(agreement.id)
    records: list[Json] = [
        {
            "uid": {"type": "Organisation", "id": org_id},
            "attrs": {"type": organisation.type},
            "parents": [{"type": "Agreement", "id": a} for a in sorted(signed[org_id])],
        }
        for org_id, organisation in sorted(organisations.items())
    ]
    records.extend({"uid": {"type": "Agreement", "id": a}, "attrs": {}, "parents": []} for a in in_force)
    records.extend(_category_records(snapshot.vocabulary))
    return records


def _category_records(vocabulary: Vocabulary) -> Iterator[Json]:
    for category in sorted(vocabulary.data_categories.values(), key=lambda c: c.id):
        # A restricted child is never inherited from a less restricted parent (Vocabulary.covered_by).
        inherits = category.parent is not None and vocabulary.restrictions_of(
            category.id
        ) <= vocabulary.restrictions_of(category.parent)
        parents = [{"type": "Category", "id": category.parent}] if inherits else []
        yield {"uid": {"type": "Category", "id": category.id}, "attrs": {}, "parents": parents}


# ---------------------------------------------------------------- questions


def cedar_request(question: ShareQuestion, as_of: date) -> list[CedarRequest]:
    """The Cedar requests for a question's permission part: one per category and data subject type; all must allow.

    The only place a ``ShareQuestion`` is read. ``as_of`` is the date the permission set was
    built for: a question about another day is refused (ValueError) rather than answered from
    the wrong permission set.
    """
    if question.as_of != as_of:
        raise ValueError(f"the Cedar permission set is for {as_of.isoformat()}, not {question.as_of.isoformat()}")
    subject_types = sorted(question.subject_types())
    principal = {"type": "Organisation", "id": question.discloser}
    if question.recipient is not None:
        resource = {"type": "Organisation", "id": question.recipient}
    else:
        resource = {"type": "Outside", "id": question.recipient_type or ""}
    return [
        {
            "principal": principal,
            "action": ACTION,
            "resource": resource,
            "context": {"purpose": question.purpose, "subject": subject, "category": _entity("Category", category)},
        }
        for category in question.data_categories
        for subject in subject_types
    ]


@dataclass
class CedarShareModel:
    """A parsed Cedar policy set and entity graph for one date, and what went into them."""

    policies: cedarpy.PolicySet
    entities: cedarpy.Entities
    as_of: date
    policy_count: int
    entity_count: int

    def allows(self, question: ShareQuestion) -> bool:
        """True when every request of the question is allowed (one ``is_authorized_batch`` call)."""
        requests = cedar_request(question, self.as_of)
        if not requests:
            return False
        results = cedarpy.is_authorized_batch(requests, self.policies, self.entities)
        allowed = True
        for result in results:
            if result.diagnostics.errors:
                # Cedar skips a policy that errors, which could turn a yes into a no: a modelling bug, so say so.
                raise RuntimeError(f"Cedar policy errors: {result.diagnostics.errors}")
            allowed = allowed and result.allowed
        return allowed


def build_cedar(snapshot: RegistrySnapshot, as_of: date) -> CedarShareModel:
    """The permission set of ``snapshot`` on ``as_of`` in Cedar, with policies and entities parsed once."""
    policies = flow_policies(snapshot, as_of)
    document = {"staticPolicies": policies, "templates": {}, "templateLinks": []}
    policy_set = cedarpy.PolicySet.from_json_str(json.dumps(document))
    entities = cedarpy.Entities.from_json_str(json.dumps(entity_records(snapshot, as_of)))
    return CedarShareModel(
        policies=policy_set,
        entities=entities,
        as_of=as_of,
        policy_count=len(policy_set),
        entity_count=len(entities),
    )


def estimate_policies(snapshot: RegistrySnapshot, as_of: date) -> int:
    """An upper bound on the Cedar policies (flows of agreements in force), without building them."""
    return sum(len(agreement.flows) for agreement in agreements_in_force(snapshot, as_of))
