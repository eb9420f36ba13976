"""``/api/v1/users``: who may sign in, with which role, for which organisation (admins only)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from registry.access import require_account, roles, signed_in
from registry.api.blueprint import Blueprint
from registry.extensions import db
from registry.services.accounts import Account, Role, create_user, get_user, list_users, update_user

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="User accounts (admins)")
_ROLE = validate.OneOf([r.value for r in Role])


class UserSchema(Schema):
    """A user: never the password or its hash."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.Function(lambda account: account.role.value)
    organisation_id = fields.String(allow_none=True)
    active = fields.Boolean()


class NewUserSchema(Schema):
    """A user to create."""

    class Meta:
        unknown = RAISE

    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(required=True, validate=_ROLE)
    organisation_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=12, max=1000))


class UserChangesSchema(Schema):
    """What to change about a user; absent fields stay as they are."""

    class Meta:
        unknown = RAISE

    name = fields.String(validate=validate.Length(min=1, max=200))
    role = fields.String(validate=_ROLE)
    organisation_id = fields.String(validate=validate.Length(min=1, max=80))
    active = fields.Boolean()
    password = fields.String(load_only=True, validate=validate.Length(min=12, max=1000))


@blp.route("")
class Users(MethodView):
    """The collection of users."""

    @roles(Role.ADMIN)
    @blp.response(200, UserSchema(many=True))  # type: ignore[untyped-decorator]
    def get(self) -> list[Account]:
        """List every user."""
        return list_users(session=db.session)

    @roles(Role.ADMIN)
    @blp.arguments(NewUserSchema)  # type: ignore[untyped-decorator]
    @blp.response(201, UserSchema)  # type: ignore[untyped-decorator]
    def post(self, body: dict[str, Any]) -> Account:
        """Create a user with a role (and, for organisational roles, an organisation)."""
        return create_user(session=db.session, actor=require_account().actor, **body)


@blp.route("/me")
class Me(MethodView):
    """The signed-in user."""

    @signed_in
    @blp.response(200, UserSchema)  # type: ignore[untyped-decorator]
    def get(self) -> Account:
        """Who am I signed in as?"""
        return require_account()


@blp.route("/<int(max=2147483647):user_id>")
class UserById(MethodView):
    """One user."""

    @roles(Role.ADMIN)
    @blp.response(200, UserSchema)  # type: ignore[untyped-decorator]
    def get(self, user_id: int) -> Account:
        """Get a user."""
        return get_user(session=db.session, user_id=user_id)

    @roles(Role.ADMIN)
    @blp.arguments(UserChangesSchema)  # type: ignore[untyped-decorator]
    @blp.response(200, UserSchema)  # type: ignore[untyped-decorator]
    def patch(self, changes: dict[str, Any], user_id: int) -> Account:
        """Change a user's name, role, organisation or password, or deactivate them (their tokens stop working)."""
        return update_user(session=db.session, user_id=user_id, actor=require_account().actor, **changes)
