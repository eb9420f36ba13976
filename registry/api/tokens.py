"""``/api/v1/tokens``: your personal API tokens. A new token is shown once, in the response that creates it."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from registry.access import require_account, signed_in
from registry.api.blueprint import Blueprint
from registry.extensions import db
from registry.services.accounts import TokenInfo, create_token, list_tokens, revoke_token

blp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens", description="Personal API tokens")


class TokenSchema(Schema):
    """A token as listed: its first characters, never the token."""

    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    """A token just created: ``token`` is shown this once and cannot be recovered."""

    token = fields.String()


class TokenRequestSchema(Schema):
    """What the new token is for."""

    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


@blp.route("")
class Tokens(MethodView):
    """Your tokens."""

    @signed_in
    @blp.response(200, TokenSchema(many=True))  # type: ignore[untyped-decorator]
    def get(self) -> list[TokenInfo]:
        """List your tokens, revoked ones included."""
        return list_tokens(session=db.session, user_id=require_account().id)

    @signed_in
    @blp.arguments(TokenRequestSchema)  # type: ignore[untyped-decorator]
    @blp.response(201, NewTokenSchema)  # type: ignore[untyped-decorator]
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a token for yourself; copy ``token`` from the response, it is not shown again."""
        account = require_account()
        info, token = create_token(session=db.session, user_id=account.id, name=body["name"], actor=account.actor)
        return {**info.__dict__, "token": token}


@blp.route("/<int(max=2147483647):token_id>")
class TokenById(MethodView):
    """One token."""

    @signed_in
    @blp.response(200, TokenSchema)  # type: ignore[untyped-decorator]
    def delete(self, token_id: int) -> TokenInfo:
        """Revoke a token (yours; an admin may revoke anyone's). It stops working at once, on every instance."""
        return revoke_token(session=db.session, token_id=token_id, account=require_account())
