"""Flask extensions, created unbound so that create_app can bind them to each app."""

import flask_limiter
from flask import Flask, current_app
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, kept working when its storage (Redis) is not.

    With RATELIMIT_IN_MEMORY_FALLBACK_ENABLED, a request that finds the storage unreachable is
    limited by counts kept in this process instead, and the limiter logs one warning ("Rate
    limit storage unreachable") for the outage, not one a request. It tries the storage again
    now and then (backing off) and goes back to it, logging "Rate limit storage recovered".
    RATELIMIT_STORAGE_OPTIONS' short socket timeouts keep a hung Redis from hanging pages.
    """

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        # One limiter serves every app made in the process (tests make many): an app starts
        # with its own storage, not marked unreachable because an earlier app's was.
        self._storage_dead = False

    def reset(self) -> None:
        """Clear the counts: the storage's if it answers, and this process's own."""
        try:
            super().reset()
        except Exception as error:  # the storage is unreachable: it holds nothing to clear
            self.logger.warning("rate limit storage not reset: %s", type(error).__name__)
        fallback = getattr(self, "_fallback_storage", None)
        if fallback is not None:
            fallback.reset()


migrate = Migrate()
csrf = CSRFProtect()
# The default limit is read per request, so that every app in a process (tests make many) keeps
# its own configured value rather than the first app's.
limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[lambda: current_app.config["RATELIMIT_DEFAULT"]],
)
