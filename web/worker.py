"""The worker: the one long-running process that does what no web request may (`flask --app wsgi
reviews worker`).

Every `interval` seconds, one round:

1. deadline reminders for saved drafts (at most every REMINDERS_EVERY; idempotent anyway: a
   draft is reminded once),
2. expired drafts purged, with their files (at most every PURGE_EVERY),
3. the retention schedule applied (reviews.retention; at most every RETENTION_EVERY, a day),
4. uploaded documents virus-scanned by clamd (reviews.scanning; VIRUS_SCANNER), a batch a round,
   and sessions that can never be used again deleted (reviews.sessions; with the purge, hourly),
5. the email that is due sent from the outbox (web.outbox: claimed, retried, at least once),
6. a heartbeat in the database (reviews.heartbeat), which /readyz on any web host checks
   against WORKER_HEARTBEAT_MAX_SECONDS.

A step that fails (the database gone, say) is logged and tried again next round; the others
still run. SIGTERM or SIGINT stops the worker after the round it is in, and the sending step
stops between messages, never in the middle of one (where an email could go out without being
recorded as sent, and so go again). A second Ctrl-C stops it at once.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType
from typing import TypeVar

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from reviews import clock
from reviews.database import db
from reviews.drafts import purge_expired_drafts
from reviews.heartbeat import beat
from reviews.reminders import queue_deadline_reminders
from reviews.retention import RetentionReport, apply_retention
from reviews.scanning import ClamdScanner, scan_pending_documents
from reviews.sessions import purge_sessions
from web.config import retention_schedule
from web.outbox import SendCounts, send_due_messages

logger = logging.getLogger("web.worker")
T = TypeVar("T")

DEFAULT_INTERVAL_SECONDS = 5.0
REMINDERS_EVERY = timedelta(hours=1)
PURGE_EVERY = timedelta(hours=1)
RETENTION_EVERY = timedelta(days=1)


def queue_reminders() -> int:
    """Queue the deadline reminders that are due (their links are made as they are sent)."""
    return queue_deadline_reminders(clock.today())


@dataclass
class RoundReport:
    """What one round did; a step that failed is named in `failed`."""

    reminders: int | None = None
    purged: int | None = None
    retention: RetentionReport | None = None
    scanned: dict[str, int] | None = None
    email: SendCounts | None = None
    beat: bool = False
    failed: list[str] = field(default_factory=list)


@dataclass
class Worker:
    """Runs rounds in an app context. Hourly steps are timed by the clock (reviews.clock)."""

    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    started_at: datetime = field(default_factory=clock.now)
    reminders_every: timedelta = REMINDERS_EVERY
    purge_every: timedelta = PURGE_EVERY
    retention_every: timedelta = RETENTION_EVERY
    last_reminders: datetime | None = None
    last_purge: datetime | None = None
    last_retention: datetime | None = None

    def run_round(self, should_stop: Callable[[], bool] | None = None) -> RoundReport:
        report = RoundReport()
        now = clock.now()
        if self.last_reminders is None or now - self.last_reminders >= self.reminders_every:
            report.reminders = self._step("reminders", report, queue_reminders)
            if report.reminders is not None:
                self.last_reminders = now
        if self.last_purge is None or now - self.last_purge >= self.purge_every:
            report.purged = self._step("purge", report, _purge)
            if report.purged is not None:
                self.last_purge = now
        if self.last_retention is None or now - self.last_retention >= self.retention_every:
            report.retention = self._step("retention", report, apply_retention_now)
            if report.retention is not None:
                self.last_retention = now
        report.scanned = self._step("scan", report, scan_uploads)
        report.email = self._step(
            "email", report, lambda: send_due_messages(should_stop=should_stop)
        )
        report.beat = self._step("heartbeat", report, self._beat) is not None
        _log(report)
        return report

    def _beat(self) -> bool:
        beat(self.name, self.started_at)
        db.session.commit()
        return True

    def _step(self, name: str, report: RoundReport, step: Callable[[], T]) -> T | None:
        try:
            return step()
        except SQLAlchemyError as error:  # the database may be back next round
            db.session.rollback()
            logger.warning("worker %s: database unavailable (%s)", name, type(error).__name__)
        except Exception as error:
            db.session.rollback()
            logger.error("worker %s failed: %s", name, type(error).__name__)
        report.failed.append(name)
        return None


def _purge() -> int:
    deleted = purge_expired_drafts()
    purge_sessions()
    db.session.commit()
    return deleted


def scan_uploads() -> dict[str, int]:
    """Scan a batch of pending documents with the configured scanner (none: not scanned)."""
    scanner = ClamdScanner.from_setting(str(current_app.config.get("VIRUS_SCANNER") or ""))
    return scan_pending_documents(scanner)


def apply_retention_now(dry_run: bool = False) -> RetentionReport:
    """Apply the configured retention schedule, in one transaction."""
    report = apply_retention(retention_schedule(current_app.config), dry_run=dry_run)
    db.session.commit()
    return report


def _log(report: RoundReport) -> None:
    email = report.email
    if report.reminders:
        logger.info("worker queued %d deadline reminders", report.reminders)
    if report.purged:
        logger.info("worker deleted %d expired drafts", report.purged)
    if report.retention is not None and report.retention.counts.total():
        # Kinds and counts only: never a reference or anything else about whose.
        counts = ", ".join(f"{kind} {number}" for kind, number in report.retention.counts.items())
        logger.info("worker applied the retention schedule: %s", counts)
    if report.scanned and any(report.scanned.values()):
        counts = ", ".join(f"{status} {number}" for status, number in report.scanned.items())
        logger.info("worker scanned documents: %s", counts)
    if email is not None and (email.sent or email.retrying or email.failed):
        logger.info(
            "worker email: sent %d, to retry later %d, could not be sent %d",
            email.sent,
            email.retrying,
            email.failed,
        )


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by the first SIGTERM or SIGINT; the handlers before are put back then, so a
    second Ctrl-C stops at once. Restored on leaving, too."""
    stop = threading.Event()
    numbers = (signal.SIGINT, signal.SIGTERM)
    # A handler not set from Python reads as None; putting back the default is the nearest.
    previous = {number: signal.getsignal(number) or signal.SIG_DFL for number in numbers}

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    def handle(number: int, _frame: FrameType | None) -> None:
        logger.info("worker stopping after this round (%s)", signal.Signals(number).name)
        stop.set()
        restore()

    for number in numbers:
        signal.signal(number, handle)
    try:
        yield stop
    finally:
        restore()


def run_worker(interval: float = DEFAULT_INTERVAL_SECONDS, worker: Worker | None = None) -> None:
    """Run rounds every `interval` seconds until SIGTERM or SIGINT. Needs an app context."""
    worker = worker or Worker()
    with stop_on_signals() as stop:
        logger.info("worker %s started: a round every %s seconds", worker.name, interval)
        while not stop.is_set():
            worker.run_round(should_stop=stop.is_set)
            stop.wait(interval)
    logger.info("worker %s stopped", worker.name)
