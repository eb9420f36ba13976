"""Fuzzing the check endpoint's body: random JSON of any shape, nesting, size and unicode, and random text.

Whatever arrives, the answer is a 200, a 400 (unreadable JSON) or a 422 (readable but not a question),
always JSON, never a 500 and never an echo of the input; the registry answers a good question afterwards.
Bounded and derandomised so the suite stays fast and repeatable.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from registry.services.agreements import save_agreement
from registry.services.organisations import save_organisation
from tests.builders import make_agreement, make_childrens_services, make_organisation
from tests.conftest import ClientAs
from tests.registry.questions import share_question

EXAMPLES = 60
# Larger than any answer to a malformed question should be: an error names the field, it does not echo the input.
MAX_ERROR_BYTES = 20_000

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300)
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=8) | st.dictionaries(st.text(max_size=40), children, max_size=8),
    max_leaves=60,
)
_QUESTION_KEYS = st.sampled_from(
    ["discloser", "recipient", "purpose", "data_categories", "data_subjects", "facts", "as_of", "consent"]
)
# Objects shaped like a question, with wrong values of every kind: these reach the schema rather than stopping early.
_QUESTIONISH = st.dictionaries(_QUESTION_KEYS, _JSON, max_size=8)


def _nested(depth: int, opening: str) -> str:
    closing = {"[": "]", '{"a":': "}"}[opening]
    return opening * depth + "1" + closing * depth


def _assert_answered(response: Any) -> None:
    assert response.status_code in (200, 400, 422), (response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
    payload = response.get_json()
    if response.status_code != 200:
        assert payload["code"] == response.status_code and payload["message"]
        assert len(response.data) < MAX_ERROR_BYTES, len(response.data)


def _client(app: Flask, session: Session, client_as: ClientAs) -> FlaskClient:
    # The agreement the good question is covered by, so "the next good request works" means a covered answer.
    save_organisation(session=session, organisation=make_organisation(), actor="test")
    save_organisation(session=session, organisation=make_childrens_services(), actor="test")
    save_agreement(session=session, agreement=make_agreement(review_due=date(2099, 1, 1)), actor="test")
    return client_as("practitioner")


def test_any_json_body_is_answered_without_a_server_error(app: Flask, session: Session, client_as: ClientAs) -> None:
    client = _client(app, session, client_as)

    @given(body=_JSON | _QUESTIONISH)
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(body: Any) -> None:
        _assert_answered(client.post("/api/v1/checks", data=json.dumps(body), content_type="application/json"))

    run()
    good = client.post("/api/v1/checks", json=share_question(as_of=None))
    assert good.status_code == 200 and good.get_json()["decision"] == "covered", good.get_json()


def test_any_text_body_and_any_nesting_is_answered(app: Flask, session: Session, client_as: ClientAs) -> None:
    client = _client(app, session, client_as)

    @given(
        text=st.text(max_size=2_000)
        | st.builds(_nested, st.integers(min_value=0, max_value=5_000), st.sampled_from(["[", '{"a":']))
    )
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(text: str) -> None:
        _assert_answered(
            client.post("/api/v1/checks", data=text.encode("utf-8", "surrogatepass"), content_type="application/json")
        )

    run()
    good = client.post("/api/v1/checks", json=share_question(as_of=None))
    assert good.status_code == 200 and good.get_json()["decision"] == "covered", good.get_json()
