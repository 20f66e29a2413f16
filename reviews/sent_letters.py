"""Letters as they are sent and kept: when a staff action sends a letter (an `Action`'s
`letter`), `send_letter` writes it from the facts recorded on the request, as a PDF (and in large
print for someone who asked for it), and stores it in the action's own transaction. The email the
action queues carries that stored letter; the tracker and the print pack give the same bytes.
Nothing changes a stored letter afterwards (the database refuses, see migration 0010).

The domain knows what a letter says (reviews.letters) but not how it looks: a PDF needs
templates and WeasyPrint, which are the web's. So the domain declares what it needs from
outside, a `LetterOffice` (the PDF of a letter; where the Met's copies go), and the web
installs one when it makes the app (web.letters.WebLetterOffice). The domain never reaches out;
without an office installed, sending a letter fails loudly rather than sending none.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.letter_templates import normalised
from reviews.letters import (
    LetterError,
    LetterKind,
    LetterText,
    letter_filename,
    wants_large_print,
)
from reviews.models import ApprovedLetter, OutboxMessage, ReviewRequest, SentLetter, StaffUser
from reviews.models.letters import BY_EMAIL, BY_EMAIL_AND_POST, BY_POST
from reviews.notifications import queue_email, update_recipients_of
from reviews.references import format_reference


class LetterOffice(Protocol):
    """What the domain needs from outside to send letters."""

    def pdf(
        self,
        review_request: ReviewRequest,
        kind: LetterKind,
        large_print: bool,
        text: LetterText | None = None,
    ) -> bytes:
        """The letter of `kind` to the requester as a PDF, from the facts recorded now, with
        `text` as its words (else the kind's active wording filled in)."""

    def draft(
        self, review_request: ReviewRequest, kind: LetterKind, version: int | None = None
    ) -> LetterText:
        """The words of the letter of `kind` from the facts recorded now: version `version` of
        the kind's wording filled in (else the active version)."""

    def mps_professional_standards_email(self) -> str:
        """Where the Met's copy of a decision letter goes."""


_office: LetterOffice | None = None


def install_letter_office(office: LetterOffice | None) -> None:
    """Called by the web when it makes the app (None takes it away again)."""
    global _office
    _office = office


def letter_office() -> LetterOffice:
    if _office is None:
        raise LetterError("no letter office is installed: web.create_app installs one")
    return _office


def delivery_for(review_request: ReviewRequest) -> str:
    """How a letter goes: by email to whoever gets updates by email, and by post when the
    requester is not among them (they chose post or phone, or gave no email address)."""
    recipients = update_recipients_of(review_request)
    emailed = bool(recipients)
    posted = not any(recipient.who == "requester" for recipient in recipients)
    if emailed and posted:
        return BY_EMAIL_AND_POST
    return BY_EMAIL if emailed else BY_POST


def checked_text(
    review_request: ReviewRequest, kind: LetterKind | str, typed: str, version: int | None
) -> LetterText:
    """The words staff checked (and perhaps changed) for the letter of `kind`, against version
    `version` of its wording filled from the facts recorded now: edited if they differ."""
    draft = letter_office().draft(review_request, LetterKind(kind), version)
    text = normalised(typed)
    if not text.strip():
        raise LetterError("the letter has no words")
    return LetterText(text, draft.template_version, edited=text != normalised(draft.text))


def send_letter(
    review_request: ReviewRequest,
    kind: LetterKind | str,
    staff_user: StaffUser | None,
    text: LetterText | None = None,
) -> SentLetter:
    """Write the letter of `kind` now and store it, in the caller's transaction (flushed, so it
    has its id): with `text` as its words, as staff checked them, else the kind's active wording
    filled from the facts. Raises LetterError when the letter cannot be written."""
    kind = LetterKind(kind)
    office = letter_office()
    if text is None:
        text = office.draft(review_request, kind)
    content = office.pdf(review_request, kind, False, text)
    letter = SentLetter(
        review_request_id=review_request.id,
        kind=kind.value,
        sent_at=clock.now(),
        sent_by_id=staff_user.id if staff_user is not None else None,
        delivery=delivery_for(review_request),
        filename=letter_filename(review_request, kind, False),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        template_version=text.template_version,
        edited=text.edited,
    )
    if wants_large_print(review_request):
        large = office.pdf(review_request, kind, True, text)
        letter.large_print_filename = letter_filename(review_request, kind, True)
        letter.large_print_size = len(large)
        letter.large_print_sha256 = hashlib.sha256(large).hexdigest()
        letter.large_print_content = large
    db.session.add(letter)
    db.session.flush()
    return letter


def approve_letter(
    review_request: ReviewRequest, kind: LetterKind | str, staff_user: StaffUser, text: LetterText
) -> ApprovedLetter:
    """Keep `text` as the letter of `kind` a team leader approved, in the caller's transaction:
    the action that sends that letter sends this text (`approved_letter`)."""
    approved = ApprovedLetter(
        review_request_id=review_request.id,
        kind=LetterKind(kind).value,
        text=text.text,
        template_version=text.template_version,
        edited=text.edited,
        approved_at=clock.now(),
        approved_by_id=staff_user.id,
    )
    db.session.add(approved)
    db.session.flush()
    return approved


def approved_letter(review_request: ReviewRequest, kind: LetterKind | str) -> LetterText | None:
    """The words of the letter of `kind` as last approved, or None if none was (a decision
    approved before letters were approved with it)."""
    approved = db.session.scalars(
        select(ApprovedLetter)
        .where(
            ApprovedLetter.review_request_id == review_request.id,
            ApprovedLetter.kind == LetterKind(kind).value,
        )
        .order_by(ApprovedLetter.id.desc())
    ).first()
    if approved is None:
        return None
    return LetterText(approved.text, approved.template_version, approved.edited)


MPS_COPY_TEMPLATE = "decision_for_mps"


def copy_to_mps(review_request: ReviewRequest, letter: SentLetter, event: str) -> str:
    """Queue the Met's copy of `letter` to its Professional Standards address, in the caller's
    transaction: the address it goes to."""
    address = letter_office().mps_professional_standards_email()
    message = queue_email(
        f"{event}:{review_request.reference}:mps",
        MPS_COPY_TEMPLATE,
        address,
        {"reference": format_reference(review_request.reference)},
        review_request,
    )
    message.letter = letter
    return address


def letters_of(review_request: ReviewRequest) -> list[SentLetter]:
    """Every letter sent about the request, oldest first (files not loaded)."""
    return list(
        db.session.scalars(
            select(SentLetter)
            .where(SentLetter.review_request_id == review_request.id)
            .order_by(SentLetter.sent_at, SentLetter.id)
        )
    )


def letter_of(review_request: ReviewRequest, letter_id: int) -> SentLetter | None:
    """The letter with this id if it was sent about this request, else None."""
    letter = db.session.get(SentLetter, letter_id)
    if letter is None or letter.review_request_id != review_request.id:
        return None
    return letter


def letter_file(letter: SentLetter, large_print: bool) -> tuple[str, bytes] | None:
    """The stored file (name, bytes): the large-print one if asked and kept, else None."""
    if not large_print:
        return letter.filename, letter.content
    if letter.large_print_content is None or letter.large_print_filename is None:
        return None
    return letter.large_print_filename, letter.large_print_content


def letters_to_post(review_request: ReviewRequest) -> list[SentLetter]:
    """The letters staff must print and post."""
    return [letter for letter in letters_of(review_request) if letter.by_post]


def emails_carrying(letter: SentLetter) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.letter_id == letter.id))
    )
