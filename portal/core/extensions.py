"""Extensions created here without an app and bound in `create_app` (no app object at import time)."""

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from portal.core.database import Database

db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
