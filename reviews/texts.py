"""Text messages (SMS) about progress, for requesters who asked for them: who gets one, and
queueing it in the outbox beside the email (reviews.notifications.notify_requester).

A text goes through the same outbox as email (reviews.models.OutboxMessage, channel "sms"): it
is queued in the transaction of the change that causes it, sent only by the worker
(web.outbox), retried the same way, and on the staff list of failures when it cannot be sent.
Its event key ends in ":sms", one per update, so a retried update never queues a second text.

A text says as little as it can: that something changed, the tracking reference and the
tracker's link (added when it is sent). Never what the complaint is about, never a name.
Its words are in templates/texts/<template>.txt, one for each email sent to the requester.
"""

from __future__ import annotations

import phonenumbers

from reviews.database import db
from reviews.models import OutboxMessage, ReviewRequest

SMS = "sms"

# UK mobiles are 07 and nine more digits. Not 070 (personal numbers that forward anywhere) or
# 076 (pagers), except 07624 (Isle of Man mobiles). Wider than phonenumbers' list of numbers in
# use on purpose: GOV.UK Notify sends to any number of this shape, Ofcom's drama numbers
# (07700 900xxx) included, which are its test numbers too.
_NOT_MOBILE = ("70", "76")


def uk_mobile(phone: str | None) -> str | None:
    """`phone` as an international UK mobile number (+447700900982), or None when it is not a
    UK mobile number a text can go to."""
    if not phone or not phone.strip():
        return None
    try:
        number = phonenumbers.parse(phone, "GB")
    except phonenumbers.NumberParseException:
        return None
    national = str(number.national_number)
    if number.country_code != 44 or len(national) != 10 or not national.startswith("7"):
        return None
    if national.startswith(_NOT_MOBILE) and not national.startswith("7624"):
        return None
    return f"+44{national}"


# Who a representative asked us to send updates to (as reviews.notifications.UPDATES_TO_REQUESTER,
# which imports this module).
_UPDATES_TO_REQUESTER = ("requester", "both")


def text_recipient(review_request: ReviewRequest) -> str | None:
    """The number to text about the request: the requester's, when they asked for texts, still
    get updates and their number is a UK mobile; else None."""
    if not review_request.text_updates or review_request.updates_to not in _UPDATES_TO_REQUESTER:
        return None
    return uk_mobile(review_request.requester_phone)


def queue_text(
    event: str, template: str, review_request: ReviewRequest, personalisation: dict[str, str]
) -> OutboxMessage | None:
    """Queue a text about `event` to the requester if they asked for texts, in the caller's
    transaction; the message, or None when no text is due."""
    recipient = text_recipient(review_request)
    if recipient is None:
        return None
    message = OutboxMessage(
        event_key=f"{event}:{review_request.reference}:{SMS}",
        channel=SMS,
        template=template,
        recipient=recipient,
        personalisation=dict(personalisation),
        review_request_id=review_request.id,
    )
    db.session.add(message)
    return message
