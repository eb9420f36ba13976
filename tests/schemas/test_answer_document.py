"""The answer writer the API uses on every check is held equal to ``ShareAnswerSchema``, the answer's one shape."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreements import answer as a
from agreements.checker import check_share
from schemas.question import ShareAnswerSchema, answer_document
from schemas.vocabulary import load_vocabulary
from tests.agreements.conftest import build_snapshot, load_organisations, load_standard_agreements
from tests.agreements.test_checker_cases import CASES, Case, _registry_for

SCHEMA = ShareAnswerSchema()
_text = st.text(max_size=20)
_maybe_text = st.none() | _text
citations = st.builds(
    a.Citation,
    agreement_id=_maybe_text,
    version=_maybe_text,
    revision=st.none() | st.integers(min_value=1, max_value=10_000),
    flow_id=_maybe_text,
    provision=_maybe_text,
)
reasons = st.builds(a.Reason, code=st.sampled_from(a.Code), message=_text, citation=citations)
evaluations = st.builds(
    a.AgreementEvaluation,
    agreement_id=_text,
    version=_maybe_text,
    revision=st.none() | st.integers(min_value=1, max_value=10_000),
    status_on_date=_text,
    covers=st.booleans(),
    flow_id=_maybe_text,
    failures=st.lists(reasons, max_size=3).map(tuple),
    passes=st.lists(reasons, max_size=3).map(tuple),
    would_make_covered=st.lists(_text, max_size=2).map(tuple),
)


@st.composite
def answers(draw: st.DrawFn) -> a.ShareAnswer:
    """Any answer the dataclasses can hold, with every optional part present or absent."""
    explanation = (tuple(draw(st.lists(evaluations, max_size=3))), draw(st.none() | evaluations))
    return a.ShareAnswer(
        decision=draw(st.sampled_from(a.Decision)),
        instruction=a.Instruction(draw(st.sampled_from(a.InstructionKind)), draw(_text)),
        summary=draw(_text),
        reasons=tuple(draw(st.lists(reasons, max_size=4))),
        obligations=tuple(draw(st.lists(st.builds(a.Obligation, code=_text, message=_text), max_size=3))),
        escalations=tuple(
            draw(st.lists(st.builds(a.Escalation, to=st.sampled_from(a.EscalateTo), why=_text, contact=_maybe_text)))
        ),
        route=draw(_maybe_text),
        agreement_fixes=tuple(draw(st.lists(_text, max_size=2))),
        explain=lambda: explanation,
    )


@given(answers())
def test_the_writer_equals_the_schema_on_any_answer(share_answer: a.ShareAnswer) -> None:
    assert answer_document(share_answer) == SCHEMA.dump(share_answer)


@pytest.mark.parametrize("row", CASES)
def test_the_writer_equals_the_schema_on_every_case_table_answer(row: Case) -> None:
    vocabulary, organisations, standard = load_vocabulary(), load_organisations(), load_standard_agreements()
    snapshot = build_snapshot(vocabulary, organisations, standard.values())
    registry = _registry_for(row, vocabulary, organisations, standard, snapshot)
    share_answer = check_share(row.question, registry, grace_months=row.grace_months)
    document = answer_document(share_answer)
    assert document == SCHEMA.dump(share_answer)
    # Round trip through JSON: what the API sends is plain data.
    assert document["decision"] == share_answer.decision.value
