"""Flask extensions, created unbound so that create_app can bind them to each app."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

migrate = Migrate()
csrf = CSRFProtect()
# The default limit is read per request, so that every app in a process (tests make many) keeps
# its own configured value rather than the first app's.
limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[lambda: current_app.config["RATELIMIT_DEFAULT"]],
)
