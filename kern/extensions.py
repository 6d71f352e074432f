"""Flask extensions, created once and bound to the app in `create_app`."""

from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from kern.db import db

__all__ = ["compress", "csrf", "db", "login_manager", "migrate"]

compress = Compress()
csrf = CSRFProtect()
migrate = Migrate()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Meld u aan om deze pagina te zien."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"
