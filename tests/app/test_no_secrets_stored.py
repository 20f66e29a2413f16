"""No usable secret is kept: after a journey saved for later, resumed from its emailed link,
reminded and sent, no column of any table and no log line holds a save-and-return token, a link
with one, or the key a browser's session holds for its draft. Only hashes are stored."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import OutboxMessage
from reviews.reminders import queue_deadline_reminders
from tests.app.test_retention import text_columns_holding
from tests.forms import post_form
from tests.journey import Journey
from tests.journey_data import complainant_steps

RESUME_LINK = re.compile(r"https?://\S+/request/resume/([A-Za-z0-9_-]+)")


class RecordingBackend:
    """An email backend that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.bodies: list[str] = []

    def send(self, recipient, subject, body, reference, attachments=()) -> None:
        self.bodies.append(body)


def record_sent_email(monkeypatch) -> RecordingBackend:
    """Email the outbox sends goes to a RecordingBackend for the rest of the test."""
    backend = RecordingBackend()
    monkeypatch.setattr("web.outbox.email_backend", lambda: backend)
    return backend


@pytest.fixture
def sent(monkeypatch) -> RecordingBackend:
    return record_sent_email(monkeypatch)


def send_outbox(app) -> None:
    from web.outbox import send_queued

    with app.app_context():
        send_queued()


def session_key(client) -> str:
    with client.session_transaction() as session:
        return session["draft_id"]


def links_in(bodies: list[str]) -> list[tuple[str, str]]:
    """Each save-and-return link in the emails sent, and its token."""
    return [
        (match.group(0), match.group(1)) for body in bodies for match in RESUME_LINK.finditer(body)
    ]


def path_of(link: str) -> str:
    return urlsplit(link).path


def test_no_token_link_or_session_key_is_stored_or_logged(app, sent, caplog):
    caplog.set_level(logging.DEBUG)
    secrets_seen: list[str] = []

    # Saved for later, then resumed in another browser from the emailed link, then sent.
    first = Journey(app.test_client())
    rest = first.walk_to("your-name")
    secrets_seen.append(session_key(first.client))
    assert first.post("/request/save", {"email": "sam@example.com"}).status_code == 302
    send_outbox(app)
    ((saved_link, saved_token),) = links_in(sent.bodies)
    secrets_seen += [saved_link, saved_token]

    other = Journey(app.test_client())
    assert post_form(other.client, path_of(saved_link)).status_code == 302
    secrets_seen.append(session_key(other.client))
    other.walk(rest)
    assert other.send().location.endswith("/request/sent")

    # Saved near its deadline, reminded: the reminder carries a fresh link.
    near = Journey(app.test_client())
    near.walk_to("your-name", complainant_steps(clock.today() - timedelta(days=25)))
    secrets_seen.append(session_key(near.client))
    assert near.post("/request/save", {"email": "kim@example.com"}).status_code == 302
    with app.app_context():
        assert queue_deadline_reminders(clock.today()) == 1
    send_outbox(app)
    reminder_links = links_in(sent.bodies)[1:]
    assert len(reminder_links) == 2  # the save's email, then the reminder
    for link, token in reminder_links:
        secrets_seen += [link, token]

    # The links work: they were not spoiled by keeping only their hashes.
    resumed = post_form(app.test_client(), path_of(reminder_links[-1][0]))
    assert resumed.status_code == 302

    with app.app_context():
        assert text_columns_holding(tuple(secrets_seen)) == []
        delivered = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.template.in_(("draft_saved", "draft_reminder"))
            )
        ).all()
        assert len(delivered) == 3
        assert all(message.status == "sent" for message in delivered)
        assert all(message.personalisation == {} for message in delivered)
    logged = "\n".join(record.getMessage() + repr(record.__dict__) for record in caplog.records)
    assert [secret for secret in secrets_seen if secret in logged] == []


def test_a_draft_cookie_from_before_resuming_no_longer_opens_it(app, sent):
    """Resuming gives the new browser a new key: an old copy of the cookie is no use."""
    first = Journey(app.test_client())
    first.walk_to("your-name")
    assert first.post("/request/save", {"email": "sam@example.com"}).status_code == 302
    send_outbox(app)
    ((link, _),) = links_in(sent.bodies)
    other = app.test_client()
    assert post_form(other, path_of(link)).status_code == 302
    assert session_key(other) != session_key(first.client)
    # The first browser starts again rather than seeing the resumed draft's answers.
    assert first.client.get("/request/start").location.endswith("/request/who-is-asking")
