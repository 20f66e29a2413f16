"""The worker (`flask reviews worker`): each round sends due email, queues deadline reminders
and purges expired drafts (those two at most hourly), and writes the heartbeat /readyz reads.
SIGTERM stops it after the round it is in."""

from __future__ import annotations

import logging
import os
import signal
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

import web.worker
from reviews import clock
from reviews.database import db
from reviews.drafts import start_draft
from reviews.models import Draft, OutboxMessage, WorkerHeartbeat
from reviews.notifications import queue_email
from tests.journey_data import complainant_steps
from web.worker import Worker

PERSONALISATION = {"reference": "AB12-CD34", "acknowledgement_due": "1 December 2026"}


def saved_draft_near_its_deadline(journey) -> None:
    """Saved for later with 3 days left to ask: due a reminder."""
    journey.walk_to("your-name", complainant_steps(clock.today() - timedelta(days=25)))
    assert journey.post("/request/save", {"email": "sam@example.com"}).status_code == 302


def expired_draft() -> str:
    draft = start_draft()
    draft.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    return draft.id


def messages_by_template() -> dict[str, str]:
    db.session.rollback()
    return {
        message.template: message.status for message in db.session.scalars(select(OutboxMessage))
    }


def test_one_round_reminds_purges_sends_and_beats(app, journey):
    saved_draft_near_its_deadline(journey)
    with app.app_context():
        queue_email("event:1", "request_received", "sam@example.com", PERSONALISATION)
        db.session.commit()
        expired = expired_draft()
        worker = Worker(name="test-worker")

        report = worker.run_round()

        assert report.failed == []
        assert report.reminders == 1 and report.purged == 1 and report.beat
        # The reminder queued this round went out with the rest.
        assert report.email is not None and report.email.sent == 3
        assert messages_by_template() == {
            "draft_saved": "sent",
            "draft_reminder": "sent",
            "request_received": "sent",
        }
        assert db.session.get(Draft, expired) is None
        heartbeat = db.session.get(WorkerHeartbeat, "test-worker")
        assert heartbeat is not None and heartbeat.beat_at >= heartbeat.started_at


def test_reminders_and_purges_run_hourly_email_and_heartbeat_every_round(app):
    with app.app_context():
        worker = Worker(name="test-worker")
        first = worker.run_round()
        assert first.reminders == 0 and first.purged == 0
        beat_before = db.session.get(WorkerHeartbeat, "test-worker").beat_at

        clock.advance(timedelta(minutes=30))
        expired = expired_draft()
        second = worker.run_round()
        assert second.reminders is None and second.purged is None
        assert second.email is not None and second.beat
        db.session.rollback()
        assert db.session.get(WorkerHeartbeat, "test-worker").beat_at > beat_before
        assert db.session.get(Draft, expired) is not None

        clock.advance(timedelta(minutes=31))
        third = worker.run_round()
        assert third.reminders == 0 and third.purged == 1


def test_a_failing_step_is_logged_and_the_others_still_run(app, monkeypatch, caplog):
    def database_gone(**_options):
        raise OperationalError("SELECT", {}, ConnectionRefusedError("down"))

    monkeypatch.setattr(web.worker, "send_due_messages", database_gone)
    caplog.set_level(logging.WARNING, logger="web.worker")
    with app.app_context():
        report = Worker(name="test-worker").run_round()
        assert report.failed == ["email"]
        assert report.reminders == 0 and report.purged == 0 and report.beat
    assert "worker email: database unavailable (OperationalError)" in caplog.text


def test_sigterm_stops_the_worker_after_its_round(app, monkeypatch):
    rounds = []
    real_round = Worker.run_round

    def counted(self, should_stop=None):
        report = real_round(self, should_stop)
        rounds.append(report)
        if len(rounds) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return report

    monkeypatch.setattr(Worker, "run_round", counted)
    handler_before = signal.getsignal(signal.SIGTERM)
    with app.app_context():
        queue_email("event:1", "request_received", "sam@example.com", PERSONALISATION)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["reviews", "worker", "--interval", "0.1"])
    assert result.exit_code == 0, result.output
    assert len(rounds) == 2
    assert signal.getsignal(signal.SIGTERM) is handler_before
    with app.app_context():
        assert messages_by_template() == {"request_received": "sent"}
        assert db.session.scalar(select(func.count()).select_from(WorkerHeartbeat)) == 1


def test_the_sending_step_stops_between_messages_when_told(app):
    with app.app_context():
        for number in range(3):
            queue_email(f"event:{number}", "request_received", "sam@example.com", PERSONALISATION)
        db.session.commit()
        asked = []

        def stop_after_one() -> bool:
            asked.append(1)
            return len(asked) > 1

        report = Worker(name="test-worker").run_round(should_stop=stop_after_one)
        assert report.email is not None and report.email.sent == 1
        assert report.beat  # the round still ends with its heartbeat


def test_workers_long_gone_are_forgotten(app):
    with app.app_context():
        Worker(name="old-worker").run_round()
        clock.advance(timedelta(days=8))
        Worker(name="new-worker").run_round()
        db.session.rollback()
        assert [row.worker for row in db.session.scalars(select(WorkerHeartbeat))] == ["new-worker"]
