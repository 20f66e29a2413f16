"""Letters to the person who asked for a review: what each letter the workflow sends says (the
acknowledgement, information needed, a late request refused, no right of review, forwarded to
the IOPC, the decision, the Met's reply), built from the facts recorded on the request
(`build_letter`). Storing and sending them is reviews.sent_letters.

Only what the requester may read goes into a letter: never learning points or internal notes.
Turning a Letter into a page or a PDF is the web package's job (web.letters), which also
supplies what the domain does not know: the contact email address and the tracker's URL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from reviews import clock
from reviews.clock import LONDON
from reviews.database import db
from reviews.letter_templates import Block, Value, WordingError, active_wording, blocks, fill
from reviews.letter_templates import wording_version as _wording_version
from reviews.models import AccessibleFormatRequest, ReviewRequest
from reviews.promises import PROMISES
from reviews.references import format_reference
from reviews.rules import format_date, format_month

LARGE_PRINT = "large-print"
"""The adjustment code (reviews.journey.ADJUSTMENTS) for someone who asked for large print."""


class LetterKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    INFORMATION_NEEDED = "information-needed"
    LATE_REQUEST_REFUSED = "late-request-refused"
    NO_RIGHT_OF_REVIEW = "no-right-of-review"
    FORWARDED_TO_IOPC = "forwarded-to-iopc"
    DECISION = "decision"
    MPS_RESPONSE = "mps-response"


# How staff and the tracker name each letter.
LETTER_TITLES: dict[LetterKind, str] = {
    LetterKind.ACKNOWLEDGEMENT: "We have received your request",
    LetterKind.INFORMATION_NEEDED: "We need more information",
    LetterKind.LATE_REQUEST_REFUSED: "We cannot accept your late request",
    LetterKind.NO_RIGHT_OF_REVIEW: "We cannot review your complaint",
    LetterKind.FORWARDED_TO_IOPC: "We have sent your request to the IOPC",
    LetterKind.DECISION: "Our decision",
    LetterKind.MPS_RESPONSE: "The Met's reply to our recommendations",
}

# The heading of each letter (its layout, not its editable wording).
LETTER_HEADINGS: dict[LetterKind, str] = {
    LetterKind.ACKNOWLEDGEMENT: "We have received your request for a review",
    LetterKind.INFORMATION_NEEDED: "We need more information from you",
    LetterKind.LATE_REQUEST_REFUSED: "We cannot accept your late request",
    LetterKind.NO_RIGHT_OF_REVIEW: "We cannot review your complaint",
    LetterKind.FORWARDED_TO_IOPC: "We have sent your request to the IOPC",
    LetterKind.DECISION: "Our decision on your request for a review",
    LetterKind.MPS_RESPONSE: "The Met's reply to our recommendations",
}

# Why MOPAC cannot review a request (the codes of reviews.workflow's VALIDITY_REASONS), in the
# requester's words: the tracker's note and the letter say the same.
VALIDITY_EXPLANATIONS = {
    "no-right-of-review": (
        "We cannot review how your complaint was handled: the law gives no right to a review "
        "for this kind of complaint."
    ),
    "not-mps": (
        "We cannot review your complaint because it is not about the Metropolitan Police. The "
        "police and crime commissioner for the police force involved may be able to help."
    ),
    "before-2020": (
        "We cannot review your complaint because it was made before 1 February 2020. "
        "Complaints made before then have an appeal instead of a review."
    ),
    "no-final-outcome": (
        "We cannot review your complaint yet: the Metropolitan Police have not sent you a final "
        "outcome. You can ask for a review when they have."
    ),
    "withdrawn": "We cannot review your complaint because it was withdrawn.",
    "duplicate": (
        "This request is a copy of another request you sent us. We will deal with that one."
    ),
}


class LetterError(Exception):
    """A letter cannot be written: the decision is not recorded, or the data is not usable."""


# What each recommendation code asks of the Met, finishing "We recommend that the Met: ...".
# {person} is "you", or the complainant's name when a representative receives the letter.
_RECOMMENDATIONS = {
    "handle-again": "looks at the complaint again",
    "explanation": "gives {person} a fuller explanation",
    "apology": "apologises to {person}",
    "return-property": "returns property it took",
    "review-policy": "reviews a policy or the way it does something",
}
OTHER_RECOMMENDATION = "other"
RECOMMENDATION_CODES = (*_RECOMMENDATIONS, OTHER_RECOMMENDATION)


@dataclass(frozen=True)
class Letter:
    """Everything a letter template shows, already in the words and formats it shows them in."""

    kind: LetterKind
    large_print: bool
    date: str
    reference: str
    mps_reference: str
    recipient_name: str
    address_lines: tuple[str, ...]
    for_representative: bool
    complainant_name: str
    the_complaint: str
    contact_email: str
    # Acknowledgement
    received_on: str
    track_url: str
    late: bool
    awaited: tuple[str, ...]
    estimated_allocation_month: str | None
    # Decision
    upheld: bool
    reasons: tuple[tuple[str, ...], ...]
    recommendations: tuple[str, ...]
    refer_to_iopc: bool
    # The other letters: what we asked for, why we refused or cannot review, what the IOPC
    # was sent, and the Met's reply (as paragraphs of lines, as typed).
    information_requested: tuple[tuple[str, ...], ...] = ()
    refusal_reason: tuple[tuple[str, ...], ...] = ()
    validity_explanation: str = ""
    shared_with_iopc: tuple[tuple[str, ...], ...] = ()
    mps_response: tuple[tuple[str, ...], ...] = ()
    mps_response_received_on: str = ""
    # The words of the letter (reviews.letter_templates): the kind's wording filled from the
    # facts above, or the text staff checked and perhaps changed; the version of the wording it
    # came from, and whether staff changed it.
    body: tuple[Block, ...] = ()
    text: str = ""
    template_version: int | None = None
    edited: bool = False


@dataclass(frozen=True)
class LetterText:
    """A letter's words as they will go: `text` (the body), from version `template_version` of
    the kind's wording, `edited` if staff changed it from what that wording gave."""

    text: str
    template_version: int | None
    edited: bool = False


def wants_large_print(review_request: ReviewRequest) -> bool:
    """True when the requester asked for large print: among their adjustments, or on the
    other-format form with this request's tracking reference."""
    if LARGE_PRINT in (review_request.adjustments or []):
        return True
    return bool(
        db.session.scalar(
            select(AccessibleFormatRequest.id)
            .where(
                AccessibleFormatRequest.review_request_id == review_request.id,
                AccessibleFormatRequest.format == LARGE_PRINT,
            )
            .limit(1)
        )
    )


def letter_filename(
    review_request: ReviewRequest, kind: LetterKind | str, large_print: bool
) -> str:
    """A download name holding the tracking reference and nothing personal."""
    suffix = "-large-print" if large_print else ""
    reference = format_reference(review_request.reference)
    return f"{LetterKind(kind).value}-letter-{reference}{suffix}.pdf"


def _needed(value: object, what: str) -> None:
    if value is None or value == "":
        raise LetterError(f"{what} is not recorded, so there is no such letter to write")


def build_letter(
    review_request: ReviewRequest,
    kind: LetterKind | str,
    *,
    large_print: bool,
    contact_email: str,
    track_url: str,
    text: LetterText | None = None,
    version: int | None = None,
    wording: str | None = None,
) -> Letter:
    """What the letter of `kind` says to the requester. `contact_email` is where they can write
    to the team, `track_url` the tracker's address. Its words are `text` when staff checked
    them, else the kind's wording (`wording` not yet saved, for a preview; else `version` of it;
    else the active one) filled from the facts.
    Raises LetterError for a decision letter when no decision is recorded, or when a recorded
    recommendation cannot be put into words, or when there is no such version."""
    letter = _facts(
        review_request,
        kind,
        large_print=large_print,
        contact_email=contact_email,
        track_url=track_url,
    )
    if text is None:
        text = _filled(letter, version, wording)
    return replace(
        letter,
        body=blocks(text.text),
        text=text.text,
        template_version=text.template_version,
        edited=text.edited,
    )


def _filled(letter: Letter, version: int | None, unsaved: str | None) -> LetterText:
    kind = letter.kind.value
    if unsaved is not None:
        return LetterText(fill(kind, unsaved, letter_values(letter)), None)
    wording = active_wording(kind) if version is None else _wording_version(kind, version)
    if wording is None:
        raise LetterError(f"there is no version {version} of this letter's wording")
    try:
        return LetterText(fill(kind, wording.text, letter_values(letter)), wording.version)
    except WordingError as error:
        raise LetterError(
            f"its wording (version {wording.version}) cannot be used: {error}"
        ) from error


def letter_values(letter: Letter) -> dict[str, Value]:
    """What fills each placeholder (reviews.letter_templates.PLACEHOLDERS) in a letter."""

    def typed(paragraphs: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
        return tuple("\n".join(lines) for lines in paragraphs)

    return {
        "reference": letter.reference,
        "recipient_name": letter.recipient_name,
        "complainant_name": letter.complainant_name,
        "the_complaint": letter.the_complaint,
        "mps_reference": letter.mps_reference,
        "contact_email": letter.contact_email,
        "track_url": letter.track_url,
        "for_representative": letter.for_representative,
        "date": letter.date,
        "review_window": PROMISES.review_window.text,
        "received_on": letter.received_on,
        "late": letter.late,
        "awaited": letter.awaited,
        "estimated_allocation_month": letter.estimated_allocation_month or "",
        "information_requested": typed(letter.information_requested),
        "refusal_reason": typed(letter.refusal_reason),
        "validity_explanation": letter.validity_explanation,
        "shared_with_iopc": typed(letter.shared_with_iopc),
        "upheld": letter.upheld,
        "decision_reasons": typed(letter.reasons),
        "recommendations": letter.recommendations,
        "refer_to_iopc": letter.refer_to_iopc,
        "met_replies_in_writing": PROMISES.met_replies_in_writing.wording,
        "mps_response": typed(letter.mps_response),
        "mps_response_received_on": letter.mps_response_received_on,
    }


def _facts(
    review_request: ReviewRequest,
    kind: LetterKind | str,
    *,
    large_print: bool,
    contact_email: str,
    track_url: str,
) -> Letter:
    kind = LetterKind(kind)
    representative = review_request.requester_role == "representative"
    person = review_request.complainant_name if representative else "you"
    the_complaint = (
        f"the complaint made by {review_request.complainant_name}"
        if representative
        else "your complaint"
    )
    upheld = False
    reasons: tuple[tuple[str, ...], ...] = ()
    recommendations: tuple[str, ...] = ()
    if kind is LetterKind.DECISION:
        if review_request.outcome_reasonable is None:
            raise LetterError("no decision is recorded, so there is no decision letter to write")
        upheld = not review_request.outcome_reasonable
        reasons = _paragraphs(review_request.decision_reasons or "")
        if upheld:
            recommendations = _recommendations(review_request, person)
        dated = review_request.decision_issued_on or clock.today()
    elif kind is LetterKind.ACKNOWLEDGEMENT:
        dated = review_request.acknowledged_on or clock.today()
    elif kind is LetterKind.FORWARDED_TO_IOPC:
        dated = review_request.forwarded_to_iopc_on or clock.today()
    else:
        dated = clock.today()
    others = _other_facts(review_request, kind)

    return Letter(
        kind=kind,
        large_print=large_print,
        date=format_date(dated),
        reference=format_reference(review_request.reference),
        mps_reference=review_request.mps_reference or "not known",
        recipient_name=review_request.requester_name,
        address_lines=address_lines(review_request.requester_address),
        for_representative=representative,
        complainant_name=review_request.complainant_name,
        the_complaint=the_complaint,
        contact_email=contact_email,
        received_on=format_date(review_request.submitted_at.astimezone(LONDON).date()),
        track_url=track_url,
        late=review_request.is_late and review_request.late_decision is None,
        awaited=_awaited(review_request),
        estimated_allocation_month=_month(review_request.estimated_allocation_month),
        upheld=upheld,
        reasons=reasons,
        recommendations=recommendations,
        refer_to_iopc=review_request.refer_to_iopc,
        **others,
    )


def _other_facts(review_request: ReviewRequest, kind: LetterKind) -> dict[str, Any]:
    """What the letters other than the acknowledgement and the decision say, from the facts
    recorded on the request. Raises LetterError when the fact a letter is about is missing."""
    r = review_request
    if kind is LetterKind.INFORMATION_NEEDED:
        _needed(r.information_requested, "What we asked the requester for")
        return {"information_requested": _paragraphs(r.information_requested or "")}
    if kind is LetterKind.LATE_REQUEST_REFUSED:
        if r.late_decision != "refused":
            raise LetterError("the late request was not refused")
        return {"refusal_reason": _paragraphs(r.late_decision_reason or "")}
    if kind is LetterKind.NO_RIGHT_OF_REVIEW:
        if r.validity not in VALIDITY_EXPLANATIONS:
            raise LetterError("no reason why MOPAC cannot review it is recorded")
        return {"validity_explanation": VALIDITY_EXPLANATIONS[r.validity]}
    if kind is LetterKind.FORWARDED_TO_IOPC:
        _needed(r.shared_with_iopc, "What was sent to the IOPC")
        return {"shared_with_iopc": _paragraphs(r.shared_with_iopc or "")}
    if kind is LetterKind.MPS_RESPONSE:
        _needed(r.mps_response, "The Met's response")
        received = r.mps_response_received_on
        return {
            "mps_response": _paragraphs(r.mps_response or ""),
            "mps_response_received_on": format_date(received) if received else "",
        }
    return {}


def address_lines(address: str | None) -> tuple[str, ...]:
    """The postal address's lines, without the blank ones the form allows."""
    return tuple(line.strip() for line in (address or "").splitlines() if line.strip())


def _paragraphs(text: str) -> tuple[tuple[str, ...], ...]:
    """Text as paragraphs (split at blank lines) of lines, as the caseworker typed them."""
    paragraphs: list[tuple[str, ...]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append(tuple(current))
            current = []
    if current:
        paragraphs.append(tuple(current))
    return tuple(paragraphs)


def _recommendations(review_request: ReviewRequest, person: str) -> tuple[str, ...]:
    codes = set(review_request.recommendations or [])
    unknown = codes - set(RECOMMENDATION_CODES)
    if unknown:
        # A letter must not quietly leave out something that was decided.
        raise LetterError(f"unknown recommendation codes: {sorted(unknown)}")
    wording = [
        template.format(person=person)
        for code, template in _RECOMMENDATIONS.items()
        if code in codes
    ]
    if OTHER_RECOMMENDATION in codes:
        other = (review_request.other_recommendation or "").strip()
        if not other:
            raise LetterError("the 'other' recommendation has no wording")
        wording.append(other)
    return tuple(wording)


def _awaited(review_request: ReviewRequest) -> tuple[str, ...]:
    awaited = []
    if review_request.letter_to_follow:
        awaited.append("a copy of the Met's outcome letter, with all its pages")
    if review_request.requester_role == "representative" and review_request.consent == "awaited":
        awaited.append(
            f"{review_request.complainant_name}'s signed permission for you to ask for this "
            "review for them"
        )
    return tuple(awaited)


def _month(value: date | None) -> str | None:
    return format_month(value) if value else None
