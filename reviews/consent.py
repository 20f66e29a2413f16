"""A representative's signed permission (rule A3: a representative holds the complainant's
written consent). Until staff have checked it, the representative can follow the request on
the tracker but not act on it (reviews.tracker_changes); staff mark it received here."""

from __future__ import annotations

from reviews import clock
from reviews.audit import record_audit
from reviews.database import db
from reviews.models import ReviewRequest, StaffUser, TimelineEntry

RECEIVED = "received"


class ConsentNotAwaited(Exception):
    """The request is not waiting for signed permission: nothing to mark."""


def consent_awaited(review_request: ReviewRequest) -> bool:
    return review_request.requester_role == "representative" and review_request.consent == "awaited"


def mark_consent_received(review_request: ReviewRequest, staff_user: StaffUser) -> TimelineEntry:
    """Staff have checked the complainant's signed permission: record it, tell both parties on
    the tracker's timeline, and audit it, in the caller's transaction."""
    if not consent_awaited(review_request):
        raise ConsentNotAwaited("This request is not waiting for signed permission.")
    review_request.consent = RECEIVED
    entry = TimelineEntry(
        status=review_request.status,
        happened_at=clock.now(),
        public_note=(
            f"We have checked the signed permission from {review_request.complainant_name}. "
            f"{review_request.requester_name} can now act for them."
        ),
        staff_user_id=staff_user.id,
        event="consent-received",
    )
    review_request.timeline.append(entry)
    db.session.add(entry)
    record_audit("consent-received", staff_user=staff_user, review_request=review_request)
    return entry
