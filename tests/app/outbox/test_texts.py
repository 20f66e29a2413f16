"""Sending text messages from the outbox: the log backend, GOV.UK Notify's real client against a
local API on 127.0.0.1, retries until the staff task list, and texts turned off."""

from __future__ import annotations

import functools
import logging
import re
import threading
from datetime import timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from notifications_python_client.notifications import NotificationsAPIClient
from sqlalchemy import select

import web.outbox as outbox
from reviews import clock
from reviews.database import db
from reviews.models import OutboxMessage
from reviews.notifications import failed_messages, notify_requester
from tests.outbox_support import NOTIFY_KEY, TEMPLATE_ID, FakeNotifyApi
from tests.requests_data import make_request
from web.outbox import MAX_ATTEMPTS, send_due_messages, send_queued

SMS_TEMPLATE_ID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
MOBILE = "+447700900982"


def queue_update(template: str = "decision_sent") -> tuple[str, str]:
    """An update about a request whose requester asked for texts: its reference, as shown,
    and the text's event key."""
    review_request = make_request(text_updates=True, requester_phone="07700 900982")
    notify_requester(review_request, "decision-1", template)
    db.session.commit()
    text = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).one()
    return text.personalisation["reference"], text.event_key


def the_text() -> OutboxMessage:
    db.session.rollback()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).one()


def the_email() -> OutboxMessage:
    db.session.rollback()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")).one()


@pytest.fixture
def notify_api(monkeypatch):
    """A local stand-in for the Notify API, and the real client pointed at it."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setattr(FakeNotifyApi, "status", 201)
    monkeypatch.setattr(FakeNotifyApi, "received", [])
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotifyApi)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,))
    thread.start()
    local = functools.partial(
        NotificationsAPIClient, base_url=f"http://127.0.0.1:{server.server_address[1]}"
    )
    monkeypatch.setattr(outbox, "NotificationsAPIClient", local)
    yield FakeNotifyApi
    server.shutdown()
    server.server_close()
    thread.join()


def notify_sms_app(make_app, **overrides):
    settings = {
        "EMAIL_BACKEND": "notify",
        "NOTIFY_API_KEY": NOTIFY_KEY,
        "NOTIFY_TEMPLATE_ID": TEMPLATE_ID,
        "SMS_BACKEND": "notify",
        "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE_ID,
        "PUBLIC_BASE_URL": "https://reviews.service.test",
    }
    return make_app(**{**settings, **overrides})


def test_the_log_backend_writes_the_text_with_the_number_masked(make_app, caplog):
    app = make_app()
    assert app.config["SMS_BACKEND"] == "log"
    with app.app_context(), caplog.at_level(logging.INFO, "reviews.notifications"):
        reference, _ = queue_update()
        assert send_queued() == 2
        assert the_text().status == "sent"
    [logged] = [
        record.getMessage() for record in caplog.records if "text to" in record.getMessage()
    ]
    assert "***982" in logged and "7700900982" not in logged
    assert f"We have made our decision on your review request {reference}" in logged


def test_notify_gets_the_text_through_its_template(make_app, notify_api):
    app = notify_sms_app(make_app)
    with app.app_context():
        reference, event_key = queue_update()
        counts = send_due_messages()
        assert (counts.sent, counts.retrying, counts.failed) == (2, 0, 0)
        assert the_text().status == "sent" and the_email().status == "sent"
    by_path = {path: (body, authorization) for path, body, authorization in notify_api.received}
    assert set(by_path) == {"/v2/notifications/sms", "/v2/notifications/email"}
    body, authorization = by_path["/v2/notifications/sms"]
    assert authorization.startswith("Bearer ")
    assert body["phone_number"] == MOBILE
    assert body["template_id"] == SMS_TEMPLATE_ID
    assert body["reference"] == event_key
    assert set(body["personalisation"]) == {"body"}
    text = body["personalisation"]["body"]
    assert reference in text and "https://reviews.service.test/track" in text
    # Nothing about the complaint or the person beyond the reference.
    for private in ("Sam", "Example", "rude", "body-worn", "CO/01234/25", "police"):
        assert private.lower() not in text.lower()


def test_a_failing_text_is_retried_then_on_the_failed_list(make_app, notify_api, monkeypatch):
    monkeypatch.setattr(FakeNotifyApi, "status", 500)
    app = notify_sms_app(make_app, EMAIL_BACKEND="log")
    with app.app_context():
        queue_update()
        send_queued()
        text = the_text()
        assert text.status == "queued" and text.attempts == 1
        assert text.next_attempt_at is not None and "500" in text.last_error
        assert MOBILE not in text.last_error
        assert the_email().status == "sent"
        for _ in range(MAX_ATTEMPTS - 1):
            clock.advance(timedelta(days=1))
            send_queued()
        text = the_text()
        assert text.status == "failed" and text.attempts == MAX_ATTEMPTS
        assert [message.id for message in failed_messages()] == [text.id]
    assert len(notify_api.received) == MAX_ATTEMPTS


def test_a_text_notify_refuses_fails_at_once(make_app, notify_api, monkeypatch):
    monkeypatch.setattr(FakeNotifyApi, "status", 400)
    app = notify_sms_app(make_app, EMAIL_BACKEND="log")
    with app.app_context():
        queue_update()
        send_queued()
        text = the_text()
        assert (text.status, text.attempts, text.next_attempt_at) == ("failed", 1, None)
        assert failed_messages() == [text]


def test_texts_queued_before_texts_were_turned_off_fail_for_staff(make_app):
    app = make_app(SMS_BACKEND="off")
    with app.app_context():
        queue_update()
        send_queued()
        text = the_text()
        assert text.status == "failed" and text.last_error == "text messages are turned off"
        assert the_email().status == "sent"


def test_every_email_to_the_requester_has_its_text(app):
    """Each workflow action that emails the requester has words for its text."""
    from reviews.workflow.actions import ACTIONS

    templates = {action.email for action in ACTIONS.values() if action.email}
    templates |= {"request_received", "request_withdrawn"}
    with app.app_context():
        for template in sorted(templates):
            message = OutboxMessage(
                channel="sms", template=template, personalisation={"reference": "AB12-CD34"}
            )
            text = outbox.render_text(message)
            assert "AB12-CD34" in text and "/track" in text, template
            assert len(text) <= 200, template


def test_texts_hold_only_the_reference_and_the_link():
    texts = Path(__file__).parents[3] / "templates" / "texts"
    for path in texts.glob("*.txt"):
        text = path.read_text()
        assert set(re.findall(r"{{\s*(\w+)", text)) == {"reference", "link"}, path.name
        assert "{%" not in text and "police" not in text.lower(), path.name
