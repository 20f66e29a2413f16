"""The review request journey through the Flask client, against the real database."""

from __future__ import annotations

import io
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reviews import clock
from reviews.database import db
from reviews.models import CallbackRequest, Draft, OutboxMessage, ReviewRequest, TimelineEntry
from reviews.references import format_reference
from reviews.rules import (
    COMPLAINTS_SCHEME_START,
    acknowledgement_due,
    add_working_days,
    format_date,
)
from reviews.submission import submit_draft
from tests.forms import error_messages
from tests.journey import Journey
from tests.journey_data import (
    complainant_steps,
    date_parts,
    pdf_bytes,
    replace_step,
    representative_steps,
)
from web.outbox import send_queued


def requests_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ReviewRequest))


def test_complainant_sends_a_request_and_gets_a_reference(app, journey):
    journey.walk(complainant_steps())
    check = journey.client.get("/request/check-answers")
    assert check.status_code == 200
    assert "Sam Example" in check.text and "CO/01234/25" in check.text
    assert "I will send it later by email or post" in check.text

    response = journey.send()
    assert response.status_code == 302 and response.location.endswith("/request/sent")
    sent = journey.client.get("/request/sent")
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.status == "received"
        assert review_request.mps_reference == "CO/01234/25"
        assert review_request.requester_email == "Sam@example.com"
        assert review_request.complainant_name == "Sam Example"
        assert review_request.letter_to_follow is True
        assert review_request.is_late is False
        assert review_request.safe_to_leave_message is True
        assert review_request.safe_to_say_who_is_calling is False
        assert review_request.acknowledgement_due == acknowledgement_due(clock.today())
        assert [entry.status for entry in review_request.timeline] == ["received"]
        reference = format_reference(review_request.reference)
        message = db.session.scalar(select(OutboxMessage))
        assert message.status == "queued" and message.recipient == "Sam@example.com"
        assert send_queued() == 1  # the worker's round
        assert message.status == "sent"
        assert message.personalisation["reference"] == reference
        assert db.session.scalar(select(Draft)).answers == {}
    assert reference in sent.text
    assert format_date(acknowledgement_due(clock.today())) in sent.text


def test_confirmation_email_holds_the_reference_and_link_but_no_complaint_details(
    app, journey, caplog
):
    caplog.set_level("INFO", logger="reviews.notifications")
    journey.walk(complainant_steps())
    journey.send()
    with app.app_context():
        send_queued()  # the worker's round
    logged = caplog.text
    assert "We have your review request" in logged
    assert "/track" in logged
    for private in ("Sam Example", "body-worn", "CO/01234/25", "Sam@example.com", "rude"):
        assert private not in logged


def test_sending_twice_gives_one_request_and_the_same_reference(app, journey):
    journey.walk(complainant_steps())
    first = journey.send()
    second = journey.send()
    assert first.location == second.location
    assert journey.client.get("/request/check-answers").location.endswith("/request/sent")
    with app.app_context():
        assert requests_count() == 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_two_sends_racing_give_one_request(app, journey):
    """Both load the unsent draft before either commits, as a double click can."""
    journey.walk(complainant_steps())
    today = clock.today()
    both_loaded = threading.Barrier(2)
    references = []

    def send():
        with app.test_request_context():
            draft = db.session.scalar(select(Draft))
            assert draft.review_request is None
            both_loaded.wait(timeout=10)
            references.append(submit_draft(draft, today).reference)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(references) == 2 and references[0] == references[1]
    with app.app_context():
        assert requests_count() == 1


def test_pages_cannot_be_skipped(client):
    response = client.get("/request/why-unhappy")
    assert response.status_code == 302
    assert response.location.endswith("/request/who-is-asking")
    assert client.get("/request/check-answers").location.endswith("/request/who-is-asking")


def test_unknown_step_is_not_found(client):
    assert client.get("/request/no-such-step").status_code == 404


@pytest.mark.parametrize(
    ("slug", "data", "exit_page"),
    [
        ("about-the-met", {"about_met": "no"}, "other-police-force"),
        ("about-the-commissioner", {"about_commissioner": "yes"}, "commissioner"),
        ("outcome-letter", {"has_letter": "no"}, "complain-first"),
        ("when-complained", {"after_scheme_start": "no"}, "before-february-2020"),
        ("review-body", {"review_body": "iopc"}, "send-to-the-iopc"),
    ],
)
def test_answers_that_end_the_journey(journey, slug, data, exit_page):
    journey.walk_to(slug)
    response = journey.answer(slug, data)
    assert response.location.endswith(f"/request/cannot-use-this-service/{exit_page}")
    page = journey.client.get(response.location)
    assert page.status_code == 200
    # Going further is refused until the answer changes.
    later = journey.client.get("/request/what-we-cannot-do")
    assert later.location.endswith(f"/request/{slug}")


def test_not_sure_answers_carry_on(app, journey):
    steps = replace_step(complainant_steps(), "review-body", {"review_body": "not-sure"})
    steps = replace_step(steps, "when-complained", {"after_scheme_start": "not-sure"})
    journey.walk(steps)
    journey.send()
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.review_body_named == "not-sure"
        assert review_request.made_on_or_after_scheme_start == "not-sure"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the date on your outcome letter"),
        (
            {"letter_date-day": "3", "letter_date-year": "2026"},
            "The date on your outcome letter must include a month",
        ),
        (
            {"letter_date-day": "31", "letter_date-month": "2", "letter_date-year": "2026"},
            "The date on your outcome letter must be a real date",
        ),
        (
            {"letter_date-day": "3", "letter_date-month": "3", "letter_date-year": "26"},
            "Year must include 4 numbers",
        ),
        (
            date_parts("letter_date", clock.today() + timedelta(days=1)),
            "The date on your outcome letter must be today or in the past",
        ),
    ],
)
def test_letter_date_errors(journey, data, message):
    journey.walk_to("letter-date")
    response = journey.answer("letter-date", data, expect_redirect=False)
    assert response.status_code == 200
    assert message in error_messages(response.text)
    assert "<title>Error: What date is on your outcome letter?" in response.text


def test_deadline_is_explained_after_the_letter_date(journey):
    letter_date = clock.today() - timedelta(days=22)
    journey.walk_to("letter-received", complainant_steps(letter_date))
    page = journey.client.get("/request/letter-received").text
    assert f"Your letter is dated {format_date(letter_date)}." in page
    assert "You have 6 days left." in page
    assert '<h1 class="govuk-heading-l">You have 6 days left to ask for a review</h1>' in page


def test_late_request_asks_why_and_is_never_refused(app, journey):
    letter_date = clock.today() - timedelta(days=40)
    steps = journey.walk_to("what-we-cannot-do", complainant_steps(letter_date))
    page = journey.client.get("/request/late-reason")
    assert "so your request is late" in page.text
    missing = journey.answer("late-reason", {"late_reason": " "}, expect_redirect=False)
    assert "Enter why you are asking for a review after the 28 days" in error_messages(missing.text)
    journey.answer("late-reason", {"late_reason": "I was in hospital."})
    journey.walk(steps)
    journey.send()
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.is_late is True
        assert review_request.late_reason == "I was in hospital."


def test_representative_with_consent_to_follow(app, journey):
    steps = representative_steps()
    journey.walk(steps)
    journey.send()
    sent = journey.client.get("/request/sent").text
    assert "consent form" in sent
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.requester_role == "representative"
        assert review_request.requester_name == "Ria Advocate"
        assert review_request.complainant_name == "Sam Example"
        assert review_request.consent == "awaited"
        recipients = sorted(
            message.recipient for message in db.session.scalars(select(OutboxMessage))
        )
        assert recipients == ["ria@example.org", "sam@example.com"]


def test_representative_uploads_signed_permission(app, journey):
    steps = representative_steps(route="upload-now")
    after_consent = [name for name, _ in steps].index("complainant-details") + 1
    journey.walk(steps[:after_consent])
    journey.upload("consent-upload", [(io.BytesIO(pdf_bytes()), "permission.pdf")])
    journey.answer("consent-upload", {"action": "continue"})
    journey.walk(steps[after_consent:])
    journey.send()
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.consent == "uploaded"
        assert [d.kind for d in review_request.documents if d.kind == "consent"] == ["consent"]


def test_switching_back_to_complainant_drops_representative_answers(app, journey):
    steps = journey.walk_to("your-name")
    journey.answer("who-is-asking", {"role": "representative"})
    journey.answer("about-you", {"full_name": "Ria", "representative_kind": "other"})
    journey.answer("your-connection", {"relationship": "Friend"})
    journey.answer("who-is-asking", {"role": "complainant"})
    journey.walk(steps)
    journey.send()
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.requester_role == "complainant"
        assert review_request.representative_relationship is None


def test_repeat_mps_reference_is_accepted_and_flagged(app, journey):
    journey.walk(complainant_steps())
    journey.send()
    again = Journey(app.test_client())
    again.walk(replace_step(complainant_steps(), "mps-reference", {"mps_reference": "CO/01234/25"}))
    again.send()
    # Flagged for staff only: another person's browser learns nothing of the earlier request.
    assert "earlier request" not in again.client.get("/request/sent").text
    with app.app_context():
        flags = db.session.scalars(
            select(ReviewRequest.possible_duplicate).order_by(ReviewRequest.id)
        )
        assert list(flags) == [False, True]


def test_callback_adjustment_becomes_a_staff_item(app, journey):
    steps = replace_step(complainant_steps(), "adjustments-needed", {"needed": "yes"})
    rest = journey.walk_to("about-the-met", steps)
    missing = journey.answer("adjustments", {"adjustments": ["callback"]}, expect_redirect=False)
    assert "Enter a phone number for us to call" in error_messages(missing.text)
    journey.answer(
        "adjustments",
        {
            "adjustments": ["callback", "large-print", "interpreter"],
            "callback_phone": "07700 900982",
            "callback_times": "Weekday mornings",
            "interpreter_language": "Polish",
        },
    )
    journey.walk(rest)
    journey.send()
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.adjustments == ["callback", "large-print", "interpreter"]
        assert review_request.interpreter_language == "Polish"
        callback = db.session.scalar(select(CallbackRequest))
        assert callback.phone == "07700 900982"
        assert callback.best_times == "Weekday mornings"
        assert callback.review_request_id == review_request.id
        assert callback.due_on == add_working_days(clock.today(), 2)


def test_change_link_returns_to_check_answers(journey):
    journey.walk(complainant_steps())
    check = journey.client.get("/request/check-answers").text
    assert 'href="/request/your-name?change=1"' in check
    response = journey.answer("your-name?change=1", {"full_name": "Samira Example"})
    assert response.location.endswith("/request/check-answers")
    assert "Samira Example" in journey.client.get("/request/check-answers").text


def test_changing_to_post_needs_an_address(journey):
    journey.walk(complainant_steps())
    journey.answer("how-to-contact?change=1", {"preferred_contact": "post"})
    response = journey.answer("contact-details?change=1", {}, expect_redirect=False)
    errors = error_messages(response.text)
    assert "Enter address line 1, typically the building and street" in errors
    assert "Enter postcode" in errors


def test_contact_details_are_checked(journey):
    journey.walk_to("contact-details")
    response = journey.answer(
        "contact-details", {"email": "not-an-email", "phone": "12"}, expect_redirect=False
    )
    errors = error_messages(response.text)
    assert "Enter an email address in the correct format, like name@example.com" in errors
    assert any(error.startswith("Enter a phone number, like") for error in errors)


def test_timeline_has_one_entry_per_request(app, journey):
    journey.walk(complainant_steps())
    journey.send()
    journey.send()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TimelineEntry)) == 1


def test_the_number_to_call_is_the_one_already_given(journey):
    steps = replace_step(
        complainant_steps(),
        "contact-details",
        {"email": "sam@example.com", "phone": "07700 900982"},
    )
    # Asking for a call later, from the check page: the number is the one they gave.
    journey.walk(steps)
    journey.answer("adjustments-needed?change=1", {"needed": "yes"})
    page = journey.client.get("/request/adjustments?change=1").text
    assert re.search(r'name="callback_phone"[^>]*value="07700 900982"', page)


@pytest.mark.parametrize("when_complained", ["yes", "not-sure"])
def test_a_complaint_date_before_the_scheme_started_is_refused(journey, when_complained):
    steps = replace_step(
        complainant_steps(), "when-complained", {"after_scheme_start": when_complained}
    )
    journey.walk_to("complaint-date", steps)
    month_before = COMPLAINTS_SCHEME_START - timedelta(days=1)
    response = journey.answer(
        "complaint-date",
        {"complaint_date": f"{month_before.month}/2020"},
        expect_redirect=False,
    )
    assert response.status_code == 200
    [message] = error_messages(response.text)
    assert message.startswith("The date you made your complaint must be February 2020 or later")
    assert "appeal" in message
    # The month the scheme started is in time.
    journey.answer("complaint-date", {"complaint_date": "February 2020"})


def _representative(updates_to: str, complainant: dict, contact: tuple[str, dict]):
    steps = representative_steps()
    steps = replace_step(steps, "complainant-details", {"full_name": "Sam Example", **complainant})
    steps = replace_step(steps, "updates", {"updates_to": updates_to})
    steps = replace_step(steps, "how-to-contact", {"preferred_contact": contact[0]})
    return replace_step(steps, "contact-details", contact[1])


@pytest.mark.parametrize("updates_to", ["complainant", "both"])
def test_updates_to_the_complainant_need_their_email_address(journey, updates_to):
    steps = _representative(updates_to, {}, ("email", {"email": "ria@example.org"}))
    journey.walk_to("updates", steps)
    response = journey.answer("updates", {"updates_to": updates_to}, expect_redirect=False)
    assert response.status_code == 200
    [message] = error_messages(response.text)
    assert "email address of the person you are helping" in message
    # Only the representative gets updates: no email address of theirs is needed.
    journey.answer("updates", {"updates_to": "requester"})


def test_their_email_address_cannot_be_removed_while_updates_go_to_them(journey):
    steps = _representative("both", {"email": "sam@example.com"}, ("email", {"email": "r@x.org"}))
    journey.walk_to("mps-reference", steps)
    response = journey.answer(
        "complainant-details", {"full_name": "Sam Example", "email": ""}, expect_redirect=False
    )
    assert response.status_code == 200
    [message] = error_messages(response.text)
    assert message.startswith("Enter their email address")


def _sent_page(journey, steps) -> str:
    journey.walk(steps)
    assert journey.send().location.endswith("/request/sent")
    return journey.client.get("/request/sent").text


@pytest.mark.parametrize(
    ("updates_to", "complainant", "contact", "emailed", "not_emailed"),
    [
        (
            "complainant",
            {"email": "sam@example.com"},
            ("email", {"email": "ria@example.org"}),
            ["sam@example.com"],
            ["ria@example.org"],
        ),
        (
            "both",
            {"email": "sam@example.com"},
            ("phone", {"phone": "020 7946 0000"}),
            ["sam@example.com"],
            [],
        ),
        (
            "both",
            {"email": "sam@example.com"},
            ("email", {"email": "ria@example.org"}),
            ["ria@example.org", "sam@example.com"],
            [],
        ),
        (
            "requester",
            {"email": "sam@example.com"},
            ("email", {"email": "ria@example.org"}),
            ["ria@example.org"],
            ["sam@example.com"],
        ),
    ],
)
def test_the_confirmation_says_who_we_email(
    app, journey, updates_to, complainant, contact, emailed, not_emailed
):
    page = _sent_page(journey, _representative(updates_to, complainant, contact))
    with app.app_context():
        queued = sorted(db.session.scalars(select(OutboxMessage.recipient)))
    assert queued == emailed
    assert "We are sending a confirmation email" in page
    for address in emailed:
        assert address in page
    for address in not_emailed:
        assert address not in page


@pytest.mark.parametrize(
    ("contact", "how"),
    [
        (("phone", {"phone": "020 7946 0000"}), "by phone"),
        (
            ("post", {"address_line_1": "1 High Street", "town": "London", "postcode": "E1 1AA"}),
            "by post",
        ),
    ],
)
def test_the_confirmation_says_when_nobody_gets_email(app, journey, contact, how):
    page = _sent_page(journey, _representative("requester", {"email": "sam@example.com"}, contact))
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert "confirmation email" not in page
    assert "We will not send any emails about this request." in page
    assert f"We will contact you {how}" in page
