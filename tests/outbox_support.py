"""Email for the outbox tests, on this machine only: a small SMTP server on 127.0.0.1, stand-ins
for the GOV.UK Notify client and API, and apps set up to send through them."""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import requests
from notifications_python_client.errors import HTTPError
from sqlalchemy import select

from reviews.database import db
from reviews.models import OutboxMessage
from reviews.notifications import queue_email

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


def notify_error(status: int) -> HTTPError:
    response = requests.Response()
    response.status_code = status
    return HTTPError(response)


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
