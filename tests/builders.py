"""The one place that builds test data, with vocabulary ids that exist.

Every builder takes keyword overrides, so a test states only what matters to it.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from agreements.model import (
    Agreement,
    AgreementKind,
    AgreementPurpose,
    AgreementStatus,
    Art6Entry,
    ConsentDefault,
    ConsentModel,
    Endpoint,
    Flow,
    LawfulBases,
    Organisation,
    Party,
    PartyRole,
    Signatory,
)
from schemas.agreement import AgreementSchema, OrganisationSchema
from schemas.yamlio import dump_yaml

POLICE = "northshire-police"
CHILDRENS = "northshire-childrens-services"


def make_organisation(**overrides: Any) -> Organisation:
    """An organisation (by default, a police force)."""
    values: dict[str, Any] = {
        "id": POLICE,
        "name": "Northshire Police",
        "type": "police-force",
        "public_authority": True,
        "competent_authority": True,
    }
    values.update(overrides)
    return Organisation(**values)


def make_childrens_services(**overrides: Any) -> Organisation:
    """The children's social care organisation that ``make_agreement``'s flows go to."""
    values: dict[str, Any] = {
        "id": CHILDRENS,
        "name": "Northshire County Council Children's Services",
        "type": "childrens-social-care",
        "public_authority": True,
    }
    values.update(overrides)
    return make_organisation(**values)


def make_party(organisation_id: str = POLICE, **overrides: Any) -> Party:
    """A signed controller party."""
    values: dict[str, Any] = {
        "organisation_id": organisation_id,
        "roles": (PartyRole.CONTROLLER,),
        "public_authority": True,
        "signatory": Signatory(name="A. Signatory", job_title="Chief Executive", signed_on=date(2025, 3, 1)),
    }
    values.update(overrides)
    return Party(**values)


def make_flow(**overrides: Any) -> Flow:
    """A case-by-case flow from the police to children's services for MASH triage."""
    values: dict[str, Any] = {
        "id": "police-to-childrens",
        "source": (Endpoint(organisation=POLICE),),
        "recipient": (Endpoint(organisation=CHILDRENS),),
        "purposes": ("mash-triage",),
        "data_subjects": ("child",),
        "data_categories": ("identity", "health"),
    }
    values.update(overrides)
    return Flow(**values)


def make_agreement(**overrides: Any) -> Agreement:
    """An active MASH agreement between the police and children's services."""
    values: dict[str, Any] = {
        "id": "test-mash",
        "title": "Test MASH agreement",
        "version": "1.0",
        "kind": AgreementKind.MASH,
        "status": AgreementStatus.ACTIVE,
        "owner": CHILDRENS,
        "parties": (make_party(CHILDRENS), make_party(POLICE, competent_authority=True)),
        "purposes": (
            AgreementPurpose("mash-triage", gateways=("ca2004-s11",)),
            AgreementPurpose("child-protection-enquiry", gateways=("ca1989-s47",)),
        ),
        "data_subjects": ("child", "parent-carer"),
        "flows": (make_flow(),),
        "lawful_bases": LawfulBases(art6=(Art6Entry(basis="art6-1-e", source="Children Act 1989 s47"),)),
        "consent_model": ConsentModel(default=ConsentDefault.SEEK_WHERE_SAFE),
        "effective_from": date(2025, 4, 1),
        "review_due": date(2026, 4, 1),
    }
    values.update(overrides)
    return Agreement(**values)


def replace(record: Any, **changes: Any) -> Any:
    """A copy of a frozen record with some fields changed."""
    return dataclasses.replace(record, **changes)


def registry_data(
    organisations: list[Organisation] | None = None, agreements: list[Agreement] | None = None
) -> dict[str, Any]:
    """The plain data of a registry file, to edit before writing when a test needs a bad file."""
    data: dict[str, Any] = {}
    if organisations:
        data["organisations"] = OrganisationSchema(many=True).dump(organisations)
    if agreements:
        data["agreements"] = AgreementSchema(many=True).dump(agreements)
    return data


def registry_yaml(data: dict[str, Any]) -> str:
    """A registry file's YAML text."""
    return dump_yaml(data)
