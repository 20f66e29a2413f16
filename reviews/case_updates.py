"""Post, phone and email in, on a case that exists: what staff record beside the workflow.

- Documents staff add (a letter that came by post, signed permission by email, the Met's case
  information), each with where it came from and who added it.
- The outcome letter received: it is no longer to follow, and the facts that were unknown (its
  date, the Met's reference) are recorded; the requester reads that it came.
- Contact details corrected: the old values go in the audit event (append-only), never on a
  timeline note.
- A phone call or an email, in or out: a note for staff on the request's timeline.
- What a party sent on the tracker (messages, documents) is new to staff until one of them marks
  it read. The dashboard's lists (that, and what the Met owes that is overdue) are in
  reviews.case_lists.

Each function works in the caller's transaction and writes its audit event; the caller commits.
Timeline entries staff alone read carry an event in reviews.tracking.STAFF_ONLY_EVENTS, which
the tracker leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from reviews import clock
from reviews.audit import record_audit
from reviews.database import db
from reviews.drafts import document_from
from reviews.models import Document, RequesterMessage, ReviewRequest, StaffUser, TimelineEntry
from reviews.rules import deadline_for, format_date, normalise_mps_reference
from reviews.uploads import CheckedUpload

# What a document staff add is (Document.kind), as staff pages name it.
STAFF_DOCUMENT_KINDS: dict[str, str] = {
    "outcome-letter": "The outcome letter",
    "consent": "Signed permission from the complainant",
    "mps-case-info": "The Met's case information",
    "mps-response": "The Met's reply to our recommendations",
    "supporting": "Something else",
}
LETTER_RECEIVED = "letter-received"
# Where a document came from (Document.source), as the documents list says it. None: it came
# with the request.
TRACKER = "tracker"
SOURCES: dict[str, str] = {
    "post": "sent by post",
    "email": "sent by email",
    "met": "from the Met",
    "in-person": "handed to us",
    TRACKER: "sent on the tracker",
}
# The ways staff may say a document reached them (the tracker is the requester's own).
STAFF_SOURCES = {code: label for code, label in SOURCES.items() if code != TRACKER}

# A phone call or an email, either way.
CHANNELS = {"phone": "Phone call", "email": "Email"}
DIRECTIONS = {"in": "from them", "out": "from us"}

PARTIES = ("requester", "complainant")
CONTACT_FIELDS = {"email": "email address", "phone": "phone number", "address": "address"}

# What the staff timeline calls the entries staff alone read (the tracker leaves out every
# event in reviews.tracking.STAFF_ONLY_EVENTS), and the one the requester reads too.
STAFF_EVENT_TITLES: dict[str, str] = {
    "documents-added": "Documents added",
    "contact-corrected": "Contact details corrected",
    "phone-call": "Phone call",
    "email": "Email",
    LETTER_RECEIVED: "Outcome letter received",
}


class CaseUpdateRefused(Exception):
    """Nothing to do, or not allowed: the message says why, for staff."""


def _entry(
    review_request: ReviewRequest,
    staff_user: StaffUser,
    event: str,
    *,
    staff_note: str | None = None,
    public_note: str | None = None,
) -> TimelineEntry:
    """An entry on the request's timeline at the status it has."""
    entry = TimelineEntry(
        status=review_request.status,
        happened_at=clock.now(),
        public_note=public_note,
        staff_note=staff_note,
        staff_user_id=staff_user.id,
        event=event,
    )
    review_request.timeline.append(entry)
    db.session.add(entry)
    return entry


def refuse_if_deleted(review_request: ReviewRequest) -> None:
    if review_request.anonymised_at is not None:
        raise CaseUpdateRefused("This request's personal data has been deleted: add nothing to it.")


# 1. Documents staff add.


def add_staff_documents(
    review_request: ReviewRequest,
    staff_user: StaffUser,
    kind: str,
    source: str,
    uploads: list[CheckedUpload],
) -> list[Document]:
    """Attach documents that reached staff. A file already on the request (the same bytes,
    the same kind) is not added twice, so a form sent twice adds it once. An outcome letter
    that was to follow has now arrived."""
    if kind not in STAFF_DOCUMENT_KINDS or source not in STAFF_SOURCES:
        raise CaseUpdateRefused("Choose what the document is and where it came from.")
    refuse_if_deleted(review_request)
    have = {(document.kind, document.sha256) for document in review_request.documents}
    added = []
    now = clock.now()
    for upload in uploads:
        if (kind, upload.sha256) in have:
            continue
        have.add((kind, upload.sha256))
        document = document_from(kind, upload)
        document.source = source
        document.uploaded_by_id = staff_user.id
        document.uploaded_at = now
        document.read_at = now  # staff added it: nobody needs telling it is new
        review_request.documents.append(document)
        added.append(document)
    if not added:
        return added
    if kind == "outcome-letter":
        review_request.letter_to_follow = False
    names = ", ".join(document.filename for document in added)
    _entry(
        review_request,
        staff_user,
        "documents-added",
        staff_note=f"{STAFF_DOCUMENT_KINDS[kind]}, {SOURCES[source]}: {names}",
    )
    db.session.flush()  # the documents' ids, for the audit event
    record_audit(
        "added-documents",
        staff_user=staff_user,
        review_request=review_request,
        detail={
            "kind": kind,
            "source": source,
            "document_ids": [document.id for document in added],
        },
    )
    return added


# 2. The outcome letter received.


def letter_facts_missing(review_request: ReviewRequest) -> dict[str, bool]:
    """What staff can still record about the outcome letter."""
    return {
        "letter": review_request.letter_to_follow,
        "letter_date": review_request.letter_date is None
        or review_request.letter_date_is_approximate,
        "mps_reference": review_request.mps_reference is None,
    }


def mark_letter_received(
    review_request: ReviewRequest,
    staff_user: StaffUser,
    letter_date: date | None = None,
    mps_reference: str | None = None,
) -> TimelineEntry:
    """We have the outcome letter, or the facts from it that were unknown. Only an exact date
    makes a request late (review rule 6: the last day is the letter's date + 28 days), and only
    while no decision on lateness has been made."""
    refuse_if_deleted(review_request)
    missing = letter_facts_missing(review_request)
    if not any(missing.values()):
        raise CaseUpdateRefused(
            "Nothing to record: we have the outcome letter, its date and the Met's reference."
        )
    if letter_date is not None and letter_date > clock.today():
        raise CaseUpdateRefused("The date on the letter must be today or earlier")
    reference = None
    if mps_reference:
        reference = normalise_mps_reference(mps_reference)
        if reference is None:
            raise CaseUpdateRefused("Enter the Met's reference as it is on the letter")
    new_date = letter_date if missing["letter_date"] else None
    new_reference = reference if missing["mps_reference"] else None
    if not (missing["letter"] or new_date or new_reference):
        raise CaseUpdateRefused("Enter the date on the letter or the Met's reference")
    previous = {
        "letter_date": review_request.letter_date.isoformat()
        if review_request.letter_date
        else None,
        "letter_date_is_approximate": review_request.letter_date_is_approximate,
        "mps_reference": review_request.mps_reference,
    }
    # What the requester reads on their tracker.
    said = []
    if missing["letter"]:
        said.append("We have your outcome letter from the Met.")
        review_request.letter_to_follow = False
    if new_date is not None:
        review_request.letter_date = new_date
        review_request.letter_date_is_approximate = False
        said.append(f"The date on the letter is {format_date(new_date)}.")
        sent_on = clock.london_date(review_request.submitted_at)
        if review_request.late_decision is None and sent_on > deadline_for(new_date):
            review_request.is_late = True
    if new_reference is not None:
        review_request.mps_reference = new_reference
        review_request.possible_duplicate = review_request.possible_duplicate or _is_repeat(
            review_request
        )
        said.append(f"The Met's reference for your complaint is {new_reference}.")
    entry = _entry(review_request, staff_user, LETTER_RECEIVED, public_note=" ".join(said))
    record_audit(
        "outcome-letter-received",
        staff_user=staff_user,
        review_request=review_request,
        detail={"previous": previous},
    )
    return entry


def _is_repeat(review_request: ReviewRequest) -> bool:
    return (
        db.session.scalar(
            select(ReviewRequest.id)
            .where(
                ReviewRequest.mps_reference == review_request.mps_reference,
                ReviewRequest.id != review_request.id,
            )
            .limit(1)
        )
        is not None
    )


# 3. Contact details corrected.


def contact_details_of(review_request: ReviewRequest, party: str) -> dict[str, str | None]:
    prefix = "complainant" if party == "complainant" else "requester"
    return {name: getattr(review_request, f"{prefix}_{name}") for name in CONTACT_FIELDS}


def correct_contact_details(
    review_request: ReviewRequest,
    staff_user: StaffUser,
    party: str,
    details: dict[str, str | None],
) -> TimelineEntry:
    """Record a party's contact details as they told us. The old values are kept only in the
    audit event; the staff timeline says what changed, not what it was."""
    if party not in PARTIES:
        raise CaseUpdateRefused("Choose whose contact details to correct.")
    refuse_if_deleted(review_request)
    prefix = "complainant" if party == "complainant" else "requester"
    old = contact_details_of(review_request, party)
    new = {name: (details.get(name) or "").strip() or None for name in CONTACT_FIELDS}
    changed = [name for name in CONTACT_FIELDS if (old[name] or None) != new[name]]
    if not changed:
        raise CaseUpdateRefused("Nothing changed: the contact details are as they were.")
    for name in changed:
        setattr(review_request, f"{prefix}_{name}", new[name])
    whose = "the complainant's" if party == "complainant" else "the requester's"
    what = " and ".join(
        [", ".join(CONTACT_FIELDS[name] for name in changed[:-1]), CONTACT_FIELDS[changed[-1]]]
        if len(changed) > 1
        else [CONTACT_FIELDS[changed[0]]]
    )
    entry = _entry(
        review_request,
        staff_user,
        "contact-corrected",
        staff_note=f"Corrected {whose} {what}. The old details are in the audit log.",
    )
    record_audit(
        "corrected-contact-details",
        staff_user=staff_user,
        review_request=review_request,
        detail={"party": party, "previous": {name: old[name] for name in changed}},
    )
    return entry


# 4. A phone call or an email.


def record_contact(
    review_request: ReviewRequest,
    staff_user: StaffUser,
    channel: str,
    direction: str,
    happened_on: date,
    summary: str,
) -> TimelineEntry:
    """A note, for staff, of a phone call or an email and what was said."""
    if channel not in CHANNELS or direction not in DIRECTIONS:
        raise CaseUpdateRefused("Choose whether it was a phone call or an email, and who began it.")
    if happened_on > clock.today():
        raise CaseUpdateRefused("The date must be today or earlier")
    refuse_if_deleted(review_request)
    event = "phone-call" if channel == "phone" else "email"
    entry = _entry(
        review_request,
        staff_user,
        event,
        staff_note=f"{CHANNELS[channel]} {DIRECTIONS[direction]}, {format_date(happened_on)}: "
        f"{summary.strip()}",
    )
    record_audit(
        "recorded-contact",
        staff_user=staff_user,
        review_request=review_request,
        detail={"channel": channel, "direction": direction, "happened_on": happened_on.isoformat()},
    )
    return entry


# 5. New from the requester.


@dataclass(frozen=True)
class Unread:
    messages: list[RequesterMessage]
    documents: list[Document]

    def __bool__(self) -> bool:
        return bool(self.messages or self.documents)


def unread_on(review_request: ReviewRequest) -> Unread:
    """What a party sent on the tracker that no member of staff has marked read, oldest first."""
    return Unread(
        [message for message in review_request.messages if message.read_at is None],
        [
            document
            for document in review_request.documents
            if document.source == TRACKER and document.read_at is None
        ],
    )


def mark_read(review_request: ReviewRequest, staff_user: StaffUser) -> int:
    """Mark everything new on the request read: how many things that was."""
    unread = unread_on(review_request)
    now = clock.now()
    for message in unread.messages:
        message.read_at = now
    for document in unread.documents:
        document.read_at = now
    count = len(unread.messages) + len(unread.documents)
    if count:
        record_audit(
            "marked-read",
            staff_user=staff_user,
            review_request=review_request,
            detail={"messages": len(unread.messages), "documents": len(unread.documents)},
        )
    return count
