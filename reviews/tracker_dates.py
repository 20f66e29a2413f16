"""The dates a requester can expect things by, each from a promise (reviews.promises) counted
in working days (England and Wales bank holidays), as the tracker shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import CallbackRequest, ReviewRequest
from reviews.promises import PROMISES, Promise
from reviews.rules import add_working_days
from reviews.workflow import FINISHED

AFTER_WE_GOT_IT = "after we got your request"
AFTER_YOU_ASKED = "after you asked"


@dataclass(frozen=True)
class DueDate:
    """Something we promised: what, by when, the promise it comes from and what it is counted
    from; `done_on` once it has happened."""

    what: str
    due_on: date
    promise: Promise
    counted_from: str
    done_on: date | None = None


def decision_due(received: date) -> date:
    """The day we aim to send our decision by (rule 15: within 28 working days)."""
    value = PROMISES.decision.value
    assert value is not None
    return add_working_days(received, value)


def _calls(review_request: ReviewRequest) -> list[DueDate]:
    """The calls the request asked for (reviews.accessibility.request_callback_for)."""
    callbacks = db.session.scalars(
        select(CallbackRequest)
        .where(
            CallbackRequest.review_request_id == review_request.id,
            CallbackRequest.source == "review-request",
            CallbackRequest.due_on.is_not(None),
        )
        .order_by(CallbackRequest.id)
    )
    return [
        DueDate(
            "The phone call you asked for",
            callback.due_on,
            PROMISES.callback,
            AFTER_YOU_ASKED,
            clock.london_date(callback.closed_at) if callback.closed_at else None,
        )
        for callback in callbacks
        if callback.due_on is not None
    ]


def dates_to_expect(review_request: ReviewRequest) -> list[DueDate]:
    """What we promised the request, in the order it comes: telling them we started, any call
    they asked for, our decision. A finished request keeps only what happened."""
    received = clock.london_date(review_request.submitted_at)
    dates = [
        DueDate(
            "We tell you we have started work",
            review_request.acknowledgement_due,
            PROMISES.acknowledgement,
            AFTER_WE_GOT_IT,
            review_request.acknowledged_on,
        ),
        *_calls(review_request),
        DueDate(
            "Our decision",
            decision_due(received),
            PROMISES.decision,
            AFTER_WE_GOT_IT,
            review_request.decision_issued_on,
        ),
    ]
    if review_request.status in FINISHED:
        return [due for due in dates if due.done_on is not None]
    return dates
