"""The ceiling for ``bench.http``: the least a check can cost over HTTP, served by gunicorn exactly as the registry is.

It reads the question through ``ShareQuestionSchema``, answers it with the checker from a snapshot compiled
when the worker starts, and writes the answer with ``answer_document``: what ``POST /api/v1/checks`` does,
without signing in, the per-request database reads, the request bounds or flask-smorest. Its throughput
against the bare endpoint is the best ratio the registry could reach with this schema and this checker.
``/question`` only reads the question through the schema: what the schema alone costs.
"""

from __future__ import annotations

import os

import orjson
from flask import Flask, Response, request

from agreements.checker import check_share
from registry import create_app
from registry.extensions import db
from schemas.question import ShareQuestionSchema, answer_document

_registry = create_app({"DATABASE_URL": os.environ["DATABASE_URL"]})
with _registry.app_context():
    SNAPSHOT = db.snapshots.get(db.session)
    _registry.extensions["registry.db"].dispose()
QUESTION = ShareQuestionSchema()

app = Flask(__name__)


@app.post("/check")
def check() -> Response:
    """Load the question, check it, answer it: no sign-in, no database."""
    question = QUESTION.load(request.get_json())
    document = answer_document(check_share(question, SNAPSHOT), explain=False)
    return app.response_class(orjson.dumps(document, option=orjson.OPT_SORT_KEYS), mimetype="application/json")


@app.post("/question")
def question_only() -> Response:
    """Only load the question through the schema, and answer a small document."""
    question = QUESTION.load(request.get_json())
    return app.response_class(orjson.dumps({"discloser": question.discloser}), mimetype="application/json")
