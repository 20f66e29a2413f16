"""gunicorn's settings: `gunicorn --config python:web.gunicorn_conf wsgi:app` (the Procfile).

A module of the package, so that it is there wherever the wheel is installed. The platform sets
PORT, WEB_CONCURRENCY (worker processes) and GUNICORN_THREADS (threads in each). gunicorn's own
lines, its access line included, are JSON like the app's (web.logs).
"""

from __future__ import annotations

import gc
import os
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

from web.logs import JsonFormatter
from web.request_log import ENVIRON_REQUEST_ID, ENVIRON_ROUTE


def _whole_number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = f"0.0.0.0:{_whole_number('PORT', 8000)}"
workers = _whole_number("WEB_CONCURRENCY", 2)
threads = _whole_number("GUNICORN_THREADS", 4)
# A request that takes longer than this is stuck: its worker is restarted. The slowest pages
# (a letter as PDF, a set of uploads) take a few seconds.
timeout = 30
# On SIGTERM (a deploy), requests in flight get this long to finish.
graceful_timeout = 30
# Seconds an idle connection from the load balancer is kept open; keep it below the balancer's.
keepalive = 5
accesslog = "-"
errorlog = "-"
# No gunicornc control socket: nothing uses it, and it would be written under $HOME.
control_socket_disable = True


class JsonLogger(Logger):
    """gunicorn's logger with JSON lines. The access line names the route and request id the app
    recorded, never the path as sent (it may carry a save-and-return token) or the query."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        self.access_log.info(
            "access",
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "route": environ.get(ENVIRON_ROUTE, "-"),
                "status": int(status) if str(status).isdigit() else status,
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "request_id": environ.get(ENVIRON_REQUEST_ID, "-"),
            },
        )


logger_class = JsonLogger

# The app is loaded once in the master and forked: the workers share its code and data pages
# (issue 15: worker memory). gc.freeze() moves what is loaded so far out of the collector's
# reach, so that collections in a worker do not write to (and so copy) the shared pages.
preload_app = True


def _service_app(server: Any) -> Any | None:
    """The app gunicorn loaded, if it is the service (the bench's bare app runs under these
    settings too, and has no database)."""
    app = server.app.callable
    return app if "sqlalchemy" in getattr(app, "extensions", {}) else None


def when_ready(server: Any) -> None:
    """Before the first fork: what each worker would otherwise build for itself on its first
    pages (every template compiled, the models' mappings configured) is built once, shared."""
    app = _service_app(server)
    if app is None:
        return
    from sqlalchemy.orm import configure_mappers

    from web.templating import compile_templates

    compile_templates(app)
    configure_mappers()


def pre_fork(_server: Any, _worker: Any) -> None:
    gc.freeze()


def post_fork(server: Any, _worker: Any) -> None:
    # Database connections are per process: one the master opened must not be shared (Redis's
    # client makes its own after a fork by itself).
    from reviews.database import db

    app = _service_app(server)
    if app is None:
        return
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
