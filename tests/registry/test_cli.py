"""``flask registry …`` commands, run through Flask's CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy.engine import make_url
from sqlmodel import Session

from registry import migrate
from registry.extensions import db
from tests.builders import make_agreement, make_childrens_services, make_organisation, registry_data, registry_yaml
from tests.registry.helpers import table_counts


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context(), Session(db.engine) as session:
        return table_counts(session)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "a-organisations.yaml").write_text(
        registry_yaml(registry_data([make_organisation(), make_childrens_services()])), encoding="utf-8"
    )
    (folder / "b-mash.yaml").write_text(registry_yaml(registry_data([], [make_agreement()])), encoding="utf-8")
    (folder / "notes.txt").write_text("not a registry file", encoding="utf-8")
    return folder


def test_init_db_creates_the_tables_and_loads_the_standard_agreements(empty_app: Flask) -> None:
    runner = empty_app.test_cli_runner()

    result = runner.invoke(args=["registry", "init-db"])

    assert result.exit_code == 0, result.output
    assert f"tables upgraded to migration {migrate.head_revision()}" in result.output
    assert "Loaded the standard agreements" in result.output
    assert "agreements: 4 created" in result.output

    again = runner.invoke(args=["registry", "init-db"])
    assert again.exit_code == 0, again.output
    assert "already at migration" in again.output
    assert "already holds agreements" in again.output


def test_init_db_without_the_standard_agreements(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(args=["registry", "init-db", "--no-standard"])
    assert result.exit_code == 0, result.output
    assert "not loaded (--no-standard)" in result.output
    assert _counts(empty_app)["agreement"] == 0


def test_init_db_hides_the_database_password(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(args=["registry", "init-db", "--no-standard"])
    url = make_url(empty_app.config["DATABASE_URL"])
    assert result.exit_code == 0, result.output
    if url.password:
        assert f":{url.password}@" not in result.output
        assert ":***@" in result.output


def test_load_a_folder_shows_progress_per_file(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["registry", "load", str(_folder(tmp_path)), "--actor", "jo"])

    assert result.exit_code == 0, result.output
    assert "[1/2] a-organisations.yaml: 0 agreements, 2 organisations" in result.output
    assert "[2/2] b-mash.yaml: 1 agreement, 0 organisations" in result.output
    assert "agreements: 1 created" in result.output
    assert _counts(app)["agreement_revision"] == 1


def test_load_with_a_bad_file_prints_every_problem_and_stores_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    data = registry_data([], [make_agreement(id="bad", data_subjects=("child", "parnet-carer"))])
    (folder / "c-bad.yaml").write_text(registry_yaml(data), encoding="utf-8")
    before = _counts(app)

    result = runner.invoke(args=["registry", "load", str(folder)])

    assert result.exit_code == 1
    assert "c-bad.yaml:" in result.stderr
    assert "agreements[0].data_subjects[1]: unknown data subject type 'parnet-carer'" in result.stderr
    assert "nothing was stored" in result.stderr
    assert _counts(app) == before


def test_loading_the_library_folder_skips_the_vocabulary(app: Flask, runner: FlaskCliRunner) -> None:
    library = Path(__file__).resolve().parents[2] / "agreements" / "library"

    result = runner.invoke(args=["registry", "load", str(library)])

    assert result.exit_code == 0, result.output
    assert "Skipping vocabulary.yaml" in result.output
    assert "agreements: 4 created" in result.output


def test_load_a_missing_path_fails(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["registry", "load", str(tmp_path / "nowhere.yaml")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr


def test_export_to_files_and_standard_output(runner: FlaskCliRunner, tmp_path: Path) -> None:
    runner.invoke(args=["registry", "load", str(_folder(tmp_path))])

    as_json = tmp_path / "out.json"
    assert runner.invoke(args=["registry", "export", str(as_json)]).exit_code == 0
    assert json.loads(as_json.read_text(encoding="utf-8"))["agreement_history"][0]["agreement_id"] == "test-mash"

    as_yaml = tmp_path / "out.yaml"
    assert runner.invoke(args=["registry", "export", str(as_yaml)]).exit_code == 0
    assert "agreement_history:" in as_yaml.read_text(encoding="utf-8")

    to_stdout = runner.invoke(args=["registry", "export", "-", "--format", "json"])
    assert to_stdout.exit_code == 0
    assert json.loads(to_stdout.stdout)["organisations"][0]["id"]


def test_list_agreements_organisations_and_revisions(runner: FlaskCliRunner, tmp_path: Path) -> None:
    runner.invoke(args=["registry", "load", str(_folder(tmp_path))])

    agreements = runner.invoke(args=["registry", "list"])
    assert "test-mash" in agreements.output and "2 parties" in agreements.output

    organisations = runner.invoke(args=["registry", "list", "--organisations"])
    assert "northshire-police" in organisations.output and "Northshire Police" in organisations.output

    revisions = runner.invoke(args=["registry", "list", "--revisions", "test-mash"])
    assert revisions.output.split()[:2] == ["1", "v1.0"]

    missing = runner.invoke(args=["registry", "list", "--revisions", "nope"])
    assert missing.exit_code == 1


def test_copy_makes_a_draft(runner: FlaskCliRunner, tmp_path: Path) -> None:
    runner.invoke(args=["registry", "load", str(_folder(tmp_path))])

    result = runner.invoke(args=["registry", "copy", "test-mash", "west-mash", "--title", "West MASH"])

    assert result.exit_code == 0, result.output
    assert "Created west-mash (draft, version 0.1) from test-mash" in result.output
    listed = runner.invoke(args=["registry", "list"]).output
    assert "west-mash" in listed and "West MASH" in listed

    clash = runner.invoke(args=["registry", "copy", "test-mash", "west-mash", "--title", "Again"])
    assert clash.exit_code == 1 and "already exists" in clash.stderr
