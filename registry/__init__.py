"""The Safeguarding ISA Registry web application (flaskr-style factory)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from registry.config import REPO_ROOT, settings, sqlite_file


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build an application; ``config`` overrides what the environment says (tests pass ``DATABASE_URL``)."""
    app = Flask(
        __name__,
        # Templates sit at the repository top, beside the packages, and only this package reads them.
        template_folder=str(REPO_ROOT / "templates"),
        static_folder="static",
    )
    from registry.jsonio import OrjsonProvider

    app.json = OrjsonProvider(app)
    app.config.from_mapping(settings())
    if config:
        app.config.from_mapping(config)
    database_file = sqlite_file(app.config["DATABASE_URL"])
    if database_file is not None:
        database_file.parent.mkdir(parents=True, exist_ok=True)

    if app.config.get("BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # One proxy (the load balancer) sets X-Forwarded-Proto, so request.is_secure and HSTS follow TLS.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    from registry import access, api, bounds, cli, errors, security, web
    from registry.extensions import api as smorest
    from registry.extensions import csrf, db

    db.init_app(app)
    csrf.init_app(app)
    access.init_app(app)
    bounds.init_app(app)
    security.init_app(app)
    smorest.init_app(app)
    api.register(smorest)
    api.init_app(app)
    web.init_app(app)
    # After smorest.init_app: its JSON handler for every HTTPException must not answer HTML pages.
    errors.init_app(app)
    app.cli.add_command(cli.registry_cli)
    return app
