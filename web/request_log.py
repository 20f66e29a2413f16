"""One structured log line per request, with nothing a person typed in it.

The line names the route the request matched (`/request/<slug>`, `/request/resume/<token>`),
never the path as sent, so a save-and-return token or a query string never reaches the log. A
request that matched no route (404, 405) is logged by its path without the query, with any part
that is not a plain lower-case word (a mistyped link's token, say) replaced by `<redacted>`.

Every line logged while the request is handled carries its id (web.logs): the hook that sets it
runs before any other, so a request refused by the CSRF check or the rate limiter has one too.
"""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, Response, g, request

from web.logs import request_id

logger = logging.getLogger("reviews.request")

# What the WSGI server may read back from the environ for its own access line (gunicorn_conf).
ENVIRON_ROUTE = "reviews.route"
ENVIRON_REQUEST_ID = "reviews.request_id"

# A path segment logged as it is: a lower-case word such as a page's slug or a number.
_PLAIN_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")


def _start_timer() -> None:
    g.request_started = time.perf_counter()
    request.environ[ENVIRON_REQUEST_ID] = request_id()


def loggable_route() -> str:
    if request.url_rule is not None:
        return request.url_rule.rule
    return "/".join(
        segment if segment == "" or _PLAIN_SEGMENT.match(segment) else "<redacted>"
        for segment in request.path.split("/")
    )


def _log_request(response: Response) -> Response:
    started = g.get("request_started", time.perf_counter())
    route = loggable_route()
    response.headers["X-Request-Id"] = request_id()
    request.environ[ENVIRON_ROUTE] = route
    logger.info(
        "request",
        extra={
            "method": request.method,
            "route": route,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "request_id": request_id(),
        },
    )
    return response


def init_request_log(app: Flask) -> None:
    """Call before anything else registers a before-request hook; the timer goes first anyway."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_log_request)
