"""Import is atomic and validating: each kind of bad file is named with its path, and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, delete, select

from agreements.model import AgreementStatus, Endpoint
from registry.mapping import content_hash
from registry.models import AgreementCategoryRow, AgreementPartyRow, AgreementRevisionRow, AgreementRow
from registry.services.agreements import get_agreement, list_agreements, save_agreement
from registry.services.exporting import export_registry
from registry.services.organisations import get_organisation, save_organisation
from schemas.files import RegistryFileError
from tests.builders import (
    CHILDRENS,
    POLICE,
    make_agreement,
    make_childrens_services,
    make_flow,
    make_organisation,
    registry_data,
    registry_yaml,
)
from tests.registry.helpers import line_of, load_files, table_counts

PROBATION = "northshire-probation"


def _orgs() -> list[Any]:
    return [
        make_organisation(),
        make_childrens_services(),
        make_organisation(id=PROBATION, name="Northshire Probation", type="probation-service"),
    ]


def _write(path: Path, data: dict[str, Any] | str) -> Path:
    path.write_text(data if isinstance(data, str) else registry_yaml(data), encoding="utf-8")
    return path


def _rejected(session: Session, *paths: Path) -> list[str]:
    """Load the files, expect rejection with nothing stored, and return the problems as text."""
    before = table_counts(session)
    with pytest.raises(RegistryFileError) as caught:
        load_files(session, *paths)
    assert table_counts(session) == before
    return [str(p) for p in caught.value.problems]


def test_a_good_file_is_stored(session: Session, tmp_path: Path) -> None:
    path = _write(tmp_path / "good.yaml", registry_data(_orgs(), [make_agreement()]))

    summary = load_files(session, path, actor="loader")

    assert (summary.organisations.created, summary.agreements.created) == (3, 1)
    stored = get_agreement(session=session, agreement_id="test-mash")
    assert stored.agreement == make_agreement()
    assert stored.recorded_by == "loader"
    assert get_organisation(session=session, organisation_id=PROBATION).type == "probation-service"


def test_the_change_note_names_the_file_not_the_servers_folders(session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "srv" / "private" / "uploads"
    folder.mkdir(parents=True)
    path = _write(folder / "northshire.yaml", registry_data(_orgs(), [make_agreement()]))

    load_files(session, path, actor="loader")

    note = get_agreement(session=session, agreement_id="test-mash").change_note
    assert note == "loaded from northshire.yaml"
    assert str(tmp_path) not in (note or "")


def test_loading_the_same_file_again_changes_nothing(session: Session, tmp_path: Path) -> None:
    path = _write(tmp_path / "good.yaml", registry_data(_orgs(), [make_agreement()]))
    load_files(session, path)
    before = table_counts(session)

    summary = load_files(session, path)

    assert (summary.organisations.unchanged, summary.agreements.unchanged) == (3, 1)
    assert table_counts(session) == before


def test_a_changed_file_adds_a_revision(session: Session, tmp_path: Path) -> None:
    load_files(session, _write(tmp_path / "v1.yaml", registry_data(_orgs(), [make_agreement()])))
    summary = load_files(session, _write(tmp_path / "v2.yaml", registry_data([], [make_agreement(version="1.1")])))

    assert summary.agreements.updated == 1
    assert get_agreement(session=session, agreement_id="test-mash").revision == 2
    assert get_agreement(session=session, agreement_id="test-mash", revision=1).agreement.version == "1.0"


def test_malformed_yaml_is_rejected_with_its_line(session: Session, tmp_path: Path) -> None:
    text = registry_yaml(registry_data(_orgs(), [make_agreement()]))
    lines = text.splitlines()
    lines[5] = lines[5] + " ]: ["
    path = _write(tmp_path / "broken.yaml", "\n".join(lines) + "\n")

    [problem] = _rejected(session, path)

    assert problem.startswith(f"{path}:")
    assert "not valid YAML" in problem


def test_malformed_json_is_rejected_with_its_line(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "organisations": [\n    {"id": "x",}\n  ]\n}\n', encoding="utf-8")

    [problem] = _rejected(session, path)

    assert problem.startswith(f"{path}:3: ")
    assert "not valid JSON" in problem


def test_an_unknown_field_is_rejected_with_its_path_and_line(session: Session, tmp_path: Path) -> None:
    data = registry_data(_orgs(), [make_agreement()])
    data["agreements"][0]["flows"][0]["colour"] = "blue"
    text = registry_yaml(data)
    path = _write(tmp_path / "extra.yaml", text)

    [problem] = _rejected(session, path)

    assert problem == f"{path}:{line_of(text, 'colour:')}: agreements[0].flows[0].colour: Unknown field."


def test_an_unknown_vocabulary_term_is_rejected_with_its_path_line_and_suggestion(
    session: Session, tmp_path: Path
) -> None:
    flows = (
        make_flow(id="flow-a"),
        make_flow(id="flow-b"),
        make_flow(id="flow-c", data_categories=("identity", "mental-helth")),
    )
    text = registry_yaml(registry_data(_orgs(), [make_agreement(flows=flows)]))
    path = _write(tmp_path / "mash.yaml", text)

    [problem] = _rejected(session, path)

    assert problem == (
        f"{path}:{line_of(text, 'mental-helth')}: agreements[0].flows[2].data_categories[1]: "
        "unknown data category 'mental-helth' (did you mean 'mental-health'?)"
    )


def test_a_flow_naming_an_organisation_that_is_not_a_party_is_rejected(session: Session, tmp_path: Path) -> None:
    agreement = make_agreement(flows=(make_flow(recipient=(make_flow().recipient[0], _endpoint(PROBATION))),))
    path = _write(tmp_path / "flow.yaml", registry_data(_orgs(), [agreement]))

    [problem] = _rejected(session, path)

    assert "agreements[0].flows[0].to[1].organisation" in problem
    assert "not a party" in problem


def _endpoint(organisation: str) -> Endpoint:
    return Endpoint(organisation=organisation)


def test_a_duplicate_agreement_id_across_two_files_is_rejected_naming_both(session: Session, tmp_path: Path) -> None:
    first = _write(tmp_path / "a.yaml", registry_data(_orgs(), [make_agreement()]))
    second = _write(tmp_path / "b.yaml", registry_data([], [make_agreement(title="Another")]))

    [problem] = _rejected(session, first, second)

    assert problem.startswith(f"{second}:")
    assert "agreements[0].id: duplicate agreement id 'test-mash'" in problem
    assert f"{first}:" in problem


def test_a_duplicate_organisation_id_is_rejected_naming_both(session: Session, tmp_path: Path) -> None:
    data = registry_data([*_orgs(), make_organisation(name="Northshire Police again")], [make_agreement()])
    path = _write(tmp_path / "orgs.yaml", data)

    [problem] = _rejected(session, path)

    assert f"organisations[3].id: duplicate organisation id '{POLICE}'" in problem
    assert "organisations[0].id" in problem


def test_unknown_owner_and_party_organisations_are_rejected(session: Session, tmp_path: Path) -> None:
    path = _write(tmp_path / "orphans.yaml", registry_data([make_organisation()], [make_agreement()]))

    problems = _rejected(session, path)

    assert any(f"agreements[0].owner: unknown organisation '{CHILDRENS}'" in p for p in problems)
    assert any(f"agreements[0].parties[0].organisation_id: unknown organisation '{CHILDRENS}'" in p for p in problems)


def test_an_unknown_parent_agreement_is_rejected(session: Session, tmp_path: Path) -> None:
    path = _write(tmp_path / "tier2.yaml", registry_data(_orgs(), [make_agreement(parent_id="tier-1")]))
    [problem] = _rejected(session, path)
    assert "agreements[0].parent_id: unknown parent agreement 'tier-1'" in problem


def test_a_parent_in_another_file_of_the_same_load_is_accepted(session: Session, tmp_path: Path) -> None:
    parent = _write(tmp_path / "tier1.yaml", registry_data(_orgs(), [make_agreement(id="tier-1")]))
    child = _write(tmp_path / "tier2.yaml", registry_data([], [make_agreement(parent_id="tier-1")]))
    load_files(session, child, parent)
    assert {a.id for a in list_agreements(session=session)} == {"tier-1", "test-mash"}


def test_an_illegal_status_change_against_the_stored_revision_is_rejected(session: Session, tmp_path: Path) -> None:
    for organisation in _orgs():
        save_organisation(session=session, organisation=organisation, actor="test")
    save_agreement(session=session, agreement=make_agreement(status=AgreementStatus.TERMINATED), actor="test")
    path = _write(tmp_path / "revive.yaml", registry_data([], [make_agreement(status=AgreementStatus.ACTIVE)]))

    [problem] = _rejected(session, path)

    assert "agreements[0].status: an agreement cannot go from terminated to active" in problem


def test_one_good_and_one_bad_file_store_nothing(session: Session, tmp_path: Path) -> None:
    good = _write(tmp_path / "good.yaml", registry_data(_orgs(), [make_agreement()]))
    bad_data = registry_data([], [make_agreement(id="other", flows=(make_flow(data_categories=("helth",)),))])
    bad = _write(tmp_path / "bad.yaml", bad_data)

    problems = _rejected(session, good, bad)

    assert len(problems) == 1 and problems[0].startswith(f"{bad}:")
    assert table_counts(session)["organisation"] == 0


def test_one_good_and_one_malformed_file_store_nothing(session: Session, tmp_path: Path) -> None:
    good = _write(tmp_path / "good.yaml", registry_data(_orgs(), [make_agreement()]))
    bad = _write(tmp_path / "bad.yaml", "agreements: [\n")
    problems = _rejected(session, good, bad)
    assert [p.split(":")[0] for p in problems] == [str(bad)]


def test_every_problem_in_every_file_is_reported_at_once(session: Session, tmp_path: Path) -> None:
    first = _write(
        tmp_path / "one.yaml",
        registry_data(_orgs(), [make_agreement(flows=(make_flow(purposes=("mash-triag",)),))]),
    )
    second = _write(tmp_path / "two.yaml", registry_data([make_organisation(id="x", type="nope")], []))
    problems = _rejected(session, first, second)
    assert len(problems) == 2
    assert any("flows[0].purposes[0]" in p for p in problems) and any("organisations[0].type" in p for p in problems)


def test_json_files_load_like_yaml(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "mash.json"
    path.write_text(json.dumps(registry_data(_orgs(), [make_agreement()]), indent=2), encoding="utf-8")
    load_files(session, path)
    assert get_agreement(session=session, agreement_id="test-mash").agreement == make_agreement()


def test_a_history_revision_that_conflicts_with_the_stored_one_is_rejected(session: Session, tmp_path: Path) -> None:
    for organisation in _orgs():
        save_organisation(session=session, organisation=organisation, actor="test")
    save_agreement(session=session, agreement=make_agreement(), actor="test")
    exported = export_registry(session=session, fmt="yaml")
    # Another registry's revision 1 of the same agreement, with different content.
    row = session.exec(select(AgreementRevisionRow)).one()
    row.content = {**row.content, "title": "Written elsewhere"}
    row.content_hash = content_hash(row.content)
    session.add(row)
    session.commit()
    path = _write(tmp_path / "export.yaml", exported)

    [problem] = _rejected(session, path)

    assert "agreement_history[0].revisions[0].revision" in problem
    assert "already stored with different content" in problem


def test_history_that_continues_after_the_stored_revisions_is_appended(session: Session, tmp_path: Path) -> None:
    for organisation in _orgs():
        save_organisation(session=session, organisation=organisation, actor="test")
    save_agreement(session=session, agreement=make_agreement(), actor="alice")
    save_agreement(session=session, agreement=make_agreement(version="1.1"), actor="bob")
    exported = export_registry(session=session, fmt="yaml")
    # Drop revision 2 here: the export now carries one revision more than the database.
    session.exec(delete(AgreementPartyRow).where(AgreementPartyRow.revision == 2))
    session.exec(delete(AgreementCategoryRow).where(AgreementCategoryRow.revision == 2))
    session.exec(delete(AgreementRevisionRow).where(AgreementRevisionRow.revision == 2))
    agreement_row = session.get(AgreementRow, "test-mash")
    assert agreement_row is not None
    agreement_row.current_revision = 1
    session.add(agreement_row)
    session.commit()

    summary = load_files(session, _write(tmp_path / "export.yaml", exported))

    assert (summary.revisions.created, summary.revisions.unchanged) == (1, 1)
    restored = get_agreement(session=session, agreement_id="test-mash")
    assert (restored.revision, restored.recorded_by, restored.agreement.version) == (2, "bob", "1.1")
