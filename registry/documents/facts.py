"""What a document says about itself: which agreement and revision, its fingerprint, and who signed off.

The renderer prints these facts, the signer embeds them in the PDF before signing (so the signature
covers them), and verification reads them back: one shape shared by all three.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from agreements.model import AgreementRevision, Organisation


@dataclass(frozen=True)
class SignOff:
    """One party's sign-off as the revision records it: its signatory, job title and date, or none yet."""

    organisation_id: str
    organisation_name: str
    signatory: str | None = None
    job_title: str | None = None
    signed_on: date | None = None

    @property
    def signed(self) -> bool:
        """True when the party has signed."""
        return self.signed_on is not None


@dataclass(frozen=True)
class DocumentFacts:
    """The agreement, version, revision, status and content fingerprint a document was made from."""

    agreement_id: str
    title: str
    version: str
    revision: int
    status: str
    fingerprint: str
    sign_offs: tuple[SignOff, ...] = ()

    def to_json(self) -> str:
        """The facts as compact JSON (what the signed PDF embeds)."""
        return json.dumps(_as_dict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> DocumentFacts:
        """Facts read back from ``to_json``; ``ValueError`` naming the problem when they are not that shape."""
        try:
            raw = json.loads(text)
            sign_offs = tuple(
                SignOff(
                    organisation_id=str(s["organisation_id"]),
                    organisation_name=str(s["organisation_name"]),
                    signatory=None if s.get("signatory") is None else str(s["signatory"]),
                    job_title=None if s.get("job_title") is None else str(s["job_title"]),
                    signed_on=None if s.get("signed_on") is None else date.fromisoformat(s["signed_on"]),
                )
                for s in raw["sign_offs"]
            )
            return cls(
                agreement_id=str(raw["agreement_id"]),
                title=str(raw["title"]),
                version=str(raw["version"]),
                revision=int(raw["revision"]),
                status=str(raw["status"]),
                fingerprint=str(raw["fingerprint"]),
                sign_offs=sign_offs,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"the document's embedded facts are not readable: {exc}") from exc


def _as_dict(facts: DocumentFacts) -> dict[str, Any]:
    return {
        "agreement_id": facts.agreement_id,
        "title": facts.title,
        "version": facts.version,
        "revision": facts.revision,
        "status": facts.status,
        "fingerprint": facts.fingerprint,
        "sign_offs": [
            {
                "organisation_id": s.organisation_id,
                "organisation_name": s.organisation_name,
                "signatory": s.signatory,
                "job_title": s.job_title,
                "signed_on": s.signed_on.isoformat() if s.signed_on else None,
            }
            for s in facts.sign_offs
        ],
    }


def document_facts(
    revision: AgreementRevision, *, fingerprint: str, organisations: dict[str, Organisation]
) -> DocumentFacts:
    """The facts of one stored revision: each party's sign-off in the order the agreement lists the parties."""
    agreement = revision.agreement

    def name(organisation_id: str) -> str:
        organisation = organisations.get(organisation_id)
        return organisation.name if organisation is not None else organisation_id

    return DocumentFacts(
        agreement_id=agreement.id,
        title=agreement.title,
        version=agreement.version,
        revision=revision.revision,
        status=agreement.status.value,
        fingerprint=fingerprint,
        sign_offs=tuple(
            SignOff(
                organisation_id=p.organisation_id,
                organisation_name=name(p.organisation_id),
                signatory=p.signatory.name if p.signatory else None,
                job_title=p.signatory.job_title if p.signatory else None,
                signed_on=p.signatory.signed_on if p.signatory else None,
            )
            for p in agreement.parties
        ),
    )
