"""The verify page: upload a PDF, see whether this registry signed it and whether that revision is still in force."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from registry.access import signed_in
from registry.api.documents import verify_upload

bp = Blueprint("verify", __name__)


class VerifyForm(FlaskForm):  # type: ignore[misc]
    """The PDF to check."""

    pdf = FileField("Upload the agreement PDF", validators=[FileRequired("Choose the PDF file to check")])


@bp.route("/verify", methods=["GET", "POST"])
@signed_in
def verify() -> ResponseReturnValue:
    """Check an agreement PDF: signature, agreement and revision, whether it is in force, and who signed off."""
    form = VerifyForm()
    report = None
    status = 200
    if form.validate_on_submit():
        report = verify_upload(form.pdf.data.read())
    elif form.is_submitted():
        status = 400 if form.errors.get("csrf_token") else 422
    return render_template("verify.html", form=form, report=report), status
