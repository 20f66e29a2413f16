"""Legal holds and erasure on request: the two ways staff step into the retention schedule
(reviews.retention), each audited.

A legal hold (a claim, a complaint to the Information Commissioner) keeps a request, however
old, until it is lifted. Erasure on request (UK GDPR Article 17, where the law allows it) makes
the request a stub now, the way retention does when its period ends; a held request cannot be
erased until the hold is lifted.
"""

from __future__ import annotations

from collections import Counter

from reviews import clock
from reviews.audit import record_audit
from reviews.models import ReviewRequest, StaffUser
from reviews.retention import anonymise, audit_permit


class RetentionRefused(Exception):
    """Why a request cannot be erased now, for staff."""


def place_legal_hold(review_request: ReviewRequest, staff_user: StaffUser, reason: str) -> None:
    """Keep the request, whatever the schedule, until the hold is lifted."""
    review_request.legal_hold_reason = reason
    review_request.legal_hold_by_id = staff_user.id
    review_request.legal_hold_at = clock.now()
    record_audit(
        "placed-legal-hold",
        staff_user=staff_user,
        review_request=review_request,
        detail={"reason": reason},
    )


def lift_legal_hold(review_request: ReviewRequest, staff_user: StaffUser, reason: str) -> None:
    """The request follows the schedule again: due already, it goes at the next run."""
    review_request.legal_hold_reason = None
    review_request.legal_hold_by_id = None
    review_request.legal_hold_at = None
    record_audit(
        "lifted-legal-hold",
        staff_user=staff_user,
        review_request=review_request,
        detail={"reason": reason},
    )


def erase_refusal(review_request: ReviewRequest) -> str | None:
    """Why the request cannot be erased now, or None."""
    if review_request.legal_hold_at is not None:
        return "This request is on legal hold. Lift the hold before erasing it."
    if review_request.anonymised_at is not None:
        return "This request's personal data has already been deleted."
    return None


def erase_request(
    review_request: ReviewRequest, staff_user: StaffUser, reason: str
) -> Counter[str]:
    """Erasure on request: the retention path, now. The caller commits."""
    refusal = erase_refusal(review_request)
    if refusal:
        raise RetentionRefused(refusal)
    with audit_permit():
        counts = anonymise(review_request)
    record_audit(
        "erased-request",
        staff_user=staff_user,
        review_request=review_request,
        detail={"reason": reason, "counts": dict(sorted(counts.items()))},
    )
    return counts
