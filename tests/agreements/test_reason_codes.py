"""Every reason code the checker can give is named by at least one row of the case tables.

A code no row asserts is a rule no test holds to its provision: adding a code to ``Code`` without a
row that expects it fails here. The tables: ``test_checker_cases`` (the first table, kept),
``test_checker_law_a`` (emergency, restricted categories, onward limits, para 18 and Annex 1, Art 10
and Part 3) and ``test_checker_law_b`` (statutory duties, consent, routes, schemes, MAPPA, the
recipient's footing, bulk, fail closed, the answer).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agreements.answer import Code
from agreements.lint import LintCode
from tests.agreements import test_checker_cases, test_checker_law_a, test_checker_law_b


def _rows() -> Iterable[Any]:
    for table in (test_checker_cases.CASES, test_checker_law_a.CASES, test_checker_law_b.ROWS):
        for param in table:
            yield param.values[0]


def named_codes() -> set[str]:
    """Every code some row expects to see in its answer."""
    return {code for row in _rows() for code in row.codes}


def test_every_reason_code_is_named_by_a_row() -> None:
    missing = sorted({code.value for code in Code} - named_codes())
    assert not missing, f"no case row expects {missing}"


def test_the_tables_hold_at_least_150_rows_with_unique_ids() -> None:
    ids = [
        param.id
        for table in (test_checker_cases.CASES, test_checker_law_a.CASES, test_checker_law_b.ROWS)
        for param in table
    ]
    assert len(ids) >= 150
    assert len(ids) == len(set(ids))


def test_checker_and_lint_share_code_names_where_they_mean_the_same() -> None:
    # The lint finds in an agreement what the checker would trip on: same defect, same name.
    shared = {
        "ART9_CONDITION_MISSING",
        "ART10_ROUTE_MISSING",
        "SCH1_CONDITION_MISSING",
        "SCH1_WRONG_PART",
        "APD_MISSING",
        "ART6_NOT_FOR_PUBLIC_AUTHORITY",
        "ART6_NOT_YET_IN_FORCE",
        "ART6_BASIS_MISSING",
    }
    assert shared <= {c.value for c in Code} & {c.value for c in LintCode}
