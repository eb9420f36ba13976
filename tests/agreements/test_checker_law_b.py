"""The share checker against rules 6-14 of the "safe advice" rules (issue 6), each row worked out from the law.

Rules covered: statutory duties as a lawful basis (6); consent must help (7); routes outside agreements fit
the discloser, the recipient and the purpose (8); disclosure schemes (9); MAPPA third-party disclosure by
level (10); the recipient's own footing (11); bulk sharing (12); fail closed on unknown terms in stored
revisions (13); the answer's instruction, obligations and fixes (14).

Every row is a share a Northshire practitioner might propose, described by the people involved (child,
parent who is a victim, alleged perpetrator...), with the answer a careful information-governance lead
would give from ``../shared/reference/domain.md`` (sections 3 and 4), the statutes and the standard
agreements in ``agreements/library`` — never from running the checker. A row states the decision, the
instruction's kind, the reason codes that must appear (``expected <= answer.codes()``) and, where it
matters, codes that must not. Rows marked ``xfail(strict=True)`` are cases where the checker is believed to
be wrong in law; the reason names the provision.

The standard agreements are in force on the default date, 1 July 2026 (MARAC from 5 Feb 2026, MASH from
1 Apr 2026, MAPPA from 1 Jun 2026).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from agreements.answer import Code, Decision, EscalateTo, InstructionKind, ShareAnswer
from agreements.checker import check_share
from agreements.model import (
    Agreement,
    AgreementRevision,
    Art6Entry,
    Art9Entry,
    Art10Entry,
    ConsentOverrideGround,
    Frequency,
    LawfulBases,
    Organisation,
)
from agreements.question import (
    ConsentStatus,
    NotSoughtReason,
    Person,
    PersonRole,
    RiskFact,
    ShareQuestion,
    Urgency,
)
from agreements.snapshot import RegistrySnapshot
from agreements.vocabulary import Vocabulary
from tests.agreements.conftest import MARAC, MASH, build_snapshot, revision
from tests.agreements.test_checker_cases import (
    ACADEMY,
    ACUTE,
    ASC,
    CSC,
    FIRE,
    GP,
    HOME_OFFICE,
    HOMES,
    HOUSING,
    IDVA,
    MAPPA,
    POLICE,
    PROBATION,
    PUBLIC,
    RECOVERY,
    SAB,
    SCHOOL,
    Registry,
    Tweak,
    _mash_v3_0,
    _others,
    bases_changed,
    only,
    party_changed,
    restrictions_changed,
    with_bases,
)

ON = date(2026, 7, 1)
ICB = "nhs-northshire-icb"
INDEPENDENT_SCHOOL = "independent-school"
VOLUNTARY = "voluntary-organisation"
# Recipients described by type because they are outside the registry.
OUTSIDE_TYPES = frozenset({PUBLIC, INDEPENDENT_SCHOOL, VOLUNTARY})

OBTAINED = ConsentStatus.OBTAINED
REFUSED = ConsentStatus.REFUSED
NOT_SOUGHT = ConsentStatus.NOT_SOUGHT
PROTECTED = PersonRole.PROTECTED
SUBJECT = PersonRole.DATA_SUBJECT
BOTH = PersonRole.BOTH

R = RiskFact
K = InstructionKind
C = Code
E = EscalateTo
COVERED, NOT_COVERED, ESCALATE = Decision.COVERED, Decision.NOT_COVERED, Decision.ESCALATE


# ---------------------------------------------------------------- people involved


def child(
    ref: str = "child",
    *,
    age: int | None = 8,
    born: date | None = None,
    role: PersonRole = BOTH,
    consent: ConsentStatus = NOT_SOUGHT,
    because: NotSoughtReason | None = None,
    capacity: bool | None = None,
    about: Iterable[str] = (),
    deceased: bool | None = None,
) -> Person:
    """A child (Children Act 1989 s105: under 18), by age or date of birth."""
    return Person(
        "child",
        role=role,
        ref=ref,
        age=None if born is not None else age,
        date_of_birth=born,
        has_capacity=capacity,
        consent=consent,
        consent_not_sought_reason=because,
        data_categories=tuple(about),
        deceased=deceased,
    )


def adult(
    type: str,
    ref: str | None = None,
    *,
    age: int | None = 35,
    role: PersonRole = BOTH,
    consent: ConsentStatus = NOT_SOUGHT,
    because: NotSoughtReason | None = None,
    capacity: bool | None = True,
    about: Iterable[str] = (),
    must_not_be_told: bool = False,
    care_needs: bool = False,
    cannot_protect_self: bool = False,
    deceased: bool | None = None,
) -> Person:
    """An adult of a data-subject type (adult-victim, parent-carer, alleged-perpetrator...)."""
    return Person(
        type,
        role=role,
        ref=ref or type,
        age=age,
        has_capacity=capacity,
        consent=consent,
        consent_not_sought_reason=because,
        data_categories=tuple(about),
        must_not_be_told=must_not_be_told,
        care_and_support_needs=care_needs,
        unable_to_protect_self=cannot_protect_self,
        deceased=deceased,
    )


def perpetrator(
    *, about: Iterable[str] = (), because: NotSoughtReason | None = NotSoughtReason.INCREASES_RISK
) -> Person:
    """The alleged perpetrator: a data subject, never asked (MASH and MARAC ``do_not_inform``)."""
    return adult("alleged-perpetrator", "perpetrator", role=SUBJECT, about=about, because=because)


def ask(
    discloser: str,
    to: str,
    people: Iterable[Person],
    categories: Iterable[str],
    purpose: str,
    *,
    risks: Iterable[RiskFact] = (),
    urgency: Urgency = Urgency.ROUTINE,
    on: date = ON,
    bulk: bool = False,
    received_from: str | None = None,
    received_under: str | None = None,
    originator_agreed: bool = False,
    statutory_request: str | None = None,
    mappa_level: int | None = None,
) -> ShareQuestion:
    """A people-involved share question; ``to`` is a registered organisation or an outside recipient type."""
    outside = to in OUTSIDE_TYPES
    return ShareQuestion(
        discloser=discloser,
        people=tuple(people),
        data_categories=tuple(categories),
        purpose=purpose,
        as_of=on,
        recipient=None if outside else to,
        recipient_type=to if outside else None,
        risks=frozenset(risks),
        urgency=urgency,
        bulk=bulk,
        received_from=received_from,
        received_under=received_under,
        originator_agreed=originator_agreed,
        statutory_request=statutory_request,
        mappa_level=mappa_level,
    )


# ---------------------------------------------------------------- registry variants


def _replace_flow(agreement: Agreement, flow_id: str, **changes: Any) -> Agreement:
    assert agreement.flow(flow_id) is not None, f"{agreement.id} should have flow {flow_id}"
    flows = tuple(dataclasses.replace(f, **changes) if f.id == flow_id else f for f in agreement.flows)
    return dataclasses.replace(agreement, flows=flows)


def override_grounds_added(agreement_id: str, *grounds: ConsentOverrideGround) -> Tweak:
    """The agreement's consent model with more override grounds."""

    def tweak(registry: Registry) -> list[AgreementRevision]:
        agreement = registry[agreement_id]
        model = dataclasses.replace(
            agreement.consent_model, override_grounds=(*agreement.consent_model.override_grounds, *grounds)
        )
        return [*_others(registry, agreement_id), revision(dataclasses.replace(agreement, consent_model=model))]

    return tweak


def art6_without(agreement_id: str, organisation_id: str) -> Tweak:
    """The agreement with one party taken out of every Art 6 entry (its own basis is no longer on file)."""

    def tweak(registry: Registry) -> list[AgreementRevision]:
        agreement = registry[agreement_id]
        art6 = tuple(
            dataclasses.replace(e, parties=tuple(p for p in e.parties if p != organisation_id))
            for e in agreement.lawful_bases.art6
            if e.parties != (organisation_id,)
        )
        assert all(organisation_id not in e.parties for e in art6)
        return [*_others(registry, agreement_id), revision(with_bases(agreement, art6=art6))]

    return tweak


def art6_replaced_for(agreement_id: str, organisation_id: str, basis: str) -> Tweak:
    """One party's Art 6 entries replaced by a single entry naming ``basis``."""

    def tweak(registry: Registry) -> list[AgreementRevision]:
        agreement = registry[agreement_id]
        kept = tuple(
            dataclasses.replace(e, parties=tuple(p for p in e.parties if p != organisation_id))
            for e in agreement.lawful_bases.art6
            if e.parties != (organisation_id,)
        )
        art6 = (*kept, Art6Entry(basis, "A basis recorded under an old vocabulary", parties=(organisation_id,)))
        return [*_others(registry, agreement_id), revision(with_bases(agreement, art6=art6))]

    return tweak


def marac_art10_consent_only(registry: Registry) -> list[AgreementRevision]:
    """MARAC whose only Art 10 route is Sch 1 para 29 (the data subject's consent)."""
    art10 = (Art10Entry("art10-schedule1", schedule1="dpa-sch1-29", source="Consent of the data subject"),)
    return [*_others(registry, MARAC), revision(with_bases(registry[MARAC], art10=art10))]


def marac_flows_unknown_condition(registry: Registry) -> list[AgreementRevision]:
    """MARAC whose flows F3 and F10 (the two that carry the recovery service's research to the meeting) state
    their own Art 9 entries, each naming only a Sch 1 paragraph the vocabulary lacks."""
    agreement = registry[MARAC]
    unknown = (Art9Entry("art9-2-g", schedule1="dpa-sch1-99", source="Paragraph since repealed"),)
    for flow_id in ("F3", "F10"):
        flow = agreement.flow(flow_id)
        assert flow is not None
        bases = dataclasses.replace(flow.lawful_bases or LawfulBases(), art9=unknown)
        agreement = _replace_flow(agreement, flow_id, lawful_bases=bases)
    return [*_others(registry, MARAC), revision(agreement)]


def mash_history_v3_0_unknown_term(registry: Registry) -> list[AgreementRevision]:
    """MASH v3.0 (revision 1, in force from 1 Apr 2025) whose only Art 9 entry names an unknown condition;
    v3.1 (revision 2, from 1 Apr 2026) is the clean standard text."""
    current = registry[MASH]
    old = with_bases(
        _mash_v3_0(current), art9=(Art9Entry("art9-2-q", schedule1="dpa-sch1-18", source="Mistyped condition"),)
    )
    return [
        *_others(registry, MASH),
        AgreementRevision(old, 1, datetime(2025, 3, 20, tzinfo=UTC), "test"),
        AgreementRevision(current, 2, datetime(2026, 3, 12, tzinfo=UTC), "test"),
    ]


# ---------------------------------------------------------------- the row


Check = Callable[[ShareAnswer], str | None]


@dataclass(frozen=True)
class Row:
    """One proposed share and the answer the law gives."""

    id: str
    question: ShareQuestion
    decision: Decision
    kind: InstructionKind
    codes: frozenset[str]
    absent: frozenset[str] = frozenset()
    registry: Tweak | None = None
    escalate_to: frozenset[EscalateTo] = frozenset()
    not_escalate_to: frozenset[EscalateTo] = frozenset()
    obligations: frozenset[str] = frozenset()
    instruction_mentions: str | None = None
    instruction_must_not_mention: tuple[str, ...] = ()
    check: Check | None = None
    unique_obligations: bool = False


def case(
    id: str,
    question: ShareQuestion,
    decision: Decision,
    kind: InstructionKind,
    codes: Iterable[Code],
    *,
    absent: Iterable[Code] = (),
    registry: Tweak | None = None,
    escalate_to: Iterable[EscalateTo] = (),
    not_escalate_to: Iterable[EscalateTo] = (),
    obligations: Iterable[str] = (),
    mentions: str | None = None,
    must_not_mention: Iterable[str] = (),
    check: Check | None = None,
    unique_obligations: bool = False,
    xfail: str | None = None,
) -> object:
    """A table row as a pytest param; ``xfail`` names why the checker is believed wrong in law."""
    row = Row(
        id,
        question,
        decision,
        kind,
        frozenset(c.value for c in codes),
        absent=frozenset(c.value for c in absent),
        registry=registry,
        escalate_to=frozenset(escalate_to),
        not_escalate_to=frozenset(not_escalate_to),
        obligations=frozenset(obligations),
        instruction_mentions=mentions,
        instruction_must_not_mention=tuple(must_not_mention),
        check=check,
        unique_obligations=unique_obligations,
    )
    marks = [pytest.mark.xfail(reason=f"checker: {xfail}", strict=True)] if xfail else []
    return pytest.param(row, id=id, marks=marks)


# Never tell a practitioner to seek consent where a duty applies or the person must not be told.
SEEK_CONSENT = re.compile(r"\b(seek|ask for|obtain|get)\b[^.;]*\bconsent\b", re.IGNORECASE)
CSC_NAME = "children's social care"
ASC_NAME = "adult social care"


def no_consent_advice(answer: ShareAnswer) -> str | None:
    """The instruction must not tell the practitioner to seek consent."""
    if SEEK_CONSENT.search(answer.instruction.text):
        return f"instruction tells the practitioner to seek consent: {answer.instruction.text!r}"
    return None


def escalations_name_contacts(*targets: EscalateTo) -> Check:
    """Escalations to these targets name a contact (the registry has one for each)."""

    def check(answer: ShareAnswer) -> str | None:
        for escalation in answer.escalations:
            if escalation.to in targets and not escalation.contact:
                return f"escalation to {escalation.to} names no contact"
        return None

    return check


def has_fixes(answer: ShareAnswer) -> str | None:
    """A near miss states what would make the agreement cover it, for governance leads."""
    return None if answer.agreement_fixes else "no agreement fix offered for a near miss"


# ================================================================ rule 6: a statutory duty is a lawful basis

S47 = "ca1989-s47"
S16H = "ca2004-s16h"
S45 = "care-act-2014-s45"
S27 = "ca1989-s27"

STATUTORY_DUTY_CASES = [
    case(
        "s47-acute-trust-assists-enquiry-despite-parent-capacitous-refusal",
        # CA 1989 s47(9), (11)(e): an NHS foundation trust called upon by the local authority must assist its
        # s47 enquiry, in particular by providing relevant information. The duty is the Art 6(1)(c) basis (legal
        # obligation), so the mother's capacitous refusal is not the question and she is not asked again.
        ask(
            ACUTE,
            CSC,
            [
                child(age=3, about=["identity", "physical-health"]),
                adult("parent-carer", "mother", consent=REFUSED, about=["identity", "mental-health"]),
            ],
            ["identity", "physical-health", "mental-health"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.CONSENT_NO_OVERRIDE_GROUND, C.CAPACITOUS_REFUSAL_RESPECTED, C.CONSENT_REQUIRED],
        check=no_consent_advice,
    ),
    case(
        "s47-adult-social-care-assists-csc-with-no-agreement",
        # s47(11)(a) "any local authority": the council's adult social care holds the father's care records. No
        # agreement has an ASC -> CSC flow, but the duty to assist is itself the basis (Art 6(1)(c); Art 9(2)(g)
        # + Sch 1 para 6 statutory purposes; 9(2)(h) social work) — the share is covered by law.
        ask(
            ASC,
            CSC,
            [
                child(age=6, role=PROTECTED),
                adult("parent-carer", "father", about=["identity", "social-care", "mental-health"]),
            ],
            ["identity", "social-care", "mental-health"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.CONSENT_NO_OVERRIDE_GROUND, C.STATUTORY_REQUEST_DOES_NOT_FIT],
        check=no_consent_advice,
    ),
    case(
        "s47-housing-authority-assists-with-only-mappa-in-the-registry",
        # s47(11)(c) a local housing authority; the MASH agreement is not in the registry at all, and the
        # housing authority's only agreement (MAPPA) does not carry child protection. The duty still applies.
        ask(
            HOUSING,
            CSC,
            [child(age=11, about=["identity", "household-composition"]), adult("parent-carer", "mother")],
            ["identity", "household-composition", "housing"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.CONSENT_NO_OVERRIDE_GROUND, C.CONSENT_REQUIRED],
        registry=only(MAPPA),
        check=no_consent_advice,
    ),
    case(
        "s47-request-to-police-does-not-fit-but-mash-f1-covers",
        # The police are not in s47(11); a request "under s47" puts them under no s47(9) duty. The share is then
        # judged on the normal rules: MASH F1 (police -> CSC, child-protection-enquiry), 6(1)(e) authorised by
        # law (DPA s36(4)), Art 10 official authority, consent not sought as it would prejudice the enquiry.
        ask(
            POLICE,
            CSC,
            [
                child(age=9, because=NotSoughtReason.PREJUDICE_ENQUIRY, about=["identity"]),
                adult("parent-carer", "mother", because=NotSoughtReason.PREJUDICE_ENQUIRY, about=["identity"]),
                perpetrator(about=["identity", "criminal-allegations"]),
            ],
            ["identity", "criminal-allegations", "domestic-abuse-history"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_REQUEST_DOES_NOT_FIT, C.FLOW_MATCHED, C.ART10_ROUTE],
        absent=[C.STATUTORY_DUTY_APPLIES],
    ),
    case(
        "s47-request-to-gp-practice-does-not-fit-but-mash-f3-covers",
        # A GP practice is an NHS contractor, not an NHS body listed in s47(11) (NHS England, ICB, NHS trust or
        # foundation trust). No s47(9) duty, but MASH F3 covers GP -> CSC health information, Art 9(2)(h) +
        # Sch 1 para 2 / 9(2)(g) + para 6 (GP named), consent not sought as it would increase the risk.
        ask(
            GP,
            CSC,
            [
                child(age=2, because=NotSoughtReason.INCREASES_RISK, about=["identity", "health"]),
                adult("parent-carer", "mother", because=NotSoughtReason.INCREASES_RISK, about=["identity"]),
            ],
            ["identity", "health"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_REQUEST_DOES_NOT_FIT, C.FLOW_MATCHED, C.ART9_CONDITION],
        absent=[C.STATUTORY_DUTY_APPLIES],
    ),
    case(
        "s47-request-to-school-without-mash-is-a-referral-not-a-duty",
        # Schools are not in s47(11): no duty to assist. With no agreement (MASH absent) the school's route is a
        # child-protection referral to children's social care (Working Together 2023; KCSIE), which is the
        # recipient here: REFER_NOW, an escalation to CSC.
        ask(
            SCHOOL,
            CSC,
            [
                child(age=7, because=NotSoughtReason.INCREASES_RISK),
                adult("parent-carer", "father", role=SUBJECT, because=NotSoughtReason.INCREASES_RISK),
            ],
            ["identity", "education", "household-composition"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
        ),
        ESCALATE,
        K.REFER_NOW,
        [C.STATUTORY_REQUEST_DOES_NOT_FIT, C.STATUTORY_DUTY_CHILD_PROTECTION],
        absent=[C.STATUTORY_DUTY_APPLIES],
        registry=only(MARAC, MAPPA),
    ),
    case(
        "s47-cited-by-police-as-requester-does-not-fit-mash-f12-covers",
        # s47(9) is a duty to assist the LOCAL AUTHORITY's enquiries; a police request is not a s47 request.
        # The acute trust's share into the strategy discussion is still covered by MASH F12 (acute -> police,
        # child-protection-enquiry, health), 6(1)(e), 9(2)(g) + para 6 (trust named).
        ask(
            ACUTE,
            POLICE,
            [
                child(age=1, because=NotSoughtReason.PREJUDICE_ENQUIRY),
                adult(
                    "parent-carer",
                    "mother",
                    role=SUBJECT,
                    because=NotSoughtReason.PREJUDICE_ENQUIRY,
                    about=["identity"],
                ),
            ],
            ["identity", "health"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_REQUEST_DOES_NOT_FIT, C.FLOW_MATCHED],
        absent=[C.STATUTORY_DUTY_APPLIES],
    ),
    case(
        "s47-request-for-early-help-does-not-fit-consented-f6-covers",
        # s47 enquiries are about suspected significant harm; early help is not a s47 enquiry, so no s47(9)
        # duty. The housing authority's share is judged normally: MASH F6 covers early help with the parent's
        # consent (early help is consent-based; consent never hurts).
        ask(
            HOUSING,
            CSC,
            [child(age=4, consent=OBTAINED), adult("parent-carer", "mother", consent=OBTAINED)],
            ["identity", "household-composition", "housing"],
            "early-help",
            statutory_request=S47,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_REQUEST_DOES_NOT_FIT, C.FLOW_MATCHED, C.CONSENT_OBTAINED],
        absent=[C.STATUTORY_DUTY_APPLIES],
    ),
    case(
        "s16h-gp-practice-must-supply-for-practice-review",
        # CA 2004 s16H: a safeguarding partner (the LA, the ICB, the police) may require any person or body to
        # supply information for its s16E/16F functions (here a local child safeguarding practice review), and
        # the person must comply. A GP practice is "a person or body". Legal obligation: Art 6(1)(c), Art
        # 9(2)(g) + Sch 1 para 6. No agreement has this flow; consent is not the question.
        ask(
            GP,
            CSC,
            [
                child(age=5, about=["identity", "health"]),
                adult("parent-carer", "mother", consent=REFUSED, about=["identity", "mental-health"]),
            ],
            ["identity", "health", "mental-health"],
            "child-safeguarding-practice-review",
            statutory_request=S16H,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.CONSENT_NO_OVERRIDE_GROUND, C.CAPACITOUS_REFUSAL_RESPECTED, C.STATUTORY_REQUEST_DOES_NOT_FIT],
        check=no_consent_advice,
    ),
    case(
        "s16h-housing-association-must-supply-to-police-as-safeguarding-partner",
        # s16H binds any person or body, including a non-public housing association; the police are a
        # safeguarding partner (s16E(3)). The duty gives the association its own Art 6(1)(c) basis.
        ask(
            HOMES,
            POLICE,
            [child(age=13, role=PROTECTED), adult("parent-carer", "tenant", role=SUBJECT)],
            ["identity", "housing", "household-composition"],
            "child-safeguarding-practice-review",
            statutory_request=S16H,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.STATUTORY_REQUEST_DOES_NOT_FIT, C.RECIPIENT_BASIS_MISSING],
    ),
    case(
        "s16h-cited-for-employment-vetting-does-not-fit",
        # s16H requests are only for the safeguarding partners' s16E/16F functions; vetting is a separate
        # statutory scheme (Police Act 1997 Part 5). The request does not fit, no duty arises, no agreement
        # carries health data to the police for vetting (prohibited by MASH): not covered.
        ask(
            GP,
            POLICE,
            [adult("parent-carer", "applicant", about=["identity", "mental-health"])],
            ["identity", "mental-health"],
            "employment-vetting",
            statutory_request=S16H,
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.STATUTORY_REQUEST_DOES_NOT_FIT],
        absent=[C.STATUTORY_DUTY_APPLIES],
    ),
    case(
        "s16h-deceased-child-review-icb-request-gp-must-supply",
        # A practice review after a child's death: the ICB is a safeguarding partner; s16H obliges the GP to
        # supply. Confidentiality survives death, but disclosure required by law satisfies the common-law duty.
        ask(
            GP,
            ICB,
            [
                child(age=1, deceased=True, about=["identity", "health"]),
                adult("parent-carer", "mother", about=["identity", "health"]),
            ],
            ["identity", "health"],
            "child-safeguarding-practice-review",
            statutory_request=S16H,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.STATUTORY_REQUEST_DOES_NOT_FIT],
    ),
    case(
        "s45-acute-trust-must-supply-sab-for-review-carer-refused",
        # Care Act 2014 s45: the SAB requests information for a safeguarding adults review (its s44 function);
        # conditions 1-3 met (for its functions; the trust likely holds relevant information; it relates to the
        # trust's patient). The trust must comply: Art 6(1)(c). The carer's refusal is not the question.
        ask(
            ACUTE,
            SAB,
            [
                adult("adult-at-risk", "patient", age=82, deceased=True, care_needs=True, cannot_protect_self=True),
                adult("household-member", "carer", consent=REFUSED, about=["identity"]),
            ],
            ["identity", "health", "physical-health"],
            "safeguarding-adults-review",
            statutory_request=S45,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.CAPACITOUS_REFUSAL_RESPECTED, C.CONSENT_NO_OVERRIDE_GROUND, C.STATUTORY_REQUEST_DOES_NOT_FIT],
        check=no_consent_advice,
    ),
    case(
        "s45-housing-association-must-supply-sab",
        # s45 applies to "a person", so a registered provider (not a public authority) must comply too; its
        # Art 6 basis is the legal obligation, not a recognised legitimate interest.
        ask(
            HOMES,
            SAB,
            [adult("adult-at-risk", "tenant", age=67, care_needs=True, cannot_protect_self=True)],
            ["identity", "housing", "contact-details"],
            "safeguarding-adults-review",
            statutory_request=S45,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.STATUTORY_REQUEST_DOES_NOT_FIT, C.ART6_NOT_FOR_PUBLIC_AUTHORITY],
    ),
    case(
        "s45-cited-for-child-protection-does-not-fit-mash-f3-covers",
        # s45 is a request by a safeguarding ADULTS board for its functions; children's social care asking for a
        # child-protection enquiry is not a s45 request. MASH F3 covers the GP's share on its own terms.
        ask(
            GP,
            CSC,
            [
                child(age=10, because=NotSoughtReason.PREJUDICE_ENQUIRY),
                adult(
                    "parent-carer",
                    "father",
                    role=SUBJECT,
                    because=NotSoughtReason.PREJUDICE_ENQUIRY,
                    about=["identity"],
                ),
            ],
            ["identity", "health"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S45,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_REQUEST_DOES_NOT_FIT, C.FLOW_MATCHED],
        absent=[C.STATUTORY_DUTY_APPLIES],
    ),
    case(
        "s27-housing-authority-helps-child-in-need-assessment",
        # CA 1989 s27(1)-(3): the LA may request help from a local housing authority for its Part III functions
        # (a s17 child in need assessment); the authority must comply where compatible with its own duties.
        ask(
            HOUSING,
            CSC,
            [
                child(age=6, because=NotSoughtReason.STATUTORY_DUTY),
                adult("parent-carer", "mother", because=NotSoughtReason.STATUTORY_DUTY),
            ],
            ["identity", "housing", "household-composition"],
            "child-in-need-assessment",
            statutory_request=S27,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.STATUTORY_REQUEST_DOES_NOT_FIT, C.CONSENT_NO_OVERRIDE_GROUND],
        check=no_consent_advice,
    ),
    case(
        "s27-request-to-police-does-not-fit",
        # s27(3) lists local authorities, housing authorities and NHS bodies — not the police. Normal rules:
        # MASH F1 covers police -> CSC for a child in need assessment; the mother consented, the perpetrator is
        # never asked (increases risk, a MASH ground).
        ask(
            POLICE,
            CSC,
            [
                child(age=12, consent=OBTAINED, capacity=True),
                adult("parent-carer", "mother", consent=OBTAINED, about=["identity", "domestic-abuse-history"]),
                perpetrator(about=["identity", "criminal-convictions"]),
            ],
            ["identity", "domestic-abuse-history", "criminal-convictions"],
            "child-in-need-assessment",
            statutory_request=S27,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_REQUEST_DOES_NOT_FIT, C.FLOW_MATCHED],
        absent=[C.STATUTORY_DUTY_APPLIES],
    ),
    case(
        "operation-encompass-police-notify-maintained-school",
        # Victims and Prisoners Act 2024 (Operation Encompass duty; statutory guidance Nov 2025): the police must
        # notify a child's school of a domestic abuse incident involving the child before the next school day.
        # No request needed, no agreement needed, consent not the question.
        ask(
            POLICE,
            SCHOOL,
            [
                child(age=7, about=["identity", "domestic-abuse-history"]),
                adult("parent-carer", "mother", role=SUBJECT, about=["identity"]),
            ],
            ["identity", "domestic-abuse-history"],
            "operation-encompass-notification",
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.CONSENT_NO_OVERRIDE_GROUND, C.CONSENT_REQUIRED],
        check=no_consent_advice,
    ),
    case(
        "operation-encompass-police-notify-independent-school",
        # The duty covers independent schools too (statutory guidance): the school is outside the registry.
        ask(
            POLICE,
            INDEPENDENT_SCHOOL,
            [child(age=14, about=["identity", "domestic-abuse-history"])],
            ["identity", "domestic-abuse-history"],
            "operation-encompass-notification",
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES],
        absent=[C.CONSENT_NO_OVERRIDE_GROUND],
    ),
    case(
        "operation-encompass-duty-is-the-polices-not-the-schools",
        # The notification duty is on chief officers of police; a school sending DA information to the police
        # "for Operation Encompass" has no duty, and no agreement has a school -> police flow. No risk stated.
        ask(
            SCHOOL,
            POLICE,
            [child(age=8), adult("parent-carer", "mother", role=SUBJECT)],
            ["identity", "domestic-abuse-history"],
            "operation-encompass-notification",
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.NO_ROUTE],
        absent=[C.STATUTORY_DUTY_APPLIES],
    ),
    case(
        "s47-duty-does-not-launder-marac-onward-limit",
        # The housing authority received the MARAC action plan from the police (MARAC F5); MARAC information goes
        # on only with the referring agency's agreement. The s47 duty does not override the originator's
        # control: ask the police (originator) to share directly / agree today — rule 3 with a statutory duty.
        ask(
            HOUSING,
            CSC,
            [child(age=5, role=PROTECTED), adult("adult-victim", "mother"), perpetrator()],
            ["identity", "marac-action-plan"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
            received_from=POLICE,
            received_under=MARAC,
        ),
        ESCALATE,
        K.ASK_FIRST,
        # MARAC 2.1 states its use limitation as data: a child protection enquiry is another use (issue 7).
        [C.USE_LIMITATION_EXCEEDED],
        escalate_to=[E.ORIGINATING_AGENCY],
        # A MARAC agreement without the Sch 2 para 5 carve-out (the standard one has it since issue 7).
        registry=restrictions_changed(MARAC, except_where_required_by_law=False),
    ),
    case(
        "s47-duty-meets-the-marac-carve-out-for-disclosures-required-by-law",
        # The redrafted MARAC carves out disclosures the law requires (DPA 2018 Sch 2 para 5): the s47(9) duty is
        # the basis, the onward limit gives way, and the police are told what was disclosed.
        ask(
            HOUSING,
            CSC,
            [child(age=5, role=PROTECTED), adult("adult-victim", "mother"), perpetrator()],
            ["identity", "marac-action-plan"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
            received_from=POLICE,
            received_under=MARAC,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES, C.REQUIRED_BY_LAW_EXEMPTION],
        absent=[C.ONWARD_DISCLOSURE_NEEDS_ORIGINATOR_CONSENT],
        obligations=["TELL_ORIGINATOR"],
    ),
    case(
        "s47-duty-with-marac-originator-agreement-is-covered",
        # The police agreed to the action plan going to CSC; the s47(9) duty is then the basis.
        ask(
            HOUSING,
            CSC,
            [child(age=5, role=PROTECTED), adult("adult-victim", "mother"), perpetrator()],
            ["identity", "marac-action-plan"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
            received_from=POLICE,
            received_under=MARAC,
            originator_agreed=True,
        ),
        COVERED,
        K.SHARE,
        [C.STATUTORY_DUTY_APPLIES, C.ONWARD_DISCLOSURE_ORIGINATOR_AGREED],
        registry=restrictions_changed(MARAC, except_where_required_by_law=False),
    ),
    case(
        "s47-duty-does-not-release-mappa-plan",
        # A MAPPA risk management plan leaves MAPPA only by a third-party disclosure decision (MAPPA onward:
        # prohibited). With a child-protection duty in play the housing authority asks the originator (the
        # Responsible Authority) to share directly; it does not pass the plan on itself.
        ask(
            HOUSING,
            CSC,
            [child(age=9, role=PROTECTED), adult("mappa-offender", "offender", role=SUBJECT)],
            ["identity", "mappa-risk-management-plan"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            statutory_request=S47,
            received_from=PROBATION,
            received_under=MAPPA,
        ),
        ESCALATE,
        K.ASK_FIRST,
        [C.ONWARD_DISCLOSURE_PROHIBITED],
    ),
]


# ================================================================ rule 7: consent must help, never hurt

CONSENT_CASES = [
    case(
        "idva-victim-explicit-consent-mental-health-to-mash-found-via-9-2-a",
        # MASH lists only without-consent Sch 1 paragraphs for the IDVA service (para 18; para 10 only for
        # child-protection-enquiry; para 6 and 9(2)(h) name other parties). The mother gave explicit consent to
        # her own mental-health information going to the MASH: Art 9(2)(a) is met. Consent never turns a lawful
        # share into an unlawful one. Art 6: 6(1)(ea) Annex 1 para 6-7 (safeguarding a child) or 6(1)(a).
        ask(
            IDVA,
            CSC,
            [
                child(age=4, role=PROTECTED),
                adult(
                    "parent-carer",
                    "mother",
                    consent=OBTAINED,
                    about=["identity", "mental-health", "domestic-abuse-history"],
                ),
            ],
            ["identity", "mental-health", "domestic-abuse-history"],
            "mash-triage",
            risks=[R.RISK_OF_HARM],
        ),
        COVERED,
        K.SHARE,
        [C.CONSENT_OBTAINED, C.ART9_CONDITION, C.FLOW_MATCHED],
        absent=[C.ART6_ANNEX1_CONDITION_NOT_MET],
    ),
    case(
        "idva-same-share-without-consent-via-para-18",
        # The same share where asking would increase the risk: para 18 (protecting a child; consent could not be
        # reasonably sought without prejudicing protection), APD NDAS-APD-2026-01 on file.
        ask(
            IDVA,
            CSC,
            [
                child(age=4, role=PROTECTED),
                adult(
                    "parent-carer",
                    "mother",
                    because=NotSoughtReason.INCREASES_RISK,
                    about=["identity", "mental-health", "domestic-abuse-history"],
                ),
            ],
            ["identity", "mental-health", "domestic-abuse-history"],
            "mash-triage",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        COVERED,
        K.SHARE,
        [C.ART9_CONDITION, C.CONSENT_OVERRIDE_GROUND],
        absent=[C.APD_MISSING],
    ),
    case(
        "consent-only-art10-victims-own-caution-with-her-consent",
        # MARAC variant whose only Art 10 route is Sch 1 para 29 (consent). The criminal offence data is the
        # victim's own counter-allegation and she consented: para 29 met. The perpetrator appears only by name
        # (identity), never asked (MARAC do_not_inform; increases risk is a MARAC ground).
        ask(
            HOMES,
            POLICE,
            [
                adult("adult-victim", "victim", consent=OBTAINED, about=["identity", "criminal-allegations"]),
                perpetrator(about=["identity"]),
            ],
            ["identity", "criminal-allegations"],
            "marac-risk-assessment",
        ),
        COVERED,
        K.SHARE,
        [C.ART10_ROUTE, C.FLOW_MATCHED],
        registry=marac_art10_consent_only,
    ),
    case(
        "consent-only-art10-victim-consent-does-not-cover-perpetrators-record",
        # Same variant: the criminal-allegations are about the perpetrator. The victim's consent is not his; he
        # is never asked (MARAC do_not_inform), so no Art 10 route exists and the practitioner must not be told
        # to seek his consent. No risk facts: no public-interest case.
        ask(
            HOMES,
            POLICE,
            [
                adult("adult-victim", "victim", consent=OBTAINED, about=["identity"]),
                perpetrator(about=["identity", "criminal-allegations"]),
            ],
            ["identity", "criminal-allegations"],
            "marac-risk-assessment",
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.CONSENT_NOT_ASKED_MUST_NOT_BE_TOLD],
        absent=[C.ART10_ROUTE],
        registry=marac_art10_consent_only,
        check=no_consent_advice,
    ),
    case(
        "consent-only-art10-household-member-flagged-must-not-be-told",
        # As above, but the allegations concern an adult household member whom the practitioner says must not be
        # told (Person.must_not_be_told). Never advise seeking consent from someone who must not be told.
        ask(
            HOMES,
            POLICE,
            [
                adult("adult-victim", "victim", consent=OBTAINED, about=["identity"]),
                adult(
                    "household-member",
                    "brother",
                    role=SUBJECT,
                    must_not_be_told=True,
                    about=["identity", "criminal-allegations"],
                ),
            ],
            ["identity", "criminal-allegations"],
            "marac-risk-assessment",
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.CONSENT_NOT_ASKED_MUST_NOT_BE_TOLD],
        registry=marac_art10_consent_only,
        check=no_consent_advice,
    ),
    case(
        "consent-obtained-on-covered-school-share-stays-covered",
        # MASH F5: school -> CSC, child protection, the child's mental health. Mother and the Gillick-competent
        # child both consented. Para 18 works only without consent, but para 6 (school named) and 9(2)(a) do
        # not; obtaining consent never turns covered into not covered.
        ask(
            SCHOOL,
            CSC,
            [
                child(age=11, consent=OBTAINED, capacity=True, about=["identity", "mental-health", "education"]),
                adult("parent-carer", "mother", consent=OBTAINED, about=["identity"]),
            ],
            ["identity", "mental-health", "education"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        COVERED,
        K.SHARE,
        [C.CONSENT_OBTAINED, C.FLOW_MATCHED, C.ART9_CONDITION],
        absent=[C.CONSENT_NO_OVERRIDE_GROUND],
    ),
    case(
        "risk-of-harm-to-child-with-agreement-ground-is-enough-without-consent",
        # 2024 advice rule 3: "You do not need consent ... if ... there is a perceived risk of harm". MASH variant
        # whose consent model names the risk-of-harm-to-child ground. A welfare concern below significant harm;
        # consent not sought, no other reason: covered under F5 (Art 6(1)(e), no special data).
        ask(
            SCHOOL,
            CSC,
            [child(age=8, about=["identity", "education"]), adult("parent-carer", "father", about=["identity"])],
            ["identity", "education", "household-composition"],
            "mash-triage",
            risks=[R.RISK_OF_HARM],
        ),
        COVERED,
        K.SHARE,
        [C.CONSENT_OVERRIDE_GROUND, C.FLOW_MATCHED],
        absent=[C.CONSENT_NO_OVERRIDE_GROUND, C.CONSENT_REQUIRED],
        registry=override_grounds_added(MASH, ConsentOverrideGround.RISK_OF_HARM_TO_CHILD),
    ),
    case(
        "risk-of-harm-to-child-ground-covers-child-only-share",
        # The same variant and concern, with only the child's own details shared: the agreement's
        # risk-of-harm-to-child ground applies on the facts (2024 rule 3).
        ask(
            SCHOOL,
            CSC,
            [child(age=8, about=["identity", "education"]), adult("parent-carer", "father", role=PROTECTED)],
            ["identity", "education"],
            "mash-triage",
            risks=[R.RISK_OF_HARM],
        ),
        COVERED,
        K.SHARE,
        [C.CONSENT_OVERRIDE_GROUND, C.FLOW_MATCHED],
        absent=[C.CONSENT_NO_OVERRIDE_GROUND, C.CONSENT_GROUND_NOT_IN_AGREEMENT],
        registry=override_grounds_added(MASH, ConsentOverrideGround.RISK_OF_HARM_TO_CHILD),
    ),
    case(
        "risk-of-harm-to-child-with-increases-risk-reason-standard-mash",
        # Standard MASH: a welfare concern (below significant harm) and asking the father would increase the risk
        # — a MASH override ground — so the school shares without consent.
        ask(
            SCHOOL,
            CSC,
            [
                child(age=8, because=NotSoughtReason.INCREASES_RISK, about=["identity", "education"]),
                adult("parent-carer", "father", because=NotSoughtReason.INCREASES_RISK, about=["identity"]),
            ],
            ["identity", "education", "household-composition"],
            "mash-triage",
            risks=[R.RISK_OF_HARM],
        ),
        COVERED,
        K.SHARE,
        [C.CONSENT_OVERRIDE_GROUND],
        absent=[C.CONSENT_NO_OVERRIDE_GROUND],
    ),
    case(
        "risk-of-harm-to-an-adult-alone-is-no-override",
        # The 2024 rule 3 is about children. An adult victim with capacity, not asked, no reason, only a welfare
        # concern: no MARAC override ground is present on the facts; seek her consent — do not share.
        ask(
            IDVA,
            POLICE,
            [
                adult("adult-victim", "victim", about=["identity", "domestic-abuse-history"]),
                perpetrator(about=["identity"]),
            ],
            ["identity", "domestic-abuse-history"],
            "marac-referral",
            risks=[R.RISK_OF_HARM],
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.CONSENT_NO_OVERRIDE_GROUND],
        absent=[C.CONSENT_OVERRIDE_GROUND],
    ),
    case(
        "capacitous-refusal-with-risk-to-own-life-alone-is-respected",
        # Adult victim with capacity refuses; the only risk is to her own life, nobody else is at risk, no serious
        # crime, no high-risk DA assessment, no coercion (SCIE; ICO: 9(2)(c) not for someone able to consent who
        # refused). Her refusal is respected.
        ask(
            RECOVERY,
            POLICE,
            [
                adult(
                    "adult-victim",
                    "victim",
                    consent=REFUSED,
                    about=["identity", "substance-misuse", "domestic-abuse-history"],
                ),
            ],
            ["identity", "substance-misuse", "domestic-abuse-history"],
            "marac-referral",
            risks=[R.RISK_TO_LIFE],
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.CAPACITOUS_REFUSAL_RESPECTED],
        absent=[C.CONSENT_OVERRIDE_GROUND],
    ),
    case(
        "capacitous-refusal-overridden-where-a-child-is-at-risk",
        # Same refusal, but a four-year-old lives in the household and is at risk (risk to others; MARAC ground).
        # MARAC F1, Art 9(2)(g) + Sch 1 para 10 (preventing DA offences; to the police, no APD needed para 10(2)),
        # Art 6(1)(ea) Annex 1 para 5 / 6-7.
        ask(
            RECOVERY,
            POLICE,
            [
                adult(
                    "adult-victim",
                    "victim",
                    consent=REFUSED,
                    about=["identity", "substance-misuse", "domestic-abuse-history"],
                ),
                child(age=4, role=PROTECTED),
            ],
            ["identity", "substance-misuse", "domestic-abuse-history"],
            "marac-referral",
            risks=[R.RISK_TO_OTHERS],
        ),
        COVERED,
        K.SHARE,
        [C.CONSENT_OVERRIDE_GROUND, C.FLOW_MATCHED],
        absent=[C.CAPACITOUS_REFUSAL_RESPECTED],
    ),
    case(
        "capacitous-refusal-under-coercion-is-overridden",
        # A refusal made under the perpetrator's coercion is not a free choice (SCIE; MARAC override ground
        # coercion_or_undue_influence).
        ask(
            IDVA,
            POLICE,
            [
                adult("adult-victim", "victim", consent=REFUSED, about=["identity", "domestic-abuse-history"]),
                perpetrator(about=["identity"]),
            ],
            ["identity", "domestic-abuse-history", "contact-details"],
            "marac-referral",
            risks=[R.COERCION_OR_UNDUE_INFLUENCE],
        ),
        COVERED,
        K.SHARE,
        [C.CONSENT_OVERRIDE_GROUND],
        absent=[C.CAPACITOUS_REFUSAL_RESPECTED],
    ),
    case(
        "capacitous-refusal-high-risk-domestic-abuse-is-overridden",
        # MARAC: a victim assessed as high risk is referred even if she refuses (MARAC consent model notes;
        # override ground high_risk_domestic_abuse). The DASH is named by F1 itself.
        ask(
            IDVA,
            POLICE,
            [
                adult("adult-victim", "victim", consent=REFUSED, about=["identity", "dash-risk-assessment"]),
                perpetrator(about=["identity"]),
            ],
            ["identity", "dash-risk-assessment"],
            "marac-referral",
            risks=[R.HIGH_RISK_DOMESTIC_ABUSE],
        ),
        COVERED,
        K.SHARE,
        [C.CONSENT_OVERRIDE_GROUND, C.FLOW_MATCHED],
        absent=[C.CAPACITOUS_REFUSAL_RESPECTED],
    ),
    case(
        "seventeen-year-old-refusal-is-a-childs-not-a-capacitous-adults",
        # Born 2 Oct 2008, so 17 on 1 Jul 2026: a child (CA 1989 s105). Her views count, but protecting her takes
        # priority (2024 rule 1); significant harm is a MASH override ground. Not the adult-refusal rule.
        ask(
            SCHOOL,
            CSC,
            [
                child(
                    "young person",
                    born=date(2008, 10, 2),
                    consent=REFUSED,
                    capacity=True,
                    about=["identity", "mental-health", "education"],
                )
            ],
            ["identity", "mental-health", "education"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        COVERED,
        K.SHARE,
        [C.CONSENT_OVERRIDE_GROUND, C.ART9_CONDITION],
        absent=[C.CAPACITOUS_REFUSAL_RESPECTED],
    ),
    case(
        "perpetrator-never-asked-police-mash-notification",
        # MASH F1: the perpetrator is never told (consent model do_not_inform); his consent is not the question
        # and the practitioner is not told to seek it. The mother is not asked because it would prejudice the
        # enquiry (significant harm).
        ask(
            POLICE,
            CSC,
            [
                child(age=6, because=NotSoughtReason.PREJUDICE_ENQUIRY, about=["identity"]),
                adult(
                    "parent-carer",
                    "mother",
                    because=NotSoughtReason.PREJUDICE_ENQUIRY,
                    about=["identity", "domestic-abuse-history"],
                ),
                perpetrator(about=["identity", "criminal-allegations"], because=None),
            ],
            ["identity", "domestic-abuse-history", "criminal-allegations"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        COVERED,
        K.SHARE,
        [C.FLOW_MATCHED, C.ART10_ROUTE],
        absent=[C.CONSENT_REQUIRED, C.CONSENT_NO_OVERRIDE_GROUND],
        obligations=["DO_NOT_INFORM"],
        check=no_consent_advice,
    ),
]


# ================================================================ rule 8: routes outside agreements fit

OUTSIDE_ROUTE_CASES = [
    case(
        "school-to-csc-no-agreement-significant-harm-refer-now",
        # No agreement holds the school (MASH absent). A child-protection referral to children's social care is
        # always open (Working Together 2023; KCSIE; s47 enquiry follows): the recipient IS that service.
        ask(
            SCHOOL,
            CSC,
            [
                child(age=9, because=NotSoughtReason.INCREASES_RISK),
                adult("parent-carer", "stepfather", role=SUBJECT, because=NotSoughtReason.INCREASES_RISK),
            ],
            ["identity", "education", "household-composition"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        ESCALATE,
        K.REFER_NOW,
        [C.STATUTORY_DUTY_CHILD_PROTECTION],
        registry=only(MARAC, MAPPA),
        mentions=CSC_NAME,
        check=escalations_name_contacts(*E),
    ),
    case(
        "school-to-police-child-protection-refer-to-csc-instead",
        # No school -> police flow; the s47 route is a referral TO children's social care, which leads the
        # enquiry and holds the strategy discussion. "Do not share with the police — refer to CSC instead".
        ask(
            SCHOOL,
            POLICE,
            [
                child(age=9, because=NotSoughtReason.INCREASES_RISK),
                adult("parent-carer", "stepfather", role=SUBJECT, because=NotSoughtReason.INCREASES_RISK),
            ],
            ["identity", "education", "household-composition"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        NOT_COVERED,
        K.REFER_INSTEAD,
        [C.NOT_FOR_THIS_RECIPIENT, C.STATUTORY_DUTY_CHILD_PROTECTION],
        mentions=CSC_NAME,
    ),
    case(
        "csc-to-housing-child-protection-never-refer-to-itself",
        # CSC is the s47 body: the s47 referral route never endorses CSC sending data elsewhere and never tells
        # CSC to refer to itself. No MASH flow carries social care history to the housing authority for a
        # child protection enquiry (F10 is triage only, limited categories): ask DPO / Caldicott today.
        ask(
            CSC,
            HOUSING,
            [
                child(age=3, about=["identity", "social-care"]),
                adult("parent-carer", "mother", role=SUBJECT, about=["identity"]),
            ],
            ["identity", "social-care", "household-composition"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        ESCALATE,
        K.ASK_FIRST,
        [C.OWN_ENQUIRY_FUNCTIONS],
        absent=[C.STATUTORY_DUTY_CHILD_PROTECTION],
        not_escalate_to=[E.CHILDRENS_SOCIAL_CARE],
        must_not_mention=["refer to " + CSC_NAME, "refer to northshire county council - children's social care"],
    ),
    case(
        "csc-to-member-of-public-public-interest-recipient-cannot-act",
        # A neighbour is not able to act on child-protection information; a public-interest disclosure goes only
        # to someone able to act. CSC is never told to refer to itself.
        ask(
            CSC,
            PUBLIC,
            [
                child(age=3, about=["identity", "social-care"]),
                adult("parent-carer", "mother", role=SUBJECT, about=["identity"]),
            ],
            ["identity", "social-care"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.PUBLIC_INTEREST_RECIPIENT_CANNOT_ACT],
        absent=[C.STATUTORY_DUTY_CHILD_PROTECTION],
        not_escalate_to=[E.CHILDRENS_SOCIAL_CARE],
    ),
    case(
        "acute-trust-to-asc-adult-at-risk-refer-now",
        # Care Act 2014 s42: an adult with care and support needs, at risk of abuse, unable to protect herself
        # (she lacks capacity to decide). No agreement has an acute -> ASC flow for s42 enquiries: raise a
        # safeguarding concern with adult social care now.
        ask(
            ACUTE,
            ASC,
            [
                adult(
                    "adult-at-risk",
                    "patient",
                    age=79,
                    capacity=False,
                    because=NotSoughtReason.LACKS_CAPACITY,
                    care_needs=True,
                    cannot_protect_self=True,
                ),
            ],
            ["identity", "health", "physical-health"],
            "adult-safeguarding-enquiry",
            risks=[R.RISK_OF_SERIOUS_HARM],
        ),
        ESCALATE,
        K.REFER_NOW,
        [C.STATUTORY_DUTY_ADULT_SAFEGUARDING],
        mentions=ASC_NAME,
        check=escalations_name_contacts(*E),
        # An area without an adult safeguarding agreement: the route outside agreements is what is tested.
        registry=only(MASH, MARAC, MAPPA),
    ),
    case(
        "acute-trust-to-housing-adult-at-risk-refer-to-asc-instead",
        # The s42 enquiry is the local authority's (adult social care): the housing authority is the wrong
        # recipient for an adult safeguarding concern.
        ask(
            ACUTE,
            HOUSING,
            [
                adult(
                    "adult-at-risk",
                    "patient",
                    age=79,
                    capacity=False,
                    because=NotSoughtReason.LACKS_CAPACITY,
                    care_needs=True,
                    cannot_protect_self=True,
                ),
            ],
            ["identity", "health"],
            "adult-safeguarding-enquiry",
            risks=[R.RISK_OF_SERIOUS_HARM],
        ),
        NOT_COVERED,
        K.REFER_INSTEAD,
        [C.NOT_FOR_THIS_RECIPIENT, C.STATUTORY_DUTY_ADULT_SAFEGUARDING],
        mentions=ASC_NAME,
        # An area without an adult safeguarding agreement: the route outside agreements is what is tested.
        registry=only(MASH, MARAC, MAPPA),
    ),
    case(
        "asc-to-voluntary-group-never-refers-asc-to-itself",
        # Adult social care is the s42 body; it is never told to raise a concern with itself. A voluntary group
        # cannot act on the enquiry: no public-interest route to it.
        ask(
            ASC,
            VOLUNTARY,
            [
                adult(
                    "adult-at-risk",
                    "client",
                    age=70,
                    care_needs=True,
                    cannot_protect_self=True,
                    capacity=False,
                    because=NotSoughtReason.LACKS_CAPACITY,
                )
            ],
            ["identity", "social-care"],
            "adult-safeguarding-enquiry",
            risks=[R.RISK_OF_SERIOUS_HARM],
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.PUBLIC_INTEREST_RECIPIENT_CANNOT_ACT],
        absent=[C.STATUTORY_DUTY_ADULT_SAFEGUARDING],
        not_escalate_to=[E.ADULT_SOCIAL_CARE],
    ),
    case(
        "gp-to-voluntary-group-public-interest-recipient-cannot-act",
        # A patient's health data to a voluntary group on a public-interest justification: the group cannot act
        # to protect, so the public-interest test cannot be met by disclosing to it (Caldicott; ICO).
        ask(
            GP,
            VOLUNTARY,
            [adult("parent-carer", "patient", about=["identity", "mental-health"])],
            ["identity", "mental-health"],
            "emergency-welfare",
            risks=[R.RISK_OF_SERIOUS_HARM],
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.PUBLIC_INTEREST_RECIPIENT_CANNOT_ACT],
        absent=[C.PUBLIC_INTEREST_CASE],
    ),
    case(
        "gp-to-police-threat-to-harm-public-interest-ask-caldicott",
        # A patient told his GP he intends to seriously harm his ex-partner. No agreement carries GP -> police for
        # crime prevention. Common-law public interest (GMC; ukcgc): the Caldicott Guardian decides today; the
        # police can act. Art 9(2)(g) + Sch 1 para 10 would fit the disclosure to a competent authority.
        ask(
            GP,
            POLICE,
            [
                adult(
                    "alleged-perpetrator",
                    "patient",
                    role=SUBJECT,
                    about=["identity", "mental-health", "criminal-allegations"],
                ),
                adult("adult-victim", "ex-partner", role=PROTECTED, capacity=None),
            ],
            ["identity", "mental-health", "criminal-allegations"],
            "crime-prevention",
            risks=[R.SERIOUS_CRIME, R.RISK_TO_OTHERS],
        ),
        ESCALATE,
        K.ASK_FIRST,
        [C.PUBLIC_INTEREST_CASE],
        absent=[C.PUBLIC_INTEREST_RECIPIENT_CANNOT_ACT],
        escalate_to=[E.CALDICOTT_GUARDIAN],
        check=escalations_name_contacts(E.CALDICOTT_GUARDIAN),
    ),
    case(
        "police-pass-mash-address-to-immigration-prohibition-shown",
        # The child's address came from CSC under MASH, which prohibits immigration enforcement; a location of a
        # person at risk must never reach immigration enforcement. The prohibition is shown, not swallowed.
        ask(
            POLICE,
            HOME_OFFICE,
            [
                child(age=15, about=["identity", "location-of-person-at-risk"]),
                adult("parent-carer", "mother", about=["identity", "immigration-status"]),
            ],
            ["identity", "location-of-person-at-risk", "immigration-status"],
            "immigration-enforcement",
            received_from=CSC,
            received_under=MASH,
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.PURPOSE_PROHIBITED],
    ),
    case(
        "school-to-csc-excess-criminal-data-shown-beside-referral",
        # MASH F5 does not name criminal offence data (not inherited); the excess is shown among the reasons,
        # while a child-protection referral to CSC — the recipient — is still the route (refer now).
        ask(
            SCHOOL,
            CSC,
            [
                child(age=10, because=NotSoughtReason.INCREASES_RISK, about=["identity", "education"]),
                adult(
                    "parent-carer",
                    "father",
                    role=SUBJECT,
                    because=NotSoughtReason.INCREASES_RISK,
                    about=["identity", "criminal-convictions"],
                ),
            ],
            ["identity", "education", "criminal-convictions"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        ESCALATE,
        K.REFER_NOW,
        [C.FLOW_CATEGORY_EXCEEDS, C.STATUTORY_DUTY_CHILD_PROTECTION],
        mentions=CSC_NAME,
    ),
]


# ================================================================ rule 9: disclosure schemes are the police's

DVDS_PEOPLE = [
    adult(
        "alleged-perpetrator",
        "new partner",
        role=SUBJECT,
        about=["identity", "criminal-convictions", "criminal-allegations"],
    ),
    adult("adult-victim", "applicant", role=PROTECTED),
]
CSOD_PEOPLE = [
    adult("alleged-perpetrator", "mother's partner", role=SUBJECT, about=["identity", "criminal-convictions"]),
    child(age=6, role=PROTECTED),
    adult("parent-carer", "mother", role=PROTECTED),
]

DISCLOSURE_SCHEME_CASES = [
    case(
        "dvds-police-to-applicant-goes-through-the-scheme",
        # Clare's Law: the police decide a right-to-ask / right-to-know disclosure under the DVDS guidance (DA Act
        # 2021 s77) using their common-law power; the decision is the scheme's (panel, necessity, proportionality),
        # not a covered share.
        ask(
            POLICE, PUBLIC, DVDS_PEOPLE, ["identity", "criminal-convictions", "criminal-allegations"], "dvds-disclosure"
        ),
        ESCALATE,
        K.ASK_FIRST,
        [C.DISCLOSURE_SCHEME_POLICE_PROCESS],
        escalate_to=[E.POLICE_DISCLOSURE_SCHEME],
        check=escalations_name_contacts(E.POLICE_DISCLOSURE_SCHEME),
    ),
    case(
        "csod-police-to-mother-goes-through-the-scheme",
        # Sarah's Law: CJA 2003 s327A puts a duty on the responsible authority to consider disclosure; the police
        # make the disclosure through the CSOD process (usually to the parent or carer best placed to protect).
        ask(POLICE, PUBLIC, CSOD_PEOPLE, ["identity", "criminal-convictions"], "csod-disclosure"),
        ESCALATE,
        K.ASK_FIRST,
        [C.DISCLOSURE_SCHEME_POLICE_PROCESS],
        escalate_to=[E.POLICE_DISCLOSURE_SCHEME],
    ),
    case(
        "dvds-idva-cannot-disclose-to-applicant-pass-to-police",
        # Only the police disclose under the DVDS. An IDVA who knows the partner's history passes it to the
        # police (MARAC/DVDS), and does not tell the applicant itself.
        ask(IDVA, PUBLIC, DVDS_PEOPLE, ["identity", "criminal-convictions", "criminal-allegations"], "dvds-disclosure"),
        NOT_COVERED,
        K.REFER_INSTEAD,
        [C.DISCLOSURE_SCHEME_PASS_TO_POLICE],
        absent=[C.DISCLOSURE_SCHEME_POLICE_PROCESS],
        mentions="police",
    ),
    case(
        "csod-probation-cannot-disclose-to-mother-pass-to-police",
        # Probation holds the conviction but is not the CSOD discloser; s327A and the CSOD guidance route the
        # disclosure through the police (MAPPA third-party disclosure is a different purpose).
        ask(PROBATION, PUBLIC, CSOD_PEOPLE, ["identity", "criminal-convictions"], "csod-disclosure"),
        NOT_COVERED,
        K.REFER_INSTEAD,
        [C.DISCLOSURE_SCHEME_PASS_TO_POLICE],
        mentions="police",
    ),
    case(
        "dvds-school-passes-what-it-knows-to-police",
        # A school's DSL knows of the new partner's violence from a pupil's disclosure: the route is to pass it to
        # the police now for a DVDS decision (escalate: a referral to the body that decides), not a covered share
        # under an agreement; the disclosure to the police rests on Sch 1 para 10 (to a competent authority).
        ask(
            SCHOOL,
            POLICE,
            [
                adult("alleged-perpetrator", "new partner", role=SUBJECT, about=["identity", "criminal-allegations"]),
                adult("adult-victim", "mother", role=PROTECTED),
            ],
            ["identity", "criminal-allegations"],
            "dvds-disclosure",
        ),
        ESCALATE,
        K.REFER_NOW,
        [C.DISCLOSURE_SCHEME_PASS_TO_POLICE],
        absent=[C.DISCLOSURE_SCHEME_POLICE_PROCESS],
        mentions="police",
    ),
    case(
        "csod-gp-with-child-harm-pass-to-police-and-refer-to-csc",
        # A GP asked by a mother about her partner: only the police disclose (CSOD); the GP passes what it knows
        # to the police, and because the facts show significant harm to the child a child-protection referral to
        # CSC stands beside it (Working Together 2023; 2024 advice).
        ask(
            GP,
            PUBLIC,
            CSOD_PEOPLE,
            ["identity", "criminal-convictions"],
            "csod-disclosure",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        NOT_COVERED,
        K.REFER_INSTEAD,
        [C.DISCLOSURE_SCHEME_PASS_TO_POLICE, C.STATUTORY_DUTY_CHILD_PROTECTION],
        mentions="police",
    ),
    case(
        "dvds-social-worker-cannot-warn-mother-directly",
        # Children's social care may not make a Clare's Law disclosure; it passes the information to the police.
        # (It is never told to refer to itself.)
        ask(CSC, PUBLIC, DVDS_PEOPLE, ["identity", "criminal-convictions", "criminal-allegations"], "dvds-disclosure"),
        NOT_COVERED,
        K.REFER_INSTEAD,
        [C.DISCLOSURE_SCHEME_PASS_TO_POLICE],
        not_escalate_to=[E.CHILDRENS_SOCIAL_CARE],
        mentions="police",
    ),
]


# ================================================================ rule 10: MAPPA third-party disclosure

MAPPA_TPD_PEOPLE = [
    adult("mappa-offender", "offender", role=SUBJECT, about=["identity", "criminal-convictions", "risk-assessment"]),
    adult("potential-victim", "new partner", role=PROTECTED),
    child(age=7, role=PROTECTED),
]
MAPPA_TPD_CATEGORIES = ["identity", "criminal-convictions", "risk-assessment"]

MAPPA_CASES = [
    case(
        "mappa-level-2-third-party-disclosure-is-the-meetings",
        # MAPPA Guidance (disclosure chapter) and the MAPPA agreement's reserved decision: at level 2 or 3 the
        # MAPPA meeting decides what is disclosed, to whom, by whom.
        ask(PROBATION, PUBLIC, MAPPA_TPD_PEOPLE, MAPPA_TPD_CATEGORIES, "mappa-third-party-disclosure", mappa_level=2),
        ESCALATE,
        K.ASK_FIRST,
        [],
        escalate_to=[E.MAPPA_MEETING],
        not_escalate_to=[E.MAPPA_LEAD_AGENCY],
        check=escalations_name_contacts(E.MAPPA_MEETING),
    ),
    case(
        "mappa-level-3-third-party-disclosure-is-the-meetings",
        ask(POLICE, PUBLIC, MAPPA_TPD_PEOPLE, MAPPA_TPD_CATEGORIES, "mappa-third-party-disclosure", mappa_level=3),
        ESCALATE,
        K.ASK_FIRST,
        [],
        escalate_to=[E.MAPPA_MEETING],
    ),
    case(
        "mappa-level-1-third-party-disclosure-is-the-lead-agencys",
        # MAPPA Guidance: level 1 cases are managed by the lead agency alone, which decides disclosure (consulting
        # the police where needed); no meeting is convened. (The Northshire agreement says level 1 cases go to a
        # meeting — see the report; the spec follows the Guidance.)
        ask(PROBATION, PUBLIC, MAPPA_TPD_PEOPLE, MAPPA_TPD_CATEGORIES, "mappa-third-party-disclosure", mappa_level=1),
        ESCALATE,
        K.ASK_FIRST,
        [],
        escalate_to=[E.MAPPA_LEAD_AGENCY],
        not_escalate_to=[E.MAPPA_MEETING],
    ),
    case(
        "mappa-level-2-urgent-disclosure-need-not-wait-for-a-meeting",
        # MAPPA Guidance: where disclosure is urgent the lead agency decides (senior manager) without waiting for
        # the next meeting; the meeting reviews it after.
        ask(
            PROBATION,
            PUBLIC,
            MAPPA_TPD_PEOPLE,
            MAPPA_TPD_CATEGORIES,
            "mappa-third-party-disclosure",
            mappa_level=2,
            urgency=Urgency.URGENT,
            risks=[R.RISK_OF_SERIOUS_HARM],
        ),
        ESCALATE,
        K.ASK_FIRST,
        [],
        escalate_to=[E.MAPPA_LEAD_AGENCY],
    ),
    case(
        "mappa-dtc-agency-does-not-disclose-mappa-information-itself",
        # Children's social care (a duty-to-co-operate agency) holds the offender's risk assessment from the
        # MAPPA meeting (F3/F6: onward disclosure prohibited). It may not make the third-party disclosure; the
        # level 2 meeting decides.
        ask(
            CSC,
            PUBLIC,
            MAPPA_TPD_PEOPLE,
            MAPPA_TPD_CATEGORIES,
            "mappa-third-party-disclosure",
            mappa_level=2,
            received_from=PROBATION,
            received_under=MAPPA,
        ),
        ESCALATE,
        K.ASK_FIRST,
        [C.ONWARD_DISCLOSURE_PROHIBITED],
        escalate_to=[E.MAPPA_MEETING],
    ),
    case(
        "mappa-level-2-disclosure-to-a-school-is-the-meetings",
        # A disclosure to the academy where the offender volunteers is a third-party disclosure too; the academy
        # is not a MAPPA party. Decided by the level 2 meeting.
        ask(
            PROBATION,
            ACADEMY,
            [adult("mappa-offender", "offender", role=SUBJECT), child(age=10, role=PROTECTED)],
            ["identity", "criminal-convictions"],
            "mappa-third-party-disclosure",
            mappa_level=2,
        ),
        ESCALATE,
        K.ASK_FIRST,
        [],
        escalate_to=[E.MAPPA_MEETING],
    ),
]


# ================================================================ rule 11: the recipient's own footing

F8_PEOPLE = [
    adult(
        "adult-victim", "victim", consent=OBTAINED, about=["identity", "contact-details", "location-of-person-at-risk"]
    ),
    perpetrator(about=["identity", "court-orders-and-bail"]),
    child(age=6, role=PROTECTED),
]
F8_CATEGORIES = ["identity", "contact-details", "location-of-person-at-risk", "court-orders-and-bail"]

RECIPIENT_FOOTING_CASES = [
    case(
        "police-to-housing-association-sanctuary-scheme-recipient-footing-on-file",
        # MARAC F8: the police give the housing association what it needs for a sanctuary scheme. The association
        # is not a public authority: its own Art 6(1)(ea) basis (Annex 1 paras 5, 6-7), an Art 10 route (Sch 1
        # para 10 via para 36) and its APD NH-APD-2025 are on file.
        ask(POLICE, HOMES, F8_PEOPLE, F8_CATEGORIES, "marac-safety-planning", risks=[R.HIGH_RISK_DOMESTIC_ABUSE]),
        COVERED,
        K.SHARE,
        [C.FLOW_MATCHED, C.ART10_ROUTE],
        absent=[C.RECIPIENT_BASIS_MISSING, C.RECIPIENT_APD_MISSING],
    ),
    case(
        "housing-association-without-its-own-art6-basis-is-not-covered",
        # The same share under a MARAC text that no longer gives the association an Art 6 basis: a recipient
        # that is not a public authority has no public task to fall back on, so it needs its own basis on file.
        ask(POLICE, HOMES, F8_PEOPLE, F8_CATEGORIES, "marac-safety-planning", risks=[R.HIGH_RISK_DOMESTIC_ABUSE]),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.RECIPIENT_BASIS_MISSING],
        registry=art6_without(MARAC, HOMES),
    ),
    case(
        "housing-association-without-apd-cannot-receive-criminal-data",
        # Court orders and bail are criminal offence data (DPA s11(2)); a Part 2 condition via para 36 needs an
        # appropriate policy document (Sch 1 para 5, Part 4). The association's APD is blanked.
        ask(POLICE, HOMES, F8_PEOPLE, F8_CATEGORIES, "marac-safety-planning", risks=[R.HIGH_RISK_DOMESTIC_ABUSE]),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.RECIPIENT_APD_MISSING],
        registry=party_changed(MARAC, HOMES, apd_reference=None),
    ),
    case(
        "public-authority-recipient-needs-no-entry-of-its-own",
        # The district council is a public authority: its basis for receiving is its public task (Housing Act
        # 1996 Part 7 functions), not an entry in the agreement. Removing it from the Art 6 list does not stop
        # the police's share to it under F8.
        ask(POLICE, HOUSING, F8_PEOPLE, F8_CATEGORIES, "marac-safety-planning", risks=[R.HIGH_RISK_DOMESTIC_ABUSE]),
        COVERED,
        K.SHARE,
        [C.FLOW_MATCHED],
        absent=[C.RECIPIENT_BASIS_MISSING],
        registry=art6_without(MARAC, HOUSING),
    ),
    case(
        "idva-without-apd-cannot-receive-dash-and-allegations",
        # MARAC F6 (police -> IDVA): the DASH and the allegations are special category and criminal offence data;
        # the IDVA charity needs its APD on file to receive them, so the agreement does not cover it. The IDVA can
        # act to protect a high-risk victim, so the police's common-law public-interest disclosure is the DPO's
        # decision today — never a covered share.
        ask(
            POLICE,
            IDVA,
            [
                adult(
                    "adult-victim",
                    "victim",
                    because=NotSoughtReason.INCREASES_RISK,
                    about=["identity", "dash-risk-assessment"],
                ),
                perpetrator(about=["identity", "criminal-allegations"]),
            ],
            ["identity", "dash-risk-assessment", "criminal-allegations"],
            "marac-referral",
            risks=[R.HIGH_RISK_DOMESTIC_ABUSE],
        ),
        ESCALATE,
        K.ASK_FIRST,
        [C.RECIPIENT_APD_MISSING, C.PUBLIC_INTEREST_CASE],
        registry=party_changed(MARAC, IDVA, apd_reference=None),
    ),
    case(
        "idva-without-apd-can-still-receive-contact-details",
        # Identity and contact details are neither special category nor criminal offence data: no APD is needed
        # (DPA Sch 1 para 5 applies to Part 2 conditions only). A needless "no" here would stop safe contact.
        ask(
            POLICE,
            IDVA,
            [
                adult(
                    "adult-victim",
                    "victim",
                    because=NotSoughtReason.INCREASES_RISK,
                    about=["identity", "contact-details"],
                ),
                child(age=2, role=PROTECTED),
            ],
            ["identity", "contact-details"],
            "marac-referral",
            risks=[R.HIGH_RISK_DOMESTIC_ABUSE],
        ),
        COVERED,
        K.SHARE,
        [C.FLOW_MATCHED],
        absent=[C.RECIPIENT_APD_MISSING, C.RECIPIENT_BASIS_MISSING],
        registry=party_changed(MARAC, IDVA, apd_reference=None),
    ),
    case(
        "recovery-service-without-its-own-basis-cannot-receive-police-intelligence",
        # MARAC F4 (police -> any party): the substance misuse charity receives intelligence about the
        # perpetrator only with its own Art 6 basis on file; here it has none.
        ask(
            POLICE,
            RECOVERY,
            [perpetrator(about=["identity", "police-intelligence"]), adult("adult-victim", "victim", role=PROTECTED)],
            ["identity", "police-intelligence"],
            "marac-risk-assessment",
            risks=[R.HIGH_RISK_DOMESTIC_ABUSE],
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.RECIPIENT_BASIS_MISSING],
        registry=art6_without(MARAC, RECOVERY),
    ),
]


# ================================================================ rule 12: bulk or systematic sharing


def bulk_allowed(
    agreement_id: str, flow_id: str, *, frequency: Frequency | None = None, agreement_level: bool = True
) -> Tweak:
    """A variant where the flow's own ``no_bulk_sharing`` is lifted (and, if ``agreement_level``, the
    agreement's too); ``frequency`` optionally replaces the flow's frequency."""

    def tweak(registry: Registry) -> list[AgreementRevision]:
        agreement = registry[agreement_id]
        flow = agreement.flow(flow_id)
        assert flow is not None
        changes: dict[str, Any] = {}
        if flow.restrictions is not None:
            changes["restrictions"] = dataclasses.replace(flow.restrictions, no_bulk_sharing=False)
        if frequency is not None:
            changes["frequency"] = frequency
        agreement = _replace_flow(agreement, flow_id, **changes)
        if agreement_level:
            restrictions = dataclasses.replace(agreement.restrictions, no_bulk_sharing=False)
            agreement = dataclasses.replace(agreement, restrictions=restrictions)
        return [*_others(registry, agreement_id), revision(agreement)]

    return tweak


CASE_LIST_PEOPLE = [
    adult(
        "adult-victim", "victim", because=NotSoughtReason.INCREASES_RISK, about=["identity", "household-composition"]
    ),
    perpetrator(about=["identity"]),
    child(age=5, about=["identity"], because=NotSoughtReason.INCREASES_RISK),
]
WEEKLY_EXTRACT_PEOPLE = [
    child(age=9, because=NotSoughtReason.PREJUDICE_ENQUIRY, about=["identity"]),
    adult(
        "parent-carer",
        "mother",
        because=NotSoughtReason.PREJUDICE_ENQUIRY,
        about=["identity", "domestic-abuse-history"],
    ),
    perpetrator(about=["identity", "domestic-abuse-history"]),
]

BULK_CASES = [
    case(
        "marac-case-list-as-bulk-where-the-flow-forbids-bulk",
        # MARAC F2 is scheduled, but its own restrictions say no bulk sharing: a list is bulk/systematic sharing
        # (ICO Data Sharing Code: routine sharing needs its own agreement and DPIA), so it is not covered.
        ask(
            POLICE,
            CSC,
            CASE_LIST_PEOPLE,
            ["identity", "household-composition"],
            "marac-referral",
            bulk=True,
            risks=[R.HIGH_RISK_DOMESTIC_ABUSE],
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.BULK_SHARING_NOT_PERMITTED],
    ),
    case(
        "marac-case-list-bulk-covered-once-the-agreement-allows-it",
        # The same list where F2 (scheduled) and the agreement no longer forbid bulk sharing: covered by F2.
        ask(
            POLICE,
            CSC,
            CASE_LIST_PEOPLE,
            ["identity", "household-composition"],
            "marac-referral",
            bulk=True,
            risks=[R.HIGH_RISK_DOMESTIC_ABUSE],
        ),
        COVERED,
        K.SHARE,
        [C.FLOW_MATCHED],
        absent=[C.BULK_SHARING_NOT_PERMITTED],
        registry=bulk_allowed(MARAC, "F2"),
    ),
    case(
        "marac-research-extract-bulk-forbidden-at-agreement-level",
        # MARAC F3 (scheduled) has no restrictions of its own, but the agreement's restrictions forbid bulk
        # sharing for every flow: a housing authority's recurring extract for the meeting is not covered.
        ask(
            HOUSING,
            POLICE,
            [
                adult("adult-victim", "victim", because=NotSoughtReason.INCREASES_RISK, about=["identity", "housing"]),
                perpetrator(about=["identity"]),
            ],
            ["identity", "housing"],
            "marac-risk-assessment",
            bulk=True,
            risks=[R.HIGH_RISK_DOMESTIC_ABUSE],
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.BULK_SHARING_NOT_PERMITTED],
    ),
    case(
        "mash-weekly-extract-of-all-incidents-is-not-case-by-case",
        # MASH F1 is case by case and forbids bulk: a weekly extract of every DA incident is not a referral about
        # a child and is not covered, whatever the lawful basis of each item.
        ask(POLICE, CSC, WEEKLY_EXTRACT_PEOPLE, ["identity", "domestic-abuse-history"], "mash-triage", bulk=True),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.BULK_SHARING_NOT_PERMITTED],
    ),
    case(
        "case-by-case-flow-stays-case-by-case-without-a-bulk-restriction",
        # Even with the no-bulk restrictions lifted, F1's frequency is case by case: a bulk extract needs a flow
        # whose frequency is bulk or scheduled.
        ask(POLICE, CSC, WEEKLY_EXTRACT_PEOPLE, ["identity", "domestic-abuse-history"], "mash-triage", bulk=True),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.BULK_SHARING_NOT_PERMITTED],
        registry=bulk_allowed(MASH, "F1"),
    ),
    case(
        "bulk-flow-still-bound-by-agreement-level-no-bulk",
        # F1 made a bulk flow with its own restriction lifted, but the agreement-level restriction still forbids
        # bulk sharing: the strictest restriction that applies to the flow governs.
        ask(POLICE, CSC, WEEKLY_EXTRACT_PEOPLE, ["identity", "domestic-abuse-history"], "mash-triage", bulk=True),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.BULK_SHARING_NOT_PERMITTED],
        registry=bulk_allowed(MASH, "F1", frequency=Frequency.BULK, agreement_level=False),
    ),
    case(
        "bulk-flow-without-restrictions-covers-the-extract",
        # F1 made a bulk flow with no bulk restriction anywhere: the extract is covered (needless "no" avoided).
        ask(POLICE, CSC, WEEKLY_EXTRACT_PEOPLE, ["identity", "domestic-abuse-history"], "mash-triage", bulk=True),
        COVERED,
        K.SHARE,
        [C.FLOW_MATCHED],
        absent=[C.BULK_SHARING_NOT_PERMITTED],
        registry=bulk_allowed(MASH, "F1", frequency=Frequency.BULK),
    ),
    case(
        "bulk-in-an-emergency-is-not-an-emergency-share",
        # An emergency justifies sharing what is necessary about the person at risk now (ICO), never a list.
        ask(
            POLICE,
            CSC,
            WEEKLY_EXTRACT_PEOPLE,
            ["identity", "domestic-abuse-history"],
            "mash-triage",
            bulk=True,
            urgency=Urgency.EMERGENCY,
            risks=[R.RISK_TO_LIFE],
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.EMERGENCY_NOT_FOR_BULK, C.BULK_SHARING_NOT_PERMITTED],
        absent=[C.EMERGENCY_SHARE_NOW],
    ),
]


# ================================================================ rule 13: fail closed on unknown terms

UNKNOWN_ART9 = (Art9Entry("art9-2-g", schedule1="dpa-sch1-99", source="A paragraph the vocabulary does not know"),)
UNKNOWN_ART10 = (Art10Entry("art10-secret-route", source="A route the vocabulary does not know"),)

FAIL_CLOSED_CASES = [
    case(
        "unknown-sch1-paragraph-is-not-skipped-gp-health-to-mash",
        # The stored MASH revision's only Art 9 entry names Sch 1 "para 99": the checker cannot tell whether it
        # meets s10, so the agreement does not cover the GP's health share. The child-protection referral to CSC
        # remains open in law (refer now).
        ask(
            GP,
            CSC,
            [
                child(age=2, because=NotSoughtReason.INCREASES_RISK, about=["identity", "health"]),
                adult(
                    "parent-carer", "mother", role=SUBJECT, because=NotSoughtReason.INCREASES_RISK, about=["identity"]
                ),
            ],
            ["identity", "health"],
            "mash-triage",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        ESCALATE,
        K.REFER_NOW,
        [C.UNKNOWN_TERM],
        absent=[C.ART9_CONDITION],
        registry=bases_changed(MASH, art9=UNKNOWN_ART9),
    ),
    case(
        "unknown-art6-basis-for-the-idva-fails-closed",
        # The IDVA's Art 6 entry names "art6-1-z", unknown to the vocabulary: not skipped, not covered.
        ask(
            IDVA,
            CSC,
            [
                child(age=4, role=PROTECTED),
                adult(
                    "parent-carer",
                    "mother",
                    because=NotSoughtReason.INCREASES_RISK,
                    about=["identity", "household-composition", "domestic-abuse-history"],
                ),
            ],
            ["identity", "household-composition", "domestic-abuse-history"],
            "mash-triage",
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.UNKNOWN_TERM],
        registry=art6_replaced_for(MASH, IDVA, "art6-1-z"),
    ),
    case(
        "unknown-art10-route-fails-closed-for-police-allegations",
        # Every Art 10 route in the stored MASH revision is a term the vocabulary lacks; the police's criminal
        # offence data is not covered by skipping it (official authority is not assumed).
        ask(
            POLICE,
            CSC,
            [
                child(age=6, because=NotSoughtReason.PREJUDICE_ENQUIRY, about=["identity"]),
                perpetrator(about=["identity", "criminal-allegations"]),
            ],
            ["identity", "criminal-allegations"],
            "mash-triage",
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.UNKNOWN_TERM],
        registry=bases_changed(MASH, art10=UNKNOWN_ART10),
    ),
    case(
        "unknown-term-in-a-flows-own-bases-fails-closed",
        # MARAC F3 and F10 (both carry the recovery service's research to the meeting) state their own Art 9
        # entries, and the only one names an unknown Sch 1 paragraph: a flow's own term fails closed too.
        ask(
            RECOVERY,
            POLICE,
            [perpetrator(about=["identity", "substance-misuse"]), adult("adult-victim", "victim", role=PROTECTED)],
            ["identity", "substance-misuse"],
            "marac-risk-assessment",
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.UNKNOWN_TERM],
        registry=marac_flows_unknown_condition,
    ),
    case(
        "unknown-term-in-the-old-revision-in-force-then-fails-closed",
        # On 1 Jul 2025 MASH v3.0 (revision 1) was in force, and its only Art 9 entry names an unknown condition:
        # a question about that date fails closed (UNKNOWN_TERM); the referral route stays open.
        ask(
            SCHOOL,
            CSC,
            [
                child(age=10, because=NotSoughtReason.INCREASES_RISK, about=["identity", "mental-health"]),
                adult("parent-carer", "father", role=PROTECTED),
            ],
            ["identity", "mental-health"],
            "mash-triage",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
            on=date(2025, 7, 1),
        ),
        ESCALATE,
        K.REFER_NOW,
        [C.UNKNOWN_TERM],
        registry=mash_history_v3_0_unknown_term,
    ),
    case(
        "clean-current-revision-is-not-poisoned-by-an-old-one",
        # On 1 Jul 2026 v3.1 (revision 2, clean) governs: para 18 / para 6 for the school; covered.
        ask(
            SCHOOL,
            CSC,
            [
                child(age=10, because=NotSoughtReason.INCREASES_RISK, about=["identity", "mental-health"]),
                adult("parent-carer", "father", role=PROTECTED),
            ],
            ["identity", "mental-health"],
            "mash-triage",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        COVERED,
        K.SHARE,
        [C.ART9_CONDITION],
        absent=[C.UNKNOWN_TERM],
        registry=mash_history_v3_0_unknown_term,
    ),
]


# ================================================================ rule 14: the answer a practitioner acts on


def never_suggests_purpose(purpose: str) -> Check:
    """No agreement fix suggests adding ``purpose`` (prohibited, or belonging to another process) to a flow."""

    def check(answer: ShareAnswer) -> str | None:
        for fix in answer.agreement_fixes:
            if purpose in fix:
                return f"fix suggests {purpose!r}: {fix!r}"
        return None

    return check


ANSWER_CASES = [
    case(
        "covered-answer-has-each-obligation-once",
        # MASH F1 states its own use limitation and the agreement states another: the practitioner must see one
        # USE_LIMITATION obligation (merged), not the same instruction twice.
        ask(
            POLICE,
            CSC,
            WEEKLY_EXTRACT_PEOPLE,
            ["identity", "domestic-abuse-history"],
            "child-protection-enquiry",
            risks=[R.SIGNIFICANT_HARM_TO_CHILD],
        ),
        COVERED,
        K.SHARE,
        [C.FLOW_MATCHED],
        obligations=["DO_NOT_INFORM", "USE_LIMITATION"],
        mentions="Northshire County Council - Children's Social Care",
        unique_obligations=True,
    ),
    case(
        "near-miss-fix-is-for-governance-leads-not-the-instruction",
        # Fire -> CSC under MASH F8 does not name health data; early help is consent-based and no ground applies.
        # The fix (add the category to F8) is in agreement_fixes only; the instruction is "do not share".
        ask(
            FIRE,
            CSC,
            [child(age=7, about=["identity"]), adult("parent-carer", "mother", about=["identity", "mental-health"])],
            ["identity", "mental-health"],
            "early-help",
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.FLOW_CATEGORY_EXCEEDS],
        unique_obligations=True,
        check=has_fixes,
    ),
    case(
        "prohibited-purpose-is-never-offered-as-a-fix",
        # MASH prohibits research and statistics; the answer must not suggest adding it to a flow.
        ask(POLICE, CSC, WEEKLY_EXTRACT_PEOPLE, ["identity", "domestic-abuse-history"], "research-and-statistics"),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [C.PURPOSE_PROHIBITED],
        unique_obligations=True,
        check=never_suggests_purpose("research-and-statistics"),
    ),
    case(
        "never-suggest-repurposing-mappa-for-age-assessment",
        # Home Office -> CSC about an age-disputed young person: only the MAPPA agreement holds the Home Office,
        # and age assessment is not MAPPA's process (Nationality and Borders Act 2022 ss49-51 is its own regime).
        # The answer must not suggest adding age assessment to a MAPPA flow.
        ask(
            HOME_OFFICE,
            CSC,
            [
                Person(
                    "unaccompanied-asylum-seeking-child",
                    ref="young person",
                    data_categories=("identity", "immigration-status"),
                )
            ],
            ["identity", "immigration-status"],
            "age-assessment",
        ),
        NOT_COVERED,
        K.DO_NOT_SHARE,
        [],
        unique_obligations=True,
        check=never_suggests_purpose("age-assessment"),
    ),
    case(
        "refer-instead-answer-names-the-right-service-and-has-no-duplicates",
        # The REFER_INSTEAD instruction names where to go; reasons show why this recipient is wrong.
        ask(
            ACUTE,
            HOUSING,
            [
                adult(
                    "adult-at-risk",
                    "patient",
                    age=88,
                    capacity=False,
                    because=NotSoughtReason.LACKS_CAPACITY,
                    care_needs=True,
                    cannot_protect_self=True,
                )
            ],
            ["identity", "health"],
            "adult-safeguarding-enquiry",
            risks=[R.RISK_OF_SERIOUS_HARM],
        ),
        NOT_COVERED,
        K.REFER_INSTEAD,
        [C.NOT_FOR_THIS_RECIPIENT],
        mentions=ASC_NAME,
        unique_obligations=True,
        # An area without an adult safeguarding agreement: the route outside agreements is what is tested.
        registry=only(MASH, MARAC, MAPPA),
    ),
    case(
        "escalation-names-the-mappa-coordinator",
        # The MAPPA agreement names its coordinator: an escalation to the MAPPA meeting carries that contact.
        ask(PROBATION, PUBLIC, MAPPA_TPD_PEOPLE, MAPPA_TPD_CATEGORIES, "mappa-third-party-disclosure", mappa_level=3),
        ESCALATE,
        K.ASK_FIRST,
        [],
        escalate_to=[E.MAPPA_MEETING],
        unique_obligations=True,
        check=escalations_name_contacts(*E),
    ),
]


# ---------------------------------------------------------------- the tests

ROWS: list[Any] = [
    *STATUTORY_DUTY_CASES,
    *CONSENT_CASES,
    *OUTSIDE_ROUTE_CASES,
    *DISCLOSURE_SCHEME_CASES,
    *MAPPA_CASES,
    *RECIPIENT_FOOTING_CASES,
    *BULK_CASES,
    *FAIL_CLOSED_CASES,
    *ANSWER_CASES,
]


def test_the_table_has_at_least_55_unique_rows() -> None:
    ids = [p.id for p in ROWS]
    assert len(ids) >= 55, len(ids)
    assert len(ids) == len(set(ids))


# The reason codes rules 6-14 introduced: each is asserted by at least one row of this table.
RULE_CODES = frozenset(
    c.value
    for c in (
        C.STATUTORY_DUTY_APPLIES,
        C.STATUTORY_REQUEST_DOES_NOT_FIT,
        C.CONSENT_NOT_ASKED_MUST_NOT_BE_TOLD,
        C.CAPACITOUS_REFUSAL_RESPECTED,
        C.NOT_FOR_THIS_RECIPIENT,
        C.PUBLIC_INTEREST_CASE,
        C.PUBLIC_INTEREST_RECIPIENT_CANNOT_ACT,
        C.DISCLOSURE_SCHEME_POLICE_PROCESS,
        C.DISCLOSURE_SCHEME_PASS_TO_POLICE,
        C.RECIPIENT_BASIS_MISSING,
        C.RECIPIENT_APD_MISSING,
        C.BULK_SHARING_NOT_PERMITTED,
        C.EMERGENCY_NOT_FOR_BULK,
        C.UNKNOWN_TERM,
    )
)


def test_every_rule_code_is_named_by_a_row() -> None:
    named = set().union(*(p.values[0].codes for p in ROWS))
    assert named >= RULE_CODES, sorted(RULE_CODES - named)


def _describe(answer: ShareAnswer) -> str:
    return (
        f"decision={answer.decision.value} kind={answer.instruction.kind.value} codes={sorted(answer.codes())} "
        f"instruction={answer.instruction.text!r} escalations={[(e.to.value, e.contact) for e in answer.escalations]} "
        f"obligations={[o.code for o in answer.obligations]} fixes={answer.agreement_fixes!r}"
    )


@pytest.mark.parametrize("row", ROWS)
def test_share_row(
    row: Row,
    vocabulary: Vocabulary,
    organisations: tuple[Organisation, ...],
    standard_agreements: Mapping[str, Agreement],
    standard_snapshot: RegistrySnapshot,
) -> None:
    registry = (
        standard_snapshot
        if row.registry is None
        else build_snapshot(vocabulary, organisations, revisions=row.registry(standard_agreements))
    )
    answer = check_share(row.question, registry)
    seen = _describe(answer)
    codes = answer.codes()

    assert answer.decision is row.decision, seen
    assert answer.instruction.kind is row.kind, seen
    assert row.codes <= codes, f"missing {sorted(row.codes - codes)}; {seen}"
    assert not (row.absent & codes), f"unexpected {sorted(row.absent & codes)}; {seen}"
    # Rule 14: an instruction first; obligations without duplicates; fixes only for governance leads.
    assert answer.instruction.text.strip(), seen
    obligation_codes = [o.code for o in answer.obligations]
    if row.unique_obligations:
        assert len(obligation_codes) == len(set(obligation_codes)), f"duplicate obligations; {seen}"
    for fix in answer.agreement_fixes:
        assert fix not in answer.instruction.text, f"a fix is in the instruction; {seen}"
        assert fix not in (answer.route or ""), f"a fix is the route; {seen}"
    escalated = {e.to for e in answer.escalations}
    if row.decision is Decision.ESCALATE:
        assert answer.escalations, f"an escalation must say to whom; {seen}"
    assert row.escalate_to <= escalated, seen
    assert not (row.not_escalate_to & escalated), seen
    if row.obligations:
        assert row.obligations <= set(obligation_codes), seen
    if row.instruction_mentions is not None:
        assert row.instruction_mentions.lower() in answer.instruction.text.lower(), seen
    for text in row.instruction_must_not_mention:
        assert text.lower() not in answer.instruction.text.lower(), seen
    if row.check is not None:
        problem = row.check(answer)
        assert problem is None, f"{problem}; {seen}"
