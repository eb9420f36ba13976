"""The registry's permission set in PyCasbin, as the baseline the checker is timed against.

Casbin answers one thing: may ``discloser`` send data category ``C`` to ``recipient`` for
purpose ``P`` about data subject type ``S``? Each flow of each agreement in force on the date
is expanded into policy lines ``p, discloser, recipient, purpose, subject, category``: one per
signed source party x signed recipient party x purpose x data subject x category the flow
names. Endpoints naming an organisation type or "any party" are expanded to the parties they
cover; a flow to a type of recipient outside the registry (``member-of-the-public``) gets the
recipient ``type:<type>``. The data category hierarchy is a role hierarchy
(``g, mental-health, health``), so a flow naming ``health`` permits ``mental-health``. A
question with several categories is one ``enforce`` call per category, and all must allow.

The enforcer is PyCasbin's ``FastEnforcer`` (policies indexed by the exact-match fields
discloser, recipient, purpose and subject, so each call scans only the lines for that
quadruple rather than the whole policy) with in-memory policies loaded from lists.

Casbin only answers this permission part: which agreement, which flow, Art 6/9/10, Sch 1
preconditions, APDs, consent, restrictions, reserved decisions, emergencies and routes outside
agreements are not in it, and it returns a bare yes/no with no reasons. The comparison
therefore flatters casbin.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

import casbin
from casbin.model import FastModel
from casbin.persist import Adapter

from agreements.model import Agreement, Endpoint, Organisation
from agreements.question import ShareQuestion
from agreements.snapshot import RegistrySnapshot
from agreements.vocabulary import Vocabulary
from bench.generator import in_force_on

MODEL_TEXT = """
[request_definition]
r = sub, rcp, pur, subj, cat

[policy_definition]
p = sub, rcp, pur, subj, cat

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.sub == p.sub && r.rcp == p.rcp && r.pur == p.pur && r.subj == p.subj && g(r.cat, p.cat)
"""

# The FastEnforcer narrows each request to the policy lines with the same values in these fields.
CACHE_KEY_ORDER = (0, 1, 2, 3)

PolicyLine = tuple[str, str, str, str, str]


def outside_recipient(recipient_type: str) -> str:
    """The casbin subject for a recipient outside the registry, given by type."""
    return f"type:{recipient_type}"


def _ends(
    endpoints: Iterable[Endpoint],
    signed: Mapping[str, str],
    *,
    recipient: bool,
) -> set[str]:
    """The casbin subjects one end of a flow covers: signed parties (by id, type or any), and outside types."""
    found: set[str] = set()
    for end in endpoints:
        if end.any_party:
            found.update(signed)
        elif end.organisation is not None:
            if end.organisation in signed:
                found.add(end.organisation)
        elif end.organisation_type is not None:
            found.update(org for org, org_type in signed.items() if org_type == end.organisation_type)
            if recipient:
                found.add(outside_recipient(end.organisation_type))
    return found


def agreements_in_force(snapshot: RegistrySnapshot, as_of: date) -> Iterator[Agreement]:
    """The revision of each agreement that governs on ``as_of``, where it is active and in force."""
    for agreement_id in sorted(snapshot.histories):
        revision = snapshot.revision_in_force(agreement_id, as_of)
        if revision is not None and in_force_on(revision.agreement, as_of):
            yield revision.agreement


def permission_lines(snapshot: RegistrySnapshot, as_of: date) -> Iterator[PolicyLine]:
    """Every ``(discloser, recipient, purpose, subject, category)`` an agreement in force allows (with repeats)."""
    organisations: Mapping[str, Organisation] = snapshot.organisations
    for agreement in agreements_in_force(snapshot, as_of):
        signed = {
            p.organisation_id: organisations[p.organisation_id].type
            for p in agreement.parties
            if p.signed_on_or_before(as_of)
        }
        for flow in agreement.flows:
            sources = _ends(flow.source, signed, recipient=False)
            recipients = _ends(flow.recipient, signed, recipient=True)
            for discloser in sources:
                for recipient in recipients:
                    for purpose in flow.purposes:
                        # A purpose the agreement prohibits is outside the permission set, whatever a flow lists.
                        if purpose in agreement.restrictions.prohibited_purposes:
                            continue
                        for subject in flow.data_subjects:
                            for category in flow.data_categories:
                                yield (discloser, recipient, purpose, subject, category)


def category_links(vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """``(child, parent)`` for the data category hierarchy: casbin's role links.

    A restricted child (special, criminal or process-owned where its parent is not) is not inherited
    (``Vocabulary.covered_by``), so it has no link to its parent.
    """
    return sorted(
        (c.id, c.parent)
        for c in vocabulary.data_categories.values()
        if c.parent is not None and vocabulary.restrictions_of(c.id) <= vocabulary.restrictions_of(c.parent)
    )


class ListAdapter(Adapter):  # type: ignore[misc]
    """Loads policy lines and role links from memory (no file, no string parsing)."""

    def __init__(self, policies: Iterable[PolicyLine], links: Iterable[tuple[str, str]]) -> None:
        self._policies = policies
        self._links = links

    def load_policy(self, model: casbin.model.Model) -> None:
        store = model.model["p"]["p"].policy
        for line in self._policies:
            store.append(list(line))
        links = model.model["g"]["g"].policy
        for link in self._links:
            links.append(list(link))

    def save_policy(self, model: casbin.model.Model) -> bool:
        return False


@dataclass
class CasbinShareModel:
    """A loaded enforcer and what went into it."""

    enforcer: casbin.Enforcer
    policy_lines: int

    def allows(self, question: ShareQuestion) -> bool:
        """True when every category of the question is allowed (one ``enforce`` call per category)."""
        recipient = question.recipient or outside_recipient(question.recipient_type or "")
        enforce = self.enforcer.enforce
        return all(
            enforce(question.discloser, recipient, question.purpose, subject_type, category)
            for subject_type in sorted(question.subject_types())
            for category in question.data_categories
        )


def build_enforcer(snapshot: RegistrySnapshot, as_of: date, *, fast: bool = True) -> CasbinShareModel:
    """The permission set of ``snapshot`` on ``as_of`` in PyCasbin.

    ``fast`` (the default) gives a ``FastEnforcer`` whose policies are indexed by discloser,
    recipient, purpose and subject; otherwise a plain ``Enforcer``, which scans every policy
    line on each call.
    """
    lines = sorted(set(permission_lines(snapshot, as_of)))
    adapter = ListAdapter(lines, category_links(snapshot.vocabulary))
    enforcer: casbin.Enforcer
    if fast:
        model = FastModel(list(CACHE_KEY_ORDER))
        model.load_model_from_text(MODEL_TEXT)
        enforcer = casbin.FastEnforcer(model, adapter, cache_key_order=list(CACHE_KEY_ORDER))
    else:
        model = casbin.model.Model()
        model.load_model_from_text(MODEL_TEXT)
        enforcer = casbin.Enforcer(model, adapter)
    return CasbinShareModel(enforcer=enforcer, policy_lines=len(lines))


def estimate_policy_lines(snapshot: RegistrySnapshot, as_of: date) -> int:
    """An upper bound on the policy lines (before removing repeats), without expanding them: is building sensible?"""
    organisations: Mapping[str, Organisation] = snapshot.organisations
    total = 0
    for agreement in agreements_in_force(snapshot, as_of):
        signed = {
            p.organisation_id: organisations[p.organisation_id].type
            for p in agreement.parties
            if p.signed_on_or_before(as_of)
        }
        for flow in agreement.flows:
            sources = _ends(flow.source, signed, recipient=False)
            recipients = _ends(flow.recipient, signed, recipient=True)
            total += (
                len(sources)
                * len(recipients)
                * len(flow.purposes)
                * len(flow.data_subjects)
                * len(flow.data_categories)
            )
    return total
