"""What a party may change on the tracker, and the changes: each is recorded on the request's
timeline (with who did it) in the caller's transaction, beside what MOPAC did.

Who may do what (`refusal`): nothing once the request is finished (reviews.workflow.FINISHED);
no withdrawal once the decision is sent; a representative whose signed permission is awaited
follows the request but may only send that permission; each party changes only their own
contact details, and the help asked for is the requester's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from reviews import clock
from reviews.accessibility import request_callback_for
from reviews.database import db
from reviews.drafts import document_from
from reviews.models import RequesterMessage, ReviewRequest, TimelineEntry
from reviews.notifications import notify_requester, queue_email
from reviews.references import format_reference
from reviews.rules import format_date
from reviews.submission import adjustment_fields, join_address
from reviews.tracking import COMPLAINANT, awaiting_consent, can_withdraw
from reviews.uploads import CheckedUpload
from reviews.workflow import FINISHED, Status, record_status

# The things a party can do, as the sentence "You cannot ..." ends.
MESSAGE = "send us more information"
UPLOAD = "send us a document"
CONTACT_DETAILS = "change your contact details"
HELP = "change the help you need"
WITHDRAW = "withdraw your request"
ACTIONS = (UPLOAD, MESSAGE, CONTACT_DETAILS, HELP, WITHDRAW)


@dataclass(frozen=True)
class Refusal:
    """Why a party cannot do something now, and what they can do instead. `finished`: the
    request's state refuses it (for anyone), not who is asking."""

    why: str
    what_to_do: str
    finished: bool


_CONTACT_US = "If you need to tell us something, contact us and give your tracking reference."


def _finished(review_request: ReviewRequest) -> Refusal:
    if review_request.status == Status.WITHDRAWN:
        why = "Your request has been withdrawn, so we have stopped work on it."
    elif review_request.status == Status.FORWARDED_TO_IOPC:
        why = "We sent your request to the IOPC, so we no longer deal with it."
        return Refusal(why, "Contact the IOPC about your request.", True)
    else:
        why = "We have closed your request."
    return Refusal(why, _CONTACT_US, True)


def refusal(review_request: ReviewRequest, party: str, action: str) -> Refusal | None:
    """Why `party` cannot do `action` (one of ACTIONS) on the request now, or None if they can."""
    if review_request.status in FINISHED:
        return _finished(review_request)
    if action == WITHDRAW and not can_withdraw(review_request):
        return Refusal(
            "We have sent you our decision, so you cannot withdraw your request now.",
            "If you need to tell us something, choose 'Send us more information'.",
            True,
        )
    if awaiting_consent(review_request, party) and action != UPLOAD:
        return Refusal(
            f"We are waiting for signed permission from {review_request.complainant_name}, "
            "saying you can act for them. Until we have checked it, you can follow the request "
            "but you cannot change it or add to it.",
            "Send us their signed permission. Choose 'Send us a document' on your request's "
            "page, or send it by email or post with your tracking reference. We will check it "
            "and tell you.",
            False,
        )
    if action == HELP and party == COMPLAINANT:
        return Refusal(
            f"The help on this request is for {review_request.requester_name}, who sent it.",
            "To ask for a phone call or other help for yourself, contact us.",
            False,
        )
    return None


def document_kinds(review_request: ReviewRequest, party: str, kinds: list[str]) -> list[str]:
    """Which kinds of document `party` may send now: only the signed permission while it is
    what we wait for from them."""
    if awaiting_consent(review_request, party):
        return [kind for kind in kinds if kind == "consent"]
    return kinds


def _record(
    review_request: ReviewRequest, party: str, event: str, note: str | None = None
) -> TimelineEntry:
    """A party's action on the timeline, at the status the request has."""
    entry = TimelineEntry(
        status=review_request.status,
        happened_at=clock.now(),
        public_note=note,
        actor=party,
        event=event,
    )
    review_request.timeline.append(entry)
    db.session.add(entry)
    return entry


def _message(review_request: ReviewRequest, body: str) -> RequesterMessage:
    message = RequesterMessage(review_request=review_request, body=body)
    db.session.add(message)
    return message


def withdraw(review_request: ReviewRequest, party: str, reason: str | None) -> TimelineEntry:
    """Record a party's written request to withdraw, in the caller's transaction."""
    if refusal(review_request, party, WITHDRAW):
        raise ValueError("this request cannot be withdrawn by this party now")
    entry = record_status(review_request, Status.WITHDRAWN)
    entry.actor, entry.event = party, "withdrawal"
    entry.public_note = "Asked for in writing, through this service. We have stopped work on it."
    if reason:
        _message(review_request, f"Reason for withdrawing: {reason}")
    notify_requester(review_request, "withdrawn", "request_withdrawn")
    return entry


def add_documents(
    review_request: ReviewRequest, party: str, kind: str, uploads: list[CheckedUpload]
) -> None:
    """Attach documents sent after the request. An outcome letter that was to follow has now
    arrived; signed permission that was awaited stays awaited until staff check it
    (reviews.consent)."""
    for upload in uploads:
        document = document_from(kind, upload)
        document.source = "tracker"  # new to staff until one of them reads it
        review_request.documents.append(document)
    if kind == "outcome-letter":
        review_request.letter_to_follow = False
    _record(review_request, party, "documents", "\n".join(upload.filename for upload in uploads))


def add_message(review_request: ReviewRequest, party: str, body: str) -> RequesterMessage:
    message = _message(review_request, body)
    _record(review_request, party, "message")
    return message


def contact_details(review_request: ReviewRequest, party: str) -> dict[str, str | None]:
    """The party's own contact details: only these are shown to them or changed by them."""
    if party == COMPLAINANT:
        return {
            "email": review_request.complainant_email,
            "phone": review_request.complainant_phone,
            "address": review_request.complainant_address,
        }
    return {
        "email": review_request.requester_email,
        "phone": review_request.requester_phone,
        "address": review_request.requester_address,
    }


def update_contact_details(
    review_request: ReviewRequest, party: str, details: Mapping[str, Any]
) -> None:
    """Record how to contact `party` now, given as on the journey's contact pages, in the
    caller's transaction. A changed email address is told to the old one, so that someone
    who did not make the change hears of it; the new one gets updates from now on."""
    old_email = contact_details(review_request, party)["email"]
    new_email = details.get("email") or None
    if party == COMPLAINANT:
        review_request.complainant_email = new_email
        review_request.complainant_phone = details.get("phone") or None
        review_request.complainant_address = join_address(details)
    else:
        review_request.preferred_contact = details["preferred_contact"]
        review_request.requester_email = new_email
        review_request.requester_phone = details.get("phone") or None
        review_request.requester_address = join_address(details)
    entry = _record(review_request, party, "contact-details")
    if old_email and old_email.casefold() != (new_email or "").casefold():
        db.session.flush()  # the entry's id makes the event key unique
        queue_email(
            f"email-changed:{review_request.reference}:{entry.id}",
            "email_changed",
            old_email,
            {
                "reference": format_reference(review_request.reference),
                "changed_on": format_date(clock.today()),
            },
            review_request,
        )


def update_adjustments(
    review_request: ReviewRequest, party: str, details: Mapping[str, Any], today: date
) -> None:
    """Record the help the requester needs now, given as on the journey's adjustments page, in
    the caller's transaction. A phone call newly asked for goes on the staff queue."""
    newly_asked_for_a_call = "callback" in (details.get("adjustments") or []) and (
        "callback" not in review_request.adjustments
    )
    for name, value in adjustment_fields(details).items():
        setattr(review_request, name, value)
    _record(review_request, party, "adjustments")
    if newly_asked_for_a_call:
        callback = request_callback_for(review_request, today, details.get("callback_phone"))
        due = f"We aim to call by {format_date(callback.due_on)}." if callback.due_on else None
        _record(review_request, party, "call-request", due)
