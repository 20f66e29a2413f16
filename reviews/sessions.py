"""Sessions kept on the server. A session cookie carries one random id and nothing else that
matters; the database keeps only that id's sha256 with who the session is for, when it started
and when it was last used. So a session can be ended for good (signing out ends it wherever its
cookie was copied to), and its limits are measured by the server, not by the cookie.

The limits (idle: time since the last page; absolute: time since it began, however busy):

- staff: 30 minutes idle, 12 hours absolute (a working day; the time-out warning offers to stay);
- tracker: 30 minutes idle, 2 hours absolute (long enough to read, write and upload, short
  enough that a borrowed or shared computer does not stay open on someone's request).

No Flask here: web.sessions puts the id in the cookie and finds it again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest, ServerSession, StaffUser

STAFF = "staff"
TRACKER = "tracker"

# Why a session ended, as staff.auth's notices name them.
IDLE = "idle"
LIMIT = "limit"
ENDED = "ended"
SIGNED_OUT = "signed-out"


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    absolute: timedelta


LIFETIMES = {
    STAFF: Lifetime(idle=timedelta(minutes=30), absolute=timedelta(hours=12)),
    TRACKER: Lifetime(idle=timedelta(minutes=30), absolute=timedelta(hours=2)),
}

# How stale the last-seen time may be before a page view writes it again (seen).
SEEN_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    kind: str,
    *,
    staff_user: StaffUser | None = None,
    review_request: ReviewRequest | None = None,
    party: str | None = None,
) -> tuple[str, ServerSession]:
    """A new session and the random id for its cookie (256 bits; only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    record = ServerSession(
        token_hash=token_hash(token),
        kind=kind,
        staff_user_id=staff_user.id if staff_user else None,
        session_version=staff_user.session_version if staff_user else None,
        role=staff_user.role if staff_user else None,
        review_request_id=review_request.id if review_request else None,
        party=party,
        created_at=now,
        last_seen_at=now,
    )
    db.session.add(record)
    db.session.flush()
    return token, record


def find_session(token: object, kind: str) -> ServerSession | None:
    """The session a cookie's id stands for, if it is of this kind (ended or not)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return db.session.scalar(
        select(ServerSession).where(
            ServerSession.token_hash == token_hash(token), ServerSession.kind == kind
        )
    )


def expired(record: ServerSession, now: datetime | None = None) -> str | None:
    """Why the session is over by its limits (LIMIT or IDLE), or None while it is not."""
    now = now or clock.now()
    lifetime = LIFETIMES[record.kind]
    if now - record.created_at > lifetime.absolute:
        return LIMIT
    if now - record.last_seen_at > lifetime.idle:
        return IDLE
    return None


def staff_account_changed(record: ServerSession, user: StaffUser | None) -> bool:
    """Whether the account is no longer as it was at sign-in: gone, deactivated, locked, its
    password or two-factor reset (a new session version), or given another role."""
    return (
        user is None
        or user.id != record.staff_user_id
        or not user.active
        or user.locked_at is not None
        or user.session_version != record.session_version
        or user.role != record.role
    )


def seen(record: ServerSession, *, exactly: bool = False) -> bool:
    """Note that the session was used now; whether that changed the record (the caller commits).
    A page only notes it once the last note is SEEN_EVERY old: a commit on every page view cost
    more than the page itself (docs/benchmarks.md). A form sent (`exactly`: an action, "Stay
    signed in") always notes it. Pages count their time-out warning from the note
    (idle_seconds_left), so the warning and the server agree."""
    now = clock.now()
    if not exactly and now - record.last_seen_at < SEEN_EVERY:
        return False
    record.last_seen_at = now
    return True


def idle_seconds_left(record: ServerSession) -> int:
    """Seconds until the session ends if nothing more is done in it."""
    left = LIFETIMES[record.kind].idle - (clock.now() - record.last_seen_at)
    return max(0, int(left.total_seconds()))


def end_session(record: ServerSession, reason: str) -> None:
    if record.ended_at is None:
        record.ended_at = clock.now()
        record.ended_reason = reason


def end_staff_sessions(user: StaffUser, reason: str = ENDED) -> int:
    """End every session of `user` (after a reset, a lock, a deactivation)."""
    result = db.session.execute(
        update(ServerSession)
        .where(ServerSession.staff_user_id == user.id, ServerSession.ended_at.is_(None))
        .values(ended_at=clock.now(), ended_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def purge_sessions(now: datetime | None = None) -> int:
    """Delete sessions that can never be used again: ended, or past every limit. Kept a day
    first, so that a cookie that comes back is told it was signed out rather than nothing."""
    now = now or clock.now()
    kept = timedelta(days=1)
    longest = max(lifetime.absolute for lifetime in LIFETIMES.values())
    result = db.session.execute(
        delete(ServerSession)
        .where(
            or_(
                ServerSession.ended_at < now - kept,
                ServerSession.created_at < now - longest - kept,
            )
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
