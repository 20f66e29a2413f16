"""Email through an outbox: what the messages say and to whom, queued with the change that
causes them. Sending them is the web package's job (web.outbox).

A message is written by `queue_email` in the same transaction as the change that causes it, so
it exists exactly when the change does. `event_key` is unique: a second `queue_email` for the
same event fails with IntegrityError in the caller's transaction instead of queueing a second
message.

Messages carry the tracking reference and a link, never the details of a complaint. The link to
the tracker is added when a message is sent, from the service's public address.

A message that cannot be sent is `failed` and on the staff task list (`failed_messages`): the
person must be contacted by post or phone instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import OutboxMessage, ReviewRequest, SentLetter
from reviews.promises import PROMISES
from reviews.references import format_reference
from reviews.rules import format_date
from reviews.texts import queue_text


def email_promises() -> dict[str, str]:
    """The promises emails state, as personalisation: emails name nothing else."""
    return {"review_window": PROMISES.review_window.text}


def queue_email(
    event_key: str,
    template: str,
    recipient: str,
    personalisation: dict[str, str],
    review_request: ReviewRequest | None = None,
    letter: SentLetter | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction. Every message carries the
    promises an email may state (reviews.promises), as they stand when it is queued, and the
    stored `letter` it brings, if any (reviews.sent_letters), which sending attaches."""
    message = OutboxMessage(
        event_key=event_key,
        template=template,
        recipient=recipient,
        personalisation={**email_promises(), **personalisation},
        review_request_id=review_request.id if review_request else None,
        letter=letter,
    )
    db.session.add(message)
    return message


# Who a representative asked us to send updates to (reviews.models.ReviewRequest.updates_to).
UPDATES_TO_REQUESTER = ("requester", "both")
UPDATES_TO_COMPLAINANT = ("complainant", "both")


@dataclass(frozen=True)
class UpdateRecipient:
    """Someone who gets email about a request: `who` is "requester" or "complainant"."""

    who: str
    email: str


def update_recipients_of(review_request: ReviewRequest) -> list[UpdateRecipient]:
    """Who gets email about the request: the requester only when email is how they asked to be
    contacted, and the complainant too when a representative asked for that and gave their
    email address. Pages that say who we email read this, so they never claim more."""
    recipients = []
    if (
        review_request.preferred_contact == "email"
        and review_request.requester_email
        and review_request.updates_to in UPDATES_TO_REQUESTER
    ):
        recipients.append(UpdateRecipient("requester", review_request.requester_email))
    if review_request.updates_to in UPDATES_TO_COMPLAINANT and review_request.complainant_email:
        recipients.append(UpdateRecipient("complainant", review_request.complainant_email))
    return recipients


def update_recipients(review_request: ReviewRequest) -> list[str]:
    """The email addresses of update_recipients_of(review_request)."""
    return [recipient.email for recipient in update_recipients_of(review_request)]


def notify_requester(
    review_request: ReviewRequest, event: str, template: str, letter: SentLetter | None = None
) -> None:
    """Queue an email about `event` to everyone who gets updates, and a text to the requester
    if they asked for texts (reviews.texts), in the caller's transaction.
    It holds the reference, never what the complaint is about; sending adds the tracker link,
    and attaches the stored `letter` if there is one."""
    personalisation = {
        "reference": format_reference(review_request.reference),
        "acknowledgement_due": format_date(review_request.acknowledgement_due),
    }
    for index, recipient in enumerate(update_recipients(review_request)):
        queue_email(
            f"{event}:{review_request.reference}:{index}",
            template,
            recipient,
            personalisation,
            review_request,
            letter,
        )
    # And a text, when the requester asked for texts: its own event key, so never twice.
    queue_text(event, template, review_request, personalisation)


def failed_messages(limit: int = 200) -> list[OutboxMessage]:
    """Messages that could not be sent and nobody has dealt with yet, newest first: each person
    needs contacting by post or phone instead (the staff task list)."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "failed", OutboxMessage.dealt_with_at.is_(None))
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def mark_dealt_with(message: OutboxMessage, staff_user_id: int) -> None:
    """Someone reached the person another way: the failed message is no longer a task."""
    message.dealt_with_at = clock.now()
    message.dealt_with_by_id = staff_user_id
