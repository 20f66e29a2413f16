"""`flask reviews …`: operator commands."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from reviews.database import db
from reviews.drafts import purge_expired_drafts
from reviews.storage import reseal_all, unsealed_counts
from web.config import RETENTION_SETTINGS
from web.outbox import SendCounts, send_due_messages
from web.worker import (
    DEFAULT_INTERVAL_SECONDS,
    apply_retention_now,
    queue_reminders,
    run_worker,
)

reviews_cli = AppGroup("reviews", help="Operate the police complaint reviews service.")

# The settings an operator chooses, in the order the README's configuration table lists them.
SHOWN_SETTINGS = (
    "APP_ENV",
    "INSTANCE_PATH",
    "RATELIMIT_DEFAULT",
    "MAX_UPLOAD_FILE_BYTES",
    "MAX_UPLOAD_FILES",
    "EMAIL_BACKEND",
    "SMS_BACKEND",
    "MPS_PROFESSIONAL_STANDARDS_EMAIL",
    "VIRUS_SCANNER",
    "CONTACT_EMAIL",
    "FEEDBACK_URL",
    "PREFERRED_URL_SCHEME",
    "PROXY_FIX_X_FOR",
    "PROXY_FIX_X_PROTO",
    "PROXY_FIX_X_HOST",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "PERMANENT_SESSION_LIFETIME",
    *RETENTION_SETTINGS,
)


@reviews_cli.command("config")
def show_config() -> None:
    """Print the settings in force, with passwords and the secret key hidden."""
    config = current_app.config
    database = make_url(str(config["SQLALCHEMY_DATABASE_URI"]))
    rate_limit_storage = str(config["RATELIMIT_STORAGE_URI"])
    click.echo(f"DATABASE_URL = {database.render_as_string(hide_password=True)}")
    click.echo(f"RATELIMIT_STORAGE_URI = {_hide_password(rate_limit_storage)}")
    click.echo("SECRET_KEY = (set)")
    for name in SHOWN_SETTINGS:
        click.echo(f"{name} = {config[name]}")


def _hide_password(uri: str) -> str:
    scheme, separator, rest = uri.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return uri
    user = credentials.split(":", 1)[0]
    return f"{scheme}{separator}{user}:***@{host}"


@reviews_cli.command("rotate-upload-key")
@click.option("--check", is_flag=True, help="Only count the files not sealed with the first key.")
def rotate_upload_key(check: bool) -> None:
    """Seal every stored upload and letter with the first UPLOAD_ENCRYPTION_KEYS key: after
    putting a new key first, and once after migration 0021 (files stored before it)."""
    if not check:
        click.echo(f"Resealed {reseal_all(db.session)} file(s) with the first key.")
    for table_name, count in unsealed_counts(db.session).items():
        click.echo(f"Not sealed with the first key: {table_name}: {count}")
    db.session.rollback()


@reviews_cli.command("purge-drafts")
def purge_drafts() -> None:
    """Delete unsent drafts (and their files) that have expired (the worker does hourly)."""
    deleted = purge_expired_drafts()
    db.session.commit()
    click.echo(f"Deleted {deleted} expired drafts.")


@reviews_cli.command("apply-retention")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Only list what would be deleted (counts, and the references of the requests).",
)
def apply_retention_command(dry_run: bool) -> None:
    """Delete what the retention schedule says has been kept long enough (the worker does
    daily): finished requests past their period become stubs without personal data."""
    report = apply_retention_now(dry_run=dry_run)
    if dry_run:
        click.echo("Dry run: nothing was changed. This would go:")
    for kind, number in sorted(report.counts.items()):
        click.echo(f"{kind}: {number}")
    if report.held:
        click.echo(f"Kept because of a legal hold: {report.held} requests.")
    if report.references:
        click.echo("Requests: " + ", ".join(report.references))


@reviews_cli.command("send-notifications")
@click.option(
    "--loop",
    is_flag=True,
    help="Keep sending every --interval seconds until stopped (Ctrl-C or SIGTERM): a worker.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds between rounds with --loop.",
)
def send_notifications(loop: bool, interval: float) -> None:
    """Send the outbox messages that are due, once (the worker does every round), or with
    --loop until stopped."""
    if not loop:
        _echo_counts(send_due_messages())
        return
    stop = threading.Event()
    # Stop between messages rather than in the middle of one, where an email could go out
    # without being recorded as sent (and so go again).
    previous = {
        signal_number: signal.signal(signal_number, lambda *_: stop.set())
        for signal_number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        while not stop.is_set():
            try:
                counts = send_due_messages(should_stop=stop.is_set)
            except SQLAlchemyError as error:  # the database may be back next round
                db.session.rollback()
                click.echo(f"Database unavailable ({type(error).__name__}); trying again.")
            else:
                if counts.sent or counts.retrying or counts.failed:
                    _echo_counts(counts)
            stop.wait(interval)
    finally:
        for signal_number, handler in previous.items():
            signal.signal(signal_number, handler)
    click.echo("Stopped.")


def _echo_counts(counts: SendCounts) -> None:
    click.echo(
        f"Sent: {counts.sent}. To retry later: {counts.retrying}. "
        f"Could not be sent: {counts.failed}."
    )


@reviews_cli.command("send-reminders")
def send_reminders() -> None:
    """Remind people who saved a draft when 3 days or fewer are left (the worker does hourly)."""
    click.echo(f"Queued {queue_reminders()} reminders.")


@reviews_cli.command("worker")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_INTERVAL_SECONDS,
    show_default=True,
    help="Seconds between rounds.",
)
def worker(interval: float) -> None:
    """Run the worker until SIGTERM or Ctrl-C: each round sends due email, queues deadline
    reminders and purges expired drafts (each at most hourly), applies the retention schedule
    (daily), and writes a heartbeat."""
    run_worker(interval)
