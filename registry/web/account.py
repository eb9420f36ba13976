"""Your account: personal API tokens (made here, shown once, revocable) for programs that call the API."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from registry.access import require_account, signed_in
from registry.extensions import db
from registry.services.accounts import create_token, list_tokens, revoke_token

bp = Blueprint("account", __name__, url_prefix="/account")


class NewTokenForm(FlaskForm):  # type: ignore[misc]
    """What the token is for."""

    name = StringField("What will use this token?", validators=[DataRequired("Say what will use it"), Length(max=100)])


class RevokeTokenForm(FlaskForm):  # type: ignore[misc]
    """Which token to revoke."""

    token_id = HiddenField(validators=[DataRequired()])


@bp.route("/tokens", methods=["GET", "POST"])
@signed_in
def tokens() -> ResponseReturnValue:
    """List your tokens; make a new one (its value is shown on this response only)."""
    account = require_account()
    form = NewTokenForm()
    new_token = None
    status = 200
    if form.validate_on_submit():
        _, new_token = create_token(session=db.session, user_id=account.id, name=form.name.data, actor=account.actor)
        form = NewTokenForm(formdata=None)
    elif form.is_submitted():
        status = 422
    listed = list_tokens(session=db.session, user_id=account.id)
    return (
        render_template("tokens.html", form=form, new_token=new_token, tokens=listed, revoke_form=RevokeTokenForm()),
        status,
    )


@bp.post("/tokens/revoke")
@signed_in
def revoke() -> ResponseReturnValue:
    """Revoke one of your tokens."""
    account = require_account()
    form = RevokeTokenForm()
    message = None
    if form.validate_on_submit() and str(form.token_id.data).isdigit():
        revoked = revoke_token(session=db.session, token_id=int(form.token_id.data), account=account)
        message = f"Revoked {revoked.name} ({revoked.prefix}…)."
    listed = list_tokens(session=db.session, user_id=account.id)
    page = render_template(
        "tokens.html",
        form=NewTokenForm(formdata=None),
        new_token=None,
        tokens=listed,
        revoke_form=RevokeTokenForm(),
        message=message,
    )
    return page, 200 if message else 422
