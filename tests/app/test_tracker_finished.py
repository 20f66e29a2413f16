"""A finished request offers nothing that cannot succeed: no links to change or add to it,
and a form sent anyway (an old tab, a back button) is refused in words, changing nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from reviews.database import db
from reviews.models import (
    CallbackRequest,
    Document,
    OutboxMessage,
    RequesterMessage,
    ReviewRequest,
    TimelineEntry,
)
from reviews.references import format_reference
from reviews.workflow import FINISHED, Status
from tests.forms import csrf_token
from tests.journey import look_up
from tests.journey_data import pdf_bytes
from tests.requests_data import make_request

# Each action's address, what a successful form would send, and its link on the request page.
ACTIONS = {
    "/track/withdraw": ({"reason": "Sorted"}, "Withdraw your request"),
    "/track/contact-details": (
        {"preferred_contact": "email", "email": "new@example.com"},
        "Change your contact details",
    ),
    "/track/help": ({"adjustments": ["callback"], "callback_phone": "020 7946 0000"}, "help"),
    "/track/send-information": ({"body": "One more thing."}, "Send us more information"),
    "/track/upload": ({"kind": "supporting"}, "Send us a document"),
}


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (
            TimelineEntry,
            RequesterMessage,
            Document,
            CallbackRequest,
            OutboxMessage,
        )
    )


@pytest.mark.parametrize("status", sorted(FINISHED))
def test_a_finished_request_has_no_action_links(app, status):
    with app.app_context():
        reference = format_reference(make_request(status).reference)
    client = app.test_client()
    look_up(client, reference, "Example")
    page = client.get("/track/your-request").text
    for path, (_, link) in ACTIONS.items():
        assert f'href="{path}"' not in page, (status, link)
    assert 'href="/track/receipt"' in page


@pytest.mark.parametrize("path", sorted(ACTIONS))
@pytest.mark.parametrize("status", sorted(FINISHED))
def test_a_finished_request_refuses_every_action(app, status, path):
    with app.app_context():
        review_request = make_request(status)
        reference, request_id = format_reference(review_request.reference), review_request.id
        before = _counts()
        email_before = review_request.requester_email
    client = app.test_client()
    look_up(client, reference, "Example")
    token = csrf_token(client, "/track/your-request")
    shown = client.get(path)
    assert shown.status_code == 409
    assert "You cannot" in shown.text and "Back to your request" in shown.text
    data, _ = ACTIONS[path]
    if path == "/track/upload":
        data = {**data, "files": [(io.BytesIO(pdf_bytes()), "more.pdf")]}
    response = client.post(path, data={"csrf_token": token, **data})
    assert response.status_code == 409
    assert "You cannot" in response.text
    with app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        assert review_request.status == status
        assert review_request.requester_email == email_before
        assert _counts() == before


def test_after_the_decision_only_withdrawing_is_refused(app):
    with app.app_context():
        reference = format_reference(make_request(Status.UPHELD).reference)
    client = app.test_client()
    look_up(client, reference, "Example")
    page = client.get("/track/your-request").text
    assert 'href="/track/withdraw"' not in page
    assert 'href="/track/send-information"' in page
    refused = client.get("/track/withdraw")
    assert refused.status_code == 409 and "sent you our decision" in refused.text
