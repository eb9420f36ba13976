"""Agreement lint: each code triggered by one minimal defect in a standard agreement, and the standard
agreements lint clean (no ERROR findings) on a date they are all in force."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pytest

from agreements.lint import Finding, LintCode, Severity, lint_agreement
from agreements.model import (
    Agreement,
    Art6Entry,
    Art9Entry,
    Art10Entry,
    Contact,
    ContactRole,
    OnwardDisclosure,
    Organisation,
    Restrictions,
)
from agreements.vocabulary import Vocabulary
from tests.agreements.conftest import MARAC, MASH

MAPPA = "NS-MAPPA-ISA"
ON = date(2026, 7, 1)  # MARAC, MASH and MAPPA are all in force and signed
SCHOOL = "st-aidans-primary"
POLICE = "northshire-police"


def _lint(agreement: Agreement, vocabulary: Vocabulary, organisations: Mapping[str, Organisation]) -> list[Finding]:
    return lint_agreement(agreement, vocabulary, organisations, ON)


def _bases(agreement: Agreement, **articles: Any) -> Agreement:
    """Whole articles of the lawful bases replaced, and the same articles cleared in flows that state their own."""
    flows = tuple(
        dataclasses.replace(f, lawful_bases=dataclasses.replace(f.lawful_bases, **{a: () for a in articles}))
        if f.lawful_bases is not None
        else f
        for f in agreement.flows
    )
    return dataclasses.replace(
        agreement, lawful_bases=dataclasses.replace(agreement.lawful_bases, **articles), flows=flows
    )


def _party_index(agreement: Agreement, organisation_id: str) -> int:
    return [p.organisation_id for p in agreement.parties].index(organisation_id)


def _flow_index(agreement: Agreement, flow_id: str) -> int:
    return [f.id for f in agreement.flows].index(flow_id)


def flow_names_non_party(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    mash = agreements[MASH]
    index = _flow_index(mash, "F1")
    flows = list(mash.flows)
    flows[index] = dataclasses.replace(
        flows[index], source=(dataclasses.replace(flows[index].source[0], organisation="hmp-northgate"),)
    )
    return dataclasses.replace(mash, flows=tuple(flows)), f"flows[{index}].from[0]"


def special_category_without_art9(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    mash = agreements[MASH]
    return _bases(mash, art9=()), f"flows[{_flow_index(mash, 'F3')}]"  # F3 carries health


def criminal_data_without_art10(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    mash = agreements[MASH]
    return _bases(mash, art10=()), f"flows[{_flow_index(mash, 'F1')}]"  # F1 carries convictions


def _first_para18(agreement: Agreement) -> int:
    return [e.schedule1 for e in agreement.lawful_bases.art9].index("dpa-sch1-18")


def art9_without_schedule1(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    mash = agreements[MASH]
    index = _first_para18(mash)
    art9 = list(mash.lawful_bases.art9)
    art9[index] = dataclasses.replace(art9[index], schedule1=None)
    return _bases(mash, art9=tuple(art9)), f"lawful_bases.art9[{index}]"


def schedule1_wrong_part(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # 9(2)(g) needs a Part 2 condition (DPA 2018 s10(3)); para 2 is in Part 1.
    mash = agreements[MASH]
    index = _first_para18(mash)
    art9 = list(mash.lawful_bases.art9)
    art9[index] = dataclasses.replace(art9[index], schedule1="dpa-sch1-2")
    return _bases(mash, art9=tuple(art9)), f"lawful_bases.art9[{index}]"


def schedule1_without_apd(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # The school sends mental health data (F5) under para 18 and para 6: Part 2, APD needed (Sch 1 para 5).
    mash = agreements[MASH]
    parties = tuple(
        dataclasses.replace(p, apd_reference=None) if p.organisation_id == SCHOOL else p for p in mash.parties
    )
    return dataclasses.replace(mash, parties=parties), f"lawful_bases.art9[{_first_para18(mash)}]"


def public_authority_legitimate_interests(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    mash = agreements[MASH]
    art6 = (*mash.lawful_bases.art6, Art6Entry("art6-1-f", "Force legitimate interests", parties=(POLICE,)))
    return _bases(mash, art6=art6), f"lawful_bases.art6[{len(art6) - 1}]"


def purpose_without_lawful_basis(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # Only the s47(9) legal-obligation entry, limited to child protection enquiries, is left.
    mash = agreements[MASH]
    art6 = tuple(e for e in mash.lawful_bases.art6 if e.purposes == ("child-protection-enquiry",))
    assert art6
    triage = [p.purpose for p in mash.purposes].index("mash-triage")
    return _bases(mash, art6=art6), f"purposes[{triage}]"


def active_but_expired(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    return dataclasses.replace(agreements[MASH], expires_on=date(2026, 6, 30)), "status"


def active_but_lapsed(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    return dataclasses.replace(agreements[MASH], review_due=date(2026, 3, 1)), "status"


def active_but_unsigned(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    mash = agreements[MASH]
    index = _party_index(mash, SCHOOL)
    party = mash.parties[index]
    assert party.signatory is not None
    parties = list(mash.parties)
    parties[index] = dataclasses.replace(party, signatory=dataclasses.replace(party.signatory, signed_on=None))
    return dataclasses.replace(mash, parties=tuple(parties)), f"parties[{index}].signatory"


def contradictory_restrictions(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # MAPPA F3 (Responsible Authority to any party) and F6 (probation to any party) overlap on
    # probation -> partner, identity, risk management; make F6 allow onward disclosure with consent.
    mappa = agreements[MAPPA]
    index = _flow_index(mappa, "F6")
    flows = list(mappa.flows)
    restrictions = flows[index].restrictions or Restrictions()
    flows[index] = dataclasses.replace(
        flows[index],
        restrictions=dataclasses.replace(restrictions, onward_disclosure=OnwardDisclosure.NEEDS_ORIGINATOR_CONSENT),
    )
    later = max(index, _flow_index(mappa, "F3"))
    return dataclasses.replace(mappa, flows=tuple(flows)), f"flows[{later}]"


def para18_for_adults_without_care_needs(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # MARAC with para 18 as its only Art 9 route: F10 (substance misuse service, about adult victims and
    # perpetrators) then rests on para 18 alone though it is about no child or adult at risk.
    marac = agreements[MARAC]
    art9 = tuple(e for e in marac.lawful_bases.art9 if e.schedule1 == "dpa-sch1-18")
    return _bases(marac, art9=art9), f"flows[{_flow_index(marac, 'F10')}]"


def basis_not_yet_in_force(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # MARAC relies on Art 6(1)(ea), in force from 5 Feb 2026; dated a week earlier, it relied on a basis not yet law.
    marac = dataclasses.replace(agreements[MARAC], effective_from=date(2026, 1, 29))
    index = next(i for i, e in enumerate(marac.lawful_bases.art6) if e.basis == "art6-1-ea")
    return marac, f"lawful_bases.art6[{index}]"


def no_review_date(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    return dataclasses.replace(agreements[MASH], review_due=None), "review_due"


# An organisation with a DPO but no safeguarding lead on record: the one defect that lives in the organisation's
# record rather than the agreement, so the tests add it to the organisations they lint against.
NO_LEAD = Organisation(
    "northshire-parish-council",
    "Northshire Parish Council",
    "voluntary-organisation",
    public_authority=True,
    contacts=(Contact(ContactRole.DATA_PROTECTION_OFFICER, "Clerk to the Council"),),
)


def escalation_contact_missing(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # Added as a MASH party, nobody could be named when a practitioner there must escalate.
    mash = agreements[MASH]
    member = dataclasses.replace(mash.parties[0], organisation_id=NO_LEAD.id, controller=None)
    return dataclasses.replace(mash, parties=(*mash.parties, member)), f"parties[{len(mash.parties)}]"


IDVA = "northshire-domestic-abuse-service"


def consent_route_missing(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # Every Art 9 and Art 10 condition in the MARAC cut down to para 18, which works only without consent: in a
    # "seek consent where safe" agreement the IDVA service then has no route when the victim says yes.
    marac = _bases(
        agreements[MARAC],
        art9=(Art9Entry("art9-2-g", "dpa-sch1-18"),),
        art10=(Art10Entry("art10-schedule1", "dpa-sch1-18", via_paragraph_36=True),),
    )
    return marac, f"parties[{_party_index(marac, IDVA)}]"


def official_authority_for_everyone(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # Official authority stated for every MAPPA party, housing providers included.
    mappa = agreements[MAPPA]
    art10 = (*mappa.lawful_bases.art10, Art10Entry("art10-official-authority"))
    return _bases(mappa, art10=art10), f"lawful_bases.art10[{len(art10) - 1}]"


def restricted_category_not_inherited(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # MAPPA F4 extended with the general "risk assessment": it appears to carry a DASH or a MARAC plan, and does not.
    mappa = agreements[MAPPA]
    index = _flow_index(mappa, "F4")
    flows = list(mappa.flows)
    flows[index] = dataclasses.replace(flows[index], data_categories=(*flows[index].data_categories, "risk-assessment"))
    return dataclasses.replace(mappa, flows=tuple(flows)), f"flows[{index}].data_categories"


def party_basis_missing(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # The IDVA charity's own Art 6 entries struck out: a public task stated for everyone is not its footing.
    marac = agreements[MARAC]
    art6 = tuple(
        dataclasses.replace(e, parties=tuple(p for p in e.parties if p != IDVA)) for e in marac.lawful_bases.art6
    )
    art6 = tuple(e for e in art6 if e.parties or e.basis == "art6-1-e")
    return _bases(marac, art6=art6), f"parties[{_party_index(marac, IDVA)}]"


def recipient_apd_missing(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    marac = agreements[MARAC]
    index = _party_index(marac, IDVA)
    parties = list(marac.parties)
    parties[index] = dataclasses.replace(parties[index], apd_reference=None)
    return dataclasses.replace(marac, parties=tuple(parties)), f"parties[{index}].apd_reference"


def gateway_not_for_party(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    # Crime and Disorder Act 1998 s115 cited for every MAPPA flow: it permits disclosure to relevant authorities,
    # not to the housing association or the electronic monitoring contractor.
    mappa = agreements[MAPPA]
    art6 = (
        *mappa.lawful_bases.art6,
        Art6Entry("art6-1-e", "Crime and Disorder Act 1998 s115", gateways=("cda1998-s115",)),
    )
    return _bases(mappa, art6=art6), f"lawful_bases.art6[{len(art6) - 1}]"


def dpo_as_signatory(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    marac = agreements[MARAC]
    index = _party_index(marac, POLICE)
    parties = list(marac.parties)
    signatory = parties[index].signatory
    assert signatory is not None
    parties[index] = dataclasses.replace(
        parties[index], signatory=dataclasses.replace(signatory, job_title="Force Data Protection Officer")
    )
    return dataclasses.replace(marac, parties=tuple(parties)), f"parties[{index}].signatory"


def blanket_never_tell(agreements: Mapping[str, Agreement]) -> tuple[Agreement, str]:
    mappa = agreements[MAPPA]
    model = dataclasses.replace(mappa.consent_model, do_not_inform=("mappa-offender",))
    return dataclasses.replace(mappa, consent_model=model), "consent_model.do_not_inform[0]"


Defect = Callable[[Mapping[str, Agreement]], tuple[Agreement, str]]
DEFECTS: dict[LintCode, tuple[Defect, Severity]] = {
    LintCode.FLOW_NAMES_NON_PARTY: (flow_names_non_party, Severity.ERROR),
    LintCode.ART9_CONDITION_MISSING: (special_category_without_art9, Severity.ERROR),
    LintCode.ART10_ROUTE_MISSING: (criminal_data_without_art10, Severity.ERROR),
    LintCode.SCH1_CONDITION_MISSING: (art9_without_schedule1, Severity.ERROR),
    LintCode.SCH1_WRONG_PART: (schedule1_wrong_part, Severity.ERROR),
    LintCode.APD_MISSING: (schedule1_without_apd, Severity.ERROR),
    LintCode.ART6_NOT_FOR_PUBLIC_AUTHORITY: (public_authority_legitimate_interests, Severity.ERROR),
    LintCode.ART6_BASIS_MISSING: (purpose_without_lawful_basis, Severity.ERROR),
    LintCode.ACTIVE_BUT_EXPIRED: (active_but_expired, Severity.ERROR),
    LintCode.ACTIVE_BUT_LAPSED: (active_but_lapsed, Severity.ERROR),
    LintCode.ACTIVE_BUT_UNSIGNED: (active_but_unsigned, Severity.WARNING),
    LintCode.CONTRADICTORY_RESTRICTIONS: (contradictory_restrictions, Severity.ERROR),
    LintCode.PARA18_FOR_ADULTS_WITHOUT_CARE_NEEDS: (para18_for_adults_without_care_needs, Severity.WARNING),
    LintCode.NO_REVIEW_DATE: (no_review_date, Severity.WARNING),
    LintCode.ART6_NOT_YET_IN_FORCE: (basis_not_yet_in_force, Severity.ERROR),
    LintCode.ESCALATION_CONTACT_MISSING: (escalation_contact_missing, Severity.WARNING),
    LintCode.CONSENT_ROUTE_MISSING: (consent_route_missing, Severity.ERROR),
    LintCode.ART10_OFFICIAL_AUTHORITY_NOT_AVAILABLE: (official_authority_for_everyone, Severity.ERROR),
    LintCode.RESTRICTED_CATEGORY_NOT_INHERITED: (restricted_category_not_inherited, Severity.WARNING),
    LintCode.PARTY_BASIS_MISSING: (party_basis_missing, Severity.ERROR),
    LintCode.RECIPIENT_APD_MISSING: (recipient_apd_missing, Severity.ERROR),
    LintCode.GATEWAY_NOT_FOR_PARTY: (gateway_not_for_party, Severity.ERROR),
    LintCode.DPO_AS_SIGNATORY: (dpo_as_signatory, Severity.ERROR),
    LintCode.BLANKET_NEVER_TELL: (blanket_never_tell, Severity.WARNING),
}


def test_every_lint_code_has_a_defect() -> None:
    assert set(DEFECTS) == set(LintCode)


@pytest.mark.parametrize("code", list(DEFECTS), ids=lambda c: c.value)
def test_minimal_defect_triggers_its_code(
    code: LintCode,
    vocabulary: Vocabulary,
    organisations_by_id: Mapping[str, Organisation],
    standard_agreements: Mapping[str, Agreement],
) -> None:
    make, severity = DEFECTS[code]
    defective, path = make(standard_agreements)
    organisations_by_id = {**organisations_by_id, NO_LEAD.id: NO_LEAD}
    before = {(f.code, f.path) for f in _lint(standard_agreements[defective.id], vocabulary, organisations_by_id)}
    after = _lint(defective, vocabulary, organisations_by_id)
    found = [f for f in after if f.code is code and f.path == path]
    assert found, f"no {code.value} at {path}: {[(f.code.value, f.path) for f in after]}"
    assert all(f.severity is severity for f in found)
    assert all(f.message for f in found)
    assert (code, path) not in before, "the standard agreement already had this finding"


@pytest.mark.parametrize("agreement_id", [MASH, MARAC, MAPPA])
def test_standard_agreement_lints_clean(
    agreement_id: str,
    vocabulary: Vocabulary,
    organisations_by_id: Mapping[str, Organisation],
    standard_agreements: Mapping[str, Agreement],
) -> None:
    if agreement_id not in standard_agreements:
        pytest.skip(f"{agreement_id} is not in the library yet")
    errors = [
        f
        for f in _lint(standard_agreements[agreement_id], vocabulary, organisations_by_id)
        if f.severity is Severity.ERROR
    ]
    assert errors == [], "\n".join(f"{f.code.value} {f.path}: {f.message}" for f in errors)


def test_findings_are_sorted_and_unique(
    vocabulary: Vocabulary,
    organisations_by_id: Mapping[str, Organisation],
    standard_agreements: Mapping[str, Agreement],
) -> None:
    defective, _ = special_category_without_art9(standard_agreements)
    defective, _ = criminal_data_without_art10({MASH: defective})
    findings = _lint(defective, vocabulary, organisations_by_id)
    keys = [(f.path, f.code.value, f.message) for f in findings]
    assert keys == sorted(set(keys))


def test_lint_is_about_the_date_it_is_given(
    vocabulary: Vocabulary,
    organisations_by_id: Mapping[str, Organisation],
    standard_agreements: Mapping[str, Agreement],
) -> None:
    mash = standard_agreements[MASH]
    assert mash.expires_on is not None and mash.review_due is not None
    on_time = lint_agreement(mash, vocabulary, organisations_by_id, mash.expires_on)
    assert LintCode.ACTIVE_BUT_EXPIRED not in {f.code for f in on_time}
    late = lint_agreement(mash, vocabulary, organisations_by_id, date(mash.expires_on.year + 1, 1, 1))
    assert {LintCode.ACTIVE_BUT_EXPIRED, LintCode.ACTIVE_BUT_LAPSED} <= {f.code for f in late}
    # Before its parties signed, every party is flagged (a warning: nothing to or from them is covered).
    early = lint_agreement(mash, vocabulary, organisations_by_id, date(2026, 1, 1))
    unsigned = [f for f in early if f.code is LintCode.ACTIVE_BUT_UNSIGNED]
    assert len(unsigned) == len(mash.parties)
