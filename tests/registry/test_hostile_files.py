"""Hostile and careless registry files: each is refused with ``file:line: path: message``, nothing is stored,
and the next good load still works.

The files are in ``tests/fixtures/hostile`` (see its README); inputs too big to keep there are made here.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlmodel import Session

from schemas.files import RegistryFileError
from schemas.limits import MAX_LIST, MAX_LONG_TEXT, MAX_NAME
from tests.builders import make_agreement, make_childrens_services, make_organisation, registry_data, registry_yaml
from tests.registry.helpers import load_files, table_counts

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"

# (file, the problem it must give, exactly)
CASES = [
    ("billion_laughs.yaml", "billion_laughs.yaml:1: anchors (&name) are not allowed in a registry file"),
    (
        "python_tag.yaml",
        "python_tag.yaml:3: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed "
        "in a registry file",
    ),
    ("complex_key.yaml", "complex_key.yaml:4: a key must be plain text, not a list or a mapping"),
    ("deep_nesting.yaml", "deep_nesting.yaml:2: nested more than 32 levels deep"),
    ("deep_nesting.json", "deep_nesting.json:1: nested more than 32 levels deep"),
    ("duplicate_key.json", "duplicate_key.json:7: key 'name' appears twice"),
    ("long_number.json", "long_number.json:7: a number longer than 30 characters"),
    ("nul_byte.yaml", "nul_byte.yaml:4: organisations[0].name: Must not contain a NUL character (\\x00)."),
    ("nul_byte.json", "nul_byte.json:5: organisations[0].name: Must not contain a NUL character (\\x00)."),
    (
        "far_future_review.yaml",
        "far_future_review.yaml:25: agreements[0].review_due: Must be between 1900-01-01 and 2200-12-31.",
    ),
]


def _good(folder: Path) -> Path:
    path = folder / "good.yaml"
    data = registry_data([make_organisation(), make_childrens_services()], [make_agreement()])
    path.write_text(registry_yaml(data), encoding="utf-8")
    return path


def _refused(session: Session, path: Path) -> list[str]:
    """Load ``path``; expect it refused with nothing stored, and return its problems as text."""
    before = table_counts(session)
    with pytest.raises(RegistryFileError) as caught:
        load_files(session, path)
    assert table_counts(session) == before
    return [str(problem).replace(str(path.parent) + "/", "") for problem in caught.value.problems]


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[name for name, _ in CASES])
def test_each_hostile_file_is_refused_with_its_line_and_the_next_good_load_works(
    session: Session, tmp_path: Path, name: str, expected: str
) -> None:
    assert _refused(session, HOSTILE / name) == [expected]

    summary = load_files(session, _good(tmp_path))

    assert (summary.organisations.created, summary.agreements.created) == (2, 1)


def test_the_billion_laughs_is_refused_before_it_is_expanded(session: Session) -> None:
    tracemalloc.start()
    try:
        _refused(session, HOSTILE / "billion_laughs.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Walking the expanded document would need gigabytes; refusing it needs almost nothing.
    assert peak < 5_000_000


def test_a_hostile_file_among_good_ones_stores_none_of_them(session: Session, tmp_path: Path) -> None:
    good = _good(tmp_path)
    before = table_counts(session)

    with pytest.raises(RegistryFileError) as caught:
        load_files(session, good, HOSTILE / "billion_laughs.yaml")

    assert [problem.line for problem in caught.value.problems] == [1]
    assert table_counts(session) == before


def test_the_load_command_reports_a_hostile_file_without_a_traceback(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["registry", "load", str(HOSTILE / "python_tag.yaml")])

    assert result.exit_code == 1
    assert "python_tag.yaml:3: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_50_mb_field_is_refused_without_being_echoed(session: Session, tmp_path: Path) -> None:
    data = registry_data([make_organisation()])
    data["organisations"][0]["address"] = "x" * 50_000_000
    path = tmp_path / "oversized.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    problems = _refused(session, path)

    assert problems == [
        f"oversized.json:11: organisations[0].address: Longer than {MAX_LONG_TEXT} characters (50000000)."
    ]
    load_files(session, _good(tmp_path))


def test_a_long_name_in_yaml_is_refused(session: Session, tmp_path: Path) -> None:
    data = registry_data([make_organisation(name="N" * (MAX_NAME + 1))])
    path = tmp_path / "long-name.yaml"
    path.write_text(registry_yaml(data), encoding="utf-8")

    assert _refused(session, path) == [f"long-name.yaml:3: organisations[0].name: Longer than {MAX_NAME} characters."]


def test_a_list_of_200000_entries_gives_one_short_error(session: Session, tmp_path: Path) -> None:
    data = registry_data([make_organisation(), make_childrens_services()], [make_agreement()])
    data["agreements"][0]["flows"][0]["data_categories"] = [f"unknown-{n}" for n in range(200_000)]
    path = tmp_path / "huge-list.json"
    text = json.dumps(data, indent=2)
    path.write_text(text, encoding="utf-8")

    problems = _refused(session, path)

    assert len(problems) == 1
    assert problems[0].endswith(
        f"agreements[0].flows[0].data_categories: Give at most {MAX_LIST} entries (this list has 200000)."
    )
    assert len(problems[0]) < 200


def test_many_unknown_fields_give_one_short_error(session: Session, tmp_path: Path) -> None:
    data = registry_data([make_organisation()])
    data["organisations"][0].update({f"field-{n}": n for n in range(50_000)})
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    problems = _refused(session, path)

    assert problems == [
        "unknown.json:1: organisations[0]: 50000 unknown fields, such as 'field-0', 'field-1', 'field-2'."
    ]


def test_a_huge_unknown_key_is_not_echoed(session: Session, tmp_path: Path) -> None:
    data = registry_data([make_organisation()])
    data["organisations"][0]["k" * 1_000_000] = 1
    path = tmp_path / "huge-key.yaml"
    path.write_text(registry_yaml(data), encoding="utf-8")

    problems = _refused(session, path)

    assert len(problems) == 1
    assert problems[0].startswith("huge-key.yaml:2: organisations[0]: Unknown field name 'kkkk")
    assert len(problems[0]) < 200


@pytest.mark.parametrize(
    ("field", "value"),
    [("effective_from", "0001-01-01"), ("expires_on", "2201-01-01"), ("review_due", "9999-12-31")],
)
def test_every_agreement_date_is_bounded(session: Session, tmp_path: Path, field: str, value: str) -> None:
    data = registry_data([make_organisation(), make_childrens_services()], [make_agreement()])
    data["agreements"][0][field] = value
    path = tmp_path / "dates.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    problems = _refused(session, path)

    assert len(problems) == 1
    assert problems[0].endswith(f"agreements[0].{field}: Must be between 1900-01-01 and 2200-12-31.")


def test_an_unpaired_surrogate_is_refused(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "surrogate.json"
    text = json.dumps(registry_data([make_organisation()]), indent=2).replace("Northshire Police", "North\\ud800")
    path.write_text(text, encoding="utf-8")

    assert _refused(session, path) == [
        "surrogate.json:5: organisations[0].name: Must not contain an unpaired surrogate: not valid Unicode text."
    ]


def test_a_revision_number_beyond_any_integer_column_is_refused(session: Session, tmp_path: Path) -> None:
    agreement = registry_data(agreements=[make_agreement()])["agreements"][0]
    history = {
        "agreement_history": [
            {
                "agreement_id": agreement["id"],
                "revisions": [
                    {
                        "revision": 10**20,
                        "recorded_at": "2025-01-01T00:00:00+00:00",
                        "recorded_by": "x",
                        "agreement": agreement,
                    }
                ],
            }
        ]
    }
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history, indent=2), encoding="utf-8")

    problems = _refused(session, path)

    assert any("agreement_history[0].revisions[0].revision: Must be greater than or equal to 1" in p for p in problems)
