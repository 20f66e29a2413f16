"""The cookie side of server-kept sessions (reviews.sessions): the signed cookie carries one
random id per kind of session (`staff_session`, `tracker_session`) and nothing about the person
or their request; this module puts it there, finds its record once per request, and takes it out.

Flask's signed cookie is readable by whoever holds it (signed, not encrypted), so what a session
is about (which request, which party, which account as it was) lives in the record."""

from __future__ import annotations

from flask import request, session

from reviews.database import db
from reviews.models import ReviewRequest, ServerSession, StaffUser
from reviews.sessions import (
    LIFETIMES,
    end_session,
    find_session,
    idle_seconds_left,
    open_session,
    seen,
)

COOKIE_KEYS = {"staff": "staff_session", "tracker": "tracker_session"}


def _found() -> dict[str, ServerSession | None]:
    """The records found in this request, kept on the request itself: `g` belongs to the app
    context, which a request made inside another (a test, a CLI command) would share."""
    found: dict[str, ServerSession | None] = request.environ.setdefault(
        "reviews.server_sessions", {}
    )
    return found


def begin(
    kind: str,
    *,
    staff_user: StaffUser | None = None,
    review_request: ReviewRequest | None = None,
    party: str | None = None,
) -> ServerSession:
    """A new session of `kind`, its id in the cookie. The caller commits."""
    token, record = open_session(
        kind, staff_user=staff_user, review_request=review_request, party=party
    )
    session[COOKIE_KEYS[kind]] = token
    _found()[kind] = record
    return record


def current(kind: str) -> ServerSession | None:
    """This request's session of `kind`, ended or not, looked up once per request."""
    found = _found()
    if kind not in found:
        token = session.get(COOKIE_KEYS[kind])
        found[kind] = find_session(token, kind) if token is not None else None
    return found[kind]


def note_use(record: ServerSession) -> None:
    """Note that this request used the session (reviews.sessions.seen: a page view at most once
    a minute, a form sent always), committed when that changed the record."""
    if seen(record, exactly=request.method not in ("GET", "HEAD")):
        db.session.commit()


def idle_seconds(kind: str) -> int:
    """Seconds until this browser's session of `kind` ends if nothing more is done in it. For
    the page that shows the time-out warning: an error page, drawn when the database has
    failed, must not read the session's record."""
    record = current(kind)
    return idle_seconds_left(record) if record else int(LIFETIMES[kind].idle.total_seconds())


def has_cookie(kind: str) -> bool:
    return COOKIE_KEYS[kind] in session


def finish(kind: str, reason: str) -> None:
    """End this request's session of `kind` on the server and take its id out of the cookie.
    The caller commits."""
    record = current(kind)
    if record is not None:
        end_session(record, reason)
    session.pop(COOKIE_KEYS[kind], None)
    _found()[kind] = None
