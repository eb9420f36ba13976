"""gunicorn settings read from the repository folder: warm each worker's registry snapshot at start-up."""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Compile the registry once per worker before it takes requests, so the first check is as fast as the rest."""
    from flask import Flask

    from registry.extensions import db

    app = worker.wsgi
    if isinstance(app, Flask):
        db.warm(app)
