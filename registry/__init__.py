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
    app.config.from_mapping(settings())
    if config:
        app.config.from_mapping(config)
    database_file = sqlite_file(app.config["DATABASE_URL"])
    if database_file is not None:
        database_file.parent.mkdir(parents=True, exist_ok=True)

    from registry import api, cli, errors, web
    from registry.extensions import api as smorest
    from registry.extensions import db

    db.init_app(app)
    smorest.init_app(app)
    api.register(smorest)
    web.init_app(app)
    # After smorest.init_app: its JSON handler for every HTTPException must not answer HTML pages.
    errors.init_app(app)
    app.cli.add_command(cli.registry_cli)
    return app
