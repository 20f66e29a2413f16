"""Sending the outbox through GOV.UK Notify: a fake client, and the real client against a local
API. Nothing leaves the machine."""

from __future__ import annotations

import functools
import threading
from http.server import ThreadingHTTPServer

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

import web.outbox as outbox
from tests.outbox_support import (
    NOTIFY_KEY,
    RECIPIENT,
    TEMPLATE_ID,
    FakeNotifyApi,
    notify_app,
    notify_error,
    queue,
    the_message,
)
from web.outbox import send_queued


def test_notify_sends_through_the_generic_template(make_app, fake_notify):
    app = notify_app(make_app)
    with app.app_context():
        queue("request-received:AB12CD34:0")
        assert send_queued() == 1
        assert the_message().status == "sent"
    assert fake_notify.keys == [NOTIFY_KEY]
    [call] = fake_notify.calls
    assert call["email_address"] == RECIPIENT
    assert call["template_id"] == TEMPLATE_ID
    assert call["reference"] == "request-received:AB12CD34:0"
    assert call["personalisation"]["subject"] == "We have your review request: AB12-CD34"
    assert "Your tracking reference is: AB12-CD34" in call["personalisation"]["body"]


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(400, "failed"), (403, "queued"), (429, "queued"), (500, "queued"), (503, "queued")],
)
def test_notify_bad_request_fails_and_the_rest_is_retried(make_app, fake_notify, status, outcome):
    fake_notify.error = notify_error(status)
    app = notify_app(make_app)
    with app.app_context():
        queue()
        send_queued()
        message = the_message()
        assert message.status == outcome and message.attempts == 1
        assert (message.next_attempt_at is None) == (outcome == "failed")
        assert str(status) in message.last_error


@pytest.mark.parametrize(("status", "outcome"), [(201, "sent"), (400, "failed"), (500, "queued")])
def test_the_real_notify_client_against_a_local_api(make_app, monkeypatch, status, outcome):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setattr(FakeNotifyApi, "status", status)
    monkeypatch.setattr(FakeNotifyApi, "received", [])
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotifyApi)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,))
    thread.start()
    try:
        local = functools.partial(
            NotificationsAPIClient, base_url=f"http://127.0.0.1:{server.server_address[1]}"
        )
        monkeypatch.setattr(outbox, "NotificationsAPIClient", local)
        app = notify_app(make_app)
        with app.app_context():
            queue()
            send_queued()
            message = the_message()
            assert message.status == outcome
            assert RECIPIENT not in (message.last_error or "")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    [(path, body, authorization)] = FakeNotifyApi.received
    assert path == "/v2/notifications/email" and authorization.startswith("Bearer ")
    assert body["template_id"] == TEMPLATE_ID and body["email_address"] == RECIPIENT


def test_notify_unreachable_is_retried(make_app, closed_port, monkeypatch):
    local = functools.partial(NotificationsAPIClient, base_url=f"http://127.0.0.1:{closed_port}")
    monkeypatch.setattr(outbox, "NotificationsAPIClient", local)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    app = notify_app(make_app)
    with app.app_context():
        queue()
        send_queued()
        message = the_message()
        assert message.status == "queued" and message.last_error == "HTTP503Error 503"
