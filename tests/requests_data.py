"""A review request as the journey saves it, for tests that start from a sent request."""

from __future__ import annotations

from datetime import timedelta

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest
from reviews.references import new_reference
from reviews.rules import acknowledgement_due
from reviews.workflow import Status, record_status

TODAY = clock.today()


def make_request(**overrides) -> ReviewRequest:
    """A request as the journey would save it: a complainant, by email, in time."""
    fields = {
        "reference": new_reference(),
        "status": Status.RECEIVED,
        "acknowledgement_due": acknowledgement_due(TODAY),
        "made_on_or_after_scheme_start": "yes",
        "review_body_named": "mopac",
        "letter_date": TODAY - timedelta(days=5),
        "requester_role": "complainant",
        "requester_name": "Sam Example",
        "requester_email": "Sam@example.com",
        "preferred_contact": "email",
        "complainant_name": "Sam Example",
        "updates_to": "requester",
        "consent": "not-needed",
        "mps_reference": "CO/01234/25",
        "complaint_summary": "Officers were rude during a stop.",
        "why_unhappy": "The Met ignored the body-worn video.",
    }
    fields.update(overrides)
    review_request = ReviewRequest(**fields)
    db.session.add(review_request)
    record_status(review_request, Status.RECEIVED)
    db.session.commit()
    return review_request
