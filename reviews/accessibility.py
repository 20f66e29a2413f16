"""Requests for a phone call and for documents in another format, and when each is due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select

from reviews.database import db
from reviews.models import AccessibleFormatRequest, CallbackRequest, ReviewRequest
from reviews.rules import add_working_days
from reviews.transactions import commit_once

# Our promise on the confirmation page: we call within 2 working days. The published promise
# for accessible formats is a reply within 5 working days.
CALLBACK_WORKING_DAYS = 2
FORMAT_REPLY_WORKING_DAYS = 5

FORMATS = {
    "large-print": "Large print",
    "easy-read": "Easy read",
    "braille": "Braille",
    "audio": "Audio",
    "bsl": "British Sign Language (BSL) video",
    "language": "Another language",
}

# A request that a form makes once, found again by the form's one-off key.
Requested = TypeVar("Requested", CallbackRequest, AccessibleFormatRequest)


def callback_due(asked_on: date) -> date:
    return add_working_days(asked_on, CALLBACK_WORKING_DAYS)


def format_reply_due(asked_on: date) -> date:
    return add_working_days(asked_on, FORMAT_REPLY_WORKING_DAYS)


def request_callback(asked_on: date, **details: Any) -> CallbackRequest:
    """Queue a call for staff, in the caller's transaction."""
    callback = CallbackRequest(due_on=callback_due(asked_on), **details)
    db.session.add(callback)
    return callback


def request_callback_for(
    review_request: ReviewRequest, asked_on: date, phone: str | None
) -> CallbackRequest:
    """Queue the phone call a review request asks for, with what the request says about when
    to call and what is safe, in the caller's transaction."""
    return request_callback(
        asked_on,
        review_request_id=review_request.id,
        source="review-request",
        name=review_request.requester_name,
        phone=phone,
        best_times=review_request.callback_times,
        safe_to_leave_message=review_request.safe_to_leave_message,
        safe_to_say_who_is_calling=review_request.safe_to_say_who_is_calling,
        reference_given=review_request.reference,
    )


def _linked_request_id(reference_given: str | None) -> int | None:
    """The review request a reference given on these forms names, so that staff see the need
    on that request. Nobody proved they own it: staff check the name before acting on it."""
    if not reference_given:
        return None
    return db.session.scalar(
        select(ReviewRequest.id).where(ReviewRequest.reference == reference_given)
    )


def _once(model: type[Requested], submission_key: str, write: Callable[[], Requested]) -> Requested:
    return commit_once(
        write,
        lambda: db.session.scalar(select(model).where(model.submission_key == submission_key)),
    )


def send_callback_request(asked_on: date, submission_key: str, **details: Any) -> CallbackRequest:
    """Save a callback asked for on the accessibility pages, once per form, and commit."""
    return _once(
        CallbackRequest,
        submission_key,
        lambda: request_callback(
            asked_on,
            submission_key=submission_key,
            source="accessibility",
            review_request_id=_linked_request_id(details.get("reference_given")),
            **details,
        ),
    )


def send_format_request(
    asked_on: date, submission_key: str, **details: Any
) -> AccessibleFormatRequest:
    """Save an accessible-format request, once per form, and commit."""

    def write() -> AccessibleFormatRequest:
        format_request = AccessibleFormatRequest(
            due_on=format_reply_due(asked_on),
            submission_key=submission_key,
            review_request_id=_linked_request_id(details.get("reference_given")),
            **details,
        )
        db.session.add(format_request)
        return format_request

    return _once(AccessibleFormatRequest, submission_key, write)
