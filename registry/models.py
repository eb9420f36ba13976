"""The database tables (SQLModel), and nothing else.

A revision's ``content`` is the agreement exactly as ``AgreementSchema`` dumps it: a
revision never changes, and storing the document keeps it round-tripping exactly. The
other columns are copies of a few fields so that lists and lookups can be queries.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKeyConstraint, Index
from sqlmodel import Field, SQLModel

ID_LENGTH = 80


class OrganisationRow(SQLModel, table=True):
    """An organisation's record; ``record`` is its ``OrganisationSchema`` document."""

    __tablename__ = "organisation"

    id: str = Field(primary_key=True, max_length=ID_LENGTH)
    name: str
    type: str = Field(index=True, max_length=ID_LENGTH)
    public_authority: bool
    competent_authority: bool
    record: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class AgreementRow(SQLModel, table=True):
    """An agreement, with the listing fields of its current revision."""

    __tablename__ = "agreement"

    id: str = Field(primary_key=True, max_length=ID_LENGTH)
    current_revision: int
    title: str
    kind: str = Field(index=True, max_length=40)
    status: str = Field(index=True, max_length=40)
    version: str = Field(max_length=40)
    owner_id: str = Field(max_length=ID_LENGTH)
    parent_id: str | None = Field(default=None, max_length=ID_LENGTH)
    effective_from: date | None = None
    review_due: date | None = Field(default=None, index=True)
    expires_on: date | None = None


class AgreementRevisionRow(SQLModel, table=True):
    """One saved, immutable revision of an agreement."""

    __tablename__ = "agreement_revision"

    agreement_id: str = Field(primary_key=True, foreign_key="agreement.id", max_length=ID_LENGTH)
    revision: int = Field(primary_key=True)
    version: str = Field(max_length=40)
    status: str = Field(max_length=40)
    effective_from: date | None = None
    review_due: date | None = None
    expires_on: date | None = None
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)
    # The agreement schema the content was written with (schemas.agreement.AGREEMENT_SCHEMA_VERSION).
    schema_version: int = Field(default=1)
    recorded_at: datetime
    recorded_by: str
    change_note: str | None = None


class AgreementPartyRow(SQLModel, table=True):
    """Which organisations are parties to which revision: finds the agreements two organisations share."""

    __tablename__ = "agreement_party"
    __table_args__ = (
        ForeignKeyConstraint(
            ["agreement_id", "revision"],
            ["agreement_revision.agreement_id", "agreement_revision.revision"],
            name="fk_agreement_party_revision",
        ),
    )

    agreement_id: str = Field(primary_key=True, max_length=ID_LENGTH)
    revision: int = Field(primary_key=True)
    organisation_id: str = Field(primary_key=True, foreign_key="organisation.id", index=True, max_length=ID_LENGTH)


class ChangeLogRow(SQLModel, table=True):
    """Who changed what and when, with the record before and after (NetBox's change log)."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str
    action: str = Field(max_length=20)
    object_type: str = Field(max_length=40)
    object_id: str = Field(max_length=ID_LENGTH)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
