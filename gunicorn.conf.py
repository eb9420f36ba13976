"""gunicorn settings read from the repository folder: warm each worker's registry snapshot at start-up."""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Compile the registry once per worker before it takes requests, so the first check is as fast as the rest."""
    from flask import Flask

    from registry.extensions import db

    app = worker.wsgi
    # Only the registry has a snapshot to warm (the benchmark serves a bare app from this folder too).
    if isinstance(app, Flask) and "registry.db" in app.extensions:
        db.warm(app)
