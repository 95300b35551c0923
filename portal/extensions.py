"""Extensions created here without an app and bound in `create_app` (no app object at import time)."""

from flask import request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from portal.database import Database


def _client_address() -> str:
    return request.remote_addr or ""


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
# Limits are counted explicitly through `portal.limits` (each at the point its rule applies), so
# no route carries a decorator; a moving window matches the pages' "N in the last hour".
limiter = Limiter(key_func=_client_address, strategy="moving-window")
