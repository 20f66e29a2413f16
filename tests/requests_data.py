"""Review requests for tests that start from a sent request: the one way to build a request at
any status, either set directly (`make_request(status=...)`) or reached through the real
workflow actions (`request_through`, with `main_path`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask

from reviews import clock
from reviews.database import db
from reviews.models import Document, OutboxMessage, ReviewRequest, StaffUser
from reviews.references import new_reference
from reviews.rules import acknowledgement_due
from reviews.workflow import Status, perform, record_status

TODAY = clock.today()

# The main path of a valid, in-time request, from receipt to the start of the review.
MAIN_PATH = (
    "acknowledge",
    "decide_valid",
    "notify_parties",
    "request_mps_info",
    "mps_info_received",
    "allocate",
    "start_review",
)


def make_request(status: Status = Status.RECEIVED, **overrides) -> ReviewRequest:
    """A request as the journey would save it (a complainant, by email, in time), with
    `overrides`; at `status` if given, with a timeline entry for it after the one for receipt.
    Call it in an app context."""
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
    if status != Status.RECEIVED:
        record_status(review_request, status)
    db.session.commit()
    return review_request


def main_path(through: str, *, by, leader, owner=None) -> list[tuple[str, object, dict]]:
    """The steps (action, who, details) of the main path up to and including `through`: done
    by `by`, allocated by `leader` to `owner` (`by` unless given). People are staff accounts or
    users: anything with an `id`."""
    owner = owner or by
    details = {
        "request_mps_info": {"due_on": TODAY + timedelta(days=20)},
        "allocate": {"owner": str(owner.id)},
    }
    names = MAIN_PATH[: MAIN_PATH.index(through) + 1]
    return [(name, leader if name == "allocate" else by, details.get(name, {})) for name in names]


def request_through(app: Flask, *steps: tuple[str, object, dict], **fields) -> int:
    """A request made by `make_request(**fields)`, then taken through `steps` (action, who,
    details) by the workflow itself, one transaction per action as the pages do: its id."""
    with app.test_request_context():
        review_request = make_request(**fields)
        for name, account, details in steps:
            user = db.session.get(StaffUser, account.id)
            perform(review_request, name, user, TODAY, **details)
            db.session.commit()
        return review_request.id


def status_of(app: Flask, request_id: int) -> str:
    with app.app_context():
        return db.session.get(ReviewRequest, request_id).status


@dataclass(frozen=True)
class Saved:
    id: int
    reference: str


def add_request(app: Flask, status: Status = Status.RECEIVED, **fields) -> Saved:
    """A request saved as the journey would, with `fields` changed, at `status`."""
    with app.app_context():
        review_request = make_request(status, **fields)
        return Saved(review_request.id, review_request.reference)


def add_document(app: Flask, review_request: Saved) -> int:
    content = b"%PDF-1.4 not really a letter"
    with app.app_context():
        document = Document(
            review_request_id=review_request.id,
            kind="outcome-letter",
            filename="outcome-letter.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
        )
        db.session.add(document)
        db.session.commit()
        return document.id


def bounced_email(request_id: int, key) -> OutboxMessage:
    """An email about the request that the outbox could not deliver (for the session to add)."""
    return OutboxMessage(
        event_key=f"bounce:{key}",
        review_request_id=request_id,
        template="request_received",
        recipient="sam@example.com",
        status="failed",
    )
