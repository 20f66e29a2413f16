"""Asking for a phone call or another format: validation, the staff queue, idempotency."""

from sqlalchemy import func, select

from reviews import clock
from reviews.database import db
from reviews.letters import wants_large_print
from reviews.models import AccessibleFormatRequest, CallbackRequest, ReviewRequest
from reviews.references import format_reference, new_reference
from reviews.rules import add_working_days, format_date
from tests.forms import error_messages, form_fields
from tests.requests_data import make_request


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def format_answers(client, **answers) -> dict:
    """The other-format form filled in, with its one-off key: a document and a name, then the
    `answers` the test is about (which may give others)."""
    return {
        **form_fields(client, "/accessibility/ask-for-another-format"),
        "document": "The privacy notice",
        "full_name": "Bo Example",
        **answers,
    }


def test_callback_request_reaches_the_staff_queue_once(app, client):
    keys = form_fields(client, "/accessibility/ask-for-a-call")
    reference = new_reference()
    data = {
        **keys,
        "full_name": "Ali Example",
        "phone": "07700900982",
        "best_times": "Mornings",
        "safe": ["say-who"],
        "about": "I cannot read long letters",
        "reference": format_reference(reference).lower(),
    }
    first = client.post("/accessibility/ask-for-a-call", data=data)
    second = client.post("/accessibility/ask-for-a-call", data=data)
    assert first.status_code == second.status_code == 302
    confirmation = client.get(first.location).text
    due = add_working_days(clock.today(), 2)
    assert f"By {format_date(due)}" in confirmation
    with app.app_context():
        assert count(CallbackRequest) == 1
        callback = db.session.scalar(select(CallbackRequest))
        assert callback.source == "accessibility"
        assert callback.phone == "07700 900982"
        assert callback.safe_to_say_who_is_calling and not callback.safe_to_leave_message
        assert callback.reference_given == reference
        assert callback.due_on == due


def test_callback_request_errors(client):
    keys = form_fields(client, "/accessibility/ask-for-a-call")
    response = client.post(
        "/accessibility/ask-for-a-call", data={**keys, "reference": "not a reference"}
    )
    assert response.status_code == 200
    assert error_messages(response.text) == [
        "Enter your name",
        "Enter a phone number for us to call",
        "Enter your tracking reference as it is on your confirmation, like ABCD-EFGH-JKMN-PQ",
    ]


def test_format_request_gives_a_due_date_five_working_days_away(app, client):
    data = format_answers(
        client,
        format="language",
        language="Welsh",
        preferred_contact="post",
        address="1 High Street\nLondon",
    )
    response = client.post("/accessibility/ask-for-another-format", data=data)
    client.post("/accessibility/ask-for-another-format", data=data)
    due = add_working_days(clock.today(), 5)
    assert f"We will reply by {format_date(due)}" in client.get(response.location).text
    with app.app_context():
        assert count(AccessibleFormatRequest) == 1
        request = db.session.scalar(select(AccessibleFormatRequest))
        assert (request.format, request.format_detail) == ("language", "Welsh")
        assert request.address == "1 High Street\nLondon"
        assert request.due_on == due


def test_format_request_errors_follow_the_choices(client):
    keys = form_fields(client, "/accessibility/ask-for-another-format")
    response = client.post(
        "/accessibility/ask-for-another-format",
        data={**keys, "format": "language", "preferred_contact": "email"},
    )
    assert error_messages(response.text) == [
        "Enter which document or page you need",
        "Enter which language you need",
        "Enter your name",
        "Enter your email address",
    ]


def test_confirmation_pages_need_a_request_first(client):
    assert client.get("/accessibility/ask-for-a-call/sent").status_code == 302
    assert client.get("/accessibility/ask-for-another-format/sent").status_code == 302


def test_forms_are_rate_limited(client):
    keys = form_fields(client, "/accessibility/ask-for-a-call")
    statuses = [
        client.post("/accessibility/ask-for-a-call", data=keys).status_code for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_statement_links_to_both_forms(client):
    html = client.get("/accessibility").text
    assert 'href="/accessibility/ask-for-a-call"' in html
    assert 'href="/accessibility/ask-for-another-format"' in html


def test_needs_asked_for_with_a_tracking_reference_reach_that_request(
    app, client, caseworker, client_as
):
    with app.app_context():
        review_request = make_request()
        request_id, reference = review_request.id, format_reference(review_request.reference)
    call_keys = form_fields(client, "/accessibility/ask-for-a-call")
    client.post(
        "/accessibility/ask-for-a-call",
        data={
            **call_keys,
            "full_name": "Sam Example",
            "phone": "07700900982",
            "reference": reference,
        },
    )
    format_data = format_answers(
        client,
        format="large-print",
        full_name="Sam Example",
        preferred_contact="email",
        email="sam@example.com",
        reference=reference.lower(),
    )
    assert client.post("/accessibility/ask-for-another-format", data=format_data).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(CallbackRequest.review_request_id)) == request_id
        format_request = db.session.scalar(select(AccessibleFormatRequest))
        assert format_request.review_request_id == request_id
        assert wants_large_print(db.session.get(ReviewRequest, request_id))

    staff = client_as(caseworker)
    page = staff.get(f"/staff/requests/{request_id}").text
    assert "Calls and other formats asked for" in page
    assert "A phone call to Sam Example" in page and "Large print for Sam Example" in page
    assert "They asked for large print" in page
    # The letters come in large print without anyone remembering to ask.
    assert f"/staff/requests/{request_id}/letters/acknowledgement?size=large" in page


def test_an_unknown_tracking_reference_is_kept_but_links_nothing(app, client):
    keys = form_fields(client, "/accessibility/ask-for-a-call")
    reference = format_reference(new_reference())
    client.post(
        "/accessibility/ask-for-a-call",
        data={**keys, "full_name": "Ali Example", "phone": "07700900982", "reference": reference},
    )
    with app.app_context():
        callback = db.session.scalar(select(CallbackRequest))
        assert callback.reference_given and callback.review_request_id is None
