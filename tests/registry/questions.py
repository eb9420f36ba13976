"""The one place API tests build share questions, so a change to the question's shape is made here only."""

from __future__ import annotations

from typing import Any

from tests.builders import CHILDRENS, POLICE


def share_question(**overrides: Any) -> dict[str, Any]:
    """A question (as JSON) the test registry's ``make_agreement`` covers: police to children's services."""
    body: dict[str, Any] = {
        "discloser": POLICE,
        "recipient": CHILDRENS,
        "subject": {"type": "child"},
        "data_categories": ["identity"],
        "purpose": "mash-triage",
        "consent": "obtained",
        "as_of": "2025-06-01",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def question_facts(question: dict[str, Any], *, moved: tuple[str, ...]) -> dict[str, Any]:
    """Everything in a native question except the fields named in ``moved`` (what AuthZEN's context carries)."""
    return {key: value for key, value in question.items() if key not in moved}
