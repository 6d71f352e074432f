"""Flask extensions, created once and bound to the app in `create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from kern.db import db

__all__ = ["csrf", "db", "limiter", "login_manager", "migrate"]

csrf = CSRFProtect()
migrate = Migrate()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Meld u aan om deze pagina te zien."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

# Only the routes that ask for it are limited (the login form). The counters live in Redis when
# REDIS_URL is set, so that every worker sees the same ones; otherwise in this process.
limiter = Limiter(key_func=get_remote_address)
