"""Save and come back later: a single-use link by email, and a reminder before the deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.drafts import purge_expired_drafts
from reviews.models import Draft
from reviews.reminders import queue_deadline_reminders
from tests.app.test_no_secrets_stored import (
    RecordingBackend,
    links_in,
    path_of,
    record_sent_email,
    send_outbox,
)
from tests.forms import post_form
from tests.journey_data import complainant_steps


def save(journey, email="sam@example.com"):
    return journey.post("/request/save", {"email": email})


@pytest.fixture
def sent(monkeypatch) -> RecordingBackend:
    return record_sent_email(monkeypatch)


def link_from_outbox(app, sent: RecordingBackend) -> str:
    """Send what is queued (the worker makes the link as it sends) and read the newest link."""
    send_outbox(app)
    return path_of(links_in(sent.bodies)[-1][0])


def resume(client, path):
    return post_form(client, path)


def test_save_then_resume_in_another_browser_once(app, journey, sent):
    journey.walk_to("your-name")
    response = save(journey)
    assert response.location.endswith("/request/saved")
    assert "It works once, until" in journey.client.get("/request/saved").text
    link = link_from_outbox(app, sent)

    other_browser = app.test_client()
    page = other_browser.get(link)
    assert page.status_code == 200 and "Carry on with your request" in page.text
    resumed = resume(other_browser, link)
    assert resumed.location.endswith("/request/your-name")
    assert "Sam" not in other_browser.get("/request/your-name").text  # not answered yet
    assert other_browser.get("/request/who-is-asking").status_code == 200

    used_again = resume(app.test_client(), link)
    assert used_again.status_code == 410
    assert "This link has expired or has been used" in used_again.text


def test_opening_the_link_does_not_use_it_up(app, journey, sent):
    journey.walk(complainant_steps()[:3])
    save(journey)
    link = link_from_outbox(app, sent)
    for _ in range(3):
        app.test_client().get(link)
    assert resume(app.test_client(), link).status_code == 302


def test_saved_drafts_are_kept_for_30_days(app, journey):
    steps = complainant_steps()
    journey.walk(steps[:3])
    save(journey)
    # Answering again after saving must not cut the 30 days short.
    journey.walk(steps[3:4])
    with app.app_context():
        assert purge_expired_drafts(clock.now() + timedelta(days=3)) == 0
        assert purge_expired_drafts(clock.now() + timedelta(days=31)) == 1
        db.session.commit()


def test_an_expired_link_is_refused(app, journey, sent):
    journey.walk(complainant_steps()[:3])
    save(journey)
    link = link_from_outbox(app, sent)
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        draft.resume_token_expires_at = clock.now() - timedelta(minutes=1)
        db.session.commit()
    assert resume(app.test_client(), link).status_code == 410


def test_save_needs_an_email_address(journey):
    journey.walk(complainant_steps()[:3])
    response = save(journey, email="")
    assert "Enter the email address to send your link to" in response.text


def test_one_reminder_when_three_days_are_left(app, journey, sent):
    letter_date = clock.today() - timedelta(days=25)
    journey.walk_to("your-name", complainant_steps(letter_date))
    save(journey)
    first_link = link_from_outbox(app, sent)
    with app.app_context():
        assert queue_deadline_reminders(clock.today()) == 1
        assert queue_deadline_reminders(clock.today()) == 0
    reminder_link = link_from_outbox(app, sent)
    # The reminder's link replaces the first one.
    assert resume(app.test_client(), first_link).status_code == 410
    assert resume(app.test_client(), reminder_link).status_code == 302


def test_no_reminder_while_there_is_time(app, journey):
    journey.walk_to("your-name", complainant_steps(clock.today() - timedelta(days=5)))
    save(journey)
    with app.app_context():
        assert queue_deadline_reminders(clock.today()) == 0
