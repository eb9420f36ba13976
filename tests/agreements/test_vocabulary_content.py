"""Facts about the shipped vocabulary (``agreements/library/vocabulary.yaml``) that the checker relies on.

These tests pin the legal content, not the loader: if one fails, someone has changed what a
term means in law, and the change needs a reviewer who knows the Data Protection Act 2018.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest
import yaml

from agreements.vocabulary import (
    Annex1Condition,
    GatewayKind,
    PolicyDocument,
    ProtectedGroup,
    Schedule1Part,
    Schedule2Exemption,
    Schedule8Condition,
    Vocabulary,
)
from schemas.vocabulary import VocabularyFileError, load_vocabulary, parse_vocabulary


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary()


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The file as written, to check flags set explicitly rather than inherited."""
    text = resources.files("agreements").joinpath("library/vocabulary.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


# --- fixed ids: other code refers to these ---------------------------------------------------

# Every id in vocabulary 2026.1 (agreements/library/vocabulary.yaml at commit dc9a4c5), recorded as data: ids are
# never renamed or removed, and CI has no history to read them from.
IDS_IN_2026_1: dict[str, tuple[str, ...]] = {
    "data_categories": (
        "identity",
        "contact-details",
        "household-composition",
        "education",
        "social-care",
        "child-protection-status",
        "housing",
        "financial",
        "employment-details",
        "risk-assessment",
        "dash-risk-assessment",
        "marac-action-plan",
        "mappa-risk-management-plan",
        "location-of-person-at-risk",
        "domestic-abuse-history",
        "immigration-status",
        "images",
        "health",
        "physical-health",
        "mental-health",
        "substance-misuse",
        "disability",
        "health-service-contact",
        "sexual-life-orientation",
        "racial-ethnic-origin",
        "religion-belief",
        "political-opinions",
        "trade-union-membership",
        "genetic-data",
        "biometric-data",
        "criminal-offence-data",
        "criminal-convictions",
        "criminal-allegations",
        "court-orders-and-bail",
        "sentence-and-licence",
        "custody-record",
        "police-intelligence",
    ),
    "purposes": (
        "mash-triage",
        "child-protection-enquiry",
        "child-in-need-assessment",
        "early-help",
        "marac-referral",
        "marac-risk-assessment",
        "marac-safety-planning",
        "mappa-risk-assessment",
        "mappa-risk-management",
        "mappa-third-party-disclosure",
        "adult-safeguarding-enquiry",
        "safeguarding-adults-review",
        "child-safeguarding-practice-review",
        "dvds-disclosure",
        "csod-disclosure",
        "age-assessment",
        "crime-prevention",
        "emergency-welfare",
        "housing-allocation",
        "tenancy-management",
        "service-referral",
        "operation-encompass-notification",
        "direct-care",
        "immigration-enforcement",
        "research-and-statistics",
        "employment-vetting",
    ),
    "organisation_types": (
        "police-force",
        "probation-service",
        "prison-service",
        "childrens-social-care",
        "adult-social-care",
        "local-authority-education",
        "housing-authority",
        "housing-association",
        "maintained-school",
        "academy-trust",
        "independent-school",
        "further-education-college",
        "nhs-acute-trust",
        "nhs-mental-health-trust",
        "nhs-community-trust",
        "nhs-ambulance-trust",
        "integrated-care-board",
        "nhs-england",
        "gp-practice",
        "youth-justice-service",
        "idva-service",
        "substance-misuse-service",
        "voluntary-organisation",
        "safeguarding-adults-board",
        "safeguarding-children-partnership",
        "home-office-immigration",
        "fire-and-rescue-service",
        "department-for-work-and-pensions",
        "electronic-monitoring-provider",
        "member-of-the-public",
    ),
    "data_subject_types": (
        "child",
        "parent-carer",
        "household-member",
        "adult-victim",
        "adult-at-risk",
        "alleged-perpetrator",
        "mappa-offender",
        "third-party",
        "deceased-person",
        "unaccompanied-asylum-seeking-child",
        "potential-victim",
    ),
    "art6_bases": (
        "art6-1-a",
        "art6-1-b",
        "art6-1-c",
        "art6-1-d",
        "art6-1-e",
        "art6-1-ea",
        "art6-1-f",
    ),
    "art9_conditions": (
        "art9-2-a",
        "art9-2-b",
        "art9-2-c",
        "art9-2-d",
        "art9-2-e",
        "art9-2-f",
        "art9-2-g",
        "art9-2-h",
        "art9-2-i",
        "art9-2-j",
    ),
    "schedule1_conditions": (
        "dpa-sch1-1",
        "dpa-sch1-2",
        "dpa-sch1-3",
        "dpa-sch1-4",
        "dpa-sch1-6",
        "dpa-sch1-7",
        "dpa-sch1-8",
        "dpa-sch1-10",
        "dpa-sch1-11",
        "dpa-sch1-12",
        "dpa-sch1-16",
        "dpa-sch1-17",
        "dpa-sch1-18",
        "dpa-sch1-19",
        "dpa-sch1-29",
        "dpa-sch1-30",
        "dpa-sch1-31",
        "dpa-sch1-32",
        "dpa-sch1-33",
        "dpa-sch1-36",
    ),
    "art10_routes": (
        "art10-official-authority",
        "art10-schedule1",
    ),
    "statutory_gateways": (
        "ca1989-s17",
        "ca1989-s27",
        "ca1989-s47",
        "ca2004-s10",
        "ca2004-s11",
        "ca2004-s16f",
        "ca2004-s16h",
        "care-act-2014-s42",
        "care-act-2014-s44",
        "care-act-2014-s45",
        "cda1998-s115",
        "cja2003-s325",
        "oma2007-s14",
        "daa2021-s77",
        "police-common-law-disclosure",
        "csod-guidance",
        "vpa2024-operation-encompass",
        "housing-act-1996-part6",
        "housing-act-1996-part7",
        "housing-act-1996-s213b",
        "nationality-borders-act-2022-s50",
        "immigration-asylum-act-1999-s20",
        "mental-capacity-act-2005",
        "common-law-public-interest",
        "health-and-social-care-act-2012-s251b",
        "education-act-2002-s175",
        "education-act-2002-s157",
        "police-act-1997-part5",
    ),
}


FIXED_IDS = IDS_IN_2026_1


@pytest.mark.parametrize(("term_set", "term_id"), [(name, term) for name, ids in FIXED_IDS.items() for term in ids])
def test_fixed_id_is_present(vocab: Vocabulary, term_set: str, term_id: str) -> None:
    assert term_id in vocab.term_sets()[term_set]


def test_version_is_bumped_for_the_2026_2_changes(vocab: Vocabulary) -> None:
    assert vocab.version == "2026.2"


def test_no_2026_1_id_was_removed(vocab: Vocabulary) -> None:
    sets = vocab.term_sets()
    missing = {name: sorted(set(ids) - set(sets[name])) for name, ids in IDS_IN_2026_1.items()}
    assert {name: ids for name, ids in missing.items() if ids} == {}


def test_ids_are_kebab_case_and_unique(vocab: Vocabulary, raw: dict[str, Any]) -> None:
    for term_set in vocab.term_sets():
        ids = [term["id"] for term in raw[term_set]]
        assert len(ids) == len(set(ids)), term_set
        for term_id in ids:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", term_id), term_id


def test_descriptions_are_one_line(vocab: Vocabulary) -> None:
    for terms in vocab.term_sets().values():
        for term in terms.values():
            assert term.description.strip() and "\n" not in term.description, term.id
            assert term.label.strip(), term.id


def test_dpv_iris_are_dpv(vocab: Vocabulary) -> None:
    for terms in vocab.term_sets().values():
        for term in terms.values():
            if term.dpv is not None:
                assert term.dpv.startswith("https://w3id.org/dpv"), term.id


# --- data categories -----------------------------------------------------------------------


def test_every_parent_exists(vocab: Vocabulary) -> None:
    for category in vocab.data_categories.values():
        if category.parent is not None:
            assert category.parent in vocab.data_categories, category.id


@pytest.mark.parametrize("child", ["physical-health", "mental-health", "substance-misuse", "disability"])
def test_health_subcategories_are_below_health_and_special(vocab: Vocabulary, child: str) -> None:
    assert vocab.data_categories[child].parent == "health"
    assert vocab.is_special_category(child)
    assert vocab.permits("health", child)
    assert not vocab.permits(child, "health")


@pytest.mark.parametrize(
    "category",
    [
        "health",
        "sexual-life-orientation",
        "racial-ethnic-origin",
        "religion-belief",
        "political-opinions",
        "trade-union-membership",
        "genetic-data",
        "biometric-data",
    ],
)
def test_art9_categories_are_special(vocab: Vocabulary, category: str) -> None:
    assert vocab.data_categories[category].special_category
    assert not vocab.is_criminal_offence(category)


@pytest.mark.parametrize(
    "child", ["criminal-convictions", "criminal-allegations", "court-orders-and-bail", "sentence-and-licence"]
)
def test_criminal_subcategories_are_below_criminal_offence_data(vocab: Vocabulary, child: str) -> None:
    assert vocab.data_categories[child].parent == "criminal-offence-data"
    assert vocab.is_criminal_offence(child)
    assert not vocab.is_special_category(child)


def test_police_intelligence_is_criminal_offence_data(vocab: Vocabulary) -> None:
    assert vocab.data_categories["police-intelligence"].criminal_offence


def test_domestic_abuse_history_is_not_itself_criminal_or_special(vocab: Vocabulary) -> None:
    # A victim's account given to a health visitor is not Art 10 data; police incident
    # records belong in criminal-allegations.
    assert not vocab.is_criminal_offence("domestic-abuse-history")
    assert not vocab.is_special_category("domestic-abuse-history")


def test_risk_assessments_sit_below_risk_assessment(vocab: Vocabulary) -> None:
    for child in ("dash-risk-assessment", "mappa-risk-management-plan"):
        assert vocab.data_categories[child].parent == "risk-assessment"
    assert not vocab.is_criminal_offence("risk-assessment")
    assert not vocab.is_special_category("risk-assessment")
    assert vocab.is_criminal_offence("mappa-risk-management-plan")


def test_ordinary_categories_carry_no_flag(vocab: Vocabulary) -> None:
    for category in (
        "identity",
        "contact-details",
        "household-composition",
        "education",
        "housing",
        "immigration-status",
        "location-of-person-at-risk",
    ):
        assert not vocab.is_special_category(category), category
        assert not vocab.is_criminal_offence(category), category


def test_children_of_flagged_parents_set_the_flag_explicitly(raw: dict[str, Any]) -> None:
    by_id = {c["id"]: c for c in raw["data_categories"]}
    for category in raw["data_categories"]:
        parent = by_id.get(category.get("parent", ""), {})
        for flag in ("special_category", "criminal_offence"):
            if parent.get(flag):
                assert category.get(flag) is True, f"{category['id']} should set {flag} explicitly"


# --- purposes and gateways -----------------------------------------------------------------


def test_every_purpose_gateway_exists(vocab: Vocabulary) -> None:
    for purpose in vocab.purposes.values():
        for gateway in purpose.gateways:
            assert gateway in vocab.statutory_gateways, (purpose.id, gateway)


@pytest.mark.parametrize(
    ("purpose", "gateway"),
    [
        ("child-protection-enquiry", "ca1989-s47"),
        ("child-in-need-assessment", "ca1989-s17"),
        ("mappa-risk-assessment", "cja2003-s325"),
        ("mappa-third-party-disclosure", "cja2003-s325"),
        ("marac-risk-assessment", "cda1998-s115"),
        ("adult-safeguarding-enquiry", "care-act-2014-s42"),
        ("safeguarding-adults-review", "care-act-2014-s45"),
        ("child-safeguarding-practice-review", "ca2004-s16h"),
        ("dvds-disclosure", "daa2021-s77"),
        ("dvds-disclosure", "police-common-law-disclosure"),
        ("csod-disclosure", "cja2003-s327a"),
        ("csod-disclosure", "police-common-law-disclosure"),
        ("age-assessment", "nationality-borders-act-2022-s50"),
        ("operation-encompass-notification", "vpa2024-operation-encompass"),
        ("direct-care", "health-and-social-care-act-2012-s251b"),
    ],
)
def test_purpose_relies_on_its_gateway(vocab: Vocabulary, purpose: str, gateway: str) -> None:
    assert gateway in vocab.purposes[purpose].gateways


@pytest.mark.parametrize(
    ("gateway", "kind"),
    [
        ("cda1998-s115", GatewayKind.POWER),  # a power, not a duty
        ("cja2003-s325", GatewayKind.DUTY),
        ("ca1989-s47", GatewayKind.DUTY),
        ("care-act-2014-s45", GatewayKind.DUTY),
        ("ca2004-s16h", GatewayKind.DUTY),
        ("daa2021-s77", GatewayKind.GUIDANCE),
        ("csod-guidance", GatewayKind.DUTY),  # corrected in 2026.2: CJA 2003 s327A
        ("cja2003-s327a", GatewayKind.DUTY),
        ("police-common-law-disclosure", GatewayKind.COMMON_LAW),
        ("common-law-public-interest", GatewayKind.COMMON_LAW),
    ],
)
def test_gateway_kind(vocab: Vocabulary, gateway: str, kind: GatewayKind) -> None:
    assert vocab.statutory_gateways[gateway].kind is kind


# --- organisation and data subject types ---------------------------------------------------


@pytest.mark.parametrize("org_type", ["police-force", "probation-service", "prison-service"])
def test_responsible_authority_types_are_competent_authorities(vocab: Vocabulary, org_type: str) -> None:
    term = vocab.organisation_types[org_type]
    assert term.public_authority and term.competent_authority


@pytest.mark.parametrize(
    "org_type",
    [
        "housing-association",
        "independent-school",
        "idva-service",
        "substance-misuse-service",
        "voluntary-organisation",
        "electronic-monitoring-provider",
        "member-of-the-public",
    ],
)
def test_non_public_types(vocab: Vocabulary, org_type: str) -> None:
    term = vocab.organisation_types[org_type]
    assert not term.public_authority and not term.competent_authority


@pytest.mark.parametrize(
    "org_type",
    [
        "childrens-social-care",
        "adult-social-care",
        "local-authority-education",
        "housing-authority",
        "maintained-school",
        "academy-trust",
        "nhs-acute-trust",
        "gp-practice",
        "integrated-care-board",
        "fire-and-rescue-service",
    ],
)
def test_public_non_competent_types(vocab: Vocabulary, org_type: str) -> None:
    term = vocab.organisation_types[org_type]
    assert term.public_authority and not term.competent_authority


@pytest.mark.parametrize(
    "org_type",
    [
        "adult-social-care",
        "childrens-social-care",
        "nhs-acute-trust",
        "nhs-mental-health-trust",
        "nhs-community-trust",
        "nhs-ambulance-trust",
        "integrated-care-board",
        "gp-practice",
    ],
)
def test_health_and_social_care_types_expect_a_caldicott_guardian(vocab: Vocabulary, org_type: str) -> None:
    assert vocab.organisation_types[org_type].health_or_social_care


def test_police_are_not_health_or_social_care(vocab: Vocabulary) -> None:
    assert not vocab.organisation_types["police-force"].health_or_social_care


def test_child_and_deceased_subject_flags(vocab: Vocabulary) -> None:
    children = {s.id for s in vocab.data_subject_types.values() if s.child}
    assert children == {"child", "unaccompanied-asylum-seeking-child", "young-carer", "unborn-child"}
    deceased = {s.id for s in vocab.data_subject_types.values() if s.deceased}
    assert deceased == {"deceased-person"}


# --- Art 6 ---------------------------------------------------------------------------------


def test_ea_and_f_are_not_available_to_public_authorities_for_tasks(vocab: Vocabulary) -> None:
    not_for_tasks = {b.id for b in vocab.art6_bases.values() if not b.public_authority_may_rely_for_tasks}
    assert not_for_tasks == {"art6-1-ea", "art6-1-f"}


def test_recognised_legitimate_interest_cites_the_2025_act(vocab: Vocabulary) -> None:
    citation = vocab.art6_bases["art6-1-ea"].citation
    assert "6(1)(ea)" in citation and "Annex 1" in citation and "2025" in citation


def test_art6_citations_name_the_point(vocab: Vocabulary) -> None:
    for basis in vocab.art6_bases.values():
        point = basis.id.removeprefix("art6-1-")
        assert f"Art 6(1)({point})" in basis.citation, basis.id


# --- Art 9 and Schedule 1 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "part"),
    [
        ("art9-2-a", None),
        ("art9-2-b", Schedule1Part.PART_1),
        ("art9-2-c", None),
        ("art9-2-d", None),
        ("art9-2-e", None),
        ("art9-2-f", None),
        ("art9-2-g", Schedule1Part.PART_2),
        ("art9-2-h", Schedule1Part.PART_1),
        ("art9-2-i", Schedule1Part.PART_1),
        ("art9-2-j", Schedule1Part.PART_1),
    ],
)
def test_dpa_s10_schedule1_part_for_each_art9_condition(
    vocab: Vocabulary, condition: str, part: Schedule1Part | None
) -> None:
    assert vocab.art9_conditions[condition].requires_schedule1_part == part


def test_every_part_2_condition_needs_an_apd(vocab: Vocabulary) -> None:
    part2 = [c for c in vocab.schedule1_conditions.values() if c.part is Schedule1Part.PART_2]
    assert part2
    assert all(c.apd_required for c in part2)


def test_only_para_10_has_a_part_2_apd_exception(vocab: Vocabulary) -> None:
    excepted = {c.id for c in vocab.schedule1_conditions.values() if c.part is Schedule1Part.PART_2 and c.apd_exception}
    assert excepted == {"dpa-sch1-10"}
    exception = vocab.schedule1_conditions["dpa-sch1-10"].apd_exception or ""
    assert "10(2)" in exception and "competent authority" in exception


def test_para_18_needs_an_apd_and_has_no_exception(vocab: Vocabulary) -> None:
    para18 = vocab.schedule1_conditions["dpa-sch1-18"]
    assert para18.part is Schedule1Part.PART_2 and para18.paragraph == "18"
    assert para18.apd_required and para18.apd_exception is None


def test_part_1_only_employment_needs_an_apd(vocab: Vocabulary) -> None:
    needs = {c.id for c in vocab.schedule1_conditions.values() if c.part is Schedule1Part.PART_1 and c.apd_required}
    assert needs == {"dpa-sch1-1"}


def test_part_3_apd_only_for_para_35_and_the_part_2_extensions(vocab: Vocabulary) -> None:
    # Para 35(1)(c) requires an APD itself; paras 36 and 37 borrow Part 2 conditions and with them para 5.
    part3 = {c.id: c for c in vocab.schedule1_conditions.values() if c.part is Schedule1Part.PART_3}
    assert {cid for cid, c in part3.items() if c.apd_required} == {"dpa-sch1-35", "dpa-sch1-36", "dpa-sch1-37"}
    for cid in ("dpa-sch1-29", "dpa-sch1-30", "dpa-sch1-31", "dpa-sch1-32", "dpa-sch1-33", "dpa-sch1-34"):
        assert not part3[cid].apd_required


def test_schedule1_paragraphs_match_ids_parts_and_citations(vocab: Vocabulary) -> None:
    for condition in vocab.schedule1_conditions.values():
        assert condition.id == f"dpa-sch1-{condition.paragraph}"
        assert f"Sch 1 para {condition.paragraph}" in condition.citation
        number = int(condition.paragraph)
        expected = (
            Schedule1Part.PART_1 if number <= 4 else Schedule1Part.PART_2 if number <= 28 else Schedule1Part.PART_3
        )
        assert condition.part is expected, condition.id


def test_every_part_named_by_an_art9_condition_has_conditions(vocab: Vocabulary) -> None:
    parts = {c.part for c in vocab.schedule1_conditions.values()}
    for condition in vocab.art9_conditions.values():
        if condition.requires_schedule1_part is not None:
            assert condition.requires_schedule1_part in parts


# --- Art 10 --------------------------------------------------------------------------------


def test_art10_routes(vocab: Vocabulary) -> None:
    assert vocab.art10_routes["art10-schedule1"].requires_schedule1_condition
    assert not vocab.art10_routes["art10-official-authority"].requires_schedule1_condition


# --- 2026.2 (issue 7): corrections ---------------------------------------------------------------


def test_sarahs_law_rests_on_a_statutory_duty_to_consider_disclosure(vocab: Vocabulary) -> None:
    s327a = vocab.statutory_gateways["cja2003-s327a"]
    assert s327a.kind is GatewayKind.DUTY
    assert "Criminal Justice Act 2003 s327A" in s327a.citation
    purpose = vocab.purposes["csod-disclosure"]
    assert "cja2003-s327a" in purpose.gateways
    assert not any(vocab.statutory_gateways[g].kind is GatewayKind.GUIDANCE for g in purpose.gateways)


def test_the_old_csod_gateway_is_kept_corrected_and_marked_superseded(vocab: Vocabulary) -> None:
    old = vocab.statutory_gateways["csod-guidance"]
    assert old.kind is GatewayKind.DUTY
    assert "s327A" in old.citation
    assert "non-statutory" not in old.description.lower()
    assert "cja2003-s327a" in old.description and "superseded" in old.label.lower()


def test_an_adult_victim_is_18_or_over(vocab: Vocabulary) -> None:
    victim = vocab.data_subject_types["adult-victim"]
    assert not victim.child
    assert "18 or over" in victim.description
    assert "aged 16 or over" not in victim.description


@pytest.mark.parametrize("plan", ["dash-risk-assessment", "marac-action-plan", "mappa-risk-management-plan"])
def test_risk_plans_are_classified_alike(vocab: Vocabulary, raw: dict[str, Any], plan: str) -> None:
    assert vocab.is_special_category(plan) and vocab.is_criminal_offence(plan)
    written = next(c for c in raw["data_categories"] if c["id"] == plan)
    assert written.get("special_category") is True and written.get("criminal_offence") is True
    # Restricted, so a flow permitting the general "risk assessment" never carries them.
    assert not vocab.permits("risk-assessment", plan)


def test_the_plan_flags_say_why_in_the_file() -> None:
    text = resources.files("agreements").joinpath("library/vocabulary.yaml").read_text(encoding="utf-8")
    for plan in ("marac-action-plan", "mappa-risk-management-plan"):
        block = _yaml_block(text, plan)
        assert "# " in block and "health" in block and "s11(2)" in block, plan


# --- 2026.2: additions ---------------------------------------------------------------------------

IDS_ADDED_IN_2026_2: dict[str, tuple[str, ...]] = {
    "data_categories": (
        "exploitation-and-missing-episodes",
        "fgm-and-forced-marriage",
        "radicalisation-concern",
        "modern-slavery-referral-status",
        "referrer-identity",
    ),
    "purposes": (
        "all-age-mash-triage",
        "domestic-abuse-related-death-review",
        "child-death-review",
        "prevent-channel",
        "child-exploitation-and-missing",
        "modern-slavery-referral",
        "fgm-and-forced-marriage-protection",
        "lado-allegation-management",
        "dbs-barring-referral",
        "family-court-proceedings",
        "criminal-proceedings",
        "marac-transfer",
        "dvds-right-to-ask",
        "dvds-right-to-know",
    ),
    "organisation_types": (
        "early-years-provider",
        "cafcass",
        "private-healthcare-provider",
        "private-care-provider",
        "refuge-provider",
        "supported-housing-provider",
        "court",
        "crown-prosecution-service",
    ),
    "data_subject_types": ("care-leaver", "young-carer", "referrer", "staff-subject-to-allegation", "unborn-child"),
    "schedule1_conditions": ("dpa-sch1-14", "dpa-sch1-23", "dpa-sch1-24", "dpa-sch1-34", "dpa-sch1-35", "dpa-sch1-37"),
    "statutory_gateways": (
        "cja2003-s327a",
        "care-act-2014-s6",
        "care-act-2014-s7",
        "dvcva2004-s9",
        "ca2004-s16m",
        "ca2004-s16n",
        "fgm2003-s5b",
        "forced-marriage-guidance",
        "msa2015-s52",
        "ctsa2015-s26",
        "ctsa2015-s36-38",
        "pcsc2022-serious-violence-duty",
        "ea1996-s436a",
        "svga2006-s35-36",
        "lado-guidance",
        "housing-act-1996-s213",
        "nhs-act-2006-s82",
        "ca1989-s42",
        "court-order-or-rule-of-law",
    ),
    "annex1_conditions": ("annex1-1", "annex1-2", "annex1-3", "annex1-5", "annex1-6"),
    "schedule8_conditions": tuple(f"dpa-sch8-{n}" for n in range(1, 10)),
    "schedule2_exemptions": ("dpa-sch2-2", "dpa-sch2-5"),
    "policy_documents": ("apd-schedule-1", "apd-section-42"),
}

_CITED_SETS = (
    "schedule1_conditions",
    "statutory_gateways",
    "annex1_conditions",
    "schedule8_conditions",
    "schedule2_exemptions",
    "policy_documents",
)


def _yaml_block(text: str, term_id: str) -> str:
    """The lines of one term in the vocabulary file, from its ``- id:`` line to the next term or section."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {term_id}")
    end = start + 1
    while end < len(lines) and not lines[end].lstrip().startswith("- id:") and not lines[end][:1].isalpha():
        end += 1
    return "\n".join(lines[start:end])


@pytest.mark.parametrize(
    ("term_set", "term_id"), [(name, term) for name, ids in IDS_ADDED_IN_2026_2.items() for term in ids]
)
def test_added_term_is_present(vocab: Vocabulary, term_set: str, term_id: str) -> None:
    assert term_id in vocab.term_sets()[term_set]


@pytest.mark.parametrize(
    ("term_set", "term_id"), [(name, term) for name in _CITED_SETS for term in IDS_ADDED_IN_2026_2[name]]
)
def test_added_legal_term_has_its_source(vocab: Vocabulary, term_set: str, term_id: str) -> None:
    term = vocab.term_sets()[term_set][term_id]
    citation = str(getattr(term, "citation", ""))
    assert citation.strip(), term_id
    assert any(word in citation for word in ("Act", "UK GDPR", "DPA 2018", "Guidance", "Working Together", "Order"))


@pytest.mark.parametrize("gateway", IDS_ADDED_IN_2026_2["statutory_gateways"])
def test_added_gateway_says_whether_it_was_verified(gateway: str) -> None:
    text = resources.files("agreements").joinpath("library/vocabulary.yaml").read_text(encoding="utf-8")
    block = _yaml_block(text, gateway)
    assert "NOT VERIFIED" in block or "Verified" in block, gateway


@pytest.mark.parametrize("purpose", IDS_ADDED_IN_2026_2["purposes"])
def test_added_purpose_relies_on_cited_gateways(vocab: Vocabulary, purpose: str) -> None:
    gateways = vocab.purposes[purpose].gateways
    assert gateways, purpose
    for gateway in gateways:
        assert vocab.statutory_gateways[gateway].citation, (purpose, gateway)


@pytest.mark.parametrize(
    ("purpose", "gateway"),
    [
        ("all-age-mash-triage", "care-act-2014-s42"),
        ("all-age-mash-triage", "ca1989-s47"),
        ("domestic-abuse-related-death-review", "dvcva2004-s9"),
        ("child-death-review", "ca2004-s16m"),
        ("prevent-channel", "ctsa2015-s26"),
        ("prevent-channel", "ctsa2015-s36-38"),
        ("child-exploitation-and-missing", "ea1996-s436a"),
        ("modern-slavery-referral", "msa2015-s52"),
        ("fgm-and-forced-marriage-protection", "fgm2003-s5b"),
        ("lado-allegation-management", "lado-guidance"),
        ("dbs-barring-referral", "svga2006-s35-36"),
        ("family-court-proceedings", "ca1989-s42"),
        ("marac-transfer", "cda1998-s115"),
        ("dvds-right-to-ask", "daa2021-s77"),
        ("dvds-right-to-know", "police-common-law-disclosure"),
    ],
)
def test_added_purpose_gateway(vocab: Vocabulary, purpose: str, gateway: str) -> None:
    assert gateway in vocab.purposes[purpose].gateways


@pytest.mark.parametrize(
    ("gateway", "kind"),
    [
        ("care-act-2014-s6", GatewayKind.DUTY),
        ("care-act-2014-s7", GatewayKind.DUTY),
        ("fgm2003-s5b", GatewayKind.DUTY),
        ("msa2015-s52", GatewayKind.DUTY),
        ("svga2006-s35-36", GatewayKind.DUTY),
        ("housing-act-1996-s213", GatewayKind.DUTY),
        ("nhs-act-2006-s82", GatewayKind.DUTY),
        # Collaboration is a duty; sharing information for it is permitted, not required: a wrong "duty"
        # would tell practitioners they must share.
        ("pcsc2022-serious-violence-duty", GatewayKind.POWER),
        ("lado-guidance", GatewayKind.GUIDANCE),
        ("forced-marriage-guidance", GatewayKind.GUIDANCE),
    ],
)
def test_added_gateway_kind(vocab: Vocabulary, gateway: str, kind: GatewayKind) -> None:
    assert vocab.statutory_gateways[gateway].kind is kind


def test_added_purposes_are_protective_where_sharing_protects(vocab: Vocabulary) -> None:
    protective = {p for p in IDS_ADDED_IN_2026_2["purposes"] if vocab.purposes[p].protective}
    # Reviews learn lessons and court proceedings decide cases: sharing for them protects nobody directly.
    assert protective == set(IDS_ADDED_IN_2026_2["purposes"]) - {
        "domestic-abuse-related-death-review",
        "child-death-review",
        "family-court-proceedings",
        "criminal-proceedings",
    }


def test_added_law_enforcement_purposes_are_s31_purposes(vocab: Vocabulary) -> None:
    law_enforcement = {p for p in IDS_ADDED_IN_2026_2["purposes"] if vocab.purposes[p].law_enforcement}
    assert law_enforcement == {"prevent-channel", "criminal-proceedings"}


@pytest.mark.parametrize(
    ("purpose", "group"),
    [
        ("child-death-review", ProtectedGroup.CHILDREN),
        ("child-exploitation-and-missing", ProtectedGroup.CHILDREN),
        ("lado-allegation-management", ProtectedGroup.CHILDREN),
        ("all-age-mash-triage", None),  # children and adults: para 18 is decided per person
        ("modern-slavery-referral", None),
    ],
)
def test_added_purpose_protects(vocab: Vocabulary, purpose: str, group: ProtectedGroup | None) -> None:
    assert vocab.purposes[purpose].protects is group


@pytest.mark.parametrize(
    ("org_type", "public", "competent", "health_or_care", "can_act"),
    [
        ("early-years-provider", False, False, False, True),
        ("cafcass", True, False, False, False),
        ("private-healthcare-provider", False, False, True, True),
        ("private-care-provider", False, False, True, True),
        ("refuge-provider", False, False, False, True),
        ("supported-housing-provider", False, False, False, False),
        ("court", True, True, False, False),
        ("crown-prosecution-service", True, True, False, False),
    ],
)
def test_added_organisation_type_flags(
    vocab: Vocabulary, org_type: str, public: bool, competent: bool, health_or_care: bool, can_act: bool
) -> None:
    term = vocab.organisation_types[org_type]
    assert (term.public_authority, term.competent_authority) == (public, competent)
    assert term.health_or_social_care is health_or_care
    assert term.can_act_to_protect is can_act


@pytest.mark.parametrize(
    ("subject_type", "child"),
    [
        ("care-leaver", False),
        ("young-carer", True),
        ("referrer", False),
        ("staff-subject-to-allegation", False),
        ("unborn-child", True),
    ],
)
def test_added_subject_type_flags(vocab: Vocabulary, subject_type: str, child: bool) -> None:
    term = vocab.data_subject_types[subject_type]
    assert term.child is child
    assert not term.deceased and not term.adult_at_risk


@pytest.mark.parametrize(
    ("category", "special", "criminal"),
    [
        ("exploitation-and-missing-episodes", True, True),
        ("fgm-and-forced-marriage", True, True),
        ("radicalisation-concern", True, False),
        ("modern-slavery-referral-status", False, True),
        ("referrer-identity", False, False),
    ],
)
def test_added_category_flags(vocab: Vocabulary, category: str, special: bool, criminal: bool) -> None:
    assert vocab.is_special_category(category) is special
    assert vocab.is_criminal_offence(category) is criminal


def test_referrer_identity_is_never_carried_by_an_identity_flow(vocab: Vocabulary) -> None:
    assert vocab.data_categories["referrer-identity"].parent is None
    assert not vocab.permits("identity", "referrer-identity")


@pytest.mark.parametrize("category", IDS_ADDED_IN_2026_2["data_categories"])
def test_added_restricted_categories_sit_under_no_routine_parent(vocab: Vocabulary, category: str) -> None:
    # Under a routine parent ("social care", "identity") a restricted record would make every flow of that parent
    # look as if it carried the record (the lint's RESTRICTED_CATEGORY_NOT_INHERITED), though it never does.
    if vocab.restrictions_of(category) or category == "referrer-identity":
        assert vocab.data_categories[category].parent is None, category


@pytest.mark.parametrize(
    ("paragraph", "part", "apd"),
    [("14", Schedule1Part.PART_2, True), ("23", Schedule1Part.PART_2, True), ("24", Schedule1Part.PART_2, True)]
    + [("34", Schedule1Part.PART_3, False), ("35", Schedule1Part.PART_3, True), ("37", Schedule1Part.PART_3, True)],
)
def test_added_schedule1_conditions(vocab: Vocabulary, paragraph: str, part: Schedule1Part, apd: bool) -> None:
    condition = vocab.schedule1_conditions[f"dpa-sch1-{paragraph}"]
    assert condition.part is part and condition.paragraph == paragraph
    assert condition.apd_required is apd
    assert condition.apd_exception is None


# --- 2026.2: new kinds of term -------------------------------------------------------------------


def test_new_term_kinds_load_as_their_domain_types(vocab: Vocabulary) -> None:
    assert all(isinstance(t, Annex1Condition) for t in vocab.annex1_conditions.values())
    assert all(isinstance(t, Schedule8Condition) for t in vocab.schedule8_conditions.values())
    assert all(isinstance(t, Schedule2Exemption) for t in vocab.schedule2_exemptions.values())
    assert all(isinstance(t, PolicyDocument) for t in vocab.policy_documents.values())
    for name in ("annex1_conditions", "schedule8_conditions", "schedule2_exemptions", "policy_documents"):
        assert name in vocab.term_sets() and vocab.term_sets()[name], name


def test_annex1_conditions_match_the_2025_act(vocab: Vocabulary) -> None:
    assert {c.paragraph for c in vocab.annex1_conditions.values()} == {"1", "2", "3", "5", "6"}
    for condition in vocab.annex1_conditions.values():
        assert condition.id == f"annex1-{condition.paragraph}"
        assert condition.citation.startswith(f"UK GDPR Annex 1 para{'s' if condition.paragraph in '36' else ''} ")
    assert "vulnerable individual" in vocab.annex1_conditions["annex1-6"].description
    assert "Civil Contingencies Act 2004" in vocab.annex1_conditions["annex1-3"].description


def test_the_ea_basis_and_its_conditions_are_the_same_law(vocab: Vocabulary) -> None:
    basis = vocab.art6_bases["art6-1-ea"]
    assert "Annex 1" in basis.citation and not basis.public_authority_may_rely_for_tasks


def test_schedule8_conditions_all_need_the_s42_document(vocab: Vocabulary) -> None:
    assert [c.paragraph for c in vocab.schedule8_conditions.values()] == [str(n) for n in range(1, 10)]
    for condition in vocab.schedule8_conditions.values():
        assert condition.id == f"dpa-sch8-{condition.paragraph}"
        assert f"Sch 8 para {condition.paragraph}" in condition.citation
        assert condition.apd_required
    assert "s42" in vocab.policy_documents["apd-section-42"].citation


def test_schedule8_safeguarding_mirrors_schedule1_para_18(vocab: Vocabulary) -> None:
    description = vocab.schedule8_conditions["dpa-sch8-4"].description
    assert "under 18" in description and "adult at risk" in description and "without consent" in description


def test_schedule2_exemptions_are_case_by_case(vocab: Vocabulary) -> None:
    for exemption in vocab.schedule2_exemptions.values():
        assert exemption.case_by_case and exemption.part == "1"
        assert exemption.id == f"dpa-sch2-{exemption.paragraph}"
        assert f"Sch 2 para {exemption.paragraph}" in exemption.citation
    assert "court order" in vocab.schedule2_exemptions["dpa-sch2-5"].description
    assert "crime" in vocab.schedule2_exemptions["dpa-sch2-2"].description


def test_policy_documents_are_kept_six_months_after_processing(vocab: Vocabulary) -> None:
    assert {d.retain_months_after_processing for d in vocab.policy_documents.values()} == {6}
    assert "Sch 1" in vocab.policy_documents["apd-schedule-1"].citation


def test_a_vocabulary_without_the_new_term_sets_still_builds() -> None:
    older = Vocabulary.build(version="2026.1")
    assert older.annex1_conditions == {} and older.policy_documents == {}
    assert set(older.term_sets()) >= {"annex1_conditions", "schedule8_conditions", "schedule2_exemptions"}


_MINIMAL = """\
version: "t"
data_categories: []
purposes: []
organisation_types: []
data_subject_types: []
art6_bases: []
art9_conditions: []
schedule1_conditions: []
art10_routes: []
statutory_gateways: []
"""


def test_a_file_without_the_new_term_sets_loads() -> None:
    vocabulary = parse_vocabulary(_MINIMAL)
    assert vocabulary.schedule8_conditions == {} and vocabulary.schedule2_exemptions == {}


@pytest.mark.parametrize(
    ("term_set", "entry", "path"),
    [
        (
            "annex1_conditions",
            "{id: a, label: A, description: D, citation: C, paragraph: '1', balancing: x}",
            "balancing",
        ),
        ("schedule8_conditions", "{id: a, label: A, description: D, citation: C, apd_required: true}", "paragraph"),
        (
            "schedule2_exemptions",
            "{id: a, label: A, description: D, citation: C, part: '1', paragraph: '2', scope: x}",
            "scope",
        ),
        (
            "policy_documents",
            "{id: a, label: A, description: D, citation: C, retain_months_after_processing: -1}",
            "retain",
        ),
        (
            "schedule8_conditions",
            "{id: a, label: A, description: D, citation: C, paragraph: '1'}\n"
            "  - {id: a, label: B, description: D, citation: C, paragraph: '2'}",
            "duplicate id",
        ),
    ],
)
def test_new_term_sets_reject_bad_entries_naming_the_field(term_set: str, entry: str, path: str) -> None:
    with pytest.raises(VocabularyFileError) as caught:
        parse_vocabulary(_MINIMAL + f"{term_set}:\n  - {entry}\n", "vocab.yaml")
    assert f"{term_set}[" in str(caught.value) and path in str(caught.value)
