"""The pages: thin views over the services, rendered with GOV.UK Frontend markup."""

from __future__ import annotations

from flask import Flask

from registry.web import account, auth, display, verify, views


def init_app(app: Flask) -> None:
    """Register the pages and the template helpers."""
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(verify.bp)
    app.jinja_env.globals["sign_out_form"] = auth.sign_out_form
    app.jinja_env.filters.update(display.FILTERS)
    app.jinja_env.globals.update(display.GLOBALS)
