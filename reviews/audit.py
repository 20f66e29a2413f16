"""The audit log: who did what, to which request, when and from where. Append-only: rows are
only ever added (the database refuses updates and deletes, see migration 0004)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from reviews.database import db
from reviews.models import AuditEvent, ReviewRequest, StaffUser


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
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
