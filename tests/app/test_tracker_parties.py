"""Two parties to one request: the representative who sent it and the complainant. Each looks
it up with their own surname, sees and changes only their own contact details, and a
representative whose signed permission is awaited can follow it but not act on it until
staff mark the permission received. Also: an email address changed on the tracker is told
to the old address, and nothing on a public page says another request exists."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reviews.database import db
from reviews.models import AuditEvent, OutboxMessage, ReviewRequest, TimelineEntry
from reviews.references import format_reference
from reviews.workflow import Status
from tests.forms import csrf_token, post_form
from tests.journey import Journey, look_up
from tests.journey_data import complainant_steps
from tests.requests_data import make_request

REPRESENTATIVE = {
    "requester_role": "representative",
    "requester_name": "Ria Advocate",
    "requester_email": "ria@advice.example",
    "complainant_name": "Sam Example",
    "complainant_email": "sam@example.com",
    "complainant_phone": "020 7946 0001",
    "updates_to": "both",
    "consent": "uploaded",
}


def looked_up(app, surname: str, **fields):
    """A client that looked up a new representative's request with `surname`, and its id."""
    with app.app_context():
        review_request = make_request(**{**REPRESENTATIVE, **fields})
        reference, request_id = format_reference(review_request.reference), review_request.id
    return looked_up_again(app, reference, surname), request_id


def looked_up_again(app, reference: str, surname: str):
    client = app.test_client()
    assert look_up(client, reference, surname).status_code == 302
    return client


def test_each_party_sees_only_their_own_contact_details(app):
    representative, _ = looked_up(app, "Advocate")
    form = representative.get("/track/contact-details").text
    assert 'value="ria@advice.example"' in form and "sam@example.com" not in form
    receipt = representative.get("/track/receipt").text
    assert "sam@example.com" not in receipt and "020 7946 0001" not in receipt

    representative, request_id = looked_up(app, "Advocate")
    with app.app_context():
        reference = format_reference(db.session.get(ReviewRequest, request_id).reference)
    complainant = looked_up_again(app, reference, "Example")
    form = complainant.get("/track/contact-details").text
    assert 'value="sam@example.com"' in form and "ria@advice.example" not in form
    assert "020 7946 0001" in form
    assert "ria@advice.example" not in complainant.get("/track/receipt").text
    response = post_form(
        complainant, "/track/contact-details", {"email": "sam.new@example.com", "phone": ""}
    )
    assert response.status_code == 302
    with app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        assert review_request.complainant_email == "sam.new@example.com"
        assert review_request.complainant_phone is None
        assert review_request.requester_email == "ria@advice.example"
        assert review_request.preferred_contact == "email"
        entry = review_request.timeline[-1]
        assert entry.actor == "complainant"
    # The representative reads that the other party changed theirs, never what to.
    page = representative.get("/track/your-request").text
    assert "Sam Example changed their contact details" in page
    assert "sam.new@example.com" not in page
    assert "You changed your contact details" in complainant.get("/track/your-request").text


def test_the_page_says_who_gets_updates(app):
    client, _ = looked_up(app, "Example", updates_to="complainant")
    page = client.get("/track/your-request").text
    assert "We email updates to sam@example.com" in page
    client, _ = looked_up(app, "Advocate", updates_to="complainant")
    page = client.get("/track/your-request").text
    assert "We send updates to Sam Example" in page and "sam@example.com" not in page


def test_changing_an_email_address_tells_the_old_one(app):
    client, request_id = looked_up(app, "Advocate")
    post_form(
        client,
        "/track/contact-details",
        {"preferred_contact": "email", "email": "ria.new@advice.example"},
    )
    with app.app_context():
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "email_changed")
        ).all()
        assert [m.recipient for m in messages] == ["ria@advice.example"]
        reference = db.session.get(ReviewRequest, request_id).reference
        assert messages[0].personalisation["reference"] == format_reference(reference)
        assert "ria.new" not in str(messages[0].personalisation)
    # The same address again, or a change of case only: nothing to tell.
    post_form(
        client,
        "/track/contact-details",
        {"preferred_contact": "email", "email": "RIA.NEW@advice.example"},
    )
    with app.app_context():
        count = len(
            db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.template == "email_changed")
            ).all()
        )
        assert count == 1


def test_the_email_changed_message_renders(app):
    from web.outbox import render_email

    client, _ = looked_up(app, "Example")
    post_form(client, "/track/contact-details", {"email": "sam2@example.com"})
    with app.test_request_context():
        message = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.template == "email_changed")
        )
        assert message.recipient == "sam@example.com"
        subject, body = render_email(message)
        assert message.personalisation["reference"] in subject
        assert "sam2@example.com" not in body and "did not" in body


@pytest.mark.parametrize(
    "path",
    ["/track/withdraw", "/track/contact-details", "/track/help", "/track/send-information"],
)
def test_a_representative_awaiting_permission_can_follow_but_not_act(app, path):
    client, request_id = looked_up(app, "Advocate", consent="awaited")
    page = client.get("/track/your-request").text
    assert "Received" in page
    assert "signed permission" in page and f'href="{path}"' not in page
    assert client.get(path).status_code == 403
    token = csrf_token(client, "/track/your-request")
    response = client.post(path, data={"csrf_token": token, "body": "x", "reason": "x"})
    assert response.status_code == 403
    assert "signed permission" in response.text
    with app.app_context():
        assert db.session.get(ReviewRequest, request_id).status == Status.RECEIVED
        assert len(db.session.get(ReviewRequest, request_id).timeline) == 1


def test_the_complainant_can_act_while_permission_is_awaited(app):
    client, _ = looked_up(app, "Example", consent="awaited")
    page = client.get("/track/your-request").text
    assert 'href="/track/withdraw"' in page


def test_staff_mark_permission_received(app, caseworker, client_as):
    representative, request_id = looked_up(app, "Advocate", consent="awaited")
    staff = client_as(caseworker)
    page = staff.get(f"/staff/requests/{request_id}").text
    assert "Mark signed permission as received" in page
    response = post_form(
        staff, f"/staff/requests/{request_id}/consent-received", token_from="/staff/account"
    )
    assert response.status_code == 302
    assert (
        "Mark signed permission as received" not in staff.get(f"/staff/requests/{request_id}").text
    )
    with app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        assert review_request.consent == "received"
        assert db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.action == "consent-received")
        )
        assert review_request.timeline[-1].staff_user_id == caseworker.id
    page = representative.get("/track/your-request").text
    assert 'href="/track/withdraw"' in page
    assert "We have checked the signed permission" in page
    # Twice is refused, in words.
    again = post_form(
        staff, f"/staff/requests/{request_id}/consent-received", token_from="/staff/account"
    )
    assert again.status_code == 302
    assert "not waiting for signed permission" in staff.get(f"/staff/requests/{request_id}").text


def test_auditors_cannot_mark_permission_received(app, auditor, client_as):
    _, request_id = looked_up(app, "Advocate", consent="awaited")
    staff = client_as(auditor)
    assert "Mark signed permission" not in staff.get(f"/staff/requests/{request_id}").text
    response = post_form(
        staff, f"/staff/requests/{request_id}/consent-received", token_from="/staff/account"
    )
    assert response.status_code == 403


def test_no_public_page_says_another_request_has_the_same_mps_reference(app, client):
    with app.app_context():
        make_request(requester_name="Someone Else", complainant_name="Someone Else")
    journey = Journey(client)
    journey.walk(complainant_steps())
    journey.send()
    sent = client.get("/request/sent").text
    with app.app_context():
        second = db.session.scalars(select(ReviewRequest).order_by(ReviewRequest.id)).all()[-1]
        assert second.possible_duplicate
        reference = format_reference(second.reference)
    assert "earlier request" not in sent
    tracker = app.test_client()
    look_up(tracker, reference, "Example")
    for path in ("/track/your-request", "/track/receipt"):
        assert "earlier request" not in tracker.get(path).text
        assert "duplicate" not in tracker.get(path).text.lower()


def test_same_surname_asks_who_is_looking(app):
    client, _ = looked_up(app, "Example", requester_name="Ria Example")
    response = client.get("/track/your-request")
    assert response.location.endswith("/track/who-are-you")
    post_form(client, "/track/who-are-you", {"party": "complainant"})
    form = client.get("/track/contact-details").text
    assert 'value="sam@example.com"' in form


def test_timeline_entries_for_requester_actions_are_staff_visible(app):
    client, _ = looked_up(app, "Advocate")
    post_form(client, "/track/send-information", {"body": "Hello"})
    with app.app_context():
        entry = db.session.scalar(select(TimelineEntry).order_by(TimelineEntry.id.desc()).limit(1))
        assert entry.actor == "requester" and entry.event == "message"


def test_permission_given_by_phone_or_email_asks_for_a_call_not_a_document(app):
    """The complainant said they would tell the team themselves: the tracker asks them to, and
    tells the representative that is what we wait for, with no upload asked of anyone."""
    fields = {"consent": "awaited", "consent_route": "phone-or-email"}
    representative, _id = looked_up(app, "Advocate", **fields)
    page = representative.get("/track/your-request").text
    assert "Sam Example needs to phone or email us" in page
    complainant = looked_up_again(app, _reference_of(app, _id), "Example")
    page = complainant.get("/track/your-request").text
    assert "Phone or email us to say Ria Advocate can act for you" in page
    assert "Upload it" not in page


def _reference_of(app, request_id: int) -> str:
    with app.app_context():
        return format_reference(db.session.get(ReviewRequest, request_id).reference)
