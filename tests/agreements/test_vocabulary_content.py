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

from agreements.vocabulary import GatewayKind, Schedule1Part, Vocabulary
from schemas.vocabulary import load_vocabulary


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
