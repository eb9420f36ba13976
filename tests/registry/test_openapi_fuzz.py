"""schemathesis against the app's own OpenAPI document, signed in as an admin.

For every operation it generates requests from the documented parameters and bodies and checks that
no response is a server error and every response matches its documented schema. Bounded (a few
examples per operation, derandomised) so the suite stays fast and CI is repeatable.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from sqlmodel import Session

from registry.services.standard import load_standard_agreements
from tests.conftest import MakeAccount

EXAMPLES_PER_OPERATION = 6


@pytest.fixture
def signed_in_schema(app: Flask, session: Session, make_account: MakeAccount) -> tuple[Any, dict[str, str]]:
    load_standard_agreements(session=session)
    _, token = make_account("admin")
    headers = {"Authorization": f"Bearer {token}"}
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, headers=headers), headers


def test_no_operation_answers_5xx_or_breaks_its_documented_schema(signed_in_schema: tuple[Any, dict[str, str]]) -> None:
    schema, headers = signed_in_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    checked: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        run()
        checked.append(operation.label)
    assert any("POST /api/v1/checks" in label for label in checked)
