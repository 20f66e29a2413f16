"""Failure pages: plain words and a next step, in the service's layout, never a stack trace."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from types import TracebackType

from flask import Flask, Response, current_app, g, make_response, render_template
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError, PendingRollbackError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    ServiceUnavailable,
)

from reviews.database import db
from web.security import add_security_headers

logger = logging.getLogger("web.errors")

# What the 503 page asks clients (and crawlers) to wait before trying again.
RETRY_AFTER_SECONDS = 30


@dataclass(frozen=True)
class ErrorPage:
    heading: str
    paragraphs: tuple[str, ...]


ERROR_PAGES: dict[int, ErrorPage] = {
    400: ErrorPage(
        "Sorry, there is a problem with that request",
        ("Go back and try again.",),
    ),
    403: ErrorPage(
        "You cannot see this page",
        ("If you think you should be able to see it, contact us.",),
    ),
    404: ErrorPage(
        "Page not found",
        (
            "If you typed the web address, check it is correct.",
            "If you pasted the web address, check you copied the entire address.",
        ),
    ),
    405: ErrorPage(
        "Sorry, that did not work",
        ("This page cannot be used in that way. Go back and try again.",),
    ),
    413: ErrorPage(
        "The file you chose is too big",
        ("Each file must be smaller than the limit shown on the page. Go back and try again.",),
    ),
    429: ErrorPage(
        "Too many attempts",
        ("You have tried too many times in a short time. Wait a few minutes and try again.",),
    ),
    500: ErrorPage(
        "Sorry, there is a problem with the service",
        (
            "Try again later.",
            "If you were sending us something, we have kept what you saved so far.",
        ),
    ),
    503: ErrorPage(
        "Sorry, the service is unavailable",
        ("You will be able to use the service later. Try again in a few minutes.",),
    ),
}

SESSION_EXPIRED = ErrorPage(
    "Your page timed out",
    (
        "To keep your information safe, forms stop working after a while.",
        "Go back, reload the page and try again.",
    ),
)


def render_error(status: int, page: ErrorPage | None = None) -> Response:
    """The failure page, drawn without touching the database: the session is rolled back first
    (a failed flush leaves it unusable), and the page is drawn as for someone not signed in
    (the signed-in user's attributes expire with the rollback, and reading them would query a
    database that may be the failure). Should drawing it fail all the same, a plain page in
    the same words is sent. Either way with the security headers, even if a later hook fails."""
    page = page or ERROR_PAGES[status]
    _roll_back_quietly()
    _as_signed_out_for_this_page()
    try:
        body = render_template("errors/error.html", page=page, status=status)
    except Exception as error:
        logger.error("error page failed: %s", _where(error))
        body = _plain_page(page)
    response = make_response(body, status)
    return add_security_headers(response)


def _roll_back_quietly() -> None:
    try:
        db.session.rollback()
    except Exception as error:
        logger.error("rollback failed: %s", type(error).__name__)


def _close_session(_error: BaseException | None) -> None:
    """End the request's session before Flask-SQLAlchemy's own teardown does, so that a
    connection the database ended mid-request (its closing rollback fails) cannot turn the page
    already drawn, the 503 page above all, into the server's bare 500."""
    try:
        db.session.remove()
    except (OperationalError, InterfaceError) as error:
        logger.warning("closing the session failed: %s", type(error.orig).__name__)
        db.session.registry.clear()


def _as_signed_out_for_this_page() -> None:
    """Flask-Login keeps the request's user in `g._login_user` and loads it (a query) on first
    use: put an anonymous user there, so that no template or context processor queries."""
    login_manager = getattr(current_app, "login_manager", None)
    if login_manager is not None:
        g._login_user = login_manager.anonymous_user()


def _plain_page(page: ErrorPage) -> str:
    paragraphs = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in page.paragraphs)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(page.heading)}</title></head>"
        f"<body><main><h1>{escape(page.heading)}</h1>{paragraphs}</main></body></html>"
    )


def init_errors(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy (web/__init__.py), so it runs before its teardown.
    app.teardown_appcontext(_close_session)

    @app.errorhandler(CSRFError)
    def session_expired(_error: CSRFError) -> ResponseReturnValue:
        return render_error(400, SESSION_EXPIRED)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        if status not in ERROR_PAGES:
            status = 500 if status >= 500 else 400
        response = render_error(status)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        if isinstance(error, RateLimitExceeded):
            # The limiter's own X-RateLimit-* headers are off (two Redis round trips on every
            # page): the refusal alone says when to come back, at most one window from now.
            response.headers["Retry-After"] = str(error.limit.limit.get_expiry())
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PendingRollbackError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(
        error: OperationalError | InterfaceError | PendingRollbackError | PoolTimeout,
    ) -> ResponseReturnValue:
        """The database refused, dropped or timed out a connection (also when the pool checks
        one out, or when it ended a connection mid-request: the driver's InterfaceError, and
        the session's PendingRollbackError after it), or every pooled connection is busy:
        nothing was committed, so the person can try again. The pool pings each connection
        before use, so the first request after the database is back gets a fresh one: no
        restart. The session is rolled back and closed at
        the end of the request, as always."""
        cause = error.orig if isinstance(error, OperationalError | InterfaceError) else error
        logger.error("database unavailable: %s", type(cause).__name__)
        response = render_error(ServiceUnavailable.code)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(InternalServerError)
    def server_error(_error: InternalServerError) -> ResponseReturnValue:
        return render_error(500)


def log_exception_safely(
    exc_info: tuple[type, BaseException, TracebackType] | tuple[None, None, None],
) -> None:
    """Replaces Flask's exception log, which prints the exception's message and so may print
    what a person typed: keep the type and the code it passed through, not the values."""
    _type, exception, _traceback = exc_info
    # Flask's type allows "no exception" (sys.exc_info() outside an except block), which
    # Flask never passes here: it logs only an exception it is handling.
    assert exception is not None, "Flask logs only an exception it is handling"
    logger.error("unhandled error: %s", _where(exception))


def _where(exception: BaseException) -> str:
    frames = traceback.extract_tb(exception.__traceback__)
    path = " < ".join(f"{frame.name}:{frame.lineno}" for frame in reversed(frames[-6:]))
    return f"{type(exception).__name__} at {path}"
