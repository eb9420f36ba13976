"""Signing in and out of the pages (Flask-Login session; Flask-WTF forms carry the CSRF token)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from registry.access import SignedInUser, public, signed_in
from registry.extensions import db
from registry.services.accounts import SignInError, authenticate

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):  # type: ignore[misc]
    """Email and password."""

    email = EmailField("Email address", validators=[DataRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=1000)])


class SignOutForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token: signing out is a POST so another site cannot sign you out."""


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an open redirect to somewhere else.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> ResponseReturnValue:
    """The sign-in page."""
    form = SignInForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            account = authenticate(
                session=db.session,
                email=form.email.data,
                password=form.password.data,
                max_failures=current_app.config["SIGN_IN_MAX_FAILURES"],
                lock_for=timedelta(minutes=current_app.config["SIGN_IN_LOCK_MINUTES"]),
            )
        except SignInError as exc:
            error, status = exc.message, exc.status
        else:
            login_user(SignedInUser(account))
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400 if form.errors.get("csrf_token") else 422
    return render_template("sign_in.html", form=form, error=error), status


@bp.post("/sign-out")
@signed_in
def sign_out() -> ResponseReturnValue:
    """Sign out and go back to the sign-in page."""
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))


def sign_out_form() -> SignOutForm:
    """The header's sign-out button."""
    return SignOutForm()
