"""The tracker tells the whole story: what the person did, beside what MOPAC did, each with its
date; the decision's internal checking once; and the dates to expect what comes next."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape

from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest, TimelineEntry
from reviews.promises import PROMISES
from reviews.references import format_reference
from reviews.rules import add_working_days, format_date
from reviews.workflow import Status
from tests.forms import csrf_token, post_form
from tests.journey import look_up
from tests.journey_data import pdf_bytes
from tests.requests_data import TODAY, make_request
from tests.workflow_steps import decide, do, make_people, staff_request, walk_to


def tracker(app, status: Status = Status.RECEIVED, later: int = 0, **fields):
    """A client that looked up a new request (made by make_request) `later` days after it was
    sent, and the request's id."""
    with app.app_context():
        review_request = make_request(status, **fields)
        reference, request_id = format_reference(review_request.reference), review_request.id
    clock.advance(timedelta(days=later))
    client = app.test_client()
    assert look_up(client, reference, "Example").status_code == 302
    return client, request_id


def timeline_text(client) -> str:
    """The 'What has happened so far' list, as plain text."""
    page = client.get("/track/your-request").text
    section = page.split("What has happened so far", 1)[1].split("</ol>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", section)).split())


def test_what_the_person_did_is_on_the_timeline_with_its_date(app):
    client, request_id = tracker(app, later=1)
    post_form(client, "/track/send-information", {"body": "A witness saw it."})
    client.post(
        "/track/upload",
        data={
            "csrf_token": csrf_token(client, "/track/upload"),
            "kind": "supporting",
            "files": [(io.BytesIO(pdf_bytes()), "witness.pdf")],
        },
        content_type="multipart/form-data",
    )
    post_form(
        client,
        "/track/contact-details",
        {"preferred_contact": "email", "email": "sam.new@example.com"},
    )
    post_form(
        client,
        "/track/help",
        {"adjustments": ["callback"], "callback_phone": "020 7946 0000"},
    )
    post_form(client, "/track/withdraw", {"reason": ""})
    text = timeline_text(client)
    tomorrow = format_date(TODAY + timedelta(days=1))
    for said in (
        "You sent us a message",
        f"You sent us a document {format_date(TODAY + timedelta(days=1))} witness.pdf",
        "You changed your contact details",
        "You changed the help you need",
        "You asked for a phone call",
        "You withdrew your request",
    ):
        assert said in text, said
    # Each with the day it happened, next to what MOPAC did (the request arriving).
    assert text.count(tomorrow) == 6
    assert "Received" in text and format_date(TODAY) in text
    with app.app_context():
        entries = db.session.scalars(
            select(TimelineEntry).where(TimelineEntry.review_request_id == request_id)
        ).all()
        assert [entry.actor for entry in entries] == [None] + ["requester"] * 6


def test_a_decision_checked_in_several_rounds_shows_once(app, accounts):
    with staff_request(app):
        people = make_people(accounts)
        review_request = make_request()
        walk_to(review_request, people, Status.UNDER_REVIEW)
        for _ in range(3):
            do(
                review_request,
                "record_decision",
                people.caseworker,
                outcome_reasonable=True,
                decision_reasons="First go.",
            )
            do(review_request, "return_for_changes", people.team_leader, reason="Say more.")
        decide(review_request, people, True)
        reference = format_reference(review_request.reference)
    client = app.test_client()
    look_up(client, reference, "Example")
    text = timeline_text(client)
    assert text.count("A team leader is checking it") == 1
    # Allocated, started, checked: not once a round.
    assert text.count("Being reviewed") == 3
    assert "Decision sent" in text


def test_the_tracker_gives_the_dates_to_expect(app):
    client, request_id = tracker(app, adjustments=["callback"], requester_phone="020 7946 0000")
    post_form(
        client,
        "/track/help",
        {"adjustments": ["callback"], "callback_phone": "020 7946 0000"},
    )
    # Asking again for what is already asked for queues no second call.
    post_form(
        client,
        "/track/help",
        {"adjustments": ["callback", "large-print"], "callback_phone": "020 7946 0000"},
    )
    page = unescape(client.get("/track/your-request").text)
    section = page.split("Dates to expect", 1)[1].split("</dl>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    acknowledge_by = add_working_days(TODAY, PROMISES.acknowledgement.value)
    decide_by = add_working_days(TODAY, PROMISES.decision.value)
    assert f"By {format_date(acknowledge_by)}" in text
    assert f"{PROMISES.acknowledgement} after we got your request" in text
    assert f"By {format_date(decide_by)}" in text
    assert f"{PROMISES.decision} after we got your request" in text
    assert PROMISES.decision.value == 28 and PROMISES.decision.source.startswith("review-rules.md")
    assert "The phone call you asked for" not in text  # asked for with the request: none queued
    with app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        review_request.acknowledged_on = TODAY
        review_request.status = Status.ACKNOWLEDGED
        db.session.commit()
    text = " ".join(
        re.sub(r"<[^>]+>", " ", unescape(client.get("/track/your-request").text)).split()
    )
    assert f"Done on {format_date(TODAY)}" in text


def test_a_call_asked_for_on_the_tracker_has_its_date(app):
    client, _ = tracker(app)
    post_form(
        client,
        "/track/help",
        {"adjustments": ["callback"], "callback_phone": "020 7946 0000"},
    )
    text = " ".join(
        re.sub(r"<[^>]+>", " ", unescape(client.get("/track/your-request").text)).split()
    )
    call_by = add_working_days(TODAY, PROMISES.callback.value)
    assert f"The phone call you asked for By {format_date(call_by)}" in text
    assert f"{PROMISES.callback} after you asked" in text


def test_a_finished_request_promises_nothing_more(app):
    client, _ = tracker(app, Status.WITHDRAWN)
    page = client.get("/track/your-request").text
    assert "Our decision" not in page
