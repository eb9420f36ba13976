"""The database tables (SQLModel), and nothing else.

A revision's ``content`` is the agreement exactly as ``AgreementSchema`` dumps it: a
revision never changes, and storing the document keeps it round-tripping exactly. The
other columns are copies of a few fields so that lists and lookups can be queries.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKeyConstraint, Index, LargeBinary, event, insert
from sqlmodel import Field, SQLModel

ID_LENGTH = 80
EMAIL_LENGTH = 254


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
    request_id: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=20)
    object_type: str = Field(max_length=40)
    object_id: str = Field(max_length=ID_LENGTH)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))


class AgreementCategoryRow(SQLModel, table=True):
    """Which data categories each revision's flows name: lets a list filter agreements by data category."""

    __tablename__ = "agreement_category"
    __table_args__ = (
        ForeignKeyConstraint(
            ["agreement_id", "revision"],
            ["agreement_revision.agreement_id", "agreement_revision.revision"],
            name="fk_agreement_category_revision",
        ),
    )

    agreement_id: str = Field(primary_key=True, max_length=ID_LENGTH)
    revision: int = Field(primary_key=True)
    data_category: str = Field(primary_key=True, index=True, max_length=ID_LENGTH)


class SignatureRow(SQLModel, table=True):
    """A signature given for a party: who signed, in which job, when, and which revision they read."""

    __tablename__ = "signature"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: str = Field(foreign_key="agreement.id", index=True, max_length=ID_LENGTH)
    signed_revision: int
    recorded_revision: int
    organisation_id: str = Field(foreign_key="organisation.id", max_length=ID_LENGTH)
    user_id: int = Field(foreign_key="user_account.id")
    name: str
    job_title: str
    signed_at: datetime


class RegistryVersionRow(SQLModel, table=True):
    """One row: bumped in the same transaction as every change to agreements or organisations.

    Each process keeps its compiled snapshot keyed by (epoch, version), so one cheap query tells a
    request whether its snapshot is current. ``epoch`` changes if the table is ever created afresh.
    """

    __tablename__ = "registry_version"

    id: int = Field(primary_key=True)
    epoch: str = Field(max_length=36)
    version: int


class UserRow(SQLModel, table=True):
    """A person who signs in: their organisation, role, password hash and sign-in failures."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=EMAIL_LENGTH)
    name: str
    role: str = Field(max_length=40)
    organisation_id: str | None = Field(default=None, foreign_key="organisation.id", max_length=ID_LENGTH)
    password_hash: str
    active: bool = True
    failed_sign_ins: int = 0
    locked_until: datetime | None = None
    last_sign_in_at: datetime | None = None
    created_at: datetime


class ApiTokenRow(SQLModel, table=True):
    """A personal API token; only its SHA-256 is stored, so the token itself is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    name: str
    token_hash: str = Field(unique=True, max_length=64)
    prefix: str = Field(max_length=16)
    created_at: datetime
    revoked_at: datetime | None = None


class DocumentRow(SQLModel, table=True):
    """A rendered document (PDF, signed PDF, diff PDF), kept so every instance serves it without rendering again.

    ``key`` is the SHA-256 of everything the bytes depend on (kind, agreement, revision, the revision's
    fingerprint, the template version, the parties' organisation records, the vocabulary and, for a signed
    PDF, the signing certificate), so a row is never stale: anything that changes the document changes the
    key. In the database rather than a local folder, so every instance behind the load balancer reads what
    one of them rendered.
    """

    __tablename__ = "document"
    __table_args__ = (
        ForeignKeyConstraint(
            ["agreement_id", "revision"],
            ["agreement_revision.agreement_id", "agreement_revision.revision"],
            name="fk_document_revision",
        ),
        Index("ix_document_agreement", "agreement_id", "revision"),
    )

    key: str = Field(primary_key=True, max_length=64)
    agreement_id: str = Field(max_length=ID_LENGTH)
    revision: int
    # A diff document compares ``from_revision`` with ``revision``; None for the others.
    from_revision: int | None = None
    kind: str = Field(max_length=20)
    media_type: str = Field(max_length=80)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    size: int
    created_at: datetime


REGISTRY_VERSION_ID = 1


@event.listens_for(RegistryVersionRow.__table__, "after_create")  # type: ignore[attr-defined]
def _first_registry_version(target: Any, connection: Any, **_: Any) -> None:
    # create_all (the tests) gets the row the migration inserts, so a write only ever updates it.
    import uuid

    connection.execute(insert(target).values(id=REGISTRY_VERSION_ID, epoch=str(uuid.uuid4()), version=0))
