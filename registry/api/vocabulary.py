"""``/api/v1/vocabulary``: every controlled term agreements and questions use."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from registry.access import signed_in
from registry.api.blueprint import Blueprint
from registry.services.common import current_vocabulary
from schemas.vocabulary import VocabularySchema

blp = Blueprint("vocabulary", __name__, url_prefix="/api/v1/vocabulary", description="The controlled vocabulary")
TERM_SETS = (
    "data_categories",
    "purposes",
    "organisation_types",
    "data_subject_types",
    "art6_bases",
    "art9_conditions",
    "schedule1_conditions",
    "art10_routes",
    "statutory_gateways",
)


@blp.route("")
class Vocabulary(MethodView):
    """The vocabulary."""

    @signed_in
    @blp.response(200, VocabularySchema)  # type: ignore[untyped-decorator]
    def get(self) -> dict[str, Any]:
        """Get the vocabulary: data categories (with their hierarchy), purposes, organisation and data-subject
        types, Art 6 bases, Art 9 and Schedule 1 conditions, Art 10 routes and statutory gateways."""
        vocabulary = current_vocabulary()
        return {"version": vocabulary.version, **{name: list(getattr(vocabulary, name).values()) for name in TERM_SETS}}
