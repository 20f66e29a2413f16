"""Every log line is one JSON object: time, level, logger, event, then the line's own fields.

The web process, the worker, CLI commands and gunicorn's own logs (web/gunicorn_conf.py) all
write through `JsonFormatter`. Inside a request every line carries the request's id, whoever
logs it. A traceback is written as the frames it passed through and the exception's type, never
the exception's message: that may hold what a person typed.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
import uuid
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TextIO

from flask import g, has_request_context, request
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

from web.config import ConfigError

# An upstream proxy's request id is reused only if it looks like an id, never arbitrary text.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# Loggers that would write what a person sent: SQLAlchemy's statements and their parameters (at
# INFO, as soon as the root logger is at INFO), and the development server's raw request lines
# (query strings, save-and-return tokens). The service's own request line replaces the latter.
# And libraries that narrate their work at INFO: WeasyPrint's steps, fontTools' font subsetting.
QUIET_LOGGERS = ("sqlalchemy", "werkzeug", "weasyprint.progress", "fontTools")

_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def request_id() -> str:
    """The current request's id, made on first use: an upstream proxy's if it looks like one."""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    return str(g.request_id)


class RequestIdFilter(logging.Filter):
    """Adds the request id to every line logged while a request is being handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = request_id()
        return True


class RateLimitKeyFilter(logging.Filter):
    """Flask-Limiter names the key of a limit it refuses: a tracking reference, an address, a
    staff email. Keep the limit and the endpoint, withhold the key."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            isinstance(record.msg, str)
            and "exceeded" in record.msg
            and isinstance(record.args, tuple)
            and len(record.args) == 3
        ):
            limit, _key, endpoint = record.args
            record.args = (limit, "withheld", endpoint)
        return True


class JsonFormatter(_LibraryJsonFormatter):
    """python-json-logger's formatter, with the service's field names and order."""

    def __init__(self) -> None:
        # taskName: Python 3.12 and later add it to every record; it is always empty here.
        super().__init__(reserved_attrs=[*RESERVED_ATTRS, "taskName"])

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data.pop("message", None)  # The library's name for it; here it is the event.
        first = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.message,
        }
        rest = {key: value for key, value in log_data.items() if key not in first}
        log_data.clear()
        log_data.update(first | rest)

    def formatException(self, ei: _ExcInfo) -> str:
        exception_type, exception, trace = ei
        frames = "".join(
            f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
            for frame in traceback.extract_tb(trace)
        )
        if isinstance(exception, ConfigError):  # Written by us, about settings: the fix.
            return frames + f"ConfigError: {exception}"
        name = exception_type.__name__ if exception_type else "Exception"
        return frames + f"{name} (message not logged)"


class _CurrentStderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is when a line is logged, like logging's last resort: a
    redirected or captured stderr (pytest's capsys) gets the lines too."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """Ignored: the stream is always the current sys.stderr."""


def json_handler() -> logging.Handler:
    handler = _CurrentStderrHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(level: str = "INFO") -> None:
    """Send every logger's lines, as JSON, to standard error. Safe to call again: the app
    factory calls it each time it builds an app."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _CurrentStderrHandler):
            root.removeHandler(handler)
    root.addHandler(json_handler())
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    limiter_logger = logging.getLogger("flask-limiter")
    if not any(isinstance(found, RateLimitKeyFilter) for found in limiter_logger.filters):
        limiter_logger.addFilter(RateLimitKeyFilter())
