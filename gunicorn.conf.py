"""gunicorn settings read from the repository folder: threaded workers a slow client cannot pin, warmed at start-up.

A sync worker serves one connection at a time, so two clients that send their headers a byte at a
time held both of ``make run``'s workers for the whole timeout. gthread workers serve each
connection on a pool thread and hand one that has sent nothing back to the event loop, so the
others keep answering. Sized from the environment (each setting has a ``REGISTRY_WEB_`` variable);
gunicorn's own command-line options still win. Production still runs behind a buffering reverse
proxy (nginx or similar), which holds slow clients before they reach gunicorn at all.
"""

from __future__ import annotations

import os
from typing import Any


def _setting(name: str, default: int, *, least: int = 1, most: int = 256) -> int:
    """A whole-number setting from ``REGISTRY_WEB_<NAME>``; a bad value stops the server with a clear message."""
    variable = f"REGISTRY_WEB_{name}"
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{variable} must be a whole number, not {raw!r}") from None
    if not least <= value <= most:
        raise SystemExit(f"{variable} must be between {least} and {most}, not {value}")
    return value


worker_class = "gthread"
workers = _setting("WORKERS", 2)
# Requests waiting on the database release the GIL; threads beyond a few per core mostly queue for it.
threads = _setting("THREADS", 8)
# A request taking longer than this is stuck: the worker is replaced.
timeout = _setting("TIMEOUT", 30, most=3600)
# Seconds an idle kept-alive connection is held (it costs a file descriptor, not a thread).
keepalive = _setting("KEEPALIVE", 5, most=300)
# Above the app's own limit on the URL (REGISTRY_MAX_URL_CHARS, 4,000), so the app answers 414 in the client's
# format first; gunicorn's default of 4,094 stays as the outer bound.
limit_request_line = 4094


def post_worker_init(worker: Any) -> None:
    """Compile the registry once per worker before it takes requests, so the first check is as fast as the rest."""
    from flask import Flask

    from registry.extensions import db

    app = worker.wsgi
    # Only the registry has a snapshot to warm (the benchmark serves a bare app from this folder too).
    if isinstance(app, Flask) and "registry.db" in app.extensions:
        db.warm(app)
