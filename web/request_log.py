"""One structured log line per request, with nothing a person typed in it.

The path is logged without its query string, and no URL in this service carries personal data,
so the line is safe to ship to any log store. A path holding a secret (a save-and-return link's
token) is logged as its route, so the log never holds a working link.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

logger = logging.getLogger("reviews.request")

# An upstream proxy's request id is reused only if it looks like an id, never arbitrary text.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _start_timer() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _loggable_path() -> str:
    if request.url_rule is not None and "token" in (request.view_args or {}):
        return request.url_rule.rule
    return request.path


def _log_request(response: Response) -> Response:
    started = g.get("request_started", time.perf_counter())
    request_id = g.get("request_id", "-")
    response.headers["X-Request-Id"] = request_id
    logger.info(
        json.dumps(
            {
                "event": "request",
                "method": request.method,
                "path": _loggable_path(),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "request_id": request_id,
            }
        )
    )
    return response


def init_request_log(app: Flask) -> None:
    if not logger.handlers and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    logger.setLevel(logging.INFO)
    app.before_request(_start_timer)
    app.after_request(_log_request)
