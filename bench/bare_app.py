"""The baseline for ``bench.http``: a bare Flask JSON endpoint, served by gunicorn exactly as the registry is."""

from __future__ import annotations

from typing import Any

from flask import Flask, request

app = Flask(__name__)


@app.post("/echo")
def echo() -> dict[str, Any]:
    """Parse the JSON body and answer a small JSON document: the least a JSON API can do."""
    body = request.get_json()
    return {"ok": True, "fields": len(body) if isinstance(body, dict) else 0}
