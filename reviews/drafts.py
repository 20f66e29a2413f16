"""Drafts: a review request while it is being written."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select

from reviews import clock
from reviews.database import db
from reviews.journey import deadline
from reviews.models import Document, Draft, StaffUser
from reviews.rules import Deadline
from reviews.uploads import CheckedUpload

# Long enough to fetch a letter or ask someone for help and come back the next day; the
# privacy notice promises that unsent drafts go after 2 days.
DRAFT_LIFETIME = timedelta(hours=48)


def start_draft() -> Draft:
    """A new draft. Its id is not a secret (it names the draft in outbox messages): the browser
    opens it with the key from `new_session_key`."""
    now = clock.now()
    draft = Draft(
        id=secrets.token_urlsafe(32), answers={}, created_at=now, expires_at=now + DRAFT_LIFETIME
    )
    db.session.add(draft)
    return draft


# How a request that staff enter reached MOPAC (staff.intake).
RECEIVED_VIA = {"post": "By post", "email": "By email"}


def start_entered_draft(staff_user: StaffUser, received_via: str, received_on: date) -> Draft:
    """A draft for a request that came by post or email, which `staff_user` is entering."""
    draft = start_draft()
    draft.entered_by = staff_user
    set_received(draft, received_via, received_on)
    return draft


def set_received(draft: Draft, received_via: str, received_on: date) -> None:
    if received_via not in RECEIVED_VIA:
        raise ValueError(f"not a way a request comes: {received_via!r}")
    draft.received_via = received_via
    draft.received_on = received_on
    keep_draft(draft)


def find_entered_draft(session_key: str | None, staff_user: StaffUser) -> Draft | None:
    """The unexpired draft this session key opens, if `staff_user` is the one entering it."""
    draft = find_draft(session_key)
    if draft is None or draft.entered_by_id is None or draft.entered_by_id != staff_user.id:
        return None
    return draft


def rules_date(draft: Draft | None, today: date) -> date:
    """The day the journey's rules count from: the day a request entered by staff arrived
    (a letter delayed in the post is judged on the day it came), else today."""
    if draft is not None and draft.received_on is not None:
        return draft.received_on
    return today


def new_session_key(draft: Draft) -> str:
    """A new key for the browser's session to open the draft with, replacing any earlier one.
    Only its hash is stored, so a copy of the database opens no one's draft."""
    key = secrets.token_urlsafe(32)
    draft.session_key_hash = _token_hash(key)
    return key


def find_draft(session_key: str | None, now: datetime | None = None) -> Draft | None:
    """The draft this session key opens, unless it has expired."""
    if not session_key:
        return None
    draft = db.session.scalar(
        select(Draft).where(Draft.session_key_hash == _token_hash(session_key))
    )
    if draft is None or draft.expires_at <= (now or clock.now()):
        return None
    return draft


def keep_draft(draft: Draft) -> None:
    """Someone is still working on it: keep it for another DRAFT_LIFETIME, never shortening the
    30 days a saved draft was promised."""
    draft.expires_at = max(draft.expires_at, clock.now() + DRAFT_LIFETIME)


def save_answers(draft: Draft, slug: str, answers: dict[str, Any]) -> None:
    # A new dict, so that SQLAlchemy sees the JSON column change.
    draft.answers = {**draft.answers, slug: answers}
    keep_draft(draft)


def document_from(kind: str, upload: CheckedUpload) -> Document:
    return Document(
        kind=kind,
        filename=upload.filename,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        content=upload.content,
        active_content=upload.active_content,
    )


def add_document(draft: Draft, kind: str, upload: CheckedUpload) -> Document:
    document = document_from(kind, upload)
    draft.documents.append(document)
    keep_draft(draft)
    return document


def documents_of_kind(draft: Draft, kind: str) -> list[Document]:
    return [document for document in draft.documents if document.kind == kind]


def remove_document(draft: Draft, document_id: int) -> bool:
    """Remove one of this draft's documents; another draft's (or a sent one) is not touched."""
    for document in draft.documents:
        if document.id == document_id:
            draft.documents.remove(document)
            db.session.delete(document)
            return True
    return False


def purge_expired_drafts(now: datetime | None = None) -> int:
    """Delete drafts past their expiry, with their files. Sent drafts hold no answers or files
    (sending moved them to the request), so they go too. Returns how many were deleted."""
    expired = select(Draft.id).where(Draft.expires_at <= (now or clock.now()))
    db.session.execute(delete(Document).where(Document.draft_id.in_(expired)))
    # A bulk DELETE runs through a cursor; Session.execute is typed with the plain Result.
    result = cast(
        "CursorResult[*tuple[Any, ...]]",
        db.session.execute(delete(Draft).where(Draft.id.in_(expired))),
    )
    return result.rowcount


# A saved draft is kept longer than one being written, so that its link is worth sending.
SAVED_DRAFT_LIFETIME = timedelta(days=30)
# Remind someone who saved a draft when this many days or fewer are left to ask.
REMINDER_DAYS_LEFT = 3


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def save_for_later(draft: Draft, email: str) -> None:
    """Keep the draft for 30 days for a link sent to `email`. The link's token is not made
    here: the worker mints it as it sends the email (`issue_resume_token`), so that no usable
    link ever waits in the outbox."""
    now = clock.now()
    draft.resume_email = email
    draft.resume_token_expires_at = now + SAVED_DRAFT_LIFETIME
    draft.expires_at = max(draft.expires_at, now + SAVED_DRAFT_LIFETIME)


def issue_resume_token(draft_id: str, now: datetime | None = None) -> str | None:
    """A new single-use token for a saved draft's link, replacing any earlier one; None when
    the draft is gone, sent or no longer saved (the email is then not worth sending). Only the
    token's hash is stored, so a copy of the database cannot be used to resume anyone's draft."""
    now = now or clock.now()
    draft = db.session.get(Draft, draft_id)
    if (
        draft is None
        or draft.review_request_id is not None
        or draft.resume_token_expires_at is None
        or draft.resume_token_expires_at <= now
        or draft.expires_at <= now
    ):
        return None
    token = secrets.token_urlsafe(32)
    draft.resume_token_hash = _token_hash(token)
    return token


def resume_draft(token: str, now: datetime | None = None) -> Draft | None:
    """The draft this link is for, once: the token is used up by resuming. The browser that
    resumes it needs a new session key (`new_session_key`), which shuts out any other."""
    now = now or clock.now()
    draft = db.session.scalar(select(Draft).where(Draft.resume_token_hash == _token_hash(token)))
    if (
        draft is None
        or draft.review_request_id is not None
        or draft.resume_token_expires_at is None
        or draft.resume_token_expires_at <= now
        or draft.expires_at <= now
    ):
        return None
    draft.resume_token_hash = None
    draft.resume_token_expires_at = None
    draft.expires_at = max(draft.expires_at, now + DRAFT_LIFETIME)
    return draft


def drafts_to_remind(today: date, now: datetime | None = None) -> list[tuple[Draft, Deadline]]:
    """Saved, unsent drafts whose 28 days end within REMINDER_DAYS_LEFT, not yet reminded."""
    now = now or clock.now()
    saved = db.session.scalars(
        select(Draft).where(
            Draft.resume_email.is_not(None),
            Draft.review_request_id.is_(None),
            Draft.deadline_reminder_sent_at.is_(None),
            Draft.expires_at > now,
        )
    )
    due = []
    for draft in saved:
        found = deadline(draft.answers, today)
        if found is not None and 0 <= found.days_left <= REMINDER_DAYS_LEFT:
            due.append((draft, found))
    return due
