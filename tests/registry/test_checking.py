"""The share checker and the agreement lint against the stored registry: the service, the CLI and the API.

The checker itself is tested case by case in ``tests/agreements``; here the question is whether the
registry feeds it the same agreements a YAML file would, picks the revision in force on the date, and
reports questions and answers faithfully through ``flask registry check|lint`` and ``/api/v1``.

The standard agreements are in force on ``ON`` (1 July 2026): MARAC from 5 Feb 2026, MASH from 1 Apr
2026 and MAPPA from 1 Jun 2026. Loaded into the database they are recorded "now", which is after ``ON``:
a revision counts from its effective-from date when nothing recorded earlier governs that day.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlmodel import Session

from agreements.answer import Code, Decision, ShareAnswer
from agreements.checker import check_share
from agreements.lint import LintCode, Severity
from agreements.model import Agreement
from agreements.question import ShareQuestion
from agreements.snapshot import RegistrySnapshot
from registry.services.agreements import get_agreement, save_agreement
from registry.services.checking import check_proposed_share, lint_stored_agreements, registry_snapshot
from registry.services.errors import RegistryNotFoundError
from registry.services.importing import import_documents
from registry.services.standard import read_standard_documents
from schemas.files import RegistryDocument
from schemas.question import ShareAnswerSchema, ShareQuestionSchema, today_in_the_uk
from schemas.vocabulary import load_vocabulary
from tests.agreements.conftest import build_snapshot
from tests.registry.helpers import table_counts

ON = date(2026, 7, 1)
MASH = "NS-MASH-ISA"
MARAC = "NS-MARAC-ISA"
MAPPA = "NS-MAPPA-ISA"
ADULTS = "NS-ADULT-SAFEGUARDING-ISA"

# Organisations in agreements/library/organisations.yaml, and which standard agreements name them.
POLICE = "northshire-police"  # all three
CSC = "northshire-cc-childrens-services"  # all three
ACUTE = "northshire-hospitals-nhs-ft"  # all three
ASC = "northshire-cc-adult-social-care"  # MASH, MARAC, MAPPA and adult safeguarding
SCHOOL = "st-aidans-primary"  # MASH only
ACADEMY = "riverside-learning-trust"  # MASH only
PRISON = "hmp-northgate"  # MAPPA only

# Police into the MASH for a s47 enquiry: flow F1, special category and criminal data, consent not sought
# because it would prejudice the enquiry, significant harm to the child.
MASH_S47 = {
    "discloser": POLICE,
    "recipient": CSC,
    "subject": {"type": "child"},
    "data_categories": ["identity", "criminal-allegations", "domestic-abuse-history", "mental-health"],
    "purpose": "child-protection-enquiry",
    "consent": "not_sought",
    "consent_not_sought_reason": "prejudice_enquiry",
    "risks": ["significant_harm_to_child"],
    "as_of": ON.isoformat(),
}
# Police intelligence into MASH triage: only flow F1 carries it.
MASH_TRIAGE = {
    "discloser": POLICE,
    "recipient": CSC,
    "subject": {"type": "child"},
    "data_categories": ["identity", "police-intelligence"],
    "purpose": "mash-triage",
    "consent": "not_sought",
    "consent_not_sought_reason": "increases_risk",
    "risks": ["significant_harm_to_child"],
    "as_of": ON.isoformat(),
}
# An adult victim with capacity refuses a MARAC referral; no risk to others, no other ground.
MARAC_REFUSAL = {
    "discloser": ACUTE,
    "recipient": POLICE,
    "subject": {"type": "adult-victim", "has_capacity": True},
    "data_categories": ["identity", "contact-details", "domestic-abuse-history"],
    "purpose": "marac-referral",
    "consent": "refused",
    "as_of": ON.isoformat(),
}
# Clare's Law: a disclosure to a member of the public goes through the police DVDS process.
DVDS_TO_PUBLIC = {
    "discloser": POLICE,
    "recipient_type": "member-of-the-public",
    "subject": {"type": "alleged-perpetrator"},
    "data_categories": ["identity", "criminal-convictions", "domestic-abuse-history"],
    "purpose": "dvds-disclosure",
    "consent": "not_sought",
    "risks": ["risk_to_others"],
    "as_of": ON.isoformat(),
}


class Case(NamedTuple):
    """A standard question and what a careful information governance lead would answer."""

    name: str
    body: dict[str, Any]
    decision: Decision
    codes: frozenset[Code]


STANDARD_QUESTIONS = (
    Case(
        "mash-police-to-csc-significant-harm-prejudice-enquiry",
        MASH_S47,
        Decision.COVERED,
        frozenset(
            {Code.FLOW_MATCHED, Code.ART6_BASIS, Code.ART9_CONDITION, Code.ART10_ROUTE, Code.CONSENT_OVERRIDE_GROUND}
        ),
    ),
    Case(
        "marac-capacitous-victim-refuses-no-risk",
        MARAC_REFUSAL,
        Decision.NOT_COVERED,
        frozenset({Code.CAPACITOUS_REFUSAL_RESPECTED, Code.NO_ROUTE}),
    ),
    Case(
        "dvds-disclosure-to-member-of-the-public",
        DVDS_TO_PUBLIC,
        Decision.ESCALATE,
        frozenset({Code.DISCLOSURE_SCHEME_POLICE_PROCESS}),
    ),
)


def _body(base: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of a question body; a change to ``None`` removes the key."""
    body = dict(base)
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def _question(body: Mapping[str, Any]) -> ShareQuestion:
    question: ShareQuestion = ShareQuestionSchema().load(body)
    return question


def _dump(answer: ShareAnswer) -> dict[str, Any]:
    """The answer as the CLI prints it and the API returns it."""
    dumped: dict[str, Any] = json.loads(json.dumps(ShareAnswerSchema().dump(answer)))
    return dumped


@cache
def _standard_documents() -> tuple[RegistryDocument, ...]:
    """The shipped library parsed once: parsing the YAML, not storing it, is what takes the time."""
    return tuple(read_standard_documents())


@cache
def _library_snapshot() -> RegistrySnapshot:
    """The registry built straight from the YAML files in agreements/library, each agreement as revision 1."""
    documents = _standard_documents()
    return build_snapshot(
        load_vocabulary(),
        [o for d in documents for o in d.organisations],
        [a for d in documents for a in d.agreements],
    )


def _version(agreement_id: str) -> str:
    """The version of a standard agreement in the library files."""
    return _library_snapshot().histories[agreement_id][0].agreement.version


def _agreement_citations(answer: ShareAnswer) -> set[tuple[str, str | None, int | None, str | None]]:
    return {
        (r.citation.agreement_id, r.citation.version, r.citation.revision, r.citation.flow_id)
        for r in answer.reasons
        if r.citation.agreement_id is not None
    }


def _mash(session: Session) -> Agreement:
    return get_agreement(session=session, agreement_id=MASH).agreement


def _save_mash_without_f1(session: Session) -> Agreement:
    """MASH v3.2, revision 2 recorded now: flow F1 gone, reviewed a year from today so it stays in force."""
    mash = _mash(session)
    today = today_in_the_uk()
    revised = dataclasses.replace(
        mash,
        version="3.2",
        flows=tuple(flow for flow in mash.flows if flow.id != "F1"),
        review_due=today + timedelta(days=365),
        expires_on=today + timedelta(days=3 * 365),
    )
    stored = save_agreement(session=session, agreement=revised, actor="test", change_note="F1 withdrawn")
    assert stored.revision == 2
    return revised


def _save_mash_without_school_apd(session: Session) -> None:
    """MASH revision 2: the school's appropriate policy document is gone, though it relies on Sch 1 Part 2."""
    mash = _mash(session)
    parties = tuple(
        dataclasses.replace(party, apd_reference=None) if party.organisation_id == SCHOOL else party
        for party in mash.parties
    )
    stored = save_agreement(session=session, agreement=dataclasses.replace(mash, parties=parties), actor="test")
    assert stored.revision == 2


def _without_party(agreement: Agreement, organisation_id: str) -> Agreement:
    """The agreement with one party gone: from its parties, the flow ends that name it (a flow left with no
    end is dropped), and lawful bases limited to named parties (an entry left naming nobody is dropped)."""

    def strip(entries: tuple[Any, ...]) -> tuple[Any, ...]:
        kept = []
        for e in entries:
            if e.parties:
                parties = tuple(p for p in e.parties if p != organisation_id)
                if not parties:
                    continue
                e = dataclasses.replace(e, parties=parties)
            kept.append(e)
        return tuple(kept)

    flows = []
    for flow in agreement.flows:
        source = tuple(e for e in flow.source if e.organisation != organisation_id)
        recipient = tuple(e for e in flow.recipient if e.organisation != organisation_id)
        if source and recipient:
            flows.append(dataclasses.replace(flow, source=source, recipient=recipient))
    bases = agreement.lawful_bases
    return dataclasses.replace(
        agreement,
        parties=tuple(p for p in agreement.parties if p.organisation_id != organisation_id),
        flows=tuple(flows),
        lawful_bases=dataclasses.replace(
            bases, art6=strip(bases.art6), art9=strip(bases.art9), art10=strip(bases.art10)
        ),
    )


def _load_standard(session: Session) -> None:
    """Store the standard organisations and agreements, as ``init-db`` loads them."""
    summary = import_documents(session=session, documents=list(_standard_documents()), actor="standard library")
    assert summary.agreements.created == 4


@pytest.fixture
def standard(session: Session) -> Session:
    """The session, on a registry holding the standard organisations and agreements."""
    _load_standard(session)
    return session


# --- The service ------------------------------------------------------------------------------------------


def test_the_stored_registry_answers_as_the_library_files_do(standard: Session) -> None:
    for case in STANDARD_QUESTIONS:
        question = _question(case.body)

        stored = check_proposed_share(session=standard, question=question)
        from_files = check_share(question, _library_snapshot())

        assert (stored.decision, from_files.decision) == (case.decision, case.decision), case.name
        assert [r.code for r in stored.reasons] == [r.code for r in from_files.reasons], case.name
        assert case.codes <= {r.code for r in stored.reasons}, case.name
        assert stored.codes() == from_files.codes(), case.name
        assert _dump(stored) == _dump(from_files), case.name  # citations, obligations, evaluations and all

    # The school passes on what the hospital told it under MARAC, which names the hospital but not the school.
    body = _body(MASH_S47, discloser=SCHOOL, received_from=ACUTE, received_under=MARAC, consent="obtained")
    body.pop("consent_not_sought_reason")
    body["data_categories"] = ["identity", "education"]
    onward = _question(body)
    assert _dump(check_proposed_share(session=standard, question=onward)) == _dump(
        check_share(onward, _library_snapshot())
    )


def test_a_new_revision_governs_questions_from_the_day_it_was_recorded(standard: Session) -> None:
    today = today_in_the_uk().isoformat()
    before = check_proposed_share(session=standard, question=_question(_body(MASH_TRIAGE, as_of=today)))
    assert before.nearest is not None and (before.nearest.revision, before.nearest.flow_id) == (1, "F1")

    _save_mash_without_f1(standard)

    # As of today the MASH is revision 2, which has no flow for police intelligence into triage.
    now = check_proposed_share(session=standard, question=_question(_body(MASH_TRIAGE, as_of=today)))
    assert now.decision is Decision.ESCALATE
    assert Code.STATUTORY_DUTY_CHILD_PROTECTION in {r.code for r in now.reasons}
    assert Code.FLOW_MATCHED not in {r.code for r in now.reasons}
    assert now.nearest is not None
    assert (now.nearest.agreement_id, now.nearest.version, now.nearest.revision) == (MASH, "3.2", 2)
    assert now.nearest.flow_id != "F1" and not now.nearest.covers
    assert now.nearest.failures and {r.citation.revision for r in now.nearest.failures} == {2}

    # A s47 enquiry is still covered as of today, by the strategy discussion flow of revision 2.
    s47 = check_proposed_share(session=standard, question=_question(_body(MASH_S47, as_of=today)))
    assert s47.decision is Decision.COVERED
    assert _agreement_citations(s47) == {(MASH, "3.2", 2, "F12")}

    # Recorded today, revision 2 did not govern on 1 July: then F1 of revision 1 covered both shares.
    for body in (MASH_TRIAGE, MASH_S47):
        then = check_proposed_share(session=standard, question=_question(body))
        assert then.decision is Decision.COVERED
        assert _agreement_citations(then) == {(MASH, _version(MASH), 1, "F1")}
        assert then.nearest is not None and (then.nearest.revision, then.nearest.flow_id) == (1, "F1")
    art9 = [r for r in then.reasons if r.code is Code.ART9_CONDITION]
    assert art9 and "Sch 1 para 18" in (art9[0].citation.provision or "")


def test_the_snapshot_holds_only_agreements_naming_the_organisations(standard: Session) -> None:
    organisations = table_counts(standard)["organisation"]

    def counts(party_to: list[str] | None) -> dict[str, int]:
        snapshot = registry_snapshot(session=standard, party_to=party_to)
        assert len(snapshot.organisations) == organisations  # every organisation, whatever the filter
        return {agreement_id: len(history) for agreement_id, history in snapshot.histories.items()}

    assert counts(None) == {MASH: 1, MARAC: 1, MAPPA: 1, ADULTS: 1}
    assert counts([SCHOOL]) == {MASH: 1}
    assert counts([PRISON]) == {MAPPA: 1}
    # Adult social care is a MASH party since MASH v3.2 (issue 7: a real MASH has adult social care), besides MARAC,
    # MAPPA and the adult safeguarding agreement.
    assert counts([ASC]) == {MASH: 1, MARAC: 1, MAPPA: 1, ADULTS: 1}
    assert counts([SCHOOL, PRISON, PRISON]) == {MASH: 1, MAPPA: 1}
    assert counts(["no-such-organisation"]) == {}
    assert counts([]) == {}

    _save_mash_without_f1(standard)
    # Every revision of a matching agreement comes with it: a question about last July needs revision 1.
    assert counts([SCHOOL]) == {MASH: 2}

    # An organisation that has left an agreement still gets its history, for questions dated before it left.
    assert save_agreement(session=standard, agreement=_without_party(_mash(standard), ACADEMY), actor="test")
    assert ACADEMY not in _mash(standard).party_ids()
    assert counts([ACADEMY]) == {MASH: 3}
    everything = counts(None)
    assert everything == {MASH: 3, MARAC: 1, MAPPA: 1, ADULTS: 1}
    assert sum(everything.values()) == table_counts(standard)["agreement_revision"]


def test_received_under_any_stored_agreement_is_known(standard: Session) -> None:
    # Neither school is a MAPPA party; the stored registry holds MAPPA all the same.
    body = _body(MASH_S47, discloser=SCHOOL, received_from=ACADEMY, received_under=MAPPA, consent="obtained")
    body.pop("consent_not_sought_reason")
    body["data_categories"] = ["identity", "education"]
    question = _question(body)
    from_files = check_share(question, _library_snapshot())

    stored = check_proposed_share(session=standard, question=question)

    assert _dump(stored) == _dump(from_files)


def test_lint_stored_agreements(standard: Session) -> None:
    results = lint_stored_agreements(session=standard, as_of=ON)

    assert [(r.agreement_id, r.revision) for r in results] == [(ADULTS, 1), (MAPPA, 1), (MARAC, 1), (MASH, 1)]
    assert [r.version for r in results] == [_version(r.agreement_id) for r in results]
    assert [f for r in results for f in r.findings if f.severity is Severity.ERROR] == []

    (only,) = lint_stored_agreements(session=standard, as_of=ON, agreement_ids=[MARAC])
    assert only.agreement_id == MARAC

    (late,) = lint_stored_agreements(session=standard, as_of=date(2035, 1, 1), agreement_ids=[MASH])
    assert {LintCode.ACTIVE_BUT_EXPIRED, LintCode.ACTIVE_BUT_LAPSED} & {f.code for f in late.findings}
    assert all(f.severity is Severity.ERROR for f in late.findings if f.code is LintCode.ACTIVE_BUT_EXPIRED)

    with pytest.raises(RegistryNotFoundError, match="'NS-NOTHING'") as caught:
        lint_stored_agreements(session=standard, as_of=ON, agreement_ids=[MASH, "NS-NOTHING"])
    assert MASH not in str(caught.value)

    # A Part 2 condition relied on without an appropriate policy document, in the current revision.
    _save_mash_without_school_apd(standard)

    after = {r.agreement_id: r for r in lint_stored_agreements(session=standard, as_of=ON)}

    mash = after[MASH]
    assert mash.revision == 2
    assert mash.findings and {(f.code, f.severity) for f in mash.findings} == {(LintCode.APD_MISSING, Severity.ERROR)}
    assert all(SCHOOL in f.message and f.path.startswith("lawful_bases.art9[") for f in mash.findings)
    assert any("Sch 1 para 18" in f.message for f in mash.findings)
    assert after[MARAC].findings == () and after[MAPPA].findings == ()


# --- flask registry check ---------------------------------------------------------------------------------


def _check(runner: FlaskCliRunner, body: Mapping[str, Any]) -> dict[str, Any]:
    """``flask registry check -`` on a well-formed question: exit 0 and the answer as JSON."""
    result = runner.invoke(args=["registry", "check", "-"], input=json.dumps(body))
    assert result.exit_code == 0, result.output
    printed: dict[str, Any] = json.loads(result.stdout)
    return printed


def test_check_a_question_file_prints_the_answer_as_json(
    standard: Session, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "question.json"
    path.write_text(json.dumps(MASH_S47, indent=2), encoding="utf-8")

    result = runner.invoke(args=["registry", "check", str(path)])

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["decision"] == "covered"
    assert printed["summary"].startswith("Covered") and "F1" in printed["summary"]
    assert printed["reasons"]
    for reason in printed["reasons"]:
        assert set(reason) == {"code", "message", "citation"}
        assert reason["message"] and reason["citation"]["agreement_id"] == MASH
        assert (reason["citation"]["revision"], reason["citation"]["flow_id"]) == (1, "F1")
    assert printed == _dump(check_proposed_share(session=standard, question=_question(MASH_S47)))


def test_check_reads_standard_input_and_exits_0_whatever_the_decision(
    standard: Session, runner: FlaskCliRunner
) -> None:
    for case in STANDARD_QUESTIONS:
        printed = _check(runner, case.body)

        assert printed["decision"] == case.decision.value, case.name
        assert printed["summary"], case.name
        assert {c.value for c in case.codes} <= {r["code"] for r in printed["reasons"]}, case.name
        assert all(set(r) == {"code", "message", "citation"} for r in printed["reasons"]), case.name
        assert printed == _dump(check_proposed_share(session=standard, question=_question(case.body))), case.name


def test_check_without_as_of_answers_as_of_today(standard: Session, runner: FlaskCliRunner) -> None:
    _save_mash_without_f1(standard)  # recorded today: it governs today, not on 1 July

    undated = _check(runner, _body(MASH_S47, as_of=None))

    assert {(r["citation"]["revision"], r["citation"]["flow_id"]) for r in undated["reasons"]} == {(2, "F12")}
    assert undated == _check(runner, _body(MASH_S47, as_of=today_in_the_uk().isoformat()))
    assert undated != _check(runner, MASH_S47)


def test_check_what_is_not_json_exits_2(runner: FlaskCliRunner, tmp_path: Path) -> None:
    text = '{\n  "discloser": "northshire-police",\n  "purpose" "mash-triage"\n}\n'

    result = runner.invoke(args=["registry", "check", "-"], input=text)

    assert result.exit_code == 2
    assert "The question is not valid JSON: line 3:" in result.stderr
    assert result.stdout == ""

    missing = runner.invoke(args=["registry", "check", str(tmp_path / "nowhere.json")])
    assert missing.exit_code == 2 and "nowhere.json" in missing.stderr


def test_check_schema_errors_exit_2_listing_every_field(runner: FlaskCliRunner) -> None:
    body = _body(MASH_S47, subject={"child": True}, consent="maybe", consent_not_sought_reason=None)
    body["data_categories"] = ["identity", ""]

    result = runner.invoke(args=["registry", "check", "-"], input=json.dumps(body))

    assert result.exit_code == 2
    assert "The question cannot be checked:" in result.stderr
    assert "  subject.type: Missing data for required field." in result.stderr
    assert "  consent: Must be one of: obtained, refused, not_sought." in result.stderr
    assert "  data_categories[1]:" in result.stderr
    assert result.stdout == ""

    # Marshmallow runs the whole-question rule only once every field is valid, so this one comes on its own.
    both = runner.invoke(
        args=["registry", "check", "-"], input=json.dumps(_body(MASH_S47, recipient_type="member-of-the-public"))
    )
    assert both.exit_code == 2
    assert "  recipient: Give either a registered recipient or" in both.stderr


def test_check_unknown_terms_exit_2_naming_each_field(standard: Session, runner: FlaskCliRunner) -> None:
    body = _body(MASH_S47, discloser="northshire-constabulary", recipient="nowhere-council", purpose="curiosity")
    body["data_categories"] = ["identity", "shoe-size"]

    result = runner.invoke(args=["registry", "check", "-"], input=json.dumps(body))

    assert result.exit_code == 2
    assert "The question cannot be checked:" in result.stderr
    assert "  discloser: unknown organisation 'northshire-constabulary'" in result.stderr
    assert "  recipient: unknown organisation 'nowhere-council'" in result.stderr
    assert "  purpose: unknown purpose 'curiosity'" in result.stderr
    assert "  data_categories[1]: unknown data category 'shoe-size'" in result.stderr
    assert result.stdout == ""


# --- flask registry lint ----------------------------------------------------------------------------------


def test_lint_the_standard_agreements(standard: Session, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["registry", "lint", "--as-of", ON.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{agreement_id} v{_version(agreement_id)} (revision 1): clean" for agreement_id in (ADULTS, MAPPA, MARAC, MASH)
    ]

    dated = runner.invoke(args=["registry", "lint", "--json", "--as-of", ON.isoformat(), MASH, MARAC])
    assert dated.exit_code == 0, dated.output
    printed = json.loads(dated.stdout)
    assert printed["as_of"] == ON.isoformat()
    assert [(a["agreement_id"], a["version"], a["revision"], a["findings"]) for a in printed["agreements"]] == [
        (MARAC, _version(MARAC), 1, []),
        (MASH, _version(MASH), 1, []),
    ]

    today = json.loads(runner.invoke(args=["registry", "lint", "--json"]).stdout)
    assert today["as_of"] == today_in_the_uk().isoformat()
    assert [a["agreement_id"] for a in today["agreements"]] == [ADULTS, MAPPA, MARAC, MASH]

    late = runner.invoke(args=["registry", "lint", "--as-of", "2035-01-01", MASH])
    assert late.exit_code == 1
    assert "ACTIVE_BUT_EXPIRED" in late.stdout and "clean" not in late.stdout

    unknown = runner.invoke(args=["registry", "lint", MASH, "NS-NOTHING"])
    assert unknown.exit_code == 1
    assert "Cannot lint:" in unknown.stderr and "no agreement 'NS-NOTHING'" in unknown.stderr
    assert unknown.stdout == ""


def test_lint_a_defective_agreement_exits_1_printing_its_code(standard: Session, runner: FlaskCliRunner) -> None:
    _save_mash_without_school_apd(standard)

    result = runner.invoke(args=["registry", "lint", "--as-of", ON.isoformat()])

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    head = lines.index(f"{MARAC} v{_version(MARAC)} (revision 1): clean") + 1
    assert re.fullmatch(rf"{MASH} v{re.escape(_version(MASH))} \(revision 2\): \d+ findings?", lines[head])
    findings = lines[head + 1 :]
    assert findings and all(line.split()[:2] == ["error", "APD_MISSING"] for line in findings)
    assert all(SCHOOL in line for line in findings)

    # Linting only the sound agreement passes.
    assert runner.invoke(args=["registry", "lint", "--as-of", ON.isoformat(), MARAC]).exit_code == 0

    as_json = runner.invoke(args=["registry", "lint", "--json", "--as-of", ON.isoformat(), MASH])
    assert as_json.exit_code == 1
    findings_json = json.loads(as_json.stdout)["agreements"][0]["findings"]
    assert len(findings_json) == len(findings)
    assert {(f["code"], f["severity"]) for f in findings_json} == {("APD_MISSING", "error")}


# --- The API ----------------------------------------------------------------------------------------------


def test_the_api_answers_a_check(standard: Session, auth_client: FlaskClient) -> None:
    response = auth_client.post("/api/v1/checks?explain=true", json=MASH_S47)

    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["decision"] == "covered"
    assert answer["reasons"] and all(set(r) == {"code", "message", "citation"} for r in answer["reasons"])
    assert {"FLOW_MATCHED", "ART9_CONDITION", "CONSENT_OVERRIDE_GROUND"} <= {r["code"] for r in answer["reasons"]}
    assert isinstance(answer["evaluations"], list) and answer["evaluations"]
    assert (answer["nearest"]["agreement_id"], answer["nearest"]["flow_id"]) == (MASH, "F1")
    assert answer["nearest"]["covers"] is True
    assert answer == _dump(check_proposed_share(session=standard, question=_question(MASH_S47)))

    # Not covered and escalate are answers too, with how each agreement fared.
    for case in STANDARD_QUESTIONS[1:]:
        other = auth_client.post("/api/v1/checks", json=case.body)
        assert other.status_code == 200 and other.get_json()["decision"] == case.decision.value, case.name
    refused = auth_client.post("/api/v1/checks?explain=1", json=MARAC_REFUSAL).get_json()
    evaluated = {e["agreement_id"]: e for e in refused["evaluations"]}
    assert set(evaluated) == {MASH, MARAC, MAPPA, ADULTS}  # the hospital is party to all four
    assert not any(e["covers"] for e in evaluated.values())
    assert refused["nearest"]["agreement_id"] == MARAC and not refused["nearest"]["covers"]
    assert "CAPACITOUS_REFUSAL_RESPECTED" in {r["code"] for r in refused["nearest"]["failures"]}


def test_without_explain_the_answer_is_the_same_less_how_each_agreement_fared(
    standard: Session, auth_client: FlaskClient
) -> None:
    for case in STANDARD_QUESTIONS:
        lean = auth_client.post("/api/v1/checks", json=case.body)
        full = auth_client.post("/api/v1/checks?explain=true", json=case.body).get_json()
        assert lean.status_code == 200, case.name
        assert "evaluations" not in lean.get_json() and "nearest" not in lean.get_json(), case.name
        assert full["evaluations"], case.name
        assert lean.get_json() == {k: v for k, v in full.items() if k not in {"evaluations", "nearest"}}, case.name
    batch = auth_client.post("/api/v1/checks/batch", json={"questions": [MASH_S47, MARAC_REFUSAL]}).get_json()
    assert [set(a) & {"evaluations", "nearest"} for a in batch["answers"]] == [set(), set()]
    explained = auth_client.post("/api/v1/checks/batch?explain=true", json={"questions": [MASH_S47]}).get_json()
    assert explained["answers"][0]["evaluations"]
    wrong = auth_client.post("/api/v1/checks?explain=perhaps", json=MASH_S47)
    assert wrong.status_code == 422 and "explain" in wrong.get_data(as_text=True)


def test_the_api_rejects_unknown_fields_and_names_unknown_terms(session: Session, auth_client: FlaskClient) -> None:
    unknown_field = auth_client.post("/api/v1/checks", json=_body(MASH_S47, colour="blue"))
    assert unknown_field.status_code == 422
    assert unknown_field.get_json()["errors"]["json"] == {"colour": ["Unknown field."]}

    _load_standard(session)
    body = _body(MASH_S47)
    body["data_categories"] = ["shoe-size", "identity"]

    unknown_term = auth_client.post("/api/v1/checks", json=body)

    assert unknown_term.status_code == 422
    assert unknown_term.get_json()["errors"]["json"] == {"data_categories[0]": ["unknown data category 'shoe-size'"]}


def test_the_api_lints_an_agreement(standard: Session, auth_client: FlaskClient) -> None:
    dated = auth_client.get(f"/api/v1/agreements/{MASH}/lint?as_of={ON.isoformat()}")
    assert dated.status_code == 200
    assert dated.get_json() == {"agreement_id": MASH, "version": _version(MASH), "revision": 1, "findings": []}

    today = auth_client.get(f"/api/v1/agreements/{MASH}/lint")
    assert today.status_code == 200 and isinstance(today.get_json()["findings"], list)

    late = auth_client.get(f"/api/v1/agreements/{MASH}/lint?as_of=2035-01-01")
    assert late.status_code == 200
    findings = late.get_json()["findings"]
    assert {"ACTIVE_BUT_EXPIRED", "ACTIVE_BUT_LAPSED"} & {f["code"] for f in findings}
    assert all(set(f) == {"code", "severity", "path", "message"} for f in findings)

    unknown = auth_client.get("/api/v1/agreements/NS-NOTHING/lint")
    assert unknown.status_code == 404 and unknown.mimetype == "application/json"
    assert unknown.get_json()["code"] == 404

    bad_date = auth_client.get(f"/api/v1/agreements/{MASH}/lint?as_of=soon")
    assert bad_date.status_code == 422 and "as_of" in bad_date.get_json()["errors"]["query"]

    _save_mash_without_school_apd(standard)
    defective = auth_client.get(f"/api/v1/agreements/{MASH}/lint?as_of={ON.isoformat()}").get_json()
    assert defective["revision"] == 2 and defective["findings"]
    assert {(f["code"], f["severity"]) for f in defective["findings"]} == {("APD_MISSING", "error")}
    assert all(SCHOOL in f["message"] for f in defective["findings"])


def test_the_openapi_description_documents_checks_and_lint(auth_client: FlaskClient) -> None:
    spec = auth_client.get("/api/openapi.json").get_json()

    post = spec["paths"]["/api/v1/checks"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ShareQuestion")
    assert "200" in post["responses"] and "422" in post["responses"]
    assert "get" in spec["paths"]["/api/v1/agreements/{agreement_id}/lint"]
    assert {"ShareQuestion", "ShareAnswer"} <= set(spec["components"]["schemas"])
