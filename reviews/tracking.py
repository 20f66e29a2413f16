"""What a requester can see after sending a request: find it with its reference and a
surname (theirs, or the complainant's: the two parties), and follow its progress in plain
words, with what each party did beside what MOPAC did. What they may change, and the changes,
are in reviews.tracker_changes; the dates to expect in reviews.tracker_dates."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import ReviewRequest, TimelineEntry
from reviews.promises import PROMISES
from reviews.references import parse_reference
from reviews.rules import format_month
from reviews.workflow import WITHDRAWABLE as WORKFLOW_WITHDRAWABLE
from reviews.workflow import Status

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


# The two parties to a request: who sent it, and (when someone sent it for them) the person
# who made the complaint. When the complainant sent it themselves, they are the requester.
REQUESTER = "requester"
COMPLAINANT = "complainant"


def has_two_parties(review_request: ReviewRequest) -> bool:
    return review_request.requester_role == "representative"


def parties_named(reference_text: str, surname: str) -> tuple[ReviewRequest | None, list[str]]:
    """The request with this tracking reference, and which of its parties have `surname` (none,
    one, or both when they share it). Every failure looks the same and takes as long."""
    canonical = parse_reference(reference_text) or "-" * 14
    review_request = db.session.scalar(
        select(ReviewRequest).where(ReviewRequest.reference == canonical)
    )
    candidates = list(_NO_MATCH)
    owners = [""] * len(_NO_MATCH)
    if review_request is not None:
        requester = _surname_digests(review_request.requester_name)
        complainant = _surname_digests(review_request.complainant_name)
        candidates = (requester + complainant + _NO_MATCH)[: len(_NO_MATCH)]
        owners = [REQUESTER] * len(requester) + [COMPLAINANT] * len(complainant)
        owners += [""] * (len(_NO_MATCH) - len(owners))
    given = _digest(normalise_name(surname))
    matched: set[str] = set()
    for candidate, owner in zip(candidates, owners, strict=True):
        # Every candidate is compared, in constant time, whatever matched before.
        if hmac.compare_digest(candidate, given) and owner:
            matched.add(owner)
    if review_request is None or not matched or not normalise_name(surname):
        return None, []
    if not has_two_parties(review_request):
        return review_request, [REQUESTER]
    return review_request, sorted(matched, key=[REQUESTER, COMPLAINANT].index)


def find_request(reference_text: str, surname: str) -> ReviewRequest | None:
    """The request with this tracking reference, if `surname` is the surname of the person
    who sent it or of the person who made the complaint. Every failure looks the same."""
    return parties_named(reference_text, surname)[0]


def party_name(review_request: ReviewRequest, party: str) -> str:
    return (
        review_request.complainant_name if party == COMPLAINANT else review_request.requester_name
    )


def other_party(party: str) -> str:
    return REQUESTER if party == COMPLAINANT else COMPLAINANT


def awaiting_consent(review_request: ReviewRequest, party: str) -> bool:
    """A representative whose signed permission staff have not yet had: they may follow the
    request but not act on it (rule A3: a representative holds the complainant's consent)."""
    return (
        party == REQUESTER
        and has_two_parties(review_request)
        and review_request.consent == "awaited"
    )


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


# What a party can do on the tracker, each recorded as a timeline entry's `event`: the title
# the doer reads, and the one the other party reads ({name}: who did it).
EVENTS: dict[str, tuple[str, str]] = {
    "message": ("You sent us a message", "{name} sent us a message"),
    "documents": ("You sent us {documents}", "{name} sent us {documents}"),
    "contact-details": ("You changed your contact details", "{name} changed their contact details"),
    "adjustments": ("You changed the help you need", "{name} changed the help they need"),
    "call-request": ("You asked for a phone call", "{name} asked for a phone call"),
    "withdrawal": ("You withdrew your request", "{name} withdrew the request"),
}
# What staff did that is news without a change of status.
STAFF_EVENTS = {
    "consent-received": "Signed permission checked",
    "letter-received": "Outcome letter received",
}
# What staff note for themselves on the timeline (reviews.case_updates): never on the tracker.
STAFF_ONLY_EVENTS = frozenset({"documents-added", "contact-corrected", "phone-call", "email"})
# A decision's internal check, however many rounds it takes, is one step to the requester.
_CHECKING_ROUND = frozenset({Status.UNDER_REVIEW, Status.DECISION_QA, Status.DECISION_APPROVED})


@dataclass(frozen=True)
class TimelineItem:
    title: str
    happened_on: date
    note: str | None
    # The stage the request was at (for an entry of MOPAC's, the stage it moved to).
    stage: Stage


def _title(review_request: ReviewRequest, entry: TimelineEntry, viewer: str) -> str:
    if entry.event in EVENTS and entry.actor:
        yours, theirs = EVENTS[entry.event]
        files = len((entry.public_note or "").splitlines()) or 1
        documents = "a document" if files == 1 else f"{files} documents"
        title = yours if entry.actor == viewer else theirs
        return title.format(name=party_name(review_request, entry.actor), documents=documents)
    if entry.event in STAFF_EVENTS:
        return STAFF_EVENTS[entry.event]
    return stage_for(review_request, entry.status).title


def _for_staff_only(entry: TimelineEntry, shown: list[TimelineEntry]) -> bool:
    """An entry that keeps the stage and has a note only for staff (a case reassigned): no
    news for the requester."""
    return (
        not entry.public_note
        and bool(entry.staff_note)
        and bool(shown)
        and shown[-1].status == entry.status
    )


def _shown(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """The entries the requester reads: a decision's check shows once, at its first round."""
    shown: list[TimelineEntry] = []
    checking = False
    for entry in entries:
        if entry.event in STAFF_ONLY_EVENTS:
            continue
        if entry.actor is None and entry.event is None:
            if entry.status == Status.DECISION_QA:
                if checking:
                    continue
                checking = True
            elif (
                checking and entry.status in _CHECKING_ROUND and not entry.public_note
            ) or _for_staff_only(entry, shown):
                continue
            else:
                checking = False
        shown.append(entry)
    return shown


def public_timeline(review_request: ReviewRequest, viewer: str = REQUESTER) -> list[TimelineItem]:
    """The request's history as `viewer` (a party) sees it, newest last: what MOPAC did and
    what each party did on the tracker, each with its date."""
    return [
        TimelineItem(
            _title(review_request, entry, viewer),
            clock.london_date(entry.happened_at),
            entry.public_note,
            stage_for(review_request, entry.status),
        )
        for entry in _shown(list(review_request.timeline))
    ]


def current_stage(review_request: ReviewRequest) -> Stage:
    return stage_for(review_request, review_request.status)


def _consent_needed(review_request: ReviewRequest, viewer: str) -> str:
    if any(document.kind == "consent" for document in review_request.documents):
        return "We have the signed permission you sent. We will check it and tell you."
    if review_request.consent_route == "phone-or-email":
        # The complainant said they would tell the team themselves; staff record it.
        if viewer == COMPLAINANT:
            return (
                f"Phone or email us to say {review_request.requester_name} can act for you. "
                "We will write it down and tell you both."
            )
        return (
            f"{review_request.complainant_name} needs to phone or email us to say you can act "
            "for them. We will tell you when they have."
        )
    if viewer == COMPLAINANT:
        return (
            f"Your signed permission for {review_request.requester_name} to act for you. Upload "
            "it with 'Send us a document', or send it by email or post."
        )
    return (
        "Signed permission from the person who made the complaint, saying you can act for "
        "them. Upload it with 'Send us a document', or send it by email or post."
    )


def needed_from_you(review_request: ReviewRequest, viewer: str = REQUESTER) -> list[str]:
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
        needed.append(_consent_needed(review_request, viewer))
    if stage.needed_from_you != NOTHING_NEEDED or not needed:
        needed.append(stage.needed_from_you)
    return needed


# The same statuses staff can record a withdrawal in: any point before the decision is sent.
WITHDRAWABLE = WORKFLOW_WITHDRAWABLE


def can_withdraw(review_request: ReviewRequest) -> bool:
    return review_request.status in WITHDRAWABLE
