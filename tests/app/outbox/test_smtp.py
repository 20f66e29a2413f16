"""Sending the outbox by SMTP, to a small server on 127.0.0.1: delivery, refusals, back-off."""

from __future__ import annotations

from datetime import timedelta

import web.outbox as outbox
from reviews import clock
from reviews.models import OutboxMessage
from reviews.notifications import failed_messages
from tests.outbox_support import PERSONALISATION, RECIPIENT, queue, smtp_app, the_message
from web.config import DEFAULT_EMAIL_FROM
from web.outbox import MAX_ATTEMPTS, SmtpBackend, retry_delay, send_queued


def test_smtp_delivers_the_message_and_marks_it_sent(make_app, smtp_server):
    app = smtp_app(make_app, smtp_server.port)
    with app.app_context():
        queue()
        assert send_queued() == 1
        message = the_message()
        assert message.status == "sent" and message.attempts == 1
        assert message.sent_at is not None and message.next_attempt_at is None
    [(mail_from, recipients, received)] = smtp_server.messages
    assert mail_from == "no-reply@mopac.london.gov.uk" and recipients == [RECIPIENT]
    assert received["From"] == DEFAULT_EMAIL_FROM
    assert received["To"] == RECIPIENT
    assert received["Subject"] == "We have your review request: AB12-CD34"
    body = received.get_content()
    assert "Your tracking reference is: AB12-CD34" in body
    assert "http://localhost/what-happens-next" in body
    assert received["Message-ID"].endswith("@mopac.london.gov.uk>")


def test_the_tracker_link_is_added_when_sending_from_the_public_address(make_app):
    # Queued messages about a request hold no link; sending adds the tracker's public address,
    # the same from a command as from a web request. A message with its own link keeps it.
    app = make_app(PUBLIC_BASE_URL="https://reviews.example/service")
    without_link = {key: value for key, value in PERSONALISATION.items() if key != "link"}
    with app.app_context():
        assert outbox.tracker_url() == "https://reviews.example/service/track"
        _, body = outbox.render_email(
            OutboxMessage(template="request_received", personalisation=without_link)
        )
        assert "https://reviews.example/service/track\n" in body
        _, body = outbox.render_email(
            OutboxMessage(template="request_received", personalisation=PERSONALISATION)
        )
        assert "http://localhost/what-happens-next" in body and "reviews.example" not in body
    with app.test_request_context(base_url="http://staff.internal"):
        assert outbox.tracker_url() == "https://reviews.example/service/track"


def test_smtp_message_id_is_the_same_for_every_try_of_one_message(smtp_server):
    backend = SmtpBackend("127.0.0.1", smtp_server.port, "Team <team@example.org>", use_tls=False)
    backend.send(RECIPIENT, "Subject", "Body £5 \u2013 ok\n", "event:1")
    backend.send(RECIPIENT, "Subject", "Body\n", "event:1")
    backend.send(RECIPIENT, "Subject", "Body\n", "event:2")
    ids = [message["Message-ID"] for _, _, message in smtp_server.messages]
    assert ids[0] == ids[1] != ids[2]
    assert smtp_server.messages[0][2].get_content() == "Body £5 \u2013 ok\n"


def test_smtp_recipient_refused_for_good_fails_at_once(make_app, smtp_server):
    smtp_server.refuse[RECIPIENT] = 550
    app = smtp_app(make_app, smtp_server.port)
    with app.app_context():
        queue()
        assert send_queued() == 0
        message = the_message()
        assert message.status == "failed" and message.attempts == 1
        assert message.last_error == "recipient refused 550"
        assert message.next_attempt_at is None
        assert [failed.id for failed in failed_messages()] == [message.id]
    assert smtp_server.messages == []


def test_smtp_recipient_refused_for_now_is_retried(make_app, smtp_server):
    smtp_server.refuse[RECIPIENT] = 450
    app = smtp_app(make_app, smtp_server.port)
    with app.app_context():
        queue()
        send_queued()
        message = the_message()
        assert message.status == "queued" and message.attempts == 1
        assert message.last_error == "SMTPRecipientsRefused"


def test_smtp_server_down_backs_off_then_retries(make_app, closed_port, smtp_server):
    app = smtp_app(make_app, closed_port)
    with app.app_context():
        queue()
        before = clock.now()
        assert send_queued() == 0
        message = the_message()
        assert message.status == "queued" and message.attempts == 1
        assert message.last_error == "ConnectionRefusedError"
        first_retry = message.next_attempt_at
        assert before + timedelta(minutes=1) <= first_retry <= clock.now() + timedelta(minutes=1)

        # Not due yet: an immediate second run leaves it alone.
        assert send_queued() == 0
        assert the_message().attempts == 1

        # Once due it is tried again, and waits longer after failing again.
        assert send_queued(now=first_retry) == 0
        message = the_message()
        assert message.attempts == 2 and message.next_attempt_at == first_retry + timedelta(
            minutes=5
        )

        # The server is back.
        app.config["SMTP_PORT"] = smtp_server.port
        assert send_queued(now=first_retry + timedelta(minutes=5)) == 1
        assert the_message().status == "sent"
    assert len(smtp_server.messages) == 1


def test_a_message_is_failed_after_the_last_attempt(make_app, closed_port):
    app = smtp_app(make_app, closed_port)
    with app.app_context():
        queue()
        now = clock.now()
        for _ in range(MAX_ATTEMPTS):
            send_queued(now=now)
            now += timedelta(days=1)
        message = the_message()
        assert message.status == "failed" and message.attempts == MAX_ATTEMPTS
        assert send_queued(now=now + timedelta(days=30)) == 0
        assert the_message().attempts == MAX_ATTEMPTS


def test_retry_waits_grow_and_are_capped():
    waits = [retry_delay(attempts) for attempts in range(1, 8)]
    assert waits[:4] == [timedelta(minutes=minutes) for minutes in (1, 5, 30, 120)]
    assert waits == sorted(waits) and waits[-1] == waits[-2] <= timedelta(hours=4)
