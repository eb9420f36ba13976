"""Domain validation: every reference in an agreement resolves, and each problem names its path."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from agreements.model import (
    AgreementStatus,
    Art9Entry,
    Endpoint,
    LawfulBases,
    can_change_status,
)
from agreements.validation import Problem, validate_agreement, validate_organisation
from schemas.files import read_registry_file
from schemas.vocabulary import load_vocabulary

LIBRARY = Path(__file__).resolve().parents[2] / "agreements" / "library"


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


@pytest.fixture(scope="module")
def organisations():
    # Agreement files may register organisations of their own (mappa.yaml: the duty-to-co-operate agencies).
    return tuple(
        o
        for path in sorted(LIBRARY.glob("*.yaml"))
        if path.name != "vocabulary.yaml"
        for o in read_registry_file(path).organisations
    )


@pytest.fixture(scope="module")
def mash():
    return read_registry_file(LIBRARY / "mash.yaml").agreements[0]


def _validate(agreement, vocabulary, organisations):
    return validate_agreement(agreement, vocabulary, {o.id for o in organisations})


def test_the_standard_agreements_and_organisations_are_valid(vocabulary, organisations):
    for name in ("mash.yaml", "marac.yaml", "mappa.yaml", "adult-safeguarding.yaml"):
        for agreement in read_registry_file(LIBRARY / name).agreements:
            assert _validate(agreement, vocabulary, organisations) == []
    for organisation in organisations:
        assert validate_organisation(organisation, vocabulary) == []


def test_an_unknown_category_is_named_with_its_path_and_a_suggestion(mash, vocabulary, organisations):
    flows = list(mash.flows)
    flows[2] = replace(flows[2], data_categories=(flows[2].data_categories[0], "mental-helth"))
    problems = _validate(replace(mash, flows=tuple(flows)), vocabulary, organisations)
    assert problems == [
        Problem(
            "flows[2].data_categories[1]",
            "unknown data category 'mental-helth' (did you mean 'mental-health'?)",
        )
    ]


def test_a_flow_naming_a_non_party_is_refused(mash, vocabulary, organisations):
    flows = list(mash.flows)
    flows[0] = replace(flows[0], recipient=(Endpoint(organisation="home-office-immigration"),))
    problems = _validate(replace(mash, flows=tuple(flows)), vocabulary, organisations)
    assert [p.path for p in problems] == ["flows[0].to[0].organisation"]
    assert "not a party" in problems[0].message


def test_duplicate_flow_ids_and_parties_are_refused(mash, vocabulary, organisations):
    duplicated = replace(
        mash,
        flows=(*mash.flows, replace(mash.flows[0])),
        parties=(*mash.parties, mash.parties[1]),
    )
    paths = {p.path for p in _validate(duplicated, vocabulary, organisations)}
    assert f"flows[{len(mash.flows)}].id" in paths
    assert f"parties[{len(mash.parties)}].organisation_id" in paths


def test_flow_purposes_and_subjects_must_be_the_agreements_own(mash, vocabulary, organisations):
    flows = list(mash.flows)
    flows[0] = replace(flows[0], purposes=("dvds-disclosure",), data_subjects=("mappa-offender",))
    problems = _validate(replace(mash, flows=tuple(flows)), vocabulary, organisations)
    assert {p.path for p in problems} == {"flows[0].purposes[0]", "flows[0].data_subjects[0]"}


def test_lawful_bases_must_name_real_terms_parties_and_purposes(mash, vocabulary, organisations):
    bases = LawfulBases(
        art6=mash.lawful_bases.art6,
        art9=(Art9Entry(condition="art9-2-z", schedule1="dpa-sch1-99", purposes=("nope",), parties=("nobody",)),),
    )
    problems = _validate(replace(mash, lawful_bases=bases), vocabulary, organisations)
    assert {p.path for p in problems} == {
        "lawful_bases.art9[0].condition",
        "lawful_bases.art9[0].schedule1",
        "lawful_bases.art9[0].purposes[0]",
        "lawful_bases.art9[0].parties[0]",
    }


def test_dates_owner_and_parent_are_checked(mash, vocabulary, organisations):
    broken = replace(
        mash,
        owner="nobody",
        parent_id=mash.id,
        review_due=date(2000, 1, 1),
    )
    paths = {p.path for p in _validate(broken, vocabulary, organisations)}
    assert paths == {"owner", "parent_id", "review_due"}


def test_an_active_agreement_needs_an_effective_date(mash, vocabulary, organisations):
    problems = _validate(replace(mash, effective_from=None, status=AgreementStatus.ACTIVE), vocabulary, organisations)
    assert [p.path for p in problems] == ["effective_from"]


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("draft", "awaiting_signatures", True),
        ("awaiting_signatures", "active", True),
        ("active", "suspended", True),
        ("suspended", "active", True),
        ("active", "draft", False),
        ("terminated", "active", False),
        ("superseded", "active", False),
        ("draft", "active", False),
    ],
)
def test_the_status_lifecycle(current, new, allowed):
    assert can_change_status(AgreementStatus(current), AgreementStatus(new)) is allowed


def test_a_question_with_a_misspelt_term_is_refused_with_a_suggestion(vocabulary, organisations, mash):
    from datetime import UTC, datetime

    from agreements.checker import check_share
    from agreements.model import AgreementRevision
    from agreements.question import Person, QuestionError, ShareQuestion
    from agreements.snapshot import RegistrySnapshot

    snapshot = RegistrySnapshot(
        vocabulary, organisations, [AgreementRevision(mash, 1, datetime(2026, 1, 1, tzinfo=UTC), "test")]
    )
    question = ShareQuestion(
        discloser="northshire-polise",
        recipient="northshire-cc-childrens-services",
        people=(Person("child"),),
        data_categories=("identity", "mental-helth"),
        purpose="mash-triage",
        as_of=date(2026, 11, 21),
    )
    with pytest.raises(QuestionError) as caught:
        check_share(question, snapshot)
    assert caught.value.problems == [
        Problem("discloser", "unknown organisation 'northshire-polise' (did you mean 'northshire-police'?)"),
        Problem("data_categories[1]", "unknown data category 'mental-helth' (did you mean 'mental-health'?)"),
    ]


def test_the_redrafted_agreements_fields_are_checked_against_the_vocabulary(mash, vocabulary, organisations):
    """Issue 7's fields: not_told types, use_only_for purposes, not_carried categories, a party's controller."""
    from agreements.model import NotTold

    flows = list(mash.flows)
    flows[0] = replace(flows[0], not_carried=("dash-risk-assesment",))
    parties = list(mash.parties)
    parties[1] = replace(parties[1], controller="northshire-parish-council")
    defective = replace(
        mash,
        flows=tuple(flows),
        parties=tuple(parties),
        consent_model=replace(mash.consent_model, not_told=(NotTold("alleged-perpertrator", "Sch 2 para 2"),)),
        restrictions=replace(mash.restrictions, use_only_for=("mash-triag",)),
    )
    paths = {p.path for p in _validate(defective, vocabulary, organisations)}
    assert {
        "flows[0].not_carried[0]",
        "parties[1].controller",
        "consent_model.not_told[0].subject_type",
        "restrictions.use_only_for[0]",
    } <= paths
