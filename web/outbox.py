"""Sending the outbox (reviews.notifications queues the messages): the email backends, each
message's rendering from templates/emails, and the send loop.

Text messages (channel "sms", queued by reviews.texts) go through the same loop, claiming,
retries and failures, by a text backend of their own (SMS_BACKEND: log, notify or off), their
words rendered from templates/texts.

Messages are sent by the worker (`flask reviews worker`, web.worker), never inside a web
request: a mail server that is slow or hangs must not hold up the person. Each round sends
whatever is due: messages never tried, and retries whose wait is over. `flask reviews
send-notifications` sends one round by hand.

A message about a request (`notify_requester`) does not store its tracker link: it is added
here, when the message is rendered, from PUBLIC_BASE_URL (`tracker_url`). A save-and-return
email (reviews.reminders.RESUME_LINK_TEMPLATES) stores no link either: its single-use token is
minted here as it is sent (`resume_link`; only the token's hash is kept, on the draft), and its
personalisation is emptied once it is delivered, so no usable link is ever stored. (A message
queued before that change still carries its `link`, which is used.)

How many times a message goes out:

- One message per event. `event_key` is unique, so a second `queue_email` for the same event
  fails with IntegrityError in the caller's transaction instead of queueing a second message.
- One sender per message. Each message is claimed, sent and marked in its own transaction. On
  PostgreSQL the claim is `SELECT ... FOR UPDATE SKIP LOCKED`, so another sender passes over a
  message being sent; a compare-and-set update of `attempts` then takes the write lock on SQLite
  (where FOR UPDATE does nothing) and matches nothing if another sender got there first. The
  status change is committed right after the backend accepts the message, so a sent message is
  never picked again. In normal operation a message is therefore sent once.
- At least once, not exactly once. An email and a database row cannot share a transaction: if
  the process dies, or the database goes away, after the backend accepted a message and before
  the commit, the message is still queued and goes again later. The window is the time one
  commit takes. The SMTP backend derives the Message-ID from the event key, so mailboxes that
  collapse duplicates do; Notify gets the event key as its reference, so a duplicate is traceable.

Letters: a message that carries a stored letter (`OutboxMessage.letter`, written by the action
that sent it, reviews.sent_letters) brings the very file that was stored, and its large-print
version where one was kept: SMTP attaches them; GOV.UK Notify gets them through its file
mechanism (`prepare_upload`: the email holds a link to download each where the template has the
((letter)) and ((large_print_letter)) placeholders, which are empty for an email without a
letter); the log backend notes them. Every such email
also says the letter is on the tracker, which works whatever the backend.

Failures: one that can never succeed (Notify refuses the request as bad, say an invalid
address; the mail server refuses the recipient permanently) marks the message `failed` at once.
Anything else (connection refused, timeouts, Notify 5xx or 429) is retried with a growing wait,
and after MAX_ATTEMPTS the message is `failed`. Failed messages are on the staff task list
(reviews.notifications.failed_messages): the person must be contacted by post or phone instead.
"""

from __future__ import annotations

import hashlib
import io
import logging
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from functools import cache
from typing import Any, Protocol, cast
from urllib.parse import urlsplit

from flask import current_app, render_template
from notifications_python_client import prepare_upload
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from reviews import clock
from reviews.database import db
from reviews.drafts import issue_resume_token
from reviews.models import OutboxMessage
from reviews.notifications import email_promises
from reviews.reminders import RESUME_LINK_TEMPLATES
from reviews.texts import SMS
from web.config import check_email_settings, check_sms_settings

# The logger the outbox has always logged to, so that log filters and alerts keep working.
logger = logging.getLogger("reviews.notifications")

# After this many failed tries a message stops being retried and needs a person.
MAX_ATTEMPTS = 8
# Minutes to wait after the 1st, 2nd, ... failed try; the last applies from then on. With
# MAX_ATTEMPTS that gives up after about 14 hours: long enough to ride out an outage.
RETRY_MINUTES = (1, 5, 30, 120, 240)
# A send holds its message's row lock, so it must not hang.
SEND_TIMEOUT_SECONDS = 20


class PermanentFailure(Exception):
    """The backend refused the message in a way that no retry will change."""


class NotNeeded(Exception):
    """The message has nothing left to say: a save-and-return email for a draft that has since
    been sent or has expired."""


@dataclass(frozen=True)
class Attachment:
    """A file an email carries: a stored letter."""

    filename: str
    content: bytes
    content_type: str = "application/pdf"


# Notify's placeholders for the letters a message carries.
NOTIFY_LETTER_FIELDS = ("letter", "large_print_letter")


class EmailBackend(Protocol):
    def send(
        self,
        recipient: str,
        subject: str,
        body: str,
        reference: str,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        """Send, or raise: PermanentFailure when retrying is pointless, anything else to retry.
        `reference` is the message's event key."""


def mask_email(address: str) -> str:
    """Enough to tell messages apart in a log, not enough to identify anyone."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


class LogBackend:
    """Development: write the message to the log instead of sending it."""

    def send(
        self,
        recipient: str,
        subject: str,
        body: str,
        reference: str,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        attached = "".join(
            f"\n[attached: {file.filename}, {len(file.content)} bytes]" for file in attachments
        )
        logger.info("email to %s: %s\n%s%s", mask_email(recipient), subject, body, attached)


class SmtpBackend:
    """Any mail server, with STARTTLS unless told otherwise (a relay on the same host)."""

    # No password by default: a relay that asks for none (bandit B107).
    def __init__(  # nosec B107
        self,
        host: str,
        port: int,
        sender: str,
        username: str = "",
        password: str = "",
        use_tls: bool = True,
        timeout: float = SEND_TIMEOUT_SECONDS,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.use_tls, self.timeout = use_tls, timeout

    def send(
        self,
        recipient: str,
        subject: str,
        body: str,
        reference: str,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = self._message_id(reference)
        # Quoted-printable keeps a non-ASCII body 7-bit clean for servers without 8BITMIME.
        message.set_content(body, cte="7bit" if body.isascii() else "quoted-printable")
        for file in attachments:
            maintype, _, subtype = file.content_type.partition("/")
            message.add_attachment(
                file.content, maintype=maintype, subtype=subtype, filename=file.filename
            )
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.use_tls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            # 5xx is final ("no such user"); 4xx (a full mailbox, greylisting) is worth a retry.
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused {codes[0]}") from error
            raise

    def _message_id(self, reference: str) -> str:
        """The same for every try of one message, so that a mailbox can drop a duplicate."""
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        digest = hashlib.sha256(reference.encode()).hexdigest()[:40]
        return f"<{digest}@{domain}>"


class NotifyBackend:
    """GOV.UK Notify, through one generic email template: `((subject))` and `((body))`."""

    def __init__(self, api_key: str, template_id: str) -> None:
        self.client = NotificationsAPIClient(api_key, timeout=SEND_TIMEOUT_SECONDS)
        self.template_id = template_id

    def send(
        self,
        recipient: str,
        subject: str,
        body: str,
        reference: str,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        # The letter placeholders are always filled, empty when there is no letter, so that a
        # template that has them never misses one.
        personalisation: dict[str, Any] = {
            "subject": subject,
            "body": body,
            **dict.fromkeys(NOTIFY_LETTER_FIELDS, ""),
        }
        for field, file in zip(NOTIFY_LETTER_FIELDS, attachments, strict=False):
            try:
                personalisation[field] = prepare_upload(
                    io.BytesIO(file.content), filename=file.filename
                )
            except ValueError:  # over Notify's size limit: the email still links the tracker
                logger.warning("letter %s too large for Notify: not attached", file.filename)
        try:
            self.client.send_email_notification(
                email_address=recipient,
                template_id=self.template_id,
                personalisation=personalisation,
                reference=reference,
            )
        except HTTPError as error:
            # 400: Notify will never accept this request (an invalid address, say). 403 (a bad
            # key) is ours to fix, 429 and 5xx pass: those are retried. Connection failures
            # arrive as 503.
            if error.status_code == 400:
                raise PermanentFailure("Notify refused 400") from error
            raise


class TextBackend(Protocol):
    def send(self, phone_number: str, body: str, reference: str) -> None:
        """Send a text, or raise as EmailBackend.send does."""


def mask_phone(number: str) -> str:
    """The last three digits only: enough to tell texts apart in a log."""
    return f"***{number[-3:]}"


class LogTextBackend:
    """Development: write the text to the log instead of sending it."""

    def send(self, phone_number: str, body: str, reference: str) -> None:
        logger.info("text to %s:\n%s", mask_phone(phone_number), body)


class TextsOffBackend:
    """SMS_BACKEND is off: a text queued while texts were on cannot go, so it is failed at once
    and the person is on the staff task list, to be told another way."""

    def send(self, phone_number: str, body: str, reference: str) -> None:
        raise PermanentFailure("text messages are turned off")


class NotifyTextBackend:
    """GOV.UK Notify, through one generic text message template: `((body))`."""

    def __init__(self, api_key: str, template_id: str) -> None:
        self.client = NotificationsAPIClient(api_key, timeout=SEND_TIMEOUT_SECONDS)
        self.template_id = template_id

    def send(self, phone_number: str, body: str, reference: str) -> None:
        try:
            self.client.send_sms_notification(
                phone_number=phone_number,
                template_id=self.template_id,
                personalisation={"body": body},
                reference=reference,
            )
        except HTTPError as error:
            # As for email: 400 (not a mobile number Notify can text) is final, the rest retried.
            if error.status_code == 400:
                raise PermanentFailure("Notify refused 400") from error
            raise


def text_backend() -> TextBackend:
    config = current_app.config
    check_sms_settings(config)
    name = config["SMS_BACKEND"]
    if name == "notify":
        return NotifyTextBackend(config["NOTIFY_API_KEY"], config["NOTIFY_SMS_TEMPLATE_ID"])
    if name == "log":
        return LogTextBackend()
    return TextsOffBackend()


def email_backend() -> EmailBackend:
    config = current_app.config
    check_email_settings(config)
    name = config["EMAIL_BACKEND"]
    if name == "smtp":
        return SmtpBackend(
            host=config["SMTP_HOST"],
            port=int(config["SMTP_PORT"]),
            sender=config["EMAIL_FROM"],
            username=config["SMTP_USERNAME"],
            password=config["SMTP_PASSWORD"],
            use_tls=bool(config["SMTP_USE_TLS"]),
        )
    if name == "notify":
        return NotifyBackend(config["NOTIFY_API_KEY"], config["NOTIFY_TEMPLATE_ID"])
    return LogBackend()


def tracker_url() -> str:
    """The tracker's public address (PUBLIC_BASE_URL and the tracker's path), for messages
    sent outside a web request as much as inside one. Needs an app context."""
    return public_url("portal.track")


def public_url(endpoint: str, **values: str) -> str:
    """A page's public address from PUBLIC_BASE_URL, inside a web request or outside one."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def render_email(message: OutboxMessage) -> tuple[str, str]:
    """The subject (the template's first line) and the body. `link` is the tracker unless the
    message carries a link of its own."""
    # Messages queued before a promise was added to their personalisation state today's.
    personalisation = {
        "link": tracker_url(),
        # The satisfaction survey after the decision (portal.survey), for the decision email.
        "feedback_link": public_url("portal.survey", stage="after-decision"),
        **email_promises(),
        **message.personalisation,
    }
    if message.template in RESUME_LINK_TEMPLATES and "draft" in message.personalisation:
        personalisation["link"] = resume_link(message.personalisation["draft"])
    text = render_template(f"emails/{message.template}.txt", **personalisation)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def resume_link(draft_id: str) -> str:
    """A fresh single-use link to a saved draft, minted as its email is sent; its hash replaces
    the draft's earlier one in the sending transaction."""
    token = issue_resume_token(draft_id)
    if token is None:
        raise NotNeeded("the draft was sent or has expired")
    return public_url("portal.resume", token=token)


def render_text(message: OutboxMessage) -> str:
    """A text's words from templates/texts/, with the tracker link as `link`."""
    personalisation = {"link": tracker_url(), **message.personalisation}
    return render_template(f"texts/{message.template}.txt", **personalisation).strip()


def _deliver(
    message: OutboxMessage, backend: EmailBackend, texts: Callable[[], TextBackend]
) -> None:
    """Send one message through the backend for its channel."""
    if message.channel == SMS:
        texts().send(message.recipient, render_text(message), message.event_key)
        return
    subject, body = render_email(message)
    # Only messages with a letter pass attachments, so a backend that takes none still works.
    files = attachments_of(message)
    extra = {"attachments": files} if files else {}
    backend.send(message.recipient, subject, body, message.event_key, **extra)


def attachments_of(message: OutboxMessage) -> list[Attachment]:
    """The stored letter the message carries, as sent, and its large-print version if kept."""
    letter = message.letter
    if letter is None:
        return []
    files = [Attachment(letter.filename, letter.content)]
    if letter.large_print_filename and letter.large_print_content is not None:
        files.append(Attachment(letter.large_print_filename, letter.large_print_content))
    return files


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`th failed try."""
    return timedelta(minutes=RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1])


@dataclass
class SendCounts:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def send_queued(
    limit: int = 100, review_request_id: int | None = None, now: datetime | None = None
) -> int:
    """Send the messages that are due, each in its own transaction. Returns how many were sent."""
    return send_due_messages(limit, review_request_id, now).sent


def send_due_messages(
    limit: int = 100,
    review_request_id: int | None = None,
    now: datetime | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SendCounts:
    """Send queued messages never tried or whose retry is due at `now` (default: the current
    time), only `review_request_id`'s if given. `should_stop` is asked between messages."""
    now = now or clock.now()
    backend = email_backend()
    texts = cache(text_backend)  # made at the first text of the round
    due = (
        OutboxMessage.status == "queued",
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )
    query = select(OutboxMessage.id).where(*due)
    if review_request_id is not None:
        query = query.where(OutboxMessage.review_request_id == review_request_id)
    ids = db.session.scalars(query.order_by(OutboxMessage.id).limit(limit)).all()
    db.session.rollback()
    counts = SendCounts()
    for message_id in ids:
        if should_stop is not None and should_stop():
            break
        message = _claim(message_id, due)
        if message is None:  # another sender has it, or has dealt with it
            db.session.rollback()
            continue
        _commit_outcome(message.id, sent=_send(message, backend, now, counts, texts))
    return counts


def _claim(message_id: int, due: Sequence) -> OutboxMessage | None:
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id, *due)
        .with_for_update(skip_locked=True)
    ).first()
    if message is None:
        return None
    try:
        # An UPDATE's result is a CursorResult, which counts the rows it changed; the session's
        # execute() is typed for any statement, so it says only Result.
        claimed = cast(
            CursorResult[Any],
            db.session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.attempts == message.attempts,
                    *due,
                )
                .values(attempts=OutboxMessage.attempts + 1)
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
    except OperationalError:  # SQLite: another sender held the write lock for too long
        return None
    if claimed != 1:
        return None
    db.session.refresh(message)
    return message


def _send(
    message: OutboxMessage,
    backend: EmailBackend,
    now: datetime,
    counts: SendCounts,
    texts: Callable[[], TextBackend] = text_backend,
) -> bool:
    """Try once and record the outcome on the message (not yet committed). True if sent."""
    try:
        _deliver(message, backend, texts)
    except NotNeeded as error:
        # Not a failure for staff to follow up: nothing needed saying.
        message.status = "failed"
        message.last_error = str(error)[:200]
        message.next_attempt_at = None
        message.dealt_with_at = clock.now()
        message.personalisation = {}
        return False
    except PermanentFailure as error:
        message.status = "failed"
        message.last_error = str(error)[:200]
        message.next_attempt_at = None
        counts.failed += 1
        logger.warning("email %s cannot be sent: %s", message.id, message.last_error)
        return False
    except Exception as error:  # any other failure may pass: try again later
        message.last_error = _describe(error)
        if message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
            message.next_attempt_at = None
            counts.failed += 1
        else:
            message.next_attempt_at = now + retry_delay(message.attempts)
            counts.retrying += 1
        logger.warning("email %s not sent: %s", message.id, message.last_error)
        return False
    message.status = "sent"
    message.sent_at = clock.now()
    message.next_attempt_at = None
    if message.template in RESUME_LINK_TEMPLATES:
        # Delivered: the link lives only in the person's mailbox now.
        message.personalisation = {}
    counts.sent += 1
    return True


def _commit_outcome(message_id: int, sent: bool) -> None:
    """Commit straight after sending: until then the message would go again."""
    try:
        db.session.commit()
        return
    except SQLAlchemyError:
        db.session.rollback()
        # A lost retry or failure only means one more try; a lost "sent" means a duplicate.
        if not sent:
            raise
    logger.error("email %s sent but not recorded: trying once more", message_id)
    try:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "queued")
            .values(status="sent", sent_at=clock.now(), next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        logger.error("email %s may be sent again: its outcome could not be saved", message_id)
        raise


def _describe(error: Exception) -> str:
    """What went wrong, without the address or anything else personal servers echo back."""
    name = type(error).__name__
    if isinstance(error, HTTPError):
        return f"{name} {error.status_code}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{name} {error.smtp_code}"
    return name[:200]
