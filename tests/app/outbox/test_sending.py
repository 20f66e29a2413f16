"""The outbox (queued by reviews.notifications) and its send loop (web.outbox): one message per
event, after a crash, the worker, and the staff task list of failures."""

from __future__ import annotations

import os
import signal
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import web.outbox as outbox
from reviews import clock
from reviews.database import db
from reviews.models import OutboxMessage
from reviews.notifications import failed_messages, queue_email
from tests.journey import send_a_review_request
from tests.outbox_support import PERSONALISATION, RECIPIENT, queue, smtp_app, the_message
from web.outbox import send_queued


def test_the_same_event_twice_in_one_transaction_queues_nothing_twice(app):
    with app.app_context():
        queue_email("event:1", "request_received", RECIPIENT, PERSONALISATION)
        queue_email("event:1", "request_received", RECIPIENT, PERSONALISATION)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_same_event_in_a_second_transaction_is_refused(app):
    with app.app_context():
        queue("event:1")
        queue_email("event:1", "request_received", "other@example.com", PERSONALISATION)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert [message.recipient for message in db.session.scalars(select(OutboxMessage))] == [
            RECIPIENT
        ]


def test_two_senders_at_once_send_a_message_once(app, monkeypatch):
    """The second sender starts while the first is in the middle of sending."""
    first_sending = threading.Event()
    second_done = threading.Event()
    deliveries, errors = [], []

    class SlowBackend:
        def send(self, recipient, subject, body, reference):
            deliveries.append(reference)
            first_sending.set()
            # On PostgreSQL the second sender skips the locked row and finishes at once; on
            # SQLite it waits for the write lock, so this wait runs out.
            second_done.wait(timeout=1)

    monkeypatch.setattr(outbox, "email_backend", SlowBackend)
    with app.app_context():
        queue()

    def sender(before=None, after=None):
        try:
            if before is not None:
                assert before.wait(timeout=10)
            with app.app_context():
                send_queued()
        except Exception as error:
            errors.append(error)
        finally:
            if after is not None:
                after.set()

    threads = [
        threading.Thread(target=sender),
        threading.Thread(target=sender, kwargs={"before": first_sending, "after": second_done}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert deliveries == ["request-received:AB12CD34:0"]
    with app.app_context():
        message = the_message()
        assert message.status == "sent" and message.attempts == 1


def test_a_confirmation_not_sent_after_commit_is_sent_once_by_the_sender(
    make_app, smtp_server, monkeypatch
):
    app = smtp_app(make_app, smtp_server.port)

    def crash():
        raise RuntimeError("the process died here")

    with monkeypatch.context() as crashing:
        crashing.setattr(outbox, "email_backend", crash)
        send_a_review_request(app.test_client())
    with app.app_context():
        message = the_message()
        assert message.status == "queued" and message.attempts == 0
    assert smtp_server.messages == []

    runner = app.test_cli_runner()
    output = runner.invoke(args=["reviews", "send-notifications"]).output
    assert "Sent: 1." in output
    assert "Sent: 0." in runner.invoke(args=["reviews", "send-notifications"]).output
    [(_, recipients, received)] = smtp_server.messages
    assert recipients == ["Sam@example.com"]
    assert received["Subject"].startswith("We have your review request: ")
    with app.app_context():
        assert the_message().status == "sent"


def test_a_confirmation_that_failed_after_commit_is_retried_once_due(
    make_app, smtp_server, monkeypatch
):
    smtp_server.unavailable = True
    app = smtp_app(make_app, smtp_server.port)
    send_a_review_request(app.test_client())
    runner = app.test_cli_runner()
    # The worker's first try: the mail server turns it away.
    assert "To retry later: 1." in runner.invoke(args=["reviews", "send-notifications"]).output
    with app.app_context():
        message = the_message()
        assert message.status == "queued" and message.attempts == 1
        assert message.last_error == "SMTPConnectError 421"
    smtp_server.unavailable = False

    assert "Sent: 0." in runner.invoke(args=["reviews", "send-notifications"]).output
    clock.advance(timedelta(minutes=2))
    assert "Sent: 1." in runner.invoke(args=["reviews", "send-notifications"]).output
    assert "Sent: 0." in runner.invoke(args=["reviews", "send-notifications"]).output
    assert len(smtp_server.messages) == 1


def test_the_sender_loops_until_told_to_stop(make_app, smtp_server, monkeypatch):
    app = smtp_app(make_app, smtp_server.port)
    with app.app_context():
        queue()
    rounds = []
    real = outbox.send_due_messages

    def counted(**options):
        rounds.append(1)
        counts = real(**options)
        if len(rounds) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return counts

    monkeypatch.setattr("web.cli.send_due_messages", counted)
    handler_before = signal.getsignal(signal.SIGTERM)
    result = app.test_cli_runner().invoke(
        args=["reviews", "send-notifications", "--loop", "--interval", "0.1"]
    )
    assert result.exit_code == 0, result.output
    assert len(rounds) == 2
    assert result.output == "Sent: 1. To retry later: 0. Could not be sent: 0.\nStopped.\n"
    assert signal.getsignal(signal.SIGTERM) is handler_before
    assert len(smtp_server.messages) == 1


def test_failed_messages_newest_first(app):
    with app.app_context():
        now = clock.now()
        for number, status in enumerate(["failed", "sent", "failed", "queued"]):
            db.session.add(
                OutboxMessage(
                    event_key=f"event:{number}",
                    template="request_received",
                    recipient=RECIPIENT,
                    personalisation=PERSONALISATION,
                    status=status,
                    created_at=now + timedelta(minutes=number),
                )
            )
        db.session.commit()
        assert [message.event_key for message in failed_messages()] == ["event:2", "event:0"]
