"""The outbox (queued by reviews.notifications) and its sending (web.outbox: the backends and
the send loop), against the real database and real local servers.

SMTP goes to a small SMTP server started here on 127.0.0.1; the Notify client talks to a fake
class or to a local HTTP server. Nothing leaves the machine.
"""

from __future__ import annotations

import email
import email.policy
import functools
import json
import os
import re
import signal
import socket
import socketserver
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import requests
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import web.outbox as outbox
from reviews import clock
from reviews.database import db
from reviews.models import OutboxMessage
from reviews.notifications import failed_messages, queue_email
from tests.conftest import empty_all_tables, make_test_app
from tests.journey_data import complainant_steps
from web import create_app
from web.config import DEFAULT_EMAIL_FROM, ConfigError, load_config
from web.outbox import MAX_ATTEMPTS, SmtpBackend, retry_delay, send_queued

RECIPIENT = "sam@example.com"
PERSONALISATION = {
    "reference": "AB12-CD34",
    "acknowledgement_due": "1 December 2026",
    "link": "http://localhost/what-happens-next",
}
NOTIFY_KEY = (
    "test-"
    + "11111111-2222-3333-4444-555555555555"
    + "-"
    + "6" * 8
    + "-7777-8888-9999-000000000000"
)
TEMPLATE_ID = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


class SmtpServer:
    """Enough SMTP to receive mail on 127.0.0.1: records each message, can refuse recipients
    with a given code, or turn every connection away with 421."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.refuse: dict[str, int] = {}
        self.unavailable = False
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                outer._session(self.rfile, self.wfile)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))

    def __enter__(self) -> SmtpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _session(self, rfile, wfile) -> None:
        def reply(line: str) -> None:
            wfile.write(line.encode() + b"\r\n")
            wfile.flush()

        if self.unavailable:
            reply("421 127.0.0.1 Service not available")
            return
        reply("220 127.0.0.1 test SMTP")
        mail_from, recipients = "", []
        while line := rfile.readline():
            command = line.decode().rstrip("\r\n")
            verb = command[:4].upper()
            address = command.partition(":")[2].strip().strip("<>")
            if verb == "EHLO":
                reply("250-127.0.0.1")
                reply("250 8BITMIME")
            elif verb in {"HELO", "RSET", "NOOP"}:
                mail_from, recipients = "", []
                reply("250 OK")
            elif verb == "MAIL":
                mail_from = address
                reply("250 OK")
            elif verb == "RCPT":
                reply(self._recipient(address, recipients))
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                self.messages.append((mail_from, recipients, self._message(rfile)))
                reply("250 OK queued")
            elif verb == "QUIT":
                reply("221 Bye")
                return
            else:
                reply("502 Command not implemented")

    def _recipient(self, address: str, recipients: list[str]) -> str:
        """Take or refuse one RCPT TO address: the reply line."""
        if address in self.refuse:
            return f"{self.refuse[address]} refused"
        recipients.append(address)
        return "250 OK"

    @staticmethod
    def _message(rfile) -> email.message.EmailMessage:
        """Read DATA up to the lone dot, undoing dot-stuffing."""
        data = b""
        while (chunk := rfile.readline()) not in {b".\r\n", b""}:
            data += chunk[1:] if chunk.startswith(b"..") else chunk
        assert data.isascii()  # nothing 8-bit on the wire
        return email.message_from_bytes(data.replace(b"\r\n", b"\n"), policy=email.policy.default)


@pytest.fixture
def smtp_server():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def closed_port():
    """A port bound to nothing that listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def make_app(migrated_database, tmp_path):
    made = []

    def make(**overrides):
        app = make_test_app(migrated_database, tmp_path / "instance", **overrides)
        made.append(app)
        return app

    yield make
    if made:
        empty_all_tables(made[0])


def smtp_app(make_app, port: int):
    return make_app(EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_USE_TLS=False)


def notify_app(make_app):
    return make_app(
        EMAIL_BACKEND="notify", NOTIFY_API_KEY=NOTIFY_KEY, NOTIFY_TEMPLATE_ID=TEMPLATE_ID
    )


def queue(event_key: str = "request-received:AB12CD34:0", recipient: str = RECIPIENT) -> int:
    message = queue_email(event_key, "request_received", recipient, PERSONALISATION)
    db.session.commit()
    return message.id


def the_message() -> OutboxMessage:
    db.session.rollback()
    return db.session.scalars(select(OutboxMessage)).one()


# SMTP


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


# GOV.UK Notify


class FakeNotifyClient:
    """Stands in for NotificationsAPIClient: records what the backend asks of it."""

    calls: ClassVar[list[dict]] = []
    keys: ClassVar[list[str]] = []
    error: Exception | None = None

    def __init__(self, api_key, **options):
        self.keys.append(api_key)

    def send_email_notification(self, **arguments):
        self.calls.append(arguments)
        if self.error is not None:
            raise self.error
        return {"id": "740e5834-3a29-46b4-9a6f-16142fde533a"}


@pytest.fixture
def fake_notify(monkeypatch):
    monkeypatch.setattr(FakeNotifyClient, "calls", [])
    monkeypatch.setattr(FakeNotifyClient, "keys", [])
    monkeypatch.setattr(FakeNotifyClient, "error", None)
    monkeypatch.setattr(outbox, "NotificationsAPIClient", FakeNotifyClient)
    return FakeNotifyClient


def notify_error(status: int) -> HTTPError:
    response = requests.Response()
    response.status_code = status
    return HTTPError(response)


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


class FakeNotifyApi(BaseHTTPRequestHandler):
    """Answers POST /v2/notifications/email as Notify does, with the status it is told."""

    status = 201
    received: ClassVar[list[tuple[str, dict, str]]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.path, body, self.headers["Authorization"]))
        if self.status == 201:
            answer = {"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "reference": body["reference"]}
        else:
            error = {"error": "ValidationError", "message": "email_address Not a valid email"}
            answer = {"status_code": self.status, "errors": [error]}
        payload = json.dumps(answer).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


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


# One message per event


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


# After a crash


TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def send_a_review_request(client) -> None:
    token = TOKEN.search(client.get("/request/about-the-met").text).group(1)
    for slug, data in complainant_steps():
        response = client.post(
            f"/request/{slug}",
            data={"csrf_token": token, **data},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, slug
    response = client.post("/request/check-answers", data={"csrf_token": token})
    assert response.location.endswith("/request/sent")


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


# The worker


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


# The staff task list


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


# Configuration


@pytest.fixture
def email_environment(monkeypatch, tmp_path):
    for name in (
        "APP_ENV",
        "SECRET_KEY",
        "DATABASE_URL",
        "EMAIL_BACKEND",
        "EMAIL_FROM",
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_USERNAME",
        "SMTP_PASSWORD",
        "SMTP_USE_TLS",
        "NOTIFY_API_KEY",
        "NOTIFY_TEMPLATE_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    return monkeypatch


def test_email_defaults(email_environment):
    config = load_config("development")
    assert config["EMAIL_BACKEND"] == "log"
    assert config["EMAIL_FROM"] == DEFAULT_EMAIL_FROM
    assert (config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_USE_TLS"]) == (
        "localhost",
        587,
        True,
    )


def test_notify_and_smtp_settings_are_read(email_environment):
    email_environment.setenv("EMAIL_BACKEND", "notify")
    email_environment.setenv("NOTIFY_API_KEY", NOTIFY_KEY)
    email_environment.setenv("NOTIFY_TEMPLATE_ID", TEMPLATE_ID)
    assert load_config("development")["NOTIFY_TEMPLATE_ID"] == TEMPLATE_ID
    email_environment.setenv("EMAIL_BACKEND", "smtp")
    email_environment.setenv("SMTP_USE_TLS", "false")
    email_environment.setenv("SMTP_PORT", "25")
    config = load_config("development")
    assert config["SMTP_USE_TLS"] is False and config["SMTP_PORT"] == 25


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"EMAIL_BACKEND": "notify"}, "NOTIFY_API_KEY"),
        ({"EMAIL_BACKEND": "notify", "NOTIFY_API_KEY": "secret"}, "NOTIFY_API_KEY"),
        ({"EMAIL_BACKEND": "notify", "NOTIFY_API_KEY": NOTIFY_KEY}, "NOTIFY_TEMPLATE_ID"),
        ({"EMAIL_BACKEND": "sendgrid"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "smtp", "SMTP_USE_TLS": "perhaps"}, "SMTP_USE_TLS"),
        ({"EMAIL_BACKEND": "smtp", "SMTP_PORT": "smtp"}, "SMTP_PORT"),
        ({"EMAIL_BACKEND": "smtp", "EMAIL_FROM": "MOPAC"}, "EMAIL_FROM"),
        ({"EMAIL_BACKEND": "smtp", "SMTP_USERNAME": "mopac"}, "SMTP_PASSWORD"),
        (
            {
                "EMAIL_BACKEND": "smtp",
                "SMTP_USERNAME": "mopac",
                "SMTP_PASSWORD": "pw",
                "SMTP_USE_TLS": "false",
            },
            "SMTP_USE_TLS",
        ),
    ],
)
def test_email_settings_that_cannot_work_stop_the_app_starting(email_environment, settings, named):
    for name, value in settings.items():
        email_environment.setenv(name, value)
    with pytest.raises(ConfigError, match=named):
        load_config("development")
    with pytest.raises(ConfigError, match=named):
        create_app({"APP_ENV": "development"})
