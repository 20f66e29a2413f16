"""The audit log: who did what, to which request, when and from where. Append-only: rows are
only ever added (the database refuses updates and deletes, see migration 0004), except that
retention deletes events past their period and empties personal details (migration 0015).

"From where" is the origin of the current web request (the client's IP address). The domain
knows nothing of requests: the web package puts the address in `current_origin` for the length
of each request (web.audit_origin), and outside a request it is None."""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import Any

from reviews.database import db
from reviews.models import AuditEvent, ReviewRequest, StaffUser

current_origin: ContextVar[str | None] = ContextVar("audit_origin", default=None)
"""Where the action comes from (an IP address), or None: a command, a job, a test."""


def set_origin(origin: str | None) -> Token[str | None]:
    """Record events from now on as coming from `origin`. Give the token to `reset_origin`
    when the request is over, so that the next one on this thread does not inherit it."""
    return current_origin.set(origin)


def reset_origin(token: Token[str | None]) -> None:
    """Put the origin back as it was before `set_origin` returned `token`."""
    current_origin.reset(token)


def record_audit(
    action: str,
    *,
    staff_user: StaffUser | None = None,
    review_request: ReviewRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction."""
    event = AuditEvent(
        action=action,
        staff_user_id=staff_user.id if staff_user is not None else None,
        review_request_id=review_request.id if review_request is not None else None,
        detail=detail or {},
        ip_address=current_origin.get(),
    )
    db.session.add(event)
    return event
