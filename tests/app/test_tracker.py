"""The tracker: look-up, the session it opens, and what the requester can change."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reviews import clock
from reviews.database import db
from reviews.journey import ADJUSTMENTS
from reviews.models import (
    CallbackRequest,
    OutboxMessage,
    RequesterMessage,
    ReviewRequest,
    StaffUser,
)
from reviews.references import format_reference, new_reference
from reviews.tracking import NOTHING_NEEDED, needed_from_you
from reviews.workflow import Status, perform
from tests.forms import csrf_token, post_form
from tests.journey import Journey, look_up
from tests.journey_data import complainant_steps, pdf_bytes
from tests.requests_data import make_request


@pytest.fixture
def sent_reference(app, client):
    journey = Journey(client)
    journey.walk(complainant_steps())
    journey.send()
    with app.app_context():
        return format_reference(db.session.scalar(select(ReviewRequest.reference)))


@pytest.fixture
def tracked(app, sent_reference):
    client = app.test_client()
    response = look_up(client, sent_reference.lower().replace("-", " "), "  example ")
    assert response.status_code == 302 and response.location.endswith("/track/your-request")
    return client


def test_look_up_shows_the_timeline(tracked, sent_reference):
    page = tracked.get("/track/your-request").text
    assert sent_reference in page
    assert "Received" in page
    assert "Your outcome letter from the Met." in page


def test_wrong_reference_and_wrong_surname_look_the_same(app, sent_reference):
    client = app.test_client()
    wrong_surname = look_up(client, sent_reference, "Nobody")
    wrong_reference = look_up(client, format_reference(new_reference()), "Example")
    assert wrong_surname.status_code == wrong_reference.status_code == 200

    def body(response):
        # Everything but the per-request nonce and CSRF token must be identical.
        return re.sub(r'(nonce|value)="[^"]*"', "", response.text)

    assert body(wrong_surname) == body(wrong_reference)
    assert "We could not find a request with that reference and last name" in wrong_surname.text


def test_repeated_failures_are_refused_with_429(app, sent_reference):
    client = app.test_client()
    statuses = [look_up(client, sent_reference, "Wrong").status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 429]
    # Only from this address: the requester, elsewhere, still gets in (test_tracker_limits.py).
    assert look_up(app.test_client(), sent_reference, "Example", "192.0.2.7").status_code == 302


def test_tracker_pages_need_a_look_up(client):
    for path in ("/track/your-request", "/track/upload", "/track/withdraw", "/track/receipt"):
        assert client.get(path).location.endswith("/track")


def test_session_ends_after_30_minutes_idle(tracked, monkeypatch):
    # The service's clock moves; the session cookie itself (real time) is still valid.
    clock.advance(timedelta(minutes=31))
    response = tracked.get("/track/your-request")
    assert response.location.endswith("/track")
    assert "after 30 minutes without activity" in tracked.get("/track").text


def test_send_more_information(app, tracked):
    response = tracked.post(
        "/track/send-information",
        data={
            "csrf_token": csrf_token(tracked, "/track/send-information"),
            "body": "I forgot: a witness.",
        },
    )
    assert response.location.endswith("/track/your-request")
    assert "We have your message" in tracked.get("/track/your-request").text
    with app.app_context():
        assert db.session.scalar(select(RequesterMessage.body)) == "I forgot: a witness."


def test_upload_the_outcome_letter_later(app, tracked):
    csrf = csrf_token(tracked, "/track/upload")
    missing = tracked.post("/track/upload", data={"csrf_token": csrf})
    assert "Select what you are sending" in missing.text
    response = tracked.post(
        "/track/upload",
        data={
            "csrf_token": csrf,
            "kind": "outcome-letter",
            "files": [(io.BytesIO(pdf_bytes()), "letter.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert [d.filename for d in review_request.documents] == ["letter.pdf"]
        assert review_request.letter_to_follow is False
    assert "waiting for your outcome letter" not in tracked.get("/track/your-request").text


def test_change_contact_details(app, tracked):
    csrf = csrf_token(tracked, "/track/contact-details")
    assert 'value="Sam@example.com"' in tracked.get("/track/contact-details").text
    response = tracked.post(
        "/track/contact-details",
        data={
            "csrf_token": csrf,
            "preferred_contact": "post",
            "address_line_1": "1 High Street",
            "town": "London",
            "postcode": "SE1 0LL",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.preferred_contact == "post"
        assert review_request.requester_address == "1 High Street\n\nLondon\nSE1 0LL"
    again = tracked.get("/track/contact-details").text
    assert 'value="1 High Street"' in again and 'value="SE1 0LL"' in again


def test_ask_for_a_call_from_the_tracker(app, tracked):
    response = tracked.post(
        "/track/help",
        data={
            "csrf_token": csrf_token(tracked, "/track/help"),
            "adjustments": ["callback", "large-print"],
            "callback_phone": "020 7983 4000",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ReviewRequest.adjustments)) == ["callback", "large-print"]
        assert db.session.scalar(select(func.count()).select_from(CallbackRequest)) == 1


def test_withdraw_is_recorded_and_confirmed(app, tracked):
    assert "Are you sure you want to withdraw" in tracked.get("/track/withdraw").text
    response = post_form(tracked, "/track/withdraw", {"reason": "Sorted out with the Met"})
    assert response.location.endswith("/track/your-request")
    page = tracked.get("/track/your-request").text
    assert "Withdrawn" in page and "You have withdrawn your request" in page
    assert "Withdraw your request" not in page
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.status == "withdrawn"
        assert [entry.status for entry in review_request.timeline] == ["received", "withdrawn"]
        templates = db.session.scalars(select(OutboxMessage.template).order_by(OutboxMessage.id))
        assert list(templates) == ["request_received", "request_withdrawn"]
    # Withdrawing again is refused in words (tests/app/test_tracker_finished.py has the rest).
    again = tracked.get("/track/withdraw")
    assert again.status_code == 409 and "You cannot withdraw your request" in again.text


def test_receipt_shows_what_was_sent(tracked):
    page = tracked.get("/track/receipt").text
    assert "The Met ignored the body-worn video." in page
    assert "CO/01234/25" in page


def test_sign_out_ends_the_tracking_session(tracked):
    tracked.post("/track/sign-out", data={"csrf_token": csrf_token(tracked, "/track/your-request")})
    assert tracked.get("/track/your-request").location.endswith("/track")


def test_the_tracker_says_what_we_asked_the_requester_for(app, tracked, caseworker):
    staff_account = caseworker
    # Staff act in a request; the emails they cause carry links to the tracker.
    with app.test_request_context():
        review_request = db.session.scalar(select(ReviewRequest))
        caseworker = db.session.get(StaffUser, staff_account.id)
        today = clock.today()
        perform(review_request, "acknowledge", caseworker, today)
        perform(
            review_request,
            "ask_requester",
            caseworker,
            today,
            information_requested="The date of the incident.",
        )
        db.session.commit()
    page = tracked.get("/track/your-request").text
    assert "What we need from you" in page
    assert "We asked for: The date of the incident." in page


def test_clearing_every_box_stops_the_help(app, tracked):
    help_page = "/track/help"
    tracked.post(
        help_page,
        data={"csrf_token": csrf_token(tracked, help_page), "adjustments": ["large-print"]},
    )
    response = tracked.post(help_page, data={"csrf_token": csrf_token(tracked, help_page)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ReviewRequest.adjustments)) == []


def test_what_we_need_lists_everything_awaited_and_nothing_else(app):
    with app.app_context():
        review_request = make_request(letter_to_follow=True, consent="awaited")
        awaited = needed_from_you(review_request)
        assert [item.split(" ")[0:2] for item in awaited] == [
            ["Your", "outcome"],
            ["Signed", "permission"],
        ]
        review_request.letter_to_follow, review_request.consent = False, "uploaded"
        assert needed_from_you(review_request) == [NOTHING_NEEDED]
        review_request.letter_to_follow = True
        review_request.status = Status.CLOSED  # finished: nothing is awaited any more
        assert needed_from_you(review_request) == ["Nothing."]


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({}, id="complainant-by-email"),
        pytest.param(
            {
                "adjustments": list(ADJUSTMENTS),
                "interpreter_language": "Polish",
                "other_adjustment": "Short letters, please.",
                "callback_times": "Mornings",
            },
            id="every-adjustment",
        ),
        pytest.param({"adjustments": ["large-print"]}, id="one-adjustment"),
        pytest.param(
            {
                "requester_email": None,
                "requester_phone": "020 7946 0000",
                "preferred_contact": "phone",
            },
            id="by-phone",
        ),
        pytest.param(
            {
                "requester_email": None,
                "requester_address": "1 High Street\nLondon",
                "preferred_contact": "post",
                "letter_to_follow": True,
            },
            id="by-post-letter-to-follow",
        ),
        pytest.param(
            {"is_late": True, "late_reason": "I was in hospital."},
            id="late",
        ),
        *[
            pytest.param(
                {
                    "requester_role": "representative",
                    "requester_name": "Ria Advocate",
                    "representative_organisation": "Advice Centre",
                    "complainant_email": email,
                    "updates_to": updates_to,
                    "consent": consent,
                    "adjustments": ["callback"],
                },
                id=f"representative-{updates_to}-{consent}-{'email' if email else 'no-email'}",
            )
            for updates_to in ("requester", "complainant", "both")
            for consent in ("uploaded", "awaited")
            for email in ("sam@example.com", None)
        ],
    ],
)
def test_receipt_renders_for_every_kind_of_request(app, fields):
    with app.app_context():
        review_request = make_request(**fields)
        reference = format_reference(review_request.reference)
    client = app.test_client()
    assert look_up(client, reference, "Example").status_code == 302
    response = client.get("/track/receipt")
    assert response.status_code == 200
    page = response.text
    assert "CO/01234/25" in page
    for code in fields.get("adjustments", []):
        assert ADJUSTMENTS[code] in page
    if fields.get("requester_role") == "representative":
        assert "Sam Example" in page
        assert "Ria Advocate" in page
    if fields.get("letter_to_follow"):
        assert "I will send it later" in page
