"""Registry files: the standard library reads, round-trips through YAML and JSON, and bad files name the place."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agreements.model import AgreementRevision
from schemas.agreement import AgreementSchema, OrganisationSchema
from schemas.files import (
    AgreementHistory,
    RegistryFileError,
    dump_registry,
    parse_registry_text,
    read_registry_file,
    registry_files,
)

LIBRARY = Path(__file__).resolve().parents[2] / "agreements" / "library"
STANDARD = sorted(p for p in LIBRARY.glob("*.yaml") if p.name != "vocabulary.yaml")
AGREEMENT_FILES = [p for p in STANDARD if p.name != "organisations.yaml"]


def _problems(text: str, fmt: str = "yaml") -> list[str]:
    with pytest.raises(RegistryFileError) as caught:
        parse_registry_text(text, "bad.yaml", fmt)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


def test_the_library_holds_mash_marac_and_mappa():
    kinds = {a.kind.value for path in AGREEMENT_FILES for a in read_registry_file(path).agreements}
    assert {"mash", "marac", "mappa"} <= kinds


@pytest.mark.parametrize("path", AGREEMENT_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_each_standard_agreement_round_trips_unchanged(path, fmt):
    document = read_registry_file(path)
    organisations = read_registry_file(LIBRARY / "organisations.yaml").organisations
    history = [
        AgreementHistory(a.id, (AgreementRevision(a, 1, datetime(2025, 4, 1, 9, 30, tzinfo=UTC), "loader", "first"),))
        for a in document.agreements
    ]
    text = dump_registry(
        organisations=organisations,
        history=history,
        vocabulary_version="2026.1",
        exported_at=datetime(2026, 11, 21, tzinfo=UTC),
        fmt=fmt,
    )
    again = parse_registry_text(text, f"export.{fmt}", fmt)
    assert again.organisations == organisations
    assert again.history == tuple(history)


def test_dumped_agreement_loads_back_to_an_equal_object():
    agreement = read_registry_file(AGREEMENT_FILES[0]).agreements[0]
    schema = AgreementSchema()
    assert schema.load(schema.dump(agreement)) == agreement


def test_an_unknown_field_is_named_with_its_path_and_line():
    text = (
        "organisations:\n  - id: a\n    name: A\n    type: police-force\n    public_authority: true\n    colour: blue\n"
    )
    assert _problems(text) == ["bad.yaml:6: organisations[0].colour: Unknown field."]


def test_a_missing_required_field_points_at_its_record():
    text = "agreements:\n  - id: X\n    title: T\n"
    problems = _problems(text)
    assert "bad.yaml:2: agreements[0].version: Missing data for required field." in problems
    assert any(p.startswith("bad.yaml:2: agreements[0].flows:") for p in problems)


def test_a_bad_endpoint_says_what_an_endpoint_is():
    organisation = OrganisationSchema().dump(read_registry_file(LIBRARY / "organisations.yaml").organisations[0])
    agreement = AgreementSchema().dump(read_registry_file(AGREEMENT_FILES[0]).agreements[0])
    agreement["flows"][1]["from"] = [{"organisation": "x", "any_party": True}]
    text = json.dumps({"organisations": [organisation], "agreements": [agreement]}, indent=2)
    problems = _problems(text, "json")
    # JSON files have line tracking too: the line is where that endpoint starts.
    lines = text.splitlines()
    flows = next(n for n, line in enumerate(lines) if '"flows"' in line)
    second_from = [n for n, line in enumerate(lines) if '"from"' in line and n > flows][1]
    assert problems == [
        f"bad.yaml:{second_from + 2}: agreements[0].flows[1].from[0]: Give exactly one of organisation, "
        "organisation_type or any_party: true."
    ]


def test_invalid_json_and_yaml_and_empty_files_are_named():
    assert _problems("{", "json")[0].startswith("bad.yaml:1: not valid JSON")
    assert _problems("a: [\n", "yaml")[0].startswith("bad.yaml:")
    assert _problems("", "yaml") == ["bad.yaml: the file is empty"]
    assert _problems("- a\n- b\n", "yaml") == [
        "bad.yaml: expected a mapping with 'organisations' and/or 'agreements' at the top"
    ]


def test_history_must_be_numbered_from_one_and_match_its_agreement():
    agreement = AgreementSchema().dump(read_registry_file(AGREEMENT_FILES[0]).agreements[0])
    history = {
        "agreement_history": [
            {
                "agreement_id": "SOMETHING-ELSE",
                "revisions": [
                    {
                        "revision": 2,
                        "recorded_at": "2025-01-01T00:00:00+00:00",
                        "recorded_by": "x",
                        "agreement": agreement,
                    }
                ],
            }
        ]
    }
    problems = _problems(json.dumps(history), "json")
    assert any("agreement_history[0].revisions[0].revision: revisions must be numbered" in p for p in problems)
    assert any("agreement_history[0].revisions[0].agreement.id: does not match agreement_id" in p for p in problems)


def test_a_naive_recorded_at_is_rejected():
    agreement = AgreementSchema().dump(read_registry_file(AGREEMENT_FILES[0]).agreements[0])
    history = {
        "agreement_history": [
            {
                "agreement_id": agreement["id"],
                "revisions": [
                    {"revision": 1, "recorded_at": "2025-01-01T00:00:00", "recorded_by": "x", "agreement": agreement}
                ],
            }
        ]
    }
    problems = _problems(json.dumps(history), "json")
    assert problems == ["bad.yaml:1: agreement_history[0].revisions[0].recorded_at: Not a valid aware datetime."]


def test_registry_files_reads_folders_sorted_and_names_missing_paths(tmp_path):
    (tmp_path / "b.yaml").write_text("organisations: []\n")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("ignored")
    assert [p.name for p in registry_files([tmp_path])] == ["a.json", "b.yaml"]
    with pytest.raises(RegistryFileError) as caught:
        registry_files([tmp_path / "missing.yaml"])
    assert "no such file or folder" in str(caught.value)
