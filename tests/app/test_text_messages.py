"""Text messages about progress: chosen on the contact details page for a UK mobile, then a
text queued in the outbox beside the email for every update (one per update, never twice)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from reviews.database import db
from reviews.models import OutboxMessage, ReviewRequest
from reviews.notifications import notify_requester
from reviews.tracker_changes import withdraw
from reviews.tracking import REQUESTER
from tests.conftest import empty_all_tables, make_test_app
from tests.forms import error_messages
from tests.journey import Journey
from tests.journey_data import complainant_steps, replace_step
from tests.requests_data import main_path, make_request, request_through

MOBILE = "07700 900982"
WITH_TEXTS = {"email": "sam@example.com", "phone": MOBILE, "text_updates": "yes"}


def steps_with_contact(details: dict) -> list:
    return replace_step(complainant_steps(), "contact-details", details)


def outbox(app, channel: str) -> list[OutboxMessage]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.channel == channel)
                .order_by(OutboxMessage.id)
            )
        )


def test_the_contact_details_page_offers_texts(journey):
    journey.walk_to("contact-details")
    page = journey.client.get("/request/contact-details").text
    assert "Send me text messages about progress" in page
    assert "We can only text a UK mobile number" in page


@pytest.mark.parametrize(
    ("phone", "error"),
    [
        ("", "Enter a UK mobile number to get text messages"),
        ("020 7946 0000", "Enter a UK mobile number, like 07700 900 982, to get text messages"),
        ("+33 6 12 34 56 78", "Enter a UK mobile number, like 07700 900 982, to get text messages"),
    ],
)
def test_texts_need_a_uk_mobile_number(journey, phone, error):
    journey.walk_to("contact-details")
    response = journey.answer(
        "contact-details", {**WITH_TEXTS, "phone": phone}, expect_redirect=False
    )
    assert error_messages(response.text) == [error]


def test_a_number_that_is_not_one_gets_one_error(journey):
    journey.walk_to("contact-details")
    response = journey.answer(
        "contact-details", {**WITH_TEXTS, "phone": "12"}, expect_redirect=False
    )
    [error] = error_messages(response.text)
    assert error.startswith("Enter a phone number, like")


def test_a_request_with_texts_queues_a_text_beside_the_confirmation(app, journey):
    journey.walk(steps_with_contact(WITH_TEXTS))
    assert journey.send().location.endswith("/request/sent")
    with app.app_context():
        review_request = db.session.scalars(select(ReviewRequest)).one()
        assert review_request.text_updates is True
        reference = review_request.reference
    [text] = outbox(app, "sms")
    assert text.recipient == "+447700900982"
    assert text.template == "request_received"
    assert text.event_key == f"request-received:{reference}:sms"
    [email] = outbox(app, "email")
    assert email.recipient == "sam@example.com"


def test_the_confirmation_says_texts_are_coming_only_when_they_are(journey):
    journey.walk(steps_with_contact(WITH_TEXTS))
    journey.send()
    assert "text messages to 07700 900982" in journey.client.get("/request/sent").text


def test_the_confirmation_promises_no_texts_when_none_are_due(journey):
    journey.walk(steps_with_contact({"email": "sam@example.com", "phone": MOBILE}))
    journey.send()
    assert "text message" not in journey.client.get("/request/sent").text


def test_check_answers_shows_the_choice(journey):
    journey.walk(steps_with_contact(WITH_TEXTS))
    page = journey.client.get("/request/check-answers").text
    assert "Send me text messages about progress" in page


def test_no_texts_when_not_chosen(app, journey):
    journey.walk(steps_with_contact({"email": "sam@example.com", "phone": MOBILE}))
    journey.send()
    with app.app_context():
        assert db.session.scalars(select(ReviewRequest)).one().text_updates is False
    assert outbox(app, "sms") == []
    assert len(outbox(app, "email")) == 1


@pytest.fixture
def texts_off_app(migrated_database, tmp_path):
    app = make_test_app(migrated_database, tmp_path / "instance", SMS_BACKEND="off")
    yield app
    empty_all_tables(app)


def test_texts_not_offered_when_the_service_cannot_send_them(texts_off_app):
    journey = Journey(texts_off_app.test_client())
    journey.walk_to("contact-details")
    page = journey.client.get("/request/contact-details").text
    assert "Send me text messages about progress" not in page
    # A form sent with the choice anyway (made up, or from a page shown before): not saved.
    journey.walk(steps_with_contact(WITH_TEXTS))
    assert "Send me text messages" not in journey.client.get("/request/check-answers").text
    journey.send()
    with texts_off_app.app_context():
        assert db.session.scalars(select(ReviewRequest)).one().text_updates is False
    assert outbox(texts_off_app, "sms") == []


def test_every_update_that_emails_the_requester_texts_them_too(app, caseworker, team_leader):
    request_id = request_through(
        app,
        *main_path("request_mps_info", by=caseworker, leader=team_leader),
        text_updates=True,
        requester_phone=MOBILE,
    )
    emails = [m for m in outbox(app, "email") if m.review_request_id == request_id]
    texts = [m for m in outbox(app, "sms") if m.review_request_id == request_id]
    assert emails and [m.template for m in texts] == [m.template for m in emails]
    assert {m.recipient for m in texts} == {"+447700900982"}
    assert len({m.event_key for m in emails + texts}) == len(emails) + len(texts)


def test_a_retried_update_never_queues_a_second_text(app):
    with app.app_context():
        review_request = make_request(text_updates=True, requester_phone=MOBILE)
        withdraw(review_request, REQUESTER, None)
        db.session.commit()
        notify_requester(review_request, "withdrawn", "request_withdrawn")
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    assert [m.template for m in outbox(app, "sms")] == ["request_withdrawn"]


def test_no_texts_for_a_requester_who_did_not_ask(app):
    with app.app_context():
        review_request = make_request(requester_phone=MOBILE)
        withdraw(review_request, REQUESTER, None)
        db.session.commit()
    assert outbox(app, "sms") == []
    assert [m.template for m in outbox(app, "email")] == ["request_withdrawn"]


def test_no_texts_to_a_requester_who_gets_no_updates(app):
    with app.app_context():
        review_request = make_request(
            text_updates=True,
            requester_phone=MOBILE,
            requester_role="representative",
            updates_to="complainant",
            complainant_email="alex@example.com",
        )
        withdraw(review_request, REQUESTER, None)
        db.session.commit()
    assert outbox(app, "sms") == []
