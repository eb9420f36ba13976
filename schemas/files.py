"""Registry files: YAML or JSON holding organisations, agreements and exported revision history.

One file shape serves hand-written agreement files, the shipped standard agreements and
exports, so an export can always be imported again. Every problem found is reported with
the file, the path inside it and (for YAML) the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from agreements.model import Agreement, AgreementRevision, Organisation
from agreements.validation import Problem
from schemas.agreement import AgreementRevisionSchema, AgreementSchema, OrganisationSchema
from schemas.base import AwareDateTime, DomainSchema, flatten_errors, tuples
from schemas.jsonio import load_json
from schemas.limits import MAX_NAME, MAX_RECORDS, FileSyntaxError
from schemas.yamlio import dump_yaml, line_for, load_yaml

FILE_FORMAT = "isa-registry/1"
FILE_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
Format = Literal["yaml", "json"]


@dataclass(frozen=True)
class FileProblem:
    """A problem in a registry file: which file, where inside it, and what is wrong."""

    source: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class RegistryFileError(ValueError):
    """One or more files could not be read; nothing from them may be stored."""

    def __init__(self, problems: Sequence[FileProblem]) -> None:
        self.problems = list(problems)
        listed = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s):\n{listed}")


@dataclass(frozen=True)
class AgreementHistory:
    """Every stored revision of one agreement, oldest first."""

    agreement_id: str
    revisions: tuple[AgreementRevision, ...]


class _AgreementHistorySchema(DomainSchema):
    agreement_id = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NAME))
    revisions = fields.List(
        fields.Nested(AgreementRevisionSchema),
        required=True,
        validate=validate.Length(min=1, error="List at least one revision."),
        metadata={"max_items": MAX_RECORDS},
    )

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[int, Any] = {}
        expected = 1
        for index, revision in enumerate(data.get("revisions", [])):
            if revision.agreement.id != data.get("agreement_id"):
                errors.setdefault(index, {})["agreement"] = {
                    "id": [f"does not match agreement_id {data.get('agreement_id')!r}"]
                }
            if revision.revision != expected:
                errors.setdefault(index, {})["revision"] = [
                    f"revisions must be numbered 1, 2, 3… in order; expected {expected}"
                ]
            expected = revision.revision + 1
        if errors:
            raise ValidationError({"revisions": errors})

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> AgreementHistory:
        return AgreementHistory(**tuples(data))


class RegistryFileSchema(DomainSchema):
    """The top level of a registry file."""

    format = fields.String(validate=validate.Equal(FILE_FORMAT, error=f"Must be {FILE_FORMAT!r}."))
    vocabulary_version = fields.String(allow_none=True, validate=validate.Length(max=MAX_NAME))
    exported_at = AwareDateTime(allow_none=True)
    organisations = fields.List(
        fields.Nested(OrganisationSchema), load_default=list, metadata={"max_items": MAX_RECORDS}
    )
    agreements = fields.List(fields.Nested(AgreementSchema), load_default=list, metadata={"max_items": MAX_RECORDS})
    agreement_history = fields.List(
        fields.Nested(_AgreementHistorySchema), load_default=list, metadata={"max_items": MAX_RECORDS}
    )


@dataclass(frozen=True)
class RegistryDocument:
    """The parsed content of one registry file, with what is needed to point into it."""

    source: str
    organisations: tuple[Organisation, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    history: tuple[AgreementHistory, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def problem(self, path: str, message: str) -> FileProblem:
        """A problem at ``path`` in this file, with its line where known."""
        return FileProblem(self.source, path, message, line_for(path, dict(self.lines)) if self.lines else None)

    def problems(self, prefix: str, found: Iterable[Problem]) -> list[FileProblem]:
        """Domain problems found in the record at ``prefix``, placed in this file."""
        return [self.problem(p.under(prefix).path, p.message) for p in found]


def parse_registry_text(text: str, source: str, fmt: Format) -> RegistryDocument:
    """Parse one file's text; raise ``RegistryFileError`` listing every structural problem."""
    try:
        raw, lines = load_json(text) if fmt == "json" else load_yaml(text)
    except FileSyntaxError as exc:
        raise RegistryFileError([FileProblem(source, "", str(exc), exc.line)]) from exc
    if raw is None:
        raise RegistryFileError([FileProblem(source, "", "the file is empty")])
    if not isinstance(raw, dict):
        raise RegistryFileError(
            [FileProblem(source, "", "expected a mapping with 'organisations' and/or 'agreements' at the top")]
        )
    try:
        data = RegistryFileSchema().load(raw)
    except ValidationError as exc:
        raise RegistryFileError(
            [
                FileProblem(source, path, message, line_for(path, lines) if lines else None)
                for path, message in flatten_errors(exc.messages)
            ]
        ) from exc
    return RegistryDocument(
        source=source,
        organisations=tuple(data["organisations"]),
        agreements=tuple(data["agreements"]),
        history=tuple(data["agreement_history"]),
        lines=lines,
    )


def format_of(path: Path) -> Format:
    """The format a file is written in, from its name."""
    fmt = FILE_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise RegistryFileError([FileProblem(str(path), "", "not a .yaml, .yml or .json file")])
    return "json" if fmt == "json" else "yaml"


def registry_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read: each file as given, and every registry file under each folder, sorted."""
    found: list[Path] = []
    missing: list[FileProblem] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FILE_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            missing.append(FileProblem(str(path), "", "no such file or folder"))
    if missing:
        raise RegistryFileError(missing)
    return found


def read_registry_file(path: Path) -> RegistryDocument:
    """Read and parse one registry file."""
    fmt = format_of(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryFileError([FileProblem(str(path), "", f"cannot be read: {exc}")]) from exc
    return parse_registry_text(text, str(path), fmt)


def dump_registry(
    *,
    organisations: Iterable[Organisation],
    history: Iterable[AgreementHistory],
    vocabulary_version: str,
    exported_at: datetime,
    fmt: Format,
) -> str:
    """Write organisations and every agreement revision as one registry file."""
    data = {
        "format": FILE_FORMAT,
        "vocabulary_version": vocabulary_version,
        "exported_at": exported_at.isoformat(),
        "organisations": OrganisationSchema(many=True).dump(list(organisations)),
        "agreement_history": [
            {"agreement_id": h.agreement_id, "revisions": AgreementRevisionSchema(many=True).dump(list(h.revisions))}
            for h in history
        ],
    }
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return dump_yaml(data)
