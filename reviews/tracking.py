"""What a requester can see and do after sending a request: find it with its reference and
a surname, follow its progress in plain words, and change what is theirs to change."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select

from reviews.accessibility import request_callback_for
from reviews.database import db
from reviews.drafts import document_from
from reviews.models import RequesterMessage, ReviewRequest, TimelineEntry
from reviews.notifications import notify_requester
from reviews.promises import PROMISES
from reviews.references import parse_reference
from reviews.rules import format_month
from reviews.submission import adjustment_fields, join_address
from reviews.uploads import CheckedUpload
from reviews.workflow import WITHDRAWABLE as WORKFLOW_WITHDRAWABLE
from reviews.workflow import Status, record_status

# A surname has at most this many words ("de la Cruz"); longer endings are not tried.
SURNAME_WORDS = 3
_NOT_LETTERS = re.compile(r"[^\w]|_|\d")


def normalise_name(text: str) -> str:
    """Letters only, without accents, case-folded: 'O'Brien-Smith' -> 'obriensmith'."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_LETTERS.sub("", without_accents.casefold())


def _surname_digests(full_name: str) -> list[bytes]:
    words = full_name.split()
    endings = [" ".join(words[-count:]) for count in range(1, min(SURNAME_WORDS, len(words)) + 1)]
    return [_digest(normalise_name(ending)) for ending in endings]


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


# Compared against when a reference matches nothing, so a wrong reference takes as long as a
# right reference with a wrong surname.
_NO_MATCH = [_digest("\x00no match\x00")] * (2 * SURNAME_WORDS)


def find_request(reference_text: str, surname: str) -> ReviewRequest | None:
    """The request with this tracking reference, if `surname` is the surname of the person
    who sent it or of the person who made the complaint. Every failure looks the same."""
    canonical = parse_reference(reference_text) or "-" * 14
    review_request = db.session.scalar(
        select(ReviewRequest).where(ReviewRequest.reference == canonical)
    )
    candidates = list(_NO_MATCH)
    if review_request is not None:
        names = _surname_digests(review_request.requester_name) + _surname_digests(
            review_request.complainant_name
        )
        candidates = (names + _NO_MATCH)[: len(_NO_MATCH)]
    given = _digest(normalise_name(surname))
    matched = False
    for candidate in candidates:
        # Every candidate is compared, in constant time, whatever matched before.
        matched |= hmac.compare_digest(candidate, given)
    return review_request if matched and normalise_name(surname) else None


NOTHING_NEEDED = "Nothing at the moment. We will contact you if we need anything."


@dataclass(frozen=True)
class Stage:
    """A step of the tracker, in the words the requester sees."""

    title: str
    what_happens_next: str
    # What the requester needs to do now, if anything.
    needed_from_you: str = NOTHING_NEEDED


CHECKING = "Checking your request"
WAITING = "Waiting for information"
IN_THE_QUEUE = "In the queue"
BEING_REVIEWED = "Being reviewed"
DECISION_SENT = "Decision sent"
CLOSED = "Closed"
TRANSFERRED = "Transferred to the IOPC"

_NOTHING_MORE = "Nothing."
_JUDICIAL_REVIEW = (
    "Our decision is final. The only way to challenge it is a judicial review in the courts, "
    "which must be started promptly and within 3 months."
)
_BEING_REVIEWED = Stage(
    BEING_REVIEWED,
    "A caseworker is reviewing whether the outcome of your complaint was reasonable and "
    "proportionate. A team leader checks every decision before we send it to you.",
)

# Every status, as the public tracker names it: several statuses share a stage.
STAGES: dict[str, Stage] = {
    Status.RECEIVED: Stage(
        "Received",
        f"{PROMISES.acknowledgement.wording}.",
    ),
    Status.ACKNOWLEDGED: Stage(
        CHECKING,
        "We are checking that MOPAC can review the outcome of your complaint.",
    ),
    Status.EXTENSION_CONSIDERED: Stage(
        CHECKING,
        "Your request arrived after the 28 days. We are deciding whether there are special "
        "circumstances that mean we should still accept it.",
    ),
    Status.ACCEPTED: Stage(
        CHECKING,
        "We can review the outcome of your complaint. Next we tell the Metropolitan Police and "
        "the people the law says must know, and ask the Metropolitan Police for their records.",
    ),
    Status.PARTIES_NOTIFIED: Stage(
        CHECKING,
        "We have told the people who must know about the review. Next we ask the Metropolitan "
        "Police for their records of how they handled your complaint.",
    ),
    Status.AWAITING_APPLICANT_INFO: Stage(
        WAITING,
        "We need more information from you before we can carry on. We will carry on as soon "
        "as we have it.",
        "Send us the information we asked for. Use 'Send us more information' or 'Send us a "
        "document' on this page, or reply by email or post.",
    ),
    Status.AWAITING_MPS_INFO: Stage(
        WAITING,
        "We are waiting for the Metropolitan Police to send us their records of how they "
        "handled your complaint. We will carry on when they arrive.",
    ),
    Status.AWAITING_ALLOCATION: Stage(
        IN_THE_QUEUE,
        "We have everything we need. Your request is waiting for a caseworker to review it.",
    ),
    Status.ALLOCATED: _BEING_REVIEWED,
    Status.UNDER_REVIEW: _BEING_REVIEWED,
    Status.DECISION_QA: _BEING_REVIEWED,
    Status.DECISION_APPROVED: _BEING_REVIEWED,
    Status.NOT_UPHELD: Stage(
        DECISION_SENT,
        "We have sent you our decision: the outcome of your complaint was reasonable and "
        f"proportionate. {_JUDICIAL_REVIEW}",
        _NOTHING_MORE,
    ),
    Status.UPHELD: Stage(
        DECISION_SENT,
        "We have sent you our decision and made recommendations to the Metropolitan Police. "
        f"{PROMISES.met_replies_in_writing.wording}, and we will send you a copy of their"
        " reply.",
    ),
    Status.RESPONSE_SHARED: Stage(
        DECISION_SENT,
        "We have sent you the Metropolitan Police's reply to our recommendations. "
        "We will close your request soon.",
        _NOTHING_MORE,
    ),
    Status.CLOSED: Stage(
        CLOSED,
        f"Your review is complete and we have closed your request. {_JUDICIAL_REVIEW}",
        _NOTHING_MORE,
    ),
    Status.NO_RIGHT_OF_REVIEW: Stage(
        CLOSED,
        "We cannot review the outcome of your complaint, so we have closed your request. "
        "What has happened so far says why.",
        _NOTHING_MORE,
    ),
    Status.REFUSED_LATE: Stage(
        CLOSED,
        "We could not accept your request because it arrived after the 28 days, so we have "
        "closed it. What has happened so far says why.",
        _NOTHING_MORE,
    ),
    Status.FORWARDED_TO_IOPC: Stage(
        TRANSFERRED,
        "The Independent Office for Police Conduct (IOPC) is the right body to review the "
        "outcome of your complaint, so we sent your request to them. The IOPC will contact you.",
        "Nothing from us. Contact the IOPC about your request from now on.",
    ),
    Status.WITHDRAWN: Stage(
        "Withdrawn",
        "You withdrew your request, so we have stopped work on it. "
        "Contact us if this was a mistake.",
        _NOTHING_MORE,
    ),
}


def stage_for(review_request: ReviewRequest, status: str) -> Stage:
    """The tracker stage for `status`, with what this request adds: what we asked the
    requester for, the month we expect to allocate it, what we sent the IOPC."""
    stage = STAGES[status]
    if status == Status.AWAITING_APPLICANT_INFO and review_request.information_requested:
        return replace(
            stage,
            needed_from_you=f"{stage.needed_from_you} We asked for: "
            f"{review_request.information_requested}",
        )
    if status == Status.AWAITING_ALLOCATION and review_request.estimated_allocation_month:
        month = format_month(review_request.estimated_allocation_month)
        return replace(
            stage,
            what_happens_next=f"{stage.what_happens_next} We expect to give it to a caseworker "
            f"in {month}.",
        )
    if status == Status.FORWARDED_TO_IOPC and review_request.shared_with_iopc:
        return replace(
            stage,
            what_happens_next=f"{stage.what_happens_next} We sent them: "
            f"{review_request.shared_with_iopc}",
        )
    return stage


@dataclass(frozen=True)
class TimelineItem:
    stage: Stage
    happened_on: date
    note: str | None


def public_timeline(review_request: ReviewRequest) -> list[TimelineItem]:
    """The request's history as the requester sees it, newest last."""
    return [
        TimelineItem(
            stage_for(review_request, entry.status), entry.happened_at.date(), entry.public_note
        )
        for entry in review_request.timeline
    ]


def current_stage(review_request: ReviewRequest) -> Stage:
    return stage_for(review_request, review_request.status)


def needed_from_you(review_request: ReviewRequest) -> list[str]:
    """Everything we are waiting for from the requester now, most specific first."""
    stage = current_stage(review_request)
    if review_request.status not in WITHDRAWABLE:
        return [stage.needed_from_you]
    needed = []
    if review_request.letter_to_follow:
        needed.append(
            "Your outcome letter from the Met. Upload it with 'Send us a document', or send it "
            "by email or post."
        )
    if review_request.consent == "awaited":
        needed.append(
            "Signed permission from the person who made the complaint, saying you can act for "
            "them. Upload it with 'Send us a document', or send it by email or post."
        )
    if stage.needed_from_you != NOTHING_NEEDED or not needed:
        needed.append(stage.needed_from_you)
    return needed


# The same statuses staff can record a withdrawal in: any point before the decision is sent.
WITHDRAWABLE = WORKFLOW_WITHDRAWABLE


def can_withdraw(review_request: ReviewRequest) -> bool:
    return review_request.status in WITHDRAWABLE


def withdraw(review_request: ReviewRequest, reason: str | None) -> TimelineEntry:
    """Record the requester's written request to withdraw, in the caller's transaction."""
    if not can_withdraw(review_request):
        raise ValueError("this request can no longer be withdrawn")
    entry = record_status(review_request, Status.WITHDRAWN)
    entry.public_note = "You asked us in writing, through this service, to withdraw your request."
    if reason:
        add_message(review_request, f"Reason for withdrawing: {reason}")
    notify_requester(review_request, "withdrawn", "request_withdrawn")
    return entry


def add_documents(review_request: ReviewRequest, kind: str, uploads: list[CheckedUpload]) -> None:
    """Attach documents sent after the request; an outcome letter or signed permission that
    was to follow has now arrived."""
    for upload in uploads:
        review_request.documents.append(document_from(kind, upload))
    if kind == "outcome-letter":
        review_request.letter_to_follow = False
    if kind == "consent" and review_request.consent == "awaited":
        review_request.consent = "uploaded"


def add_message(review_request: ReviewRequest, body: str) -> RequesterMessage:
    message = RequesterMessage(review_request=review_request, body=body)
    db.session.add(message)
    return message


def update_contact_details(review_request: ReviewRequest, details: Mapping[str, Any]) -> None:
    """Record how to contact the requester now, given as on the journey's contact pages, in
    the caller's transaction."""
    review_request.preferred_contact = details["preferred_contact"]
    review_request.requester_email = details.get("email")
    review_request.requester_phone = details.get("phone")
    review_request.requester_address = join_address(details)


def update_adjustments(
    review_request: ReviewRequest, details: Mapping[str, Any], today: date
) -> None:
    """Record the help the requester needs now, given as on the journey's adjustments page, in
    the caller's transaction. A phone call newly asked for goes on the staff queue."""
    newly_asked_for_a_call = "callback" in (details.get("adjustments") or []) and (
        "callback" not in review_request.adjustments
    )
    for name, value in adjustment_fields(details).items():
        setattr(review_request, name, value)
    if newly_asked_for_a_call:
        request_callback_for(review_request, today, details.get("callback_phone"))
