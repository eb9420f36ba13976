"""Extensions created unbound here and attached to each app with ``init_app``."""

from __future__ import annotations

from flask_smorest import Api
from flask_wtf import CSRFProtect

from registry.db import Database

api = Api()
db = Database()
csrf = CSRFProtect()
