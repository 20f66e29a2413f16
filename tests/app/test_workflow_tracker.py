"""Casework on a request sent through the journey, as its requester sees it on the tracker."""

from __future__ import annotations

from sqlalchemy import select

from reviews.database import db
from reviews.models import ReviewRequest
from reviews.references import format_reference
from reviews.tracking import can_withdraw
from reviews.workflow import Status
from tests.forms import csrf_token
from tests.journey import look_up, send_a_review_request
from tests.workflow_steps import (
    do,
    emails,
    make_people,
    reference_of_the_request,
    staff_request,
    walk_to,
)


def test_a_request_sent_through_the_journey_shows_casework_on_the_tracker(app, client, accounts):
    send_a_review_request(client)
    # Staff work in their own request context: the tracker's requests below must not share it.
    with staff_request(app):
        people = make_people(accounts)
        review_request = db.session.scalar(select(ReviewRequest))
        do(review_request, "acknowledge", people.caseworker)
        do(
            review_request,
            "ask_requester",
            people.caseworker,
            information_requested="A copy of your original complaint.",
        )
        reference = format_reference(review_request.reference)
        templates = [m.template for m in emails(review_request)]
    assert templates == ["request_received", "request_acknowledged", "information_needed"]
    tracker = app.test_client()
    look_up(tracker, reference, "Example")
    page = tracker.get("/track/your-request").text
    assert "Waiting for information" in page
    assert "Checking your request" in page
    assert "A copy of your original complaint." in page
    assert "Withdraw your request" in page


def test_public_withdrawal_is_open_while_staff_work_on_the_request(app, client, accounts):
    send_a_review_request(client)
    with staff_request(app):
        people = make_people(accounts)
        review_request = db.session.scalar(select(ReviewRequest))
        walk_to(review_request, people, Status.UNDER_REVIEW)
        assert can_withdraw(review_request)
    tracker = app.test_client()
    look_up(tracker, reference_of_the_request(app), "Example")
    response = tracker.post(
        "/track/withdraw",
        data={"csrf_token": csrf_token(tracker, "/track/withdraw"), "reason": ""},
    )
    assert response.location.endswith("/track/your-request")
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.status == Status.WITHDRAWN
        assert [m.template for m in emails(review_request)][-1] == "request_withdrawn"
